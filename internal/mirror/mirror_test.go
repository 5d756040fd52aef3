package mirror

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kongsi/kongsi/internal/signednote"
	"github.com/kongsi/kongsi/internal/tlog"
	"github.com/kongsi/kongsi/internal/witness/witnesstest"
	"github.com/transparency-dev/tessera/api/layout"
	"golang.org/x/mod/sumdb/note"
)

const origin = "example.com/mirrored-log"

// testLog is a Tessera log written directly, its checkpoints signed with a
// key the test holds.
type testLog struct {
	t   *testing.T
	dir string
	log *tlog.Log
	n   int
}

type logKey struct {
	signer   note.Signer
	vkey     string
	verifier note.Verifier
}

func newKey(t *testing.T) logKey {
	t.Helper()
	skey, vkey, err := signednote.GenerateKey(origin)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := signednote.NewSigner(skey)
	v, _ := note.NewVerifier(vkey)
	return logKey{s, vkey, v}
}

func newTestLog(t *testing.T, k logKey, policies tlog.WitnessPolicies) *testLog {
	t.Helper()
	dir := t.TempDir()
	l, err := tlog.Open(context.Background(), tlog.Options{Dir: dir, Signer: k.signer, CheckpointInterval: 100 * time.Millisecond, Witnesses: policies, WitnessTimeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		l.Close(ctx)
	})
	return &testLog{t: t, dir: dir, log: l}
}

// add appends n entries named with prefix and waits until a checkpoint
// covers them.
func (l *testLog) add(n int, prefix string) {
	l.t.Helper()
	ctx := context.Background()
	var last uint64
	for range n {
		idx, err := l.log.Add(ctx, fmt.Appendf(nil, "%s %d", prefix, l.n))()
		if err != nil {
			l.t.Fatal(err)
		}
		l.n++
		last = idx.Index
	}
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := l.log.AwaitPublished(cctx, last); err != nil {
		l.t.Fatal(err)
	}
}

// upstream serves a log's directory, and can switch to another.
type upstream struct {
	srv    *httptest.Server
	target atomic.Pointer[http.Handler]
}

func newUpstream(t *testing.T, dir, vkey string) *upstream {
	u := &upstream{}
	u.serve(dir, vkey)
	u.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		(*u.target.Load()).ServeHTTP(w, r)
	}))
	t.Cleanup(u.srv.Close)
	return u
}

func (u *upstream) serve(dir, vkey string) {
	h := http.StripPrefix("/log", tlog.Handler(dir, vkey))
	u.target.Store(&h)
}

func (u *upstream) handle(h http.Handler) { u.target.Store(&h) }

func openMirror(t *testing.T, dir string, u *upstream, k logKey, policy *tlog.Policy) *Mirror {
	t.Helper()
	src, err := tlog.HTTPSource(u.srv.URL+"/log/", u.srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	m, err := Open(context.Background(), Options{Dir: dir, Upstream: src, UpstreamURL: u.srv.URL, Verifier: k.verifier, Witnesses: policy,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// sameFiles checks that the mirror serves the files a client of a tree of
// the checkpoint's size reads exactly as the upstream has them.
func sameFiles(t *testing.T, upstreamDir, mirrorDir string) {
	t.Helper()
	cp, err := os.ReadFile(filepath.Join(mirrorDir, "checkpoint"))
	if err != nil {
		t.Fatal(err)
	}
	up, _ := os.ReadFile(filepath.Join(upstreamDir, "checkpoint"))
	if !bytes.Equal(cp, up) {
		t.Fatalf("the mirror's checkpoint differs:\n%s\n%s", cp, up)
	}
	size, err := tlog.ParseCheckpointText(cp[:bytes.Index(cp, []byte("\n\n"))+1])
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for level := uint64(0); size.Size>>(8*level) > 0; level++ {
		count := size.Size >> (8 * level)
		for i := uint64(0); i*256 < count; i++ {
			paths = append(paths, layout.TilePath(level, i, layout.PartialTileSize(level, i, size.Size)))
		}
	}
	for i := uint64(0); i*256 < size.Size; i++ {
		paths = append(paths, layout.EntriesPath(i, layout.PartialTileSize(0, i, size.Size)))
	}
	for _, p := range paths {
		a, err := readFull(upstreamDir, p)
		if err != nil {
			t.Fatalf("the upstream lacks %s: %v", p, err)
		}
		b, err := os.ReadFile(filepath.Join(mirrorDir, p))
		if err != nil {
			t.Fatalf("the mirror lacks %s: %v", p, err)
		}
		if !bytes.Equal(a, b) {
			t.Fatalf("the mirror's %s differs from the upstream's", p)
		}
	}
}

// readFull reads a tile or bundle of a Tessera log, whose partial files may
// have been replaced by full ones, truncated to the partial width asked.
func readFull(dir, p string) ([]byte, error) {
	b, err := os.ReadFile(filepath.Join(dir, p))
	if !errors.Is(err, fs.ErrNotExist) {
		return b, err
	}
	full, _, _ := strings.Cut(p, ".p/")
	return os.ReadFile(filepath.Join(dir, full))
}

func TestMirrorCopiesAndFollows(t *testing.T) {
	k := newKey(t)
	l := newTestLog(t, k, nil)
	u := newUpstream(t, l.dir, k.vkey)
	dir := t.TempDir()
	m := openMirror(t, dir, u, k, nil)
	ctx := context.Background()
	// Sizes that cross bundle and tile boundaries, from partial ones.
	for _, n := range []int{1, 2, 300, 253, 1, 600} {
		l.add(n, "entry")
		if err := m.Sync(ctx); err != nil {
			t.Fatalf("after %d entries: %v", l.n, err)
		}
		if got := m.Status().Size; got != uint64(l.n) {
			t.Fatalf("the mirror holds %d entries, want %d", got, l.n)
		}
		sameFiles(t, l.dir, filepath.Join(dir, "log"))
	}
	if s := m.Status(); s.Seen < 6 || s.SplitView != nil || s.Waiting != "" || s.Error != "" {
		t.Fatalf("status %+v", s)
	}
	// Reopened, the mirror checks its copy and goes on.
	m.Close()
	m = openMirror(t, dir, u, k, nil)
	if m.Status().Size != uint64(l.n) {
		t.Fatalf("reopened with %d entries", m.Status().Size)
	}
	l.add(5, "more")
	if err := m.Sync(ctx); err != nil || m.Status().Size != uint64(l.n) {
		t.Fatalf("after reopening: %v, size %d", err, m.Status().Size)
	}
	sameFiles(t, l.dir, filepath.Join(dir, "log"))
}

// TestMirrorDetectsForks serves the mirror, after an honest log, a second
// log with the same origin and key that diverges from it, in each way a
// split view can show.
func TestMirrorDetectsForks(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name string
		// fork builds the forked log, given the honest one's size 10.
		fork    func(f *testLog)
		kind    string
		inProof bool
	}{
		{"larger tree not extending", func(f *testLog) { f.add(5, "entry"); f.add(10, "forged") }, "not-extending", true},
		{"same size, other root", func(f *testLog) { f.add(9, "entry"); f.add(1, "forged") }, "same-size", false},
		{"smaller tree not a prefix", func(f *testLog) { f.add(3, "entry"); f.add(4, "forged") }, "not-a-prefix", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			k := newKey(t)
			honest := newTestLog(t, k, nil)
			honest.add(10, "entry")
			u := newUpstream(t, honest.dir, k.vkey)
			dir := t.TempDir()
			m := openMirror(t, dir, u, k, nil)
			if err := m.Sync(ctx); err != nil {
				t.Fatal(err)
			}
			held := m.Status().Checkpoint
			forked := newTestLog(t, k, nil)
			tt.fork(forked)
			u.serve(forked.dir, k.vkey)
			err := m.Sync(ctx)
			if !errors.Is(err, ErrSplitView) {
				t.Fatalf("Sync = %v, want a split view", err)
			}
			sv := m.Status().SplitView
			if sv == nil || sv.Kind != tt.kind || sv.Held != held || !strings.HasPrefix(sv.Conflicting, origin+"\n") || (len(sv.Proof) > 0) != tt.inProof || (tt.inProof && sv.ProofError == "") {
				t.Fatalf("evidence %+v", sv)
			}
			// Both checkpoints of the evidence are signed by the log.
			for _, raw := range []string{sv.Held, sv.Conflicting} {
				if _, err := tlog.ParseCheckpoint([]byte(raw), k.verifier); err != nil {
					t.Fatalf("evidence checkpoint does not verify: %v", err)
				}
			}
			// The mirror stopped, kept its copy, and remembers the split
			// view after a restart.
			u.serve(honest.dir, k.vkey)
			if err := m.Sync(ctx); !errors.Is(err, ErrSplitView) {
				t.Fatalf("after a split view, Sync = %v", err)
			}
			if m.Status().Size != 10 {
				t.Fatalf("the mirror's copy changed to %d", m.Status().Size)
			}
			m.Close()
			m = openMirror(t, dir, u, k, nil)
			if err := m.Run(ctx); !errors.Is(err, ErrSplitView) {
				t.Fatalf("Run after a restart = %v", err)
			}
			if m.Status().SplitView.Kind != tt.kind {
				t.Fatal("the evidence was lost")
			}
		})
	}
}

func TestMirrorIsNotFooled(t *testing.T) {
	ctx := context.Background()
	k := newKey(t)
	honest := newTestLog(t, k, nil)
	honest.add(20, "entry")
	u := newUpstream(t, honest.dir, k.vkey)
	m := openMirror(t, t.TempDir(), u, k, nil)
	if err := m.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	// A checkpoint not signed by the log's key is an error, not evidence.
	other := newKey(t)
	impostor := newTestLog(t, other, nil)
	impostor.add(30, "entry")
	u.serve(impostor.dir, other.vkey)
	if err := m.Sync(ctx); err == nil || errors.Is(err, ErrSplitView) || m.Status().Size != 20 {
		t.Fatalf("an impostor's checkpoint: %v, size %d", err, m.Status().Size)
	}
	// An older, consistent checkpoint (a stale cache) is no split view.
	stale := newTestLog(t, k, nil)
	stale.add(15, "entry")
	u.serve(stale.dir, k.vkey)
	if err := m.Sync(ctx); err != nil || !strings.Contains(m.Status().Waiting, "older checkpoint") {
		t.Fatalf("a stale upstream: %v, %q", err, m.Status().Waiting)
	}
	// Entries that do not match the upstream's own tiles are damage, not a
	// split view: reported, and retried.
	honest.add(10, "entry")
	damaged := http.StripPrefix("/log", tlog.Handler(honest.dir, k.vkey))
	u.handle(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "/tile/entries/") {
			rec := httptest.NewRecorder()
			damaged.ServeHTTP(rec, r)
			b := rec.Body.Bytes()
			b[len(b)-1] ^= 1
			w.Write(b)
			return
		}
		damaged.ServeHTTP(w, r)
	}))
	err := m.Sync(ctx)
	if err == nil || errors.Is(err, ErrSplitView) || !strings.Contains(err.Error(), "damaged entries") {
		t.Fatalf("damaged entries: %v", err)
	}
	if m.Status().Size != 20 || m.Status().Error == "" {
		t.Fatalf("status after damage: %+v", m.Status())
	}
	u.serve(honest.dir, k.vkey)
	if err := m.Sync(ctx); err != nil || m.Status().Size != 30 {
		t.Fatalf("after the damage is repaired: %v, size %d", err, m.Status().Size)
	}
}

func TestMirrorChecksCosignatures(t *testing.T) {
	ctx := context.Background()
	k := newKey(t)
	w1 := witnesstest.Start(t, "w1.example", k.vkey)
	w2 := witnesstest.Start(t, "w2.example", k.vkey)
	l := newTestLog(t, k, tlog.StaticPolicies{witnesstest.Policy(1, w1)})
	l.add(5, "entry")
	u := newUpstream(t, l.dir, k.vkey)
	// A mirror asking for w1 adopts; one asking for w2 too waits.
	m := openMirror(t, t.TempDir(), u, k, witnesstest.Policy(1, w1))
	if err := m.Sync(ctx); err != nil || m.Status().Size != 5 || !strings.Contains(m.Status().Cosignatures, "verified: 1 of 1 of w1.example") {
		t.Fatalf("%v %+v", err, m.Status())
	}
	strict := openMirror(t, t.TempDir(), u, k, witnesstest.Policy(2, w1, w2))
	if err := strict.Sync(ctx); err != nil || strict.Status().Size != 0 || !strings.Contains(strict.Status().Waiting, "not adopted yet") {
		t.Fatalf("%v %+v", err, strict.Status())
	}
}
