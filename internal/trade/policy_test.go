package trade_test

import (
	"testing"

	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/ledger/ledgertest"
	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/trade"
)

func TestPolicy(t *testing.T) {
	t.Parallel()
	kinds, err := ledger.NewKinds(trade.New().Kinds()...)
	if err != nil {
		t.Fatal(err)
	}
	f := ledgertest.New(t)
	s := ledger.NewState(kinds)
	ledgertest.MustAppend(t, s, f.CharterEntry)
	ledgertest.MustAppend(t, s, statistics(t, f)...)

	china := csvFile("reporter,partner,year,flow,value_usd", "CHN,VNM,2020,X,100", "CHN,VNM,2020,M,50")
	multi := csvFile("reporter,partner,year,flow,value_usd", "CHN,VNM,2020,X,100", "VNM,CHN,2020,M,90")
	baci := file{format: "baci", text: "t,i,j,k,v,q\n2022,156,704,850110,1,1\n"}
	good := china.body(t, "all")
	v1 := f.Sign(t, "chn.stats", trade.Kind, "trade/releases/chn.stats/asean", good)
	ledgertest.MustAppend(t, s, v1)

	with := func(b map[string]any, path []string, v any) map[string]any {
		out := map[string]any{}
		for k, x := range b {
			out[k] = x
		}
		if len(path) == 1 {
			out[path[0]] = v
			return out
		}
		inner := map[string]any{}
		for k, x := range b[path[0]].(map[string]any) {
			inner[k] = x
		}
		inner[path[1]] = v
		out[path[0]] = inner
		return out
	}
	for _, tc := range []struct {
		name  string
		entry []byte
		kind  error
		rule  string
	}{
		{"an authority without the statistics role", f.Sign(t, "chn.mfa", trade.Kind, "trade/releases/chn.mfa/x", good), problem.ErrForbidden, "trade.role"},
		{"under another publisher's name", f.Sign(t, "chn.stats", trade.Kind, "trade/releases/vnm.stats/x", good), problem.ErrForbidden, "trade.publisher"},
		{"a state's office publishing another's figures", f.Sign(t, "vnm.stats", trade.Kind, "trade/releases/vnm.stats/x", good), problem.ErrForbidden, "trade.own-statistics"},
		{"a state's office publishing a compilation", f.Sign(t, "chn.stats", trade.Kind, "trade/releases/chn.stats/x", multi.body(t, "all")), problem.ErrForbidden, "trade.own-statistics"},
		{"a state's office publishing reconciled data", f.Sign(t, "chn.stats", trade.Kind, "trade/releases/chn.stats/x", with(baci.body(t, "all"), []string{"coverage", "reporters"}, []string{"CHN"})), problem.ErrForbidden, "trade.own-statistics"},
		{"basis not the format's", f.Sign(t, "org.observer", trade.Kind, "trade/releases/org.observer/x", with(baci.body(t, "all"), []string{"basis"}, "reported")), problem.ErrInvalid, "trade.basis"},
		{"unknown country", f.Sign(t, "org.observer", trade.Kind, "trade/releases/org.observer/x", with(good, []string{"coverage", "partners"}, []string{"VNM", "XYZ"})), problem.ErrInvalid, "trade.country"},
		{"years backwards", f.Sign(t, "chn.stats", trade.Kind, "trade/releases/chn.stats/x", with(good, []string{"coverage", "years"}, map[string]any{"from": 2021, "to": 2020})), problem.ErrInvalid, "trade.years"},
		{"totals that list products", f.Sign(t, "chn.stats", trade.Kind, "trade/releases/chn.stats/x", with(good, []string{"coverage", "products"}, "listed")), problem.ErrInvalid, "trade.products"},
		{"change note on a first version", f.Sign(t, "chn.stats", trade.Kind, "trade/releases/chn.stats/x", with(good, []string{"change_note"}, "why")), problem.ErrInvalid, "trade.first-version"},
		{"a new version that does not say why", f.Sign(t, "chn.stats", trade.Kind, "trade/releases/chn.stats/asean", good, ledgertest.Prev(t, v1)), problem.ErrInvalid, "trade.change-note"},
		{"a checksum that is not one", f.Sign(t, "chn.stats", trade.Kind, "trade/releases/chn.stats/x", with(good, []string{"file", "sha256"}, "abc")), problem.ErrInvalid, "schema.pattern"},
		{"an unknown format", f.Sign(t, "chn.stats", trade.Kind, "trade/releases/chn.stats/x", with(good, []string{"file", "format"}, "xlsx")), problem.ErrInvalid, "schema.enum"},
		{"no rows", f.Sign(t, "chn.stats", trade.Kind, "trade/releases/chn.stats/x", with(good, []string{"rows"}, 0)), problem.ErrInvalid, "schema.minimum"},
		{"a subject out of form", f.Sign(t, "chn.stats", trade.Kind, "trade/chn.stats/x", good), problem.ErrInvalid, "kind.subject"},
	} {
		t.Run(tc.name, func(t *testing.T) { ledgertest.MustRefuse(t, s, tc.entry, tc.kind, tc.rule) })
	}
	// An organisation publishes compilations and reconciled data; a new
	// version says what changed.
	ledgertest.MustAppend(t, s,
		f.Sign(t, "org.observer", trade.Kind, "trade/releases/org.observer/multi", multi.body(t, "all")),
		f.Sign(t, "org.observer", trade.Kind, "trade/releases/org.observer/baci", baci.body(t, "all")),
		f.Sign(t, "chn.stats", trade.Kind, "trade/releases/chn.stats/asean", with(good, []string{"change_note"}, "Revised figures."), ledgertest.Prev(t, v1)))
	if h, _ := s.Head("trade/releases/chn.stats/asean"); h.Version != 2 || h.Data.(*trade.State).SHA256 != china.sha() {
		t.Errorf("head = %+v", h)
	}
}
