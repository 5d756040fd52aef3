package accountability

import (
	"encoding/json"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/kongsi/kongsi/internal/browse"
	"github.com/kongsi/kongsi/internal/chart"
	"github.com/kongsi/kongsi/internal/i18n"
	"github.com/kongsi/kongsi/internal/web"
)

// statusClasses colour statuses in charts and badges.
var statusClasses = map[string]struct{ chart, badge string }{
	StatusOverdue:   {"neg", "bad"},
	StatusAtRisk:    {"s6", "warn"},
	StatusPending:   {"s3", ""},
	StatusOnTrack:   {"s1", "info"},
	StatusMet:       {"s5", "ok"},
	StatusWithdrawn: {"s4", ""},
}

// Badge is the CSS class of the commitment's status badge.
func (c *CommitmentSummary) Badge() string { return statusClasses[c.Status].badge }

type partyOption struct{ ID, Name string }

// partyOptions lists the states and organisations, for filters.
func partyOptions(r *http.Request, s *web.Site) ([]partyOption, error) {
	ps, err := browse.Parties(r.Context(), s.Node.Store)
	if err != nil {
		return nil, err
	}
	var out []partyOption
	for _, p := range ps {
		if p.Type != "authority" {
			out = append(out, partyOption{p.ID, p.Name})
		}
	}
	return out, nil
}

type commitmentListData struct {
	Filter   CommitmentFilter
	Items    []*CommitmentSummary
	Parties  []partyOption
	Statuses []Option
	Chart    template.HTML
	Counts   map[string]int
	Today    string
	Query    template.URL
}

// commitments reads the commitments the request's filter selects.
func (h *handlers) commitments(r *http.Request) (CommitmentFilter, []*CommitmentSummary, error) {
	names, err := h.names(r)
	if err != nil {
		return CommitmentFilter{}, nil, err
	}
	f, err := commitmentFilterFrom(r.URL.Query(), names)
	if err != nil {
		return f, nil, err
	}
	items, err := ListCommitments(r.Context(), h.site.Node.Store, names, f, h.today())
	return f, items, err
}

func (h *handlers) commitmentList(w http.ResponseWriter, r *http.Request) error {
	f, items, err := h.commitments(r)
	if err != nil {
		return err
	}
	l := h.site.Locale(r)
	d := commitmentListData{Filter: f, Items: items, Statuses: CommitmentStatuses, Today: h.today(), Counts: map[string]int{}, Query: template.URL(r.URL.Query().Encode())}
	if d.Parties, err = partyOptions(r, h.site); err != nil {
		return err
	}
	for _, c := range d.Items {
		d.Counts[c.Status]++
	}
	var bars []chart.Bar
	for _, o := range CommitmentStatuses {
		if n := d.Counts[o.ID]; n > 0 {
			q := "status=" + o.ID
			if f.Party != "" {
				q += "&party=" + f.Party
			}
			bars = append(bars, chart.Bar{Label: l.T(o.Title), Value: float64(n), Href: "/commitments?" + q, Class: statusClasses[o.ID].chart})
		}
	}
	if len(bars) > 0 {
		d.Chart = chart.Bars(l.T("Commitments by status"), l.T("How many of the commitments listed stand at each status today."), bars, l.Number)
	}
	return h.site.Render(w, r, http.StatusOK, "commitments", d)
}

type commitmentShowData struct {
	*CommitmentDetail
	Timeline template.HTML
	Today    string
}

func (h *handlers) commitmentShow(w http.ResponseWriter, r *http.Request) error {
	d, err := h.commitmentDetail(r)
	if err != nil {
		return err
	}
	return h.site.Render(w, r, http.StatusOK, "commitment", commitmentShowData{CommitmentDetail: d, Timeline: commitmentTimeline(h.site.Locale(r), d, h.today()), Today: h.today()})
}

// commitmentTimeline draws a commitment's life: when it was made and
// revised, its milestones, its reports and assessments, today and its due
// date, in a locale's language.
func commitmentTimeline(l *i18n.Locale, d *CommitmentDetail, today string) template.HTML {
	at := func(s string) (time.Time, bool) {
		t, err := time.Parse(dateLayout, s)
		return t, err == nil
	}
	var rows []chart.Row
	made := chart.Row{Label: l.T("Made and due")}
	if t, ok := at(d.MadeOn); ok {
		made.Events = append(made.Events, chart.Event{Date: t, DateText: l.Date(t), Label: l.T("Made: %s", d.MadeIn), Class: "s3", Href: "/subjects/" + d.Subject})
	}
	if t, ok := at(d.DueOn); ok {
		class := "s6"
		if d.Status == StatusOverdue {
			class = "neg"
		}
		made.Events = append(made.Events, chart.Event{Date: t, DateText: l.Date(t), Label: l.T("Due"), Class: class})
	}
	if t, ok := at(today); ok && d.Status != StatusMet && d.Status != StatusWithdrawn {
		made.Events = append(made.Events, chart.Event{Date: t, DateText: l.Date(t), Label: l.T("Today"), Class: "s4"})
	}
	rows = append(rows, made)
	if len(d.Milestones) > 0 {
		ms := chart.Row{Label: l.T("Milestones")}
		for _, m := range d.Milestones {
			if t, ok := at(m.MetOn); ok {
				ms.Events = append(ms.Events, chart.Event{Date: t, DateText: l.Date(t), Label: l.T("Met: %s", m.Title), Class: "s5"})
			} else if t, ok := at(m.DueOn); ok {
				class := "s6"
				if m.Overdue {
					class = "neg"
				}
				ms.Events = append(ms.Events, chart.Event{Date: t, DateText: l.Date(t), Label: l.T("Due, not yet met: %s", m.Title), Class: class})
			}
		}
		rows = append(rows, ms)
	}
	if len(d.Reports) > 0 {
		rs := chart.Row{Label: l.T("Progress reports")}
		for _, rep := range d.Reports {
			if t, ok := at(rep.ReportedOn); ok {
				class := "s1"
				switch rep.Status {
				case "met":
					class = "s5"
				case "at-risk":
					class = "s6"
				}
				rs.Events = append(rs.Events, chart.Event{Date: t, DateText: l.Date(t), Label: l.T("Report by %s: %s", rep.Pledger.Name, clip(rep.Summary, 80)), Class: class, Href: "/records/" + strconv.FormatUint(rep.Latest, 10)})
			}
		}
		rows = append(rows, rs)
	}
	if len(d.Assessments) > 0 {
		as := chart.Row{Label: l.T("Assessments")}
		for _, a := range d.Assessments {
			if t, ok := at(a.AssessedOn); ok {
				class := map[string]string{"met": "s5", "on-track": "s1", "at-risk": "s6", "overdue": "neg"}[a.Rating]
				as.Events = append(as.Events, chart.Event{Date: t, DateText: l.Date(t), Label: l.T("Assessed by %s: %s", a.Assessor.Name, ratingIn(l, a.Rating)), Class: class, Href: "/records/" + strconv.FormatUint(a.Latest, 10)})
			}
		}
		rows = append(rows, as)
	}
	return chart.Timeline(l.T("The life of the commitment"), l.T("When it was made, its milestones, progress reports and assessments, today, and when it is due."), rows)
}

func (h *handlers) apiCommitments(w http.ResponseWriter, r *http.Request) error {
	_, items, err := h.commitments(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, struct {
		AsOf        string               `json:"as_of"`
		Commitments []*CommitmentSummary `json:"commitments"`
	}{h.today(), items})
}

func (h *handlers) apiCommitmentsCSV(w http.ResponseWriter, r *http.Request) error {
	_, items, err := h.commitments(r)
	if err != nil {
		return err
	}
	var rows [][]string
	for _, c := range items {
		var pledgers []string
		for _, p := range c.Pledgers {
			pledgers = append(pledgers, p.ID)
		}
		rows = append(rows, []string{c.Subject, c.Title, strings.Join(pledgers, " "), c.MadeIn, c.MadeOn, c.DueOn, c.FirstDueOn, c.Status, c.AsOf,
			strconv.Itoa(c.DaysOverdue), strconv.Itoa(c.Reports), c.LastReportedOn, c.MetOn, strconv.Itoa(len(c.Milestones)), strconv.Itoa(c.MilestonesMet),
			strconv.Itoa(len(c.Ratings)), strconv.FormatUint(c.Latest, 10)})
	}
	return web.WriteCSV(w, "kongsi-commitments.csv", []string{"subject", "title", "pledgers", "made_in", "made_on", "due_on", "first_due_on", "status", "as_of",
		"days_overdue", "reports", "last_reported_on", "met_on", "milestones", "milestones_met", "assessors", "latest_index"}, rows)
}

func (h *handlers) apiCommitment(w http.ResponseWriter, r *http.Request) error {
	d, err := h.commitmentDetail(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, d)
}

// commitmentBody renders a commitment on its record page, with its status
// today.
func (h *handlers) commitmentBody(r *http.Request, rec *browse.Record) (template.HTML, error) {
	var b Commitment
	if err := json.Unmarshal(rec.Body, &b); err != nil {
		return "", err
	}
	names, err := h.names(r)
	if err != nil {
		return "", err
	}
	var current *CommitmentDetail
	if c, err := GetCommitment(r.Context(), h.site.Node.Store, names, strings.TrimPrefix(rec.Subject, "commitments/"), h.today()); err == nil {
		current = c
	} else if !isNotFound(err) {
		return "", err
	}
	return h.site.RenderFragment(r, "commitment", "commitmentBody", struct {
		Body     Commitment
		Pledgers []PartyRef
		Related  []PartyRef
		Current  *CommitmentDetail
		Version  int
	}{b, names.Refs(b.Pledgers), names.Refs(b.Related), current, rec.Version})
}

// commitmentDetail reads the commitment the request names.
func (h *handlers) commitmentDetail(r *http.Request) (*CommitmentDetail, error) {
	names, err := h.names(r)
	if err != nil {
		return nil, err
	}
	return GetCommitment(r.Context(), h.site.Node.Store, names, r.PathValue("slug"), h.today())
}

func (h *handlers) apiMilestonesCSV(w http.ResponseWriter, r *http.Request) error {
	d, err := h.commitmentDetail(r)
	if err != nil {
		return err
	}
	var rows [][]string
	for _, m := range d.Milestones {
		rows = append(rows, []string{d.Subject, m.ID, m.Title, m.DueOn, m.MetOn, strconv.FormatBool(m.Overdue)})
	}
	return web.WriteCSV(w, "kongsi-"+d.Slug+"-milestones.csv", []string{"commitment", "milestone", "title", "due_on", "met_on", "overdue"}, rows)
}

func (h *handlers) apiReportsCSV(w http.ResponseWriter, r *http.Request) error {
	d, err := h.commitmentDetail(r)
	if err != nil {
		return err
	}
	var rows [][]string
	for _, rep := range d.Reports {
		var met []string
		for _, m := range rep.MilestonesMet {
			met = append(met, m.Milestone+"="+m.MetOn)
		}
		rows = append(rows, []string{rep.Subject, rep.Pledger.ID, rep.Author, rep.ReportedOn, rep.Status, rep.MetOn, strings.Join(met, " "), rep.Summary, strconv.FormatUint(rep.Latest, 10)})
	}
	return web.WriteCSV(w, "kongsi-"+d.Slug+"-reports.csv", []string{"subject", "pledger", "author", "reported_on", "status", "met_on", "milestones_met", "summary", "latest_index"}, rows)
}

func (h *handlers) apiAssessmentsCSV(w http.ResponseWriter, r *http.Request) error {
	d, err := h.commitmentDetail(r)
	if err != nil {
		return err
	}
	var rows [][]string
	for _, a := range d.Assessments {
		rows = append(rows, []string{a.Subject, a.Assessor.ID, a.Author, a.AssessedOn, a.Rating, strconv.FormatBool(a.Current), a.Reasons, strconv.FormatUint(a.Latest, 10)})
	}
	return web.WriteCSV(w, "kongsi-"+d.Slug+"-assessments.csv", []string{"subject", "assessor", "author", "assessed_on", "rating", "current", "reasons", "latest_index"}, rows)
}
