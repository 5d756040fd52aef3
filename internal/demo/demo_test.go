package demo_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/kongsi/kongsi/internal/accountability"
	"github.com/kongsi/kongsi/internal/audit"
	"github.com/kongsi/kongsi/internal/declaration"
	"github.com/kongsi/kongsi/internal/demo"
	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/module"
	"github.com/kongsi/kongsi/internal/modules"
	"github.com/kongsi/kongsi/internal/node"
	"github.com/kongsi/kongsi/internal/projects"
	"github.com/kongsi/kongsi/internal/security"
	"github.com/kongsi/kongsi/internal/tlog"
	"github.com/kongsi/kongsi/internal/trade"
	"github.com/kongsi/kongsi/internal/witness/witnesstest"
	"golang.org/x/mod/sumdb/note"
)

// TestFound founds the demo register, checks that every record of the demo's
// data was accepted, and audits the result.
func TestFound(t *testing.T) {
	ctx := context.Background()
	ms := modules.All()
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
	demoReleases, err := trade.DemoReleases()
	if err != nil {
		t.Fatal(err)
	}
	if rep.Kinds[ledger.KindPartyAdmit] != 1 || rep.Kinds[declaration.Kind] < 15 || rep.Kinds[ledger.KindKeyRotate] != 1 || rep.Kinds[trade.Kind] != len(demoReleases) ||
		rep.Kinds[ledger.KindWitnessRegister] != 2 || rep.Kinds[ledger.KindWitnessPolicy] != 1 ||
		rep.Kinds[projects.KindProject] < 7 || rep.Kinds[projects.KindElection] < 10 || rep.Kinds[projects.KindDesignation] < 6 || rep.Kinds[projects.KindOutreach] < 2 {
		t.Errorf("records by kind: %v", rep.Kinds)
	}
	// The accountability module's demo data: every kind, in number.
	for kind, least := range map[string]int{
		accountability.KindCommitment: 5, accountability.KindReport: 10, accountability.KindAssessment: 1,
		accountability.KindInitiative: 8, accountability.KindAction: 7, accountability.KindProgramme: 2,
		accountability.KindDelivery: 2, accountability.KindConfirmation: 1,
		accountability.KindTourism: 8, accountability.KindVisit: 5, accountability.KindEvent: 4,
	} {
		if rep.Kinds[kind] < least {
			t.Errorf("the demo has %d records of kind %s, want at least %d", rep.Kinds[kind], kind, least)
		}
	}
	// The security module's facts: facilities, the 2025 visits to Ream and
	// Sihanoukville (request, decision, completion each), exercises and a
	// posture disclosure.
	if rep.Kinds[security.KindFacility] < 5 || rep.Kinds[security.KindPortCallRequest] < 3 || rep.Kinds[security.KindPortCallDecision] < 3 ||
		rep.Kinds[security.KindPortCallReport] < 3 || rep.Kinds[security.KindActivityNotify] < 4 || rep.Kinds[security.KindPosture] < 1 {
		t.Errorf("security records by kind: %v", rep.Kinds)
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
	// The projected port calls give Ream two visiting states, each with one
	// completed visit.
	if err := n.Projector.CatchUp(ctx, nil); err != nil {
		t.Fatal(err)
	}
	calls, err := security.PortCalls(ctx, n.Store, security.PortCallFilter{Facility: "facilities/khm/ream"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var facts []security.PortCallFact
	for _, c := range calls {
		facts = append(facts, c.Fact())
	}
	if o := security.Measure(facts); o.Visits != 2 || o.DistinctStates != 2 || *o.HHI != 5000 {
		t.Errorf("Ream's openness in the demo: %d visits by %d states, HHI %v", o.Visits, o.DistinctStates, o.HHI)
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
	// The projects' designations derive from the demo's attestations.
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
