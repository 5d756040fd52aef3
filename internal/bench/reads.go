package bench

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kongsi/kongsi/internal/module"
	"github.com/kongsi/kongsi/internal/node"
	"github.com/kongsi/kongsi/internal/web"
)

// ReadResult is the outcome of a read load.
type ReadResult struct {
	Throughput
	P50, P99 time.Duration
	Errors   int
	// ByPath has the latencies of each kind of request.
	ByPath []PathResult
	// PeakRSS is the server's peak resident memory, in bytes, when known.
	PeakRSS uint64
}

// PathResult is the latency of one kind of request.
type PathResult struct {
	Path     string
	N        int
	P50, P99 time.Duration
}

// Serve serves a node's site on a loopback port until ctx ends, and returns
// its address.
func Serve(ctx context.Context, n *node.Node, ms []module.Module) (string, error) {
	site, err := web.New(n, web.Options{Logger: quiet()})
	if err != nil {
		return "", err
	}
	for _, m := range ms {
		if err := m.Web(site); err != nil {
			return "", err
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	go site.Serve(ctx, ln)
	return "http://" + ln.Addr().String(), nil
}

// Reads loads the site at base with clients for d, each request chosen at
// random from paths ("%d" is replaced by a random index below size).
func Reads(ctx context.Context, base string, paths []string, size uint64, clients int, d time.Duration) (ReadResult, error) {
	return ReadsAcross(ctx, []string{base}, paths, size, clients, d)
}

// ReadsAcross is Reads against several nodes serving the same register,
// the clients spread evenly over them, as a load balancer would.
func ReadsAcross(ctx context.Context, bases []string, paths []string, size uint64, clients int, d time.Duration) (ReadResult, error) {
	tr := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	c := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	defer tr.CloseIdleConnections()

	// Warm up: every path once on every node.
	for _, base := range bases {
		for _, p := range paths {
			if _, err := get(c, base+fill(p, size)); err != nil {
				return ReadResult{}, fmt.Errorf("%s%s: %w", base, p, err)
			}
		}
	}
	type sample struct {
		path int
		lat  time.Duration
		err  bool
	}
	var mu sync.Mutex
	var samples []sample
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for i := range clients {
		base := bases[i%len(bases)]
		wg.Go(func() {
			var local []sample
			for time.Now().Before(deadline) {
				pi := rand.IntN(len(paths))
				t := time.Now()
				_, err := get(c, base+fill(paths[pi], size))
				local = append(local, sample{pi, time.Since(t), err != nil})
			}
			mu.Lock()
			samples = append(samples, local...)
			mu.Unlock()
		})
	}
	wg.Wait()
	took := time.Since(start)
	res := ReadResult{Throughput: Throughput{N: len(samples), Duration: took}}
	var all []time.Duration
	per := make([][]time.Duration, len(paths))
	for _, s := range samples {
		if s.err {
			res.Errors++
		}
		all = append(all, s.lat)
		per[s.path] = append(per[s.path], s.lat)
	}
	res.P50, res.P99 = percentile(all, 50), percentile(all, 99)
	for i, p := range paths {
		res.ByPath = append(res.ByPath, PathResult{Path: p, N: len(per[i]), P50: percentile(per[i], 50), P99: percentile(per[i], 99)})
	}
	return res, nil
}

func fill(p string, size uint64) string {
	if strings.Contains(p, "%d") && size > 0 {
		return fmt.Sprintf(p, rand.Uint64N(size))
	}
	return p
}

func get(c *http.Client, url string) (int, error) {
	resp, err := c.Get(url)
	if err != nil {
		return 0, err
	}
	n, _ := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return int(n), fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return int(n), nil
}

func percentile(xs []time.Duration, p int) time.Duration {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

// PeakRSS reads a process's peak resident set size from /proc ("self" for
// this one).
func PeakRSS(pid string) uint64 {
	b, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				kb, _ := strconv.ParseUint(f[0], 10, 64)
				return kb * 1024
			}
		}
	}
	return 0
}
