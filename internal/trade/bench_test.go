package trade_test

// Benchmarks of the trade store against a plain SQLite table of the same
// rows, on a BACI-shaped file (t,i,j,k,v,q) generated for the purpose. Run:
//
//	go test -run XXX -bench 'TradeImport|TradeRelease' -benchtime 1x -timeout 60m ./internal/trade/
//	go test -run XXX -bench TradeQuery -timeout 60m ./internal/trade/
//
// The files are generated once, in the system's temporary directory, and
// reused by later runs. docs/PERFORMANCE.md records the figures.

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kongsi/kongsi/internal/nodetest"
	"github.com/kongsi/kongsi/internal/trade"
	"github.com/kongsi/kongsi/internal/trade/segment"
	"github.com/kongsi/kongsi/internal/trade/tradefile"
	_ "modernc.org/sqlite"
)

// benchCountries are 60 economies by their M49 codes: China, the eleven
// ASEAN members, and 48 others.
var benchCountries = []int{156, 96, 116, 360, 418, 458, 104, 608, 702, 764, 704, 626,
	842, 392, 410, 276, 250, 826, 380, 724, 528, 56, 756, 752, 578, 208, 246, 40, 620, 300,
	124, 484, 76, 32, 152, 170, 604, 356, 586, 50, 144, 524, 364, 682, 784, 376, 792, 643,
	36, 554, 710, 566, 818, 504, 12, 404, 231, 344, 446, 158}

// benchProducts are about 5,000 HS 6 codes in every chapter.
func benchProducts() []uint32 {
	var out []uint32
	for ch := uint32(1); ch <= 97; ch++ {
		if ch == 77 {
			continue
		}
		for h := uint32(1); h <= 13; h++ {
			for s := uint32(1); s <= 4; s++ {
				out = append(out, ch*10000+h*100+s*10)
			}
		}
	}
	return out
}

// baciFile returns a BACI-shaped file of about n rows over ten years,
// generating it if need be. sorted writes it as BACI does (by year,
// exporter, importer, product); otherwise product by product, which spreads
// each pair's rows over the whole file: the worst order for the store.
func baciFile(b *testing.B, n int, sorted bool) string {
	b.Helper()
	order := "sorted"
	if !sorted {
		order = "spread"
	}
	path := filepath.Join(os.TempDir(), fmt.Sprintf("kongsi-bench-baci-%d-%s-v1.csv", n, order))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	b.Logf("generating %s", path)
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("t,i,j,k,v,q\n")
	prods := benchProducts()
	pairs := len(benchCountries) * (len(benchCountries) - 1)
	perPair := n / (10 * pairs) // products per pair and year
	var buf []byte
	row := func(y, i, j int, k uint32, seed uint64) {
		rng := rand.New(rand.NewPCG(seed, uint64(y)))
		v := rng.ExpFloat64() * 800
		buf = buf[:0]
		buf = strconv.AppendInt(buf, int64(y), 10)
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, int64(i), 10)
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, int64(j), 10)
		buf = append(buf, ',')
		buf = strconv.AppendUint(buf, uint64(k), 10) // as BACI: no leading zero
		buf = append(buf, ',')
		buf = strconv.AppendFloat(buf, v, 'f', 3, 64)
		buf = append(buf, ',')
		if rng.IntN(10) == 0 {
			buf = append(buf, "NA"...)
		} else {
			buf = strconv.AppendFloat(buf, v/(0.5+rng.Float64()*5), 'f', 3, 64)
		}
		buf = append(buf, '\n')
		w.Write(buf)
	}
	// Which products a pair trades: a window of the product list that
	// depends on the pair.
	prod := func(pi, p int) uint32 { return prods[(pi*131+p*7)%len(prods)] }
	if sorted {
		for y := 2015; y < 2025; y++ {
			pi := 0
			for _, i := range benchCountries {
				for _, j := range benchCountries {
					if i == j {
						continue
					}
					for p := range perPair {
						row(y, i, j, prod(pi, p), uint64(pi*100000+p))
					}
					pi++
				}
			}
		}
	} else {
		for p := range perPair {
			for y := 2015; y < 2025; y++ {
				pi := 0
				for _, i := range benchCountries {
					for _, j := range benchCountries {
						if i == j {
							continue
						}
						row(y, i, j, prod(pi, p), uint64(pi*100000+p))
						pi++
					}
				}
			}
		}
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	return path
}

// heapPeak samples the live heap until stop is called, and returns the
// largest value seen.
func heapPeak() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		wg.Wait()
		return peak.Load()
	}
}

var baci, _ = tradefile.FormatByName("baci")

// BenchmarkTradeImport measures the streaming import of a BACI file: every
// row parsed, checked and written to a segment, with the totals gathered.
// The heap's peak shows that memory does not grow with the file.
func BenchmarkTradeImport(b *testing.B) {
	for _, n := range []int{1_000_000, 10_000_000} {
		b.Run(fmt.Sprintf("rows=%dM", n/1_000_000), func(b *testing.B) {
			path := baciFile(b, n, true)
			dir := b.TempDir()
			runtime.GC()
			var rows int64
			stop := heapPeak()
			start := time.Now()
			for b.Loop() {
				f, err := os.Open(path)
				if err != nil {
					b.Fatal(err)
				}
				c, err := segment.Build(filepath.Join(dir, "s.seg"), baci, f, "")
				f.Close()
				if err != nil {
					b.Fatal(err)
				}
				rows += c.Rows
			}
			elapsed := time.Since(start)
			b.ReportMetric(float64(rows)/elapsed.Seconds(), "rows/s")
			b.ReportMetric(float64(stop())/(1<<20), "MB-heap-peak")
		})
	}
}

// BenchmarkTradeRelease measures the whole path of a 10-million-row release
// on a register: the file checked and kept by its checksum (as an upload
// does), the release signed and sequenced, and the projection checking the
// checksum, building the segment and loading the totals into SQLite.
func BenchmarkTradeRelease(b *testing.B) {
	path := baciFile(b, 10_000_000, true)
	for _, db := range []string{"sqlite", "postgres"} {
		b.Run("db="+db, func(b *testing.B) {
			for b.Loop() {
				e := benchRegister(b, db, trade.New())
				e.Submit(statistics(b, e.F)...)
				start := time.Now()
				c := storeBenchDataset(b, e, path)
				stored := time.Since(start)
				loadStart := time.Now()
				publishBenchRelease(b, e, c)
				loaded := time.Since(loadStart)
				rel, err := trade.GetRelease(context.Background(), e.Node.Store, "trade/releases/org.observer/bench")
				if err != nil || rel.Status != trade.StatusLoaded {
					b.Fatalf("release: %+v, %v", rel, err)
				}
				total := time.Since(start)
				b.ReportMetric(float64(c.Rows)/stored.Seconds(), "rows/s-stored")
				b.ReportMetric(float64(c.Rows)/loaded.Seconds(), "rows/s-projected")
				b.ReportMetric(float64(c.Rows)/total.Seconds(), "rows/s-end-to-end")
			}
		})
	}
}

// benchRegister is a test register with its projections in db, "sqlite" or
// "postgres".
func benchRegister(b *testing.B, db string, m *trade.Module) *nodetest.Env {
	if db == "postgres" {
		return nodetest.NewPostgres(b, m)
	}
	return nodetest.New(b, m)
}

// storeBenchDataset checks the file and keeps it in the register's data
// directory, as an upload does.
func storeBenchDataset(b *testing.B, e *nodetest.Env, path string) *tradefile.Checked {
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	c, err := trade.StoreDataset(e.Dir, baci, f, 0, "")
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// publishBenchRelease publishes the release of the dataset c, and waits
// until it is projected.
func publishBenchRelease(b *testing.B, e *nodetest.Env, c *tradefile.Checked) {
	cov := trade.CoverageOf(&c.Summary, trade.ProductsAll)
	e.Submit(e.F.Sign(b, "org.observer", trade.Kind, "trade/releases/org.observer/bench", map[string]any{
		"title": "Benchmark", "source": map[string]any{"title": "Generated"}, "basis": "reconciled", "rows": c.Rows,
		"file": map[string]any{"sha256": c.SHA256, "size": c.Size, "format": "baci"},
		"coverage": map[string]any{"reporters": cov.Reporters, "partners": cov.Partners, "years": map[string]any{"from": cov.Years.From, "to": cov.Years.To},
			"frequency": cov.Frequency, "flows": cov.Flows, "hs_level": cov.Level, "products": cov.Products}}))
}

// benchStore is a register holding one 10-million-row BACI release, shared
// by the query benchmarks.
type benchStore struct {
	mon *trade.Monitor
	db  *sql.DB // the baseline: the same rows in a plain SQLite table
}

func openBenchStore(b *testing.B, db string, sorted bool) *benchStore {
	path := baciFile(b, 10_000_000, sorted)
	m := trade.New()
	e := benchRegister(b, db, m)
	e.Submit(statistics(b, e.F)...)
	publishBenchRelease(b, e, storeBenchDataset(b, e, path))
	s := &benchStore{mon: m.NewMonitor(e.Node.Store, e.Dir)}
	if sorted && db == "sqlite" {
		s.db = baselineSQLite(b, path)
	}
	return s
}

// baselineSQLite loads the file into a plain SQLite table the way one
// would without Kongsi's store: multi-row prepared inserts in one
// transaction, then an index on (t, i, j). It reports the load's speed.
func baselineSQLite(b *testing.B, path string) *sql.DB {
	b.Helper()
	dbPath := filepath.Join(b.TempDir(), "baseline.db")
	db, err := sql.Open("sqlite", "file:"+dbPath+"?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=cache_size(-262144)")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`CREATE TABLE baci (t INTEGER NOT NULL, i INTEGER NOT NULL, j INTEGER NOT NULL, k TEXT NOT NULL, v REAL NOT NULL, q REAL) STRICT`); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	tx, err := db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	const batch = 500
	stmt, err := tx.Prepare(`INSERT INTO baci (t, i, j, k, v, q) VALUES ` + strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?), ", batch), ", "))
	if err != nil {
		b.Fatal(err)
	}
	args := make([]any, 0, batch*6)
	rows := 0
	flush := func(st *sql.Stmt) {
		if _, err := st.Exec(args...); err != nil {
			b.Fatal(err)
		}
		args = args[:0]
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	sc.Scan() // header
	for sc.Scan() {
		fs := strings.Split(sc.Text(), ",")
		t, _ := strconv.Atoi(fs[0])
		i, _ := strconv.Atoi(fs[1])
		j, _ := strconv.Atoi(fs[2])
		k := fs[3]
		if len(k) == 5 {
			k = "0" + k
		}
		v, _ := strconv.ParseFloat(fs[4], 64)
		var q any
		if x, err := strconv.ParseFloat(fs[5], 64); err == nil {
			q = x
		}
		args = append(args, t, i, j, k, v, q)
		rows++
		if len(args) == batch*6 {
			flush(stmt)
		}
	}
	if len(args) > 0 {
		rest, err := tx.Prepare(`INSERT INTO baci (t, i, j, k, v, q) VALUES ` + strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?), ", len(args)/6), ", "))
		if err != nil {
			b.Fatal(err)
		}
		flush(rest)
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	loaded := time.Since(start)
	start = time.Now()
	if _, err := db.Exec(`CREATE INDEX baci_tij ON baci (t, i, j)`); err != nil {
		b.Fatal(err)
	}
	indexed := time.Since(start)
	b.Logf("baseline SQLite: loaded %d rows in %v (%.0f rows/s), indexed in %v", rows, loaded.Round(time.Millisecond), float64(rows)/loaded.Seconds(), indexed.Round(time.Millisecond))
	return db
}

// BenchmarkTradeQuery measures, over 10 million rows, the balance of one
// pair of countries in one year and its ten largest HS chapters, in Kongsi's
// trade store and in the baseline.
func BenchmarkTradeQuery(b *testing.B) {
	// The stores live as long as this benchmark, across its parts.
	stores := map[bool]*benchStore{true: openBenchStore(b, "sqlite", true), false: openBenchStore(b, "sqlite", false)}
	for _, sorted := range []bool{true, false} {
		order := "sorted"
		if !sorted {
			order = "spread"
		}
		b.Run("store="+order+"/balance", func(b *testing.B) { benchBalance(b, stores[sorted]) })
		b.Run("store="+order+"/top-chapters", func(b *testing.B) { benchTopChapters(b, stores[sorted]) })
	}
	// The same register with its tables in PostgreSQL; the segment is the
	// same file.
	b.Run("db=postgres", func(b *testing.B) {
		s := openBenchStore(b, "postgres", true)
		b.Run("balance", func(b *testing.B) { benchBalance(b, s) })
		b.Run("top-chapters", func(b *testing.B) { benchTopChapters(b, s) })
	})
	b.Run("baseline=sqlite/balance", func(b *testing.B) {
		s := stores[true]
		for b.Loop() {
			var x, m float64
			if err := s.db.QueryRow(`SELECT (SELECT SUM(v) FROM baci WHERE t = 2022 AND i = 156 AND j = 704), (SELECT SUM(v) FROM baci WHERE t = 2022 AND i = 704 AND j = 156)`).Scan(&x, &m); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("baseline=sqlite/top-chapters", func(b *testing.B) {
		s := stores[true]
		for b.Loop() {
			rows, err := s.db.Query(`SELECT substr(k, 1, 2) AS ch, SUM(v) AS x FROM baci WHERE t = 2022 AND i = 156 AND j = 704 GROUP BY ch ORDER BY x DESC LIMIT 10`)
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			for rows.Next() {
				n++
			}
			rows.Close()
			if n != 10 {
				b.Fatalf("%d chapters", n)
			}
		}
	})
}

// benchBalance measures the balance of China with Viet Nam, every year.
func benchBalance(b *testing.B, s *benchStore) {
	for b.Loop() {
		bal, err := trade.BalanceSeries(context.Background(), s.mon.Store, "CHN", "VNM", tradefile.BasisReconciled, false)
		if err != nil {
			b.Fatal(err)
		}
		if p := bal.Point(2022, 0); p == nil || p.Balance == nil {
			b.Fatal("no balance for 2022")
		}
	}
}

// benchTopChapters measures the HS chapters driving that balance in 2022.
func benchTopChapters(b *testing.B, s *benchStore) {
	for b.Loop() {
		ps, err := s.mon.ProductDrivers(context.Background(), "CHN", "VNM", 2022, "2", tradefile.BasisReconciled)
		if err != nil {
			b.Fatal(err)
		}
		if len(ps.Products) < 10 {
			b.Fatalf("%d chapters", len(ps.Products))
		}
	}
}
