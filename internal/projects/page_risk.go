package projects

import (
	"html/template"
	"net/http"
	"strconv"

	"github.com/kongsi/kongsi/internal/chart"
	"github.com/kongsi/kongsi/internal/i18n"
	"github.com/kongsi/kongsi/internal/web"
)

type riskData struct {
	labels
	Filter  Filter
	Query   template.URL
	States  []stateOption
	Scores  []*Score
	Scored  int
	Chart   template.HTML
	Day     string
	Weights []weightLine
}

// weightLine explains one part of the score on the page.
type weightLine struct {
	Name string
	Max  float64
	How  string
}

// weights explain the parts of the score.
func weights(l *i18n.Locale) []weightLine {
	return []weightLine{
		{l.T("Upcoming elections"), 30, l.T("The nearest national (30) or local (15) election in the host state within 24 months, times (1 − days until it ÷ 730). An election not yet scheduled counts from the last day it is due by.")},
		{l.T("Status"), 25, l.T("Stalled or suspended 25; implementation 20; preparation 15; identification 10; completion 8; in operation 5; decommissioning 2. Works and money under way but not delivered are the most exposed.")},
		{l.T("Outreach in the last 12 months"), 20, l.T("No activity reported 20; one 12; two 6; three or more 0. Projects with the people's support are hard to campaign against.")},
		{l.T("Belt and Road designation"), 15, l.T("Disputed 15; withdrawn 10; claimed but not confirmed 8; denied 5; confirmed or none 0.")},
		{l.T("Sponsor type"), 10, l.T("The most exposed sponsor: private company 10 (failed private ventures tarnish the label); state-owned enterprise 7 (a state-to-state matter in campaigns); policy bank 5; government 3.")},
	}
}

func (h *handlers) risk(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	f, err := FilterFrom(r.URL.Query())
	if err != nil {
		return err
	}
	today := h.m.now()
	l := h.site.Locale(r)
	d := riskData{labels: labels{l}, Filter: f, Query: template.URL(f.Values().Encode()), Day: today.UTC().Format("2006-01-02"), Weights: weights(l)}
	if d.States, _, err = h.stateOptions(ctx); err != nil {
		return err
	}
	if d.Scores, err = riskList(ctx, l, h.site.Node.Store, f, today); err != nil {
		return err
	}
	var rows []chart.StackRow
	for _, s := range d.Scores {
		if s.Closed {
			continue
		}
		d.Scored++
		if len(rows) < 25 {
			row := chart.StackRow{Label: s.ProjectName, Href: "/projects/" + s.Project + "#risk"}
			for _, p := range s.Parts {
				row.Values = append(row.Values, p.Points)
			}
			rows = append(rows, row)
		}
	}
	d.Chart = chart.Stacked(l.T("The most exposed projects"), l.T("The 25 highest political risk scores, each bar split into its five parts."),
		chart.SeriesNamed(l.T("Elections"), l.T("Status"), l.T("Outreach"), l.T("Designation"), l.T("Sponsors")), rows, l.Number)
	return h.site.Render(w, r, http.StatusOK, "projects-risk", d)
}

func (h *handlers) apiRisk(w http.ResponseWriter, r *http.Request) error {
	f, err := FilterFrom(r.URL.Query())
	if err != nil {
		return err
	}
	today := h.m.now()
	scores, err := RiskList(r.Context(), h.site.Node.Store, f, today)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, struct {
		Day    string   `json:"day"`
		Scores []*Score `json:"scores"`
	}{today.UTC().Format("2006-01-02"), scores})
}

func (h *handlers) apiRiskCSV(w http.ResponseWriter, r *http.Request) error {
	f, err := FilterFrom(r.URL.Query())
	if err != nil {
		return err
	}
	scores, err := RiskList(r.Context(), h.site.Node.Store, f, h.m.now())
	if err != nil {
		return err
	}
	header := []string{"project", "name", "host", "day", "closed", "score", "elections", "status", "outreach", "designation", "sponsors", "explanation"}
	var rows [][]string
	for _, s := range scores {
		parts := map[string]string{}
		expl := ""
		for _, p := range s.Parts {
			parts[p.Code] = strconv.FormatFloat(p.Points, 'f', -1, 64)
			if expl != "" {
				expl += " "
			}
			expl += p.Name + ": " + p.Explanation
		}
		rows = append(rows, []string{s.Project, s.ProjectName, s.Host, s.Day, strconv.FormatBool(s.Closed), strconv.FormatFloat(s.Score, 'f', -1, 64),
			parts["elections"], parts["status"], parts["outreach"], parts["designation"], parts["sponsors"], expl})
	}
	return web.WriteCSV(w, "risk.csv", header, rows)
}
