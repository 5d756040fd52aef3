package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kongsi/kongsi/internal/declaration"
	"github.com/kongsi/kongsi/internal/ledger/ledgertest"
	"github.com/kongsi/kongsi/internal/module"
	"github.com/kongsi/kongsi/internal/node"
	"github.com/kongsi/kongsi/internal/tlog"
	"github.com/kongsi/kongsi/internal/web"
	"github.com/kongsi/kongsi/internal/witness/witnesstest"
	"golang.org/x/mod/sumdb/note"
)

func declarationBody(i int) map[string]any {
	return map[string]any{
		"topic": "Topic", "category": "other", "title": fmt.Sprintf("Position %d", i),
		"text": "A position.", "stated_on": "2025-01-01", "language": "en",
		"sources": []any{map[string]any{"title": "A source"}},
	}
}

// TestCrashLosesNothing appends records from many clients while the server
// is killed (SIGKILL) at random moments, again and again. Every record the
// server acknowledged must then be at the index it was given, the log must
// pass its audit, and the projections must equal a rebuild.
func TestCrashLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: kills and restarts a server several times")
	}
	crashTest(t, ledgertest.New(t), nil)
}

// TestCrashLosesNothingWithWitnesses is the same with checkpoints that two
// of three witnesses must cosign.
func TestCrashLosesNothingWithWitnesses(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: kills and restarts a server several times")
	}
	f := ledgertest.New(t)
	var ws []*witnesstest.Server
	for _, n := range []string{"a", "b", "c"} {
		ws = append(ws, witnesstest.Start(t, n+".witness.example", f.LogVKey))
	}
	policy := witnesstest.Policy(2, ws...)
	file := filepath.Join(t.TempDir(), "policy.txt")
	if err := os.WriteFile(file, policy.Marshal(), 0o644); err != nil {
		t.Fatal(err)
	}
	crashTest(t, f, policy, "-witnesses", file)
}

// crashTest runs the crash test; policy, if set, is the witness policy the
// final checkpoint must satisfy.
func crashTest(t *testing.T, f *ledgertest.Fixture, policy *tlog.Policy, serveArgs ...string) {
	ctx := context.Background()
	dir := t.TempDir()
	ms := []module.Module{declaration.New()}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	if err := node.Found(ctx, node.Config{Dir: dir, Kinds: module.Kinds(ms), Projections: module.Projections(ms), Logger: quiet}, f.LogSKey, f.CharterEntry); err != nil {
		t.Fatal(err)
	}

	const rounds, clients = 4, 16
	var (
		mu    sync.Mutex
		acked = map[uint64][]byte{}
		next  atomic.Int64
	)
	authors := []string{"khm.mfa", "vnm.mfa", "phl.mfa", "idn.mfa", "mys.mfa", "chn.mfa"}
	client := &http.Client{Timeout: 10 * time.Second}
	for round := range rounds {
		srv := startServer(t, dir, serveArgs...)
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for c := range clients {
			wg.Go(func() {
				author := authors[c%len(authors)]
				for {
					select {
					case <-stop:
						return
					default:
					}
					i := int(next.Add(1))
					state := author[:3]
					entry := f.Sign(t, author, declaration.Kind, fmt.Sprintf("declarations/%s/t%d", state, i), declarationBody(i))
					resp, err := client.Post(srv.addr+"/api/v1/records", "text/plain", bytes.NewReader(entry))
					if err != nil {
						continue // the server died mid-request: not acknowledged
					}
					var res web.SubmitResult
					body, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusCreated {
						if resp.StatusCode != http.StatusServiceUnavailable {
							t.Errorf("round %d: status %d: %s", round, resp.StatusCode, body)
						}
						continue
					}
					if err := json.Unmarshal(body, &res); err != nil {
						t.Errorf("round %d: %v", round, err)
						continue
					}
					mu.Lock()
					if prev, dup := acked[res.Index]; dup {
						t.Errorf("index %d acknowledged twice (%q and %q)", res.Index, prev[:40], entry[:40])
					}
					acked[res.Index] = entry
					mu.Unlock()
				}
			})
		}
		time.Sleep(time.Duration(300+rand.IntN(900)) * time.Millisecond)
		srv.kill()
		close(stop)
		wg.Wait()
		mu.Lock()
		t.Logf("round %d: %d records acknowledged so far", round, len(acked))
		mu.Unlock()
	}
	if len(acked) < 100 {
		t.Fatalf("only %d records were acknowledged: the test did not append heavily", len(acked))
	}

	// Restart, let a checkpoint cover everything, stop cleanly.
	srv := startServer(t, dir, serveArgs...)
	var maxIndex uint64
	for i := range acked {
		maxIndex = max(maxIndex, i)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		var st web.LogStatus
		resp, err := client.Get(srv.addr + "/api/v1/log")
		if err == nil {
			json.NewDecoder(resp.Body).Decode(&st)
			resp.Body.Close()
		}
		if st.Size > maxIndex && st.Projected == st.Size {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no checkpoint covered index %d: %+v", maxIndex, st)
		}
		time.Sleep(100 * time.Millisecond)
	}
	srv.stop(t)

	// Every acknowledged record is where it was said to be.
	_, vkey, _ := node.ReadLogKey(dir)
	v, _ := note.NewVerifier(vkey)
	src := tlog.DirSource(filepath.Join(dir, node.LogDir))
	cp, err := tlog.ReadCheckpoint(ctx, src, v)
	if err != nil {
		t.Fatal(err)
	}
	if policy != nil {
		if _, err := policy.Check(cp); err != nil {
			t.Fatalf("the final checkpoint: %v", err)
		}
	}
	got := map[uint64][]byte{}
	for e, err := range tlog.Entries(ctx, src, 0, cp.Size, cp.Size) {
		if err != nil {
			t.Fatal(err)
		}
		got[e.Index] = e.Data
	}
	for i, entry := range acked {
		if !bytes.Equal(got[i], entry) {
			t.Errorf("acknowledged record at index %d is not in the log", i)
		}
	}
	t.Logf("%d acknowledged records, all in a log of %d entries", len(acked), cp.Size)

	if out, err := run(ctx, "audit", "-data", dir); err != nil {
		t.Fatalf("audit after the crashes: %v\n%s", err, out)
	}
	if out, err := run(ctx, "rebuild", "-data", dir, "-check"); err != nil {
		t.Fatalf("the projections differ from a rebuild: %v\n%s", err, out)
	}
}
