package trade

import (
	"cmp"
	"context"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/kongsi/kongsi/internal/browse"
	"github.com/kongsi/kongsi/internal/chart"
	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/trade/country"
	"github.com/kongsi/kongsi/internal/trade/tradefile"
)

// memberRow is a member's trade with China in a year, both ways of seeing it.
type memberRow struct {
	Code, Name, URL string
	// As the member reports: its exports to and imports from China.
	Exports, Imports, Balance Amount
	// As China reports: China's imports from the member (the member's
	// exports) and China's exports to it (the member's imports), and the
	// member's balance so computed.
	CExports, CImports, CBalance Amount
	// Gap is the unexplained share of the gap between China's exports and
	// the member's imports.
	Gap Pct
}

type dashboardData struct {
	Year       int
	Years      []int
	Own        *BalancePoint // ASEAN's trade with China, as the members report it
	China      *BalancePoint // China's trade with ASEAN, as China reports it
	OwnMissing string
	ChinaTotal Amount
	OwnTotal   Amount
	OwnBal     Amount
	ChinaBal   Amount // ASEAN's balance as China's figures show it
	Charts     struct {
		Balance, Flows, Members, Products, Gap template.HTML
	}
	Rows     []memberRow
	Products []productRow
	ProdFrom string
	Alerts   []Alert
	NAlerts  int
	Releases int
	Rules    alertRules
}

// alertRules are the alert thresholds, written for people.
type alertRules struct{ DeficitGrowth, DeficitMin, CIFFOB, GapMin, GapWidening string }

func (v view) rules(s AlertSettings) alertRules {
	return alertRules{DeficitGrowth: v.share(s.DeficitGrowth), DeficitMin: v.usd(s.DeficitMinIncrease), CIFFOB: v.share(s.CIFFOB), GapMin: v.share(s.GapMin),
		GapWidening: v.points(s.GapWidening)}
}

// productRow is a product line on a page, from the member's (or ASEAN's)
// side: exports to China, imports from China.
type productRow struct {
	Code, Name, Section      string
	Exports, Imports, Net    Amount
	ExportShare, ImportShare Pct
}

func (h *handlers) balances(ctx context.Context, member string) (own, china *Balance, err error) {
	if own, err = BalanceSeries(ctx, h.mon.Store, member, China, tradefile.BasisReported, false); err != nil {
		return nil, nil, err
	}
	china, err = BalanceSeries(ctx, h.mon.Store, China, member, tradefile.BasisReported, false)
	return own, china, err
}

// balanceCharts draws a member's (or ASEAN's) balance with China as each
// side's figures show it, and its flows.
func balanceCharts(v view, name string, own, china *Balance) (bal, flows template.HTML) {
	var ownBal, chinaBal, exp, imp, cexp, cimp chart.Series
	ownBal = chart.Series{Name: v.T("As %s reports it", name), Class: "s1"}
	chinaBal = chart.Series{Name: v.T("As China reports it"), Class: "s2"}
	exp = chart.Series{Name: v.T("Exports to China (%s figures)", v.of(name)), Class: "s1"}
	imp = chart.Series{Name: v.T("Imports from China (%s figures)", v.of(name)), Class: "s2"}
	cexp = chart.Series{Name: v.T("China's imports from %s (China's figures)", name), Class: "s3"}
	cimp = chart.Series{Name: v.T("China's exports to %s (China's figures)", name), Class: "s4"}
	for _, p := range own.Series {
		pt := func(y float64) chart.Point { return chart.Point{X: float64(p.Year), Label: strconv.Itoa(p.Year), Y: y} }
		if p.Balance != nil {
			ownBal.Points = append(ownBal.Points, pt(*p.Balance))
		}
		if p.Exports != nil {
			exp.Points = append(exp.Points, pt(*p.Exports))
		}
		if p.Imports != nil {
			imp.Points = append(imp.Points, pt(*p.Imports))
		}
	}
	for _, p := range china.Series {
		pt := func(y float64) chart.Point { return chart.Point{X: float64(p.Year), Label: strconv.Itoa(p.Year), Y: y} }
		if p.Balance != nil {
			chinaBal.Points = append(chinaBal.Points, pt(-*p.Balance))
		}
		if p.Imports != nil {
			cexp.Points = append(cexp.Points, pt(*p.Imports))
		}
		if p.Exports != nil {
			cimp.Points = append(cimp.Points, pt(*p.Exports))
		}
	}
	var bs, fs []chart.Series
	for _, s := range []chart.Series{ownBal, chinaBal} {
		if len(s.Points) > 0 {
			bs = append(bs, s)
		}
	}
	for _, s := range []chart.Series{exp, imp, cexp, cimp} {
		if len(s.Points) > 0 {
			fs = append(fs, s)
		}
	}
	bal = chart.Lines(v.T("%s balance of trade with China, by year", v.of(name)),
		v.T("The balance (exports minus imports, US$) as %s own statistics give it and as China's statistics give it (China's imports from %s minus its exports to it). Below zero is a deficit.", v.of(name), name), bs, v.tick)
	flows = chart.Lines(v.T("%s trade with China, by year", v.of(name)),
		v.T("Exports and imports in US$ as each side reports them. Exports are valued f.o.b., imports c.i.f."), fs, v.tick)
	return bal, flows
}

func (h *handlers) dashboard(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := &params{r: r}
	year := p.year("year")
	if p.err != nil {
		return p.err
	}
	own, china, err := h.balances(ctx, country.ASEAN)
	if err != nil {
		return err
	}
	v := h.view(r)
	d := dashboardData{Years: years(own, china), Rules: v.rules(DefaultAlertSettings)}
	if year == 0 {
		year = latestYear(own, china)
	}
	d.Year = year
	d.Charts.Balance, d.Charts.Flows = balanceCharts(v, v.country(country.ASEAN), own, china)
	d.Own, d.China = own.Point(year, 0), china.Point(year, 0)
	if d.Own != nil {
		d.OwnTotal, d.OwnBal = v.sum(d.Own.Total()), v.amt(d.Own.Balance)
		var names []string
		for _, m := range d.Own.Missing {
			names = append(names, v.country(m))
		}
		d.OwnMissing = v.list(names)
	}
	if d.China != nil {
		d.ChinaTotal = v.sum(d.China.Total())
		if d.China.Balance != nil {
			d.ChinaBal = v.sum(-*d.China.Balance)
		}
	}
	// Members.
	mir, err := h.mon.Mirror(ctx, country.ASEAN, year, DefaultCIFFOB)
	if err != nil {
		return err
	}
	gaps := map[string]Pct{}
	for _, f := range mir.Flows {
		if f.Exporter == China {
			gaps[f.Importer] = v.pct(f.UnexplainedShare)
		}
	}
	var bars, gapBars []chart.Bar
	// Each member's figures and China's for the year, in two queries.
	members := memberCodes()
	ownRows, err := queryTotals(ctx, h.mon.Store, totalsQuery{reporters: members, partners: []string{China}, basis: tradefile.BasisReported, year: year})
	if err != nil {
		return err
	}
	chinaRows, err := queryTotals(ctx, h.mon.Store, totalsQuery{reporters: []string{China}, partners: members, basis: tradefile.BasisReported, year: year})
	if err != nil {
		return err
	}
	figs := map[[2]string]float64{} // member, "X"/"M" (own) or "CX"/"CM" (China's) → value
	for _, t := range ownRows {
		figs[[2]string{t.Reporter, t.Flow}] += t.Value
	}
	for _, t := range chinaRows {
		figs[[2]string{t.Partner, "C" + t.Flow}] += t.Value
	}
	fig := func(m, f string) Amount {
		x, ok := figs[[2]string{m, f}]
		if !ok {
			return Amount{}
		}
		return v.sum(x)
	}
	for _, m := range country.MemberCodes() {
		row := memberRow{Code: m, Name: v.country(m), URL: "/trade/" + strings.ToLower(m) + "?year=" + strconv.Itoa(year), Gap: gaps[m]}
		row.Exports, row.Imports = fig(m, "X"), fig(m, "M")
		if row.Exports.OK && row.Imports.OK {
			row.Balance = v.sum(row.Exports.V - row.Imports.V)
		}
		// China's imports from the member are the member's exports.
		row.CExports, row.CImports = fig(m, "CM"), fig(m, "CX")
		if row.CExports.OK && row.CImports.OK {
			row.CBalance = v.sum(row.CExports.V - row.CImports.V)
		}
		if !row.Balance.OK && !row.CBalance.OK && !row.Exports.OK && !row.CExports.OK {
			continue
		}
		d.Rows = append(d.Rows, row)
		b := row.Balance
		label := row.Name
		if !b.OK {
			b, label = row.CBalance, row.Name+" †"
		}
		if b.OK {
			bars = append(bars, chart.Bar{Label: label, Value: b.V, Href: row.URL})
		}
		if row.Gap.OK {
			gapBars = append(gapBars, chart.Bar{Label: row.Name, Value: row.Gap.V * 100, Href: "/trade/mirror?partner=" + m + "&year=" + strconv.Itoa(year)})
		}
	}
	slices.SortStableFunc(bars, func(a, b chart.Bar) int { return cmp.Compare(a.Value, b.Value) })
	d.Charts.Members = chart.Bars(v.T("Each member's balance with China, %s", strconv.Itoa(year)),
		v.T("The balance of each ASEAN member's trade with China in US$, as the member reports it (or, marked †, as China reports it, where the member gives no figures). Below zero is a deficit."), bars, v.tick)
	d.Charts.Gap = chart.Bars(v.T("Unexplained gap in China's exports to each member, %s", strconv.Itoa(year)),
		v.T("For each member: the member's reported imports from China (c.i.f.) minus China's reported exports to it (f.o.b.), less a %s allowance for freight and insurance, as a share of China's figure.", v.share(DefaultCIFFOB)), gapBars,
		v.percentTick)
	// Products: the members' own figures, or China's.
	d.Products, d.ProdFrom, d.Charts.Products, _, err = h.productView(ctx, v, country.ASEAN, v.country(country.ASEAN), year, LevelSection)
	if err != nil {
		return err
	}
	alerts, err := h.mon.Alerts(ctx)
	if err != nil {
		return err
	}
	d.NAlerts = len(alerts)
	d.Alerts = v.alerts(alerts[:min(len(alerts), 6)])
	rels, err := Releases(ctx, h.mon.Store, "", "")
	if err != nil {
		return err
	}
	d.Releases = len(rels)
	return h.site.Render(w, r, http.StatusOK, "trade", d)
}

// productView returns the products of a member's (or ASEAN's) trade with
// China in a year, from the member's side, using its own figures when it
// has product detail and China's otherwise; and their chart.
// It also says whether the figures are the member's own.
func (h *handlers) productView(ctx context.Context, v view, member, name string, year int, level string) ([]productRow, string, template.HTML, bool, error) {
	from := v.T("%s own figures", v.of(name))
	ps, err := h.mon.ProductDrivers(ctx, member, China, year, level, tradefile.BasisReported)
	if err != nil {
		return nil, "", "", false, err
	}
	flip := false
	if len(ps.Products) == 0 {
		if ps, err = h.mon.ProductDrivers(ctx, China, member, year, level, tradefile.BasisReported); err != nil {
			return nil, "", "", false, err
		}
		flip, from = true, v.T("China's figures (its exports to %s are %s imports)", name, v.of(name))
	}
	if len(ps.Products) == 0 {
		return nil, "", "", false, nil
	}
	if member == country.ASEAN {
		var names []string
		for _, c := range ps.Reporters {
			names = append(names, v.country(c))
		}
		if flip {
			from = v.T("China's figures for its trade with %s", v.list(names))
		} else {
			from = v.T("the figures of %s, the members that give product detail", v.list(names))
		}
	}
	if !ps.Complete {
		from = v.T("%s; they itemise some products only", from)
	}
	var rows []productRow
	var bars []chart.Bar
	for _, f := range ps.Products {
		row := productRow{Code: f.Code, Name: v.product(f.Name), Section: f.Section, Exports: v.sum(f.Exports), Imports: v.sum(f.Imports),
			Net: v.sum(f.Net), ExportShare: v.pct(f.ExportShare), ImportShare: v.pct(f.ImportShare)}
		if flip {
			row.Exports, row.Imports, row.Net = row.Imports, row.Exports, v.sum(-f.Net)
			row.ExportShare, row.ImportShare = row.ImportShare, row.ExportShare
		}
		rows = append(rows, row)
		if len(bars) < 12 {
			label := row.Name
			if level != LevelSection {
				label = row.Code + " " + row.Name
			}
			bars = append(bars, chart.Bar{Label: label, Value: row.Net.V})
		}
	}
	c := chart.Bars(v.T("Products driving %s balance with China, %s", v.of(name), strconv.Itoa(year)),
		v.T("For the products that weigh most on the balance: exports to China minus imports from China, in US$, from %s. Below zero, the product adds to the deficit.", from), bars, v.tick)
	return rows, from, c, !flip, nil
}

type memberData struct {
	Code, Name string
	Of         string // the name's possessive
	Year       int
	Years      []int
	Level      string
	Own, China *figures
	OwnBal     Amount
	ChinaBal   Amount
	Charts     struct{ Balance, Flows, Monthly, Products, Mirror template.HTML }
	Products   []productRow
	ProdFrom   string
	ProdOwn    bool
	Mirror     []MirrorFlow
	MirrorRows []mirrorRow
	Surges     *Surges
	SurgeRows  []surgeRow
	SurgeNotes []string
	Alerts     []Alert
	NAlerts    int
	// Reconciled figures (BACI), when a release gives them.
	Reconciled      []yearFigures
	ReconciledChart template.HTML
	Releases        []*ReleaseSummary
	IsMember        bool
	HasMonthly      bool
	MonthlyFrom     string
}

func (h *handlers) member(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	code := strings.ToUpper(r.PathValue("member"))
	c, ok := country.ByAlpha3(code)
	if !ok || code == China {
		return problem.NotFound("member", "trade.member.unknown", "there is no trade page for %q: the pages are for ASEAN's members (by their alpha-3 code, such as /trade/vnm)", r.PathValue("member"))
	}
	p := &params{r: r}
	year := p.year("year")
	level, _, lerr := ParseLevel(p.str("level"))
	if p.err != nil {
		return p.err
	}
	if lerr != nil {
		return lerr
	}
	own, china, err := h.balances(ctx, code)
	if err != nil {
		return err
	}
	v := h.view(r)
	name := v.tr(c.Name())
	d := memberData{Code: code, Name: name, Of: v.of(name), Years: years(own, china), Level: level, IsMember: country.IsASEANMember(code)}
	if year == 0 {
		year = latestYear(own, china)
	}
	d.Year = year
	d.Charts.Balance, d.Charts.Flows = balanceCharts(v, d.Name, own, china)
	ownPt, chinaPt := own.Point(year, 0), china.Point(year, 0)
	d.Own, d.China = v.figures(ownPt), v.figures(chinaPt)
	if ownPt != nil {
		d.OwnBal = v.amt(ownPt.Balance)
	}
	if chinaPt != nil && chinaPt.Balance != nil {
		d.ChinaBal = v.sum(-*chinaPt.Balance)
	}
	// Months, when some release has them.
	if d.Charts.Monthly, d.MonthlyFrom, err = h.monthlyChart(ctx, v, code, d.Name); err != nil {
		return err
	}
	d.HasMonthly = d.Charts.Monthly != ""
	rec, err := BalanceSeries(ctx, h.mon.Store, code, China, tradefile.BasisReconciled, false)
	if err != nil {
		return err
	}
	if len(rec.Series) > 0 {
		s := chart.Series{Name: v.T("Balance"), Class: "s5"}
		for _, p := range rec.Series {
			d.Reconciled = append(d.Reconciled, yearFigures{p.Year, *v.figures(&p)})
			if p.Balance != nil {
				s.Points = append(s.Points, chart.Point{X: float64(p.Year), Label: strconv.Itoa(p.Year), Y: *p.Balance})
			}
		}
		d.ReconciledChart = chart.Lines(v.T("%s balance with China, reconciled figures", v.of(d.Name)),
			v.T("The balance in US$ from reconciled data: one value per flow, harmonised by the data's compiler from both sides' reports."), []chart.Series{s}, v.tick)
	}
	if d.Products, d.ProdFrom, d.Charts.Products, d.ProdOwn, err = h.productView(ctx, v, code, d.Name, year, level); err != nil {
		return err
	}
	mir, err := h.mon.Mirror(ctx, code, 0, DefaultCIFFOB)
	if err != nil {
		return err
	}
	d.Mirror = mir.Flows
	d.MirrorRows = v.mirrorRows(mir.Flows)
	d.Charts.Mirror = mirrorChart(v, code, d.Name, mir.Flows)
	if d.Surges, err = h.mon.Surges(ctx, code, year, DefaultSurgeSettings, false); err != nil {
		return err
	}
	d.SurgeRows = v.surgeRows(d.Surges.Surges)
	d.SurgeNotes = v.surgeNotes(d.Surges)
	alerts, err := h.mon.Alerts(ctx)
	if err != nil {
		return err
	}
	for _, a := range alerts {
		if a.Member == code {
			d.NAlerts++
			if len(d.Alerts) < 6 {
				d.Alerts = append(d.Alerts, v.alerts([]Alert{a})...)
			}
		}
	}
	rels, err := Releases(ctx, h.mon.Store, "", "")
	if err != nil {
		return err
	}
	for _, rel := range rels {
		if slices.Contains(rel.Reporters, code) || slices.Contains(rel.Partners, code) && slices.Contains(rel.Reporters, China) {
			d.Releases = append(d.Releases, rel)
		}
	}
	return h.site.Render(w, r, http.StatusOK, "trade_member", d)
}

// monthlyChart draws a member's monthly trade with China, when some release
// gives months: the member's own figures, or China's.
func (h *handlers) monthlyChart(ctx context.Context, v view, code, name string) (template.HTML, string, error) {
	for _, side := range []struct {
		rep, par, from string
		flip           bool
	}{{code, China, v.T("%s figures", v.of(name)), false}, {China, code, v.T("China's figures"), true}} {
		b, err := BalanceSeries(ctx, h.mon.Store, side.rep, side.par, tradefile.BasisReported, true)
		if err != nil {
			return "", "", err
		}
		if len(b.Series) == 0 {
			continue
		}
		exp := chart.Series{Name: v.T("Exports to China"), Class: "s1"}
		imp := chart.Series{Name: v.T("Imports from China"), Class: "s2"}
		for _, p := range b.Series {
			e, i := p.Exports, p.Imports
			if side.flip {
				e, i = i, e
			}
			pt := func(y float64) chart.Point {
				return chart.Point{X: float64(p.Year*12 + p.Month), Label: v.month(p.Year, p.Month), Y: y}
			}
			if e != nil {
				exp.Points = append(exp.Points, pt(*e))
			}
			if i != nil {
				imp.Points = append(imp.Points, pt(*i))
			}
		}
		var ss []chart.Series
		for _, s := range []chart.Series{exp, imp} {
			if len(s.Points) > 0 {
				ss = append(ss, s)
			}
		}
		return chart.Lines(v.T("%s trade with China, by month", v.of(name)), v.T("Monthly exports to and imports from China in US$, from %s.", side.from), ss, v.tick), side.from, nil
	}
	return "", "", nil
}

// homeSection is a short summary of ASEAN's trade with China for the home
// page.
func (h *handlers) homeSection(r *http.Request) (template.HTML, error) {
	ctx := r.Context()
	own, china, err := h.balances(ctx, country.ASEAN)
	if err != nil {
		return "", err
	}
	year := latestYear(own, china)
	if year == 0 {
		return "", nil
	}
	alerts, err := h.mon.Alerts(ctx)
	if err != nil {
		return "", err
	}
	v := h.view(r)
	d := struct {
		Year             int
		OwnBal, ChinaBal Amount
		OwnMissing       string
		Total            Amount
		Alerts           []Alert
	}{Year: year}
	if p := own.Point(year, 0); p != nil {
		d.OwnBal = v.amt(p.Balance)
		var names []string
		for _, m := range p.Missing {
			names = append(names, v.country(m))
		}
		d.OwnMissing = v.list(names)
	}
	if p := china.Point(year, 0); p != nil {
		d.Total = v.sum(p.Total())
		if p.Balance != nil {
			d.ChinaBal = v.sum(-*p.Balance)
		}
	}
	d.Alerts = v.alerts(alerts[:min(3, len(alerts))])
	return h.site.RenderFragment(r, "trade", "home-section", d)
}

// partySection shows a state's trade with China on its party page (and
// China's with ASEAN on China's).
func (h *handlers) partySection(r *http.Request, party *browse.Party) (template.HTML, error) {
	if party.Type != "state" {
		return "", nil
	}
	code := strings.ToUpper(party.ID)
	ctx := r.Context()
	v := h.view(r)
	member, name, url := code, v.country(code), "/trade/"+party.ID
	if code == China {
		member, name, url = country.ASEAN, v.country(country.ASEAN), "/trade"
	} else if !country.IsASEANMember(code) {
		return "", nil
	}
	own, china, err := h.balances(ctx, member)
	if err != nil {
		return "", err
	}
	year := latestYear(own, china)
	if year == 0 {
		return "", nil
	}
	ownPt, chinaPt := own.Point(year, 0), china.Point(year, 0)
	d := struct {
		Name, Of, URL    string
		IsChina          bool
		Year             int
		Own, China       *figures
		OwnBal, ChinaBal Amount
	}{Name: name, Of: v.of(name), URL: url, IsChina: code == China, Year: year, Own: v.figures(ownPt), China: v.figures(chinaPt)}
	if ownPt != nil {
		d.OwnBal = v.amt(ownPt.Balance)
	}
	if chinaPt != nil && chinaPt.Balance != nil {
		d.ChinaBal = v.sum(-*chinaPt.Balance)
	}
	return h.site.RenderFragment(r, "trade", "party-section", d)
}
