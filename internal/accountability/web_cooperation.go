package accountability

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kongsi/kongsi/internal/browse"
	"github.com/kongsi/kongsi/internal/chart"
	"github.com/kongsi/kongsi/internal/feed"
	"github.com/kongsi/kongsi/internal/i18n"
	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/record"
	"github.com/kongsi/kongsi/internal/web"
)

// Badge is the CSS class of the item's status badge.
func (a *ActionItem) Badge() string {
	switch {
	case a.Overdue:
		return "bad"
	case a.Status == "done":
		return "ok"
	case a.Status == "blocked":
		return "warn"
	case a.Status == "in-progress":
		return "info"
	}
	return ""
}

type initiativeListData struct {
	Filter     InitiativeFilter
	Items      []*InitiativeSummary
	Parties    []partyOption
	Pillars    []Option
	Domains    []Option
	Mechanisms []Option
	ByPillar   template.HTML
	ByDomain   template.HTML
	Query      template.URL
}

// initiatives reads the initiatives the request's filter selects.
func (h *handlers) initiatives(r *http.Request) (InitiativeFilter, []*InitiativeSummary, error) {
	names, err := h.names(r)
	if err != nil {
		return InitiativeFilter{}, nil, err
	}
	f, err := initiativeFilterFrom(r.URL.Query(), names)
	if err != nil {
		return f, nil, err
	}
	items, err := ListInitiatives(r.Context(), h.site.Node.Store, names, f, h.today())
	return f, items, err
}

func (h *handlers) initiativeList(w http.ResponseWriter, r *http.Request) error {
	f, items, err := h.initiatives(r)
	if err != nil {
		return err
	}
	l := h.site.Locale(r)
	d := initiativeListData{Filter: f, Items: items, Pillars: Pillars, Domains: Domains, Mechanisms: Mechanisms, Query: template.URL(r.URL.Query().Encode())}
	if d.Parties, err = partyOptions(r, h.site); err != nil {
		return err
	}
	pillars, domains := map[string]int{}, map[string]int{}
	for _, i := range d.Items {
		for _, p := range i.Pillars {
			pillars[p.ID]++
		}
		for _, dm := range i.Domains {
			domains[dm.ID]++
		}
	}
	var pb, db []chart.Bar
	for k, o := range Pillars {
		if n := pillars[o.ID]; n > 0 {
			pb = append(pb, chart.Bar{Label: l.T(o.Title), Value: float64(n), Href: "/initiatives?pillar=" + o.ID, Class: "s" + strconv.Itoa(k+1)})
		}
	}
	for _, o := range Domains {
		if n := domains[o.ID]; n > 0 {
			label, _, _ := strings.Cut(o.Title, " and disaster")
			db = append(db, chart.Bar{Label: l.T(label), Value: float64(n), Href: "/initiatives?domain=" + o.ID})
		}
	}
	if len(pb) > 0 {
		d.ByPillar = chart.Bars(l.T("Initiatives by ASEAN Community pillar"), l.T("How many of the initiatives listed serve each pillar; an initiative may serve several."), pb, l.Number)
		d.ByDomain = chart.Bars(l.T("Initiatives by domain"), l.T("How many of the initiatives listed work in each domain; an initiative may work in several."), db, l.Number)
	}
	return h.site.Render(w, r, http.StatusOK, "initiatives", d)
}

type initiativeShowData struct {
	*InitiativeDetail
	Chart       template.HTML
	ActionTable template.HTML
	Today       string
}

func (h *handlers) initiativeShow(w http.ResponseWriter, r *http.Request) error {
	names, err := h.names(r)
	if err != nil {
		return err
	}
	d, err := GetInitiative(r.Context(), h.site.Node.Store, names, r.PathValue("slug"), h.today())
	if err != nil {
		return err
	}
	table, err := h.site.RenderFragment(r, "board", "actionTable", d.Actions)
	if err != nil {
		return err
	}
	return h.site.Render(w, r, http.StatusOK, "initiative", initiativeShowData{InitiativeDetail: d, Chart: boardChart(h.site.Locale(r), d.Actions, names, "owner"), ActionTable: table, Today: h.today()})
}

// boardChart stacks action items by status for each owner (by its state
// when it is an authority), or for each initiative, in a locale's language.
func boardChart(l *i18n.Locale, items []*ActionItem, names Names, by string) template.HTML {
	series := []chart.StackSeries{{Name: l.T("Done"), Class: "s5"}, {Name: l.T("Open, in progress"), Class: "s1"}, {Name: l.T("Blocked"), Class: "s6"}, {Name: l.T("Overdue"), Class: "neg"}}
	rows := map[string]*chart.StackRow{}
	var order []string
	for _, a := range items {
		if a.Status == "cancelled" {
			continue
		}
		key, label, href := a.OwnerHome, names.Ref(a.OwnerHome).Name, "/board/"+a.OwnerHome
		if by == "initiative" {
			key, label, href = a.Initiative, a.InitiativeTitle, "/"+a.Initiative
		}
		row, ok := rows[key]
		if !ok {
			row = &chart.StackRow{Label: label, Href: href, Values: make([]float64, len(series))}
			rows[key] = row
			order = append(order, key)
		}
		switch {
		case a.Status == "done":
			row.Values[0]++
		case a.Overdue:
			row.Values[3]++
		case a.Status == "blocked":
			row.Values[2]++
		default:
			row.Values[1]++
		}
	}
	slices.SortFunc(order, func(a, b string) int { return strings.Compare(rows[a].Label, rows[b].Label) })
	var out []chart.StackRow
	for _, k := range order {
		out = append(out, *rows[k])
	}
	if by == "initiative" {
		return chart.Stacked(l.T("Action items by initiative"), l.T("How many action items each initiative has done, open, blocked and overdue today."), series, out, l.Number)
	}
	return chart.Stacked(l.T("Action items by owner"), l.T("How many action items each owner (an authority counts for its state) has done, open, blocked and overdue today."), series, out, l.Number)
}

type boardData struct {
	Heading  string
	Lead     string
	Filter   ActionFilter
	Items    []*ActionItem
	Parties  []partyOption
	Statuses []Option
	Extra    []Option
	Inits    []*InitiativeSummary
	Chart    template.HTML
	Overdue  int
	Today    string
	Query    template.URL
	Party    *PartyRef
	IsState  bool
	Done     []*ActionItem
}

// actionFilter reads the parties' names and the request's filter of
// action items.
func (h *handlers) actionFilter(r *http.Request) (Names, ActionFilter, error) {
	names, err := h.names(r)
	if err != nil {
		return nil, ActionFilter{}, err
	}
	f, err := actionFilterFrom(r.URL.Query(), names)
	return names, f, err
}

func (h *handlers) board(w http.ResponseWriter, r *http.Request) error {
	names, f, err := h.actionFilter(r)
	if err != nil {
		return err
	}
	l := h.site.Locale(r)
	return h.renderBoard(w, r, names, f, l.T("Coordination board"), l.T("Action items agreed under cooperation initiatives: who owes what, to whom, by when. Each item is signed by the party that owes it and updated only by that party; what is overdue is worked out today."))
}

func (h *handlers) boardOverdue(w http.ResponseWriter, r *http.Request) error {
	names, f, err := h.actionFilter(r)
	if err != nil {
		return err
	}
	f.Status = "overdue"
	l := h.site.Locale(r)
	return h.renderBoard(w, r, names, f, l.T("Overdue action items"), l.T("Action items past their due date and neither done nor cancelled, as of today."))
}

func (h *handlers) renderBoard(w http.ResponseWriter, r *http.Request, names Names, f ActionFilter, heading, lead string) error {
	d := boardData{Heading: heading, Lead: lead, Filter: f, Statuses: ActionStatuses, Extra: ActionFilterStatuses, Today: h.today(), Query: template.URL(r.URL.Query().Encode())}
	var err error
	if d.Items, err = ListActions(r.Context(), h.site.Node.Store, names, f, d.Today); err != nil {
		return err
	}
	if d.Parties, err = partyOptions(r, h.site); err != nil {
		return err
	}
	if d.Inits, err = ListInitiatives(r.Context(), h.site.Node.Store, names, InitiativeFilter{}, d.Today); err != nil {
		return err
	}
	for _, a := range d.Items {
		if a.Overdue {
			d.Overdue++
		}
	}
	d.Chart = boardChart(h.site.Locale(r), d.Items, names, "owner")
	return h.site.Render(w, r, http.StatusOK, "board", d)
}

// boardParty shows what a party owes, to whom, by when.
func (h *handlers) boardParty(w http.ResponseWriter, r *http.Request) error {
	names, err := h.names(r)
	if err != nil {
		return err
	}
	id := r.PathValue("party")
	if _, ok := names[id]; !ok || id == ASEAN {
		return errNoParty(id)
	}
	all, err := ListActions(r.Context(), h.site.Node.Store, names, ActionFilter{Owner: id}, h.today())
	if err != nil {
		return err
	}
	ref := names.Ref(id)
	d := boardData{Heading: h.site.Locale(r).T("What %s owes", ref.Name), Today: h.today(), Party: &ref, Filter: ActionFilter{Owner: id}, IsState: !strings.Contains(id, ".")}
	for _, a := range all {
		if closed(a.Status) {
			d.Done = append(d.Done, a)
			continue
		}
		d.Items = append(d.Items, a)
		if a.Overdue {
			d.Overdue++
		}
	}
	d.Chart = boardChart(h.site.Locale(r), all, names, "initiative")
	return h.site.Render(w, r, http.StatusOK, "board_party", d)
}

// boardFeed is an Atom feed of the action items a party owes: one entry per
// item, updated whenever the item is.
func (h *handlers) boardFeed(w http.ResponseWriter, r *http.Request) {
	fail := func(err error) {
		p := problem.As(err)
		http.Error(w, p.Detail, problem.Status(p))
	}
	names, err := h.names(r)
	if err != nil {
		fail(err)
		return
	}
	id := r.PathValue("party")
	if _, ok := names[id]; !ok || id == ASEAN {
		fail(errNoParty(id))
		return
	}
	items, err := ListActions(r.Context(), h.site.Node.Store, names, ActionFilter{Owner: id}, h.today())
	if err != nil {
		fail(err)
		return
	}
	base := h.site.BaseURL(r)
	ref := names.Ref(id)
	f := &feed.Feed{
		ID: base + "/board/" + id + "/feed.atom", Title: "What " + ref.Name + " owes: action items", Link: base + "/board/" + id,
		Self: base + "/board/" + id + "/feed.atom", Author: h.site.Node.Origin,
	}
	slices.SortStableFunc(items, func(a, b *ActionItem) int { return strings.Compare(b.Signed, a.Signed) })
	for _, a := range items {
		updated, err := time.Parse(record.TimeFormat, a.Signed)
		if err != nil {
			continue
		}
		title := fmt.Sprintf("%s — due %s, %s", a.Title, longDate(a.DueOn), strings.ToLower(a.StatusTitle))
		if a.Overdue {
			title = fmt.Sprintf("%s — overdue since %s", a.Title, longDate(a.DueOn))
		}
		summary := fmt.Sprintf("Owed by %s", a.Owner.Name)
		if len(a.OwedTo) > 0 {
			summary += " to " + joinNames(a.OwedTo)
		}
		summary += fmt.Sprintf(", under %s. Due %s; %s.", a.InitiativeTitle, longDate(a.DueOn), strings.ToLower(a.StatusTitle))
		if a.StatusNote != "" {
			summary += " " + a.StatusNote
		}
		if a.Illustrative {
			summary += " (An illustrative item, not a real assignment.)"
		}
		f.Entries = append(f.Entries, feed.Entry{ID: base + "/" + a.Subject, Title: title, Link: base + "/" + a.Subject, Updated: updated, Author: a.Owner.Name, Summary: summary, Category: a.Status})
	}
	if err := f.Serve(w); err != nil {
		h.site.Logger.Error("couldn't write a feed", "path", r.URL.Path, "error", err)
	}
}

type actionShowData struct {
	*ActionItem
	Dependencies []*ActionItem
	Dependents   []*ActionItem
	Body         Action
}

func (h *handlers) actionShow(w http.ResponseWriter, r *http.Request) error {
	names, err := h.names(r)
	if err != nil {
		return err
	}
	subject := "actions/" + r.PathValue("initiative") + "/" + r.PathValue("slug")
	a, dependents, err := GetAction(r.Context(), h.site.Node.Store, names, subject, h.today())
	if err != nil {
		return err
	}
	d := actionShowData{ActionItem: a, Dependents: dependents}
	for _, dep := range a.DependsOn {
		if da, _, err := GetAction(r.Context(), h.site.Node.Store, names, dep, h.today()); err == nil {
			d.Dependencies = append(d.Dependencies, da)
		}
	}
	rec, err := browse.ByIndex(r.Context(), h.site.Node.Store, a.Latest)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(rec.Body, &d.Body); err != nil {
		return err
	}
	return h.site.Render(w, r, http.StatusOK, "action", d)
}

func (h *handlers) actionBody(r *http.Request, rec *browse.Record) (template.HTML, error) {
	var b Action
	if err := json.Unmarshal(rec.Body, &b); err != nil {
		return "", err
	}
	names, err := h.names(r)
	if err != nil {
		return "", err
	}
	return h.site.RenderFragment(r, "action", "actionBody", struct {
		Body    Action
		Owner   PartyRef
		OwedTo  []PartyRef
		Subject string
		Timing  ActionTiming
	}{b, names.Ref(b.Owner), names.Refs(b.OwedTo), rec.Subject, TimeAction(b.Status, b.DueOn, b.DoneOn, h.today())})
}

func (h *handlers) apiInitiatives(w http.ResponseWriter, r *http.Request) error {
	_, items, err := h.initiatives(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, struct {
		AsOf        string               `json:"as_of"`
		Initiatives []*InitiativeSummary `json:"initiatives"`
	}{h.today(), items})
}

func (h *handlers) apiInitiativesCSV(w http.ResponseWriter, r *http.Request) error {
	_, items, err := h.initiatives(r)
	if err != nil {
		return err
	}
	ids := func(os []Option) string {
		var s []string
		for _, o := range os {
			s = append(s, o.ID)
		}
		return strings.Join(s, " ")
	}
	var rows [][]string
	for _, i := range items {
		var ps []string
		for _, p := range i.Participants {
			ps = append(ps, p.ID)
		}
		rows = append(rows, []string{i.Subject, i.Title, ids(i.Pillars), ids(i.Domains), i.Mechanism.ID, i.MechanismDetail, strings.Join(ps, " "), i.StartedOn, i.EndedOn,
			strconv.Itoa(i.Actions), strconv.Itoa(i.ActionsOpen), strconv.Itoa(i.ActionsOverdue), strconv.FormatUint(i.Latest, 10)})
	}
	return web.WriteCSV(w, "kongsi-initiatives.csv", []string{"subject", "title", "pillars", "domains", "mechanism", "mechanism_detail", "participants", "started_on", "ended_on",
		"action_items", "action_items_open", "action_items_overdue", "latest_index"}, rows)
}

func (h *handlers) apiInitiative(w http.ResponseWriter, r *http.Request) error {
	names, err := h.names(r)
	if err != nil {
		return err
	}
	d, err := GetInitiative(r.Context(), h.site.Node.Store, names, r.PathValue("slug"), h.today())
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, d)
}

func (h *handlers) actions(r *http.Request) ([]*ActionItem, error) {
	names, f, err := h.actionFilter(r)
	if err != nil {
		return nil, err
	}
	return ListActions(r.Context(), h.site.Node.Store, names, f, h.today())
}

func (h *handlers) apiActions(w http.ResponseWriter, r *http.Request) error {
	items, err := h.actions(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, struct {
		AsOf    string        `json:"as_of"`
		Actions []*ActionItem `json:"actions"`
	}{h.today(), items})
}

func (h *handlers) apiActionsCSV(w http.ResponseWriter, r *http.Request) error {
	items, err := h.actions(r)
	if err != nil {
		return err
	}
	var rows [][]string
	for _, a := range items {
		var to []string
		for _, p := range a.OwedTo {
			to = append(to, p.ID)
		}
		rows = append(rows, []string{a.Subject, a.Initiative, a.Title, a.Owner.ID, strings.Join(to, " "), a.DueOn, a.FirstDueOn, a.Status, strconv.FormatBool(a.Overdue),
			strconv.Itoa(a.DaysOverdue), a.DoneOn, strings.Join(a.DependsOn, " "), strings.Join(a.WaitingOn, " "), strconv.FormatBool(a.Illustrative), strconv.FormatUint(a.Latest, 10)})
	}
	return web.WriteCSV(w, "kongsi-action-items.csv", []string{"subject", "initiative", "title", "owner", "owed_to", "due_on", "first_due_on", "status", "overdue",
		"days_overdue", "done_on", "depends_on", "waiting_on", "illustrative", "latest_index"}, rows)
}
