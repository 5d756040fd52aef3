package tradefile

import "io"

var baciFormat = &Format{
	Name:  "baci",
	Title: "CEPII BACI (t,i,j,k,v,q)",
	Basis: BasisReconciled,
	Doc: "CEPII's reconciled bilateral trade at HS 6: t (year), i (exporter) and j (importer) as numeric country codes (M49, " +
		"with the few of BACI's own, such as 490 for Taiwan), k (the HS 6 product; a leading zero may be missing), v (value in " +
		"thousands of US$, f.o.b.) and q (quantity in metric tonnes; blank or NA when unknown). BACI gives one value per flow, " +
		"harmonised from both sides' reports, so its rows are read as the exporter's exports to the importer.",
	open: openBACI,
}

type baciReader struct {
	*base
	t, i, j, k, v, q int
	code             [6]byte
}

func openBACI(r io.Reader) (Reader, error) {
	b, err := newBase(r, []column{{"t", true}, {"i", true}, {"j", true}, {"k", true}, {"v", true}, {"q", false}})
	if err != nil {
		return nil, err
	}
	return &baciReader{base: b, t: b.col("t"), i: b.col("i"), j: b.col("j"), k: b.col("k"), v: b.col("v"), q: b.col("q")}, nil
}

func (b *baciReader) Next(r *Row) error {
	if err := b.next(); err != nil {
		return err
	}
	var err error
	if r.Year, err = b.year(b.t, b.field(b.t)); err != nil {
		return err
	}
	exp, group, err := b.countryNumeric(b.i, "exporter")
	if err == nil && group {
		err = b.errf(b.i, "country.group", "the exporter %s is a group of countries", trimSpace(b.field(b.i)))
	}
	if err != nil {
		return err
	}
	imp, group, err := b.countryNumeric(b.j, "importer")
	if err == nil && group {
		err = b.errf(b.j, "country.group", "the importer %s is a group of countries", trimSpace(b.field(b.j)))
	}
	if err != nil {
		return err
	}
	r.Reporter, r.Partner, r.Flow, r.Month = exp, imp, Export, 0
	// BACI writes products as numbers, so 010121 may come as 10121.
	k := trimSpace(b.field(b.k))
	if len(k) == 5 {
		b.code[0] = '0'
		copy(b.code[1:], k)
		b.sc.fields[b.k] = b.code[:]
	}
	if err := b.product(b.k, r); err != nil {
		return err
	}
	if r.Level != 6 {
		return b.errf(b.k, "hs.level", "BACI products are HS 6 subheadings, not %q", k)
	}
	if r.Value, err = b.value(b.v, thousandsUSD); err != nil {
		return err
	}
	if r.Qty, err = b.quantity(b.q, 1000); err != nil {
		return err
	}
	return nil
}
