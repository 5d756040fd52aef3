package trade_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"math"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/kongsi/kongsi/internal/ledger/ledgertest"
	"github.com/kongsi/kongsi/internal/nodetest"
	"github.com/kongsi/kongsi/internal/projector"
	"github.com/kongsi/kongsi/internal/publish"
	"github.com/kongsi/kongsi/internal/store"
	"github.com/kongsi/kongsi/internal/tlog"
	"github.com/kongsi/kongsi/internal/trade"
	"golang.org/x/mod/sumdb/note"
)

const bn = 1e9

// The test data: China's and Viet Nam's figures for their trade (US$ bn),
// Viet Nam's imports of three products from China, and China's trade with
// the Philippines.
var (
	chinaFigures = csvFile("reporter,partner,year,flow,value_usd",
		"CHN,VNM,2018,X,80000000000", "CHN,VNM,2018,M,50000000000",
		"CHN,VNM,2019,X,100000000000", "CHN,VNM,2019,M,60000000000",
		"CHN,VNM,2020,X,120000000000", "CHN,VNM,2020,M,70000000000",
		"CHN,PHL,2019,X,40000000000", "CHN,PHL,2019,M,20000000000",
		"CHN,PHL,2020,X,50000000000", "CHN,PHL,2020,M,20000000000")
	vietNamFigures = csvFile("reporter,partner,year,flow,value_usd",
		"VNM,CHN,2018,X,40000000000", "VNM,CHN,2018,M,70000000000",
		"VNM,CHN,2019,X,45000000000", "VNM,CHN,2019,M,80000000000",
		"VNM,CHN,2020,X,45000000000", "VNM,CHN,2020,M,100000000000")
	vietNamProducts = csvFile("reporter,partner,year,flow,hs,value_usd,quantity_kg",
		append(append(years(2017, 2019, func(y int) string { return "VNM,CHN," + strconv.Itoa(y) + ",M,380110,10000000,10000000" }),
			years(2017, 2019, func(y int) string { return "VNM,CHN," + strconv.Itoa(y) + ",M,850110,5000000," })...),
			"VNM,CHN,2020,M,380110,15000000,30000000", "VNM,CHN,2020,M,850110,5500000,",
			"VNM,CHN,2020,M,870321,3000000,1000000", "VNM,CHN,2020,M,010121,500000,100")...)
	chinaProducts = csvFile("reporter,partner,year,flow,hs,value_usd,quantity_kg", "CHN,VNM,2020,X,380110,12000000,25000000")
	// The Philippines reports by month; 2021 has its first quarter only.
	philippinesMonths = csvFile("reporter,partner,year,month,flow,value_usd",
		"PHL,CHN,2021,1,X,1000000000", "PHL,CHN,2021,1,M,2000000000", "PHL,CHN,2021,2,X,1500000000", "PHL,CHN,2021,2,M,2500000000",
		"PHL,CHN,2021,3,X,1000000000", "PHL,CHN,2021,3,M,3000000000")
	philippinesProducts = csvFile("reporter,partner,year,month,flow,hs,value_usd", append(
		years(2018*12, 2020*12+11, func(ym int) string {
			return "PHL,CHN," + strconv.Itoa(ym/12) + "," + strconv.Itoa(ym%12+1) + ",M,850110,1000000"
		}),
		"PHL,CHN,2021,1,M,850110,2000000", "PHL,CHN,2021,2,M,850110,2000000", "PHL,CHN,2021,3,M,850110,2000000")...)
)

func getJSON(t *testing.T, e *nodetest.Env, path string, v any) {
	t.Helper()
	status, _, body := e.Do(http.MethodGet, path, "")
	if status != 200 {
		t.Fatalf("GET %s: %d %s", path, status, body)
	}
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Max(1, math.Abs(b)) }

func val(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

// setup founds a register with the trade module and publishes the test
// data.
func setup(t *testing.T) (*nodetest.Env, map[string][]byte) {
	return setupOn(t, nodetest.New)
}

// setupOn is setup on the backend open gives.
func setupOn(t *testing.T, open nodetest.Opener) (*nodetest.Env, map[string][]byte) {
	m := trade.New()
	e := open(t, m)
	e.Submit(statistics(t, e.F)...)
	recs := map[string][]byte{}
	publish := func(name, author string, f file, products string) {
		f.store(t, e.Dir)
		recs[name] = e.F.Sign(t, author, trade.Kind, "trade/releases/"+author+"/"+name, f.body(t, products))
		e.Submit(recs[name])
	}
	publish("china", "chn.stats", chinaFigures, "all")
	publish("vietnam", "vnm.stats", vietNamFigures, "all")
	publish("products", "vnm.stats", vietNamProducts, "listed")
	publish("graphite", "chn.stats", chinaProducts, "listed")
	publish("months", "phl.stats", philippinesMonths, "all")
	publish("month-products", "phl.stats", philippinesProducts, "listed")
	publish("baci", "org.observer", file{format: "baci", text: "t,i,j,k,v,q\n2022,156,704,850110,100,1\n2022,704,156,850110,40,NA\n2022,704,156,850120,2,NA\n"}, "all")
	return e, recs
}

func TestMonitor(t *testing.T) {
	t.Parallel()
	e, recs := setup(t)

	t.Run("balance as each side reports it", func(t *testing.T) {
		var b trade.BalanceAnswer
		getJSON(t, e, "/api/v1/trade/balance?reporter=CHN&partner=VNM&year=2020", &b)
		if !near(val(b.Exports), 120*bn) || !near(val(b.Imports), 70*bn) || !near(val(b.Balance), 50*bn) || b.AsReportedBy != "China" || len(b.Series) != 3 {
			t.Errorf("China's figures: %+v", b)
		}
		getJSON(t, e, "/api/v1/trade/balance?reporter=vnm&partner=chn&year=2020", &b)
		if !near(val(b.Balance), -55*bn) || b.Releases[0] != "trade/releases/vnm.stats/vietnam" {
			t.Errorf("Viet Nam's figures: %+v", b)
		}
		// ASEAN: the sum over the members with figures, naming the others.
		getJSON(t, e, "/api/v1/trade/balance?reporter=CHN&partner=ASEAN&year=2020", &b)
		if !near(val(b.Exports), 170*bn) || !near(val(b.Imports), 90*bn) || slices.Contains(b.Missing, "VNM") || !slices.Contains(b.Missing, "THA") || slices.Contains(b.Missing, "TLS") {
			t.Errorf("China's figures for ASEAN: %+v", b)
		}
		// The latest year by default.
		getJSON(t, e, "/api/v1/trade/balance?reporter=CHN&partner=PHL", &b)
		if b.Year != 2020 || !near(val(b.Exports), 50*bn) {
			t.Errorf("latest year: %+v", b)
		}
	})

	t.Run("months", func(t *testing.T) {
		var b trade.BalanceAnswer
		getJSON(t, e, "/api/v1/trade/balance?reporter=PHL&partner=CHN&year=2021&month=2", &b)
		if b.Month != 2 || !near(val(b.Exports), 1.5*bn) || !near(val(b.Balance), -1*bn) || len(b.Series) != 3 {
			t.Errorf("February: %+v", b)
		}
		var y trade.BalanceAnswer
		getJSON(t, e, "/api/v1/trade/balance?reporter=PHL&partner=CHN&year=2021", &y)
		if b := y; b.Month != 0 || !near(val(b.Imports), 7.5*bn) || b.PartialYear != "Jan–Mar" {
			t.Errorf("the year so far: %+v", b)
		}
	})

	t.Run("surges on the same months", func(t *testing.T) {
		// The first quarter of 2021 against the first quarters of 2018–2020,
		// not against whole years.
		var s trade.Surges
		getJSON(t, e, "/api/v1/trade/surges?partner=PHL&year=2021", &s)
		if len(s.Surges) != 1 || s.Surges[0].Period != "Jan–Mar" || !near(val(s.Surges[0].ValueRatio), 2) || !near(s.Surges[0].AvgValue, 3e6) {
			t.Errorf("surges: %+v", s)
		}
	})

	t.Run("reconciled figures", func(t *testing.T) {
		// BACI gives exports only; Viet Nam's imports are China's exports.
		var b trade.BalanceAnswer
		getJSON(t, e, "/api/v1/trade/balance?reporter=VNM&partner=CHN&basis=reconciled", &b)
		if b.Year != 2022 || !near(val(b.Exports), 42000) || !near(val(b.Imports), 100000) || !strings.Contains(b.AsReportedBy, "reconciled") {
			t.Errorf("reconciled balance: %+v", b)
		}
		var p trade.Products
		getJSON(t, e, "/api/v1/trade/products?reporter=VNM&partner=CHN&year=2022&level=6&basis=reconciled", &p)
		if len(p.Products) != 2 || p.Products[0].Code != "850110" || !near(p.Products[0].Imports, 100000) || !near(p.Products[0].Exports, 40000) {
			t.Errorf("reconciled products: %+v", p.Products)
		}
		// The reported figures are not mixed with them.
		if status, _, _ := e.Do(http.MethodGet, "/api/v1/trade/balance?reporter=VNM&partner=CHN&year=2022", ""); status != 404 {
			t.Errorf("reported figures for 2022: status %d", status)
		}
	})

	t.Run("products driving the balance", func(t *testing.T) {
		var p trade.Products
		getJSON(t, e, "/api/v1/trade/products?reporter=VNM&partner=CHN&year=2020&level=2", &p)
		var codes []string
		for _, f := range p.Products {
			codes = append(codes, f.Code)
		}
		if strings.Join(codes, " ") != "38 85 87 01" || p.Complete || !near(p.Products[0].Imports, 15e6) || !near(val(p.Products[0].ImportShare), 15e6/(100*bn)) {
			t.Errorf("products %v: %+v", codes, p)
		}
		getJSON(t, e, "/api/v1/trade/products?reporter=VNM&partner=CHN&year=2020&level=section", &p)
		if p.Products[0].Code != "VI" || p.Products[0].Name != "Chemical products" {
			t.Errorf("sections: %+v", p.Products)
		}
		getJSON(t, e, "/api/v1/trade/products?reporter=VNM&partner=CHN&year=2020&level=6", &p)
		if p.Products[0].Code != "380110" || p.Products[0].Name != "Artificial graphite" {
			t.Errorf("subheadings: %+v", p.Products)
		}
	})

	t.Run("mirror statistics", func(t *testing.T) {
		var m trade.Mirror
		getJSON(t, e, "/api/v1/trade/mirror?partner=VNM&year=2020", &m)
		if len(m.Flows) != 2 {
			t.Fatalf("flows: %+v", m.Flows)
		}
		for _, f := range m.Flows {
			switch f.Exporter {
			case "CHN": // China's exports 120 f.o.b., Viet Nam's imports 100 c.i.f.
				if !near(val(f.Gap), -20*bn) || !near(val(f.Ratio), 100.0/120) || !near(val(f.Allowance), 12*bn) || !near(val(f.Unexplained), -32*bn) {
					t.Errorf("China to Viet Nam: %+v", f)
				}
			case "VNM": // Viet Nam's exports 45, China's imports 70
				if !near(val(f.Unexplained), 20.5*bn) || !near(val(f.UnexplainedShare), 20.5/45) {
					t.Errorf("Viet Nam to China: %+v", f)
				}
			}
		}
		// Every member and year, the largest unexplained gap first within a year.
		getJSON(t, e, "/api/v1/trade/mirror", &m)
		if len(m.Flows) != 3*2+2*2+2 || m.Flows[0].Year != 2018 || m.Flows[len(m.Flows)-1].Year != 2021 {
			t.Errorf("all flows: %d", len(m.Flows))
		}
	})

	t.Run("mirror statistics by product", func(t *testing.T) {
		var m struct{ Products []trade.MirrorFlow }
		getJSON(t, e, "/api/v1/trade/mirror/products?exporter=CHN&importer=VNM&year=2020&level=6", &m)
		if len(m.Products) != 4 {
			t.Fatalf("products: %+v", m.Products)
		}
		g := m.Products[0] // the only product both sides give comes first
		if g.Code != "380110" || !near(val(g.ExportsFOB), 12e6) || !near(val(g.ImportsCIF), 15e6) || !near(val(g.Unexplained), 1.8e6) || !near(val(g.UnexplainedShare), 0.15) {
			t.Errorf("graphite: %+v", g)
		}
		if m.Products[1].ExportsFOB != nil || m.Products[1].Unexplained != nil {
			t.Errorf("a product China does not itemise: %+v", m.Products[1])
		}
	})

	t.Run("import surges", func(t *testing.T) {
		var s trade.Surges
		getJSON(t, e, "/api/v1/trade/surges?partner=VNM&year=2020", &s)
		if s.Checked != 3 || len(s.Surges) != 2 {
			t.Fatalf("checked %d, flagged %+v", s.Checked, s.Surges)
		}
		g := s.Surges[0] // the dumping pattern comes first
		if g.Code != "380110" || !g.Pattern || !g.ValueSurge || !g.VolumeSurge || !g.UnitValueFall || !near(val(g.ValueRatio), 1.5) ||
			!near(val(g.QtyRatio), 3) || !near(val(g.UnitValue), 0.5) || !near(val(g.UnitValueDiff), -0.5) || g.Source != "importer" || len(g.Previous) != 3 {
			t.Errorf("graphite: %+v", g)
		}
		if n := s.Surges[1]; n.Code != "870321" || n.ValueRatio != nil || !n.ValueSurge || n.VolumeSurge {
			t.Errorf("new product: %+v", n)
		}
		// Stricter triggers flag only the pattern; all=true lists the rest.
		getJSON(t, e, "/api/v1/trade/surges?partner=VNM&year=2020&value_trigger=2&min_value=4000000", &s)
		if len(s.Surges) != 1 || s.Surges[0].ValueSurge || !s.Surges[0].VolumeSurge {
			t.Errorf("stricter triggers: %+v", s.Surges)
		}
		getJSON(t, e, "/api/v1/trade/surges?partner=VNM&year=2020&all=true", &s)
		if len(s.Surges) != 3 {
			t.Errorf("all: %+v", s.Surges)
		}
		// China's export figures, when asked for: none here.
		getJSON(t, e, "/api/v1/trade/surges?partner=VNM&year=2020&source=exporter", &s)
		if s.Checked != 0 {
			t.Errorf("China's figures: %+v", s)
		}
	})

	t.Run("alerts", func(t *testing.T) {
		var a struct{ Alerts []trade.Alert }
		getJSON(t, e, "/api/v1/trade/alerts", &a)
		var ids []string
		for _, x := range a.Alerts {
			ids = append(ids, x.ID)
		}
		want := []string{"deficit/vnm/2020", "mirror-gap/vnm/chn/2020", "surge/vnm/380110/2020", "surge/vnm/870321/2020"}
		for _, w := range want {
			if !slices.Contains(ids, w) {
				t.Errorf("alerts %v lack %s", ids, w)
			}
		}
		for _, x := range a.Alerts {
			if x.Updated == "" || len(x.Releases) == 0 || x.Detail == "" {
				t.Errorf("alert without its numbers or sources: %+v", x)
			}
		}
		_, hdr, body := e.Do(http.MethodGet, "/trade/alerts.atom", "")
		var feed struct {
			Entries []struct {
				ID    string `xml:"id"`
				Title string `xml:"title"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal([]byte(body), &feed); err != nil || len(feed.Entries) != len(a.Alerts) || !strings.HasPrefix(hdr.Get("Content-Type"), "application/atom+xml") {
			t.Errorf("feed: %v, %d entries", err, len(feed.Entries))
		}
	})

	t.Run("a new version replaces the data", func(t *testing.T) {
		revised := csvFile("reporter,partner,year,flow,value_usd", "CHN,VNM,2020,X,130000000000", "CHN,VNM,2020,M,70000000000")
		revised.store(t, e.Dir)
		b := revised.body(t, "all")
		b["change_note"] = "2020 revised; earlier years withdrawn."
		e.Submit(e.F.Sign(t, "chn.stats", trade.Kind, "trade/releases/chn.stats/china", b, ledgertest.Prev(t, recs["china"])))
		var ans trade.BalanceAnswer
		getJSON(t, e, "/api/v1/trade/balance?reporter=CHN&partner=VNM", &ans)
		if !near(val(ans.Exports), 130*bn) || len(ans.Series) != 1 {
			t.Errorf("after the revision: %+v", ans)
		}
		if status, _, _ := e.Do(http.MethodGet, "/api/v1/trade/balance?reporter=CHN&partner=PHL", ""); status != 404 {
			t.Errorf("the Philippines' figures of the old version: status %d", status)
		}
	})

	t.Run("a rebuild equals the live state", func(t *testing.T) {
		checkRebuild(t, e)
	})
}

// checkRebuild projects the register's log afresh into a new store, with
// the same data directory, and compares the tables.
func checkRebuild(t *testing.T, e *nodetest.Env) {
	t.Helper()
	ctx := context.Background()
	applied := e.Node.Projector.Applied()
	live, err := e.Node.Store.Digest(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st, p := freshProjection(t, e)
	if err := p.CatchUp(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if p.Applied() != applied {
		t.Fatalf("rebuilt %d entries, live %d", p.Applied(), applied)
	}
	if d, _ := st.Digest(ctx); d != live {
		t.Errorf("the rebuilt tables differ from the live ones")
	}
}

// freshProjection opens a new store and a projector over the register's
// log and data directory.
func freshProjection(t *testing.T, e *nodetest.Env) (store.Store, *projector.Projector) {
	t.Helper()
	ctx := context.Background()
	ps := trade.New().Projections()
	st, err := store.OpenSQLite(ctx, filepath.Join(t.TempDir(), "rebuilt.db"), projector.Schemas(ps))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	v, _ := note.NewVerifier(e.F.LogVKey)
	p := projector.New(projector.Options{Source: tlog.DirSource(filepath.Join(e.Dir, "log")), Verifier: v, Store: st, Kinds: e.Node.Kinds,
		Projections: ps, DataDir: e.Dir})
	if err := p.Open(ctx, nil); err != nil {
		t.Fatal(err)
	}
	return st, p
}

// localPublisher publishes to the test register's node in this process.
type localPublisher struct {
	e      *nodetest.Env
	signer string
}

func (l *localPublisher) pub(t *testing.T) publish.Publisher {
	return &publish.Local{N: l.e.Node, Signer: l.e.F.Signers[l.signer]}
}

// remotePublisher publishes through the test register's API.
func remotePublisher(t *testing.T, e *nodetest.Env, signer string) publish.Publisher {
	t.Helper()
	r, err := publish.NewRemote(context.Background(), e.Server.URL, e.F.Signers[signer], e.Server.Client())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestPagesAndAPI(t *testing.T) {
	t.Parallel()
	nodetest.Backends(t, func(t *testing.T, open nodetest.Opener) {
		e, _ := setupOn(t, open)
		e.Run(t, []nodetest.Scenario{
			{Name: "dashboard", Path: "/trade", Contains: []string{"Trade monitor: ASEAN and China", `<label for="t-year">`, "Viet Nam", `role="img"`,
				"/api/v1/trade/balance.csv?reporter=ASEAN&amp;partner=CHN", "grew 57% in 2020", "without Brunei Darussalam"}},
			{Name: "dashboard of a year", Path: "/trade?year=2019", Contains: []string{"By member, 2019"}},
			{Name: "member", Path: "/trade/vnm", Contains: []string{"Viet Nam&#39;s trade with China", "−US$ 55.0 bn", "Artificial graphite",
				"volume up, unit value down", "Mirror statistics", "/api/v1/trade/products.csv?reporter=VNM&amp;partner=CHN&amp;year=2020&amp;level=2"}},
			{Name: "member from China's figures only", Path: "/trade/phl?year=2020", Contains: []string{"Philippines&#39; trade with China", "US$ 50.0 bn", "trade with China, by month"}, NotContains: []string{"Not loaded"}},
			{Name: "member by section", Path: "/trade/vnm?level=section", Contains: []string{"Chemical products"}},
			{Name: "not a member page", Path: "/trade/chn", Status: 404},
			{Name: "no such member", Path: "/trade/xyz", Status: 404},
			{Name: "member bad level", Path: "/trade/vnm?level=9", Status: 422},
			{Name: "mirror", Path: "/trade/mirror", Contains: []string{"Flows between China and each member, 2020", `<label for="mi-cif">`}},
			{Name: "mirror every year", Path: "/trade/mirror?year=all", Contains: []string{"Flows between China and each member</h2>", "2018"}},
			{Name: "mirror of a partner", Path: "/trade/mirror?partner=VNM&year=2020", Contains: []string{"Flows between China and Viet Nam, 2020", "×0.83", "Miscellaneous chemical products"}},
			{Name: "mirror of a partner, one side", Path: "/trade/mirror?partner=VNM&year=2019", Contains: []string{"Comparing by product needs product detail"}},
			{Name: "mirror bad allowance", Path: "/trade/mirror?cif_fob=2", Status: 422},
			{Name: "surges", Path: "/trade/surges?partner=VNM&year=2020", Contains: []string{"380110", "×1.50", "×3.00", "−50.0%", "870321", "new", `<label for="s-vt">`}},
			{Name: "surges with all products", Path: "/trade/surges?partner=VNM&year=2020&all=1", Contains: []string{"850110"}},
			{Name: "surges default year", Path: "/trade/surges", Contains: []string{"compared for 2021"}},
			{Name: "releases", Path: "/trade/releases", Contains: []string{"7 releases", "loaded", "Kongsi trade CSV"}},
			{Name: "member with reconciled figures", Path: "/trade/vnm?year=2020", Contains: []string{"Reconciled figures", "basis=reconciled"}},
			{Name: "release", Path: "/trade/releases/vnm.stats/products", Contains: []string{"✓ Loaded:", "SHA-256 " + vietNamProducts.sha(), "listed only"}},
			{Name: "release record", Path: "/records/5", Contains: []string{"Dataset", "download", "✓ Loaded"}},
			{Name: "no such release", Path: "/trade/releases/vnm.stats/none", Status: 404},
			{Name: "alerts", Path: "/trade/alerts?member=VNM&kind=surge", Contains: []string{"2 alerts", "New import surge in Viet Nam: HS 380110"}, NotContains: []string{"deficit with China grew"}},
			{Name: "home", Path: "/", Contains: []string{"Trade with China", "The trade monitor"}},
			{Name: "party of a member", Path: "/parties/vnm", Contains: []string{"Trade with China", "Viet Nam reports exports of US$ 45.0 bn"}},
			{Name: "party of China", Path: "/parties/chn", Contains: []string{"China&#39;s trade with ASEAN in 2020", "China reports exports to ASEAN of US$ 170.0 bn"}},
			{Name: "balance csv", Path: "/api/v1/trade/balance.csv?reporter=VNM&partner=CHN", ContentType: "text/csv",
				Contains: []string{"reporter,partner,basis,year,month,exports_usd,imports_usd,balance_usd", "VNM,CHN,reported,2020,0,45000000000,100000000000,-55000000000"}},
			{Name: "products csv", Path: "/api/v1/trade/products.csv?reporter=VNM&partner=CHN&year=2020&level=6", ContentType: "text/csv", Contains: []string{"VNM,CHN,2020,380110,Artificial graphite"}},
			{Name: "mirror csv", Path: "/api/v1/trade/mirror.csv?partner=VNM&year=2020", ContentType: "text/csv", Contains: []string{"2020,CHN,VNM,,120000000000,100000000000,-20000000000"}},
			{Name: "surges csv", Path: "/api/v1/trade/surges.csv?partner=VNM&year=2020", ContentType: "text/csv", Contains: []string{"VNM,CHN,2020,year,380110", ",true,true,true,true,"}},
			{Name: "alerts csv", Path: "/api/v1/trade/alerts.csv", ContentType: "text/csv", Contains: []string{"deficit/vnm/2020,deficit,VNM,2020"}},
			{Name: "releases csv", Path: "/api/v1/trade/releases.csv", ContentType: "text/csv", Contains: []string{"trade/releases/vnm.stats/products,vnm.stats"}},
			{Name: "mirror products need both sides", Path: "/api/v1/trade/mirror/products?importer=VNM&year=2019&level=6", Contains: []string{`"products":[]`}},
			{Name: "mirror products csv", Path: "/api/v1/trade/mirror/products.csv?importer=VNM&year=2020&level=6", ContentType: "text/csv", Contains: []string{"2020,CHN,VNM,380110,12000000,15000000,3000000,1.25,"}},
			// Refusals name the parameter and the rule.
			{Name: "unknown reporter", Path: "/api/v1/trade/balance?reporter=XXX&partner=VNM", Status: 422, Contains: []string{`"field":"reporter"`, `"rule":"param.country"`}},
			{Name: "no partner", Path: "/api/v1/trade/balance?reporter=CHN", Status: 422, Contains: []string{`"rule":"param.required"`}},
			{Name: "same sides", Path: "/api/v1/trade/balance?reporter=VNM&partner=VNM", Status: 422, Contains: []string{`"rule":"param.partner"`}},
			{Name: "bad year", Path: "/api/v1/trade/balance?reporter=CHN&partner=VNM&year=20x0", Status: 422, Contains: []string{`"rule":"param.year"`}},
			{Name: "month without year", Path: "/api/v1/trade/balance?reporter=CHN&partner=VNM&month=3", Status: 422, Contains: []string{`"field":"year"`}},
			{Name: "bad month", Path: "/api/v1/trade/balance?reporter=CHN&partner=VNM&year=2020&month=13", Status: 422, Contains: []string{`"field":"month"`}},
			{Name: "bad basis", Path: "/api/v1/trade/balance?reporter=CHN&partner=VNM&basis=guessed", Status: 422, Contains: []string{`"field":"basis"`}},
			{Name: "no figures", Path: "/api/v1/trade/balance?reporter=CHN&partner=THA&year=2020", Status: 404, Contains: []string{`"rule":"trade.no-figures"`}},
			{Name: "products without year", Path: "/api/v1/trade/products?reporter=VNM&partner=CHN", Status: 422, Contains: []string{`"rule":"param.required"`}},
			{Name: "products bad level", Path: "/api/v1/trade/products?reporter=VNM&partner=CHN&year=2020&level=3", Status: 422, Contains: []string{`"rule":"param.enum"`}},
			{Name: "mirror of China", Path: "/api/v1/trade/mirror?partner=CHN", Status: 422, Contains: []string{`"field":"partner"`}},
			{Name: "mirror products without China", Path: "/api/v1/trade/mirror/products?exporter=VNM&importer=THA&year=2020", Status: 422, Contains: []string{`"rule":"param.china"`}},
			{Name: "mirror products by section", Path: "/api/v1/trade/mirror/products?importer=VNM&year=2020&level=section", Status: 422, Contains: []string{`"field":"level"`}},
			{Name: "surges without year", Path: "/api/v1/trade/surges?partner=VNM", Status: 422, Contains: []string{`"field":"year"`}},
			{Name: "surges low trigger", Path: "/api/v1/trade/surges?partner=VNM&year=2020&value_trigger=0.5", Status: 422, Contains: []string{`"field":"value_trigger"`, `"rule":"param.range"`}},
			{Name: "surges bad source", Path: "/api/v1/trade/surges?partner=VNM&year=2020&source=rumour", Status: 422, Contains: []string{`"field":"source"`}},
			{Name: "alerts bad kind", Path: "/api/v1/trade/alerts?kind=panic", Status: 422, Contains: []string{`"field":"kind"`}},
		})
	})
}
