package trade

import (
	"context"
	"fmt"
	"math/bits"
	"slices"
	"time"

	"github.com/kongsi/kongsi/internal/store"
	"github.com/kongsi/kongsi/internal/trade/country"
	"github.com/kongsi/kongsi/internal/trade/tradefile"
)

// BalancePoint is a reporter's trade with a partner in one period, as the
// reporter states it.
type BalancePoint struct {
	Year    int      `json:"year"`
	Month   int      `json:"month,omitempty"`
	Exports *float64 `json:"exports"` // nil when no figure is given
	Imports *float64 `json:"imports"`
	Balance *float64 `json:"balance"` // exports − imports, when both are given
	// Missing lists the ASEAN members with no figure for the period, when
	// one side is ASEAN: the sums leave them out.
	Missing []string `json:"missing_members,omitempty"`
	// PartialYear says which months a year's figure sums when the data is
	// monthly and the year incomplete: "Jan–Oct".
	PartialYear string   `json:"partial_year,omitempty"`
	Releases    []string `json:"releases"`
}

// Total is exports plus imports.
func (p *BalancePoint) Total() float64 { return val(p.Exports) + val(p.Imports) }

func val(p *float64) float64 {
	if p == nil {
		return 0
	}
	return *p
}

// Balance is the series of a reporter's trade with a partner.
type Balance struct {
	Reporter     string         `json:"reporter"`
	ReporterName string         `json:"reporter_name"`
	Partner      string         `json:"partner"`
	PartnerName  string         `json:"partner_name"`
	Basis        string         `json:"basis"`
	Currency     string         `json:"currency"`
	Valuation    string         `json:"valuation"`
	Series       []BalancePoint `json:"series"`
}

// Point returns the series' point for a period, or nil.
func (b *Balance) Point(year, month int) *BalancePoint {
	for i := range b.Series {
		if b.Series[i].Year == year && b.Series[i].Month == month {
			return &b.Series[i]
		}
	}
	return nil
}

// Latest returns the last point with both flows, or the last point.
func (b *Balance) Latest() *BalancePoint {
	for i := len(b.Series) - 1; i >= 0; i-- {
		if b.Series[i].Balance != nil {
			return &b.Series[i]
		}
	}
	if len(b.Series) > 0 {
		return &b.Series[len(b.Series)-1]
	}
	return nil
}

// BalanceSeries returns a reporter's trade with a partner, period by
// period, as the reporter states it: its exports (f.o.b.) and imports
// (c.i.f.) and the balance. Either side may be ASEAN, for the sum over its
// members (each counted from the year it joined). For each figure, the latest
// loaded release of the basis that gives it is used.
func BalanceSeries(ctx context.Context, st store.Store, reporter, partner, basis string, monthly bool) (*Balance, error) {
	rs, ps := sideOf(reporter), sideOf(partner)
	rows, err := effectiveTotals(ctx, st, rs.codes, ps.codes, basis, monthly)
	if err != nil {
		return nil, err
	}
	b := &Balance{Reporter: reporter, ReporterName: country.NameOf(reporter), Partner: partner, PartnerName: country.NameOf(partner),
		Basis: basis, Currency: "USD", Valuation: "exports f.o.b., imports c.i.f., as the reporter records them"}
	if basis == tradefile.BasisReconciled {
		b.Valuation = "f.o.b., one reconciled value per flow"
	}
	type period struct{ y, m int }
	byPeriod := map[period]*BalancePoint{}
	seen := map[period]map[string]map[string]bool{} // period → flow → member
	var order []period
	for _, t := range rows {
		if t.Reporter == t.Partner {
			continue
		}
		// In an ASEAN aggregate, count each member from the period it joined.
		if rs.group && !country.MemberIn(t.Reporter, t.Year, t.Month) || ps.group && !country.MemberIn(t.Partner, t.Year, t.Month) {
			continue
		}
		k := period{t.Year, t.Month}
		p := byPeriod[k]
		if p == nil {
			p = &BalancePoint{Year: t.Year, Month: t.Month}
			byPeriod[k] = p
			seen[k] = map[string]map[string]bool{"X": {}, "M": {}}
			order = append(order, k)
		}
		target := &p.Exports
		if t.Flow == "M" {
			target = &p.Imports
		}
		if *target == nil {
			*target = new(float64)
		}
		**target += t.Value
		member := t.Partner
		if rs.group {
			member = t.Reporter
		}
		seen[k][t.Flow][member] = true
		if !slices.Contains(p.Releases, t.Release) {
			p.Releases = append(p.Releases, t.Release)
		}
		if t.Month == 0 && t.Months != 0 && t.Months != fullYear {
			p.PartialYear = monthsLabel(uint16(t.Months))
		}
	}
	slices.SortFunc(order, func(a, c period) int {
		if a.y != c.y {
			return a.y - c.y
		}
		return a.m - c.m
	})
	for _, k := range order {
		p := byPeriod[k]
		if p.Exports != nil && p.Imports != nil {
			bal := *p.Exports - *p.Imports
			p.Balance = &bal
		}
		if rs.group || ps.group {
			for _, m := range memberCodes() {
				if !country.MemberIn(m, k.y, k.m) || m == reporter || m == partner {
					continue
				}
				if !seen[k]["X"][m] || !seen[k]["M"][m] {
					p.Missing = append(p.Missing, m)
				}
			}
		}
		slices.Sort(p.Releases)
		b.Series = append(b.Series, *p)
	}
	return b, nil
}

const fullYear = 0x1FFE // bits 1 to 12

// monthsLabel describes the months of a mask: "Jan–Oct", or "Jan, Mar".
func monthsLabel(mask uint16) string {
	var ms []int
	for m := 1; m <= 12; m++ {
		if mask&(1<<m) != 0 {
			ms = append(ms, m)
		}
	}
	if len(ms) == 0 {
		return ""
	}
	name := func(m int) string { return time.Month(m).String()[:3] }
	if ms[len(ms)-1]-ms[0] == len(ms)-1 {
		if len(ms) == 1 {
			return name(ms[0])
		}
		return name(ms[0]) + "–" + name(ms[len(ms)-1])
	}
	if bits.OnesCount16(mask) > 4 {
		return fmt.Sprintf("%d months", len(ms))
	}
	out := ""
	for i, m := range ms {
		if i > 0 {
			out += ", "
		}
		out += name(m)
	}
	return out
}
