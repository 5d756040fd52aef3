package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kongsi/kongsi/internal/declaration"
	"github.com/kongsi/kongsi/internal/ledger/ledgertest"
	"github.com/kongsi/kongsi/internal/mirror"
	"github.com/kongsi/kongsi/internal/module"
	"github.com/kongsi/kongsi/internal/node"
	"github.com/kongsi/kongsi/internal/signednote"
	"github.com/kongsi/kongsi/internal/tlog"
	"github.com/kongsi/kongsi/internal/web"
	"golang.org/x/mod/sumdb/note"
)

// cluster is a register, its witnesses and a mirror, each a kongsi process
// on loopback.
type cluster struct {
	t         *testing.T
	f         *ledgertest.Fixture
	dir       string
	policy    string // the witness policy file
	witnesses []*witnessProc
	client    *http.Client
	next      int
}

type witnessProc struct {
	args []string
	*server
}

// newCluster founds a register and starts n witnesses for its log.
func newCluster(t *testing.T, n int) *cluster {
	t.Helper()
	ctx := context.Background()
	c := &cluster{t: t, f: ledgertest.New(t), dir: t.TempDir(), client: &http.Client{Timeout: 30 * time.Second}}
	ms := []module.Module{declaration.New()}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	if err := node.Found(ctx, node.Config{Dir: c.dir, Kinds: module.Kinds(ms), Projections: module.Projections(ms), Logger: quiet}, c.f.LogSKey, c.f.CharterEntry); err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	logKey := filepath.Join(work, "log.vkey")
	if err := os.WriteFile(logKey, []byte(c.f.LogVKey+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var policy strings.Builder
	var names []string
	for i := range n {
		name := fmt.Sprintf("w%d", i+1)
		skey, vkey, err := signednote.GenerateCosignatureKey(name + ".witness.example")
		if err != nil {
			t.Fatal(err)
		}
		wdir := filepath.Join(work, name)
		os.MkdirAll(wdir, 0o700)
		if err := os.WriteFile(filepath.Join(wdir, "witness.key"), []byte(skey+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		args := []string{"witness", "-data", wdir, "-log", logKey}
		w := &witnessProc{args: args, server: startKongsi(t, append(args, "-addr", "127.0.0.1:0")...)}
		t.Cleanup(func() { w.kill() })
		c.witnesses = append(c.witnesses, w)
		fmt.Fprintf(&policy, "witness %s %s %s/\n", name, vkey, w.addr)
		names = append(names, name)
	}
	fmt.Fprintf(&policy, "group all-witnesses 2 %s\nquorum all-witnesses\n", strings.Join(names, " "))
	c.policy = filepath.Join(work, "policy.txt")
	if err := os.WriteFile(c.policy, []byte(policy.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return c
}

// stopWitness stops witness i; startWitness starts it again at the same
// address, with its state.
func (c *cluster) stopWitness(i int) { c.witnesses[i].stop(c.t) }

func (c *cluster) startWitness(i int) {
	w := c.witnesses[i]
	addr := strings.TrimPrefix(w.addr, "http://")
	for range 50 { // the port may take a moment to be free again
		if s := startKongsiMaybe(c.t, append(w.args, "-addr", addr)...); s != nil {
			w.server = s
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	c.t.Fatalf("couldn't restart witness %d at %s", i, addr)
}

// startKongsiMaybe is startKongsi that returns nil if the process exits
// before it listens.
func startKongsiMaybe(t *testing.T, args ...string) *server {
	addrFile := filepath.Join(t.TempDir(), "addr")
	cmd := exec.Command(binary, append(args, "-addr-file", addrFile)...)
	s := &server{cmd: cmd, log: &strings.Builder{}}
	cmd.Stdout, cmd.Stderr = &lockedWriter{w: s.log}, &lockedWriter{w: s.log}
	s.start(t)
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); {
		if b, err := os.ReadFile(addrFile); err == nil && len(b) > 0 {
			s.addr = "http://" + string(b)
			return s
		}
		select {
		case <-s.done:
			return nil
		case <-time.After(20 * time.Millisecond):
		}
	}
	cmd.Process.Kill()
	t.Fatalf("kongsi %s did not start\n%s", args[0], s.log.String())
	return nil
}

// submit posts a new declaration; wait asks for ?wait=published. It returns
// the answer's status and result.
func (c *cluster) submit(base string, wait bool) (int, web.SubmitResult, []byte) {
	c.t.Helper()
	c.next++
	entry := c.f.Sign(c.t, "khm.mfa", declaration.Kind, fmt.Sprintf("declarations/khm/multi-%d", c.next), declarationBody(c.next))
	u := base + "/api/v1/records"
	if wait {
		u += "?wait=published"
	}
	resp, err := c.client.Post(u, "text/plain", bytes.NewReader(entry))
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var res web.SubmitResult
	json.Unmarshal(body, &res)
	return resp.StatusCode, res, entry
}

func (c *cluster) status(base string) web.LogStatus {
	c.t.Helper()
	var st web.LogStatus
	resp, err := c.client.Get(base + "/api/v1/log")
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	json.NewDecoder(resp.Body).Decode(&st)
	return st
}

// waitFor polls until cond holds.
func waitFor(t *testing.T, what string, within time.Duration, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(within); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// switchProxy forwards to one upstream or another.
type switchProxy struct{ target atomic.Pointer[http.Handler] }

func (p *switchProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	(*p.target.Load()).ServeHTTP(w, r)
}
func (p *switchProxy) to(h http.Handler) { p.target.Store(&h) }

// TestWitnessesAndMirror runs a register whose checkpoints two of three
// witnesses must cosign, and a mirror of it, each a kongsi process. With one
// witness stopped, publication goes on; with two, records are still
// acknowledged but no checkpoint covers them, until a witness returns. The
// mirror copies everything, serves it, and detects a forged fork.
func TestWitnessesAndMirror(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: runs a register, three witnesses and a mirror")
	}
	c := newCluster(t, 3)
	srv := startServer(t, c.dir, "-witnesses", c.policy, "-witness-timeout", "1s")
	defer srv.kill()
	policyBytes, _ := os.ReadFile(c.policy)
	policy, err := tlog.ParsePolicy(policyBytes)
	if err != nil {
		t.Fatal(err)
	}
	verifier, _ := note.NewVerifier(c.f.LogVKey)
	cosigned := func(raw string) int {
		t.Helper()
		cp, err := tlog.ParseCheckpoint([]byte(raw), verifier)
		if err != nil {
			t.Fatal(err)
		}
		cs, err := policy.Check(cp)
		if err != nil {
			t.Fatalf("a published checkpoint: %v\n%s", err, raw)
		}
		return len(cs)
	}

	// All three up: published with cosignatures.
	code, res, _ := c.submit(srv.addr, true)
	if code != http.StatusCreated || res.Checkpoint == "" {
		t.Fatalf("submit: %d %+v", code, res)
	}
	cosigned(res.Checkpoint)

	// A mirror, following the register through a proxy the test can turn
	// to a forged log later.
	proxy := &switchProxy{}
	target, _ := url.Parse(srv.addr)
	proxy.to(httputil.NewSingleHostReverseProxy(target))
	front := httptest.NewServer(proxy)
	defer front.Close()
	mdir := t.TempDir()
	mirrorArgs := []string{"mirror", "-from", front.URL, "-data", mdir, "-witnesses", c.policy, "-interval", "200ms"}
	mir := startKongsi(t, append(mirrorArgs, "-addr", "127.0.0.1:0", "-exit-on-split-view")...)
	defer mir.kill()

	// One witness down: publication goes on.
	c.stopWitness(0)
	code, res, _ = c.submit(srv.addr, true)
	if code != http.StatusCreated {
		t.Fatalf("with one witness of three down: %d %+v", code, res)
	}
	if n := cosigned(res.Checkpoint); n != 2 {
		t.Fatalf("%d cosignatures with one witness down", n)
	}

	// Two down: records are acknowledged, and wait for a checkpoint.
	c.stopWitness(1)
	acked := map[uint64][]byte{}
	for range 5 {
		code, res, entry := c.submit(srv.addr, false)
		if code != http.StatusCreated {
			t.Fatalf("with two witnesses down, a record was refused: %d", code)
		}
		acked[res.Index] = entry
	}
	last := res.Index
	for i := range acked {
		last = max(last, i)
	}
	time.Sleep(3 * time.Second)
	st := c.status(srv.addr)
	if st.Size > last || st.IntegratedSize <= last {
		t.Fatalf("with two witnesses down: published %d, stored %d, last acknowledged %d", st.Size, st.IntegratedSize, last)
	}
	var refused int
	for _, wc := range st.WitnessContacts {
		if wc.Error != "" {
			refused++
		}
	}
	if refused < 2 {
		t.Errorf("the log's status does not show the witnesses it cannot reach: %+v", st.WitnessContacts)
	}

	// One comes back: a checkpoint covers everything acknowledged.
	c.startWitness(0)
	waitFor(t, "a checkpoint covers the records acknowledged while two witnesses were down", 20*time.Second, func() bool {
		return c.status(srv.addr).Size > last
	})
	st = c.status(srv.addr)
	cosigned(st.Checkpoint)
	for i, entry := range acked {
		resp, err := c.client.Get(fmt.Sprintf("%s/api/v1/records/%d", srv.addr, i))
		if err != nil {
			t.Fatal(err)
		}
		var d web.RecordDetail
		json.NewDecoder(resp.Body).Decode(&d)
		resp.Body.Close()
		if d.Entry != string(entry) {
			t.Fatalf("the record acknowledged at %d is not there", i)
		}
	}

	// The mirror catches up, serves the same pages and API, and refuses
	// records, naming the writer.
	waitFor(t, "the mirror catches up", 20*time.Second, func() bool { return c.status(mir.addr).Size == st.Size })
	for _, p := range []string{"/", "/records/0", fmt.Sprintf("/records/%d", last), "/witnesses", "/mirror", "/log/checkpoint"} {
		resp, err := c.client.Get(mir.addr + p)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("mirror %s: %d\n%s", p, resp.StatusCode, b)
		}
		if p == "/" && !strings.Contains(string(b), "A read-only mirror of") {
			t.Errorf("the mirror's home page does not say it is a mirror")
		}
	}
	code, _, _ = c.submit(mir.addr, false)
	if code != http.StatusForbidden {
		t.Fatalf("the mirror took a record: %d", code)
	}
	resp, _ := c.client.Post(mir.addr+"/api/v1/records", "text/plain", strings.NewReader("x"))
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), front.URL) || !strings.Contains(string(b), `"rule":"read-only"`) {
		t.Errorf("the mirror's refusal does not name the writer: %s", b)
	}
	// kongsi verify checks a record and its cosignatures against the
	// mirror.
	out, err := run(context.Background(), "verify", "-log", mir.addr+"/log/", "-log-key", c.f.LogVKey, "-witnesses", c.policy, "-state", "", "-index", fmt.Sprint(last))
	if err != nil || !strings.Contains(out, "✓ The checkpoint is cosigned by 2 of the witnesses") {
		t.Fatalf("kongsi verify against the mirror: %v\n%s", err, out)
	}

	// A forged fork: the same log key signs another history, larger than
	// what the mirror holds. The mirror sees it through its upstream, and
	// stops with the evidence.
	held := c.status(mir.addr)
	forkDir := forkRegister(t, c.f, int(held.Size)+3)
	proxy.to(http.StripPrefix("/log", tlog.Handler(filepath.Join(forkDir, node.LogDir), c.f.LogVKey)))
	select {
	case <-mir.done:
		var ee *exec.ExitError
		if !errors.As(mir.err, &ee) || ee.ExitCode() != exitSplitView {
			t.Fatalf("the mirror exited with %v, want status %d\n%s", mir.err, exitSplitView, mir.log)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("the mirror did not detect the fork\n%s", mir.log)
	}
	if !strings.Contains(mir.log.String(), "SPLIT VIEW") {
		t.Errorf("the mirror did not log the split view:\n%s", mir.log)
	}
	// Started again, it serves what it held, with the evidence.
	mir = startKongsi(t, append(mirrorArgs, "-addr", "127.0.0.1:0")...)
	defer mir.kill()
	resp, err = c.client.Get(mir.addr + "/api/v1/mirror")
	if err != nil {
		t.Fatal(err)
	}
	var ms mirror.Status
	json.NewDecoder(resp.Body).Decode(&ms)
	resp.Body.Close()
	if resp.StatusCode != http.StatusConflict || ms.SplitView == nil || ms.SplitView.Kind != "not-extending" || ms.Size != held.Size || len(ms.SplitView.Proof) == 0 {
		t.Fatalf("the mirror's evidence: %d %+v", resp.StatusCode, ms)
	}
	for _, raw := range []string{ms.SplitView.Held, ms.SplitView.Conflicting} {
		if _, err := tlog.ParseCheckpoint([]byte(raw), verifier); err != nil {
			t.Fatalf("a checkpoint of the evidence does not verify: %v", err)
		}
	}
	resp, _ = c.client.Get(mir.addr + "/mirror")
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), "Split view detected") || !strings.Contains(string(b), "The consistency proof that fails") {
		t.Errorf("the mirror's page does not show the evidence")
	}
	if resp, _ := c.client.Get(mir.addr + "/healthz"); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("/healthz of a mirror that saw a split view: %d", resp.StatusCode)
	}
	srv.stop(t)
}

// forkRegister founds, with the same charter and log key, a register of
// size records that differ from the real one's after the charter.
func forkRegister(t *testing.T, f *ledgertest.Fixture, size int) string {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	ms := []module.Module{declaration.New()}
	cfg := node.Config{Dir: dir, Kinds: module.Kinds(ms), Projections: module.Projections(ms), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if err := node.Found(ctx, cfg, f.LogSKey, f.CharterEntry); err != nil {
		t.Fatal(err)
	}
	n, err := node.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < size; i++ {
		entry := f.Sign(t, "vnm.mfa", declaration.Kind, fmt.Sprintf("declarations/vnm/fork-%d", i), declarationBody(i))
		if _, err := n.Sequencer.Submit(ctx, entry); err != nil {
			t.Fatal(err)
		}
	}
	if err := n.Close(ctx); err != nil {
		t.Fatal(err)
	}
	return dir
}
