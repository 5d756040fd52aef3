package accountability_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kongsi/kongsi/internal/accountability"
	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/nodetest"
	"github.com/kongsi/kongsi/internal/projector"
	"github.com/kongsi/kongsi/internal/record"
	"github.com/kongsi/kongsi/internal/store"
	"github.com/kongsi/kongsi/internal/tlog"
	"golang.org/x/mod/sumdb/note"
)

// today is the date the test site judges against: after every due date of
// the fixtures below but one.
var today = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// populate submits a small register of each kind through the real write
// path.
func populate(t *testing.T, e *nodetest.Env) {
	t.Helper()
	f := e.F
	e.Submit(extraParties(t, f)...)
	c1 := f.SignBy(t, []string{"chn.mfa", "khm.mfa"}, accountability.KindCommitment, "commitments/coc", commitmentBody("chn", "khm"))
	met := merge(commitmentBody("vnm"), "title", "Open a training centre", "due_on", "2024-06-30", "milestones", nil)
	c2 := f.Sign(t, "vnm.mfa", accountability.KindCommitment, "commitments/centre", met)
	e.Submit(c1, c2)
	e.Submit(
		f.Sign(t, "khm.mfa", accountability.KindReport, "commitments/coc/reports/r1", merge(reportBody("in-progress"), "milestones_met", []any{map[string]any{"milestone": "second-reading", "met_on": "2023-07-13"}}), about(t, c1)),
		f.Sign(t, "phl.mfa", accountability.KindAssessment, "commitments/coc/assessments/a1", assessmentBody("at-risk"), about(t, c1)),
		f.Sign(t, "vnm.mfa", accountability.KindReport, "commitments/centre/reports/opened", merge(reportBody("met"), "met_on", "2024-06-15"), about(t, c2)),
	)
	init1 := f.Sign(t, "chn.mfa", accountability.KindInitiative, "initiatives/disaster", initiativeBody("chn", "khm", "vnm"))
	e.Submit(init1,
		f.SignBy(t, []string{"chn.mfa", "khm.mfa"}, accountability.KindAction, "actions/disaster/focal-points", actionBody("khm", "2024-03-01", "open")),
		f.Sign(t, "vnm.mfa", accountability.KindAction, "actions/disaster/work-plan", merge(actionBody("vnm", "2027-06-01", "in-progress"), "depends_on", []any{"actions/disaster/focal-points"}, "illustrative", true)),
		f.Sign(t, "chn.mfa", accountability.KindAction, "actions/disaster/drill", merge(actionBody("chn", "2024-01-01", "done"), "done_on", "2024-02-01")),
	)
	prog := f.Sign(t, "chn.mfa", accountability.KindProgramme, "programmes/training", programmeBody("chn", "khm", "vnm"))
	e.Submit(prog)
	d1 := f.Sign(t, "chn.mfa", accountability.KindDelivery, "programmes/training/deliveries/d1", deliveryBody("khm", 40), about(t, prog))
	d2 := f.Sign(t, "chn.mfa", accountability.KindDelivery, "programmes/training/deliveries/d2", deliveryBody("vnm", 25), about(t, prog))
	e.Submit(d1, d2, f.Sign(t, "khm.dev", accountability.KindConfirmation, "programmes/training/deliveries/d1/confirmation", map[string]any{"confirmed": true, "confirmed_on": "2024-05-10", "confirmed_value": 35}, about(t, d1)))
	e.Submit(
		f.Sign(t, "vnm.nso", accountability.KindTourism, "exchanges/tourism/chn/vnm/2019", map[string]any{"origin": "chn", "destination": "vnm", "year": 2019, "arrivals": 5810000, "rounded_to": 10000, "sources": src()}),
		f.Sign(t, "org.stats", accountability.KindTourism, "exchanges/tourism/vnm/chn/2019", map[string]any{"origin": "vnm", "destination": "chn", "year": 2019, "arrivals": 1200000, "sources": src()}),
		f.Sign(t, "chn.mfa", accountability.KindVisit, "exchanges/visits/state-visit-2023", map[string]any{"visitor": "chn", "visitor_title": "President of China", "host": "vnm", "kind": "state-visit", "start_on": "2023-12-12", "end_on": "2023-12-13", "summary": "Talks in Hanoi.", "sources": src()}),
		f.Sign(t, "org.observer", accountability.KindEvent, "exchanges/events/roundtable", map[string]any{"title": "Security roundtable", "track": "track-2", "organisers": []any{"An institute"}, "country": "mys", "place": "Kuala Lumpur", "start_on": "2024-06-04", "end_on": "2024-06-06", "summary": "Dialogue.", "sources": src()}),
	)
}

func TestPagesAndAPI(t *testing.T) {
	nodetest.Backends(t, func(t *testing.T, open nodetest.Opener) {
		e := open(t, accountability.New().WithClock(func() time.Time { return today }))
		f := e.F
		populate(t, e)
		c, _ := e.Node.Sequencer.State().Head("commitments/coc")
		d2, _ := e.Node.Sequencer.State().Head("programmes/training/deliveries/d2")
		ref := func(rel string, id record.ID) record.Ref { return record.Ref{Rel: rel, ID: id} }

		e.Run(t, []nodetest.Scenario{
			// Commitments.
			{Name: "commitments", Path: "/commitments", ContentType: "text/html", Contains: []string{"Conclude the code", "Open a training centre", `class="badge bad">Overdue`, `class="badge ok">Met`, `role="img"`, `<label for="c-party">`}},
			{Name: "commitments by status", Path: "/commitments?status=met", Contains: []string{"Open a training centre", "1 commitment."}, NotContains: []string{"Conclude the code"}},
			{Name: "commitments by party", Path: "/commitments?party=khm", Contains: []string{"Conclude the code"}, NotContains: []string{"Open a training centre"}},
			{Name: "commitments bad status", Path: "/commitments?status=late", Status: 422, Contains: []string{"there is no status"}},
			{Name: "commitment", Path: "/commitments/coc", Contains: []string{"Progress reports by the pledgers", "It was due on 13 July 2026, 132 days ago", "The readings are slow.", "Second reading", "The life of the commitment"}},
			{Name: "commitment 404", Path: "/commitments/none", Status: 404},
			{Name: "api commitments", Path: "/api/v1/commitments", ContentType: "application/json", Contains: []string{`"as_of":"2026-11-22"`, `"status":"overdue"`, `"days_overdue":132`, `"status":"met"`, `"assessor":"phl"`}},
			{Name: "api commitments by party", Path: "/api/v1/commitments?party=vnm", Contains: []string{`"slug":"centre"`}, NotContains: []string{`"slug":"coc"`}},
			{Name: "api commitments unknown party", Path: "/api/v1/commitments?party=xyz", Status: 422, Contains: []string{`"field":"party"`, `"rule":"param.party"`}},
			{Name: "api commitments csv", Path: "/api/v1/commitments.csv", ContentType: "text/csv", Contains: []string{"subject,title,pledgers", "commitments/coc,Conclude the code,chn khm"}},
			{Name: "api commitment", Path: "/api/v1/commitments/coc", Contains: []string{`"reports":[`, `"pledger":{`, `"assessments":[`, `"current":true`}},
			{Name: "api commitment milestones csv", Path: "/api/v1/commitments/coc/milestones.csv", ContentType: "text/csv", Contains: []string{"commitments/coc,second-reading,Second reading,2023-12-31,2023-07-13,false", "commitments/coc,third-reading,Third reading,,,false"}},
			{Name: "api commitment reports csv", Path: "/api/v1/commitments/coc/reports.csv", ContentType: "text/csv", Contains: []string{"commitments/coc/reports/r1,khm,khm.mfa,2024-06-01,in-progress,,second-reading=2023-07-13"}},
			{Name: "api commitment assessments csv", Path: "/api/v1/commitments/coc/assessments.csv", ContentType: "text/csv", Contains: []string{"commitments/coc/assessments/a1,phl,phl.mfa,2024-07-01,at-risk,true"}},
			{Name: "api reports csv of no commitment", Path: "/api/v1/commitments/none/reports.csv", Status: 404},
			{Name: "record page renders the commitment", Path: "/records/" + strconv.FormatUint(c.Index, 10), Contains: []string{"Pledged by", "Overdue</span> today"}},
			{Name: "navigation", Path: "/board/overdue", Contains: []string{`aria-current="page">Accountability</a>`, `aria-current="page">Coordination board</a>`, `<nav class="sub wrap" aria-label="Accountability">`}},
			{Name: "scorecards", Path: "/scorecards", Contains: []string{"Commitments by party and status", `href="/commitments?party=khm"`}},
			{Name: "api scorecards csv", Path: "/api/v1/scorecards.csv", ContentType: "text/csv", Contains: []string{"party,name,as_of,pledged"}},
			{Name: "api scorecard", Path: "/api/v1/parties/khm/scorecard", Contains: []string{`"pledged":1`, `"overdue":1`, `"received":1`}},
			{Name: "api scorecard of an authority", Path: "/api/v1/parties/khm.dev/scorecard", Contains: []string{`"pledged":0`}},
			{Name: "api scorecard 404", Path: "/api/v1/parties/zzz/scorecard", Status: 404, Contains: []string{`"code":"not_found"`}},
			{Name: "party page section", Path: "/parties/khm", Contains: []string{"Pledged, owes and delivered", "Conclude the code", "Nominate focal points", "awaiting its confirmation"}},
			{Name: "party page of a party with nothing", Path: "/parties/idn", NotContains: []string{"Pledged, owes and delivered"}},
			{Name: "home", Path: "/", Contains: []string{"Commitments and coordination", "action items overdue"}},

			// Initiatives and the coordination board.
			{Name: "initiatives", Path: "/initiatives", Contains: []string{"Disaster management cooperation", "Initiatives by ASEAN Community pillar", "1 overdue"}},
			{Name: "initiatives by pillar", Path: "/initiatives?pillar=economic", Contains: []string{"0 initiatives"}},
			{Name: "initiatives by participant", Path: "/initiatives?party=khm", Contains: []string{"Disaster management cooperation"}},
			{Name: "initiatives bad domain", Path: "/initiatives?domain=space", Status: 422},
			{Name: "initiative", Path: "/initiatives/disaster", Contains: []string{"Action items", "Nominate focal points", "Socio-Cultural"}},
			{Name: "api initiatives csv", Path: "/api/v1/initiatives.csv", ContentType: "text/csv", Contains: []string{"initiatives/disaster,Disaster management cooperation,socio-cultural,emergency-management,asean-china"}},
			{Name: "api initiative", Path: "/api/v1/initiatives/disaster", Contains: []string{`"action_items":[`, `"actions_overdue":1`}},
			{Name: "board", Path: "/board", Contains: []string{"Coordination board", "3 items, 1 overdue", "Overdue, 996 days", "illustrative", "waits on 1 item"}},
			{Name: "board overdue", Path: "/board/overdue", Contains: []string{"Overdue action items", "Nominate focal points", "1 item, 1 overdue"}},
			{Name: "board by owner", Path: "/board?owner=vnm", Contains: []string{"1 item,", "Atom feed of what vnm owes"}},
			{Name: "board bad owner", Path: "/board?owner=usa", Status: 422},
			{Name: "what a party owes", Path: "/board/khm", Contains: []string{"What State khm owes", "Overdue, 996 days", "feed.atom"}},
			{Name: "what an unknown party owes", Path: "/board/usa", Status: 404},
			{Name: "feed", Path: "/board/khm/feed.atom", ContentType: "application/atom+xml", Contains: []string{`<feed xmlns="http://www.w3.org/2005/Atom">`, "overdue since 1 March 2024", "/actions/disaster/focal-points</id>"}},
			{Name: "feed of an unknown party", Path: "/board/usa/feed.atom", Status: 404},
			{Name: "action", Path: "/actions/disaster/work-plan", Contains: []string{"Depends on", "Nominate focal points", "Illustrative"}},
			{Name: "action 404", Path: "/actions/disaster/none", Status: 404},
			{Name: "api actions", Path: "/api/v1/actions?owner=khm&status=overdue", Contains: []string{`"overdue":true`, `"days_overdue":996`, `"slug":"focal-points"`}, NotContains: []string{`"slug":"work-plan"`}},
			{Name: "api actions pending", Path: "/api/v1/actions?status=pending", Contains: []string{`"slug":"work-plan"`, `"waiting_on":[`}, NotContains: []string{`"slug":"drill"`}},
			{Name: "api actions done", Path: "/api/v1/actions?status=done", Contains: []string{`"slug":"drill"`, `"done_late":true`}},
			{Name: "api actions bad status", Path: "/api/v1/actions?status=late", Status: 422, Contains: []string{`"field":"status"`, `"rule":"param.enum"`}},
			{Name: "api actions bad initiative", Path: "/api/v1/actions?initiative=Bad%20Name", Status: 422, Contains: []string{`"field":"initiative"`}},
			{Name: "api actions csv", Path: "/api/v1/actions.csv?initiative=disaster", ContentType: "text/csv", Contains: []string{"actions/disaster/focal-points,initiatives/disaster,Nominate focal points,khm,chn,2024-03-01"}},

			// Programmes.
			{Name: "programmes", Path: "/programmes", Contains: []string{"Training plan", "Delivery against targets", "1 delivery awaiting confirmation", "Awaiting the recipient"}},
			{Name: "programme", Path: "/programmes/training", Contains: []string{"Confirmed by the recipient", "for 35", "Delivery by recipient"}},
			{Name: "api programmes", Path: "/api/v1/programmes", Contains: []string{`"confirmed":35`, `"unconfirmed":25`, `"unconfirmed_deliveries":1`}},
			{Name: "api programmes csv", Path: "/api/v1/programmes.csv", ContentType: "text/csv", Contains: []string{"programmes/training,Training plan,chn,trainees,people trained,,1000,,65,35,25,0", "programmes/training,Training plan,chn,trainees,people trained,khm,100,,40,35,0,0"}},
			{Name: "api programme targets csv", Path: "/api/v1/programmes.csv?programme=training", ContentType: "text/csv", Contains: []string{"programmes/training,Training plan"}},
			{Name: "api programme targets csv of none", Path: "/api/v1/programmes.csv?programme=none", ContentType: "text/csv", NotContains: []string{"programmes/training"}},
			{Name: "api programme targets csv bad slug", Path: "/api/v1/programmes.csv?programme=Bad", Status: 422, Contains: []string{`"field":"programme"`}},
			{Name: "api deliveries pending", Path: "/api/v1/deliveries?pending=true", Contains: []string{`"recipient_home":"vnm"`}, NotContains: []string{`"recipient_home":"khm"`}},
			{Name: "api deliveries bad flag", Path: "/api/v1/deliveries?pending=maybe", Status: 422, Contains: []string{`"field":"pending"`}},
			{Name: "api deliveries csv", Path: "/api/v1/deliveries.csv?programme=training", ContentType: "text/csv", Contains: []string{"confirmed,35,2024-05-10,khm.dev"}},

			// Exchanges.
			{Name: "exchanges", Path: "/exchanges", Contains: []string{"Tourist arrivals by year", "5,810,000", "to the nearest 10,000", "President of China", "Security roundtable"}},
			{Name: "exchanges of one type", Path: "/exchanges?type=visits", Contains: []string{"Official visits"}, NotContains: []string{"Tourist arrivals by year"}},
			{Name: "exchanges bad type", Path: "/exchanges?type=trade", Status: 422},
			{Name: "api exchanges", Path: "/api/v1/exchanges?country=vnm", Contains: []string{`"arrivals":5810000`, `"visitor_title":"President of China"`}, NotContains: []string{"Security roundtable"}},
			{Name: "api exchanges csv", Path: "/api/v1/exchanges.csv?type=events", ContentType: "text/csv", Contains: []string{"exchanges/events/roundtable,Security roundtable,track-2"}},
		})

		// Refusals through the API: the precise rule, and the log unchanged.
		before := e.Node.Sequencer.State().Size()
		e.Run(t, []nodetest.Scenario{
			{Name: "report by a party that is not a pledger", Method: "POST", Path: "/api/v1/records", Body: string(f.Sign(t, "vnm.mfa", accountability.KindReport, "commitments/coc/reports/x", reportBody("in-progress"), ref("about", c.ID))),
				Status: 403, Contains: []string{`"rule":"report.not-pledger"`, `"field":"author"`}},
			{Name: "confirmation by the provider", Method: "POST", Path: "/api/v1/records", Body: string(f.Sign(t, "chn.mfa", accountability.KindConfirmation, "programmes/training/deliveries/d2/confirmation", map[string]any{"confirmed": true, "confirmed_on": "2024-05-10"}, ref("about", d2.ID))),
				Status: 403, Contains: []string{`"rule":"confirmation.not-recipient"`}},
			{Name: "action without an owner", Method: "POST", Path: "/api/v1/records", Body: string(f.Sign(t, "chn.mfa", accountability.KindAction, "actions/disaster/x", merge(actionBody("chn", "2025-01-01", "open"), "owner", nil))),
				Status: 422, Contains: []string{`"rule":"schema.required"`, `"field":"body.owner"`}},
			{Name: "action without a due date", Method: "POST", Path: "/api/v1/records", Body: string(f.Sign(t, "chn.mfa", accountability.KindAction, "actions/disaster/x", merge(actionBody("chn", "2025-01-01", "open"), "due_on", nil))),
				Status: 422, Contains: []string{`"rule":"schema.required"`, `"field":"body.due_on"`}},
			{Name: "assessment of one's own commitment", Method: "POST", Path: "/api/v1/records", Body: string(f.Sign(t, "khm.mfa", accountability.KindAssessment, "commitments/coc/assessments/own", assessmentBody("on-track"), ref("about", c.ID))),
				Status: 403, Contains: []string{`"rule":"assessment.own-commitment"`}},
		})
		if after := e.Node.Sequencer.State().Size(); after != before {
			t.Errorf("refused records changed the log: %d entries, then %d", before, after)
		}

		// A rebuild from the log reaches the same tables as the live node.
		ctx := context.Background()
		live, err := e.Node.Store.Digest(ctx)
		if err != nil {
			t.Fatal(err)
		}
		ms := accountability.New()
		st, err := store.OpenSQLite(ctx, filepath.Join(t.TempDir(), "rebuilt.db"), projector.Schemas(ms.Projections()))
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		kinds, _ := ledger.NewKinds(ms.Kinds()...)
		v, _ := note.NewVerifier(f.LogVKey)
		p := projector.New(projector.Options{Source: tlog.DirSource(filepath.Join(e.Dir, "log")), Verifier: v, Store: st, Kinds: kinds, Projections: ms.Projections(),
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), BatchSize: 3})
		if err := p.Open(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if err := p.CatchUp(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if p.Applied() != e.Node.Projector.Applied() {
			t.Fatalf("rebuilt %d entries, live %d", p.Applied(), e.Node.Projector.Applied())
		}
		if rebuilt, _ := st.Digest(ctx); rebuilt != live {
			t.Errorf("the rebuilt projections differ from the live ones")
		}
	})
}

// TestStatusFollowsTheDay checks that the same register, looked at on two
// days, gives two answers, and that nothing of it is stored.
func TestStatusFollowsTheDay(t *testing.T) {
	day := today
	e := nodetest.New(t, accountability.New().WithClock(func() time.Time { return day }))
	populate(t, e)
	status := func() string {
		_, _, body := e.Do(http.MethodGet, "/api/v1/commitments/coc", "")
		var c struct {
			Status string `json:"status"`
			AsOf   string `json:"as_of"`
		}
		if err := json.Unmarshal([]byte(body), &c); err != nil {
			t.Fatal(err)
		}
		return c.AsOf + " " + c.Status
	}
	if got := status(); got != "2026-11-22 overdue" {
		t.Errorf("on 22 November 2026: %s", got)
	}
	// Before its due date the same commitment is at risk: the Philippines
	// rates it so.
	day = time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC)
	if got := status(); got != "2026-01-10 at-risk" {
		t.Errorf("on 10 January 2026: %s", got)
	}
	_, _, body := e.Do(http.MethodGet, "/api/v1/actions?status=overdue", "")
	if !strings.Contains(body, `"days_overdue":680`) {
		t.Errorf("overdue items on 10 January 2026: %s", body)
	}
}
