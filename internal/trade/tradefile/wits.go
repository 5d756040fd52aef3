package tradefile

import (
	"io"
	"strings"

	"github.com/kongsi/kongsi/internal/trade/country"
)

var witsFormat = &Format{
	Name:  "wits",
	Title: "World Bank WITS (trade data download)",
	Basis: BasisReported,
	Doc: "The columns of a WITS trade download: Nomenclature (H0 to H6), ReporterISO3, PartnerISO3, ProductCode (an HS code, " +
		"or Total), Year, TradeFlowName (Export or Import; TradeFlowCode 6 or 5 when the name is absent), \"TradeValue in 1000 " +
		"USD\" and, when present, \"NetWeight in KGM\". Rows about the World (WLD) or groups of partners are left out, as are " +
		"re-exports and re-imports.",
	open: openWITS,
}

type witsReader struct {
	*base
	nomen, reporter, partner, prod, year, flowName, flowCode, value, weight int
}

func openWITS(r io.Reader) (Reader, error) {
	b, err := newBase(r, []column{{"ReporterISO3", true}, {"PartnerISO3", true}, {"ProductCode", true}, {"Year", true}, {"TradeValue in 1000 USD", true}})
	if err != nil {
		return nil, err
	}
	w := &witsReader{base: b, nomen: b.col("Nomenclature"), reporter: b.col("ReporterISO3"), partner: b.col("PartnerISO3"),
		prod: b.col("ProductCode"), year: b.col("Year"), flowName: b.col("TradeFlowName"), flowCode: b.col("TradeFlowCode"),
		value: b.col("TradeValue in 1000 USD"), weight: b.col("NetWeight in KGM")}
	if w.flowName < 0 && w.flowCode < 0 {
		return nil, &Error{Line: 1, Rule: "header.column", Msg: "the header has neither TradeFlowName nor TradeFlowCode"}
	}
	return w, nil
}

func (w *witsReader) Next(r *Row) error {
	for {
		if err := w.next(); err != nil {
			return err
		}
		col := w.flowName
		f := strings.ToLower(string(trimSpace(w.field(col))))
		if col < 0 || f == "" {
			col = w.flowCode
			switch string(trimSpace(w.field(col))) {
			case "6":
				f = "export"
			case "5":
				f = "import"
			default:
				f = string(trimSpace(w.field(col)))
			}
		}
		switch f {
		case "export", "exports", "gross exp.":
			r.Flow = Export
		case "import", "imports", "gross imp.":
			r.Flow = Import
		case "re-export", "re-import", "re-exports", "re-imports":
			w.skip("re-exports and re-imports", nil)
			continue
		default:
			return w.errf(col, "flow", "%q is not a WITS trade flow (Export or Import)", f)
		}
		p := trimSpace(w.field(w.partner))
		if _, ok := country.IsGroupAlpha3(string(p)); ok {
			w.skip("the partner is the World or a group of countries", p)
			continue
		}
		var err error
		if r.Partner, err = w.countryAlpha3(w.partner, "partner"); err != nil {
			return err
		}
		if r.Reporter, err = w.countryAlpha3(w.reporter, "reporter"); err != nil {
			return err
		}
		if r.Year, err = w.base.year(w.year, w.field(w.year)); err != nil {
			return err
		}
		r.Month = 0
		if w.nomen >= 0 {
			n := string(trimSpace(w.field(w.nomen)))
			if n != "" {
				if len(n) != 2 || n[0] != 'H' || n[1] < '0' || n[1] > '9' {
					return w.errf(w.nomen, "classification", "%q is not an HS nomenclature (H0 to H6)", n)
				}
				w.addClass([]byte(n))
			}
		}
		if err := w.product(w.prod, r, "Total", "All", "999999"); err != nil {
			return err
		}
		if r.Value, err = w.base.value(w.value, thousandsUSD); err != nil {
			return err
		}
		if r.Qty, err = w.quantity(w.weight, 1); err != nil {
			return err
		}
		return nil
	}
}
