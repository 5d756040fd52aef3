package sequencer_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/ledger/ledgertest"
	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/record"
	"github.com/kongsi/kongsi/internal/sequencer"
	"github.com/kongsi/kongsi/internal/signednote"
	"github.com/kongsi/kongsi/internal/tlog"
	"github.com/transparency-dev/tessera"
)

var memo = &ledger.Kind{
	Name: "memo", Title: "Memo",
	Schema:  []byte(`{"type":"object","required":["text"],"properties":{"text":{"type":"string"}}}`),
	Subject: regexp.MustCompile(`^memos/[a-z]{3}/[a-z0-9-]+$`), SubjectHelp: "memos/<state>/<topic>",
	Check: func(c *ledger.Context) (any, error) {
		return nil, c.RequireAuthorOfState(ledger.SubjectSegment(c.Record.Subject, 1), "memos are written by the state")
	},
}

func openLog(t *testing.T, f *ledgertest.Fixture, dir string) *tlog.Log {
	t.Helper()
	l, err := tlog.Open(context.Background(), tlog.Options{Dir: dir, Signer: f.LogSigner})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func TestSubmitConcurrently(t *testing.T) {
	ctx := context.Background()
	f := ledgertest.New(t)
	kinds, _ := ledger.NewKinds(memo)
	dir := t.TempDir()
	l := openLog(t, f, dir)
	s, err := sequencer.New(ctx, l, kinds, quiet, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res, err := s.Submit(ctx, f.CharterEntry); err != nil || res.Index != 0 {
		t.Fatalf("charter: %v, %v", res, err)
	}
	const n = 300
	entries := make([][]byte, n)
	for i := range entries {
		entries[i] = f.Sign(t, "khm.mnd", "memo", fmt.Sprintf("memos/khm/t%d", i), map[string]any{"text": "x"})
	}
	var wg sync.WaitGroup
	indices := make([]uint64, n)
	for i := range entries {
		wg.Go(func() {
			res, err := s.Submit(ctx, entries[i])
			if err != nil {
				t.Errorf("submit %d: %v", i, err)
				return
			}
			indices[i] = res.Index
		})
	}
	wg.Wait()
	// Replays are refused, even when submitted together.
	var conflicts atomic.Int32
	for range 4 {
		wg.Go(func() {
			if _, err := s.Submit(ctx, entries[0]); errors.Is(err, problem.ErrConflict) {
				conflicts.Add(1)
			}
		})
	}
	wg.Wait()
	if conflicts.Load() != 4 {
		t.Errorf("%d of 4 replays refused", conflicts.Load())
	}
	s.Close()
	if err := l.Close(ctx); err != nil {
		t.Fatal(err)
	}

	// Every acknowledged index holds its record.
	cp, err := tlog.ReadCheckpoint(ctx, tlog.DirSource(dir), verifier(t, f))
	if err != nil {
		t.Fatal(err)
	}
	if cp.Size != n+1 {
		t.Fatalf("checkpoint size %d, want %d", cp.Size, n+1)
	}
	got := map[uint64]string{}
	for e, err := range tlog.Entries(ctx, tlog.DirSource(dir), 0, cp.Size, cp.Size) {
		if err != nil {
			t.Fatal(err)
		}
		got[e.Index] = string(e.Data)
	}
	for i, idx := range indices {
		if got[idx] != string(entries[i]) {
			t.Errorf("index %d does not hold entry %d", idx, i)
		}
	}
	// And the proofs verify.
	p, err := tlog.BuildProof(ctx, tlog.DirSource(dir), cp, indices[7], nil)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := tlog.ParseProof(p.Marshal())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := parsed.Verify(entries[7], verifier(t, f)); err != nil {
		t.Errorf("proof: %v", err)
	}
	if _, err := parsed.Verify(entries[8], verifier(t, f)); err == nil {
		t.Error("proof verified for another entry")
	}
}

// failingLog fails the batches it is told to, as a full disk would.
type failingLog struct {
	*tlog.Log
	fail atomic.Bool
}

func (l *failingLog) Add(ctx context.Context, entry []byte) tessera.IndexFuture {
	if l.fail.Load() {
		return func() (tessera.Index, error) { return tessera.Index{}, errors.New("disk full") }
	}
	return l.Log.Add(ctx, entry)
}

func TestFailedWriteDropsDependents(t *testing.T) {
	ctx := context.Background()
	f := ledgertest.New(t)
	kinds, _ := ledger.NewKinds(memo)
	l := &failingLog{Log: openLog(t, f, t.TempDir())}
	s, err := sequencer.New(ctx, l, kinds, quiet, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Submit(ctx, f.CharterEntry); err != nil {
		t.Fatal(err)
	}
	v1 := f.Sign(t, "khm.mnd", "memo", "memos/khm/a", map[string]any{"text": "v1"})
	l.fail.Store(true)
	if _, err := s.Submit(ctx, v1); !errors.Is(err, problem.ErrUnavailable) {
		t.Fatalf("submit during a failure: %v", err)
	}
	l.fail.Store(false)
	// v1 is not in the log, so an update of it is refused and v1 itself is
	// accepted when submitted again.
	v2 := f.Sign(t, "khm.mnd", "memo", "memos/khm/a", map[string]any{"text": "v2"}, ledgertest.Prev(t, v1))
	if _, err := s.Submit(ctx, v2); !errors.Is(err, problem.ErrInvalid) {
		t.Fatalf("update of a record that failed to store: %v", err)
	}
	if res, err := s.Submit(ctx, v1); err != nil || res.Index != 1 {
		t.Fatalf("resubmission: %v, %v", res, err)
	}
}

func verifier(t *testing.T, f *ledgertest.Fixture) noteVerifier {
	t.Helper()
	return newVerifier(t, f.LogVKey)
}

// slowLog holds every write until released.
type slowLog struct {
	*tlog.Log
	release chan struct{}
}

func (l *slowLog) Add(ctx context.Context, entry []byte) tessera.IndexFuture {
	f := l.Log.Add(ctx, entry)
	return func() (tessera.Index, error) {
		<-l.release
		return f()
	}
}

func TestPushback(t *testing.T) {
	ctx := context.Background()
	f := ledgertest.New(t)
	kinds, _ := ledger.NewKinds(memo)
	l := &slowLog{Log: openLog(t, f, t.TempDir()), release: make(chan struct{})}
	s, err := sequencer.New(ctx, l, kinds, quiet, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.SetMaxOutstanding(3)
	var wg sync.WaitGroup
	var accepted, pushed atomic.Int32
	submit := func(e []byte) {
		_, err := s.Submit(ctx, e)
		switch {
		case err == nil:
			accepted.Add(1)
		case errors.Is(err, problem.ErrUnavailable):
			pushed.Add(1)
		default:
			t.Errorf("submit: %v", err)
		}
	}
	wg.Go(func() { submit(f.CharterEntry) })
	// Wait until the charter is admitted (its keys published) though not yet
	// stored, then fill the queue.
	for len(s.State().Keys()) == 0 {
		runtime.Gosched()
	}
	for i := range 2 {
		e := f.Sign(t, "khm.mnd", "memo", fmt.Sprintf("memos/khm/p%d", i), map[string]any{"text": "x"})
		wg.Go(func() { submit(e) })
	}
	for s.Outstanding() < 3 {
		runtime.Gosched()
	}
	// The queue is full: the next is pushed back at once.
	if _, err := s.Submit(ctx, f.Sign(t, "khm.mnd", "memo", "memos/khm/over", map[string]any{"text": "x"})); !errors.Is(err, problem.ErrUnavailable) {
		t.Fatalf("submit over the limit: %v", err)
	}
	close(l.release)
	wg.Wait()
	s.Close()
	if accepted.Load()+pushed.Load() != 3 || accepted.Load() < 1 {
		t.Errorf("accepted %d, pushed back %d", accepted.Load(), pushed.Load())
	}
}

// TestCheckPanics checks that a panic while checking a record (in a kind's
// code) fails that submission only: the submitter gets an error and the
// sequencer goes on.
func TestCheckPanics(t *testing.T) {
	ctx := context.Background()
	f := ledgertest.New(t)
	bomb := &ledger.Kind{
		Name: "bomb", Title: "Bomb", Schema: memo.Schema, Subject: regexp.MustCompile(`^bombs/[a-z0-9-]+$`), SubjectHelp: "bombs/<name>",
		Check:     func(*ledger.Context) (any, error) { return nil, nil },
		ExtraKeys: func(*record.Record) ([]*signednote.Key, error) { panic("a kind's bug") },
	}
	kinds, _ := ledger.NewKinds(memo, bomb)
	s, err := sequencer.New(ctx, openLog(t, f, t.TempDir()), kinds, quiet, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Submit(ctx, f.CharterEntry); err != nil {
		t.Fatal(err)
	}
	for range runtime.GOMAXPROCS(0) + 1 { // more than there are checkers
		_, err := s.Submit(ctx, f.Sign(t, "khm.mnd", "bomb", "bombs/x", map[string]any{"text": "x"}))
		if err == nil || !strings.Contains(err.Error(), "a kind's bug") || problem.Status(err) != 500 {
			t.Fatalf("a panicking check: %v", err)
		}
	}
	if res, err := s.Submit(ctx, f.Sign(t, "khm.mnd", "memo", "memos/khm/after", map[string]any{"text": "x"})); err != nil || res.Index != 1 {
		t.Fatalf("after the panics: %v, %v", res, err)
	}
}
