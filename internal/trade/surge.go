package trade

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/trade/country"
	"github.com/kongsi/kongsi/internal/trade/hs"
	"github.com/kongsi/kongsi/internal/trade/tradefile"
)

// SurgeSettings are the triggers of import surge flags. The defaults follow
// the special safeguard of the WTO Agreement on Agriculture (Article 5):
// a volume trigger when imports exceed 125% of the average of the three
// preceding years (the trigger for products whose imports are a small share
// of consumption), and a price trigger whose first band begins when the
// import price falls more than 10% below the reference. Kongsi applies the
// same tests to value, volume and unit value, to any product.
type SurgeSettings struct {
	// ValueTrigger flags a value surge when the year's value is at least
	// this multiple of the average of the previous three years.
	ValueTrigger float64 `json:"value_trigger"`
	// VolumeTrigger does the same for the net weight.
	VolumeTrigger float64 `json:"volume_trigger"`
	// UnitValueDrop flags a unit value (US$ per kg) at least this fraction
	// below its average over the previous three years.
	UnitValueDrop float64 `json:"unit_value_drop"`
	// MinValue leaves out products imported for less than this in the year.
	MinValue float64 `json:"min_value"`
	// Level is the HS level compared: 2, 4 or 6, or 0 for the finest the
	// data has.
	Level int `json:"level"`
	// Source chooses whose statistics are used: "importer" (the importing
	// member's own import figures), "exporter" (China's export figures to
	// it), or "auto" (the importer's when it has product detail for the
	// year, China's otherwise).
	Source string `json:"source"`
}

// DefaultSurgeSettings are the triggers the pages and alerts use unless
// told otherwise.
var DefaultSurgeSettings = SurgeSettings{ValueTrigger: 1.25, VolumeTrigger: 1.25, UnitValueDrop: 0.10, MinValue: 1e6, Source: "auto"}

// Check says what is wrong with settings.
func (s SurgeSettings) Check() error {
	switch {
	case s.ValueTrigger < 1 || s.ValueTrigger > 100:
		return problem.Invalid("value_trigger", "param.range", "value_trigger is a multiple of the previous three years' average, from 1 to 100")
	case s.VolumeTrigger < 1 || s.VolumeTrigger > 100:
		return problem.Invalid("volume_trigger", "param.range", "volume_trigger is a multiple of the previous three years' average, from 1 to 100")
	case s.UnitValueDrop <= 0 || s.UnitValueDrop >= 1:
		return problem.Invalid("unit_value_drop", "param.range", "unit_value_drop is a fraction between 0 and 1 (0.10 for a 10%% fall)")
	case s.MinValue < 0:
		return problem.Invalid("min_value", "param.range", "min_value is an amount of US$, zero or more")
	case s.Level != 0 && s.Level != 2 && s.Level != 4 && s.Level != 6:
		return problem.Invalid("level", "param.enum", "level is 2, 4 or 6 (or empty for the finest the data has)")
	case s.Source != "auto" && s.Source != "importer" && s.Source != "exporter":
		return problem.Invalid("source", "param.enum", "source is auto, importer or exporter")
	}
	return nil
}

// Surge is one product's imports in a year against the three years before,
// with the flags they raise.
type Surge struct {
	Importer     string `json:"importer"`
	ImporterName string `json:"importer_name"`
	Exporter     string `json:"exporter"`
	Year         int    `json:"year"`
	// Period is "year", or the months compared in each year when the
	// year's data is incomplete: "Jan–Oct".
	Period string `json:"period"`
	Code   string `json:"product"`
	Name   string `json:"product_name"`
	Level  int    `json:"level"`
	// Source is whose statistics these are: the importer's imports, or the
	// exporter's (China's) exports to it.
	Source        string       `json:"source"`
	Value         float64      `json:"value"`
	Previous      []YearFigure `json:"previous"` // the three years before, oldest first
	AvgValue      float64      `json:"average_value"`
	ValueRatio    *float64     `json:"value_ratio"` // nil for a product new in the year
	Qty           *float64     `json:"net_weight_kg"`
	AvgQty        *float64     `json:"average_net_weight_kg"`
	QtyRatio      *float64     `json:"net_weight_ratio"`
	UnitValue     *float64     `json:"unit_value"` // US$ per kg
	AvgUnitValue  *float64     `json:"average_unit_value"`
	UnitValueDiff *float64     `json:"unit_value_change"` // −0.2 for a 20% fall
	ValueSurge    bool         `json:"value_surge"`
	VolumeSurge   bool         `json:"volume_surge"`
	UnitValueFall bool         `json:"unit_value_drop"`
	// Pattern is a volume surge with a unit-value drop: what complaints of
	// dumping describe.
	Pattern  bool     `json:"dumping_pattern"`
	Releases []string `json:"releases"`
	// months are the months of Period (bits 1 to 12), when it is not the
	// year.
	months uint16
}

// Flagged reports whether any trigger fired.
func (s *Surge) Flagged() bool { return s.ValueSurge || s.VolumeSurge || s.UnitValueFall }

// YearFigure is a product's value and net weight in one year.
type YearFigure struct {
	Year  int      `json:"year"`
	Value float64  `json:"value"`
	Qty   *float64 `json:"net_weight_kg"`
}

// Surges is the surge analysis of imports from China.
type Surges struct {
	Importer string        `json:"importer"`
	Year     int           `json:"year"`
	Settings SurgeSettings `json:"settings"`
	// Checked counts the products compared; Surges lists those flagged
	// (all of them when asked for).
	Checked int     `json:"products_checked"`
	Surges  []Surge `json:"surges"`
	// Notes say why a member could not be checked.
	Notes []string `json:"notes,omitempty"`
	// short are the members the notes are about.
	short []string
}

// Surges compares an ASEAN member's imports from China (or every member's,
// for ASEAN) in a year, product by product, with the three years before.
// With all, products without a flag are listed too.
func (m *Monitor) Surges(ctx context.Context, importer string, year int, set SurgeSettings, all bool) (*Surges, error) {
	if err := set.Check(); err != nil {
		return nil, err
	}
	if importer == China {
		return nil, problem.Invalid("partner", "param.country", "surges are of a partner's imports from China: give the partner")
	}
	out := &Surges{Importer: importer, Year: year, Settings: set, Surges: []Surge{}}
	for _, imp := range sideOf(importer).codes {
		res, note, err := m.pairSurges(ctx, imp, China, set, func(y int) bool { return y == year })
		if err != nil {
			return nil, err
		}
		if note != "" {
			out.Notes = append(out.Notes, note)
			out.short = append(out.short, imp)
		}
		for _, s := range res {
			out.Checked++
			if all || s.Flagged() {
				out.Surges = append(out.Surges, s)
			}
		}
	}
	slices.SortStableFunc(out.Surges, func(a, b Surge) int {
		if a.Pattern != b.Pattern {
			if a.Pattern {
				return -1
			}
			return 1
		}
		if d := (b.Value - b.AvgValue) - (a.Value - a.AvgValue); d != 0 {
			if d > 0 {
				return 1
			}
			return -1
		}
		return strings.Compare(a.Code, b.Code)
	})
	return out, nil
}

// pairSurges computes the surge figures of an importer's imports from an
// exporter for the years that want selects (each needs the three before).
func (m *Monitor) pairSurges(ctx context.Context, importer, exporter string, set SurgeSettings, want func(int) bool) ([]Surge, string, error) {
	rels, err := m.productReleases(ctx, tradefile.BasisReported, 2)
	if err != nil {
		return nil, "", err
	}
	keep := func(y int) bool { return want(y) || want(y+1) || want(y+2) || want(y+3) }
	// Read each side at its finest level, then settle the level.
	sides := map[string][]*ReleaseSummary{}
	for _, r := range rels {
		if r.covers(importer, exporter) && slices.Contains(r.Flows, "M") {
			sides["importer"] = append(sides["importer"], r)
		}
		if r.covers(exporter, importer) && slices.Contains(r.Flows, "X") {
			sides["exporter"] = append(sides["exporter"], r)
		}
	}
	var results []Surge
	years := map[int]bool{}
	var notes []string
	for _, source := range []string{"importer", "exporter"} {
		if set.Source != "auto" && set.Source != source {
			continue
		}
		rs := sides[source]
		if len(rs) == 0 {
			continue
		}
		level := set.Level
		if level == 0 {
			for _, r := range rs {
				level = max(level, r.Level)
			}
		}
		var figs map[yearProduct]*figure
		var used []*ReleaseSummary
		flow := tradefile.Import
		if source == "importer" {
			figs, used, err = m.pairProducts(rs, importer, exporter, level, tradefile.BasisReported, keep, true)
		} else {
			figs, used, err = m.pairProducts(rs, exporter, importer, level, tradefile.BasisReported, keep, true)
			flow = tradefile.Export
		}
		if err != nil {
			return nil, "", err
		}
		for _, s := range evaluate(figs, flow, level, set) {
			if !want(s.Year) || set.Source == "auto" && years[s.Year] {
				continue // in auto, the importer's own figures come first
			}
			s.Importer, s.ImporterName, s.Exporter, s.Source = importer, country.NameOf(importer), exporter, source
			s.Name = m.Names.Name(s.Code)
			for _, r := range used {
				s.Releases = append(s.Releases, r.Subject)
			}
			results = append(results, s)
		}
		for _, s := range results {
			years[s.Year] = true
		}
	}
	if len(results) == 0 && len(sides) > 0 {
		notes = append(notes, fmt.Sprintf("%s: not enough years of product data to compare with the three years before", country.NameOf(importer)))
	}
	note := ""
	if len(notes) > 0 {
		note = notes[0]
	}
	return results, note, nil
}

// evaluate applies the triggers to the product figures of one side: for
// each year that has the three years before it, each product of the year.
func evaluate(figs map[yearProduct]*figure, flow tradefile.Flow, level int, set SurgeSettings) []Surge {
	months := map[int]uint16{} // year → months present (bit 0 for whole-year data)
	type cell struct {
		value, qty float64
		missing    bool
	}
	data := map[int]map[uint32]map[int]*cell{} // year → product → month → figures
	for k, f := range figs {
		if k.flow != flow {
			continue
		}
		months[k.year] |= 1 << k.month
		if data[k.year] == nil {
			data[k.year] = map[uint32]map[int]*cell{}
		}
		if data[k.year][k.code] == nil {
			data[k.year][k.code] = map[int]*cell{}
		}
		data[k.year][k.code][k.month] = &cell{f.sum, f.qty, f.missing}
	}
	var out []Surge
	var years []int
	for y := range data {
		years = append(years, y)
	}
	slices.Sort(years)
	for _, y := range years {
		mask := months[y]
		// The three years before must have data for the same months.
		ok := true
		for p := y - 3; p < y; p++ {
			if months[p]&mask != mask {
				ok = false
			}
		}
		if !ok {
			continue
		}
		period, periodMonths := "year", uint16(0)
		if mask&1 == 0 && mask != fullYear {
			period, periodMonths = monthsLabel(mask), mask
		}
		sum := func(year int, code uint32) (float64, float64, bool) {
			var v, q float64
			missing := false
			for mo, c := range data[year][code] {
				if mask&(1<<mo) == 0 {
					continue
				}
				v += c.value
				q += c.qty
				missing = missing || c.missing
			}
			return v, q, missing
		}
		codes := make([]uint32, 0, len(data[y]))
		for c := range data[y] {
			codes = append(codes, c)
		}
		slices.Sort(codes)
		for _, code := range codes {
			v, q, qMissing := sum(y, code)
			if v < set.MinValue || v == 0 {
				continue
			}
			s := Surge{Year: y, Period: period, months: periodMonths, Code: hs.Format(code, level), Level: level, Value: v}
			var pv, pq float64
			qKnown := !qMissing && q > 0
			for p := y - 3; p < y; p++ {
				pvv, pqq, pm := sum(p, code)
				fig := YearFigure{Year: p, Value: pvv}
				if !pm || pvv == 0 {
					qq := pqq
					fig.Qty = &qq
				} else {
					qKnown = false
				}
				s.Previous = append(s.Previous, fig)
				pv += pvv
				pq += pqq
			}
			s.AvgValue = pv / 3
			if s.AvgValue > 0 {
				r := v / s.AvgValue
				s.ValueRatio = &r
				s.ValueSurge = r >= set.ValueTrigger
			} else {
				s.ValueSurge = true // new in the year, and above the minimum
			}
			if qKnown {
				qq, avg := q, pq/3
				s.Qty, s.AvgQty = &qq, &avg
				if avg > 0 {
					r := q / avg
					s.QtyRatio = &r
					s.VolumeSurge = r >= set.VolumeTrigger
				}
				uv := v / q
				s.UnitValue = &uv
				if pq > 0 {
					avgUV := pv / pq
					diff := uv/avgUV - 1
					s.AvgUnitValue, s.UnitValueDiff = &avgUV, &diff
					s.UnitValueFall = diff <= -set.UnitValueDrop
				}
			}
			s.Pattern = s.VolumeSurge && s.UnitValueFall
			if math.IsNaN(s.Value) {
				continue
			}
			out = append(out, s)
		}
	}
	return out
}
