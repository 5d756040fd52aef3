package witness

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"filippo.io/torchwood"
	"github.com/kongsi/kongsi/internal/signednote"
	fnote "github.com/transparency-dev/formats/note"
	"github.com/transparency-dev/merkle/rfc6962"
	"github.com/transparency-dev/merkle/testonly"
	"golang.org/x/mod/sumdb/note"
)

const testOrigin = "example.com/test-log"

// testLog is a log for tests: a Merkle tree and the key that signs its
// checkpoints.
type testLog struct {
	t      testing.TB
	origin string
	signer note.Signer
	vkey   string
	tree   *testonly.Tree
	salt   string // makes the entries of two logs of the same origin differ
}

func newTestLog(t testing.TB, origin string) *testLog {
	t.Helper()
	skey, vkey, err := signednote.GenerateKey(origin)
	if err != nil {
		t.Fatal(err)
	}
	s, err := signednote.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	return &testLog{t: t, origin: origin, signer: s, vkey: vkey, tree: testonly.New(rfc6962.DefaultHasher)}
}

// grow appends n entries.
func (l *testLog) grow(n int) {
	for range n {
		l.tree.AppendData(fmt.Appendf(nil, "entry %d of %s%s", l.tree.Size(), l.origin, l.salt))
	}
}

// text is the checkpoint text of the tree at size.
func (l *testLog) text(size uint64) []byte {
	return fmt.Appendf(nil, "%s\n%d\n%s\n", l.origin, size, base64.StdEncoding.EncodeToString(l.tree.HashAt(size)))
}

func (l *testLog) sign(text []byte, signers ...note.Signer) []byte {
	l.t.Helper()
	if len(signers) == 0 {
		signers = []note.Signer{l.signer}
	}
	b, err := note.Sign(&note.Note{Text: string(text)}, signers...)
	if err != nil {
		l.t.Fatal(err)
	}
	return b
}

// request builds an add-checkpoint request from old to the current size.
func (l *testLog) request(old uint64) []byte {
	l.t.Helper()
	r := &Request{OldSize: old, Checkpoint: l.sign(l.text(l.tree.Size()))}
	if old > 0 && old < l.tree.Size() {
		p, err := l.tree.ConsistencyProof(old, l.tree.Size())
		if err != nil {
			l.t.Fatal(err)
		}
		r.Proof = p
	}
	return r.Marshal()
}

type testEnv struct {
	w     *Witness
	store *SQLiteStore
	skey  string
	dir   string
}

func newTestWitness(t testing.TB, logs ...*testLog) *testEnv {
	t.Helper()
	dir := t.TempDir()
	st, err := OpenSQLite(context.Background(), filepath.Join(dir, "witness.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	keys := map[string][]string{}
	for _, l := range logs {
		keys[l.origin] = append(keys[l.origin], l.vkey)
	}
	if err := st.SetLogs(context.Background(), keys); err != nil {
		t.Fatal(err)
	}
	skey, _, err := signednote.GenerateCosignatureKey("witness.example/w1")
	if err != nil {
		t.Fatal(err)
	}
	w, err := New(skey, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return &testEnv{w: w, store: st, skey: skey, dir: dir}
}

func (e *testEnv) state(t testing.TB, origin string) (uint64, []byte) {
	t.Helper()
	st, err := e.store.Log(context.Background(), origin)
	if err != nil {
		t.Fatal(err)
	}
	return st.Size, st.Hash
}

// add posts a request and checks the status; it returns the answer.
func (e *testEnv) add(t testing.TB, body []byte, want int) []byte {
	t.Helper()
	resp, code, err := e.w.AddCheckpoint(context.Background(), body)
	if code != want {
		t.Fatalf("status %d (%v), want %d\n%s", code, err, want, resp)
	}
	if (err == nil) != (code == http.StatusOK) {
		t.Fatalf("status %d with error %v", code, err)
	}
	return resp
}

// checkCosignature checks a 200 answer: one cosignature line by the
// witness's key on text, verified by our code, by Tessera's formats package
// and by torchwood.
func (e *testEnv) checkCosignature(t testing.TB, text, resp []byte) {
	t.Helper()
	signed := append(append(append([]byte{}, text...), '\n'), resp...)
	n, err := signednote.Parse(signed)
	if err != nil || len(n.Sigs) != 1 {
		t.Fatalf("the answer is not one signature line: %q (%v)", resp, err)
	}
	if _, ok := e.w.Key().Verify(n.Text, n.Sigs[0]); !ok {
		t.Fatal("our key does not verify the cosignature")
	}
	fv, err := fnote.NewVerifierForCosignatureV1(e.w.Key().String())
	if err != nil {
		t.Fatal(err)
	}
	tv, err := torchwood.NewCosignatureVerifier(e.w.Key().String())
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []note.Verifier{fv, tv} {
		if _, err := note.Open(signed, note.VerifierList(v)); err != nil {
			t.Fatalf("%T does not verify the cosignature: %v", v, err)
		}
	}
}

func TestAddCheckpoint(t *testing.T) {
	l := newTestLog(t, testOrigin)
	e := newTestWitness(t, l)

	// A first checkpoint: old size 0, no proof.
	l.grow(5)
	resp := e.add(t, l.request(0), http.StatusOK)
	e.checkCosignature(t, l.text(5), resp)
	if size, hash := e.state(t, testOrigin); size != 5 || !bytes.Equal(hash, l.tree.HashAt(5)) {
		t.Fatalf("state %d %x after the first checkpoint", size, hash)
	}
	// Then consistent growth, over tile and power-of-two boundaries.
	for _, n := range []int{1, 2, 250, 300, 1} {
		old := l.tree.Size()
		l.grow(n)
		resp := e.add(t, l.request(old), http.StatusOK)
		e.checkCosignature(t, l.text(l.tree.Size()), resp)
	}
	if size, _ := e.state(t, testOrigin); size != l.tree.Size() {
		t.Fatalf("state size %d, want %d", size, l.tree.Size())
	}
	// The same checkpoint again is cosigned again.
	resp = e.add(t, l.request(l.tree.Size()), http.StatusOK)
	e.checkCosignature(t, l.text(l.tree.Size()), resp)
	// Extra signatures by unknown keys are ignored, wherever they are.
	_, other := newKey(t, "someone.else/key")
	cp := l.sign(l.text(l.tree.Size()), other, l.signer)
	e.add(t, (&Request{OldSize: l.tree.Size(), Checkpoint: cp}).Marshal(), http.StatusOK)
}

func newKey(t testing.TB, name string) (string, note.Signer) {
	t.Helper()
	skey, vkey, err := signednote.GenerateKey(name)
	if err != nil {
		t.Fatal(err)
	}
	s, err := signednote.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	return vkey, s
}

// TestAddCheckpointRefusals checks every refusal the specification
// requires, and that none changes the witness's state.
func TestAddCheckpointRefusals(t *testing.T) {
	l := newTestLog(t, testOrigin)
	e := newTestWitness(t, l)
	l.grow(10)
	e.add(t, l.request(0), http.StatusOK)
	l.grow(7) // the log is at 17; the witness cosigned 10

	_, impostor := newKey(t, testOrigin) // same name, another key
	_, stranger := newKey(t, "example.com/other")
	fork := newTestLog(t, testOrigin)
	fork.signer, fork.salt = l.signer, " (forked)" // the same key signing another tree
	fork.grow(17)
	goodProof, _ := l.tree.ConsistencyProof(10, 17)
	forkProof, _ := fork.tree.ConsistencyProof(10, 17)
	badProof := append([][]byte{}, goodProof...)
	badProof[0] = bytes.Repeat([]byte{7}, 32)
	cp17 := l.sign(l.text(17))
	req := func(old uint64, proof [][]byte, cp []byte) []byte {
		return (&Request{OldSize: old, Proof: proof, Checkpoint: cp}).Marshal()
	}
	tampered := bytes.Replace(cp17, []byte("\n17\n"), []byte("\n18\n"), 1)
	badText := l.sign([]byte(testOrigin + "\n017\n" + base64.StdEncoding.EncodeToString(l.tree.HashAt(17)) + "\n"))
	manyLines := "old 10\n" + strings.Repeat(base64.StdEncoding.EncodeToString(goodProof[0])+"\n", 64) + "\n" + string(cp17)

	tests := []struct {
		name     string
		body     []byte
		status   int
		contains string
		ctype    string
		evidence bool
	}{
		{name: "no empty line", body: []byte("old 10\n" + string(l.text(17))), status: 400},
		{name: "no old line", body: []byte("\n" + string(cp17)), status: 400},
		{name: "old with leading zero", body: []byte("old 010\n\n" + string(cp17)), status: 400},
		{name: "negative old", body: []byte("old -1\n\n" + string(cp17)), status: 400},
		{name: "old over 2^63", body: []byte("old 18446744073709551615\n\n" + string(cp17)), status: 400},
		{name: "proof line not base64", body: []byte("old 10\nnot-base64!\n\n" + string(cp17)), status: 400},
		{name: "proof line not a hash", body: []byte("old 10\nAAAA\n\n" + string(cp17)), status: 400},
		{name: "64 proof lines", body: []byte(manyLines), status: 400},
		{name: "no checkpoint", body: []byte("old 10\n\n"), status: 400},
		{name: "checkpoint not a note", body: []byte("old 10\n\n" + string(l.text(17))), status: 400},
		{name: "checkpoint text malformed", body: req(10, goodProof, badText), status: 400},
		{name: "unknown log", body: req(0, nil, newTestLog(t, "example.com/unknown").request(0)[len("old 0\n\n"):]), status: 404, contains: "unknown log"},
		{name: "signed by an impostor key of the same name", body: req(10, goodProof, l.sign(l.text(17), impostor)), status: 403},
		{name: "signed by another key only", body: req(10, goodProof, l.sign(l.text(17), stranger)), status: 403},
		{name: "tampered checkpoint", body: req(10, goodProof, tampered), status: 403},
		{name: "old larger than size", body: req(17, nil, l.sign(l.text(10))), status: 400},
		{name: "stale old size", body: req(5, mustProof(t, l, 5, 17), cp17), status: 409, contains: "10\n", ctype: "text/x.tlog.size"},
		{name: "old size ahead of the witness", body: req(12, mustProof(t, l, 12, 17), cp17), status: 409, contains: "10\n", ctype: "text/x.tlog.size"},
		{name: "bad proof", body: req(10, badProof, cp17), status: 422, evidence: true},
		{name: "empty proof", body: req(10, nil, cp17), status: 422, evidence: true},
		{name: "proof of a fork", body: req(10, forkProof, fork.sign(fork.text(17))), status: 422, evidence: true},
		{name: "different root at the cosigned size", body: req(10, nil, fork.sign(fork.text(10))), status: 409, contains: "conflicting", evidence: true},
		{name: "proof between equal sizes", body: req(10, goodProof[:1], l.sign(l.text(10))), status: 422},
	}
	size0, hash0 := e.state(t, testOrigin)
	srv := httptest.NewServer(e.w.Handler())
	defer srv.Close()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := e.store.Evidence(context.Background(), maxEvidence)
			resp, err := http.Post(srv.URL+"/add-checkpoint", "text/plain", bytes.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			if tt.contains != "" && !strings.Contains(string(body), tt.contains) {
				t.Errorf("answer %q lacks %q", body, tt.contains)
			}
			if tt.ctype != "" && resp.Header.Get("Content-Type") != tt.ctype {
				t.Errorf("Content-Type %q, want %q", resp.Header.Get("Content-Type"), tt.ctype)
			}
			if tt.status == 409 && tt.ctype == "" && resp.Header.Get("Content-Type") == "text/x.tlog.size" {
				t.Errorf("a fork is answered as a stale size")
			}
			if size, hash := e.state(t, testOrigin); size != size0 || !bytes.Equal(hash, hash0) {
				t.Errorf("the state changed to %d %x", size, hash)
			}
			after, _ := e.store.Evidence(context.Background(), maxEvidence)
			if got := len(after) > len(before); got != tt.evidence {
				t.Errorf("evidence kept: %v, want %v", got, tt.evidence)
			}
		})
	}
	// After all that, the honest request goes through.
	e.add(t, req(10, goodProof, cp17), http.StatusOK)
}

func mustProof(t testing.TB, l *testLog, from, to uint64) [][]byte {
	t.Helper()
	p, err := l.tree.ConsistencyProof(from, to)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFirstCheckpointRefusesAProof(t *testing.T) {
	l := newTestLog(t, testOrigin)
	e := newTestWitness(t, l)
	l.grow(4)
	body := (&Request{OldSize: 0, Proof: [][]byte{l.tree.HashAt(1)}, Checkpoint: l.sign(l.text(4))}).Marshal()
	e.add(t, body, http.StatusUnprocessableEntity)
	if size, _ := e.state(t, testOrigin); size != 0 {
		t.Fatalf("state size %d", size)
	}
}

// TestNoRollbackOnRace races two requests from the same old size: the one
// checked first but stored last must fail with 409, not roll the state back.
func TestNoRollbackOnRace(t *testing.T) {
	l := newTestLog(t, testOrigin)
	e := newTestWitness(t, l)
	l.grow(10)
	e.add(t, l.request(0), http.StatusOK)
	l.grow(5)
	small := l.request(10) // to 15
	l.grow(5)
	large := l.request(10) // to 20

	checked := make(chan struct{})
	release := make(chan struct{})
	var first atomic.Bool
	e.w.testHookBeforeAdvance = func() {
		if first.CompareAndSwap(false, true) {
			close(checked)
			<-release
		}
	}
	var wg sync.WaitGroup
	var code int
	var body []byte
	wg.Go(func() { body, code, _ = e.w.AddCheckpoint(context.Background(), small) })
	<-checked
	e.add(t, large, http.StatusOK)
	close(release)
	wg.Wait()
	if code != http.StatusConflict || string(body) != "20\n" {
		t.Fatalf("the raced request got %d %q, want 409 \"20\\n\"", code, body)
	}
	if size, _ := e.state(t, testOrigin); size != 20 {
		t.Fatalf("the state rolled back to %d", size)
	}
}

func TestStateSurvivesRestart(t *testing.T) {
	l := newTestLog(t, testOrigin)
	e := newTestWitness(t, l)
	l.grow(33)
	e.add(t, l.request(0), http.StatusOK)
	e.store.Close()
	st, err := OpenSQLite(context.Background(), filepath.Join(e.dir, "witness.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.SetLogs(context.Background(), map[string][]string{testOrigin: {l.vkey}}); err != nil {
		t.Fatal(err)
	}
	w, err := New(e.skey, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The stale size is refused; the right one goes on.
	if _, code, _ := w.AddCheckpoint(context.Background(), l.request(0)); code != http.StatusConflict {
		t.Fatalf("after a restart, old size 0 got %d, want 409", code)
	}
	l.grow(1)
	if resp, code, err := w.AddCheckpoint(context.Background(), l.request(33)); code != http.StatusOK {
		t.Fatalf("after a restart: %d %v %s", code, err, resp)
	}
	// A log dropped from the configuration is unknown, but its state is
	// kept for when it comes back.
	if err := st.SetLogs(context.Background(), map[string][]string{}); err != nil {
		t.Fatal(err)
	}
	if _, code, _ := w.AddCheckpoint(context.Background(), l.request(34)); code != http.StatusNotFound {
		t.Fatalf("a dropped log got %d, want 404", code)
	}
	if err := st.SetLogs(context.Background(), map[string][]string{testOrigin: {l.vkey}}); err != nil {
		t.Fatal(err)
	}
	if _, code, _ := w.AddCheckpoint(context.Background(), l.request(0)); code != http.StatusConflict {
		t.Fatalf("a log configured again lost its state: %d", code)
	}
}

func TestHTTP(t *testing.T) {
	l := newTestLog(t, testOrigin)
	e := newTestWitness(t, l)
	srv := httptest.NewServer(e.w.Handler())
	defer srv.Close()
	l.grow(3)
	resp, err := http.Post(srv.URL+"/add-checkpoint", "text/plain", bytes.NewReader(l.request(0)))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(string(b), "— witness.example/w1 ") {
		t.Fatalf("%d %q", resp.StatusCode, b)
	}
	big := bytes.Repeat([]byte("x"), MaxRequestSize+1)
	resp, err = http.Post(srv.URL+"/add-checkpoint", "text/plain", bytes.NewReader(big))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("an oversized request got %d", resp.StatusCode)
	}
	resp, err = http.Get(srv.URL + "/add-checkpoint")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("GET add-checkpoint got %d", resp.StatusCode)
	}
	resp, err = http.Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), testOrigin+"\n  size 3") || !strings.Contains(string(b), e.w.Key().String()) {
		t.Fatalf("the index page lacks the log or the key:\n%s", b)
	}
}

func TestParseRequestRoundTrip(t *testing.T) {
	l := newTestLog(t, testOrigin)
	l.grow(100)
	body := l.request(37)
	r, err := ParseRequest(body)
	if err != nil {
		t.Fatal(err)
	}
	if r.OldSize != 37 || len(r.Proof) == 0 || !bytes.Equal(r.Marshal(), body) {
		t.Fatalf("round trip changed the request: %+v", r)
	}
}
