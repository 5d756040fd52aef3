package projects

import (
	"context"
	"html/template"
	"net/http"
	"strconv"

	"github.com/kongsi/kongsi/internal/chart"
	"github.com/kongsi/kongsi/internal/store"
	"github.com/kongsi/kongsi/internal/web"
)

// ReportRow counts, for one sponsor type, the projects with such a sponsor
// by designation and by trouble. A project with sponsors of several types
// counts under each.
type ReportRow struct {
	SponsorType string `json:"sponsor_type"`
	Title       string `json:"title"`
	Projects    int    `json:"projects"`
	Confirmed   int    `json:"confirmed"`
	Unconfirmed int    `json:"unconfirmed_claims"` // claimed, not confirmed
	Disputed    int    `json:"disputed"`
	Withdrawn   int    `json:"withdrawn"`
	Denied      int    `json:"denied"`
	Stalled     int    `json:"stalled"`
	Suspended   int    `json:"suspended"`
	Cancelled   int    `json:"cancelled"`
}

// Report is the designation report: unconfirmed and disputed claims of the
// Belt and Road label, and stalled, suspended and cancelled projects, by
// sponsor type.
type Report struct {
	Rows        []*ReportRow `json:"by_sponsor_type"`
	Unconfirmed []*Summary   `json:"unconfirmed_claims"`
	Disputed    []*Summary   `json:"disputed"`
	Troubled    []*Summary   `json:"stalled_suspended_cancelled"`
}

// BuildReport makes the report over the projects a filter selects.
func BuildReport(ctx context.Context, st store.Store, f Filter) (*Report, error) {
	all, _, err := List(ctx, st, f, 0)
	if err != nil {
		return nil, err
	}
	rep := &Report{Unconfirmed: []*Summary{}, Disputed: []*Summary{}, Troubled: []*Summary{}}
	rows := map[string]*ReportRow{}
	for _, t := range SponsorTypes {
		row := &ReportRow{SponsorType: t.Code, Title: t.Title}
		rows[t.Code] = row
		rep.Rows = append(rep.Rows, row)
	}
	for _, p := range all {
		switch p.Designation {
		case DesignationClaimed:
			rep.Unconfirmed = append(rep.Unconfirmed, p)
		case DesignationDisputed:
			rep.Disputed = append(rep.Disputed, p)
		}
		if p.Halt != "" || p.Status == "cancelled" {
			rep.Troubled = append(rep.Troubled, p)
		}
		for _, t := range p.SponsorTypes {
			row := rows[t]
			if row == nil {
				continue
			}
			row.Projects++
			switch p.Designation {
			case DesignationConfirmed:
				row.Confirmed++
			case DesignationClaimed:
				row.Unconfirmed++
			case DesignationDisputed:
				row.Disputed++
			case DesignationWithdrawn:
				row.Withdrawn++
			case DesignationDenied:
				row.Denied++
			}
			switch {
			case p.Status == "cancelled":
				row.Cancelled++
			case p.Halt == "stalled":
				row.Stalled++
			case p.Halt == "suspended":
				row.Suspended++
			}
		}
	}
	return rep, nil
}

type reportData struct {
	labels
	Filter Filter
	Query  template.URL
	*Report
	Chart template.HTML
}

// buildReport makes the report over the projects the request's filter selects.
func (h *handlers) buildReport(r *http.Request) (Filter, *Report, error) {
	f, err := FilterFrom(r.URL.Query())
	if err != nil {
		return f, nil, err
	}
	rep, err := BuildReport(r.Context(), h.site.Node.Store, f)
	return f, rep, err
}

func (h *handlers) report(w http.ResponseWriter, r *http.Request) error {
	f, rep, err := h.buildReport(r)
	if err != nil {
		return err
	}
	l := h.site.Locale(r)
	d := reportData{labels: labels{l}, Filter: f, Query: template.URL(f.Values().Encode()), Report: rep}
	var rows []chart.StackRow
	for _, row := range rep.Rows {
		if row.Unconfirmed+row.Disputed+row.Stalled+row.Suspended+row.Cancelled == 0 {
			continue
		}
		rows = append(rows, chart.StackRow{Label: l.T(row.Title), Href: "/projects?sponsor_type=" + row.SponsorType,
			Values: []float64{float64(row.Unconfirmed), float64(row.Disputed), float64(row.Stalled), float64(row.Suspended), float64(row.Cancelled)}})
	}
	d.Chart = chart.Stacked(l.T("Unconfirmed labels and troubled projects by sponsor type"),
		l.T("For each type of sponsor, how many of its projects have an unconfirmed or disputed Belt and Road label, and how many are stalled, suspended or cancelled."),
		chart.SeriesNamed(l.T("Claimed, not confirmed"), l.T("Disputed"), l.T("Stalled"), l.T("Suspended"), l.T("Cancelled")), rows, l.Number)
	return h.site.Render(w, r, http.StatusOK, "projects-report", d)
}

func (h *handlers) apiReport(w http.ResponseWriter, r *http.Request) error {
	_, rep, err := h.buildReport(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, rep)
}

func (h *handlers) apiReportCSV(w http.ResponseWriter, r *http.Request) error {
	_, rep, err := h.buildReport(r)
	if err != nil {
		return err
	}
	var rows [][]string
	for _, row := range rep.Rows {
		rows = append(rows, []string{row.SponsorType, strconv.Itoa(row.Projects), strconv.Itoa(row.Confirmed), strconv.Itoa(row.Unconfirmed), strconv.Itoa(row.Disputed),
			strconv.Itoa(row.Withdrawn), strconv.Itoa(row.Denied), strconv.Itoa(row.Stalled), strconv.Itoa(row.Suspended), strconv.Itoa(row.Cancelled)})
	}
	return web.WriteCSV(w, "designation-report.csv", []string{"sponsor_type", "projects", "confirmed", "unconfirmed_claims", "disputed", "withdrawn", "denied", "stalled", "suspended", "cancelled"}, rows)
}
