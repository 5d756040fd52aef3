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
	"github.com/kongsi/kongsi/internal/tlog"
	"github.com/kongsi/kongsi/internal/trade"
	"golang.org/x/mod/sumdb/note"
)

// TestFound founds the demo register, checks that every record of the demo's
// data was accepted, and audits the result.
func TestFound(t *testing.T) {
	ctx := context.Background()
	ms := []module.Module{declaration.New(), trade.New()}
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
	demoReleases, err := trade.DemoReleases()
	if err != nil {
		t.Fatal(err)
	}
	if rep.Kinds[ledger.KindPartyAdmit] != 1 || rep.Kinds[declaration.Kind] < 15 || rep.Kinds[ledger.KindKeyRotate] != 1 || rep.Kinds[trade.Kind] != len(demoReleases) {
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
	// Every trade data release loads its file.
	n.Run(ctx)
	if err := n.Projector.WaitFor(ctx, rep.Checked); err != nil {
		t.Fatal(err)
	}
	rels, err := trade.Releases(ctx, n.Store, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(rels) != len(demoReleases) {
		t.Errorf("%d trade releases projected, the demo has %d", len(rels), len(demoReleases))
	}
	for _, r := range rels {
		if r.Status != trade.StatusLoaded || r.LoadedRows != r.Rows || r.SourceTitle == "" {
			t.Errorf("release %s: %s (%s), %d of %d rows", r.Subject, r.Status, r.StatusDetail, r.LoadedRows, r.Rows)
		}
	}
	if err := n.Close(ctx); err != nil {
		t.Fatal(err)
	}
}
