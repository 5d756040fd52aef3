package projects_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/ledger/ledgertest"
	"github.com/kongsi/kongsi/internal/nodetest"
	"github.com/kongsi/kongsi/internal/projects"
	"github.com/kongsi/kongsi/internal/record"
)

// today is the day the tests' answers are computed for.
var today = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// site runs a node with the projects module, the parties of newRegister,
// and a few projects: an Indonesian railway with a confirmed label, an
// outreach report and a host comment; a Malaysian railway claimed by China
// only, suspended; and elections in Malaysia.
func site(t *testing.T) *nodetest.Env {
	t.Helper()
	return siteOn(t, nodetest.New)
}

// siteOn is site on the backend open gives.
func siteOn(t *testing.T, open nodetest.Opener) *nodetest.Env {
	t.Helper()
	e := open(t, projects.New().WithClock(func() time.Time { return today }))
	// The same parties as newRegister, through the real write path.
	f := e.F
	authority := func(id, name string, roles ...string) []byte {
		_, vk := f.NewKey(t, id)
		return f.SignBy(t, []string{id[:3] + ".mfa", id}, ledger.KindAuthorityRegister, ledger.PartySubject(id), map[string]any{"name": name, "roles": roles, "key": vk})
	}
	_, vk := f.NewKey(t, "org.sponsor")
	admit := map[string]any{"party": map[string]any{"type": "organisation", "id": "org.sponsor", "name": "A railway company", "roles": []string{projects.RoleSponsor}, "key": vk}, "reason": "test"}
	e.Submit(
		authority("chn.ndrc", "National Development and Reform Commission", projects.RoleBRIDesignation, projects.RoleDevelopment),
		authority("idn.bappenas", "Bappenas", projects.RoleDevelopment),
		authority("idn.jabar", "Provincial Government of West Java", "local-government"),
		authority("mys.ekonomi", "Ministry of Economy", projects.RoleDevelopment),
		f.SignBy(t, []string{"chn.mfa", "khm.mfa", "vnm.mfa", "phl.mfa", "org.sponsor"}, ledger.KindPartyAdmit, ledger.PartySubject("org.sponsor"), admit),
	)
	ds := subj + "/designation"
	d1 := f.Sign(t, "chn.ndrc", projects.KindDesignation, ds, designation("confirm"))
	d2 := f.Sign(t, "idn.bappenas", projects.KindDesignation, ds, designation("confirm"), ledgertest.Prev(t, d1))
	ecrl := with(railway(), "name", "East Coast Rail Link", "host", "mys", "status", "implementation",
		"location", map[string]any{"description": "Kota Bharu to Port Klang", "geometry": map[string]any{"type": "LineString", "coordinates": []any{[]any{102.24, 6.13}, []any{103.33, 3.8}, []any{101.39, 3.0}}}},
		"sponsors", []any{map[string]any{"name": "China Communications Construction Company", "type": "state-owned-enterprise", "role": "contractor", "country": "chn"},
			map[string]any{"name": "A private developer", "type": "private-company", "role": "developer", "country": "mys"}},
		"budget", map[string]any{"amount": 50.27e9, "currency": "MYR", "usd": 11e9, "note": "As reported after the 2021 realignment."})
	e1 := f.Sign(t, "mys.ekonomi", projects.KindProject, "projects/mys-ecrl", ecrl)
	e2 := f.Sign(t, "mys.ekonomi", projects.KindStatus, "projects/mys-ecrl", with(statusBody("implementation"), "halt", map[string]any{"state": "suspended", "since": "2024-05", "reason": "Under review."}), ledgertest.Prev(t, e1))
	o1 := f.Sign(t, "org.sponsor", projects.KindOutreach, subj+"/outreach/walini-2024", with(outreachBody(), "date", "2024-09-10"))
	e.Submit(
		f.Sign(t, "idn.bappenas", projects.KindProject, subj, railway()),
		d1, d2, e1, e2,
		f.Sign(t, "chn.ndrc", projects.KindDesignation, "projects/mys-ecrl/designation", designation("confirm")),
		o1,
		f.Sign(t, "idn.jabar", projects.KindComment, subj+"/outreach/walini-2024/comments/jabar", commentBody("disputes")),
		f.Sign(t, "mys.mfa", projects.KindElection, "elections/mys/ge14", with(election("held", "2018-05-09"), "name", "14th general election", "government_changed", true)),
		f.Sign(t, "mys.mfa", projects.KindElection, "elections/mys/ge16", with(election("due", "2026-02"), "name", "16th general election")),
		f.Sign(t, "idn.mfa", projects.KindElection, "elections/idn/pemilu-2029", with(election("due", "2029"), "name", "2029 general election")),
	)
	return e
}

func TestPagesAndAPI(t *testing.T) {
	nodetest.Backends(t, func(t *testing.T, open nodetest.Opener) {
		e := siteOn(t, open)
		e.Run(t, []nodetest.Scenario{
			{Name: "list", Path: "/projects", ContentType: "text/html", Contains: []string{"2 projects", "Jakarta–Bandung high-speed railway", "East Coast Rail Link",
				`<label for="p-country">`, `<label for="p-designation">`, `<label for="p-sponsor">`, `role="img"`, "Projects by host country", `class="badge ok">Confirmed`}},
			{Name: "list filtered by designation", Path: "/projects?designation=claimed", Contains: []string{"1 project.", "East Coast Rail Link"}, NotContains: []string{"Jakarta–Bandung high-speed railway</a>"}},
			{Name: "list filtered by sponsor type", Path: "/projects?sponsor_type=private-company", Contains: []string{"1 project.", "East Coast Rail Link"}},
			{Name: "list filtered by halt", Path: "/projects?halt=suspended", Contains: []string{"East Coast Rail Link"}, NotContains: []string{"Jakarta–Bandung high-speed railway</a>"}},
			{Name: "list filtered by sector", Path: "/projects?sector=transport.rail&country=idn", Contains: []string{"1 project."}},
			{Name: "list bad filter keeps the form", Path: "/projects?status=operational", Status: 422, Contains: []string{"no OC4IDS project status", `<form class="filters"`}},
			{Name: "project", Path: "/projects/idn-jakarta-bandung-hsr", Contains: []string{"Jakarta–Bandung high-speed railway", "Belt and Road designation: <span class=\"badge ok\">Confirmed",
				"China&#39;s designating authority and the host government both confirm the label.", "Consultation with residents of Walini", "Disputes the report",
				"Political risk:", "Timeline of signed records", `class="map"`, "How the state is derived", "PT Kereta Cepat Indonesia China"}},
			{Name: "project suspended and claimed", Path: "/projects/mys-ecrl", Contains: []string{"suspended", "Claimed, not confirmed", "the host government has not attested it",
				"16th general election", "50,270,000,000 MYR"}},
			{Name: "project unknown", Path: "/projects/idn-nothing", Status: 404},
			{Name: "project malformed id", Path: "/projects/Nothing", Status: 404},
			{Name: "map", Path: "/projects/map", Contains: []string{`class="map"`, "The projects on the map", "2 projects on the map", "107.496"}},
			{Name: "map by status", Path: "/projects/map?color=status", Contains: []string{"Stalled or suspended"}},
			{Name: "map bad colour", Path: "/projects/map?color=red", Status: 422},
			{Name: "report", Path: "/projects/report", Contains: []string{"Claimed, not confirmed", "East Coast Rail Link", "Stalled, suspended or cancelled", "Private company"}},
			{Name: "risk", Path: "/projects/risk", Contains: []string{"Political risk", "How the score is made", "East Coast Rail Link", "2 projects scored"}},
			{Name: "outreach", Path: "/projects/outreach", Contains: []string{"Consultation with residents of Walini", "1 disputing", "Intensity per project"}},
			{Name: "elections", Path: "/elections", Contains: []string{"16th general election", "14th general election", "due by 28 February 2026", "yes"}},
			{Name: "elections of a state", Path: "/elections?country=idn", Contains: []string{"2029 general election"}, NotContains: []string{"16th general election"}},
			{Name: "record page renders the body", Path: "/records/8", Contains: []string{"Belt and Road label of"}},
			{Name: "party page section", Path: "/parties/mys", Contains: []string{"East Coast Rail Link", "Upcoming elections"}},
			{Name: "home section", Path: "/", Contains: []string{"Projects and political risk", "2 projects</a>"}},

			{Name: "api list", Path: "/api/v1/projects?country=mys", Contains: []string{`"total":1`, `"id":"mys-ecrl"`, `"designation":"claimed"`, `"halt":"suspended"`, `"amount_usd":11000000000`}},
			{Name: "api list paged", Path: "/api/v1/projects?page=1", Contains: []string{`"total":2`}},
			{Name: "api bad filter", Path: "/api/v1/projects?sponsor_type=bank", Status: 422, Contains: []string{`"field":"sponsor_type"`, `"rule":"param.enum"`}},
			{Name: "api csv", Path: "/api/v1/projects.csv", ContentType: "text/csv", Contains: []string{"id,name,host,host_name,sectors", "mys-ecrl,East Coast Rail Link,mys"}},
			{Name: "api project", Path: "/api/v1/projects/idn-jakarta-bandung-hsr", Contains: []string{`"designation_detail"`, `"state":"confirmed"`, `"outreach_intensity"`, `"last_12_months":1`, `"risk"`, `"parts"`}},
			{Name: "api project unknown", Path: "/api/v1/projects/idn-none", Status: 404, Contains: []string{`"code":"not_found"`}},
			{Name: "api project oc4ids", Path: "/api/v1/projects/mys-ecrl/oc4ids", Contains: []string{`"version":"0.9"`, `"id":"kongsi-mys-ecrl"`, `"scheme":"kongsi:briDesignation"`}, NotContains: []string{"kongsi-idn-"}},
			{Name: "api package", Path: "/api/v1/projects.oc4ids.json", Contains: []string{`"kongsi-idn-jakarta-bandung-hsr"`, `"consultationMeetings"`}},
			{Name: "api report", Path: "/api/v1/projects/report", Contains: []string{`"unconfirmed_claims":1`, `"sponsor_type":"private-company"`}},
			{Name: "api report csv", Path: "/api/v1/projects/report.csv", ContentType: "text/csv", Contains: []string{"sponsor_type,projects,confirmed"}},
			{Name: "api risk", Path: "/api/v1/risk", Contains: []string{`"day":"2025-06-01"`, `"code":"elections"`, `"explanation"`}},
			{Name: "api risk csv", Path: "/api/v1/risk.csv", ContentType: "text/csv", Contains: []string{"project,name,host,day,closed,score", "mys-ecrl"}},
			{Name: "api outreach", Path: "/api/v1/outreach", Contains: []string{`"stance":"disputes"`}},
			{Name: "api outreach csv", Path: "/api/v1/outreach.csv", ContentType: "text/csv", Contains: []string{"walini-2024"}},
			{Name: "api elections", Path: "/api/v1/elections", Contains: []string{`"upcoming":true`, `"days_until":272`}},
			{Name: "api elections csv", Path: "/api/v1/elections.csv?country=mys", ContentType: "text/csv", Contains: []string{"elections/mys/ge16"}},
			{Name: "api elections bad country", Path: "/api/v1/elections?country=Malaysia", Status: 422},
		})
	})
}

// TestRiskScore checks a score's parts on the API against what the
// records say, for the day the module's clock gives.
func TestRiskScore(t *testing.T) {
	e := site(t)
	_, _, body := e.Do(http.MethodGet, "/api/v1/projects/mys-ecrl", "")
	var d struct {
		Risk projects.Score `json:"risk"`
	}
	if err := json.Unmarshal([]byte(body), &d); err != nil {
		t.Fatal(err)
	}
	parts := map[string]projects.Part{}
	sum := 0.0
	for _, p := range d.Risk.Parts {
		parts[p.Code] = p
		sum += p.Points
	}
	// The 16th general election is due by 28 February 2026: 272 days from
	// 1 June 2025, so 30 × (1 − 272/730) = 18.8.
	want := map[string]float64{"elections": 18.8, "status": 25, "outreach": 20, "designation": 8, "sponsors": 10}
	for code, pts := range want {
		if parts[code].Points != pts || parts[code].Explanation == "" {
			t.Errorf("%s: %v points (%q), want %v", code, parts[code].Points, parts[code].Explanation, pts)
		}
	}
	if d.Risk.Score != 81.8 || sum != d.Risk.Score || d.Risk.Day != "2025-06-01" {
		t.Errorf("score %v (parts add to %v) on %s", d.Risk.Score, sum, d.Risk.Day)
	}
	if !strings.Contains(parts["elections"].Explanation, "16th general election") {
		t.Errorf("elections part: %q", parts["elections"].Explanation)
	}
}

// TestRefusalsThroughTheAPI submits refused records and checks that the log
// does not change.
func TestRefusalsThroughTheAPI(t *testing.T) {
	e := site(t)
	f := e.F
	_, _, before := e.Do(http.MethodGet, "/log/checkpoint", "")
	ds := subj + "/designation"
	for _, tc := range []struct {
		name, rule string
		status     int
		entry      []byte
	}{
		{"confirmation by an unrelated party", "designation.attester", 403, f.Sign(t, "vnm.mfa", projects.KindDesignation, "projects/mys-ecrl/designation", designation("confirm"), refTo(t, e, "projects/mys-ecrl/designation"))},
		{"status change by an unrelated party", "project.status-author", 403, f.Sign(t, "phl.mfa", projects.KindStatus, subj, statusBody("cancelled"), refTo(t, e, subj))},
		{"unknown codelist value", "schema.enum", 422, f.Sign(t, "idn.bappenas", projects.KindProject, "projects/idn-new", with(railway(), "sector", []any{"railways"}))},
		{"location outside the host", "location.host", 422, f.Sign(t, "idn.bappenas", projects.KindProject, "projects/idn-new", with(railway(), "location", map[string]any{"description": "Kuala Lumpur", "point": []any{101.69, 3.14}}))},
		{"withdrawing nothing", "designation.transition", 422, f.Sign(t, "org.sponsor", projects.KindDesignation, ds, designation("withdraw-claim"), refTo(t, e, ds))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, _, body := e.Do(http.MethodPost, "/api/v1/records", string(tc.entry))
			if status != tc.status || !strings.Contains(body, `"rule":"`+tc.rule+`"`) {
				t.Errorf("status %d, %s; want %d with rule %s", status, body, tc.status, tc.rule)
			}
		})
	}
	time.Sleep(300 * time.Millisecond)
	if _, _, after := e.Do(http.MethodGet, "/log/checkpoint", ""); strings.Split(after, "\n")[1] != strings.Split(before, "\n")[1] {
		t.Errorf("the log grew: %q, then %q", before, after)
	}
}

// refTo is a prev ref to a subject's latest record, as the register says.
func refTo(t *testing.T, e *nodetest.Env, subject string) record.Ref {
	t.Helper()
	_, _, body := e.Do(http.MethodGet, "/api/v1/heads/"+subject, "")
	var h struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal([]byte(body), &h); err != nil {
		t.Fatal(err)
	}
	id, err := record.ParseID(h.ID)
	if err != nil {
		t.Fatalf("head of %s: %v (%s)", subject, err, body)
	}
	return record.Ref{Rel: record.RelPrev, ID: id}
}

// TestDetailIsTheLatestVersion checks that a project's page and API show
// its latest description alone, with nothing left over from earlier
// versions.
func TestDetailIsTheLatestVersion(t *testing.T) {
	e := site(t)
	f := e.F
	v2 := f.Sign(t, "idn.bappenas", projects.KindProject, subj, with(railway(), "sources", []any{map[string]any{"title": "Dated", "date": "2024-01-01", "publisher": "P"}}, "change_note", "Dated source."), refTo(t, e, subj))
	e.Submit(v2)
	v3 := f.Sign(t, "idn.bappenas", projects.KindProject, subj, with(railway(), "sources", []any{map[string]any{"title": "Undated"}}, "change_note", "Undated source."), refTo(t, e, subj))
	e.Submit(v3)
	_, _, body := e.Do(http.MethodGet, "/api/v1/projects/idn-jakarta-bandung-hsr", "")
	var d struct {
		Body projects.Body `json:"body"`
	}
	if err := json.Unmarshal([]byte(body), &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Body.Sources) != 1 || d.Body.Sources[0] != (projects.Source{Title: "Undated"}) || d.Body.ChangeNote != "Undated source." {
		t.Errorf("sources %+v, change note %q", d.Body.Sources, d.Body.ChangeNote)
	}
}
