package trade

import (
	"cmp"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"

	"github.com/kongsi/kongsi/internal/chart"
	"github.com/kongsi/kongsi/internal/trade/country"
)

// X, M and B are a point's exports, imports and balance, for CSV files.
func (p *BalancePoint) X() Amount { return amt(p.Exports) }
func (p *BalancePoint) M() Amount { return amt(p.Imports) }
func (p *BalancePoint) B() Amount { return amt(p.Balance) }

// yearFigures are a year's exports, imports and balance, for pages.
type yearFigures struct {
	Year int
	figures
}

// mirrorRow is a mirror comparison on a page. Its names, in the page's
// language, stand for the flow's English ones.
type mirrorRow struct {
	MirrorFlow
	Name, ExporterName, ImporterName      string
	Exp, Imp, Gap, Allowance, Unexplained Amount
	Ratio                                 string
	Share                                 Pct
}

func (v view) mirrorRows(fs []MirrorFlow) []mirrorRow {
	var out []mirrorRow
	for _, f := range fs {
		r := mirrorRow{MirrorFlow: f, Name: v.product(f.Name), ExporterName: v.country(f.Exporter), ImporterName: v.country(f.Importer),
			Exp: v.amt(f.ExportsFOB), Imp: v.amt(f.ImportsCIF), Gap: v.amt(f.Gap), Allowance: v.amt(f.Allowance),
			Unexplained: v.amt(f.Unexplained), Share: v.pct(f.UnexplainedShare), Ratio: "—"}
		if f.Ratio != nil {
			r.Ratio = v.ratio(f.Ratio)
		}
		out = append(out, r)
	}
	return out
}

// mirrorChart draws, year by year, China's reported exports to a member
// against the member's reported imports from China.
func mirrorChart(v view, code, name string, fs []MirrorFlow) template.HTML {
	exp := chart.Series{Name: v.T("China's exports to %s, as China reports them (f.o.b.)", name), Class: "s1"}
	imp := chart.Series{Name: v.T("%s imports from China, as %s reports them (c.i.f.)", v.of(name), name), Class: "s2"}
	for _, f := range fs {
		if f.Exporter != China || f.Importer != code {
			continue
		}
		pt := func(y float64) chart.Point { return chart.Point{X: float64(f.Year), Label: strconv.Itoa(f.Year), Y: y} }
		if f.ExportsFOB != nil {
			exp.Points = append(exp.Points, pt(*f.ExportsFOB))
		}
		if f.ImportsCIF != nil {
			imp.Points = append(imp.Points, pt(*f.ImportsCIF))
		}
	}
	if len(exp.Points) == 0 && len(imp.Points) == 0 {
		return ""
	}
	byX := func(a, b chart.Point) int { return cmp.Compare(a.X, b.X) }
	slices.SortFunc(exp.Points, byX)
	slices.SortFunc(imp.Points, byX)
	return chart.Lines(v.T("Mirror statistics: China's exports to %s against %s imports from China", name, v.of(name)),
		v.T("The same flow of goods as each side records it, by year, in US$. The importer's figure includes freight and insurance (c.i.f.); the exporter's does not (f.o.b.), so it is normally a little lower."),
		[]chart.Series{exp, imp}, v.tick)
}

type mirrorPageData struct {
	Years       []int
	Partner     string
	PartnerName string
	ProductsCSV string
	Year        int
	CIFFOB      float64
	Allowance   string
	Default     string
	Members     []memberOption
	Rows        []mirrorRow
	Products    []mirrorRow
	Chart       template.HTML
	Query       template.URL
	Exporter    string
}

func (h *handlers) mirrorPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := &params{r: r}
	partner := p.code("partner", country.ASEAN, true)
	every := p.str("year") == "all"
	year := 0
	if !every {
		year = p.year("year")
	}
	cifFob := p.float("cif_fob", DefaultCIFFOB, 0, 1)
	exporter := p.code("exporter", China, false)
	if p.err != nil {
		return p.err
	}
	own, china, err := h.balances(ctx, country.ASEAN)
	if err != nil {
		return err
	}
	ys := years(own, china)
	// Every member's flows: the latest year unless asked for all.
	if year == 0 && !every && partner == country.ASEAN {
		year = latestYear(own, china)
	}
	mir, err := h.mon.Mirror(ctx, partner, year, cifFob)
	if err != nil {
		return err
	}
	v := h.view(r)
	d := mirrorPageData{Partner: partner, Year: year, Years: ys, CIFFOB: cifFob, Allowance: v.share(cifFob), Default: v.share(DefaultCIFFOB), Members: v.memberOptions(),
		Rows: v.mirrorRows(mir.Flows), Query: template.URL(r.URL.Query().Encode()), Exporter: exporter, PartnerName: v.country(partner)}
	if partner != country.ASEAN {
		all := mir
		if year != 0 {
			if all, err = h.mon.Mirror(ctx, partner, 0, cifFob); err != nil {
				return err
			}
		}
		d.Chart = mirrorChart(v, partner, d.PartnerName, all.Flows)
		if year != 0 {
			importer := partner
			if exporter != China {
				exporter, importer = partner, China
			}
			prods, err := h.mon.MirrorProducts(ctx, exporter, importer, year, "2", cifFob)
			if err != nil {
				return err
			}
			d.Products = v.mirrorRows(prods)
			d.ProductsCSV = fmt.Sprintf("/api/v1/trade/mirror/products.csv?exporter=%s&importer=%s&year=%d&cif_fob=%v", exporter, importer, year, cifFob)
		}
	}
	return h.site.Render(w, r, http.StatusOK, "trade_mirror", d)
}

// surgeRow is a surge on a page. Its names, in the page's language, stand
// for the surge's English ones.
type surgeRow struct {
	Surge
	Name, ImporterName, ImporterOf string
	Months                         string
	ValueA, AvgA                   Amount
	ValueX, QtyX                   string
	Qty, AvgQty                    string
	UV, AvgUV                      string
	UVChange                       Pct
	Flags                          []string
	PrevValues, PrevQtys           []string
}

func (v view) surgeRows(ss []Surge) []surgeRow {
	var out []surgeRow
	for _, s := range ss {
		name := v.country(s.Importer)
		r := surgeRow{Surge: s, Name: v.product(s.Name), ImporterName: name, ImporterOf: v.of(name), Months: v.months(s.months),
			ValueA: v.sum(s.Value), AvgA: v.sum(s.AvgValue), ValueX: v.ratio(s.ValueRatio), QtyX: "—",
			Qty: v.kg(s.Qty), AvgQty: v.kg(s.AvgQty), UV: v.perKg(s.UnitValue), AvgUV: v.perKg(s.AvgUnitValue), UVChange: v.pct(s.UnitValueDiff)}
		if s.QtyRatio != nil {
			r.QtyX = v.ratio(s.QtyRatio)
		}
		if s.Pattern {
			r.Flags = append(r.Flags, v.T("volume up, unit value down"))
		}
		if s.ValueSurge {
			r.Flags = append(r.Flags, v.T("value"))
		}
		if s.VolumeSurge && !s.Pattern {
			r.Flags = append(r.Flags, v.T("volume"))
		}
		if s.UnitValueFall && !s.Pattern {
			r.Flags = append(r.Flags, v.T("unit value down"))
		}
		for _, y := range s.Previous {
			r.PrevValues = append(r.PrevValues, strconv.Itoa(y.Year)+": "+v.usd(y.Value))
			r.PrevQtys = append(r.PrevQtys, strconv.Itoa(y.Year)+": "+v.kg(y.Qty))
		}
		out = append(out, r)
	}
	return out
}

// surgeNotes say which members could not be compared.
func (v view) surgeNotes(s *Surges) []string {
	var out []string
	for _, c := range s.short {
		out = append(out, v.T("%s: not enough years of product data to compare with the three years before", v.country(c)))
	}
	return out
}

type surgesPageData struct {
	Partner  string
	Year     int
	Members  []memberOption
	Settings SurgeSettings
	Defaults SurgeSettings
	All      bool
	Result   *Surges
	Rows     []surgeRow
	Notes    []string
	Query    template.URL
	Pct      struct{ Value, Volume, Drop, DefaultValue, DefaultVolume, DefaultDrop string }
	Level    string
}

func (h *handlers) surgesPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	partner, year, set, all, err := surgeParams(r)
	if err != nil {
		return err
	}
	if year == 0 {
		own, china, err := h.balances(ctx, country.ASEAN)
		if err != nil {
			return err
		}
		year = latestYear(own, china)
		// The latest year with product data, if later.
		rels, err := h.mon.productReleases(ctx, "reported", 2)
		if err != nil {
			return err
		}
		for _, rel := range rels {
			year = max(year, rel.YearTo)
		}
	}
	res, err := h.mon.Surges(ctx, partner, year, set, all)
	if err != nil {
		return err
	}
	v := h.view(r)
	d := surgesPageData{Partner: partner, Year: year, Members: v.memberOptions(), Settings: set, Defaults: DefaultSurgeSettings, All: all, Result: res,
		Rows: v.surgeRows(res.Surges), Notes: v.surgeNotes(res), Query: template.URL(r.URL.Query().Encode())}
	d.Pct.Value = v.share(set.ValueTrigger)
	d.Pct.Volume = v.share(set.VolumeTrigger)
	d.Pct.Drop = v.share(set.UnitValueDrop)
	d.Pct.DefaultValue = v.share(DefaultSurgeSettings.ValueTrigger)
	d.Pct.DefaultVolume = v.share(DefaultSurgeSettings.VolumeTrigger)
	d.Pct.DefaultDrop = v.share(DefaultSurgeSettings.UnitValueDrop)
	if set.Level != 0 {
		d.Level = strconv.Itoa(set.Level)
	}
	return h.site.Render(w, r, http.StatusOK, "trade_surges", d)
}
