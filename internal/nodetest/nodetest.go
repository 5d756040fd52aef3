// Package nodetest runs a real register node for tests: founded in a
// temporary directory by a ledgertest fixture, with the given modules, its
// site served by an httptest server. Tests submit records through the real
// write path and drive the real handlers, with scenario tables.
package nodetest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kongsi/kongsi/internal/ledger/ledgertest"
	"github.com/kongsi/kongsi/internal/module"
	"github.com/kongsi/kongsi/internal/node"
	"github.com/kongsi/kongsi/internal/store/storetest"
	"github.com/kongsi/kongsi/internal/tlog"
	"github.com/kongsi/kongsi/internal/web"
)

// Env is a running node and its site.
type Env struct {
	T      testing.TB
	F      *ledgertest.Fixture
	Node   *node.Node
	Site   *web.Site
	Server *httptest.Server
	Dir    string
}

// New founds a register with the fixture's charter and serves it, with its
// projections in SQLite.
func New(t testing.TB, ms ...module.Module) *Env {
	t.Helper()
	return NewWith(t, Options{}, ms...)
}

// NewPostgres is New with the projections in a fresh PostgreSQL schema.
func NewPostgres(t testing.TB, ms ...module.Module) *Env {
	t.Helper()
	return NewWith(t, Options{Postgres: storetest.Postgres(t)}, ms...)
}

// Options configure a test node.
type Options struct {
	// Fixture is the register to found; a new one if nil.
	Fixture *ledgertest.Fixture
	// Witnesses is the node's configured witness policy.
	Witnesses *tlog.Policy
	// Postgres is the PostgreSQL database that holds the projections; ""
	// keeps them in SQLite.
	Postgres string
}

// NewWith founds a register as opts say and serves it.
func NewWith(t testing.TB, opts Options, ms ...module.Module) *Env {
	t.Helper()
	ctx := context.Background()
	f := opts.Fixture
	if f == nil {
		f = ledgertest.New(t)
	}
	dir := t.TempDir()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := node.Config{Dir: dir, Kinds: module.Kinds(ms), Projections: module.Projections(ms), Logger: quiet,
		Log: tlog.Options{CheckpointInterval: 100 * time.Millisecond, WitnessTimeout: 2 * time.Second}, Postgres: opts.Postgres}
	if err := node.Found(ctx, cfg, f.LogSKey, f.CharterEntry); err != nil {
		t.Fatal(err)
	}
	cfg.Witnesses = opts.Witnesses
	n, err := node.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	n.Run(ctx)
	site, err := web.New(n, web.Options{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if err := m.Web(site); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(site.Handler())
	e := &Env{T: t, F: f, Node: n, Site: site, Server: srv, Dir: dir}
	t.Cleanup(func() {
		srv.Close()
		cctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := n.Close(cctx); err != nil {
			t.Errorf("closing the node: %v", err)
		}
	})
	if err := n.Projector.WaitFor(ctx, 1); err != nil {
		t.Fatal(err)
	}
	return e
}

// Submit appends entries through the write path and waits until the pages
// show them. It returns the index of the last.
func (e *Env) Submit(entries ...[]byte) uint64 {
	e.T.Helper()
	var last uint64
	for _, entry := range entries {
		res, err := e.Node.Sequencer.Submit(context.Background(), entry)
		if err != nil {
			e.T.Fatalf("submit: %v", err)
		}
		last = res.Index
	}
	e.Wait(last + 1)
	return last
}

// Wait waits until the projections reflect n entries.
func (e *Env) Wait(n uint64) {
	e.T.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := e.Node.Projector.WaitFor(ctx, n); err != nil {
		e.T.Fatalf("waiting for the projections to reach %d: %v", n, err)
	}
}

// Checkpoint waits until the projector has verified a checkpoint of at least
// n entries, and returns it. (The projector counts the entries it applied
// before it records the checkpoint they make up.)
func (e *Env) Checkpoint(n uint64) *tlog.Checkpoint {
	e.T.Helper()
	e.Wait(n)
	deadline := time.Now().Add(20 * time.Second)
	for {
		if cp := e.Node.Projector.Checkpoint(); cp != nil && cp.Size >= n {
			return cp
		}
		if time.Now().After(deadline) {
			e.T.Fatalf("no checkpoint of %d entries", n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Do makes a request, with the headers given as name, value pairs, and
// returns the status, headers and body.
func (e *Env) Do(method, path, body string, header ...string) (int, http.Header, string) {
	e.T.Helper()
	req, err := http.NewRequest(method, e.Server.URL+path, strings.NewReader(body))
	if err != nil {
		e.T.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := e.Server.Client().Do(req)
	if err != nil {
		e.T.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.T.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

// Scenario is one request and what its answer must hold.
type Scenario struct {
	Name        string
	Method      string // GET by default
	Path        string
	Body        string
	Status      int // 200 by default
	Contains    []string
	NotContains []string
	ContentType string // a prefix the Content-Type must have, if set
}

// Run runs scenarios as subtests.
func (e *Env) Run(t *testing.T, scenarios []Scenario) {
	t.Helper()
	for _, sc := range scenarios {
		t.Run(sc.Name, func(t *testing.T) {
			method := sc.Method
			if method == "" {
				method = http.MethodGet
			}
			status, hdr, body := e.Do(method, sc.Path, sc.Body)
			want := sc.Status
			if want == 0 {
				want = http.StatusOK
			}
			if status != want {
				t.Errorf("%s %s: status %d, want %d\n%s", method, sc.Path, status, want, clip(body))
			}
			if sc.ContentType != "" && !strings.HasPrefix(hdr.Get("Content-Type"), sc.ContentType) {
				t.Errorf("%s %s: Content-Type %q, want %q", method, sc.Path, hdr.Get("Content-Type"), sc.ContentType)
			}
			for _, c := range sc.Contains {
				if !strings.Contains(body, c) {
					t.Errorf("%s %s: the answer lacks %q\n%s", method, sc.Path, c, clip(body))
				}
			}
			for _, c := range sc.NotContains {
				if strings.Contains(body, c) {
					t.Errorf("%s %s: the answer holds %q", method, sc.Path, c)
				}
			}
		})
	}
}

func clip(s string) string {
	if len(s) > 2000 {
		return s[:2000] + "…"
	}
	return s
}

// Opener starts an Env on one backend.
type Opener func(t testing.TB, ms ...module.Module) *Env

// Backends runs f once for each store backend, as subtests: "sqlite", and
// "postgres" (skipped when PostgreSQL is unreachable, except in CI).
func Backends(t *testing.T, f func(t *testing.T, open Opener)) {
	t.Run("sqlite", func(t *testing.T) { f(t, New) })
	t.Run("postgres", func(t *testing.T) { f(t, NewPostgres) })
}
