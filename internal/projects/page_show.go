package projects

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/kongsi/kongsi/internal/browse"
	"github.com/kongsi/kongsi/internal/chart"
	"github.com/kongsi/kongsi/internal/geomap"
	"github.com/kongsi/kongsi/internal/i18n"
	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/web"
)

// Intensity is how much outreach a project's sponsors report.
type Intensity struct {
	Last12Months int    `json:"last_12_months"`
	Total        int    `json:"total"`
	Participants int    `json:"participants"` // the sum of the counts given
	Consultation int    `json:"consultations"`
	Programme    int    `json:"community_programmes"`
	CSR          int    `json:"csr"`
	LastDate     string `json:"last_date,omitempty"`
}

func intensity(os []*Outreach, today time.Time) Intensity {
	var in Intensity
	from := today.AddDate(0, 0, -OutreachWindowDays).Format("2006-01-02")
	to := today.Format("2006-01-02")
	for _, o := range os {
		in.Total++
		if o.LastDay >= from && o.LastDay <= to {
			in.Last12Months++
		}
		if o.Participants != nil {
			in.Participants += *o.Participants
		}
		switch o.Type {
		case "consultation":
			in.Consultation++
		case "community-programme":
			in.Programme++
		case "csr":
			in.CSR++
		}
		if o.Date > in.LastDate {
			in.LastDate = o.Date
		}
	}
	return in
}

// Detail is a project with everything the register holds about it.
type Detail struct {
	*Summary
	Body        Body             `json:"body"`
	BodyIndex   uint64           `json:"body_index"`
	Designation *DesignationView `json:"designation_detail"`
	Outreach    []*Outreach      `json:"outreach"`
	Intensity   Intensity        `json:"outreach_intensity"`
	Risk        *Score           `json:"risk"`
	Elections   []*Election      `json:"upcoming_elections"`
	Records     []RecordLine     `json:"records"`
	OC4IDS      string           `json:"oc4ids_url"`
}

// detail gathers what the register holds about a project; the risk score
// is explained in a language.
func (h *handlers) detail(ctx context.Context, l *i18n.Locale, id string) (*Detail, error) {
	if !ValidID(id) {
		return nil, problem.NotFound("id", "project.unknown", "there is no project %q", id)
	}
	st := h.site.Node.Store
	s, err := Get(ctx, st, id)
	if err != nil {
		return nil, err
	}
	today := h.m.now()
	d := &Detail{Summary: s, OC4IDS: "/api/v1/projects/" + id + "/oc4ids"}
	hist, err := browse.History(ctx, st, ProjectSubject(id))
	if err != nil {
		return nil, err
	}
	for _, r := range hist {
		if r.Kind == KindProject {
			// A fresh body for each version: decoding into the previous
			// one would keep fields a later version leaves out.
			var b Body
			if err := json.Unmarshal(r.Body, &b); err != nil {
				return nil, err
			}
			d.Body, d.BodyIndex = b, r.Index
		}
	}
	under, err := browse.Records(ctx, st, browse.Query{Subject: ProjectSubject(id) + "/", Limit: browse.MaxLimit})
	if err != nil {
		return nil, err
	}
	all := append(hist, under...)
	sort.Slice(all, func(i, j int) bool { return all[i].Index < all[j].Index })
	d.Records = recordLines(all, h.kindTitle)
	if d.Designation, err = designationOf(ctx, st, id, h.kindTitle); err != nil {
		return nil, err
	}
	if d.Outreach, err = OutreachList(ctx, st, id); err != nil {
		return nil, err
	}
	for _, r := range under {
		if r.Kind == KindOutreach {
			for _, o := range d.Outreach {
				if o.Subject == r.Subject && o.Index == r.Index {
					var b OutreachBody
					if json.Unmarshal(r.Body, &b) == nil {
						o.Body = &b
					}
				}
			}
		}
	}
	d.Intensity = intensity(d.Outreach, today)
	elections, err := Elections(ctx, st, s.Host)
	if err != nil {
		return nil, err
	}
	markUpcoming(elections, today)
	d.Elections = []*Election{}
	for _, e := range elections {
		if e.Upcoming {
			d.Elections = append(d.Elections, e)
		}
	}
	var days []string
	for _, o := range d.Outreach {
		days = append(days, o.LastDay)
	}
	d.Risk = computeScore(l, riskInput(s, days, elections), today)
	return d, nil
}

func (h *handlers) kindTitle(kind string) string {
	if k, ok := h.site.Node.Kinds.Get(kind); ok {
		return k.Title
	}
	return kind
}

type showData struct {
	labels
	*Detail
	Names        map[string]string
	Map          template.HTML
	Timeline     template.HTML
	States       []struct{ Code, Title, Meaning string }
	Positions    [][2]float64 // the location's positions, for the table beside the map (at most 12)
	More         int          // positions not listed
	Places       bool         // outreach places are on the map
	AllElections []*Election
}

func (h *handlers) show(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	l := h.site.Locale(r)
	d, err := h.detail(ctx, l, r.PathValue("id"))
	if err != nil {
		return err
	}
	sd := showData{labels: labels{l}, Detail: d, States: DesignationStates}
	if sd.Names, err = partyNames(ctx, h.site); err != nil {
		return err
	}
	if sd.Map, err = projectMap(l, d); err != nil {
		return err
	}
	for _, o := range d.Outreach {
		if o.Body != nil && o.Body.Location != nil {
			sd.Places = true
		}
	}
	if d.Body.Location != nil {
		ps, _ := d.Body.Location.Positions("location")
		for i, p := range ps {
			if i == 12 {
				sd.More = len(ps) - 12
				break
			}
			sd.Positions = append(sd.Positions, [2]float64{p.Lon, p.Lat})
		}
	}
	if sd.AllElections, err = Elections(ctx, h.site.Node.Store, d.Host); err != nil {
		return err
	}
	sd.Timeline = projectTimeline(l, d, sd.AllElections)
	return h.site.Render(w, r, http.StatusOK, "projects-show", sd)
}

// projectMap draws the project's location in its host country, with the
// places of its outreach.
func projectMap(l *i18n.Locale, d *Detail) (template.HTML, error) {
	iso := strings.ToUpper(d.Host)
	if _, ok := geomap.Lookup(iso); !ok {
		return "", nil
	}
	m := &geomap.Map{
		Names:     l.Country,
		Width:     480,
		Title:     d.Name,
		Desc:      l.T("Map of %s showing where the project is.", l.Country(d.Host, d.HostName)),
		Countries: []geomap.CountryStyle{{ISO3: iso, Class: "highlight"}},
	}
	if loc := d.Body.Location; loc != nil {
		if loc.Geometry != nil {
			m.Shapes = append(m.Shapes, geomap.Shape{GeoJSON: loc.GeoJSON(), Label: loc.Description, Class: "s1"})
		} else if len(loc.Point) == 2 {
			m.Points = append(m.Points, geomap.Point{Lon: loc.Point[0], Lat: loc.Point[1], Label: loc.Description, Class: "s1", Size: 6})
		}
		m.Desc = l.T("Map of %s showing where the project is (%s).", l.Country(d.Host, d.HostName), loc.Description)
	}
	for _, o := range d.Outreach {
		if o.Body != nil && o.Body.Location != nil && len(o.Body.Location.Point) == 2 {
			m.Points = append(m.Points, geomap.Point{Lon: o.Body.Location.Point[0], Lat: o.Body.Location.Point[1], Label: l.T("Outreach: %s", o.Title), Href: "/records/" + fmt.Sprint(o.Index), Class: "s5"})
		}
	}
	if len(m.Shapes) > 0 || len(m.Points) > 0 {
		// Show the project and its surroundings: its extent, with a margin
		// of half its size and at least a degree and a half, and the
		// neighbouring countries.
		var b geomap.Bounds
		for _, sh := range m.Shapes {
			if g, err := geomap.ParseGeoJSON(sh.GeoJSON); err == nil {
				b = b.Union(g.Bounds())
			}
		}
		for _, p := range m.Points {
			b = b.Union(geomap.Bounds{West: p.Lon, South: p.Lat, East: p.Lon, North: p.Lat})
		}
		b = b.Pad(max(1.5, (b.East-b.West)/2, (b.North-b.South)/2))
		// A shape that suits the page: between 0.6 and 1 times as high as
		// wide (degrees are near enough to square this close to the
		// equator).
		cx, cy := (b.West+b.East)/2, (b.South+b.North)/2
		w, h := b.East-b.West, b.North-b.South
		w, h = max(w, h), max(h, 0.6*max(w, h))
		m.Bounds = geomap.Bounds{West: max(cx-w/2, -180), South: max(cy-h/2, -85), East: min(cx+w/2, 180), North: min(cy+h/2, 85)}
		m.Countries = append(m.Countries, neighbours(iso)...)
	}
	return m.SVG()
}

// neighbours are the countries drawn muted around a host, so that a
// project's surroundings read on the map.
func neighbours(iso string) []geomap.CountryStyle {
	var out []geomap.CountryStyle
	b, ok := geomap.CountryBounds(iso)
	if !ok {
		return nil
	}
	for _, c := range geomap.Countries() {
		if c.ISO3 == iso || c.Partial {
			continue
		}
		cb, ok := geomap.CountryBounds(c.ISO3)
		if ok && cb.West <= b.East+1 && b.West-1 <= cb.East && cb.South <= b.North+1 && b.South-1 <= cb.North && len(out) < 8 {
			out = append(out, geomap.CountryStyle{ISO3: c.ISO3, Class: "muted"})
		}
	}
	return out
}

// projectTimeline draws what happened to a project, by the dates the
// records speak of: milestones, status, designation, outreach, elections.
func projectTimeline(l *i18n.Locale, d *Detail, elections []*Election) template.HTML {
	at := func(s string) (time.Time, bool) {
		t, _, ok := DateRange(s)
		return t, ok
	}
	x := labels{l}
	rows := []chart.Row{{Label: l.T("Milestones")}, {Label: l.T("Status")}, {Label: l.T("Designation")}, {Label: l.T("Outreach")},
		{Label: l.T("Elections in %s", l.Country(d.Host, d.HostName)), Href: "/elections?country=" + d.Host}}
	for _, m := range d.Body.Milestones {
		if t, ok := at(m.Date); ok {
			class := map[string]string{"met": "s5", "scheduled": "s3", "not-met": "neg"}[m.Status]
			rows[0].Events = append(rows[0].Events, chart.Event{Date: t, DateText: when(l, m.Date), Label: m.Title + " (" + x.Label("milestone-status", m.Status) + ")", Class: class})
		}
	}
	for _, r := range d.Records {
		t, ok := at(r.Date)
		if !ok {
			continue
		}
		e := chart.Event{Date: t, DateText: when(l, r.Date), Label: l.T(r.KindTitle) + ": " + x.SummaryOf(r), Href: r.URL}
		switch r.Kind {
		case KindProject, KindStatus:
			e.Class = "s1"
			rows[1].Events = append(rows[1].Events, e)
		case KindDesignation:
			e.Class = "s6"
			rows[2].Events = append(rows[2].Events, e)
		case KindOutreach:
			e.Class = "s5"
			rows[3].Events = append(rows[3].Events, e)
		}
	}
	for _, e := range elections {
		if t, ok := at(e.LastDay); ok {
			class := "s4"
			if e.DateStatus != "held" {
				class = "s2"
			}
			label := e.Name + " (" + x.Label("date-status", e.DateStatus) + ")"
			rows[4].Events = append(rows[4].Events, chart.Event{Date: t, DateText: l.Date(t), Label: label, Class: class, Href: "/records/" + fmt.Sprint(e.Index)})
		}
	}
	var keep []chart.Row
	for _, r := range rows {
		if len(r.Events) > 0 {
			keep = append(keep, r)
		}
	}
	return chart.Timeline(l.T("The project's timeline"), l.T("Milestones, status records, designation steps, outreach and the host's elections, at the dates they speak of."), keep)
}

func (h *handlers) apiShow(w http.ResponseWriter, r *http.Request) error {
	d, err := h.detail(r.Context(), english, r.PathValue("id"))
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, d)
}
