package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kongsi/kongsi/internal/declaration"
	"github.com/kongsi/kongsi/internal/ledger/ledgertest"
	"github.com/kongsi/kongsi/internal/module"
	"github.com/kongsi/kongsi/internal/node"
	"github.com/kongsi/kongsi/internal/store/storetest"
	"github.com/kongsi/kongsi/internal/web"
)

// TestWriterAndReadOnlyNodes runs the deployment of docs/OPERATING.md on
// loopback: one writer and two read-only nodes sharing one PostgreSQL
// database and the writer's log. Clients write through every node (the
// read-only ones pass writes on) while the writer is killed and started
// again; every acknowledged record must then be served, the same, by every
// node, and the read-only nodes must have served reads throughout.
func TestWriterAndReadOnlyNodes(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: runs three servers and restarts one")
	}
	dsn := storetest.Postgres(t)
	ctx := context.Background()
	f := ledgertest.New(t)
	dir := t.TempDir()
	ms := []module.Module{declaration.New()}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := node.Config{Dir: dir, Kinds: module.Kinds(ms), Projections: module.Projections(ms), Logger: quiet, Postgres: dsn}
	if err := node.Found(ctx, cfg, f.LogSKey, f.CharterEntry); err != nil {
		t.Fatal(err)
	}

	// A read-only node refuses to start before the writer has made the
	// tables it reads.
	empty := storetest.Postgres(t)
	if out, err := run(ctx, "serve", "-read-only", "-data", dir, "-db", empty, "-addr", "127.0.0.1:0"); err == nil {
		t.Fatalf("a read-only node started on an empty database:\n%s", out)
	} else if !strings.Contains(out, "start the writer first") {
		t.Errorf("a read-only node on an empty database says:\n%s", out)
	}

	writer := startServer(t, dir, "-db", dsn)
	writerAddr := writer.addr
	var readers []*server
	for range 2 {
		readers = append(readers, startKongsi(t, "serve", "-read-only", "-data", dir, "-db", dsn, "-writer", writerAddr, "-addr", "127.0.0.1:0"))
	}
	nodes := []string{writerAddr, readers[0].addr, readers[1].addr}
	client := &http.Client{Timeout: 10 * time.Second}

	var (
		mu    sync.Mutex
		acked = map[uint64][]byte{}
		next  atomic.Int64
		stop  = make(chan struct{})
		wg    sync.WaitGroup
	)
	authors := []string{"khm.mfa", "vnm.mfa", "phl.mfa", "idn.mfa"}
	for c := range 8 {
		wg.Go(func() {
			author := authors[c%len(authors)]
			for k := 0; ; k++ {
				select {
				case <-stop:
					return
				default:
				}
				i := int(next.Add(1))
				entry := f.Sign(t, author, declaration.Kind, fmt.Sprintf("declarations/%s/n%d", author[:3], i), declarationBody(i))
				// Every client writes through every node in turn.
				resp, err := client.Post(nodes[(c+k)%len(nodes)]+"/api/v1/records", "text/plain", bytes.NewReader(entry))
				if err != nil {
					continue
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated {
					if resp.StatusCode != http.StatusServiceUnavailable {
						t.Errorf("status %d: %s", resp.StatusCode, body)
					}
					time.Sleep(20 * time.Millisecond)
					continue
				}
				var res web.SubmitResult
				if err := json.Unmarshal(body, &res); err != nil {
					t.Error(err)
					continue
				}
				mu.Lock()
				acked[res.Index] = entry
				mu.Unlock()
			}
		})
	}

	// Kill the writer while it takes records; the read-only nodes go on
	// serving reads meanwhile, and refuse writes with 503.
	time.Sleep(700 * time.Millisecond)
	writer.kill()
	for _, r := range readers {
		if code := status(t, client, r.addr+"/records"); code != http.StatusOK {
			t.Errorf("a read-only node answered %d for a page while the writer was down", code)
		}
		resp, err := client.Post(r.addr+"/api/v1/records", "text/plain", bytes.NewReader(f.Sign(t, "khm.mfa", declaration.Kind, "declarations/khm/while-down", declarationBody(0))))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("a write through a read-only node while the writer was down: status %d, want 503", resp.StatusCode)
		}
	}
	u, _ := url.Parse(writerAddr)
	writer = startServer(t, dir, "-db", dsn, "-addr", u.Host)
	time.Sleep(700 * time.Millisecond)
	close(stop)
	wg.Wait()
	if len(acked) < 50 {
		t.Fatalf("only %d records were acknowledged", len(acked))
	}
	var maxIndex uint64
	for i := range acked {
		maxIndex = max(maxIndex, i)
	}

	// Every node comes to serve every acknowledged record.
	for _, n := range nodes {
		deadline := time.Now().Add(30 * time.Second)
		for {
			var st web.LogStatus
			if resp, err := client.Get(n + "/api/v1/log"); err == nil {
				json.NewDecoder(resp.Body).Decode(&st)
				resp.Body.Close()
			}
			if st.Projected > maxIndex {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s never reflected index %d: %+v", n, maxIndex, st)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	for i, entry := range acked {
		for _, n := range nodes {
			var d web.RecordDetail
			resp, err := client.Get(fmt.Sprintf("%s/api/v1/records/%d", n, i))
			if err != nil {
				t.Fatal(err)
			}
			json.NewDecoder(resp.Body).Decode(&d)
			resp.Body.Close()
			if d.Entry != string(entry) {
				t.Fatalf("%s serves at index %d another record than the one acknowledged", n, i)
			}
		}
	}
	t.Logf("%d acknowledged records, served by all three nodes", len(acked))

	// A write through a read-only node waits until every node serves it.
	entry := f.Sign(t, "vnm.mfa", declaration.Kind, "declarations/vnm/through-a-reader", declarationBody(1))
	resp, err := client.Post(readers[0].addr+"/api/v1/records?wait=published", "text/plain", bytes.NewReader(entry))
	if err != nil {
		t.Fatal(err)
	}
	var res web.SubmitResult
	json.NewDecoder(resp.Body).Decode(&res)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || res.Proof == "" {
		t.Fatalf("write with wait through a read-only node: status %d, %+v", resp.StatusCode, res)
	}
	if want := readers[0].addr + "/records/"; len(res.URL) < len(want) || res.URL[:len(want)] != want {
		t.Errorf("the record's address %q is not on the node it was sent to", res.URL)
	}
	if code := status(t, client, readers[1].addr+"/api/v1/subjects/declarations/vnm/through-a-reader"); code != http.StatusOK {
		t.Errorf("the other read-only node answered %d for the subject just published", code)
	}
	for _, r := range readers {
		if code := status(t, client, r.addr+"/healthz"); code != http.StatusOK {
			t.Errorf("a read-only node's health: %d", code)
		}
	}
	writer.stop(t)
	for _, r := range readers {
		r.stop(t)
	}
	if out, err := run(ctx, "audit", "-data", dir); err != nil {
		t.Fatalf("audit: %v\n%s", err, out)
	}
}

func status(t *testing.T, c *http.Client, u string) int {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}
