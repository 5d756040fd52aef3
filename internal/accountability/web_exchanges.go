package accountability

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/kongsi/kongsi/internal/chart"
	"github.com/kongsi/kongsi/internal/i18n"
	"github.com/kongsi/kongsi/internal/web"
)

type exchangeData struct {
	*Exchanges
	Type, Country string
	Types         []Option
	Parties       []partyOption
	TourismChart  template.HTML
	VisitChart    template.HTML
	EventChart    template.HTML
}

// exchanges reads the exchanges of the type and country the request names;
// of type defaultType when it names none.
func (h *handlers) exchanges(r *http.Request, defaultType string) (typ, country string, x *Exchanges, err error) {
	names, err := h.names(r)
	if err != nil {
		return "", "", nil, err
	}
	typ, country, err = exchangeFilterFrom(r.URL.Query(), names)
	if err != nil {
		return typ, country, nil, err
	}
	if typ == "" {
		typ = defaultType
	}
	x, err = ListExchanges(r.Context(), h.site.Node.Store, names, typ, country)
	return typ, country, x, err
}

func (h *handlers) exchangeList(w http.ResponseWriter, r *http.Request) error {
	typ, country, x, err := h.exchanges(r, "")
	if err != nil {
		return err
	}
	l := h.site.Locale(r)
	d := exchangeData{Exchanges: x, Type: typ, Country: country, Types: ExchangeTypes}
	if d.Parties, err = partyOptions(r, h.site); err != nil {
		return err
	}
	// One line per direction: arrivals from origin in destination.
	series := map[string]*chart.Series{}
	var order []string
	for _, t := range d.Tourism {
		key := t.Origin.ID + ">" + t.Destination.ID
		s, ok := series[key]
		if !ok {
			s = &chart.Series{Name: l.T("From %s to %s", t.Origin.Name, t.Destination.Name)}
			series[key] = s
			order = append(order, key)
		}
		s.Points = append(s.Points, chart.Point{X: float64(t.Year), Label: strconv.Itoa(t.Year), Y: float64(t.Arrivals)})
	}
	var lines []chart.Series
	for _, k := range order {
		lines = append(lines, *series[k])
	}
	d.TourismChart = chart.Lines(l.T("Tourist arrivals by year"), l.T("Arrivals from one place in another, by year, as published by the destination or by regional statistics; each line is one direction."), lines, millions(l))
	rows := map[string]*chart.Row{}
	var rorder []string
	for _, v := range d.Visits {
		t, err := time.Parse(dateLayout, v.StartOn)
		if err != nil {
			continue
		}
		row, ok := rows[v.Host.ID]
		if !ok {
			row = &chart.Row{Label: l.T("To %s", v.Host.Name), Href: "/exchanges?type=visits&country=" + v.Host.ID}
			rows[v.Host.ID] = row
			rorder = append(rorder, v.Host.ID)
		}
		row.Events = append(row.Events, chart.Event{Date: t, DateText: l.Date(t), Label: v.VisitorTitle + ", " + l.T(v.Kind.Title), Href: "/records/" + strconv.FormatUint(v.Latest, 10), Class: "s2"})
	}
	var vrows []chart.Row
	for _, k := range rorder {
		vrows = append(vrows, *rows[k])
	}
	d.VisitChart = chart.Timeline(l.T("Official visits"), l.T("Each dot is a visit, on the row of the host state, at the date it began."), vrows)
	erows := map[string]*chart.Row{}
	var eorder []string
	for _, e := range d.Events {
		t, err := time.Parse(dateLayout, e.StartOn)
		if err != nil {
			continue
		}
		row, ok := erows[e.Country.ID]
		if !ok {
			row = &chart.Row{Label: l.T("In %s", e.Country.Name), Href: "/exchanges?type=events&country=" + e.Country.ID}
			erows[e.Country.ID] = row
			eorder = append(eorder, e.Country.ID)
		}
		row.Events = append(row.Events, chart.Event{Date: t, DateText: l.Date(t), Label: e.Title, Href: "/records/" + strconv.FormatUint(e.Latest, 10), Class: "s3"})
	}
	var ev []chart.Row
	for _, k := range eorder {
		ev = append(ev, *erows[k])
	}
	d.EventChart = chart.Timeline(l.T("Track 2 events"), l.T("Each dot is an event, on the row of the host state, at the date it began."), ev)
	return h.site.Render(w, r, http.StatusOK, "exchanges", d)
}

// millions writes counts in a locale's language, in millions when they are
// large; Chinese counts them in ten thousands (万).
func millions(l *i18n.Locale) func(float64) string {
	return func(v float64) string {
		if l.Lang.Code == "zh" && (v >= 1e4 || v <= -1e4) {
			return l.Number(v/1e4) + "万"
		}
		if v >= 1e6 || v <= -1e6 {
			return l.T("%s m", l.Number(v/1e6))
		}
		return l.Number(v)
	}
}

func (h *handlers) apiExchanges(w http.ResponseWriter, r *http.Request) error {
	_, _, x, err := h.exchanges(r, "")
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, x)
}

func (h *handlers) apiExchangesCSV(w http.ResponseWriter, r *http.Request) error {
	typ, _, x, err := h.exchanges(r, "tourism")
	if err != nil {
		return err
	}
	var rows [][]string
	switch typ {
	case "tourism":
		for _, t := range x.Tourism {
			rows = append(rows, []string{t.Subject, t.Origin.ID, t.Destination.ID, strconv.Itoa(t.Year), strconv.FormatInt(t.Arrivals, 10), strconv.FormatInt(t.RoundedTo, 10), t.Definition, t.Source, strconv.FormatUint(t.Latest, 10)})
		}
		return web.WriteCSV(w, "kongsi-tourist-arrivals.csv", []string{"subject", "origin", "destination", "year", "arrivals", "rounded_to", "definition", "source", "latest_index"}, rows)
	case "visits":
		for _, v := range x.Visits {
			rows = append(rows, []string{v.Subject, v.Visitor.ID, v.VisitorTitle, v.Host.ID, v.Kind.ID, v.StartOn, v.EndOn, v.Summary, strconv.FormatUint(v.Latest, 10)})
		}
		return web.WriteCSV(w, "kongsi-official-visits.csv", []string{"subject", "visitor", "visitor_title", "host", "kind", "start_on", "end_on", "summary", "latest_index"}, rows)
	default:
		for _, e := range x.Events {
			rows = append(rows, []string{e.Subject, e.Title, e.Track.ID, strings.Join(e.Organisers, "; "), e.Country.ID, e.Place, e.StartOn, e.EndOn, strconv.FormatUint(e.Latest, 10)})
		}
		return web.WriteCSV(w, "kongsi-track2-events.csv", []string{"subject", "title", "track", "organisers", "country", "place", "start_on", "end_on", "latest_index"}, rows)
	}
}
