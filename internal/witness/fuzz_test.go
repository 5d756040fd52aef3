package witness

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"testing"

	"github.com/kongsi/kongsi/internal/signednote"
)

// memStore is a Store in memory, for fuzzing and benchmarks.
type memStore struct {
	mu       sync.Mutex
	logs     map[string]*LogState
	evidence int
}

func (m *memStore) Log(_ context.Context, origin string) (*LogState, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	st, ok := m.logs[origin]
	if !ok {
		return nil, ErrUnknownLog
	}
	c := *st
	return &c, nil
}

func (m *memStore) Logs(context.Context) ([]*LogState, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []*LogState
	for _, st := range m.logs {
		c := *st
		out = append(out, &c)
	}
	return out, nil
}

func (m *memStore) Advance(_ context.Context, origin string, oldSize uint64, oldHash []byte, newSize uint64, newHash []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	st := m.logs[origin]
	if st.Size != oldSize || !bytes.Equal(st.Hash, oldHash) {
		return &ConflictError{Size: st.Size}
	}
	st.Size, st.Hash = newSize, slices.Clone(newHash)
	return nil
}

func (m *memStore) Record(context.Context, string, string, []byte) error {
	m.mu.Lock()
	m.evidence++
	m.mu.Unlock()
	return nil
}

// FuzzParseRequest checks that the parser never panics, and that what it
// accepts it writes back identically.
func FuzzParseRequest(f *testing.F) {
	l := newTestLog(f, testOrigin)
	l.grow(300)
	f.Add(l.request(0))
	f.Add(l.request(17))
	f.Add(l.request(256))
	f.Add([]byte("old 0\n\nx\n"))
	f.Add([]byte("old 01\n\n"))
	f.Add([]byte("old 5\nAAAA\n\n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := ParseRequest(body)
		if err != nil {
			return
		}
		if len(r.Proof) > MaxProofLines {
			t.Fatalf("accepted %d proof lines", len(r.Proof))
		}
		if got := r.Marshal(); !bytes.Equal(got, body) {
			t.Fatalf("parsed and written back differently:\n%q\n%q", body, got)
		}
	})
}

// FuzzAddCheckpoint feeds the whole protocol arbitrary requests about a log
// the witness knows: it must never fail with a server error, answer only
// with the statuses the specification allows, and change its state only
// when it answers 200 with a cosignature.
func FuzzAddCheckpoint(f *testing.F) {
	l := newTestLog(f, testOrigin)
	l.grow(40)
	st := &memStore{logs: map[string]*LogState{testOrigin: {Origin: testOrigin, Keys: []string{l.vkey}, Size: 0, Hash: emptyRoot}}}
	skey, _, err := signednote.GenerateCosignatureKey("witness.example/fuzz")
	if err != nil {
		f.Fatal(err)
	}
	w, err := New(skey, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(l.request(0))
	l.grow(10)
	f.Add(l.request(40))
	f.Add(bytes.Replace(l.request(40), []byte("\n50\n"), []byte("\n51\n"), 1))
	f.Add([]byte("old 0\n\n" + testOrigin + "\n1\nAAAA\n\n— x y\n"))
	allowed := map[int]bool{200: true, 400: true, 403: true, 404: true, 409: true, 422: true}
	f.Fuzz(func(t *testing.T, body []byte) {
		before, _ := st.Log(context.Background(), testOrigin)
		resp, code, err := w.AddCheckpoint(context.Background(), body)
		if !allowed[code] {
			t.Fatalf("status %d: %v", code, err)
		}
		after, _ := st.Log(context.Background(), testOrigin)
		changed := after.Size != before.Size || !bytes.Equal(after.Hash, before.Hash)
		if code != http.StatusOK {
			if changed {
				t.Fatalf("a refusal (%d: %v) changed the state", code, err)
			}
			return
		}
		if !bytes.HasPrefix(resp, []byte("— witness.example/fuzz ")) {
			t.Fatalf("200 without a cosignature: %q", resp)
		}
	})
}

// BenchmarkAddCheckpoint measures add-checkpoint requests of a log growing
// by 100 entries each: signature check, proof check, durable store (SQLite,
// synchronous=FULL) and cosignature. The InMemory variant leaves out the
// store, to show the cost of the protocol alone.
func BenchmarkAddCheckpoint(b *testing.B) {
	run := func(b *testing.B, w *Witness, l *testLog) {
		reqs := make([][]byte, b.N)
		old := l.tree.Size()
		for i := range reqs {
			l.grow(100)
			reqs[i] = l.request(old)
			old = l.tree.Size()
		}
		b.ResetTimer()
		for i := range b.N {
			if resp, code, err := w.AddCheckpoint(context.Background(), reqs[i]); code != 200 {
				b.Fatalf("%d %v %s", code, err, resp)
			}
		}
	}
	b.Run("SQLite", func(b *testing.B) {
		l := newTestLog(b, testOrigin)
		e := newTestWitness(b, l)
		run(b, e.w, l)
	})
	b.Run("InMemory", func(b *testing.B) {
		l := newTestLog(b, testOrigin)
		st := &memStore{logs: map[string]*LogState{testOrigin: {Origin: testOrigin, Keys: []string{l.vkey}, Hash: emptyRoot}}}
		skey, _, _ := signednote.GenerateCosignatureKey("witness.example/bench")
		w, err := New(skey, st, nil)
		if err != nil {
			b.Fatal(err)
		}
		run(b, w, l)
	})
}
