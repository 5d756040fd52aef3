package trade

import (
	"context"
	"math"
	"slices"
	"strings"

	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/trade/country"
	"github.com/kongsi/kongsi/internal/trade/hs"
	"github.com/kongsi/kongsi/internal/trade/tradefile"
)

// China is the code of the other side of every mirror comparison.
const China = "CHN"

// DefaultCIFFOB is the allowance for freight and insurance that an
// importer's c.i.f. figure may exceed the exporter's f.o.b. figure by before
// the gap is called unexplained: 10%, the factor the IMF's Direction of Trade
// Statistics uses when it estimates one side of a flow from the other.
const DefaultCIFFOB = 0.10

// MirrorFlow compares the two statements of one flow of goods: what the
// exporter reports exporting (f.o.b.) and what the importer reports
// importing (c.i.f.).
type MirrorFlow struct {
	Exporter     string   `json:"exporter"`
	ExporterName string   `json:"exporter_name"`
	Importer     string   `json:"importer"`
	ImporterName string   `json:"importer_name"`
	Year         int      `json:"year"`
	Code         string   `json:"product,omitempty"` // for product comparisons
	Name         string   `json:"product_name,omitempty"`
	ExportsFOB   *float64 `json:"exporter_reports_fob"`
	ImportsCIF   *float64 `json:"importer_reports_cif"`
	// Gap is imports c.i.f. − exports f.o.b.; Ratio imports / exports.
	Gap   *float64 `json:"gap"`
	Ratio *float64 `json:"ratio"`
	// Allowance is what freight and insurance may explain: exports ×
	// the c.i.f./f.o.b. allowance. Unexplained is Gap − Allowance, and
	// UnexplainedShare that as a share of the exporter's figure.
	Allowance        *float64 `json:"allowance"`
	Unexplained      *float64 `json:"unexplained"`
	UnexplainedShare *float64 `json:"unexplained_share"`
	ExporterReleases []string `json:"exporter_releases"`
	ImporterReleases []string `json:"importer_releases"`
}

func (f *MirrorFlow) compute(cifFob float64) {
	if f.ExportsFOB == nil || f.ImportsCIF == nil {
		return
	}
	e, i := *f.ExportsFOB, *f.ImportsCIF
	gap, allow := i-e, e*cifFob
	unexpl := gap - allow
	f.Gap, f.Allowance, f.Unexplained = &gap, &allow, &unexpl
	if e > 0 {
		ratio, share := i/e, unexpl/e
		f.Ratio, f.UnexplainedShare = &ratio, &share
	}
}

// Mirror is the comparison of China's statements with its partners'.
type Mirror struct {
	Partner string       `json:"partner"`
	Year    int          `json:"year,omitempty"`
	CIFFOB  float64      `json:"cif_fob_allowance"`
	Flows   []MirrorFlow `json:"flows"`
}

// Mirror compares, for a partner of China (or every ASEAN member) and a year
// (or every year), China's reported exports to the partner with the
// partner's reported imports from China, and the partner's reported exports
// to China with China's reported imports from it. Flows are sorted by year,
// then by the size of the unexplained gap.
func (m *Monitor) Mirror(ctx context.Context, partner string, year int, cifFob float64) (*Mirror, error) {
	if partner == China {
		return nil, problem.Invalid("partner", "param.country", "the mirror compares China with a partner: give the partner")
	}
	ps := sideOf(partner)
	all := append([]string{China}, ps.codes...)
	rows, err := queryTotals(ctx, m.Store, totalsQuery{reporters: all, partners: all, basis: tradefile.BasisReported, with: China, year: year})
	if err != nil {
		return nil, err
	}
	type key struct {
		rep, par string
		year     int
		flow     string
	}
	figs := map[key]totalRow{}
	years := map[int]bool{}
	for _, t := range rows {
		figs[key{t.Reporter, t.Partner, t.Year, t.Flow}] = t
		years[t.Year] = true
	}
	out := &Mirror{Partner: partner, Year: year, CIFFOB: cifFob, Flows: []MirrorFlow{}}
	var ys []int
	for y := range years {
		if year == 0 || y == year {
			ys = append(ys, y)
		}
	}
	slices.Sort(ys)
	for _, y := range ys {
		var flows []MirrorFlow
		for _, p := range ps.codes {
			for _, dir := range [][2]string{{China, p}, {p, China}} {
				exp, imp := dir[0], dir[1]
				f := MirrorFlow{Exporter: exp, ExporterName: country.NameOf(exp), Importer: imp, ImporterName: country.NameOf(imp), Year: y,
					ExporterReleases: []string{}, ImporterReleases: []string{}}
				if t, ok := figs[key{exp, imp, y, "X"}]; ok {
					v := t.Value
					f.ExportsFOB = &v
					f.ExporterReleases = []string{t.Release}
				}
				if t, ok := figs[key{imp, exp, y, "M"}]; ok {
					v := t.Value
					f.ImportsCIF = &v
					f.ImporterReleases = []string{t.Release}
				}
				if f.ExportsFOB == nil && f.ImportsCIF == nil {
					continue
				}
				f.compute(cifFob)
				flows = append(flows, f)
			}
		}
		slices.SortStableFunc(flows, func(a, b MirrorFlow) int { return cmpAbs(b.Unexplained, a.Unexplained) })
		out.Flows = append(out.Flows, flows...)
	}
	return out, nil
}

// cmpAbs orders optional amounts by absolute value, missing ones first.
func cmpAbs(a, b *float64) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	x, y := math.Abs(*a), math.Abs(*b)
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// MirrorProducts compares, product by product, the two statements of one
// flow between China and a partner in a year: China's exports to the partner
// with the partner's imports from China (exporter CHN), or the reverse. Both
// sides need product detail for the year (else the list is empty); the
// largest unexplained gaps come first.
func (m *Monitor) MirrorProducts(ctx context.Context, exporter, importer string, year int, level string, cifFob float64) ([]MirrorFlow, error) {
	level, hsLevel, err := ParseLevel(level)
	if err != nil {
		return nil, err
	}
	if level == LevelSection {
		return nil, problem.Invalid("level", "param.enum", "product mirrors are by HS code: level 2, 4 or 6")
	}
	rels, err := m.productReleases(ctx, tradefile.BasisReported, hsLevel)
	if err != nil {
		return nil, err
	}
	keep := func(y int) bool { return y == year }
	expFigs, expRels, err := m.pairProducts(rels, exporter, importer, hsLevel, tradefile.BasisReported, keep, false)
	if err != nil {
		return nil, err
	}
	impFigs, impRels, err := m.pairProducts(rels, importer, exporter, hsLevel, tradefile.BasisReported, keep, false)
	if err != nil {
		return nil, err
	}
	if len(expRels) == 0 || len(impRels) == 0 {
		return []MirrorFlow{}, nil // one side gives no product detail: nothing to compare
	}
	names := func(rs []*ReleaseSummary) []string {
		out := []string{}
		for _, r := range rs {
			out = append(out, r.Subject)
		}
		return out
	}
	byCode := map[uint32]*MirrorFlow{}
	get := func(code uint32) *MirrorFlow {
		f := byCode[code]
		if f == nil {
			c := hs.Format(code, hsLevel)
			f = &MirrorFlow{Exporter: exporter, ExporterName: country.NameOf(exporter), Importer: importer, ImporterName: country.NameOf(importer),
				Year: year, Code: c, Name: m.Names.Name(c), ExporterReleases: names(expRels), ImporterReleases: names(impRels)}
			byCode[code] = f
		}
		return f
	}
	for k, v := range expFigs {
		if k.flow == tradefile.Export {
			s := v.sum
			get(k.code).ExportsFOB = &s
		}
	}
	for k, v := range impFigs {
		if k.flow == tradefile.Import {
			s := v.sum
			get(k.code).ImportsCIF = &s
		}
	}
	out := []MirrorFlow{}
	for _, f := range byCode {
		f.compute(cifFob)
		out = append(out, *f)
	}
	slices.SortFunc(out, func(a, b MirrorFlow) int {
		if c := cmpAbs(b.Unexplained, a.Unexplained); c != 0 {
			return c
		}
		return strings.Compare(a.Code, b.Code)
	})
	return out, nil
}
