package projects

import (
	"html/template"
	"net/http"
	"strconv"
	"time"

	"github.com/kongsi/kongsi/internal/chart"
	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/web"
)

type electionsData struct {
	labels
	Country  string
	States   []stateOption
	Upcoming []*Election
	Past     []*Election
	Day      string
	Chart    template.HTML
	Exposed  map[string]int // active projects by host state
}

func (h *handlers) electionList(r *http.Request) ([]*Election, string, error) {
	country := r.URL.Query().Get("country")
	if country != "" && !countryParam.MatchString(country) {
		return nil, "", problem.Invalid("country", "param.country", "country is a state's code, three lower-case letters such as mys")
	}
	es, err := Elections(r.Context(), h.site.Node.Store, country)
	if err != nil {
		return nil, "", err
	}
	markUpcoming(es, h.m.now())
	return es, country, nil
}

func (h *handlers) elections(w http.ResponseWriter, r *http.Request) error {
	es, country, err := h.electionList(r)
	if err != nil {
		return err
	}
	l := h.site.Locale(r)
	d := electionsData{labels: labels{l}, Country: country, Day: h.m.now().UTC().Format("2006-01-02"), Exposed: map[string]int{}}
	if d.States, _, err = h.stateOptions(r.Context()); err != nil {
		return err
	}
	rows := map[string]*chart.Row{}
	var order []string
	for _, e := range es {
		if e.Upcoming {
			d.Upcoming = append(d.Upcoming, e)
		} else {
			d.Past = append([]*Election{e}, d.Past...)
		}
		t, _, ok := DateRange(e.Date)
		if !ok {
			continue
		}
		row := rows[e.State]
		if row == nil {
			row = &chart.Row{Label: l.Country(e.State, e.StateName), Href: "/elections?country=" + e.State}
			rows[e.State] = row
			order = append(order, e.State)
		}
		class, day := "s4", e.Date
		if e.Upcoming {
			class, day = "s2", e.LastDay
			t, _ = time.Parse("2006-01-02", e.LastDay)
		}
		row.Events = append(row.Events, chart.Event{Date: t, DateText: when(l, day), Label: e.Name + " (" + l.T(e.DateStatus) + ")",
			Href: "/records/" + strconv.FormatUint(e.Index, 10), Class: class})
	}
	var trows []chart.Row
	for _, s := range order {
		trows = append(trows, *rows[s])
	}
	d.Chart = chart.Timeline(l.T("Elections in the member states"), l.T("Each dot is an election: past ones in one colour, upcoming ones (at the last day they may be held) in another."), trows)
	all, _, err := List(r.Context(), h.site.Node.Store, Filter{Country: country}, 0)
	if err != nil {
		return err
	}
	for _, p := range all {
		if p.Status != "cancelled" && p.Status != "decommissioned" {
			d.Exposed[p.Host]++
		}
	}
	return h.site.Render(w, r, http.StatusOK, "projects-elections", d)
}

func (h *handlers) apiElections(w http.ResponseWriter, r *http.Request) error {
	es, _, err := h.electionList(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, struct {
		Day       string      `json:"day"`
		Elections []*Election `json:"elections"`
	}{h.m.now().UTC().Format("2006-01-02"), es})
}

func (h *handlers) apiElectionsCSV(w http.ResponseWriter, r *http.Request) error {
	es, _, err := h.electionList(r)
	if err != nil {
		return err
	}
	var rows [][]string
	for _, e := range es {
		changed := ""
		if e.GovernmentChanged != nil {
			changed = strconv.FormatBool(*e.GovernmentChanged)
		}
		days := ""
		if e.DaysUntil != nil {
			days = strconv.Itoa(*e.DaysUntil)
		}
		rows = append(rows, []string{e.Subject, e.State, e.StateName, e.Name, e.Level, e.Office, e.Date, e.DateStatus, e.LastDay, strconv.FormatBool(e.Upcoming), days, changed, e.Author, strconv.FormatUint(e.Index, 10)})
	}
	return web.WriteCSV(w, "elections.csv", []string{"subject", "state", "state_name", "name", "level", "office", "date", "date_status", "last_day", "upcoming", "days_until", "government_changed", "author", "index"}, rows)
}
