package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/module"
	"github.com/kongsi/kongsi/internal/modules"
	"github.com/kongsi/kongsi/internal/node"
	"github.com/kongsi/kongsi/internal/projector"
	"github.com/kongsi/kongsi/internal/tlog"
	"golang.org/x/mod/sumdb/note"
)

func runRebuild(ctx context.Context, args []string) error {
	fs := newFlags("rebuild", "-data DIR [-db URL] [-check]")
	data := fs.String("data", "", "the register's data directory; the register must not be running")
	db := fs.String("db", "", "the PostgreSQL database that holds the register's projections, if they are not in the data directory's SQLite file")
	check := fs.Bool("check", false, "build the projections afresh in a scratch file and compare them with the register's, changing nothing")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *data == "" {
		fs.Usage()
		return errUsage
	}
	_, vkey, err := node.ReadLogKey(*data)
	if err != nil {
		return err
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return err
	}
	ms := modules.All()
	kinds, err := ledger.NewKinds(module.Kinds(ms)...)
	if err != nil {
		return err
	}
	schemas := projector.Schemas(module.Projections(ms))
	live := node.Config{Dir: *data, Postgres: *db}
	target := live
	if *check {
		tmp, err := os.MkdirTemp("", "kongsi-rebuild-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		target = node.Config{Dir: tmp}
	} else {
		unlock, err := node.LockDir(*data)
		if err != nil {
			return err
		}
		defer unlock()
	}
	st, err := node.OpenStore(ctx, target, schemas)
	if err != nil {
		return err
	}
	defer st.Close()
	p := projector.New(projector.Options{
		Source: tlog.DirSource(filepath.Join(*data, node.LogDir)), Verifier: v, Store: st, Kinds: kinds,
		Projections: module.Projections(ms), Logger: logger(false, 4), BatchSize: 5000, DataDir: *data,
	})
	pr := newProgress("rebuilding the projections")
	start := time.Now()
	if err := p.Rebuild(ctx, pr.update); err != nil {
		return err
	}
	took := time.Since(start)
	fmt.Printf("Rebuilt the projections of %d records in %.2fs (%.0f records/s).\n", p.Applied(), took.Seconds(), float64(p.Applied())/took.Seconds())
	digest, err := st.Digest(ctx)
	if err != nil {
		return err
	}
	if !*check {
		fmt.Printf("Digest of the projections: %s\n", digest)
		return nil
	}
	ls, err := node.OpenStore(ctx, live, schemas)
	if err != nil {
		return err
	}
	defer ls.Close()
	applied, _ := ls.Applied(ctx)
	liveDigest, err := ls.Digest(ctx)
	if err != nil {
		return err
	}
	if applied != p.Applied() {
		fmt.Printf("The register's projections reflect %d records, the log's checkpoint %d: let the register catch up, then check again.\n", applied, p.Applied())
		return exitCode(1)
	}
	if liveDigest != digest {
		fmt.Printf("✗ The register's projections differ from a rebuild: %s, rebuilt %s. Rebuild them with kongsi rebuild -data %s.\n", liveDigest, digest, *data)
		return exitCode(1)
	}
	fmt.Printf("✓ The register's projections equal a rebuild from the log (digest %s).\n", digest)
	return nil
}
