package security_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/ledger/ledgertest"
	"github.com/kongsi/kongsi/internal/nodetest"
	"github.com/kongsi/kongsi/internal/record"
	"github.com/kongsi/kongsi/internal/security"
)

// signAt signs a record with the given envelope time.
func signAt(t *testing.T, e *nodetest.Env, when time.Time, author, kind, subject string, body any, refs ...record.Ref) []byte {
	t.Helper()
	env := e.F.Envelope(t, author, kind, subject, body, refs...)
	env.Time = record.FormatTime(when)
	return e.F.SignEnvelope(t, env, author)
}

// newEnv runs a node with the module, today being 25 April 2025, and the
// authorities the module needs.
func newEnv(t *testing.T) *nodetest.Env {
	t.Helper()
	return newEnvOn(t, nodetest.New)
}

// newEnvOn is newEnv on the backend open gives.
func newEnvOn(t *testing.T, open nodetest.Opener) *nodetest.Env {
	t.Helper()
	today := time.Date(2025, 4, 25, 12, 0, 0, 0, time.UTC)
	e := open(t, security.NewWithOptions(security.Options{Now: func() time.Time { return today }}))
	for _, a := range []struct {
		id    string
		roles []string
	}{{"khm.port", []string{"port-access"}}, {"vnm.mod", []string{"defence", "port-access"}}, {"chn.mnd", []string{"defence"}}} {
		_, vk := e.F.NewKey(t, a.id)
		e.Submit(e.F.SignBy(t, []string{a.id[:3] + ".mfa", a.id}, ledger.KindAuthorityRegister, "parties/"+a.id,
			map[string]any{"name": "Authority " + a.id, "roles": a.roles, "key": vk}))
	}
	return e
}

// seed publishes the records the page tests read: a facility; port calls
// at it by Japan (completed), Viet Nam (pending) and the United States
// (declined); a late activity and an upcoming one; an observed activity;
// and a posture disclosure. It returns Viet Nam's request.
func seed(t *testing.T, e *nodetest.Env) (vnm []byte) {
	t.Helper()
	jan := time.Date(2025, 1, 5, 0, 0, 0, 0, time.UTC)
	fac := signAt(t, e, jan, "khm.mnd", security.KindFacility, "facilities/khm/ream", ream())
	jpn := signAt(t, e, jan.Add(time.Hour), "khm.port", security.KindPortCallRequest, "portcalls/khm/jpn-1", request("JPN", "2025-04-19", "2025-04-22"))
	jpnOK := signAt(t, e, jan.Add(49*time.Hour), "khm.port", security.KindPortCallDecision, "portcalls/khm/jpn-1", map[string]any{"decision": "approved"}, ledgertest.Prev(t, jpn))
	jpnDone := signAt(t, e, time.Date(2025, 4, 23, 0, 0, 0, 0, time.UTC), "khm.port", security.KindPortCallReport, "portcalls/khm/jpn-1", map[string]any{"outcome": "completed"}, ledgertest.Prev(t, jpnOK))
	vnmBody := request("VNM", "2025-04-27", "")
	vnmBody["vessels"] = []any{map[string]any{"type": "gunboat"}}
	vnm = signAt(t, e, jan.Add(3*time.Hour), "vnm.mod", security.KindPortCallRequest, "portcalls/khm/vnm-1", vnmBody)
	usa := signAt(t, e, jan.Add(4*time.Hour), "khm.port", security.KindPortCallRequest, "portcalls/khm/usa-1", request("USA", "2025-03-01", "2025-03-03"))
	usaNo := signAt(t, e, jan.Add(5*time.Hour), "khm.port", security.KindPortCallDecision, "portcalls/khm/usa-1", map[string]any{"decision": "declined", "reason": "Pier under works."}, ledgertest.Prev(t, usa))
	big := activityBody(part("CHN", "host"), part("KHM", "participant"))
	big["start"], big["end"], big["size"] = "2025-02-01", "2025-02-05", map[string]any{"vessels": 12}
	act := signAt(t, e, jan.Add(6*time.Hour), "chn.mnd", security.KindActivityNotify, "activities/chn/big", big)
	obs := signAt(t, e, jan.Add(7*time.Hour), "vnm.mod", security.KindActivityObserved, "observations/vnm/seen",
		map[string]any{"title": "Carrier group seen", "conducting_states": []any{"USA"}, "types": []any{"combat-training"}, "start": "2025-01-03", "size": map[string]any{"vessels": 5}, "description": "Five ships."})
	up := activityBody(part("CHN", "host"), part("VNM", "observer"))
	up["title"], up["start"], up["end"] = "Search and rescue drill", "2025-05-10", "2025-05-12"
	upcoming := signAt(t, e, jan.Add(8*time.Hour), "chn.mnd", security.KindActivityNotify, "activities/chn/sar", up)
	posture := signAt(t, e, jan.Add(9*time.Hour), "chn.mnd", security.KindPosture, "postures/chn/2017",
		map[string]any{"year": 2017, "summary": "One support base abroad.", "facilities_abroad": []any{map[string]any{"name": "Support base in Djibouti", "host_state": "DJI", "role": "Logistics for escort missions."}}})
	e.Submit(fac, jpn, jpnOK, vnm, usa, usaNo, act, obs, upcoming, posture, jpnDone)
	return vnm
}

func TestPagesAndAPI(t *testing.T) {
	nodetest.Backends(t, func(t *testing.T, open nodetest.Opener) {
		e := newEnvOn(t, open)
		jan := time.Date(2025, 1, 5, 0, 0, 0, 0, time.UTC)
		vnm := seed(t, e)

		// A non-host's decision is refused with the rule's name, and the log
		// does not change.
		_, _, before := e.Do(http.MethodGet, "/api/v1/log", "")
		notHost := signAt(t, e, jan.Add(10*time.Hour), "vnm.mod", security.KindPortCallDecision, "portcalls/khm/vnm-1", map[string]any{"decision": "approved"}, ledgertest.Prev(t, vnm))
		early := signAt(t, e, jan.Add(10*time.Hour), "khm.port", security.KindPortCallReport, "portcalls/khm/vnm-1", map[string]any{"outcome": "completed"}, ledgertest.Prev(t, vnm))
		e.Run(t, []nodetest.Scenario{
			{Name: "non-host decision", Method: "POST", Path: "/api/v1/records", Body: string(notHost), Status: 403, Contains: []string{`"rule":"portcall.host"`, `"field":"author"`}},
			{Name: "report before approval", Method: "POST", Path: "/api/v1/records", Body: string(early), Status: 409, Contains: []string{`"rule":"portcall.report-not-approved"`}},
		})
		if _, _, after := e.Do(http.MethodGet, "/api/v1/log", ""); sizeOf(t, after) != sizeOf(t, before) {
			t.Errorf("refused records changed the log: %s, then %s", before, after)
		}

		e.Run(t, []nodetest.Scenario{
			{Name: "facilities", Path: "/api/v1/facilities", Contains: []string{`"name":"Ream Naval Base"`, `"port_calls":3`, `"visits":1`, `"Support base in Djibouti"`}},
			{Name: "facilities csv", Path: "/api/v1/facilities.csv", ContentType: "text/csv", Contains: []string{"subject,host,host_name,name", "facilities/khm/ream,KHM,State khm,Ream Naval Base"}},
			{Name: "facility", Path: "/api/v1/facilities/khm/ream", Contains: []string{`"port_call_register"`, `"hhi":10000`}},
			{Name: "unknown facility", Path: "/api/v1/facilities/khm/none", Status: 404, Contains: []string{`"rule":"facility.unknown"`}},
			{Name: "portcalls by state", Path: "/api/v1/portcalls?state=jpn", Contains: []string{`"requesting_state":"JPN"`, `"channel":"recorded-by-host"`, `"response_days":2`}, NotContains: []string{`"VNM"`}},
			{Name: "portcalls attention", Path: "/api/v1/portcalls?state=VNM", Contains: []string{`"channel":"member"`, `"status":"requested"`}, NotContains: []string{`"attention"`}},
			{Name: "portcalls window", Path: "/api/v1/portcalls?from=2025-04-01&to=2025-04-30", Contains: []string{"jpn-1", "vnm-1"}, NotContains: []string{"usa-1"}},
			{Name: "portcalls window reversed", Path: "/api/v1/portcalls?from=2025-05-01&to=2025-04-01", Status: 422, Contains: []string{`"rule":"param.range"`, `"field":"to"`}},
			{Name: "portcalls bad state", Path: "/api/v1/portcalls?state=XYZ", Status: 422, Contains: []string{`"field":"state"`}},
			{Name: "portcalls bad date", Path: "/api/v1/portcalls?from=April", Status: 422, Contains: []string{`"rule":"param.date"`}},
			{Name: "portcalls csv", Path: "/api/v1/portcalls.csv?facility=facilities/khm/ream", ContentType: "text/csv", Contains: []string{"portcalls/khm/usa-1", "Pier under works."}},
			{Name: "portcall", Path: "/api/v1/portcalls/khm/jpn-1", Contains: []string{`"kind":"portcall.report"`, `"kind":"portcall.decision"`}},
			{Name: "openness", Path: "/api/v1/openness?facility=facilities/khm/ream", Contains: []string{`"visits":1`, `"hhi":10000`, `"approval_rate":0.5`, `"median_response_days":1`, `"hhi_formula":"HHI = 100² (JPN) = 10,000"`}},
			{Name: "openness window", Path: "/api/v1/openness?from=2025-04-01", Contains: []string{`"requests":2`, `"approval_rate":1`}},
			{Name: "openness unknown facility", Path: "/api/v1/openness?facility=facilities/khm/none", Status: 422, Contains: []string{`"field":"facility"`}},
			{Name: "openness csv", Path: "/api/v1/openness.csv", ContentType: "text/csv", Contains: []string{"state,name,visits", "USA,United States,0,0,1,0,1,0,1,0,0,0"}},
			{Name: "activities", Path: "/api/v1/activities", Contains: []string{`"class":"late"`, `"notice_days":27`, "Carrier group seen", `"register_founded":"2025-01-01"`, `"when":"upcoming"`}, NotContains: []string{`"answered_by"`}},
			{Name: "activities all norms", Path: "/api/v1/activities?apply=all&notice_days=200", Contains: []string{`"notice_days":200`, `"all_activities":true`}, NotContains: []string{`"class":"notified"`}},
			{Name: "activities by state", Path: "/api/v1/activities?state=KHM", Contains: []string{"activities/chn/big"}, NotContains: []string{"activities/chn/sar"}},
			{Name: "activities by notice", Path: "/api/v1/activities?notice=late", Contains: []string{"activities/chn/big"}, NotContains: []string{"activities/chn/sar"}},
			{Name: "activities bad days", Path: "/api/v1/activities?notice_days=0", Status: 422, Contains: []string{`"field":"notice_days"`}},
			{Name: "activities bad type", Path: "/api/v1/activities?type=war", Status: 422, Contains: []string{`"field":"type"`}},
			{Name: "activities csv", Path: "/api/v1/activities.csv", ContentType: "text/csv", Contains: []string{"activities/chn/big,CHN", ",late,late,"}},
			{Name: "activity", Path: "/api/v1/activities/chn/big", Contains: []string{`"notify_because"`, "12 vessels (threshold 10)"}},
			{Name: "unknown activity", Path: "/api/v1/activities/chn/none", Status: 404},
			{Name: "postures", Path: "/api/v1/postures?state=chn", Contains: []string{`"host_state":"DJI"`}},
			{Name: "postures csv", Path: "/api/v1/postures.csv", ContentType: "text/csv", Contains: []string{"postures/chn/2017,CHN,2017,Support base in Djibouti,DJI,Djibouti"}},
			{Name: "observations csv", Path: "/api/v1/observations.csv", ContentType: "text/csv", Contains: []string{"observations/vnm/seen,VNM,Carrier group seen,USA,combat-training,2025-01-03,,5 vessels"}},
			{Name: "calendar", Path: "/api/v1/calendar.ics", ContentType: "text/calendar", Contains: []string{"BEGIN:VCALENDAR\r\n", "DTSTART;VALUE=DATE:20250510", "UID:activities/chn/sar@" + ledgertest.Origin, "UID:portcalls/khm/jpn-1@", "STATUS:TENTATIVE"}},
			{Name: "feed", Path: "/api/v1/security.atom", ContentType: "application/atom+xml", Contains: []string{"<feed", "Port-call decision: Port call approved", "Posture disclosure"}},

			{Name: "overview page", Path: "/security", ContentType: "text/html", Contains: []string{"Security confidence-building", "Search and rescue drill", `<svg class="map"`, `aria-current="page"`}},
			{Name: "map page", Path: "/security/map", Contains: []string{`<svg class="map"`, "Ream Naval Base", "East of Zhanjiang"}},
			{Name: "facilities page", Path: "/facilities", Contains: []string{"Ream Naval Base", "Who has visited", "Support base in Djibouti", `<label for="f-host">`}},
			{Name: "facility page", Path: "/facilities/khm/ream", Contains: []string{"Port-call register", "HHI = 100² (JPN) = 10,000", "Home of the navy."}},
			{Name: "facility page bad window", Path: "/facilities/khm/ream?from=2025-05-01&to=2025-01-01", Status: 422},
			{Name: "portcalls page", Path: "/portcalls", Contains: []string{"recorded by the host", "requested by the member state", "Pier under works.", `<label for="p-state">`}},
			{Name: "portcall page", Path: "/portcalls/khm/jpn-1", Contains: []string{"Port-call report", "Port-call decision", "time to decide: 2 days"}},
			{Name: "portcall 404", Path: "/portcalls/khm/none", Status: 404},
			{Name: "openness page", Path: "/openness", Contains: []string{"Is every requester treated alike?", "Approval rate by requesting state", "portcalls/khm/usa-1"}},
			{Name: "activities page", Path: "/activities", Contains: []string{"Late", "Carrier group seen", "unnotified", "42 days before the start"}},
			{Name: "activity page", Path: "/activities/chn/big", Contains: []string{"27 days before it began; 42 days were due", `<svg class="map"`}},
			{Name: "postures page", Path: "/postures", Contains: []string{"Support base in Djibouti", "Djibouti"}},
			{Name: "calendar page", Path: "/calendar", Contains: []string{"Search and rescue drill", "Viet Nam at Ream Naval Base"}},
			{Name: "party section", Path: "/parties/khm", Contains: []string{"<h2>Security</h2>", "Facilities it hosts", "Ream Naval Base"}},
			{Name: "party section of a notifier", Path: "/parties/chn", Contains: []string{"Activities it notified", "Posture disclosures"}},
			{Name: "home section", Path: "/", Contains: []string{"Coming up: exercises and port calls", "Search and rescue drill"}},
		})
	})
}

func sizeOf(t *testing.T, logJSON string) uint64 {
	t.Helper()
	var st struct {
		Size uint64 `json:"size"`
	}
	if err := json.Unmarshal([]byte(logJSON), &st); err != nil {
		t.Fatalf("%v: %s", err, logJSON)
	}
	return st.Size
}

// TestRebuildEqualsLive checks that the module's tables rebuilt from the log
// equal the live ones.
func TestRebuildEqualsLive(t *testing.T) {
	e := newEnv(t)
	jan := time.Date(2025, 1, 5, 0, 0, 0, 0, time.UTC)
	jpn := signAt(t, e, jan.Add(time.Hour), "khm.port", security.KindPortCallRequest, "portcalls/khm/jpn-1", request("JPN", "2025-04-19", "2025-04-22"))
	e.Submit(signAt(t, e, jan, "khm.mnd", security.KindFacility, "facilities/khm/ream", ream()), jpn,
		signAt(t, e, jan.Add(2*time.Hour), "khm.port", security.KindPortCallDecision, "portcalls/khm/jpn-1", map[string]any{"decision": "approved"}, ledgertest.Prev(t, jpn)),
		signAt(t, e, jan.Add(3*time.Hour), "chn.mnd", security.KindActivityNotify, "activities/chn/x", activityBody(part("CHN", "host"))))
	ctx := t.Context()
	live, err := e.Node.Store.Digest(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Node.Projector.Rebuild(ctx, nil); err != nil {
		t.Fatal(err)
	}
	rebuilt, err := e.Node.Store.Digest(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if live != rebuilt {
		t.Errorf("rebuilt digest %s, live %s", rebuilt, live)
	}
	if _, _, body := e.Do(http.MethodGet, "/api/v1/portcalls", ""); !strings.Contains(body, `"status":"approved"`) {
		t.Errorf("after the rebuild: %s", body)
	}
}

// TestPagesInOtherLanguages reads the module's pages in Chinese, Thai,
// Indonesian and Vietnamese: their words come from the catalogs, and their
// dates and numbers are written as each language writes them, while what
// the records say stays as it was signed.
func TestPagesInOtherLanguages(t *testing.T) {
	e := newEnv(t)
	seed(t, e)
	e.Run(t, []nodetest.Scenario{
		{Name: "overview in Chinese", Path: "/security?lang=zh", Contains: []string{"<h1>安全领域建立信任</h1>", "即将进行", "Search and rescue drill", "2025年5月10日", `lang="zh-Hans"`},
			NotContains: []string{"Security confidence-building", "10 May 2025"}},
		{Name: "activity in Chinese", Path: "/activities/chn/big?lang=zh", Contains: []string{"于 2025年1月5日 通报，即开始前 27 天；应提前 42 天，因此迟报 15 天。", "12 艘舰船（门槛 10）", "迟报", "<td>柬埔寨</td>"},
			NotContains: []string{"days before it began", "<td>Cambodia</td>"}},
		{Name: "port calls in Thai", Path: "/portcalls?lang=th", Contains: []string{"<h1>การเยือนท่าเรือ</h1>", "19 เมษายน 2568", "บันทึกโดยรัฐเจ้าภาพ", "Pier under works.", "ญี่ปุ่น", "กัมพูชา"},
			NotContains: []string{"Japan", "Cambodia"}},
		{Name: "facility in Indonesian", Path: "/facilities/khm/ream?lang=id", Contains: []string{"Daftar kunjungan pelabuhan", "HHI = 100² (JPN) = 10.000", "103,61° BT, 10,5° LU", "Ream Naval Base"}},
		{Name: "openness in Vietnamese", Path: "/openness?lang=vi", Contains: []string{"Mức độ mở cửa của khu vực", "Tỷ lệ chấp thuận theo quốc gia đề nghị", "50%", "19 tháng 4, 2025"}},
		{Name: "party section in Malay", Path: "/parties/khm?lang=ms", Contains: []string{"<h2>Keselamatan</h2>", "Fasiliti di wilayahnya", "Terbuka kepada permohonan daripada semua negara"}},
	})
	// A browser that prefers Thai gets the overview in Thai.
	_, _, body := e.Do(http.MethodGet, "/security", "", "Accept-Language", "th-TH,th;q=0.9,en;q=0.5")
	if !strings.Contains(body, "การเสริมสร้างความไว้เนื้อเชื่อใจด้านความมั่นคง") || !strings.Contains(body, "10 พฤษภาคม 2568") {
		t.Errorf("the overview for a Thai browser is not in Thai:\n%s", body)
	}
}
