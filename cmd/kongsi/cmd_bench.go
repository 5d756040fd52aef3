package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/kongsi/kongsi/internal/bench"
	"github.com/kongsi/kongsi/internal/demo"
	"github.com/kongsi/kongsi/internal/modules"
)

func runBench(ctx context.Context, args []string) error {
	fs := newFlags("bench", "[flags]")
	records := fs.Int("records", 50000, "records to append in the write-path, audit and rebuild measurements")
	clients := fs.Int("clients", 4096, "concurrent writers (each waits for its record to be stored before sending the next)")
	readClients := fs.Int("read-clients", 16, "concurrent readers of the API")
	readFor := fs.Duration("read-for", 10*time.Second, "how long to load the demo register with reads")
	bodySize := fs.Int("body", 450, "approximate size of each record's text, in bytes")
	dir := fs.String("dir", "", "where to put the scratch registers (default a temporary directory, removed afterwards)")
	postgres := fs.String("postgres", "", "also measure with the projections in this PostgreSQL database (postgres://user@host:5432/db; each measurement in a schema of its own, dropped afterwards), and a writer with two read-only nodes")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *dir == "" {
		d, err := os.MkdirTemp("", "kongsi-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		*dir = d
	}
	ms := modules.All()
	out := os.Stdout
	fmt.Fprintf(out, "Machine: %s, %d cores (GOMAXPROCS), %s\n", cpuModel(), runtime.GOMAXPROCS(0), runtime.Version())

	step := func(what string) { fmt.Fprintf(os.Stderr, "… %s\n", what) }
	step("measuring Ed25519 verification")
	verify := bench.Ed25519(2 * time.Second)
	bound := float64(runtime.GOMAXPROCS(0)) / verify.Seconds()
	fmt.Fprintf(out, "\nEd25519 verification: %.1f µs per operation per core; bound of a verified write path on %d cores: %.0f records/s\n",
		float64(verify.Nanoseconds())/1000, runtime.GOMAXPROCS(0), bound)

	step(fmt.Sprintf("signing %d records", *records))
	f, err := bench.NewFixture(*records, *bodySize)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Records: %d declarations of %d bytes on average, signed by 11 authorities\n", *records, f.EntrySize())

	step("baseline: bare Tessera with one Ed25519 verification per entry")
	// Tessera's batching set for its best throughput here (a sweep is in
	// internal/bench: BenchmarkBareTesseraSettings).
	base, err := bench.BareTesseraWith(ctx, f, filepath.Join(*dir, "tessera"), *clients, 4096, 20*time.Millisecond)
	if err != nil {
		return err
	}
	step("the register's verified write path")
	reg, err := bench.Found(ctx, f, filepath.Join(*dir, "register"), ms)
	if err != nil {
		return err
	}
	w, err := reg.WritePath(ctx, f, *clients, 50)
	if cerr := reg.Close(ctx); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\n| Measure | Result | Baseline, same run | Ratio | Target |\n|---|---|---|---|---|\n")
	fmt.Fprintf(out, "| Verified write path (%d writers) | %.0f records/s | bare Tessera + Ed25519: %.0f entries/s | %.2f | ≥ 10,000/s and ≥ 0.7 |\n",
		*clients, w.PerSecond(), base.PerSecond(), w.PerSecond()/base.PerSecond())
	fmt.Fprintf(out, "| — against the Ed25519 bound | | %.0f records/s | %.2f | |\n", bound, w.PerSecond()/bound)
	fmt.Fprintf(out, "| Acceptance to published checkpoint | median %s, p90 %s | | | median ≤ 1 s |\n", w.PublishLatency.Round(time.Millisecond), w.PublishP90.Round(time.Millisecond))

	step("audit")
	a, err := bench.Audit(ctx, reg.Dir, ms)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "| kongsi audit (%d records) | %.0f records/s | Ed25519 bound %.0f/s | %.2f | ≥ 20,000/s |\n", a.N, a.PerSecond(), bound, a.PerSecond()/bound)
	step("rebuild, and bare SQLite writing the same rows, three times each")
	rb, bare, err := bench.RebuildWithBaseline(ctx, reg.Dir, ms, 3)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "| kongsi rebuild (%d records, median of 3) | %.0f records/s | bare SQLite writing the same rows: %.0f records/s | %.2f | ≥ 50,000/s |\n",
		rb.N, rb.PerSecond(), bare.PerSecond(), rb.PerSecond()/bare.PerSecond())

	step("founding the demonstration register")
	demoDir := filepath.Join(*dir, "demo")
	if err := demo.Found(ctx, nodeConfig(demoDir, ms, logger(false, 8)), ms, nil, nil); err != nil {
		return err
	}
	step(fmt.Sprintf("loading the demo register with reads for %s, from this process, served by another", *readFor))
	srv, url, err := startChild(ctx, demoDir)
	if err != nil {
		return err
	}
	size := demoSize(url)
	rd, err := bench.Reads(ctx, url, benchReadPaths, size, *readClients, *readFor)
	if err != nil {
		srv.Process.Kill()
		return err
	}
	pages := []string{"/", "/records/%d", "/records", "/records?q=maritime", "/declarations", "/declarations/vnm/defence-policy", "/parties", "/parties/khm"}
	pg, err := bench.Reads(ctx, url, pages, size, 4, *readFor/2)
	rss := bench.PeakRSS(strconv.Itoa(srv.Process.Pid))
	srv.Process.Signal(os.Interrupt)
	srv.Wait()
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "| API reads (%d readers, demo data, %d records) | %.0f requests/s, p50 %s, p99 %s, %d errors | | | ≥ 5,000/s, p99 < 20 ms |\n",
		*readClients, size, rd.PerSecond(), rd.P50.Round(10*time.Microsecond), rd.P99.Round(10*time.Microsecond), rd.Errors)
	fmt.Fprintf(out, "| Pages (4 readers) | %.0f pages/s, p50 %s, p99 %s, %d errors | | | every page < 50 ms |\n",
		pg.PerSecond(), pg.P50.Round(10*time.Microsecond), pg.P99.Round(10*time.Microsecond), pg.Errors)
	fmt.Fprintf(out, "| Server memory through both loads | %.0f MB peak resident | | | < 200 MB |\n", float64(rss)/(1<<20))
	fmt.Fprintf(out, "\n| Request | Count | p50 | p99 |\n|---|---|---|---|\n")
	for _, p := range append(rd.ByPath, pg.ByPath...) {
		fmt.Fprintf(out, "| `%s` | %d | %s | %s |\n", p.Path, p.N, p.P50.Round(10*time.Microsecond), p.P99.Round(10*time.Microsecond))
	}
	if *postgres == "" {
		return nil
	}
	return benchPostgres(ctx, *postgres, *dir, f, *clients, *readClients, *readFor, sqliteFigures{write: w, rebuild: rb, reads: rd, logDir: reg.Dir})
}

// sqliteFigures are the figures measured with SQLite, to compare with.
type sqliteFigures struct {
	write   bench.WriteResult
	rebuild bench.Throughput
	reads   bench.ReadResult
	logDir  string // the register the rebuild read
}

// benchReadPaths are the API requests of the read measurements.
var benchReadPaths = []string{"/api/v1/records/%d", "/api/v1/records?limit=20", "/api/v1/records?q=maritime", "/api/v1/parties", "/api/v1/log", "/api/v1/declarations"}

// benchPostgres measures the write path, a rebuild and reads with the
// projections in PostgreSQL, then reads spread over a writer and two
// read-only nodes sharing its database.
func benchPostgres(ctx context.Context, base, dir string, f *bench.Fixture, clients, readClients int, readFor time.Duration, lite sqliteFigures) error {
	out := os.Stdout
	step := func(what string) { fmt.Fprintf(os.Stderr, "… %s\n", what) }
	ms := modules.All()
	var drops []func()
	defer func() {
		for _, drop := range drops {
			drop()
		}
	}()
	schema := func() (string, error) {
		dsn, drop, err := bench.PostgresSchema(ctx, base)
		if err != nil {
			return "", err
		}
		drops = append(drops, drop)
		return dsn, nil
	}

	step("the register's verified write path, with PostgreSQL")
	dsn, err := schema()
	if err != nil {
		return err
	}
	reg, err := bench.FoundWith(ctx, f, filepath.Join(dir, "register-pg"), ms, dsn)
	if err != nil {
		return err
	}
	w, err := reg.WritePath(ctx, f, clients, 50)
	if cerr := reg.Close(ctx); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	step("rebuild into PostgreSQL")
	if dsn, err = schema(); err != nil {
		return err
	}
	rb, err := bench.RebuildInto(ctx, lite.logDir, ms, dsn)
	if err != nil {
		return err
	}

	step("founding the demonstration register, with PostgreSQL")
	if dsn, err = schema(); err != nil {
		return err
	}
	demoDir := filepath.Join(dir, "demo-pg")
	cfg := nodeConfig(demoDir, ms, logger(false, 8))
	cfg.Postgres = dsn
	if err := demo.Found(ctx, cfg, ms, nil, nil); err != nil {
		return err
	}
	writer, url, err := startChild(ctx, demoDir, "-db", dsn)
	if err != nil {
		return err
	}
	defer func() { writer.Process.Signal(os.Interrupt); writer.Wait() }()
	size := demoSize(url)
	step(fmt.Sprintf("loading one node with reads for %s", readFor))
	one, err := bench.Reads(ctx, url, benchReadPaths, size, readClients, readFor)
	if err != nil {
		return err
	}
	urls, pids := []string{url}, []int{writer.Process.Pid}
	for range 2 {
		r, u, err := startChild(ctx, demoDir, "-db", dsn, "-read-only", "-writer", url)
		if err != nil {
			return err
		}
		defer func() { r.Process.Signal(os.Interrupt); r.Wait() }()
		urls, pids = append(urls, u), append(pids, r.Process.Pid)
	}
	step(fmt.Sprintf("loading the writer and two read-only nodes with reads for %s", readFor))
	// Where the processor time of a read goes: to the nodes, or to the
	// database they share, which bounds how far more nodes can take reads.
	pgPids := bench.ProcessesNamed("postgres")
	nodesBefore, pgBefore := bench.CPUTime(pids...), bench.CPUTime(pgPids...)
	three, err := bench.ReadsAcross(ctx, urls, benchReadPaths, size, readClients, readFor)
	if err != nil {
		return err
	}
	nodesCPU, pgCPU := bench.CPUTime(pids...)-nodesBefore, bench.CPUTime(pgPids...)-pgBefore

	fmt.Fprintf(out, "\n| Measure | SQLite | PostgreSQL | PostgreSQL / SQLite |\n|---|---|---|---|\n")
	fmt.Fprintf(out, "| Verified write path (%d writers) | %.0f records/s | %.0f records/s | %.2f |\n", clients, lite.write.PerSecond(), w.PerSecond(), w.PerSecond()/lite.write.PerSecond())
	fmt.Fprintf(out, "| Acceptance to published checkpoint, median | %s | %s | |\n", lite.write.PublishLatency.Round(time.Millisecond), w.PublishLatency.Round(time.Millisecond))
	fmt.Fprintf(out, "| Rebuild (%d records) | %.0f records/s | %.0f records/s | %.2f |\n", rb.N, lite.rebuild.PerSecond(), rb.PerSecond(), rb.PerSecond()/lite.rebuild.PerSecond())
	fmt.Fprintf(out, "| API reads, one node (%d readers) | %.0f requests/s, p99 %s | %.0f requests/s, p99 %s | %.2f |\n", readClients,
		lite.reads.PerSecond(), lite.reads.P99.Round(10*time.Microsecond), one.PerSecond(), one.P99.Round(10*time.Microsecond), one.PerSecond()/lite.reads.PerSecond())
	fmt.Fprintf(out, "\n| Nodes serving reads (PostgreSQL, %d readers) | Requests/s | p50 | p99 | Errors |\n|---|---|---|---|---|\n", readClients)
	fmt.Fprintf(out, "| the writer alone | %.0f | %s | %s | %d |\n", one.PerSecond(), one.P50.Round(10*time.Microsecond), one.P99.Round(10*time.Microsecond), one.Errors)
	fmt.Fprintf(out, "| the writer and two read-only nodes | %.0f | %s | %s | %d |\n", three.PerSecond(), three.P50.Round(10*time.Microsecond), three.P99.Round(10*time.Microsecond), three.Errors)
	fmt.Fprintf(out, "\nThree nodes / one: %.2f (this machine has %d cores, shared by the nodes, PostgreSQL and the load).\n", three.PerSecond()/one.PerSecond(), runtime.NumCPU())
	if n := float64(three.N); n > 0 && nodesCPU > 0 {
		perNode, perPG := float64(nodesCPU.Microseconds())/n, float64(pgCPU.Microseconds())/n
		fmt.Fprintf(out, "Processor time per read: %.0f µs in the nodes, %.0f µs in PostgreSQL", perNode, perPG)
		if len(pgPids) == 0 || perPG == 0 {
			fmt.Fprintf(out, " (PostgreSQL's processes are not on this machine, or not visible)\n")
		} else {
			fmt.Fprintf(out, ": with each node on a core of its own, reads grow with the nodes until PostgreSQL's cores are busy, at about %.0f reads/s per PostgreSQL core.\n", 1e6/perPG)
		}
	}
	return nil
}

// startChild runs kongsi serve on dir in another process, with args.
func startChild(ctx context.Context, dir string, args ...string) (*exec.Cmd, string, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, "", err
	}
	f, err := os.CreateTemp("", "kongsi-bench-addr-")
	if err != nil {
		return nil, "", err
	}
	f.Close()
	addrFile := f.Name()
	defer os.Remove(addrFile)
	cmd := exec.CommandContext(ctx, self, append([]string{"serve", "-data", dir, "-addr", "127.0.0.1:0", "-addr-file", addrFile}, args...)...)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		return nil, "", err
	}
	for range 600 {
		if b, err := os.ReadFile(addrFile); err == nil && len(b) > 0 {
			return cmd, "http://" + string(b), nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	cmd.Process.Kill()
	return nil, "", fmt.Errorf("the demo register did not start")
}

func demoSize(url string) uint64 {
	resp, err := httpClient.Get(url + "/log/checkpoint")
	if err != nil {
		return 1
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	lines := strings.Split(string(b), "\n")
	if len(lines) > 1 {
		if n, err := strconv.ParseUint(lines[1], 10, 64); err == nil && n > 0 {
			return n
		}
	}
	return 1
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, "model name"); ok {
			return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(rest), ":"))
		}
	}
	return runtime.GOARCH
}
