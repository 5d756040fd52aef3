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

// X, M and B are a point's exports, imports and balance for pages.
func (p *BalancePoint) X() Amount { return amt(p.Exports) }
func (p *BalancePoint) M() Amount { return amt(p.Imports) }
func (p *BalancePoint) B() Amount { return amt(p.Balance) }

// mirrorRow is a mirror comparison on a page.
type mirrorRow struct {
	MirrorFlow
	Exp, Imp, Gap, Allowance, Unexplained Amount
	Ratio                                 string
	Share                                 Pct
}

func mirrorRows(fs []MirrorFlow) []mirrorRow {
	var out []mirrorRow
	for _, f := range fs {
		r := mirrorRow{MirrorFlow: f, Exp: amt(f.ExportsFOB), Imp: amt(f.ImportsCIF), Gap: amt(f.Gap), Allowance: amt(f.Allowance),
			Unexplained: amt(f.Unexplained), Share: pct(f.UnexplainedShare), Ratio: "—"}
		if f.Ratio != nil {
			r.Ratio = ratio(f.Ratio)
		}
		out = append(out, r)
	}
	return out
}

// mirrorChart draws, year by year, China's reported exports to a member
// against the member's reported imports from China.
func mirrorChart(code, name string, fs []MirrorFlow) template.HTML {
	exp := chart.Series{Name: "China's exports to " + name + ", as China reports them (f.o.b.)", Class: "s1"}
	imp := chart.Series{Name: possessive(name) + " imports from China, as " + name + " reports them (c.i.f.)", Class: "s2"}
	for _, f := range fs {
		if f.Exporter != China || f.Importer != code {
			continue
		}
		pt := func(v float64) chart.Point { return chart.Point{X: float64(f.Year), Label: strconv.Itoa(f.Year), Y: v} }
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
	return chart.Lines("Mirror statistics: China's exports to "+name+" against "+name+"'s imports from China",
		"The same flow of goods as each side records it, by year, in US$. The importer's figure includes freight and insurance (c.i.f.); the exporter's does not (f.o.b.), so it is normally a little lower.",
		[]chart.Series{exp, imp}, billions)
}

type mirrorPageData struct {
	Years       []int
	Partner     string
	PartnerName string
	ProductsCSV string
	Year        int
	CIFFOB      float64
	Percent     string
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
	d := mirrorPageData{Partner: partner, Year: year, Years: ys, CIFFOB: cifFob, Percent: strconv.FormatFloat(cifFob*100, 'f', -1, 64), Members: memberOptions(),
		Rows: mirrorRows(mir.Flows), Query: template.URL(r.URL.Query().Encode()), Exporter: exporter, PartnerName: country.NameOf(partner)}
	if partner != country.ASEAN {
		all := mir
		if year != 0 {
			if all, err = h.mon.Mirror(ctx, partner, 0, cifFob); err != nil {
				return err
			}
		}
		d.Chart = mirrorChart(partner, country.NameOf(partner), all.Flows)
		if year != 0 {
			importer := partner
			if exporter != China {
				exporter, importer = partner, China
			}
			prods, err := h.mon.MirrorProducts(ctx, exporter, importer, year, "2", cifFob)
			if err != nil {
				return err
			}
			d.Products = mirrorRows(prods)
			d.ProductsCSV = fmt.Sprintf("/api/v1/trade/mirror/products.csv?exporter=%s&importer=%s&year=%d&cif_fob=%v", exporter, importer, year, cifFob)
		}
	}
	return h.site.Render(w, r, http.StatusOK, "trade_mirror", d)
}

// surgeRow is a surge on a page.
type surgeRow struct {
	Surge
	ImporterOf           string
	ValueA, AvgA         Amount
	ValueX, QtyX         string
	Qty, AvgQty          string
	UV, AvgUV            string
	UVChange             Pct
	Flags                []string
	PrevValues, PrevQtys []string
}

func kg(p *float64) string {
	if p == nil {
		return "—"
	}
	v := *p
	switch {
	case v >= 1e9:
		return strconv.FormatFloat(v/1e9, 'f', 1, 64) + " Mt"
	case v >= 1e6:
		return strconv.FormatFloat(v/1e6, 'f', 1, 64) + " kt"
	case v >= 1e3:
		return strconv.FormatFloat(v/1e3, 'f', 1, 64) + " t"
	}
	return strconv.FormatFloat(v, 'f', 0, 64) + " kg"
}

func perKg(p *float64) string {
	if p == nil {
		return "—"
	}
	return "US$ " + strconv.FormatFloat(*p, 'f', 2, 64) + "/kg"
}

func surgeRows(ss []Surge) []surgeRow {
	var out []surgeRow
	for _, s := range ss {
		r := surgeRow{Surge: s, ImporterOf: possessive(s.ImporterName), ValueA: Amount{s.Value, true}, AvgA: Amount{s.AvgValue, true}, ValueX: ratio(s.ValueRatio), QtyX: "—",
			Qty: kg(s.Qty), AvgQty: kg(s.AvgQty), UV: perKg(s.UnitValue), AvgUV: perKg(s.AvgUnitValue), UVChange: pct(s.UnitValueDiff)}
		if s.QtyRatio != nil {
			r.QtyX = ratio(s.QtyRatio)
		}
		if s.Pattern {
			r.Flags = append(r.Flags, "volume up, unit value down")
		}
		if s.ValueSurge {
			r.Flags = append(r.Flags, "value")
		}
		if s.VolumeSurge && !s.Pattern {
			r.Flags = append(r.Flags, "volume")
		}
		if s.UnitValueFall && !s.Pattern {
			r.Flags = append(r.Flags, "unit value down")
		}
		for _, y := range s.Previous {
			r.PrevValues = append(r.PrevValues, fmt.Sprintf("%d: %s", y.Year, formatUSD(y.Value)))
			r.PrevQtys = append(r.PrevQtys, fmt.Sprintf("%d: %s", y.Year, kg(y.Qty)))
		}
		out = append(out, r)
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
	Query    template.URL
	Pct      struct{ Value, Volume, Drop string }
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
	d := surgesPageData{Partner: partner, Year: year, Members: memberOptions(), Settings: set, Defaults: DefaultSurgeSettings, All: all, Result: res,
		Rows: surgeRows(res.Surges), Query: template.URL(r.URL.Query().Encode())}
	d.Pct.Value = strconv.FormatFloat(set.ValueTrigger*100, 'f', -1, 64)
	d.Pct.Volume = strconv.FormatFloat(set.VolumeTrigger*100, 'f', -1, 64)
	d.Pct.Drop = strconv.FormatFloat(set.UnitValueDrop*100, 'f', -1, 64)
	if set.Level != 0 {
		d.Level = strconv.Itoa(set.Level)
	}
	return h.site.Render(w, r, http.StatusOK, "trade_surges", d)
}
