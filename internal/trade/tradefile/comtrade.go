package tradefile

import (
	"bytes"
	"io"
	"math"
)

var comtradeFormat = &Format{
	Name:  "comtrade",
	Title: "UN Comtrade (v1 API and bulk CSV)",
	Basis: BasisReported,
	Doc: "The columns of the UN Comtrade v1 API and bulk files, in any order: refYear and refMonth (or period), reporterCode, " +
		"flowCode, partnerCode, cmdCode, primaryValue (or fobvalue and cifvalue), and when present partner2Code, customsCode, " +
		"motCode, mosCode, classificationCode, netWgt, qty and qtyUnitAbbr. Exports (X) and imports (M) are read; re-exports, " +
		"re-imports and other flows are left out, as are rows about the World or groups of partners and breakdowns by second " +
		"partner, customs procedure or mode of transport, which would count the same trade twice. Net weight is taken from " +
		"netWgt, or from qty when its unit is kg.",
	open: openComtrade,
}

type comtradeReader struct {
	*base
	refYear, refMonth, period, reporter, reporterISO, flow, partner, partner2, customs, mot, mos int
	class, cmd, primary, fob, cif, netWgt, qty, qtyUnit                                          int
}

func openComtrade(r io.Reader) (Reader, error) {
	b, err := newBase(r, []column{{"reporterCode", true}, {"flowCode", true}, {"partnerCode", true}, {"cmdCode", true}})
	if err != nil {
		return nil, err
	}
	c := &comtradeReader{base: b,
		refYear: b.col("refYear"), refMonth: b.col("refMonth"), period: b.col("period"),
		reporter: b.col("reporterCode"), reporterISO: b.col("reporterISO"), flow: b.col("flowCode"),
		partner: b.col("partnerCode"), partner2: b.col("partner2Code"), customs: b.col("customsCode"),
		mot: b.col("motCode"), mos: b.col("mosCode"), class: b.col("classificationCode"), cmd: b.col("cmdCode"),
		primary: b.col("primaryValue"), fob: b.col("fobvalue"), cif: b.col("cifvalue"),
		netWgt: b.col("netWgt"), qty: b.col("qty"), qtyUnit: b.col("qtyUnitAbbr"),
	}
	if c.refYear < 0 && c.period < 0 {
		return nil, &Error{Line: 1, Rule: "header.column", Msg: "the header has neither refYear nor period"}
	}
	if c.primary < 0 && (c.fob < 0 || c.cif < 0) {
		return nil, &Error{Line: 1, Rule: "header.column", Msg: "the header has no primaryValue column (nor both fobvalue and cifvalue)"}
	}
	return c, nil
}

var skippedFlows = [][]byte{[]byte("RX"), []byte("RM"), []byte("DX"), []byte("FM"), []byte("MIP"), []byte("XIP"), []byte("MOP"), []byte("XOP"), []byte("MIF"), []byte("XIF")}

// notZero reports whether an optional breakdown column holds something other
// than the code for "all" (0 or the given total code).
func notAll(f []byte, all string) bool {
	f = trimSpace(f)
	return len(f) > 0 && string(f) != all && string(f) != "0"
}

func (c *comtradeReader) Next(r *Row) error {
	for {
		if err := c.next(); err != nil {
			return err
		}
		// Flows.
		switch f := trimSpace(c.field(c.flow)); {
		case string(f) == "X":
			r.Flow = Export
		case string(f) == "M":
			r.Flow = Import
		case containsBytes(skippedFlows, f):
			c.skip("re-exports, re-imports and other flows than exports (X) and imports (M)", f)
			continue
		default:
			return c.errf(c.flow, "flow", "%q is not a UN Comtrade flow code", f)
		}
		// Breakdowns that would count the same trade twice.
		if c.partner2 >= 0 && notAll(c.field(c.partner2), "0") {
			c.skip("a breakdown by second partner", nil)
			continue
		}
		if c.customs >= 0 && notAll(c.field(c.customs), "C00") {
			c.skip("a breakdown by customs procedure", nil)
			continue
		}
		if c.mot >= 0 && notAll(c.field(c.mot), "0") {
			c.skip("a breakdown by mode of transport", nil)
			continue
		}
		if c.mos >= 0 && notAll(c.field(c.mos), "0") {
			c.skip("a breakdown by mode of supply", nil)
			continue
		}
		partner, group, err := c.countryNumeric(c.partner, "partner")
		if err != nil {
			return err
		}
		if group {
			c.skip("the partner is the World or a group of countries", trimSpace(c.field(c.partner)))
			continue
		}
		r.Partner = partner
		reporter, group, err := c.countryNumeric(c.reporter, "reporter")
		if err != nil {
			return err
		}
		if group {
			return c.errf(c.reporter, "country.group", "the reporter %s is a group of countries, not a country", trimSpace(c.field(c.reporter)))
		}
		r.Reporter = reporter
		if err := c.periodOf(r); err != nil {
			return err
		}
		pc := c.refMonth
		if pc < 0 || c.refYear < 0 {
			pc = c.period
		}
		if err := c.frequency(pc, r); err != nil {
			return err
		}
		if c.class >= 0 {
			cl := trimSpace(c.field(c.class))
			if len(cl) > 0 {
				if !(cl[0] == 'H' && (len(cl) == 2 && cl[1] >= '0' && cl[1] <= '9' || string(cl) == "HS")) {
					return c.errf(c.class, "classification", "%q is not an HS classification (H0 to H6); Kongsi reads HS data only", cl)
				}
				c.addClass(cl)
			}
		}
		if err := c.product(c.cmd, r, "TOTAL"); err != nil {
			return err
		}
		col := c.primary
		if col < 0 || len(trimSpace(c.field(col))) == 0 {
			if r.Flow == Export {
				col = c.fob
			} else {
				col = c.cif
			}
		}
		if col < 0 {
			col = c.primary
		}
		if r.Value, err = c.value(col, usd); err != nil {
			return err
		}
		r.Qty = nan
		if c.netWgt >= 0 {
			if r.Qty, err = c.quantity(c.netWgt, 1); err != nil {
				return err
			}
		}
		if (math.IsNaN(r.Qty) || r.Qty == 0) && c.qty >= 0 && c.qtyUnit >= 0 && bytes.EqualFold(trimSpace(c.field(c.qtyUnit)), []byte("kg")) {
			if r.Qty, err = c.quantity(c.qty, 1); err != nil {
				return err
			}
		}
		if r.Qty == 0 {
			r.Qty = nan // a weight of zero for a positive value is a weight not given
		}
		return nil
	}
}

// periodOf reads the year and month: refYear and refMonth (52 or 0 for a
// whole year), or period (2023 or 202301).
func (c *comtradeReader) periodOf(r *Row) error {
	var err error
	if c.refYear >= 0 {
		if r.Year, err = c.year(c.refYear, c.field(c.refYear)); err != nil {
			return err
		}
		r.Month = 0
		if c.refMonth >= 0 {
			f := trimSpace(c.field(c.refMonth))
			m, ok := parseInt(f)
			switch {
			case len(f) == 0 || ok && (m == 0 || m == 52):
			case ok && m >= 1 && m <= 12:
				r.Month = uint8(m)
			default:
				return c.errf(c.refMonth, "period.month", "%q is not a month (1 to 12, or 52 for the whole year)", f)
			}
			return nil
		}
	}
	if c.period < 0 {
		return nil
	}
	f := trimSpace(c.field(c.period))
	switch len(f) {
	case 4:
		r.Year, err = c.year(c.period, f)
		r.Month = 0
		return err
	case 6:
		if r.Year, err = c.year(c.period, f[:4]); err != nil {
			return err
		}
		m, ok := parseInt(f[4:])
		if !ok || m < 1 || m > 12 {
			return c.errf(c.period, "period.month", "%q is not a period (YYYY or YYYYMM)", f)
		}
		r.Month = uint8(m)
		return nil
	}
	return c.errf(c.period, "period", "%q is not a period (YYYY or YYYYMM)", f)
}

func containsBytes(xs [][]byte, b []byte) bool {
	for _, x := range xs {
		if bytes.Equal(x, b) {
			return true
		}
	}
	return false
}
