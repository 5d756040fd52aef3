package tradefile

import (
	"io"
	"strings"

	"github.com/kongsi/kongsi/internal/trade/country"
)

var dotsFormat = &Format{
	Name:  "dots",
	Title: "IMF Direction of Trade Statistics (long CSV)",
	Basis: BasisReported,
	Doc: "One row per reporter, flow, partner and year: reporter_iso3 (ISO 3166 alpha-3), flow (exports_fob or imports_cif), " +
		"partner_name (as IMF DOTS names countries: \"China, P.R.: Mainland\"), year, value_usd_millions. Other columns " +
		"(reporter_name, source_file) are ignored. Rows whose partner is a group (World, Advanced Economies, Euro Area, " +
		"areas not specified…) are left out; Kongsi makes its own aggregates.",
	open: openDOTS,
}

type dotsReader struct {
	*base
	cRep, cFlow, cPar, cYear, cValue int
}

func openDOTS(r io.Reader) (Reader, error) {
	b, err := newBase(r, []column{{"reporter_iso3", true}, {"flow", true}, {"partner_name", true}, {"year", true}, {"value_usd_millions", true}})
	if err != nil {
		return nil, err
	}
	return &dotsReader{base: b, cRep: b.col("reporter_iso3"), cFlow: b.col("flow"), cPar: b.col("partner_name"),
		cYear: b.col("year"), cValue: b.col("value_usd_millions")}, nil
}

func (d *dotsReader) Next(r *Row) error {
	for {
		if err := d.next(); err != nil {
			return err
		}
		name := trimSpace(d.field(d.cPar))
		partner, ok := d.names[string(name)]
		if !ok {
			if country.IsGroupName(string(name)) {
				d.skip("the partner is a group of countries or an area not specified", name)
				continue
			}
			if partner, ok = country.ByName(string(name)); !ok {
				return d.errf(d.cPar, "country.unknown", "%q is not a country IMF DOTS names", name)
			}
			d.names[string(name)] = partner
		}
		var err error
		if r.Reporter, err = d.countryAlpha3(d.cRep, "reporter"); err != nil {
			return err
		}
		r.Partner = partner
		switch f := string(trimSpace(d.field(d.cFlow))); strings.ToLower(f) {
		case "exports_fob":
			r.Flow = Export
		case "imports_cif":
			r.Flow = Import
		default:
			return d.errf(d.cFlow, "flow", "%q is not a flow: exports_fob or imports_cif", f)
		}
		if r.Year, err = d.year(d.cYear, d.field(d.cYear)); err != nil {
			return err
		}
		r.Month, r.Level, r.HS = 0, 0, 0
		if d.level < 0 {
			d.level = 0
		}
		if r.Value, err = d.value(d.cValue, millionsUSD); err != nil {
			return err
		}
		r.Qty = nan
		return nil
	}
}
