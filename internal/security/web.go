package security

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/kongsi/kongsi/internal/browse"
	"github.com/kongsi/kongsi/internal/chart"
	"github.com/kongsi/kongsi/internal/feed"
	"github.com/kongsi/kongsi/internal/geomap"
	"github.com/kongsi/kongsi/internal/i18n"
	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/record"
	"github.com/kongsi/kongsi/internal/web"
)

// files are the module's page templates and their translations.
//
//go:embed templates/*.html locales/*.json
var files embed.FS

// Translations are the catalogs of the module's pages (see i18n.Catalog).
func (*Module) Translations() fs.FS { return files }

type handlers struct {
	m    *Module
	site *web.Site
}

// Web adds the module's pages, API, feed, calendar and sections.
func (m *Module) Web(s *web.Site) error {
	if err := s.AddTemplates(files, "templates/*.html"); err != nil {
		return err
	}
	if err := s.AddTranslations(files, "locales"); err != nil {
		return err
	}
	h := &handlers{m: m, site: s}
	s.AddNav("Security", "/security", subNav...)
	s.Page("GET /security", h.overview)
	s.Page("GET /security/map", h.mapPage)
	s.Page("GET /facilities", h.facilities)
	s.Page("GET /facilities/{state}/{slug}", h.facility)
	s.Page("GET /portcalls", h.portCalls)
	s.Page("GET /portcalls/{state}/{slug}", h.portCall)
	s.Page("GET /openness", h.openness)
	s.Page("GET /activities", h.activities)
	s.Page("GET /activities/{state}/{slug}", h.activity)
	s.Page("GET /postures", h.postures)
	s.Page("GET /calendar", h.calendar)

	s.API("GET /api/v1/facilities", h.apiFacilities)
	s.API("GET /api/v1/facilities.csv", h.apiFacilitiesCSV)
	s.API("GET /api/v1/facilities/{state}/{slug}", h.apiFacility)
	s.API("GET /api/v1/portcalls", h.apiPortCalls)
	s.API("GET /api/v1/portcalls.csv", h.apiPortCallsCSV)
	s.API("GET /api/v1/portcalls/{state}/{slug}", h.apiPortCall)
	s.API("GET /api/v1/openness", h.apiOpenness)
	s.API("GET /api/v1/openness.csv", h.apiOpennessCSV)
	s.API("GET /api/v1/activities", h.apiActivities)
	s.API("GET /api/v1/activities.csv", h.apiActivitiesCSV)
	s.API("GET /api/v1/activities/{state}/{slug}", h.apiActivity)
	s.API("GET /api/v1/postures", h.apiPostures)
	s.API("GET /api/v1/postures.csv", h.apiPosturesCSV)
	s.API("GET /api/v1/observations.csv", h.apiObservationsCSV)
	s.API("GET /api/v1/calendar.ics", h.apiCalendar)
	s.API("GET /api/v1/security.atom", h.apiFeed)
	s.OpenAPIPaths(openAPIPaths())

	s.AddPartySection("Security", h.partySection)
	s.AddHomeSection("Coming up: exercises and port calls", h.homeSection)
	return nil
}

// subNav is the navigation between the module's pages.
var subNav = []web.NavItem{
	{Label: "Overview", Path: "/security"},
	{Label: "Facilities", Path: "/facilities"},
	{Label: "Port calls", Path: "/portcalls"},
	{Label: "Openness", Path: "/openness"},
	{Label: "Activities", Path: "/activities"},
	{Label: "Posture", Path: "/postures"},
	{Label: "Calendar", Path: "/calendar"},
	{Label: "Map", Path: "/security/map"},
}

// page is what every page of the module gets besides its own data.
type page struct {
	Today string
}

func (h *handlers) page() page {
	return page{Today: h.m.today().Format(DateFormat)}
}

// dateParam reads an optional date parameter.
func dateParam(r *http.Request, name string) (string, error) {
	s := strings.TrimSpace(r.URL.Query().Get(name))
	if s == "" {
		return "", nil
	}
	if _, ok := parseDate(s); !ok {
		return "", problem.Invalid(name, "param.date", "%s must be a date like 2025-04-27", name)
	}
	return s, nil
}

// window reads from and to, and refuses them out of order.
func window(r *http.Request) (from, to string, err error) {
	if from, err = dateParam(r, "from"); err != nil {
		return
	}
	if to, err = dateParam(r, "to"); err != nil {
		return
	}
	if from != "" && to != "" && to < from {
		err = problem.Invalid("to", "param.range", "to (%s) is before from (%s)", to, from)
	}
	return
}

func portCallFilter(r *http.Request) (PortCallFilter, error) {
	var f PortCallFilter
	var err error
	q := r.URL.Query()
	if f.From, f.To, err = window(r); err != nil {
		return f, err
	}
	if f.State, err = normalizeState("state", q.Get("state")); err != nil {
		return f, err
	}
	f.Facility = strings.TrimSpace(q.Get("facility"))
	if f.Facility != "" && !facilitySubject.MatchString(f.Facility) {
		return f, problem.Invalid("facility", "param.facility", "facility is a facility's subject, like facilities/khm/ream")
	}
	if host := strings.TrimSpace(q.Get("host")); host != "" {
		code, err := normalizeState("host", host)
		if err != nil {
			return f, err
		}
		f.Host = partyOf(code)
	}
	switch f.Status = q.Get("status"); f.Status {
	case "", PortCallRequested, PortCallApproved, PortCallDeclined, PortCallCompleted, PortCallCancelled:
	default:
		return f, problem.Invalid("status", "param.enum", "status is requested, approved, declined, completed or cancelled")
	}
	return f, nil
}

// normsFrom reads the norms a request asks for: the module's, with
// notice_days and apply=all overriding them.
func (h *handlers) normsFrom(r *http.Request) (Norms, error) {
	n := h.m.norms
	q := r.URL.Query()
	if s := q.Get("notice_days"); s != "" {
		d, err := strconv.Atoi(s)
		if err != nil || d < 1 || d > 365 {
			return n, problem.Invalid("notice_days", "param.range", "notice_days must be a number of days from 1 to 365")
		}
		n.NoticeDays = d
	}
	switch q.Get("apply") {
	case "":
	case "all":
		n.AllActivities = true
	case "thresholds":
		n.AllActivities = false
	default:
		return n, problem.Invalid("apply", "param.enum", "apply is thresholds (the default) or all")
	}
	return n, nil
}

func (h *handlers) activityFilter(r *http.Request) (ActivityFilter, error) {
	var f ActivityFilter
	var err error
	q := r.URL.Query()
	if f.From, f.To, err = window(r); err != nil {
		return f, err
	}
	if f.State, err = normalizeState("state", q.Get("state")); err != nil {
		return f, err
	}
	if f.Type = q.Get("type"); f.Type != "" && title(ActivityTypes, f.Type) == f.Type {
		return f, problem.Invalid("type", "param.enum", "there is no activity type %q", f.Type)
	}
	if f.Notice = q.Get("notice"); f.Notice != "" && NoticeTitles[f.Notice] == "" {
		return f, problem.Invalid("notice", "param.enum", "notice is advance, late, notified, after-start or historical")
	}
	return f, nil
}

// portCallTimeline draws port calls on a timeline, one row per visiting
// state.
func portCallTimeline(l *i18n.Locale, title, desc string, calls []*PortCall) template.HTML {
	rows := map[string]*chart.Row{}
	var order []string
	for i := len(calls) - 1; i >= 0; i-- { // oldest first
		c := calls[i]
		if c.Status == PortCallDeclined {
			continue
		}
		t, ok := parseDate(c.Arrival)
		if !ok {
			continue
		}
		row := rows[c.Requester]
		if row == nil {
			row = &chart.Row{Label: l.Country(c.Requester, c.RequesterName), Href: "/portcalls?state=" + c.Requester}
			rows[c.Requester] = row
			order = append(order, c.Requester)
		}
		class := map[string]string{PortCallCompleted: "s1", PortCallApproved: "s2", PortCallRequested: "s3", PortCallCancelled: "s6"}[c.Status]
		row.Events = append(row.Events, chart.Event{Date: t, DateText: l.Date(t), Label: l.T("%s at %s (%s)", l.Country(c.Requester, c.RequesterName), c.FacilityName, l.T(c.Status)), Href: c.URL, Class: class})
	}
	var out []chart.Row
	for _, s := range order {
		out = append(out, *rows[s])
	}
	return chart.Timeline(title, desc, out)
}

// regionMap draws facilities as points, activity areas as shapes and the
// hosts highlighted. Facilities abroad outside the region's frame are left
// to the table beside the map.
func regionMap(l *i18n.Locale, title, desc string, facilities []*Facility, activities []*Activity, abroad []abroadRow) (template.HTML, error) {
	m := geomap.Map{Title: title, Desc: desc, Names: l.Country}
	hosts := map[string]bool{}
	for _, f := range facilities {
		m.Points = append(m.Points, geomap.Point{Lon: f.Location.Lon, Lat: f.Location.Lat, Label: f.Name + ", " + l.Country(f.Host, f.HostName), Href: f.URL, Class: "s2", Size: 5})
		code := codeOf(f.Host)
		if _, ok := geomap.Lookup(code); ok && !hosts[code] {
			hosts[code] = true
			m.Countries = append(m.Countries, geomap.CountryStyle{ISO3: code, Class: "highlight", Href: "/facilities?host=" + code})
		}
	}
	region := geomap.Region()
	for _, a := range abroad {
		if a.Location != nil && region.Contains(a.Location.Lon, a.Location.Lat) {
			m.Points = append(m.Points, geomap.Point{Lon: a.Location.Lon, Lat: a.Location.Lat, Label: l.T("%s (%s, abroad)", a.Name, l.Country(a.State, a.StateName)), Href: a.URL, Class: "s4", Size: 5})
		}
	}
	for _, a := range activities {
		if a.Cancelled {
			continue
		}
		label := a.Title
		if start, ok := parseDate(a.Start); ok {
			label += " (" + l.Date(start) + ")"
		}
		m.Shapes = append(m.Shapes, geomap.Shape{GeoJSON: a.Area, Label: label, Href: a.URL, Class: "s3"})
	}
	return m.SVG()
}

// abroadRow is a facility abroad as a posture disclosure lists it.
type abroadRow struct {
	FacilityAbroad
	State     string
	StateName string
	HostName  string
	Year      int
	URL       string
}

func abroadRows(ps []*Posture) []abroadRow {
	var out []abroadRow
	for _, p := range ps {
		for _, f := range p.Facilities {
			out = append(out, abroadRow{FacilityAbroad: f, State: p.State, StateName: p.StateName, HostName: StateName(f.HostState), Year: p.Year, URL: p.URL})
		}
	}
	return out
}

// versions lists the records of a subject, oldest first.
func (h *handlers) versions(ctx context.Context, subject string) ([]*browse.Record, error) {
	return browse.History(ctx, h.site.Node.Store, subject)
}

// feedKinds are the kinds the Atom feed follows.
var feedKinds = []string{KindFacility, KindPortCallRequest, KindPortCallDecision, KindPortCallAmendment, KindPortCallReport,
	KindActivityNotify, KindActivityAmend, KindActivityCancel, KindActivityObserved, KindPosture}

func (h *handlers) apiFeed(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	args := make([]any, len(feedKinds))
	marks := make([]string, len(feedKinds))
	for i, k := range feedKinds {
		args[i], marks[i] = k, "$"+strconv.Itoa(i+1)
	}
	rows, err := h.site.Node.Store.Reader().QueryContext(ctx, `SELECT idx, kind, subject, author, time, summary FROM records
		WHERE kind IN (`+strings.Join(marks, ", ")+`) ORDER BY idx DESC LIMIT 50`, args...)
	if err != nil {
		return fmt.Errorf("couldn't read the feed's records: %w", err)
	}
	defer rows.Close()
	base := h.site.BaseURL(r)
	f := &feed.Feed{ID: base + "/api/v1/security.atom", Title: "Kongsi: security records", Link: base + "/security", Self: base + "/api/v1/security.atom", Author: h.site.Node.Origin}
	for rows.Next() {
		var idx int64
		var kind, subject, author, ts, summary string
		if err := rows.Scan(&idx, &kind, &subject, &author, &ts, &summary); err != nil {
			return err
		}
		t, _ := time.Parse(record.TimeFormat, ts)
		k, _ := h.site.Node.Kinds.Get(kind)
		link := fmt.Sprintf("%s/records/%d", base, idx)
		f.Entries = append(f.Entries, feed.Entry{ID: link, Title: k.Title + ": " + summary, Link: link, Updated: t, Author: author, Summary: subject, Category: kind})
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return f.Serve(w)
}

// calendarEvents are the activities and port calls of a window as
// calendar events.
func (h *handlers) calendarEvents(ctx context.Context, base, from, to string) ([]Event, error) {
	st := h.site.Node.Store
	acts, err := Activities(ctx, st, ActivityFilter{From: from, To: to}, h.m.norms, h.m.today())
	if err != nil {
		return nil, err
	}
	calls, err := PortCalls(ctx, st, PortCallFilter{From: from, To: to}, h.m.today())
	if err != nil {
		return nil, err
	}
	host := h.site.Node.Origin
	var events []Event
	for _, a := range acts {
		start, _ := parseDate(a.Start)
		end, _ := parseDate(a.End)
		stamp, _ := time.Parse(record.TimeFormat, a.Updated)
		status := "CONFIRMED"
		if a.Cancelled {
			status = "CANCELLED"
		}
		desc := fmt.Sprintf("%s, notified by %s. Participants: %s.", strings.Join(a.TypeTitles, ", "), a.StateName, participantList(a.Participants))
		if a.Framework != "" {
			desc += " Framework: " + a.Framework + "."
		}
		desc += " Notice: " + a.Assessment.Explanation
		events = append(events, Event{UID: a.Subject + "@" + host, Sequence: a.Versions - 1, Stamp: stamp, Start: start, End: end,
			Summary: a.Title, Description: desc, Location: a.AreaDescription, URL: base + a.URL, Categories: a.TypeTitles, Status: status})
	}
	facilities := map[string]*Facility{}
	for _, c := range calls {
		if c.Status == PortCallDeclined {
			continue
		}
		start, _ := parseDate(c.Arrival)
		end, _ := parseDate(lastDay(c.Arrival, c.Departure))
		stamp, _ := time.Parse(record.TimeFormat, c.Updated)
		status := map[string]string{PortCallRequested: "TENTATIVE", PortCallApproved: "CONFIRMED", PortCallCompleted: "CONFIRMED", PortCallCancelled: "CANCELLED"}[c.Status]
		f := facilities[c.Facility]
		if f == nil {
			if f, err = GetFacility(ctx, st, c.Facility); err != nil {
				return nil, err
			}
			facilities[c.Facility] = f
		}
		loc := f.Location
		events = append(events, Event{UID: c.Subject + "@" + host, Sequence: c.Versions - 1, Stamp: stamp, Start: start, End: end,
			Summary:     fmt.Sprintf("Port call: %s at %s", c.RequesterName, c.FacilityName),
			Description: fmt.Sprintf("%s, %s. Vessels: %s. Purpose: %s.", c.Status, ChannelTitle(c.Channel), vesselList(c.Vessels), purposeList(c.Purposes)),
			Location:    f.Name + ", " + f.HostName, Geo: &loc, URL: base + c.URL, Categories: []string{"Port call"}, Status: status})
	}
	return events, nil
}

func (h *handlers) apiCalendar(w http.ResponseWriter, r *http.Request) error {
	from, to, err := window(r)
	if err != nil {
		return err
	}
	events, err := h.calendarEvents(r.Context(), h.site.BaseURL(r), from, to)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `inline; filename="kongsi-security.ics"`)
	w.Header().Set("Cache-Control", "no-cache")
	c := &Calendar{ProdID: "-//Kongsi//Security calendar//EN", Name: "Kongsi: exercises and port calls", Events: events}
	return c.WriteICS(w)
}

func participantList(ps []Participant) string {
	var out []string
	for _, p := range ps {
		s := StateName(p.State)
		if p.Role != RoleParticipant {
			s += " (" + p.Role + ")"
		}
		out = append(out, s)
	}
	return strings.Join(out, ", ")
}

func vesselList(vs []Vessel) string {
	var out []string
	for _, v := range vs {
		s := v.Type
		if v.Name != "" {
			s = v.Name + ", " + v.Type
		}
		if v.HullNumber != "" {
			s += " (" + v.HullNumber + ")"
		}
		out = append(out, s)
	}
	return strings.Join(out, "; ")
}

func purposeList(ps []string) string {
	var out []string
	for _, p := range ps {
		out = append(out, strings.ToLower(title(Purposes, p)))
	}
	return strings.Join(out, ", ")
}

// query builds a query string from pairs, leaving out empty values.
func query(kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			v.Set(kv[i], kv[i+1])
		}
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

// jsonString is a value as compact JSON, for CSV cells.
func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
