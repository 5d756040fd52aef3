package accountability

import (
	"html/template"
	"math"
	"net/http"
	"slices"
	"strconv"

	"github.com/kongsi/kongsi/internal/chart"
	"github.com/kongsi/kongsi/internal/i18n"
	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/web"
)

// Badge is the CSS class of the delivery's confirmation badge.
func (d *DeliveryView) Badge() string {
	switch d.Confirmation {
	case Confirmed:
		return "ok"
	case Disputed:
		return "bad"
	}
	return "warn"
}

// ConfirmedFigure is the amount the recipient confirmed.
func (d *DeliveryView) ConfirmedFigure() float64 { return d.confirmedAmount() }

// Pending reports whether the delivery awaits the recipient's confirmation.
func (d *DeliveryView) Pending() bool {
	return d.Confirmation == Unconfirmed || d.Confirmation == Revised
}

// deliverySeries are the segments of delivery charts, in a locale's
// language.
func deliverySeries(l *i18n.Locale) []chart.StackSeries {
	return []chart.StackSeries{{Name: l.T("Confirmed by the recipient"), Class: "s5"}, {Name: l.T("Reported, not confirmed"), Class: "s6"}, {Name: l.T("Disputed by the recipient"), Class: "neg"}}
}

// percent writes values in per cent (45 for 45 %) as a locale's language
// does, with a decimal when they need one.
func percent(l *i18n.Locale) func(float64) string {
	return func(v float64) string {
		if v == math.Trunc(v) {
			return l.Percent(v/100, 0)
		}
		return l.Percent(v/100, 1)
	}
}

// targetRow is a target as a row of a delivery chart.
func targetRow(label, href string, t *TargetView) chart.StackRow {
	return chart.StackRow{Label: label, Href: href, Values: []float64{t.Confirmed, t.Unconfirmed, t.Disputed}, Target: t.Value}
}

type programmeListData struct {
	Party       string
	Parties     []partyOption
	Items       []*ProgrammeSummary
	Pending     []*DeliveryView
	Chart       template.HTML
	Unconfirmed int
}

// programmes reads the programmes of the party the request names, if any,
// with the parties' names it used.
func (h *handlers) programmes(r *http.Request) (Names, string, []*ProgrammeSummary, error) {
	names, err := h.names(r)
	if err != nil {
		return nil, "", nil, err
	}
	party := r.URL.Query().Get("party")
	if err := requireKnownParty(names, "party", party); err != nil {
		return names, party, nil, err
	}
	items, err := ListProgrammes(r.Context(), h.site.Node.Store, names, party)
	return names, party, items, err
}

func (h *handlers) programmeList(w http.ResponseWriter, r *http.Request) error {
	names, party, items, err := h.programmes(r)
	if err != nil {
		return err
	}
	l := h.site.Locale(r)
	d := programmeListData{Party: party, Items: items}
	if d.Parties, err = partyOptions(r, h.site); err != nil {
		return err
	}
	if d.Pending, err = ListDeliveries(r.Context(), h.site.Node.Store, names, DeliveryFilter{Party: party, Pending: true}); err != nil {
		return err
	}
	// Targets count different things (trainees, institutes): each row is
	// drawn as a share of its own target.
	var rows []chart.StackRow
	for _, p := range d.Items {
		d.Unconfirmed += p.Unconfirmed
		for _, t := range p.Targets {
			label := p.Title
			if t.Recipient.ID != "" {
				label += " (" + t.Recipient.Name + ")"
			}
			share := func(v float64) float64 { return 100 * v / t.Value }
			rows = append(rows, chart.StackRow{Label: label, Href: p.URL, Values: []float64{share(t.Confirmed), share(t.Unconfirmed), share(t.Disputed)}, Target: 100})
		}
	}
	d.Chart = chart.Stacked(l.T("Delivery against targets, as a share of each target"), l.T("For each programme target, what the provider reported delivering as a percentage of the target, split by whether the recipient confirmed it; the dashed mark is the target."), deliverySeries(l), rows, percent(l))
	return h.site.Render(w, r, http.StatusOK, "programmes", d)
}

type programmeShowData struct {
	*ProgrammeDetail
	Chart         template.HTML
	ByRecipient   template.HTML
	DeliveryTable template.HTML
}

// programmeDetail reads the programme the request names.
func (h *handlers) programmeDetail(r *http.Request) (*ProgrammeDetail, error) {
	names, err := h.names(r)
	if err != nil {
		return nil, err
	}
	return GetProgramme(r.Context(), h.site.Node.Store, names, r.PathValue("slug"))
}

func (h *handlers) programmeShow(w http.ResponseWriter, r *http.Request) error {
	d, err := h.programmeDetail(r)
	if err != nil {
		return err
	}
	l := h.site.Locale(r)
	sd := programmeShowData{ProgrammeDetail: d}
	var rows []chart.StackRow
	for _, t := range d.Targets {
		label := l.T("All recipients: %s", t.Measure)
		if t.Recipient.ID != "" {
			label = t.Recipient.Name + ": " + t.Measure
		}
		rows = append(rows, targetRow(label, "", t))
	}
	sd.Chart = chart.Stacked(l.T("Delivery against targets"), l.T("What the provider reported delivering against each target, by whether the recipient confirmed it; the dashed mark is the target."), deliverySeries(l), rows, l.Number)
	// Delivery by recipient, in each measure, whether or not it has a
	// target per recipient.
	type key struct{ recipient, measure string }
	sums := map[key]*TargetView{}
	var order []key
	for _, dl := range d.Deliveries {
		k := key{dl.Recipient.ID, dl.Measure}
		t, ok := sums[k]
		if !ok {
			t = &TargetView{Recipient: dl.Recipient, Measure: dl.Measure}
			sums[k] = t
			order = append(order, k)
		}
		switch dl.Confirmation {
		case Confirmed:
			t.Confirmed += dl.confirmedAmount()
		case Disputed:
			t.Disputed += dl.Value
		default:
			t.Unconfirmed += dl.Value
		}
	}
	var brows []chart.StackRow
	for _, k := range order {
		t := sums[k]
		for _, tg := range d.Targets {
			if tg.Measure == k.measure && tg.Recipient.ID == k.recipient {
				t.Value = tg.Value
			}
		}
		brows = append(brows, targetRow(t.Recipient.Name+": "+k.measure, "", t))
	}
	if sd.DeliveryTable, err = h.site.RenderFragment(r, "programmes", "deliveryTable", d.Deliveries); err != nil {
		return err
	}
	sd.ByRecipient = chart.Stacked(l.T("Delivery by recipient"), l.T("What was reported delivered to each recipient, by whether the recipient confirmed it."), deliverySeries(l), brows, l.Number)
	return h.site.Render(w, r, http.StatusOK, "programme", sd)
}

func (h *handlers) apiProgrammes(w http.ResponseWriter, r *http.Request) error {
	_, _, items, err := h.programmes(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, struct {
		Programmes []*ProgrammeSummary `json:"programmes"`
	}{items})
}

func (h *handlers) apiProgrammesCSV(w http.ResponseWriter, r *http.Request) error {
	_, _, items, err := h.programmes(r)
	if err != nil {
		return err
	}
	if slug := r.URL.Query().Get("programme"); slug != "" {
		if !slugPattern.MatchString(slug) {
			return problem.Invalid("programme", "param.slug", "a programme is named by its slug: lower-case letters, digits and hyphens")
		}
		items = slices.DeleteFunc(items, func(p *ProgrammeSummary) bool { return p.Slug != slug })
	}
	num := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	var rows [][]string
	for _, p := range items {
		for _, t := range p.Targets {
			rows = append(rows, []string{p.Subject, p.Title, p.Provider.ID, t.Measure, t.Unit, t.Recipient.ID, num(t.Value), t.By,
				num(t.Delivered), num(t.Confirmed), num(t.Unconfirmed), num(t.Disputed)})
		}
	}
	return web.WriteCSV(w, "kongsi-programme-targets.csv", []string{"programme", "title", "provider", "measure", "unit", "recipient", "target", "by",
		"delivered", "confirmed", "unconfirmed", "disputed"}, rows)
}

func (h *handlers) apiProgramme(w http.ResponseWriter, r *http.Request) error {
	d, err := h.programmeDetail(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, d)
}

func (h *handlers) deliveries(r *http.Request) ([]*DeliveryView, error) {
	names, err := h.names(r)
	if err != nil {
		return nil, err
	}
	f, err := deliveryFilterFrom(r.URL.Query(), names)
	if err != nil {
		return nil, err
	}
	return ListDeliveries(r.Context(), h.site.Node.Store, names, f)
}

func (h *handlers) apiDeliveries(w http.ResponseWriter, r *http.Request) error {
	items, err := h.deliveries(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, struct {
		Deliveries []*DeliveryView `json:"deliveries"`
	}{items})
}

func (h *handlers) apiDeliveriesCSV(w http.ResponseWriter, r *http.Request) error {
	items, err := h.deliveries(r)
	if err != nil {
		return err
	}
	var rows [][]string
	for _, d := range items {
		cv := ""
		if d.ConfirmedValue != nil {
			cv = strconv.FormatFloat(*d.ConfirmedValue, 'f', -1, 64)
		}
		rows = append(rows, []string{d.Subject, d.Programme, d.Provider.ID, d.Recipient.ID, d.Measure, strconv.FormatFloat(d.Value, 'f', -1, 64), d.PeriodFrom, d.DeliveredOn,
			d.Confirmation, cv, d.ConfirmedOn, d.ConfirmedBy, strconv.FormatUint(d.Latest, 10)})
	}
	return web.WriteCSV(w, "kongsi-deliveries.csv", []string{"subject", "programme", "provider", "recipient", "measure", "value", "period_from", "delivered_on",
		"confirmation", "confirmed_value", "confirmed_on", "confirmed_by", "latest_index"}, rows)
}
