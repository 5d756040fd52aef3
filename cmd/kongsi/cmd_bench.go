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
	step("rebuild")
	rb, err := bench.Rebuild(ctx, reg.Dir, ms)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "| kongsi rebuild (%d records) | %.0f records/s | | | ≥ 50,000/s |\n", rb.N, rb.PerSecond())

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
	api := []string{"/api/v1/records/%d", "/api/v1/records?limit=20", "/api/v1/records?q=maritime", "/api/v1/parties", "/api/v1/log", "/api/v1/declarations"}
	rd, err := bench.Reads(ctx, url, api, size, *readClients, *readFor)
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
	return nil
}

// startChild runs kongsi serve on dir in another process.
func startChild(ctx context.Context, dir string) (*exec.Cmd, string, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, "", err
	}
	addrFile := filepath.Join(dir, "bench-addr")
	cmd := exec.CommandContext(ctx, self, "serve", "-data", dir, "-addr", "127.0.0.1:0", "-addr-file", addrFile)
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
