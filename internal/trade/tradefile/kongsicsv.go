package tradefile

import (
	"io"
	"strings"
)

var csvFormat = &Format{
	Name:  "csv",
	Title: "Kongsi trade CSV",
	Basis: BasisReported,
	Doc: "Kongsi's own simple layout, one figure per line, with a header naming the columns (in any order): reporter and partner " +
		"(ISO 3166 alpha-3 codes of countries), year, month (1 to 12; blank or absent for a whole year), flow (X for the " +
		"reporter's exports to the partner, M for its imports from the partner), hs (an HS code of 2, 4 or 6 digits; blank, " +
		"TOTAL or absent for all products), value_usd (US$, exports f.o.b. and imports c.i.f. as the reporter records them) and " +
		"quantity_kg (net weight; blank when unknown). All rows of a file are at one HS level.",
	open: openCSV,
}

type csvReader struct {
	*base
	reporter, partner, yr, month, flow, hsCol, val, qty int
}

func openCSV(r io.Reader) (Reader, error) {
	b, err := newBase(r, []column{{"reporter", true}, {"partner", true}, {"year", true}, {"flow", true}, {"value_usd", true}})
	if err != nil {
		return nil, err
	}
	for i, h := range b.header {
		switch strings.ToLower(h) {
		case "reporter", "partner", "year", "month", "flow", "hs", "value_usd", "quantity_kg":
		default:
			return nil, &Error{Line: 1, Column: i + 1, Name: h, Rule: "header.column", Msg: "there is no such column in a Kongsi trade CSV; the columns are reporter, partner, year, month, flow, hs, value_usd and quantity_kg"}
		}
	}
	return &csvReader{base: b, reporter: b.col("reporter"), partner: b.col("partner"), yr: b.col("year"), month: b.col("month"),
		flow: b.col("flow"), hsCol: b.col("hs"), val: b.col("value_usd"), qty: b.col("quantity_kg")}, nil
}

func (c *csvReader) Next(r *Row) error {
	if err := c.next(); err != nil {
		return err
	}
	var err error
	if r.Reporter, err = c.countryAlpha3(c.reporter, "reporter"); err != nil {
		return err
	}
	if r.Partner, err = c.countryAlpha3(c.partner, "partner"); err != nil {
		return err
	}
	if r.Reporter == r.Partner {
		return c.errf(c.partner, "partner.self", "a country does not trade with itself")
	}
	if r.Year, err = c.year(c.yr, c.field(c.yr)); err != nil {
		return err
	}
	r.Month = 0
	if c.month >= 0 {
		f := trimSpace(c.field(c.month))
		if len(f) > 0 {
			m, ok := parseInt(f)
			if !ok || m < 1 || m > 12 {
				return c.errf(c.month, "period.month", "%q is not a month from 1 to 12", f)
			}
			r.Month = uint8(m)
		}
		if err := c.frequency(c.month, r); err != nil {
			return err
		}
	}
	switch f := trimSpace(c.field(c.flow)); string(f) {
	case "X":
		r.Flow = Export
	case "M":
		r.Flow = Import
	default:
		return c.errf(c.flow, "flow", "%q is not a flow: X (exports) or M (imports)", f)
	}
	if c.hsCol >= 0 {
		if err := c.product(c.hsCol, r, "TOTAL"); err != nil {
			return err
		}
	} else {
		r.Level, r.HS = 0, 0
	}
	if r.Value, err = c.value(c.val, usd); err != nil {
		return err
	}
	if r.Qty, err = c.quantity(c.qty, 1); err != nil {
		return err
	}
	return nil
}
