package security

import (
	"cmp"
	"encoding/json"
	"html/template"
	"math"
	"net/http"
	"slices"
	"strings"

	"github.com/kongsi/kongsi/internal/bodydiff"
	"github.com/kongsi/kongsi/internal/browse"
	"github.com/kongsi/kongsi/internal/chart"
	"github.com/kongsi/kongsi/internal/geomap"
	"github.com/kongsi/kongsi/internal/i18n"
	"github.com/kongsi/kongsi/internal/problem"
)

type overviewData struct {
	page
	Facilities   int
	PortCalls    int
	Visits       int
	Activities   int
	Unnotified   int
	Observations int
	Postures     int
	Upcoming     template.HTML // the calendar's list of what comes next; "" for nothing
	Openness     *Openness
	Map          template.HTML
}

func (h *handlers) overview(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	st := h.site.Node.Store
	l := h.site.Locale(r)
	d := overviewData{page: h.page()}
	fs, err := Facilities(ctx, st, "")
	if err != nil {
		return err
	}
	calls, err := PortCalls(ctx, st, PortCallFilter{}, h.m.today())
	if err != nil {
		return err
	}
	acts, err := Activities(ctx, st, ActivityFilter{}, h.m.norms, h.m.today())
	if err != nil {
		return err
	}
	obs, err := Observations(ctx, st, "", "")
	if err != nil {
		return err
	}
	ps, err := Postures(ctx, st, "", false)
	if err != nil {
		return err
	}
	d.Facilities, d.PortCalls, d.Activities, d.Postures = len(fs), len(calls), len(acts), len(ps)
	d.Openness = measureCalls(calls, nil)
	d.Visits = d.Openness.Visits
	for _, a := range acts {
		if a.Assessment.Class == NoticeAfterStart {
			d.Unnotified++
		}
	}
	for _, o := range obs {
		if o.AnsweredBy == "" {
			d.Observations++
		}
	}
	d.Unnotified += d.Observations
	upcoming, err := h.upcoming(r, 10)
	if err != nil {
		return err
	}
	if len(upcoming) > 0 {
		if d.Upcoming, err = h.site.RenderFragment(r, "calendar", "upcomingList", upcoming); err != nil {
			return err
		}
	}
	if d.Map, err = regionMap(l, l.T("Facilities and activity areas"), l.T("Naval facilities in the register as points, and the areas of notified activities as shapes; host states are highlighted."), fs, acts, abroadRows(ps)); err != nil {
		return err
	}
	return h.site.Render(w, r, http.StatusOK, "security", d)
}

type mapData struct {
	page
	Map        template.HTML
	Facilities []*Facility
	Activities []*Activity
	Abroad     []abroadRow
}

func (h *handlers) mapPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	st := h.site.Node.Store
	l := h.site.Locale(r)
	d := mapData{page: h.page()}
	var err error
	if d.Facilities, err = Facilities(ctx, st, ""); err != nil {
		return err
	}
	if d.Activities, err = Activities(ctx, st, ActivityFilter{}, h.m.norms, h.m.today()); err != nil {
		return err
	}
	ps, err := Postures(ctx, st, "", false)
	if err != nil {
		return err
	}
	d.Abroad = abroadRows(ps)
	if d.Map, err = regionMap(l, l.T("Map of facilities and activities"), l.T("Naval facilities as points (orange), facilities abroad that states disclose (purple), and the areas of notified activities (blue); the states hosting facilities are highlighted. The tables below list the same."), d.Facilities, d.Activities, d.Abroad); err != nil {
		return err
	}
	return h.site.Render(w, r, http.StatusOK, "security_map", d)
}

type facilitiesData struct {
	page
	Host       string
	Hosts      []option
	Items      []*Facility
	Map        template.HTML
	Abroad     []abroadRow
	Hosted     []abroadRow // facilities abroad in the selected host
	Timeline   template.HTML
	Visits     int
	Query      string
	Postures   int
	PolicyList []struct{ ID, Title string }
}

type option struct{ ID, Title string }

func (h *handlers) facilities(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	st := h.site.Node.Store
	host, err := normalizeState("host", r.URL.Query().Get("host"))
	if err != nil {
		return err
	}
	l := h.site.Locale(r)
	d := facilitiesData{page: h.page(), Host: host, Query: query("host", host), PolicyList: AccessPolicies}
	all, err := Facilities(ctx, st, "")
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, f := range all {
		if !seen[f.Host] {
			seen[f.Host] = true
			d.Hosts = append(d.Hosts, option{codeOf(f.Host), f.HostName})
		}
		if host == "" || f.Host == partyOf(host) {
			d.Items = append(d.Items, f)
			d.Visits += f.Visits
		}
	}
	ps, err := Postures(ctx, st, "", false)
	if err != nil {
		return err
	}
	d.Postures = len(ps)
	for _, a := range abroadRows(ps) {
		if host == "" || a.HostState == host {
			d.Abroad = append(d.Abroad, a)
		}
	}
	if d.Map, err = regionMap(l, l.T("Naval facilities"), l.T("Each facility of the register as a point, with its host state highlighted; facilities abroad that states disclose are in purple."), d.Items, nil, d.Abroad); err != nil {
		return err
	}
	calls, err := PortCalls(ctx, st, PortCallFilter{Host: partyOf(host)}, h.m.today())
	if err != nil {
		return err
	}
	d.Timeline = portCallTimeline(l, l.T("Who has visited"), l.T("Each dot is a port call at one of these facilities, by visiting state, at its arrival date: completed in the first colour, approved in the second, pending in the third, cancelled in the sixth."), calls)
	return h.site.Render(w, r, http.StatusOK, "facilities", d)
}

// version is one version of a subject, with what it changed.
type version struct {
	Record  *browse.Record
	Title   string
	Body    any
	Changes []bodydiff.Change
}

func (h *handlers) history(r *http.Request, subject string, order []string) ([]version, error) {
	hist, err := h.versions(r.Context(), subject)
	if err != nil {
		return nil, err
	}
	out := make([]version, 0, len(hist))
	for i := len(hist) - 1; i >= 0; i-- {
		v := version{Record: hist[i]}
		if k, ok := h.site.Node.Kinds.Get(hist[i].Kind); ok {
			v.Title = k.Title
		}
		var body any
		json.Unmarshal(hist[i].Body, &body)
		v.Body = body
		if i > 0 && hist[i].Kind == hist[i-1].Kind {
			if v.Changes, err = bodydiff.Diff(hist[i-1].Body, hist[i].Body, order); err != nil {
				return nil, err
			}
		}
		out = append(out, v)
	}
	return out, nil
}

type facilityData struct {
	page
	*Facility
	Body     FacilityBody
	Map      template.HTML
	Calls    []*PortCall
	Timeline template.HTML
	// OpenFigures are the facility's openness figures in the window, as
	// the openness page shows them.
	OpenFigures template.HTML
	From, To    string
	Versions    []version
	Abroad      []abroadRow
}

func (h *handlers) facility(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	st := h.site.Node.Store
	subject := "facilities/" + r.PathValue("state") + "/" + r.PathValue("slug")
	f, err := GetFacility(ctx, st, subject)
	if err != nil {
		return err
	}
	from, to, err := window(r)
	if err != nil {
		return err
	}
	l := h.site.Locale(r)
	d := facilityData{page: h.page(), Facility: f, From: from, To: to}
	if d.Versions, err = h.history(r, subject, []string{"name", "role", "access", "access_policy", "status", "operator", "type", "location", "place", "opened_on", "change_note", "sources"}); err != nil {
		return err
	}
	json.Unmarshal(d.Versions[0].Record.Body, &d.Body)
	if d.Calls, err = PortCalls(ctx, st, PortCallFilter{Facility: subject}, h.m.today()); err != nil {
		return err
	}
	open := measureCalls(d.Calls, func(c *PortCall) bool {
		return (from == "" || c.Arrival >= from) && (to == "" || c.Arrival <= to)
	})
	if d.OpenFigures, err = h.site.RenderFragment(r, "openness", "opennessFigures", figures{open, l}); err != nil {
		return err
	}
	d.Timeline = portCallTimeline(l, l.T("Who has visited %s", f.Name), l.T("Each dot is a port call, by visiting state, at its arrival date: completed in the first colour, approved in the second, pending in the third, cancelled in the sixth."), d.Calls)
	m := geomap.Map{Names: l.Country, Title: f.Name, Desc: l.T("%s, %s, at %s (%s).", f.Name, l.Country(f.Host, f.HostName), coordText(l, f.Location.Lon, f.Location.Lat), l.T(f.Location.Precision)),
		Countries: []geomap.CountryStyle{{ISO3: codeOf(f.Host), Class: "highlight"}},
		Points:    []geomap.Point{{Lon: f.Location.Lon, Lat: f.Location.Lat, Label: f.Name, Class: "s2", Size: 6}}}
	if _, ok := geomap.Lookup(codeOf(f.Host)); !ok {
		m.Countries = nil
	}
	if d.Map, err = m.SVG(); err != nil {
		return err
	}
	ps, err := Postures(ctx, st, "", false)
	if err != nil {
		return err
	}
	for _, a := range abroadRows(ps) {
		if a.HostState == codeOf(f.Host) {
			d.Abroad = append(d.Abroad, a)
		}
	}
	return h.site.Render(w, r, http.StatusOK, "facility", d)
}

type portCallsData struct {
	page
	Filter     PortCallFilter
	Items      []*PortCall
	Facilities []*Facility
	States     []option
	Timeline   template.HTML
	Query      string
	Attention  int
	Statuses   []string
}

// requestedPortCalls lists the port calls the request's filter selects.
func (h *handlers) requestedPortCalls(r *http.Request) (PortCallFilter, []*PortCall, error) {
	f, err := portCallFilter(r)
	if err != nil {
		return f, nil, err
	}
	calls, err := PortCalls(r.Context(), h.site.Node.Store, f, h.m.today())
	return f, calls, err
}

func (h *handlers) portCalls(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	st := h.site.Node.Store
	f, items, err := h.requestedPortCalls(r)
	if err != nil {
		return err
	}
	l := h.site.Locale(r)
	d := portCallsData{page: h.page(), Filter: f, Items: items, Statuses: portCallStatuses}
	d.Query = query("facility", f.Facility, "host", codeOf(f.Host), "state", f.State, "from", f.From, "to", f.To, "status", f.Status)
	if d.Facilities, err = Facilities(ctx, st, ""); err != nil {
		return err
	}
	all, err := PortCalls(ctx, st, PortCallFilter{}, h.m.today())
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, c := range all {
		if !seen[c.Requester] {
			seen[c.Requester] = true
			d.States = append(d.States, option{c.Requester, c.RequesterName})
		}
	}
	slices.SortFunc(d.States, func(a, b option) int { return cmp.Compare(a.Title, b.Title) })
	for _, c := range d.Items {
		if c.Attention != "" {
			d.Attention++
		}
	}
	d.Timeline = portCallTimeline(l, l.T("Port calls by visiting state"), l.T("Each dot is a port call, by visiting state, at its arrival date: completed in the first colour, approved in the second, pending in the third, cancelled in the sixth."), d.Items)
	return h.site.Render(w, r, http.StatusOK, "portcalls", d)
}

type portCallData struct {
	page
	*PortCall
	Request  RequestBody
	Versions []version
	Facility *Facility
}

func (h *handlers) portCallDetail(r *http.Request) (*PortCall, error) {
	subject := "portcalls/" + r.PathValue("state") + "/" + r.PathValue("slug")
	calls, err := PortCalls(r.Context(), h.site.Node.Store, PortCallFilter{Subject: subject}, h.m.today())
	if err != nil {
		return nil, err
	}
	if len(calls) == 1 {
		return calls[0], nil
	}
	return nil, problem.NotFound("subject", "portcall.unknown", "there is no port call %q", subject)
}

func (h *handlers) portCall(w http.ResponseWriter, r *http.Request) error {
	c, err := h.portCallDetail(r)
	if err != nil {
		return err
	}
	d := portCallData{page: h.page(), PortCall: c}
	if d.Versions, err = h.history(r, c.Subject, nil); err != nil {
		return err
	}
	json.Unmarshal(d.Versions[len(d.Versions)-1].Record.Body, &d.Request)
	if d.Facility, err = GetFacility(r.Context(), h.site.Node.Store, c.Facility); err != nil {
		return err
	}
	return h.site.Render(w, r, http.StatusOK, "portcall", d)
}

type opennessData struct {
	page
	Facility     string
	FacilityName string // "" for the whole region
	From, To     string
	Facilities   []*Facility
	Open         *Openness
	Figures      figures
	VisitsChart  template.HTML
	ApproveChart template.HTML
	DaysChart    template.HTML
	Query        string
	PerFacility  []facilityOpenness
}

type facilityOpenness struct {
	*Facility
	Open *Openness
}

// figures are what the template "opennessFigures" shows: openness figures,
// in a language.
type figures struct {
	O *Openness
	L *i18n.Locale
}

func (h *handlers) measure(r *http.Request) (*Openness, string, string, string, error) {
	from, to, err := window(r)
	if err != nil {
		return nil, "", "", "", err
	}
	facility := strings.TrimSpace(r.URL.Query().Get("facility"))
	if facility != "" {
		if _, err := GetFacility(r.Context(), h.site.Node.Store, facility); err != nil {
			return nil, "", "", "", problem.Invalid("facility", "param.facility", "there is no facility %q", facility)
		}
	}
	calls, err := PortCalls(r.Context(), h.site.Node.Store, PortCallFilter{Facility: facility, From: from, To: to}, h.m.today())
	if err != nil {
		return nil, "", "", "", err
	}
	o := measureCalls(calls, nil)
	o.Facility, o.From, o.To = facility, from, to
	return o, facility, from, to, nil
}

func (h *handlers) openness(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	o, facility, from, to, err := h.measure(r)
	if err != nil {
		return err
	}
	l := h.site.Locale(r)
	d := opennessData{page: h.page(), Facility: facility, From: from, To: to, Open: o, Figures: figures{o, l}, Query: query("facility", facility, "from", from, "to", to)}
	if d.Facilities, err = Facilities(ctx, h.site.Node.Store, ""); err != nil {
		return err
	}
	for _, f := range d.Facilities {
		if f.Subject == facility {
			d.FacilityName = f.Name
		}
	}
	if facility == "" {
		all, err := PortCalls(ctx, h.site.Node.Store, PortCallFilter{From: from, To: to}, h.m.today())
		if err != nil {
			return err
		}
		for _, f := range d.Facilities {
			d.PerFacility = append(d.PerFacility, facilityOpenness{f, measureCalls(all, func(c *PortCall) bool { return c.Facility == f.Subject })})
		}
	}
	var visits, approve, days []chart.Bar
	for _, v := range o.ByState {
		visits = append(visits, chart.Bar{Label: l.Country(v.State, v.Name), Value: math.Round(1000*v.Share) / 10, Href: "/portcalls?state=" + v.State})
	}
	for _, s := range o.Requests {
		if s.ApprovalRate != nil {
			approve = append(approve, chart.Bar{Label: l.Country(s.State, s.Name), Value: math.Round(1000**s.ApprovalRate) / 10, Href: "/portcalls?state=" + s.State})
		}
		if s.MedianResponseDays != nil {
			days = append(days, chart.Bar{Label: l.Country(s.State, s.Name), Value: *s.MedianResponseDays, Class: "s3", Href: "/portcalls?state=" + s.State})
		}
	}
	percent := func(v float64) string { return percentText(l, v/100) }
	if len(visits) > 0 {
		d.VisitsChart = chart.Bars(l.T("Share of visits by visiting state"), l.T("Each bar is a state's share of the completed port calls in the window, in percent."), visits, percent)
	}
	if len(approve) > 0 {
		d.ApproveChart = chart.Bars(l.T("Approval rate by requesting state"), l.T("Each bar is the share of a state's decided requests that the host approved, in percent."), approve, percent)
	}
	if len(days) > 0 {
		d.DaysChart = chart.Bars(l.T("Median days from request to decision"), l.T("Each bar is the median number of days the host took to decide a state's requests, where both dates are known."), days, func(v float64) string { return daysText(l, v) })
	}
	return h.site.Render(w, r, http.StatusOK, "openness", d)
}

type activitiesData struct {
	page
	Filter       ActivityFilter
	Norms        Norms
	Defaults     Norms
	Items        []*Activity
	Observations []*Observation
	Timeline     template.HTML
	Types        []struct{ ID, Title string }
	Classes      []option
	States       []option
	Query        string
	Flagged      int
	Founded      string
}

// requestedActivities lists the activities the request's filter selects,
// assessed against the norms it asks for.
func (h *handlers) requestedActivities(r *http.Request) (ActivityFilter, Norms, []*Activity, error) {
	f, err := h.activityFilter(r)
	if err != nil {
		return f, Norms{}, nil, err
	}
	norms, err := h.normsFrom(r)
	if err != nil {
		return f, norms, nil, err
	}
	acts, err := Activities(r.Context(), h.site.Node.Store, f, norms, h.m.today())
	return f, norms, acts, err
}

func (h *handlers) activities(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	st := h.site.Node.Store
	f, norms, items, err := h.requestedActivities(r)
	if err != nil {
		return err
	}
	l := h.site.Locale(r)
	d := activitiesData{page: h.page(), Filter: f, Norms: norms, Defaults: h.m.norms, Types: ActivityTypes, Items: items}
	q := r.URL.Query()
	d.Query = query("from", f.From, "to", f.To, "state", f.State, "type", f.Type, "notice", f.Notice, "notice_days", q.Get("notice_days"), "apply", q.Get("apply"))
	for _, c := range []string{NoticeAdvance, NoticeLate, NoticeNotified, NoticeAfterStart, NoticeHistorical} {
		d.Classes = append(d.Classes, option{c, NoticeTitles[c]})
	}
	founded, err := Founded(ctx, st)
	if err != nil {
		return err
	}
	d.Founded = founded.Format(DateFormat)
	all, err := Activities(ctx, st, ActivityFilter{}, norms, h.m.today())
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, a := range all {
		for _, p := range a.Participants {
			if !seen[p.State] {
				seen[p.State] = true
				d.States = append(d.States, option{p.State, StateName(p.State)})
			}
		}
	}
	slices.SortFunc(d.States, func(a, b option) int { return cmp.Compare(a.Title, b.Title) })
	if f.Notice == "" && f.Type == "" {
		if d.Observations, err = Observations(ctx, st, f.From, f.To); err != nil {
			return err
		}
	}
	rows := map[string]*chart.Row{}
	var order []string
	for i := len(d.Items) - 1; i >= 0; i-- {
		a := d.Items[i]
		if len(a.Assessment.Flags) > 0 {
			d.Flagged++
		}
		t, _ := parseDate(a.Start)
		row := rows[a.State]
		if row == nil {
			row = &chart.Row{Label: l.Country(a.State, a.StateName), Href: "/activities?state=" + codeOf(a.State)}
			rows[a.State] = row
			order = append(order, a.State)
		}
		class := map[string]string{NoticeAdvance: "s5", NoticeLate: "s6", NoticeNotified: "s1", NoticeAfterStart: "neg", NoticeHistorical: "s3"}[a.Assessment.Class]
		row.Events = append(row.Events, chart.Event{Date: t, DateText: l.Date(t), Label: a.Title + " (" + l.T(a.Assessment.ClassTitle) + ")", Href: a.URL, Class: class})
	}
	var trows []chart.Row
	for _, s := range order {
		trows = append(trows, *rows[s])
	}
	d.Timeline = chart.Timeline(l.T("Activities by notifying state"), l.T("Each dot is an activity at its start date, by the state that notified it, coloured by its notice: in time, late, no norm, unnotified, or historical."), trows)
	return h.site.Render(w, r, http.StatusOK, "activities", d)
}

type activityData struct {
	page
	*Activity
	Body     ActivityBody
	Map      template.HTML
	Versions []version
	Norms    Norms
	Answered []*Observation
	// NoticeText, NotifyBy and ObserveBy are the assessment's explanation
	// and reasons in the reader's language.
	NoticeText          string
	NotifyBy, ObserveBy []string
}

// activityDetail reads the activity the request names, assessed against
// the norms it asks for.
func (h *handlers) activityDetail(r *http.Request) (*Activity, Norms, error) {
	norms, err := h.normsFrom(r)
	if err != nil {
		return nil, norms, err
	}
	subject := "activities/" + r.PathValue("state") + "/" + r.PathValue("slug")
	acts, err := Activities(r.Context(), h.site.Node.Store, ActivityFilter{Subject: subject}, norms, h.m.today())
	if err != nil {
		return nil, norms, err
	}
	if len(acts) == 1 {
		return acts[0], norms, nil
	}
	return nil, norms, problem.NotFound("subject", "activity.unknown", "there is no activity %q", subject)
}

func (h *handlers) activity(w http.ResponseWriter, r *http.Request) error {
	a, norms, err := h.activityDetail(r)
	if err != nil {
		return err
	}
	l := h.site.Locale(r)
	founded, err := Founded(r.Context(), h.site.Node.Store)
	if err != nil {
		return err
	}
	d := activityData{page: h.page(), Activity: a, Norms: norms, NoticeText: noticeWords(l, a, founded, norms.NoticeDays),
		NotifyBy: reachedWords(l, norms.Notify, a.Size), ObserveBy: reachedWords(l, norms.Observe, a.Size)}
	if d.Versions, err = h.history(r, a.Subject, []string{"title", "start", "end", "participants", "size", "types", "area_description", "area", "framework", "description", "answers", "change_note", "sources"}); err != nil {
		return err
	}
	for _, v := range d.Versions {
		if v.Record.Kind != KindActivityCancel {
			json.Unmarshal(v.Record.Body, &d.Body)
			break
		}
	}
	var countries []geomap.CountryStyle
	for _, p := range a.Participants {
		if _, ok := geomap.Lookup(p.State); ok && p.Role != RoleObserver {
			countries = append(countries, geomap.CountryStyle{ISO3: p.State, Class: "highlight"})
		}
	}
	m := geomap.Map{Names: l.Country, Title: a.Title, Desc: l.T("The activity's area as notified: %s", a.AreaDescription), Countries: countries,
		Shapes: []geomap.Shape{{GeoJSON: a.Area, Label: a.AreaDescription, Class: "s3"}}}
	// Frame the area with some of its surroundings, not the participants'
	// whole territories.
	if g, err := geomap.ParseGeoJSON(a.Area); err == nil {
		m.Bounds = g.Bounds().Pad(4)
	}
	if d.Map, err = m.SVG(); err != nil {
		return err
	}
	obs, err := Observations(r.Context(), h.site.Node.Store, "", "")
	if err != nil {
		return err
	}
	for _, o := range obs {
		if o.AnsweredBy == a.Subject {
			d.Answered = append(d.Answered, o)
		}
	}
	return h.site.Render(w, r, http.StatusOK, "activity", d)
}

type posturesData struct {
	page
	Items  []*Posture
	Abroad []abroadRow
}

func (h *handlers) postures(w http.ResponseWriter, r *http.Request) error {
	ps, err := Postures(r.Context(), h.site.Node.Store, "", true)
	if err != nil {
		return err
	}
	latest, err := Postures(r.Context(), h.site.Node.Store, "", false)
	if err != nil {
		return err
	}
	return h.site.Render(w, r, http.StatusOK, "postures", posturesData{page: h.page(), Items: ps, Abroad: abroadRows(latest)})
}

// calendarItem is an activity or a port call in a calendar list.
type calendarItem struct {
	Start, End string
	What       string
	Title      string
	Detail     string
	URL        string
	Status     string
}

// upcoming lists the activities and port calls that start today or later,
// or are in progress, soonest first; at most limit (0 for all).
func (h *handlers) upcoming(r *http.Request, limit int) ([]calendarItem, error) {
	ctx := r.Context()
	l := h.site.Locale(r)
	today := h.m.today().Format(DateFormat)
	acts, err := Activities(ctx, h.site.Node.Store, ActivityFilter{From: today}, h.m.norms, h.m.today())
	if err != nil {
		return nil, err
	}
	calls, err := PortCalls(ctx, h.site.Node.Store, PortCallFilter{}, h.m.today())
	if err != nil {
		return nil, err
	}
	var out []calendarItem
	for _, a := range acts {
		status := a.When
		if a.Cancelled {
			status = "cancelled"
		}
		out = append(out, calendarItem{Start: a.Start, End: a.End, What: "Activity", Title: a.Title, Detail: l.Country(a.State, a.StateName) + " · " + typeWords(l, a.Types), URL: a.URL, Status: status})
	}
	for _, c := range calls {
		if lastDay(c.Arrival, c.Departure) < today || c.Status == PortCallDeclined {
			continue
		}
		out = append(out, calendarItem{Start: c.Arrival, End: c.Departure, What: "Port call", Title: l.T("%s at %s", l.Country(c.Requester, c.RequesterName), c.FacilityName), Detail: vesselList(c.Vessels), URL: c.URL, Status: c.Status})
	}
	slices.SortFunc(out, func(a, b calendarItem) int {
		return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.Title, b.Title))
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

type calendarData struct {
	page
	Items []calendarItem
	ICS   string
}

func (h *handlers) calendar(w http.ResponseWriter, r *http.Request) error {
	items, err := h.upcoming(r, 0)
	if err != nil {
		return err
	}
	return h.site.Render(w, r, http.StatusOK, "calendar", calendarData{page: h.page(), Items: items, ICS: h.site.BaseURL(r) + "/api/v1/calendar.ics"})
}

func (h *handlers) homeSection(r *http.Request) (template.HTML, error) {
	items, err := h.upcoming(r, 5)
	if err != nil || len(items) == 0 {
		return "", err
	}
	return h.site.RenderFragment(r, "calendar", "upcoming", items)
}

type partySectionData struct {
	HostedText   string
	State        string
	Code         string
	Facilities   []*Facility
	Hosted       map[string]int
	HostedTotal  int
	Made         []*PortCall
	Notified     []*Activity
	Participated int
	Observations int
	Postures     []*Posture
}

func (h *handlers) partySection(r *http.Request, p *browse.Party) (template.HTML, error) {
	if p.Type != "state" {
		return "", nil
	}
	ctx := r.Context()
	st := h.site.Node.Store
	d := partySectionData{State: p.ID, Code: codeOf(p.ID), Hosted: map[string]int{}}
	var err error
	if d.Facilities, err = Facilities(ctx, st, p.ID); err != nil {
		return "", err
	}
	hosted, err := PortCalls(ctx, st, PortCallFilter{Host: p.ID}, h.m.today())
	if err != nil {
		return "", err
	}
	for _, c := range hosted {
		d.Hosted[c.Status]++
		d.HostedTotal++
	}
	l := h.site.Locale(r)
	var parts []string
	for _, s := range portCallStatuses {
		if n := d.Hosted[s]; n > 0 {
			parts = append(parts, statusCount(l, s, n))
		}
	}
	d.HostedText = listText(l, parts)
	if d.Made, err = PortCalls(ctx, st, PortCallFilter{State: d.Code}, h.m.today()); err != nil {
		return "", err
	}
	acts, err := Activities(ctx, st, ActivityFilter{State: d.Code}, h.m.norms, h.m.today())
	if err != nil {
		return "", err
	}
	for _, a := range acts {
		if a.State == p.ID {
			d.Notified = append(d.Notified, a)
		} else {
			d.Participated++
		}
	}
	obs, err := Observations(ctx, st, "", "")
	if err != nil {
		return "", err
	}
	for _, o := range obs {
		if o.Observer == p.ID {
			d.Observations++
		}
	}
	if d.Postures, err = Postures(ctx, st, p.ID, true); err != nil {
		return "", err
	}
	if len(d.Facilities) == 0 && d.HostedTotal == 0 && len(d.Made) == 0 && len(acts) == 0 && d.Observations == 0 && len(d.Postures) == 0 {
		return "", nil
	}
	return h.site.RenderFragment(r, "security", "party", d)
}

// portCallStatuses are the statuses of port calls, in the order of a visit's
// life.
var portCallStatuses = []string{PortCallRequested, PortCallApproved, PortCallDeclined, PortCallCompleted, PortCallCancelled}

// statusCount writes how many port calls have a status: "2 approved".
func statusCount(l *i18n.Locale, status string, n int) string {
	switch status {
	case PortCallRequested:
		return l.T("%d requested", n)
	case PortCallApproved:
		return l.T("%d approved", n)
	case PortCallDeclined:
		return l.T("%d declined", n)
	case PortCallCompleted:
		return l.T("%d completed", n)
	}
	return l.T("%d cancelled", n)
}
