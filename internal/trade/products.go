package trade

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/store"
	"github.com/kongsi/kongsi/internal/trade/country"
	"github.com/kongsi/kongsi/internal/trade/hs"
	"github.com/kongsi/kongsi/internal/trade/tradefile"
)

// Monitor answers the trade monitor's questions from a register's store and
// its data directory.
type Monitor struct {
	Store   store.Store
	DataDir string
	Names   *hs.Names
	segs    *segments
	alerts  alertCache
}

// NewMonitor makes a monitor for the module's data in a register.
func (m *Module) NewMonitor(st store.Store, dataDir string) *Monitor {
	return &Monitor{Store: st, DataDir: dataDir, Names: m.names, segs: m.segs}
}

// Product levels for queries: sections, or an HS level.
const (
	LevelSection = "section"
)

// ParseLevel reads a product level: section, 2, 4 or 6.
func ParseLevel(s string) (string, int, error) {
	switch s {
	case "", "2":
		return "2", 2, nil
	case LevelSection:
		return LevelSection, 2, nil
	case "4":
		return "4", 4, nil
	case "6":
		return "6", 6, nil
	}
	return "", 0, problem.Invalid("level", "param.enum", "level must be section, 2, 4 or 6, not %q", s)
}

// ProductFigure is one product's part in a reporter's trade with a partner.
type ProductFigure struct {
	Code    string  `json:"code"` // "85", "8501", "850110", or the section's numeral
	Name    string  `json:"name"`
	Section string  `json:"section,omitempty"`
	Exports float64 `json:"exports"`
	Imports float64 `json:"imports"`
	Net     float64 `json:"net"` // exports − imports
	// Shares of the reporter's total exports to and imports from the
	// partner, when the totals are known.
	ExportShare *float64 `json:"export_share"`
	ImportShare *float64 `json:"import_share"`
}

// Products is what drives a reporter's balance with a partner in a year.
type Products struct {
	Reporter     string   `json:"reporter"`
	Partner      string   `json:"partner"`
	Year         int      `json:"year"`
	Level        string   `json:"level"`
	Basis        string   `json:"basis"`
	TotalExports *float64 `json:"total_exports"`
	TotalImports *float64 `json:"total_imports"`
	Complete     bool     `json:"complete"` // the product figures cover all products
	// Reporters lists the countries whose figures are summed: for ASEAN,
	// the members with product figures for the year.
	Reporters []string        `json:"reporters"`
	Products  []ProductFigure `json:"products"`
	Releases  []string        `json:"releases"`
}

// productKey is a product at a level, with the flow.
type productKey struct {
	flow tradefile.Flow
	code uint32
}

// ProductDrivers returns the products of a reporter's trade with a partner
// in a year, at a level, sorted by how much they weigh on the balance (the
// absolute value of exports − imports). Either side may be ASEAN. For each
// pair of countries, flow and product, the latest loaded release that gives
// the product is used.
func (m *Monitor) ProductDrivers(ctx context.Context, reporter, partner string, year int, level, basis string) (*Products, error) {
	level, hsLevel, err := ParseLevel(level)
	if err != nil {
		return nil, err
	}
	out := &Products{Reporter: reporter, Partner: partner, Year: year, Level: level, Basis: basis, Products: []ProductFigure{}, Releases: []string{}, Complete: true}
	sums, rels, complete, reps, err := m.productSums(ctx, reporter, partner, year, hsLevel, basis)
	if err != nil {
		return nil, err
	}
	out.Complete = complete && len(sums) > 0
	out.Releases, out.Reporters = rels, reps
	byCode := map[string]*ProductFigure{}
	for k, v := range sums {
		code := hs.Format(k.code, hsLevel)
		name := m.Names.Name(code)
		sec, hasSec := m.Names.SectionOf(code)
		if level == LevelSection {
			code, name = "other", "Special and unclassified (chapters 98, 99)"
			if hasSec {
				code, name = sec.Roman, sec.Name
			}
		}
		f := byCode[code]
		if f == nil {
			f = &ProductFigure{Code: code, Name: name}
			if hasSec && level != LevelSection {
				f.Section = sec.Roman
			}
			byCode[code] = f
		}
		if k.flow == tradefile.Export {
			f.Exports += v
		} else {
			f.Imports += v
		}
	}
	bal, err := BalanceSeries(ctx, m.Store, reporter, partner, basis, false)
	if err != nil {
		return nil, err
	}
	if p := bal.Point(year, 0); p != nil {
		out.TotalExports, out.TotalImports = p.Exports, p.Imports
	}
	for _, f := range byCode {
		f.Net = f.Exports - f.Imports
		if out.TotalExports != nil && *out.TotalExports > 0 {
			s := f.Exports / *out.TotalExports
			f.ExportShare = &s
		}
		if out.TotalImports != nil && *out.TotalImports > 0 {
			s := f.Imports / *out.TotalImports
			f.ImportShare = &s
		}
		out.Products = append(out.Products, *f)
	}
	slices.SortFunc(out.Products, func(a, b ProductFigure) int {
		if d := math.Abs(b.Net) - math.Abs(a.Net); d != 0 {
			if d > 0 {
				return 1
			}
			return -1
		}
		return strings.Compare(a.Code, b.Code)
	})
	return out, nil
}

// productSums sums, over the pairs of countries of reporter and partner,
// each flow's value per product at an HS level in a year. complete is false
// when a release used covers listed products only.
func (m *Monitor) productSums(ctx context.Context, reporter, partner string, year, level int, basis string) (map[productKey]float64, []string, bool, []string, error) {
	rels, err := m.productReleases(ctx, basis, level)
	if err != nil {
		return nil, nil, false, nil, err
	}
	sums := map[productKey]float64{}
	var used []string
	reps := []string{}
	complete := true
	rs, ps := sideOf(reporter), sideOf(partner)
	for _, r := range rs.codes {
		for _, p := range ps.codes {
			if r == p || rs.group && !country.MemberIn(r, year, 0) || ps.group && !country.MemberIn(p, year, 0) {
				continue
			}
			figs, relsUsed, err := m.pairProducts(rels, r, p, level, basis, func(y int) bool { return y == year }, false)
			if err != nil {
				return nil, nil, false, nil, err
			}
			if len(figs) > 0 {
				who := r
				if ps.group {
					who = p
				}
				if !slices.Contains(reps, who) {
					reps = append(reps, who)
				}
			}
			for k, v := range figs {
				sums[productKey{k.flow, k.code}] += v.sum
			}
			for _, s := range relsUsed {
				if !slices.Contains(used, s.Subject) {
					used = append(used, s.Subject)
					if s.Products != ProductsAll {
						complete = false
					}
				}
			}
		}
	}
	slices.Sort(used)
	slices.Sort(reps)
	return sums, used, complete, reps, nil
}

// productReleases lists the loaded releases of a basis with products at
// the level or finer, latest first.
func (m *Monitor) productReleases(ctx context.Context, basis string, level int) ([]*ReleaseSummary, error) {
	all, err := Releases(ctx, m.Store, "", StatusLoaded)
	if err != nil {
		return nil, err
	}
	var out []*ReleaseSummary
	for _, r := range all {
		if r.Basis == basis && r.Level >= level && r.Level > 0 {
			out = append(out, r)
		}
	}
	return out, nil
}

// yearProduct is a product in a year and flow.
type yearProduct struct {
	flow  tradefile.Flow
	year  int
	month int // 0 unless months are asked for
	code  uint32
}

type figure struct {
	sum     float64
	qty     float64
	missing bool // some row had no quantity
	rank    uint64
}

// pairProducts reads the product rows of one reporter and partner in the
// years keep selects, from the releases given (latest first), keeping for
// each year, flow and product the latest release's figure. For reconciled
// data the reporter's imports are its partner's exports. It returns the
// releases whose figures it kept. byMonth keeps months apart.
func (m *Monitor) pairProducts(rels []*ReleaseSummary, reporter, partner string, level int, basis string, keep func(year int) bool, byMonth bool) (map[yearProduct]*figure, []*ReleaseSummary, error) {
	rc, _ := country.ByAlpha3(reporter)
	pc, _ := country.ByAlpha3(partner)
	out := map[yearProduct]*figure{}
	var used []*ReleaseSummary
	for _, rel := range rels {
		type scan struct {
			from, to country.Code
			flip     bool // rows are the partner's exports: the reporter's imports
		}
		var scans []scan
		if rel.covers(reporter, partner) {
			scans = append(scans, scan{rc, pc, false})
		}
		if basis == tradefile.BasisReconciled && rel.covers(partner, reporter) {
			scans = append(scans, scan{pc, rc, true})
		}
		if len(scans) == 0 {
			continue
		}
		seg, err := m.segs.get(segmentPath(m.DataDir, rel.Dataset, rel.Format))
		if err != nil {
			return nil, nil, fmt.Errorf("couldn't open the trade store of %s: %w", rel.Subject, err)
		}
		mine := map[yearProduct]*figure{}
		for _, s := range scans {
			err := seg.Scan(s.from, s.to, func(r *tradefile.Row) bool {
				if !keep(int(r.Year)) || int(r.Level) < level {
					return true
				}
				flow := r.Flow
				if s.flip {
					if flow != tradefile.Export {
						return true
					}
					flow = tradefile.Import
				}
				k := yearProduct{flow: flow, year: int(r.Year), code: hs.Prefix(r.HS, int(r.Level), level)}
				if byMonth {
					k.month = int(r.Month)
				}
				f := mine[k]
				if f == nil {
					f = &figure{rank: rel.Index}
					mine[k] = f
				}
				f.sum += r.Value
				if math.IsNaN(r.Qty) {
					f.missing = true
				} else {
					f.qty += r.Qty
				}
				return true
			})
			if err != nil {
				return nil, nil, err
			}
		}
		kept := false
		for k, f := range mine {
			if have, ok := out[k]; !ok || have.rank < f.rank {
				out[k] = f
				kept = true
			}
		}
		if kept {
			used = append(used, rel)
		}
	}
	return out, used, nil
}

// formatUSD writes an amount of US$ for people: "US$ 114.2 bn".
func formatUSD(v float64) string {
	a := math.Abs(v)
	sign := ""
	if v < 0 {
		sign = "−"
	}
	switch {
	case a >= 1e9:
		return sign + "US$ " + strconv.FormatFloat(a/1e9, 'f', 1, 64) + " bn"
	case a >= 1e6:
		return sign + "US$ " + strconv.FormatFloat(a/1e6, 'f', 1, 64) + " m"
	case a >= 1e3:
		return sign + "US$ " + strconv.FormatFloat(a/1e3, 'f', 1, 64) + " k"
	}
	return sign + "US$ " + strconv.FormatFloat(a, 'f', 0, 64)
}
