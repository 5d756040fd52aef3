package accountability

import (
	"html/template"
	"net/http"
	"strconv"

	"github.com/kongsi/kongsi/internal/browse"
	"github.com/kongsi/kongsi/internal/chart"
	"github.com/kongsi/kongsi/internal/web"
)

// scorecards works out the scorecards of every state and organisation.
func (h *handlers) scorecards(r *http.Request) ([]*Scorecard, error) {
	names, err := h.names(r)
	if err != nil {
		return nil, err
	}
	ps, err := browse.Parties(r.Context(), h.site.Node.Store)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, p := range ps {
		if p.Type != "authority" {
			ids = append(ids, p.ID)
		}
	}
	return Scorecards(r.Context(), h.site.Node.Store, names, ids, h.today())
}

type scorecardListData struct {
	Items    []*Scorecard
	Chart    template.HTML
	Statuses []Option
	Today    string
}

func (h *handlers) scorecardList(w http.ResponseWriter, r *http.Request) error {
	items, err := h.scorecards(r)
	if err != nil {
		return err
	}
	l := h.site.Locale(r)
	d := scorecardListData{Items: items, Statuses: CommitmentStatuses[:5], Today: h.today()}
	var series []chart.StackSeries
	for _, o := range d.Statuses {
		series = append(series, chart.StackSeries{Name: l.T(o.Title), Class: statusClasses[o.ID].chart})
	}
	var rows []chart.StackRow
	for _, sc := range items {
		if sc.Commitments.Pledged == 0 {
			continue
		}
		row := chart.StackRow{Label: l.Country(sc.Party.ID, sc.Party.Name), Href: "/commitments?party=" + sc.Party.ID}
		for _, o := range d.Statuses {
			row.Values = append(row.Values, float64(sc.Commitments.ByStatus[o.ID]))
		}
		rows = append(rows, row)
	}
	d.Chart = chart.Stacked(l.T("Commitments by party and status"), l.T("For each party, the commitments it pledged (alone or jointly, itself or through its authorities), by their status today."), series, rows, l.Number)
	return h.site.Render(w, r, http.StatusOK, "scorecards", d)
}

func (h *handlers) apiScorecards(w http.ResponseWriter, r *http.Request) error {
	items, err := h.scorecards(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, struct {
		AsOf       string       `json:"as_of"`
		Scorecards []*Scorecard `json:"scorecards"`
	}{h.today(), items})
}

func (h *handlers) apiScorecardsCSV(w http.ResponseWriter, r *http.Request) error {
	items, err := h.scorecards(r)
	if err != nil {
		return err
	}
	header := []string{"party", "name", "as_of", "pledged"}
	for _, o := range CommitmentStatuses {
		header = append(header, "commitments_"+o.ID)
	}
	header = append(header, "met_on_time", "met_late", "rescheduled", "reports_made", "last_reported_on", "assessments_made",
		"actions_owned", "actions_open", "actions_overdue", "actions_done", "actions_done_late",
		"deliveries_provided", "deliveries_provided_confirmed", "deliveries_provided_unconfirmed", "deliveries_provided_disputed", "deliveries_received", "deliveries_awaiting_its_confirmation")
	itoa := strconv.Itoa
	var rows [][]string
	for _, sc := range items {
		c, a, d := sc.Commitments, sc.Actions, sc.Deliveries
		row := []string{sc.Party.ID, sc.Party.Name, sc.AsOf, itoa(c.Pledged)}
		for _, o := range CommitmentStatuses {
			row = append(row, itoa(c.ByStatus[o.ID]))
		}
		row = append(row, itoa(c.MetOnTime), itoa(c.MetLate), itoa(c.Rescheduled), itoa(c.ReportsMade), c.LastReportedOn, itoa(c.AssessmentsMade),
			itoa(a.Owned), itoa(a.Open), itoa(a.Overdue), itoa(a.Done), itoa(a.DoneLate),
			itoa(d.Provided), itoa(d.ProvidedConfirmed), itoa(d.ProvidedUnconfirmed), itoa(d.ProvidedDisputed), itoa(d.Received), itoa(d.AwaitingConfirm))
		rows = append(rows, row)
	}
	return web.WriteCSV(w, "kongsi-scorecards.csv", header, rows)
}

func (h *handlers) scorecard(r *http.Request, id string) (*Scorecard, error) {
	names, err := h.names(r)
	if err != nil {
		return nil, err
	}
	if _, ok := names[id]; !ok || id == ASEAN {
		return nil, errNoParty(id)
	}
	scs, err := Scorecards(r.Context(), h.site.Node.Store, names, []string{id}, h.today())
	if err != nil {
		return nil, err
	}
	return scs[0], nil
}

func (h *handlers) apiScorecard(w http.ResponseWriter, r *http.Request) error {
	sc, err := h.scorecard(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, sc)
}

// partySection is the part of a party's page that gathers what it pledged,
// owes and delivered.
func (h *handlers) partySection(r *http.Request, p *browse.Party) (template.HTML, error) {
	sc, err := h.scorecard(r, p.ID)
	if err != nil {
		return "", err
	}
	if sc.Commitments.Pledged == 0 && len(sc.Actions.Owing) == 0 && sc.Actions.Owned == 0 && len(sc.Deliveries.Items) == 0 && sc.Commitments.AssessmentsMade == 0 {
		return "", nil
	}
	return h.site.RenderFragment(r, "scorecards", "partySection", struct {
		*Scorecard
		Type     string
		Statuses []Option
	}{sc, p.Type, CommitmentStatuses})
}

// homeSection sums up on the home page what is overdue and unconfirmed.
func (h *handlers) homeSection(r *http.Request) (template.HTML, error) {
	names, err := h.names(r)
	if err != nil {
		return "", err
	}
	today := h.today()
	cs, err := ListCommitments(r.Context(), h.site.Node.Store, names, CommitmentFilter{}, today)
	if err != nil {
		return "", err
	}
	overdue, err := ListActions(r.Context(), h.site.Node.Store, names, ActionFilter{Status: "overdue"}, today)
	if err != nil {
		return "", err
	}
	pending, err := ListDeliveries(r.Context(), h.site.Node.Store, names, DeliveryFilter{Pending: true})
	if err != nil {
		return "", err
	}
	if len(cs) == 0 && len(overdue) == 0 && len(pending) == 0 {
		return "", nil
	}
	counts := map[string]int{}
	for _, c := range cs {
		counts[c.Status]++
	}
	return h.site.RenderFragment(r, "scorecards", "homeSection", struct {
		Commitments, Overdue, AtRisk, Met, ActionsOverdue, Unconfirmed int
		Today                                                          string
	}{len(cs), counts[StatusOverdue], counts[StatusAtRisk], counts[StatusMet], len(overdue), len(pending), today})
}
