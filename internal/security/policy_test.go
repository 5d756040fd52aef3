package security_test

import (
	"testing"
	"time"

	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/ledger/ledgertest"
	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/record"
	"github.com/kongsi/kongsi/internal/security"
)

// fixture is a test register with the authorities the module needs:
// Cambodia's port-access authority khm.port, Viet Nam's defence ministry
// vnm.mod (defence, port-access), and China's chn.mnd (defence).
type fixture struct {
	*ledgertest.Fixture
	s *ledger.State
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	kinds, err := ledger.NewKinds(security.New().Kinds()...)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{Fixture: ledgertest.New(t)}
	f.s = ledger.NewState(kinds)
	ledgertest.MustAppend(t, f.s, f.CharterEntry)
	for _, a := range []struct {
		id    string
		roles []string
	}{{"khm.port", []string{"port-access"}}, {"vnm.mod", []string{"defence", "port-access"}}, {"chn.mnd", []string{"defence"}}} {
		_, vk := f.NewKey(t, a.id)
		gov := a.id[:3] + ".mfa"
		ledgertest.MustAppend(t, f.s, f.SignBy(t, []string{gov, a.id}, ledger.KindAuthorityRegister, "parties/"+a.id,
			map[string]any{"name": "Authority " + a.id, "roles": a.roles, "key": vk}))
	}
	return f
}

// at signs a record with a given envelope time.
func (f *fixture) at(t *testing.T, when time.Time, author, kind, subject string, body any, refs ...record.Ref) []byte {
	t.Helper()
	env := f.Envelope(t, author, kind, subject, body, refs...)
	env.Time = record.FormatTime(when)
	return f.SignEnvelope(t, env, author)
}

type refusal struct {
	name  string
	entry []byte
	kind  error
	rule  string
}

func (f *fixture) refuse(t *testing.T, cases []refusal) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { ledgertest.MustRefuse(t, f.s, tc.entry, tc.kind, tc.rule) })
	}
}

func ream() map[string]any {
	return map[string]any{
		"name": "Ream Naval Base", "type": "naval-base",
		"location": map[string]any{"lon": 103.61, "lat": 10.50, "precision": "approximate"},
		"operator": "Royal Cambodian Navy", "role": "Home of the navy.", "access": "Requests from all states are considered.",
		"access_policy": "open-to-requests", "status": "operational",
	}
}

func request(state, arrival, departure string) map[string]any {
	b := map[string]any{
		"facility": "facilities/khm/ream", "requesting_state": state, "arrival": arrival,
		"vessels": []any{map[string]any{"name": "JS Bungo", "type": "minesweeper tender", "hull_number": "MST-464"}}, "purposes": []any{"goodwill"},
	}
	if departure != "" {
		b["departure"] = departure
	}
	return b
}

func TestFacilityPolicy(t *testing.T) {
	f := newFixture(t)
	v1 := f.Sign(t, "khm.mnd", security.KindFacility, "facilities/khm/ream", ream())
	ledgertest.MustAppend(t, f.s, v1)

	inSea := ream()
	inSea["location"] = map[string]any{"lon": 105.5, "lat": 8.0, "precision": "approximate"}
	noNote := ream()
	noNote["role"] = "Changed."
	noteFirst := ream()
	noteFirst["change_note"] = "first"
	badStatus := ream()
	badStatus["status"] = "demolished"
	f.refuse(t, []refusal{
		{"another state's authority", f.Sign(t, "vnm.mod", security.KindFacility, "facilities/khm/x", ream()), problem.ErrForbidden, "facility.author"},
		{"an authority without the role", f.Sign(t, "khm.mfa", security.KindFacility, "facilities/khm/x", ream()), problem.ErrForbidden, "facility.author"},
		{"an organisation", f.Sign(t, "org.observer", security.KindFacility, "facilities/khm/x", ream()), problem.ErrForbidden, "facility.author"},
		{"location outside the host", f.Sign(t, "khm.mnd", security.KindFacility, "facilities/khm/x", inSea), problem.ErrInvalid, "facility.location"},
		{"change note on a first version", f.Sign(t, "khm.mnd", security.KindFacility, "facilities/khm/x", noteFirst), problem.ErrInvalid, "facility.first-version"},
		{"new version without a note", f.Sign(t, "khm.mnd", security.KindFacility, "facilities/khm/ream", noNote, ledgertest.Prev(t, v1)), problem.ErrInvalid, "facility.change-note"},
		{"unknown status", f.Sign(t, "khm.mnd", security.KindFacility, "facilities/khm/x", badStatus), problem.ErrInvalid, "schema.enum"},
		{"subject form", f.Sign(t, "khm.mnd", security.KindFacility, "facilities/cambodia/x", ream()), problem.ErrInvalid, "kind.subject"},
	})
	v2 := ream()
	v2["change_note"] = "The upgraded base was inaugurated."
	ledgertest.MustAppend(t, f.s, f.Sign(t, "khm.port", security.KindFacility, "facilities/khm/ream", v2, ledgertest.Prev(t, v1)))
	if h, _ := f.s.Head("facilities/khm/ream"); h.Version != 2 || h.Data.(*security.FacilityState).Host != "khm" {
		t.Errorf("head = %+v", h)
	}
}

func TestPortCallPolicy(t *testing.T) {
	f := newFixture(t)
	jan := time.Date(2025, 1, 10, 9, 0, 0, 0, time.UTC)
	ledgertest.MustAppend(t, f.s, f.at(t, jan, "khm.mnd", security.KindFacility, "facilities/khm/ream", ream()))

	// A non-member's request, recorded by the host.
	jpn := f.at(t, jan.Add(time.Hour), "khm.port", security.KindPortCallRequest, "portcalls/khm/jpn-1", request("JPN", "2025-04-19", "2025-04-22"))
	// A member's own request.
	vnm := f.at(t, jan.Add(2*time.Hour), "vnm.mod", security.KindPortCallRequest, "portcalls/khm/vnm-1", request("VNM", "2025-04-27", ""))
	ledgertest.MustAppend(t, f.s, jpn, vnm)
	for subject, channel := range map[string]string{"portcalls/khm/jpn-1": security.ChannelHost, "portcalls/khm/vnm-1": security.ChannelMember} {
		if h, _ := f.s.Head(subject); h.Data.(*security.PortCallState).Channel != channel {
			t.Errorf("%s: channel %q, want %q", subject, h.Data.(*security.PortCallState).Channel, channel)
		}
	}

	unknownFacility := request("JPN", "2025-05-01", "")
	unknownFacility["facility"] = "facilities/khm/nowhere"
	otherHost := request("JPN", "2025-05-01", "")
	outOfOrder := request("JPN", "2025-05-10", "2025-05-01")
	late := request("JPN", "2025-05-10", "")
	late["requested_on"] = "2025-06-01"
	decline := map[string]any{"decision": "declined"}
	approve := map[string]any{"decision": "approved"}
	completed := map[string]any{"outcome": "completed"}
	early := jan.Add(3 * time.Hour)
	f.refuse(t, []refusal{
		{"request on an unknown facility", f.at(t, early, "khm.port", security.KindPortCallRequest, "portcalls/khm/x", unknownFacility), problem.ErrNotFound, "portcall.facility-unknown"},
		{"request under another host", f.at(t, early, "vnm.mod", security.KindPortCallRequest, "portcalls/vnm/x", otherHost), problem.ErrInvalid, "portcall.subject-host"},
		{"host requests at its own facility", f.at(t, early, "khm.port", security.KindPortCallRequest, "portcalls/khm/x", request("KHM", "2025-05-01", "")), problem.ErrInvalid, "portcall.own-facility"},
		{"unknown state code", f.at(t, early, "khm.port", security.KindPortCallRequest, "portcalls/khm/x", request("XYZ", "2025-05-01", "")), problem.ErrInvalid, "security.state-code"},
		{"lower-case state code", f.at(t, early, "khm.port", security.KindPortCallRequest, "portcalls/khm/x", request("jpn", "2025-05-01", "")), problem.ErrInvalid, "schema.pattern"},
		{"host records a member's request", f.at(t, early, "khm.port", security.KindPortCallRequest, "portcalls/khm/x", request("VNM", "2025-05-01", "")), problem.ErrForbidden, "portcall.request.author"},
		{"another member requests for a non-member", f.at(t, early, "vnm.mod", security.KindPortCallRequest, "portcalls/khm/x", request("JPN", "2025-05-01", "")), problem.ErrForbidden, "portcall.request.author"},
		{"dates out of order", f.at(t, early, "khm.port", security.KindPortCallRequest, "portcalls/khm/x", outOfOrder), problem.ErrInvalid, "portcall.dates"},
		{"requested after the visit", f.at(t, time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC), "khm.port", security.KindPortCallRequest, "portcalls/khm/x", late), problem.ErrInvalid, "portcall.requested-on"},
		{"requested again", f.at(t, early, "khm.port", security.KindPortCallRequest, "portcalls/khm/jpn-1", request("JPN", "2025-04-19", ""), ledgertest.Prev(t, jpn)), problem.ErrConflict, "portcall.request.exists"},
		{"a non-host decides", f.at(t, early, "vnm.mod", security.KindPortCallDecision, "portcalls/khm/jpn-1", approve, ledgertest.Prev(t, jpn)), problem.ErrForbidden, "portcall.host"},
		{"the host without port-access decides", f.at(t, early, "khm.mnd", security.KindPortCallDecision, "portcalls/khm/jpn-1", approve, ledgertest.Prev(t, jpn)), problem.ErrForbidden, "portcall.host"},
		{"decision on an unknown request", f.at(t, early, "khm.port", security.KindPortCallDecision, "portcalls/khm/none", approve), problem.ErrNotFound, "portcall.unknown-request"},
		{"decline without a reason", f.at(t, early, "khm.port", security.KindPortCallDecision, "portcalls/khm/jpn-1", decline, ledgertest.Prev(t, jpn)), problem.ErrInvalid, "portcall.decline-reason"},
		{"decision dated before the request", f.at(t, early, "khm.port", security.KindPortCallDecision, "portcalls/khm/jpn-1", map[string]any{"decision": "approved", "decided_on": "2025-01-01"}, ledgertest.Prev(t, jpn)), problem.ErrInvalid, "portcall.decided-on"},
		{"decision signed before the request", f.at(t, jan, "khm.port", security.KindPortCallDecision, "portcalls/khm/jpn-1", approve, ledgertest.Prev(t, jpn)), problem.ErrInvalid, "security.time-order"},
		{"visit reported before approval", f.at(t, time.Date(2025, 4, 23, 0, 0, 0, 0, time.UTC), "khm.port", security.KindPortCallReport, "portcalls/khm/jpn-1", completed, ledgertest.Prev(t, jpn)), problem.ErrConflict, "portcall.report-not-approved"},
		{"amendment before approval", f.at(t, early, "khm.port", security.KindPortCallAmendment, "portcalls/khm/jpn-1", map[string]any{"arrival": "2025-04-20", "reason": "weather"}, ledgertest.Prev(t, jpn)), problem.ErrConflict, "portcall.amend-status"},
		{"a member withdraws another's request", f.at(t, early, "vnm.mod", security.KindPortCallReport, "portcalls/khm/jpn-1", map[string]any{"outcome": "cancelled", "reason": "x"}, ledgertest.Prev(t, jpn)), problem.ErrForbidden, "portcall.host"},
	})

	// The host approves; then a second decision is refused.
	ok := f.at(t, early, "khm.port", security.KindPortCallDecision, "portcalls/khm/jpn-1", approve, ledgertest.Prev(t, jpn))
	ledgertest.MustAppend(t, f.s, ok)
	amendBad := map[string]any{"departure": "2025-04-18", "reason": "shorter"}
	f.refuse(t, []refusal{
		{"decision on a decided request", f.at(t, early, "khm.port", security.KindPortCallDecision, "portcalls/khm/jpn-1", decline, ledgertest.Prev(t, ok)), problem.ErrConflict, "portcall.already-decided"},
		{"amended dates out of order", f.at(t, early, "khm.port", security.KindPortCallAmendment, "portcalls/khm/jpn-1", amendBad, ledgertest.Prev(t, ok)), problem.ErrInvalid, "portcall.dates"},
		{"empty amendment", f.at(t, early, "khm.port", security.KindPortCallAmendment, "portcalls/khm/jpn-1", map[string]any{"reason": "nothing"}, ledgertest.Prev(t, ok)), problem.ErrInvalid, "portcall.amend-empty"},
		{"a non-host amends", f.at(t, early, "vnm.mod", security.KindPortCallAmendment, "portcalls/khm/jpn-1", map[string]any{"arrival": "2025-04-20", "reason": "x"}, ledgertest.Prev(t, ok)), problem.ErrForbidden, "portcall.host"},
		{"completed before arrival", f.at(t, early, "khm.port", security.KindPortCallReport, "portcalls/khm/jpn-1", completed, ledgertest.Prev(t, ok)), problem.ErrInvalid, "portcall.report-early"},
		{"cancelled without a reason", f.at(t, early, "khm.port", security.KindPortCallReport, "portcalls/khm/jpn-1", map[string]any{"outcome": "cancelled"}, ledgertest.Prev(t, ok)), problem.ErrInvalid, "portcall.cancel-reason"},
	})
	amend := f.at(t, early, "khm.port", security.KindPortCallAmendment, "portcalls/khm/jpn-1", map[string]any{"arrival": "2025-04-20", "reason": "weather"}, ledgertest.Prev(t, ok))
	done := f.at(t, time.Date(2025, 4, 23, 0, 0, 0, 0, time.UTC), "khm.port", security.KindPortCallReport, "portcalls/khm/jpn-1", completed, ledgertest.Prev(t, amend))
	ledgertest.MustAppend(t, f.s, amend, done)
	h, _ := f.s.Head("portcalls/khm/jpn-1")
	if pc := h.Data.(*security.PortCallState); pc.Status != security.PortCallCompleted || pc.Arrival != "2025-04-20" || h.Version != 4 {
		t.Errorf("after the report: %+v, version %d", pc, h.Version)
	}
	f.refuse(t, []refusal{
		{"decision on a completed visit", f.at(t, time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC), "khm.port", security.KindPortCallDecision, "portcalls/khm/jpn-1", approve, ledgertest.Prev(t, done)), problem.ErrConflict, "portcall.closed"},
	})
	// The member state withdraws its own pending request.
	ledgertest.MustAppend(t, f.s, f.at(t, early, "vnm.mod", security.KindPortCallReport, "portcalls/khm/vnm-1", map[string]any{"outcome": "cancelled", "reason": "Ship needed elsewhere."}, ledgertest.Prev(t, vnm)))
}

func activityBody(participants ...any) map[string]any {
	if participants == nil {
		participants = []any{}
	}
	return map[string]any{
		"title": "Maritime exercise", "types": []any{"search-and-rescue"}, "participants": participants,
		"start": "2025-10-22", "end": "2025-10-28",
		"area":             map[string]any{"type": "Polygon", "coordinates": []any{[]any{[]any{110.5, 20.5}, []any{111.5, 20.5}, []any{111.5, 21.5}, []any{110.5, 21.5}, []any{110.5, 20.5}}}},
		"area_description": "East of Zhanjiang, approximate.", "size": map[string]any{"personnel": 1200, "vessels": 8},
	}
}

func part(state, role string) map[string]any { return map[string]any{"state": state, "role": role} }

func TestActivityPolicy(t *testing.T) {
	f := newFixture(t)
	sep := time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)
	n := f.at(t, sep, "chn.mnd", security.KindActivityNotify, "activities/chn/acmex", activityBody(part("CHN", "host"), part("SGP", "co-host"), part("KHM", "observer")))
	ledgertest.MustAppend(t, f.s, n)

	noParticipants := activityBody()
	notTakingPart := activityBody(part("SGP", "participant"), part("CHN", "observer"))
	twice := activityBody(part("CHN", "host"), part("CHN", "participant"))
	badDates := activityBody(part("CHN", "host"))
	badDates["end"] = "2025-10-01"
	badArea := activityBody(part("CHN", "host"))
	badArea["area"] = map[string]any{"type": "Polygon", "coordinates": []any{[]any{[]any{110.5, 20.5}, []any{111.5, 20.5}, []any{111.5, 21.5}}}}
	noNote := activityBody(part("CHN", "host"))
	withNote := activityBody(part("CHN", "host"))
	withNote["change_note"] = "Two more days."
	withNote["end"] = "2025-10-30"
	answersUnknown := activityBody(part("CHN", "host"))
	answersUnknown["answers"] = []any{"observations/vnm/none"}
	f.refuse(t, []refusal{
		{"without participants", f.at(t, sep, "chn.mnd", security.KindActivityNotify, "activities/chn/x", noParticipants), problem.ErrInvalid, "schema.minItems"},
		{"notifier not taking part", f.at(t, sep, "chn.mnd", security.KindActivityNotify, "activities/chn/x", notTakingPart), problem.ErrInvalid, "activity.notifier-participates"},
		{"participant twice", f.at(t, sep, "chn.mnd", security.KindActivityNotify, "activities/chn/x", twice), problem.ErrInvalid, "activity.participants"},
		{"dates out of order", f.at(t, sep, "chn.mnd", security.KindActivityNotify, "activities/chn/x", badDates), problem.ErrInvalid, "activity.dates"},
		{"area not closed", f.at(t, sep, "chn.mnd", security.KindActivityNotify, "activities/chn/x", badArea), problem.ErrInvalid, "security.area"},
		{"another state notifies", f.at(t, sep, "vnm.mod", security.KindActivityNotify, "activities/chn/x", activityBody(part("CHN", "host"))), problem.ErrForbidden, "activity.author"},
		{"without the defence role", f.at(t, sep, "chn.mfa", security.KindActivityNotify, "activities/chn/x", activityBody(part("CHN", "host"))), problem.ErrForbidden, "activity.author"},
		{"notified twice", f.at(t, sep, "chn.mnd", security.KindActivityNotify, "activities/chn/acmex", activityBody(part("CHN", "host")), ledgertest.Prev(t, n)), problem.ErrConflict, "activity.exists"},
		{"amendment without a note", f.at(t, sep, "chn.mnd", security.KindActivityAmend, "activities/chn/acmex", noNote, ledgertest.Prev(t, n)), problem.ErrInvalid, "schema.required"},
		{"amendment of nothing", f.at(t, sep, "chn.mnd", security.KindActivityAmend, "activities/chn/none", withNote), problem.ErrNotFound, "activity.unknown"},
		{"amendment back in time", f.at(t, sep.Add(-time.Hour), "chn.mnd", security.KindActivityAmend, "activities/chn/acmex", withNote, ledgertest.Prev(t, n)), problem.ErrInvalid, "security.time-order"},
		{"answers an unknown report", f.at(t, sep, "chn.mnd", security.KindActivityNotify, "activities/chn/y", answersUnknown), problem.ErrNotFound, "activity.answers"},
		{"cancelled after it ended", f.at(t, time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC), "chn.mnd", security.KindActivityCancel, "activities/chn/acmex", map[string]any{"reason": "x"}, ledgertest.Prev(t, n)), problem.ErrInvalid, "activity.cancel-ended"},
	})
	a := f.at(t, sep.Add(time.Hour), "chn.mnd", security.KindActivityAmend, "activities/chn/acmex", withNote, ledgertest.Prev(t, n))
	c := f.at(t, sep.Add(2*time.Hour), "chn.mnd", security.KindActivityCancel, "activities/chn/acmex", map[string]any{"reason": "Typhoon."}, ledgertest.Prev(t, a))
	ledgertest.MustAppend(t, f.s, a, c)
	f.refuse(t, []refusal{
		{"amendment after cancellation", f.at(t, sep.Add(3*time.Hour), "chn.mnd", security.KindActivityAmend, "activities/chn/acmex", withNote, ledgertest.Prev(t, c)), problem.ErrConflict, "activity.cancelled"},
	})

	// Viet Nam reports an exercise it observed; China's notification
	// answers it; another state's report cannot be answered by China.
	obs := map[string]any{"title": "Exercise seen", "conducting_states": []any{"CHN"}, "types": []any{"combat-training"}, "start": "2025-09-10", "size": map[string]any{"vessels": 4}, "description": "Four ships."}
	o := f.at(t, sep.Add(4*time.Hour), "vnm.mod", security.KindActivityObserved, "observations/vnm/seen", obs)
	ledgertest.MustAppend(t, f.s, o)
	ownObs := map[string]any{"title": "Own", "conducting_states": []any{"VNM"}, "types": []any{"other"}, "start": "2025-09-10", "size": map[string]any{}, "description": "x"}
	notMine := map[string]any{"title": "Other", "conducting_states": []any{"USA"}, "types": []any{"other"}, "start": "2025-09-10", "size": map[string]any{}, "description": "x"}
	ledgertest.MustAppend(t, f.s, f.at(t, sep.Add(5*time.Hour), "vnm.mod", security.KindActivityObserved, "observations/vnm/usa", notMine))
	answerWrong := activityBody(part("CHN", "host"))
	answerWrong["answers"] = []any{"observations/vnm/usa"}
	f.refuse(t, []refusal{
		{"observing oneself", f.at(t, sep.Add(6*time.Hour), "vnm.mod", security.KindActivityObserved, "observations/vnm/own", ownObs), problem.ErrInvalid, "activity.observed.own"},
		{"observation by a ministry without defence", f.at(t, sep.Add(6*time.Hour), "vnm.mfa", security.KindActivityObserved, "observations/vnm/x", obs), problem.ErrForbidden, "activity.observed.author"},
		{"answering another state's activity", f.at(t, sep.Add(6*time.Hour), "chn.mnd", security.KindActivityNotify, "activities/chn/z", answerWrong), problem.ErrInvalid, "activity.answers"},
	})
	answer := activityBody(part("CHN", "host"))
	answer["answers"] = []any{"observations/vnm/seen"}
	ledgertest.MustAppend(t, f.s, f.at(t, sep.Add(7*time.Hour), "chn.mnd", security.KindActivityNotify, "activities/chn/seen", answer))
}

func TestPosturePolicy(t *testing.T) {
	f := newFixture(t)
	body := func(year int, host string) map[string]any {
		return map[string]any{"year": year, "summary": "One base abroad.", "facilities_abroad": []any{map[string]any{"name": "Support base", "host_state": host, "role": "Logistics."}}}
	}
	p := f.Sign(t, "chn.mnd", security.KindPosture, "postures/chn/2017", body(2017, "DJI"))
	ledgertest.MustAppend(t, f.s, p)
	inKhm := body(2018, "KHM")
	inKhm["facilities_abroad"].([]any)[0].(map[string]any)["location"] = map[string]any{"lon": 100.5, "lat": 13.7, "precision": "approximate"}
	f.refuse(t, []refusal{
		{"year mismatch", f.Sign(t, "chn.mnd", security.KindPosture, "postures/chn/2018", body(2017, "DJI")), problem.ErrInvalid, "posture.year"},
		{"own territory", f.Sign(t, "chn.mnd", security.KindPosture, "postures/chn/2018", body(2018, "CHN")), problem.ErrInvalid, "posture.abroad"},
		{"location outside the host", f.Sign(t, "chn.mnd", security.KindPosture, "postures/chn/2018", inKhm), problem.ErrInvalid, "facility.location"},
		{"another state's posture", f.Sign(t, "vnm.mod", security.KindPosture, "postures/chn/2018", body(2018, "DJI")), problem.ErrForbidden, "posture.author"},
		{"correction without a note", f.Sign(t, "chn.mnd", security.KindPosture, "postures/chn/2017", body(2017, "DJI"), ledgertest.Prev(t, p)), problem.ErrInvalid, "posture.change-note"},
	})
}

// TestNoticeNorms checks the notice classes against the default norms.
func TestNoticeNorms(t *testing.T) {
	n := security.DefaultNorms()
	d := func(s string) time.Time { t, _ := time.Parse(security.DateFormat, s); return t }
	founded := d("2025-01-01")
	big := security.Size{Personnel: 9500}
	for _, tc := range []struct {
		name      string
		notified  string
		start     string
		size      security.Size
		observers bool
		class     string
		days      int
		flags     []string
	}{
		{"in time", "2025-03-01", "2025-04-12", big, false, security.NoticeAdvance, 42, nil},
		{"one day late", "2025-03-02", "2025-04-12", big, false, security.NoticeLate, 41, []string{"late"}},
		{"small, short notice", "2025-04-10", "2025-04-12", security.Size{Personnel: 200}, false, security.NoticeNotified, 2, nil},
		{"published on the day", "2025-04-12", "2025-04-12", security.Size{}, false, security.NoticeAfterStart, 0, []string{"unnotified"}},
		{"published after", "2025-04-20", "2025-04-12", big, false, security.NoticeAfterStart, -8, []string{"unnotified"}},
		{"before the register", "2025-04-20", "2024-04-12", big, false, security.NoticeHistorical, -373, nil},
		{"naval, ten ships", "2025-03-20", "2025-04-12", security.Size{Vessels: 10}, false, security.NoticeLate, 23, []string{"late"}},
		{"observers due, none invited", "2025-01-02", "2025-04-12", security.Size{Personnel: 13000}, false, security.NoticeAdvance, 100, []string{"no observers invited"}},
		{"observers due and invited", "2025-01-02", "2025-04-12", security.Size{Vessels: 25}, true, security.NoticeAdvance, 100, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := n.Assess(d(tc.notified), d(tc.start), founded, tc.size, tc.observers)
			if a.Class != tc.class || a.NoticeDays != tc.days || len(a.Flags) != len(tc.flags) {
				t.Fatalf("Assess = %+v, want class %s, %d days, flags %v", a, tc.class, tc.days, tc.flags)
			}
			for i := range tc.flags {
				if a.Flags[i] != tc.flags[i] {
					t.Errorf("flags %v, want %v", a.Flags, tc.flags)
				}
			}
			if a.Explanation == "" || a.ClassTitle == "" {
				t.Errorf("no explanation: %+v", a)
			}
		})
	}
	all := n
	all.AllActivities = true
	if a := all.Assess(d("2025-04-10"), d("2025-04-12"), founded, security.Size{}, false); a.Class != security.NoticeLate {
		t.Errorf("with the norm applied to all activities, a 2-day notice is %s", a.Class)
	}
}
