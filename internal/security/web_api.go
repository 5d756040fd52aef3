package security

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/kongsi/kongsi/internal/web"
)

// requestedFacilities lists the facilities of the host the request names,
// or all of them.
func (h *handlers) requestedFacilities(r *http.Request) ([]*Facility, error) {
	host, err := normalizeState("host", r.URL.Query().Get("host"))
	if err != nil {
		return nil, err
	}
	return Facilities(r.Context(), h.site.Node.Store, partyOf(host))
}

func (h *handlers) apiFacilities(w http.ResponseWriter, r *http.Request) error {
	fs, err := h.requestedFacilities(r)
	if err != nil {
		return err
	}
	ps, err := Postures(r.Context(), h.site.Node.Store, "", false)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, struct {
		Facilities []*Facility `json:"facilities"`
		Postures   []*Posture  `json:"postures"`
	}{fs, ps})
}

func (h *handlers) apiFacilitiesCSV(w http.ResponseWriter, r *http.Request) error {
	fs, err := h.requestedFacilities(r)
	if err != nil {
		return err
	}
	var rows [][]string
	for _, f := range fs {
		rows = append(rows, []string{f.Subject, codeOf(f.Host), f.HostName, f.Name, f.Type, ftoa(f.Location.Lon), ftoa(f.Location.Lat), f.Location.Precision,
			f.Operator, f.AccessPolicy, f.Status, f.OpenedOn, strconv.Itoa(f.PortCalls), strconv.Itoa(f.Visits), strconv.Itoa(f.VisitingStates), f.LastVisit,
			f.Role, f.Access, strconv.FormatUint(f.Latest, 10)})
	}
	return web.WriteCSV(w, "facilities.csv", []string{"subject", "host", "host_name", "name", "type", "lon", "lat", "precision", "operator", "access_policy",
		"status", "opened_on", "port_calls", "visits", "visiting_states", "last_visit", "role", "access", "latest_index"}, rows)
}

// FacilityDetail is a facility with its port calls and versions.
type FacilityDetail struct {
	*Facility
	PortCalls []*PortCall         `json:"port_call_register"`
	Openness  *Openness           `json:"openness"`
	Versions  []map[string]any    `json:"versions"`
	Abroad    []map[string]string `json:"facilities_abroad_here"`
}

func versionsJSON(vs []version) []map[string]any {
	out := make([]map[string]any, 0, len(vs))
	for _, v := range vs {
		out = append(out, map[string]any{"index": v.Record.Index, "kind": v.Record.Kind, "author": v.Record.Author, "signed": v.Record.Time, "version": v.Record.Version, "body": json.RawMessage(v.Record.Body)})
	}
	return out
}

func (h *handlers) apiFacility(w http.ResponseWriter, r *http.Request) error {
	subject := "facilities/" + r.PathValue("state") + "/" + r.PathValue("slug")
	f, err := GetFacility(r.Context(), h.site.Node.Store, subject)
	if err != nil {
		return err
	}
	calls, err := PortCalls(r.Context(), h.site.Node.Store, PortCallFilter{Facility: subject}, h.m.today())
	if err != nil {
		return err
	}
	vs, err := h.history(r, subject, nil)
	if err != nil {
		return err
	}
	o := measureCalls(calls, nil)
	o.Facility = subject
	return web.WriteJSON(w, http.StatusOK, FacilityDetail{Facility: f, PortCalls: calls, Openness: o, Versions: versionsJSON(vs)})
}

func (h *handlers) apiPortCalls(w http.ResponseWriter, r *http.Request) error {
	f, calls, err := h.requestedPortCalls(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, struct {
		Filter    PortCallFilter `json:"filter"`
		Today     string         `json:"today"`
		PortCalls []*PortCall    `json:"port_calls"`
	}{f, h.m.today().Format(DateFormat), calls})
}

func (h *handlers) apiPortCallsCSV(w http.ResponseWriter, r *http.Request) error {
	_, calls, err := h.requestedPortCalls(r)
	if err != nil {
		return err
	}
	var rows [][]string
	for _, c := range calls {
		days := ""
		if c.ResponseDays != nil {
			days = strconv.Itoa(*c.ResponseDays)
		}
		rows = append(rows, []string{c.Subject, c.Facility, c.FacilityName, codeOf(c.Host), c.Requester, c.RequesterName, c.Channel, c.Status, c.Decision,
			c.Arrival, c.Departure, vesselList(c.Vessels), strings.Join(c.Purposes, ";"), c.RequestedOn, c.DecidedOn, days, c.RecordedOn, c.Reason, c.Attention,
			strconv.FormatUint(c.Latest, 10)})
	}
	return web.WriteCSV(w, "portcalls.csv", []string{"subject", "facility", "facility_name", "host", "requesting_state", "requesting_state_name", "channel",
		"status", "decision", "arrival", "departure", "vessels", "purposes", "requested_on", "decided_on", "response_days", "recorded_on", "reason", "attention", "latest_index"}, rows)
}

func (h *handlers) apiPortCall(w http.ResponseWriter, r *http.Request) error {
	c, err := h.portCallDetail(r)
	if err != nil {
		return err
	}
	vs, err := h.history(r, c.Subject, nil)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, struct {
		*PortCall
		Versions []map[string]any `json:"versions"`
	}{c, versionsJSON(vs)})
}

func (h *handlers) apiOpenness(w http.ResponseWriter, r *http.Request) error {
	o, _, _, _, err := h.measure(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, o)
}

func (h *handlers) apiOpennessCSV(w http.ResponseWriter, r *http.Request) error {
	o, _, _, _, err := h.measure(r)
	if err != nil {
		return err
	}
	visits := map[string]StateVisits{}
	for _, v := range o.ByState {
		visits[v.State] = v
	}
	f := func(p *float64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatFloat(*p, 'f', -1, 64)
	}
	var rows [][]string
	for _, s := range o.Requests {
		v := visits[s.State]
		days := make([]string, len(s.ResponseDays))
		for i, d := range s.ResponseDays {
			days[i] = strconv.Itoa(d)
		}
		rows = append(rows, []string{s.State, s.Name, strconv.Itoa(v.Visits), strconv.FormatFloat(v.Share, 'f', -1, 64), strconv.Itoa(s.Requests),
			strconv.Itoa(s.Pending), strconv.Itoa(s.Decided), strconv.Itoa(s.Approved), strconv.Itoa(s.Declined), f(s.ApprovalRate), f(s.MedianResponseDays), strings.Join(days, ";")})
	}
	return web.WriteCSV(w, "openness.csv", []string{"state", "name", "visits", "visit_share", "requests", "pending", "decided", "approved", "declined",
		"approval_rate", "median_response_days", "response_days"}, rows)
}

func (h *handlers) apiActivities(w http.ResponseWriter, r *http.Request) error {
	f, norms, acts, err := h.requestedActivities(r)
	if err != nil {
		return err
	}
	obs, err := Observations(r.Context(), h.site.Node.Store, f.From, f.To)
	if err != nil {
		return err
	}
	founded, err := Founded(r.Context(), h.site.Node.Store)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, struct {
		Filter       ActivityFilter `json:"filter"`
		Norms        Norms          `json:"norms"`
		Founded      string         `json:"register_founded"`
		Today        string         `json:"today"`
		Activities   []*Activity    `json:"activities"`
		Observations []*Observation `json:"observations"`
	}{f, norms, founded.Format(DateFormat), h.m.today().Format(DateFormat), acts, obs})
}

func (h *handlers) apiActivitiesCSV(w http.ResponseWriter, r *http.Request) error {
	_, _, acts, err := h.requestedActivities(r)
	if err != nil {
		return err
	}
	n := func(v int) string {
		if v == 0 {
			return ""
		}
		return strconv.Itoa(v)
	}
	var rows [][]string
	for _, a := range acts {
		rows = append(rows, []string{a.Subject, codeOf(a.State), a.Title, strings.Join(a.Types, ";"), a.Framework, a.Start, a.End, participantList(a.Participants),
			n(a.Size.Personnel), n(a.Size.Vessels), n(a.Size.Aircraft), a.NotifiedOn, strconv.Itoa(a.Assessment.NoticeDays), a.Assessment.Class,
			strings.Join(a.Assessment.Flags, ";"), strconv.FormatBool(a.Cancelled), a.AreaDescription, strconv.FormatUint(a.Latest, 10)})
	}
	return web.WriteCSV(w, "activities.csv", []string{"subject", "state", "title", "types", "framework", "start", "end", "participants", "personnel", "vessels",
		"aircraft", "notified_on", "notice_days", "notice", "flags", "cancelled", "area_description", "latest_index"}, rows)
}

func (h *handlers) apiActivity(w http.ResponseWriter, r *http.Request) error {
	a, norms, err := h.activityDetail(r)
	if err != nil {
		return err
	}
	vs, err := h.history(r, a.Subject, nil)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, struct {
		*Activity
		Norms    Norms            `json:"norms"`
		Versions []map[string]any `json:"versions"`
	}{a, norms, versionsJSON(vs)})
}

// requestedPostures lists every posture disclosure of the state the
// request names, or of all states.
func (h *handlers) requestedPostures(r *http.Request) ([]*Posture, error) {
	state, err := normalizeState("state", r.URL.Query().Get("state"))
	if err != nil {
		return nil, err
	}
	return Postures(r.Context(), h.site.Node.Store, partyOf(state), true)
}

func (h *handlers) apiPostures(w http.ResponseWriter, r *http.Request) error {
	ps, err := h.requestedPostures(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, struct {
		Postures []*Posture `json:"postures"`
	}{ps})
}

func (h *handlers) apiPosturesCSV(w http.ResponseWriter, r *http.Request) error {
	ps, err := h.requestedPostures(r)
	if err != nil {
		return err
	}
	var rows [][]string
	for _, p := range ps {
		for _, f := range p.Facilities {
			lon, lat, precision := "", "", ""
			if f.Location != nil {
				lon, lat, precision = ftoa(f.Location.Lon), ftoa(f.Location.Lat), f.Location.Precision
			}
			personnel := ""
			if f.Personnel > 0 {
				personnel = strconv.Itoa(f.Personnel)
			}
			rows = append(rows, []string{p.Subject, codeOf(p.State), strconv.Itoa(p.Year), f.Name, f.HostState, StateName(f.HostState), f.Role, f.Since, personnel, lon, lat, precision, strconv.FormatUint(p.Latest, 10)})
		}
	}
	return web.WriteCSV(w, "postures.csv", []string{"subject", "state", "year", "facility", "host_state", "host_state_name", "role", "since", "personnel", "lon", "lat", "precision", "latest_index"}, rows)
}

func (h *handlers) apiObservationsCSV(w http.ResponseWriter, r *http.Request) error {
	from, to, err := window(r)
	if err != nil {
		return err
	}
	obs, err := Observations(r.Context(), h.site.Node.Store, from, to)
	if err != nil {
		return err
	}
	var rows [][]string
	for _, o := range obs {
		rows = append(rows, []string{o.Subject, codeOf(o.Observer), o.Title, strings.Join(o.ConductingStates, ";"), strings.Join(o.Types, ";"), o.Start, o.End,
			sizeText(o.Size), o.Description, o.AnsweredBy, strconv.FormatUint(o.Latest, 10)})
	}
	return web.WriteCSV(w, "observations.csv", []string{"subject", "observer", "title", "conducting_states", "types", "start", "end", "size", "description", "answered_by", "latest_index"}, rows)
}

func openAPIPaths() map[string]any {
	str, integer, num := web.Str, web.Int, map[string]any{"type": "number"}
	nullable := map[string]any{"type": []string{"number", "null"}}
	arr := func(items map[string]any) map[string]any { return map[string]any{"type": "array", "items": items} }
	obj := func(props map[string]any) map[string]any {
		return map[string]any{"type": "object", "properties": props}
	}
	from := web.Param("query", "from", "First date of the window (YYYY-MM-DD).", str)
	to := web.Param("query", "to", "Last date of the window (YYYY-MM-DD).", str)
	state := web.Param("query", "state", "A state's ISO 3166-1 alpha-3 code.", str)
	pathState := web.Param("path", "state", "The host or conducting state's party ID: khm.", str)
	slug := web.Param("path", "slug", "The subject's last segment.", str)
	location := obj(map[string]any{"lon": num, "lat": num, "precision": str})
	vessel := obj(map[string]any{"name": str, "type": str, "hull_number": str})
	facility := obj(map[string]any{"subject": str, "host": str, "host_name": str, "name": str, "type": str, "type_title": str, "location": location,
		"place": str, "operator": str, "role": str, "access": str, "access_policy": str, "access_policy_title": str, "status": str, "opened_on": str, "author": str,
		"versions": integer, "latest_index": integer, "port_calls": integer, "visits": integer, "visiting_states": integer, "last_visit": str, "url": str})
	portCall := obj(map[string]any{"subject": str, "host": str, "host_name": str, "facility": str, "facility_name": str, "requesting_state": str,
		"requesting_state_name": str, "channel": map[string]any{"enum": []string{ChannelMember, ChannelHost}}, "status": str, "decision": str, "arrival": str,
		"departure": str, "vessels": arr(vessel), "purposes": arr(str), "personnel": integer, "requested_on": str, "decided_on": str, "recorded_on": str,
		"reason": str, "requested_by": str, "versions": integer, "latest_index": integer, "updated": str, "response_days": map[string]any{"type": []string{"integer", "null"}},
		"attention": str, "url": str})
	fact := obj(map[string]any{"subject": str, "facility": str, "requesting_state": str, "status": str, "decision": str, "arrival": str, "requested_on": str, "decided_on": str})
	openness := obj(map[string]any{"facility": str, "from": str, "to": str, "visits": integer, "distinct_states": integer,
		"visits_by_state": arr(obj(map[string]any{"state": str, "name": str, "visits": integer, "share": num})),
		"hhi":             nullable, "hhi_formula": str, "top_state": str, "top_share": nullable,
		"requests_by_state": arr(obj(map[string]any{"state": str, "name": str, "requests": integer, "pending": integer, "decided": integer, "approved": integer,
			"declined": integer, "approval_rate": nullable, "response_days": arr(integer), "median_response_days": nullable})),
		"requests": integer, "approval_rate": nullable, "median_response_days": nullable, "inputs": arr(fact)})
	assessment := obj(map[string]any{"notice_days": integer, "class": str, "class_title": str, "norm_applies": map[string]any{"type": "boolean"},
		"notify_because": arr(str), "observers_due": map[string]any{"type": "boolean"}, "observers_due_because": arr(str),
		"observers_invited": map[string]any{"type": "boolean"}, "flags": arr(str), "explanation": str})
	activity := obj(map[string]any{"subject": str, "state": str, "state_name": str, "title": str, "types": arr(str), "type_titles": arr(str), "framework": str,
		"start": str, "end": str, "participants": arr(obj(map[string]any{"state": str, "role": str, "note": str})), "area": map[string]any{"type": "object"},
		"area_description": str, "size": map[string]any{"type": "object"}, "notified_on": str, "cancelled": map[string]any{"type": "boolean"}, "cancel_reason": str,
		"versions": integer, "latest_index": integer, "updated": str, "notice": assessment, "when": str, "url": str})
	observation := obj(map[string]any{"subject": str, "observer": str, "observer_name": str, "title": str, "conducting_states": arr(str), "types": arr(str),
		"start": str, "end": str, "area": map[string]any{"type": "object"}, "area_description": str, "size": map[string]any{"type": "object"}, "description": str,
		"answered_by": str, "versions": integer, "latest_index": integer, "url": str})
	posture := obj(map[string]any{"subject": str, "state": str, "state_name": str, "year": integer, "summary": str, "facilities_abroad": arr(map[string]any{"type": "object"}),
		"versions": integer, "latest_index": integer, "url": str})
	norms := map[string]any{"type": "object", "description": "The notice norms applied: notice_days, notify and observe thresholds, all_activities."}
	versions := arr(obj(map[string]any{"index": integer, "kind": str, "author": str, "signed": str, "version": integer, "body": map[string]any{"type": "object"}}))
	noticeDays := web.Param("query", "notice_days", "Days of notice due, overriding the default norm (1 to 365).", integer)
	apply := web.Param("query", "apply", "thresholds (the default: the norm applies above the thresholds) or all (to every activity).", str)
	portCallParams := []map[string]any{
		web.Param("query", "facility", "A facility's subject: facilities/khm/ream.", str),
		web.Param("query", "host", "The host state's code.", str),
		web.Param("query", "state", "The visiting (requesting) state's code.", str),
		from, to, web.Param("query", "status", "requested, approved, declined, completed or cancelled.", str),
	}
	activityParams := []map[string]any{from, to, web.Param("query", "state", "A participating state's code.", str),
		web.Param("query", "type", "An activity type: hadr, search-and-rescue, anti-piracy, maritime-security…", str),
		web.Param("query", "notice", "A notice class: advance, late, notified, after-start, historical.", str), noticeDays, apply}
	opennessParams := []map[string]any{web.Param("query", "facility", "A facility's subject; the whole region without it.", str), from, to}
	return map[string]any{
		"/api/v1/facilities": map[string]any{"get": web.Op("Naval facilities and the latest posture disclosures.", []map[string]any{web.Param("query", "host", "The host state's code.", str)},
			web.JSONResponse("Facilities.", obj(map[string]any{"facilities": arr(facility), "postures": arr(posture)})))},
		"/api/v1/facilities.csv": map[string]any{"get": web.Op("Naval facilities as CSV.", []map[string]any{web.Param("query", "host", "The host state's code.", str)}, web.CSVResponse("Facilities."))},
		"/api/v1/facilities/{state}/{slug}": map[string]any{"get": web.Op("One facility, its port-call register, its openness over all time and its versions.", []map[string]any{pathState, slug},
			web.JSONResponse("The facility.", obj(map[string]any{"port_call_register": arr(portCall), "openness": openness, "versions": versions})))},
		"/api/v1/portcalls": map[string]any{"get": web.Op("Port calls, newest arrival first; from and to bound the arrival date. attention is computed as of today.", portCallParams,
			web.JSONResponse("Port calls.", obj(map[string]any{"filter": map[string]any{"type": "object"}, "today": str, "port_calls": arr(portCall)})))},
		"/api/v1/portcalls.csv": map[string]any{"get": web.Op("Port calls as CSV.", portCallParams, web.CSVResponse("Port calls."))},
		"/api/v1/portcalls/{state}/{slug}": map[string]any{"get": web.Op("One port call with every step of its life.", []map[string]any{pathState, slug},
			web.JSONResponse("The port call.", obj(map[string]any{"subject": str, "status": str, "versions": versions})))},
		"/api/v1/openness": map[string]any{"get": web.Op("Openness of a facility or the region over a window of arrival dates: visits by state, HHI, top share, approval rate and median response time by requesting state, with every input listed.", opennessParams,
			web.JSONResponse("The metrics and their inputs.", openness))},
		"/api/v1/openness.csv": map[string]any{"get": web.Op("Openness figures by state as CSV.", opennessParams, web.CSVResponse("Figures by state."))},
		"/api/v1/activities": map[string]any{"get": web.Op("Notified activities overlapping the window, each measured against the notice norms, and activities reported by observers.", activityParams,
			web.JSONResponse("Activities.", obj(map[string]any{"filter": map[string]any{"type": "object"}, "norms": norms, "register_founded": str, "today": str,
				"activities": arr(activity), "observations": arr(observation)})))},
		"/api/v1/activities.csv": map[string]any{"get": web.Op("Activities as CSV.", activityParams, web.CSVResponse("Activities."))},
		"/api/v1/activities/{state}/{slug}": map[string]any{"get": web.Op("One activity with its notice assessment and versions.", []map[string]any{pathState, slug, noticeDays, apply},
			web.JSONResponse("The activity.", obj(map[string]any{"subject": str, "notice": assessment, "norms": norms, "versions": versions})))},
		"/api/v1/postures": map[string]any{"get": web.Op("Posture disclosures: states' facilities abroad and their roles.", []map[string]any{state},
			web.JSONResponse("Disclosures.", obj(map[string]any{"postures": arr(posture)})))},
		"/api/v1/postures.csv":     map[string]any{"get": web.Op("Facilities abroad from every posture disclosure, as CSV.", []map[string]any{state}, web.CSVResponse("Facilities abroad."))},
		"/api/v1/observations.csv": map[string]any{"get": web.Op("Activities reported by observing states, as CSV; answered_by names the notification that answers a report.", []map[string]any{from, to}, web.CSVResponse("Observed activities."))},
		"/api/v1/calendar.ics": map[string]any{"get": web.Op("Activities and port calls as an iCalendar feed (RFC 5545): every one, or those overlapping from and to.", []map[string]any{from, to},
			map[string]any{"description": "The calendar.", "content": map[string]any{"text/calendar": map[string]any{"schema": str}}})},
		"/api/v1/security.atom": map[string]any{"get": web.Op("An Atom feed of the latest security records.", []map[string]any{},
			map[string]any{"description": "The feed.", "content": map[string]any{"application/atom+xml": map[string]any{"schema": str}}})},
	}
}
