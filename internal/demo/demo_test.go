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
	"github.com/kongsi/kongsi/internal/witness/witnesstest"
	"golang.org/x/mod/sumdb/note"
)

// TestFound founds the demo register, checks that every record of the demo's
// data was accepted, and audits the result.
func TestFound(t *testing.T) {
	ctx := context.Background()
	ms := []module.Module{declaration.New()}
	dir := t.TempDir()
	cfg := node.Config{Dir: dir, Kinds: module.Kinds(ms), Projections: module.Projections(ms), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	// The demo's witnesses, running.
	logVKey, err := demo.LogVKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	ws, err := demo.Witnesses(dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg.WitnessURLs = map[string]string{}
	var servers []*witnesstest.Server
	for _, w := range ws {
		s := witnesstest.StartWithKey(t, w.ID, w.SKey, w.VKey, t.TempDir(), logVKey)
		cfg.WitnessURLs[w.VKey] = s.Witness.URL
		servers = append(servers, s)
	}
	if err := demo.Found(ctx, cfg, ms, ws, nil); err != nil {
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
		rep.Kinds[ledger.KindWitnessRegister] != 2 || rep.Kinds[ledger.KindWitnessPolicy] != 1 {
		t.Errorf("records by kind: %v", rep.Kinds)
	}
	// The last checkpoint is cosigned by both witnesses.
	cp, err := tlog.ReadCheckpoint(ctx, tlog.DirSource(filepath.Join(dir, node.LogDir)), v)
	if err != nil {
		t.Fatal(err)
	}
	if cs, err := witnesstest.Policy(2, servers...).Check(cp); err != nil || len(cs) != 2 {
		t.Fatalf("the demo's checkpoint lacks cosignatures: %v\n%s", err, cp.Raw)
	}
	// Opening it again reuses it.
	if err := demo.Found(ctx, cfg, ms, ws, nil); err == nil {
		t.Error("founding twice in one directory succeeded")
	}
	n, err := node.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if n.Sequencer.State().Size() != rep.Checked {
		t.Errorf("reopened with %d entries, audited %d", n.Sequencer.State().Size(), rep.Checked)
	}
	if err := n.Close(ctx); err != nil {
		t.Fatal(err)
	}
}
