package demo_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/kongsi/kongsi/internal/audit"
	"github.com/kongsi/kongsi/internal/declaration"
	"github.com/kongsi/kongsi/internal/demo"
	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/module"
	"github.com/kongsi/kongsi/internal/node"
	"github.com/kongsi/kongsi/internal/projects"
	"github.com/kongsi/kongsi/internal/tlog"
	"golang.org/x/mod/sumdb/note"
)

// TestFound founds the demo register, checks that every record of the demo's
// data was accepted, and audits the result.
func TestFound(t *testing.T) {
	ctx := context.Background()
	ms := []module.Module{declaration.New(), projects.New()}
	dir := t.TempDir()
	cfg := node.Config{Dir: dir, Kinds: module.Kinds(ms), Projections: module.Projections(ms), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if err := demo.Found(ctx, cfg, ms, nil); err != nil {
		t.Fatal(err)
	}
	_, vkey, err := node.ReadLogKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := note.NewVerifier(vkey)
	kinds, _ := ledger.NewKinds(module.Kinds(ms)...)
	rep, err := audit.Run(ctx, audit.Options{Source: tlog.DirSource(filepath.Join(dir, node.LogDir)), Verifier: v, Kinds: kinds})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("the demo register fails its audit: %v", rep.Failure)
	}
	if rep.Kinds[ledger.KindPartyAdmit] != 1 || rep.Kinds[declaration.Kind] < 15 || rep.Kinds[ledger.KindKeyRotate] != 1 ||
		rep.Kinds[projects.KindProject] < 7 || rep.Kinds[projects.KindElection] < 10 || rep.Kinds[projects.KindDesignation] < 6 || rep.Kinds[projects.KindOutreach] < 2 {
		t.Errorf("records by kind: %v", rep.Kinds)
	}
	// Opening it again reuses it.
	if err := demo.Found(ctx, cfg, ms, nil); err == nil {
		t.Error("founding twice in one directory succeeded")
	}
	n, err := node.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if n.Sequencer.State().Size() != rep.Checked {
		t.Errorf("reopened with %d entries, audited %d", n.Sequencer.State().Size(), rep.Checked)
	}
	// The projects' designations derive from the demo's attestations.
	n.Run(ctx)
	if err := n.Projector.WaitFor(ctx, rep.Checked); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{
		"idn-jakarta-bandung-hsr": projects.DesignationConfirmed, "lao-laos-china-railway": projects.DesignationConfirmed,
		"mmr-kyaukphyu-deep-sea-port": projects.DesignationClaimed, "vnm-cat-linh-ha-dong-metro": projects.DesignationNone,
	} {
		p, err := projects.Get(ctx, n.Store, id)
		if err != nil {
			t.Fatal(err)
		}
		if p.Designation != want {
			t.Errorf("%s: designation %s, want %s", id, p.Designation, want)
		}
	}
	if p, err := projects.Get(ctx, n.Store, "mys-east-coast-rail-link"); err != nil || p.Halt != "" || p.Records != 4 {
		t.Errorf("the ECRL after its suspension and resumption: %+v, %v", p, err)
	}
	if err := n.Close(ctx); err != nil {
		t.Fatal(err)
	}
}
