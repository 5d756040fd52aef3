package projects

import (
	"html/template"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/kongsi/kongsi/internal/chart"
	"github.com/kongsi/kongsi/internal/i18n"
	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/web"
)

type listData struct {
	labels
	Filter       Filter
	Query        template.URL // the filter as a query string
	Items        []*Summary
	Total        int
	Imported     int
	Page, Pages  int
	Prev, Next   string
	States       []stateOption
	Sectors      Codelist
	Statuses     Codelist
	Designations []struct{ Code, Title, Meaning string }
	SponsorTypes Codelist
	Charts       []figure
	TotalUSD     float64
	WithAmount   int
	Error        *problem.Error
}

// TotalText is the sum of the reported amounts, for people.
func (d listData) TotalText() string { return d.Dollars(d.TotalUSD) }

// figure is a chart with its caption.
type figure struct {
	Chart   template.HTML
	Caption string
}

func (h *handlers) list(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	l := h.site.Locale(r)
	d := listData{labels: labels{l}, Sectors: Sectors, Statuses: Statuses, Designations: DesignationStates, SponsorTypes: SponsorTypes}
	var err error
	if d.States, _, err = h.stateOptions(ctx); err != nil {
		return err
	}
	d.Filter, err = FilterFrom(r.URL.Query())
	if err != nil {
		// Show the form again with the reason, rather than an error page.
		d.Error = problem.As(err)
		return h.site.Render(w, r, problem.Status(err), "projects-list", d)
	}
	d.Query = template.URL(d.Filter.Values().Encode())
	all, _, err := List(ctx, h.site.Node.Store, d.Filter, 0)
	if err != nil {
		return err
	}
	d.Total = len(all)
	d.Page = d.Filter.Page
	d.Pages = max(1, (d.Total+PageSize-1)/PageSize)
	if d.Page > d.Pages {
		d.Page = d.Pages
	}
	from := (d.Page - 1) * PageSize
	d.Items = all[from:min(from+PageSize, len(all))]
	link := func(page int) string {
		v := d.Filter.Values()
		v.Set("page", strconv.Itoa(page))
		return "/projects?" + v.Encode()
	}
	if d.Page > 1 {
		d.Prev = link(d.Page - 1)
	}
	if d.Page < d.Pages {
		d.Next = link(d.Page + 1)
	}
	for _, p := range all {
		if p.ReportedBy != "" {
			d.Imported++
		}
		if p.AmountUSD != nil && p.InTotals {
			d.TotalUSD += *p.AmountUSD
			d.WithAmount++
		}
	}
	d.Charts = summaryCharts(l, all, d.Filter)
	return h.site.Render(w, r, http.StatusOK, "projects-list", d)
}

// summaryCharts draws the projects a filter selects by country, sector,
// status, designation and amount; each bar links to the list narrowed to
// it.
func summaryCharts(l *i18n.Locale, all []*Summary, f Filter) []figure {
	if len(all) == 0 {
		return nil
	}
	narrow := func(key, value string) string {
		v := f.Values()
		v.Set(key, value)
		return "/projects?" + v.Encode()
	}
	type tally struct {
		key   string
		label string
		n     float64
	}
	count := func(keyOf func(*Summary) []string, title func(string) string) []tally {
		m := map[string]*tally{}
		var order []string
		for _, p := range all {
			for _, k := range keyOf(p) {
				if m[k] == nil {
					m[k] = &tally{key: k, label: title(k)}
					order = append(order, k)
				}
				m[k].n++
			}
		}
		out := make([]tally, 0, len(order))
		for _, k := range order {
			out = append(out, *m[k])
		}
		sort.SliceStable(out, func(i, j int) bool { return out[i].n > out[j].n })
		return out
	}
	bars := func(ts []tally, key string, class func(string) string) []chart.Bar {
		var out []chart.Bar
		for _, t := range ts {
			b := chart.Bar{Label: t.label, Value: t.n, Href: narrow(key, t.key)}
			if class != nil {
				b.Class = class(t.key)
			}
			out = append(out, b)
		}
		return out
	}
	hostName := map[string]string{}
	for _, p := range all {
		hostName[p.Host] = p.HostName
	}
	tr := func(title func(string) string) func(string) string {
		return func(code string) string { return l.T(title(code)) }
	}
	byCountry := count(func(p *Summary) []string { return []string{p.Host} }, func(k string) string { return hostName[k] })
	bySector := count(func(p *Summary) []string {
		var top []string
		for _, s := range p.Sectors {
			if SectorParent(s) == "" {
				top = append(top, s)
			}
		}
		return top
	}, tr(Sectors.Title))
	byStatus := count(func(p *Summary) []string { return []string{p.Status} }, tr(Statuses.Title))
	// Statuses in lifecycle order rather than by count.
	sort.SliceStable(byStatus, func(i, j int) bool {
		return slices.Index(Statuses.Codes(), byStatus[i].key) < slices.Index(Statuses.Codes(), byStatus[j].key)
	})
	byDesignation := count(func(p *Summary) []string { return []string{p.Designation} }, tr(DesignationTitle))
	var amounts []tally
	sums := map[string]float64{}
	for _, p := range all {
		if p.AmountUSD != nil && p.InTotals {
			sums[p.Host] += *p.AmountUSD
		}
	}
	for k, v := range sums {
		amounts = append(amounts, tally{key: k, label: hostName[k], n: v})
	}
	sort.Slice(amounts, func(i, j int) bool { return amounts[i].n > amounts[j].n })

	figs := []figure{
		{chart.Bars(l.T("Projects by host country"), l.T("How many projects each member state hosts."), bars(byCountry, "country", nil), l.Number),
			l.T("Projects by host country.")},
		{chart.Bars(l.T("Projects by sector"), l.T("How many projects are in each OC4IDS sector; a project may be in several."), bars(bySector, "sector", nil), l.Number),
			l.T("Projects by OC4IDS sector; a project may count in several.")},
		{chart.Bars(l.T("Projects by status"), l.T("How many projects are at each OC4IDS lifecycle stage."), bars(byStatus, "status", nil), l.Number),
			l.T("Projects by lifecycle status.")},
		{chart.Bars(l.T("Belt and Road designation"), l.T("How many projects are in each designation state."), bars(byDesignation, "designation", designationClass), l.Number),
			l.T("Belt and Road designation, as derived from the attestations in the register.")},
	}
	if len(amounts) > 0 {
		figs = append(figs, figure{chart.Bars(l.T("Reported amounts by host country"), l.T("The sum of the US dollar amounts reported for the projects of each host country."), bars(amounts, "country", nil), shortUSD(l)),
			l.T("Sum of the US dollar amounts reported with each project (its budget, or else its financing), leaving out projects counted in another. Figures are as each source reports them: AidData's are in constant 2017 dollars, others in dollars of their day, so the sums are indicative only.")})
	}
	return figs
}

func (h *handlers) apiList(w http.ResponseWriter, r *http.Request) error {
	f, err := FilterFrom(r.URL.Query())
	if err != nil {
		return err
	}
	limit := 0
	if r.URL.Query().Get("page") != "" {
		limit = PageSize
	}
	items, total, err := List(r.Context(), h.site.Node.Store, f, limit)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, struct {
		Total    int        `json:"total"`
		Projects []*Summary `json:"projects"`
	}{total, items})
}

func (h *handlers) apiListCSV(w http.ResponseWriter, r *http.Request) error {
	f, err := FilterFrom(r.URL.Query())
	if err != nil {
		return err
	}
	items, _, err := List(r.Context(), h.site.Node.Store, f, 0)
	if err != nil {
		return err
	}
	var rows [][]string
	for _, p := range items {
		amount := ""
		if p.AmountUSD != nil {
			amount = strconv.FormatFloat(*p.AmountUSD, 'f', -1, 64)
		}
		var sponsors []string
		for _, s := range p.Sponsors {
			sponsors = append(sponsors, s.Name+" ("+s.Type+", "+s.Role+")")
		}
		rows = append(rows, []string{p.ID, p.Name, p.Host, p.HostName, strings.Join(p.Sectors, " "), p.Type, p.Status, p.Halt, p.Designation,
			strings.Join(p.SponsorTypes, " "), strings.Join(sponsors, "; "), amount, strconv.FormatBool(p.InTotals), p.Publisher, p.ReportedBy, p.Dataset, p.AsOf,
			floatOrEmpty(p.Lon), floatOrEmpty(p.Lat), p.Updated, strconv.FormatUint(p.HeadIndex, 10)})
	}
	return web.WriteCSV(w, "projects.csv", []string{"id", "name", "host", "host_name", "sectors", "type", "status", "halt", "designation",
		"sponsor_types", "sponsors", "amount_usd", "in_totals", "publisher", "reported_by", "dataset", "as_of", "lon", "lat", "updated", "head_index"}, rows)
}

func floatOrEmpty(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f, 'f', -1, 64)
}
