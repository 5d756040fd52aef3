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
	"github.com/kongsi/kongsi/internal/store"
	"github.com/kongsi/kongsi/internal/tlog"
	"golang.org/x/mod/sumdb/note"
)

func runRebuild(ctx context.Context, args []string) error {
	fs := newFlags("rebuild", "-data DIR [-check]")
	data := fs.String("data", "", "the register's data directory; the register must not be running")
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
	path := filepath.Join(*data, node.StoreFile)
	if *check {
		tmp, err := os.MkdirTemp("", "kongsi-rebuild-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		path = filepath.Join(tmp, node.StoreFile)
	}
	st, err := store.OpenSQLite(ctx, path, schemas)
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
	live, err := store.OpenSQLite(ctx, filepath.Join(*data, node.StoreFile), schemas)
	if err != nil {
		return err
	}
	defer live.Close()
	applied, _ := live.Applied(ctx)
	liveDigest, err := live.Digest(ctx)
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
