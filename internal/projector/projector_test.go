package projector_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/kongsi/kongsi/internal/browse"
	"github.com/kongsi/kongsi/internal/i18n"
	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/ledger/ledgertest"
	"github.com/kongsi/kongsi/internal/projector"
	"github.com/kongsi/kongsi/internal/sequencer"
	"github.com/kongsi/kongsi/internal/store"
	"github.com/kongsi/kongsi/internal/tlog"
	"golang.org/x/mod/sumdb/note"
)

var memo = &ledger.Kind{
	Name: "memo", Title: "Memo",
	Schema:  []byte(`{"type":"object","required":["text"],"properties":{"text":{"type":"string"}}}`),
	Subject: regexp.MustCompile(`^memos/[a-z]{3}/[a-z0-9-]+$`), SubjectHelp: "memos/<state>/<topic>",
	Check:   func(c *ledger.Context) (any, error) { return nil, nil },
	Summary: func(*i18n.Locale, json.RawMessage) string { return "memo" },
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func TestProjectAndRebuild(t *testing.T) {
	ctx := context.Background()
	f := ledgertest.New(t)
	kinds, _ := ledger.NewKinds(memo)
	dir := t.TempDir()
	l, err := tlog.Open(ctx, tlog.Options{Dir: filepath.Join(dir, "log"), Signer: f.LogSigner})
	if err != nil {
		t.Fatal(err)
	}
	seq, err := sequencer.New(ctx, l, kinds, quiet, nil)
	if err != nil {
		t.Fatal(err)
	}
	submit := func(e []byte) {
		t.Helper()
		if _, err := seq.Submit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	submit(f.CharterEntry)
	var prev []byte
	for i := range 30 {
		e := f.Sign(t, "khm.mnd", "memo", "memos/khm/ream", map[string]any{"text": fmt.Sprintf("Ream naval base version %d 南海", i)}, refsTo(t, prev)...)
		submit(e)
		prev = e
	}
	for i := range 10 {
		submit(f.Sign(t, "vnm.mfa", "memo", fmt.Sprintf("memos/vnm/t%d", i), map[string]any{"text": "Gulf of Tonkin"}))
	}
	// A key rotation, so that the key history has two rows.
	oldSigner := f.Signers["phl.mfa"]
	newSigner, newVKey := f.NewKey(t, "phl.mfa")
	f.Signers["phl.mfa"], f.Signers["phl.mfa.new"] = oldSigner, newSigner
	env := f.Envelope(t, "phl.mfa", ledger.KindKeyRotate, "parties/phl.mfa", map[string]any{"key": newVKey}, ledgertest.Prev(t, f.CharterEntry))
	submit(f.SignEnvelope(t, env, "phl.mfa", "phl.mfa.new"))
	seq.Close()
	if err := l.Close(ctx); err != nil {
		t.Fatal(err)
	}

	v, _ := note.NewVerifier(f.LogVKey)
	open := func(name string) (store.Store, *projector.Projector) {
		st, err := store.OpenSQLite(ctx, filepath.Join(dir, name), projector.Schemas(nil))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		p := projector.New(projector.Options{Source: tlog.DirSource(filepath.Join(dir, "log")), Verifier: v, Store: st, Kinds: kinds, Logger: quiet, BatchSize: 7})
		if err := p.Open(ctx, nil); err != nil {
			t.Fatal(err)
		}
		return st, p
	}
	st, p := open("live.db")
	if err := p.CatchUp(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if p.Applied() != 42 {
		t.Fatalf("applied %d, want 42", p.Applied())
	}

	// Queries.
	for _, tc := range []struct {
		name string
		q    browse.Query
		want int
	}{
		{"all", browse.Query{Limit: 1000}, 42},
		{"kind", browse.Query{Kind: "memo"}, 40},
		{"author state", browse.Query{Author: "vnm"}, 10},
		{"subject", browse.Query{Subject: "memos/khm/ream"}, 30},
		{"subject prefix", browse.Query{Subject: "memos/vnm/"}, 10},
		{"text", browse.Query{Text: "tonkin"}, 10},
		{"short CJK text", browse.Query{Text: "南海"}, 30},
		{"text and author", browse.Query{Text: "version", Author: "vnm.mfa"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, err := browse.Count(ctx, st, tc.q)
			if err != nil || n != tc.want {
				t.Errorf("Count = %d, %v; want %d", n, err, tc.want)
			}
		})
	}
	h, err := browse.History(ctx, st, "memos/khm/ream")
	if err != nil || len(h) != 30 || h[29].Version != 30 {
		t.Fatalf("history: %d versions, %v", len(h), err)
	}
	page, _ := browse.Records(ctx, st, browse.Query{Limit: 5, Before: 10})
	if len(page) != 5 || page[0].Index != 9 {
		t.Errorf("paging: %d records from %d", len(page), page[0].Index)
	}
	parties, err := browse.Parties(ctx, st)
	if err != nil || len(parties) != len(ledgertest.States)*2+2 {
		t.Fatalf("parties: %d, %v", len(parties), err)
	}
	if parties[0].Type != "state" || parties[0].Key != nil || parties[1].Key == nil {
		t.Errorf("parties not grouped under states: %+v %+v", parties[0], parties[1])
	}
	keys, err := browse.Keys(ctx, st, "phl.mfa")
	if err != nil || len(keys) != 2 || keys[0].Ended != "rotated" || keys[0].Until == nil || *keys[0].Until != 41 || keys[1].VKey != newVKey {
		t.Errorf("key history of phl.mfa: %v %+v", err, keys)
	}

	// A rebuild reaches the same tables.
	live, err := st.Digest(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Rebuild(ctx, nil); err != nil {
		t.Fatal(err)
	}
	rebuilt, _ := st.Digest(ctx)
	if live != rebuilt {
		t.Errorf("digest after rebuild %s, live %s", rebuilt, live)
	}
	// So does a store built in one pass into another file, and one reopened
	// mid-way.
	st2, p2 := open("other.db")
	if err := p2.CatchUp(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if d, _ := st2.Digest(ctx); d != live {
		t.Errorf("digest of a fresh store %s, live %s", d, live)
	}
}

func refsTo(t *testing.T, prev []byte) []recordRef {
	if prev == nil {
		return nil
	}
	return []recordRef{ledgertest.Prev(t, prev)}
}

// seen records what projections are given.
type seen struct{ dirs []string }

func (s *seen) Schema() store.Schema { return store.Schema{Name: "seen"} }
func (s *seen) Kinds() []string      { return []string{"memo"} }
func (s *seen) Apply(ctx context.Context, tx *store.Tx, a *projector.Applied) error {
	s.dirs = append(s.dirs, a.DataDir)
	return nil
}

// TestDataDir checks that projections are told the data directory, where
// files that records publish by reference are kept.
func TestDataDir(t *testing.T) {
	ctx := context.Background()
	f := ledgertest.New(t)
	kinds, _ := ledger.NewKinds(memo)
	dir := t.TempDir()
	l, err := tlog.Open(ctx, tlog.Options{Dir: filepath.Join(dir, "log"), Signer: f.LogSigner})
	if err != nil {
		t.Fatal(err)
	}
	seq, err := sequencer.New(ctx, l, kinds, quiet, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range [][]byte{f.CharterEntry, f.Sign(t, "khm.mnd", "memo", "memos/khm/x", map[string]any{"text": "x"})} {
		if _, err := seq.Submit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	seq.Close()
	if err := l.Close(ctx); err != nil {
		t.Fatal(err)
	}
	rec := &seen{}
	st, err := store.OpenSQLite(ctx, filepath.Join(dir, "p.db"), projector.Schemas([]projector.Projection{rec}))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	v, _ := note.NewVerifier(f.LogVKey)
	p := projector.New(projector.Options{Source: tlog.DirSource(filepath.Join(dir, "log")), Verifier: v, Store: st, Kinds: kinds,
		Logger: quiet, Projections: []projector.Projection{rec}, DataDir: dir})
	if err := p.Open(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if err := p.CatchUp(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if len(rec.dirs) != 1 || rec.dirs[0] != dir {
		t.Errorf("projections were given the data directories %q, want [%q]", rec.dirs, dir)
	}
}

// cancelling is a projection that cancels the projector's context the
// first time it is given a memo, as closing a node does to a projector in
// the middle of a batch.
type cancelling struct {
	cancel func()
	done   *bool
}

func (cancelling) Schema() store.Schema { return store.Schema{Name: "cancelling"} }
func (cancelling) Kinds() []string      { return []string{"memo"} }
func (c cancelling) Apply(ctx context.Context, tx *store.Tx, a *projector.Applied) error {
	if !*c.done {
		*c.done = true
		c.cancel()
		return ctx.Err()
	}
	return nil
}

// TestCancelledBatchLeavesTheStateWithTheStore checks that a batch cut
// short by a cancelled context leaves the projector's state where the store
// is, so that the next catch-up applies the batch once, not twice.
func TestCancelledBatchLeavesTheStateWithTheStore(t *testing.T) {
	ctx := context.Background()
	f := ledgertest.New(t)
	kinds, _ := ledger.NewKinds(memo)
	dir := t.TempDir()
	l, err := tlog.Open(ctx, tlog.Options{Dir: filepath.Join(dir, "log"), Signer: f.LogSigner})
	if err != nil {
		t.Fatal(err)
	}
	seq, err := sequencer.New(ctx, l, kinds, quiet, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range [][]byte{f.CharterEntry, f.Sign(t, "vnm.mfa", "memo", "memos/vnm/a", map[string]any{"text": "a"}), f.Sign(t, "vnm.mfa", "memo", "memos/vnm/b", map[string]any{"text": "b"})} {
		if _, err := seq.Submit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	seq.Close()
	if err := l.Close(ctx); err != nil {
		t.Fatal(err)
	}
	v, _ := note.NewVerifier(f.LogVKey)
	cctx, cancel := context.WithCancel(ctx)
	done := false
	ps := []projector.Projection{cancelling{cancel: cancel, done: &done}}
	st, err := store.OpenSQLite(ctx, filepath.Join(dir, "store.db"), projector.Schemas(ps))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p := projector.New(projector.Options{Source: tlog.DirSource(filepath.Join(dir, "log")), Verifier: v, Store: st, Kinds: kinds, Projections: ps, Logger: quiet})
	if err := p.Open(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if err := p.CatchUp(cctx, nil); err == nil {
		t.Fatal("a cancelled catch-up succeeded")
	}
	if err := p.CatchUp(ctx, nil); err != nil {
		t.Fatalf("the catch-up after a cancelled one: %v", err)
	}
	if p.Applied() != 3 {
		t.Errorf("applied %d entries, want 3", p.Applied())
	}
}

// TestShared follows, without applying anything, a store that another
// projector writes: the position it reports is the store's, with the
// checkpoint that covers it, and it refuses to rebuild.
func TestShared(t *testing.T) {
	ctx := context.Background()
	f := ledgertest.New(t)
	kinds, _ := ledger.NewKinds(memo)
	dir := t.TempDir()
	l, err := tlog.Open(ctx, tlog.Options{Dir: filepath.Join(dir, "log"), Signer: f.LogSigner})
	if err != nil {
		t.Fatal(err)
	}
	seq, err := sequencer.New(ctx, l, kinds, quiet, nil)
	if err != nil {
		t.Fatal(err)
	}
	publish := func(entries ...[]byte) {
		t.Helper()
		var last uint64
		for _, e := range entries {
			res, err := seq.Submit(ctx, e)
			if err != nil {
				t.Fatal(err)
			}
			last = res.Index
		}
		if _, err := l.AwaitPublished(ctx, last); err != nil {
			t.Fatal(err)
		}
	}
	defer func() { seq.Close(); l.Close(ctx) }()
	publish(f.CharterEntry)

	v, _ := note.NewVerifier(f.LogVKey)
	st, err := store.OpenSQLite(ctx, filepath.Join(dir, "shared.db"), projector.Schemas(nil))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	opts := projector.Options{Source: tlog.DirSource(filepath.Join(dir, "log")), Verifier: v, Store: st, Kinds: kinds, Logger: quiet}
	writer := projector.New(opts)
	opts.Shared = true
	reader := projector.New(opts)
	for _, p := range []*projector.Projector{writer, reader} {
		if err := p.Open(ctx, nil); err != nil {
			t.Fatal(err)
		}
	}
	// Before the writer projects anything, the reader is at 0, under the
	// latest checkpoint.
	if err := reader.CatchUp(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if reader.Applied() != 0 || reader.Checkpoint() == nil || reader.Checkpoint().Size != 1 {
		t.Fatalf("the reader is at %d under %+v before the writer projected", reader.Applied(), reader.Checkpoint())
	}
	var entries [][]byte
	for i := range 5 {
		entries = append(entries, f.Sign(t, "vnm.mfa", "memo", fmt.Sprintf("memos/vnm/s%d", i), map[string]any{"text": "shared"}))
	}
	publish(entries...)
	if err := writer.CatchUp(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if err := reader.CatchUp(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if reader.Applied() != 6 || reader.Checkpoint().Size != 6 {
		t.Fatalf("the reader is at %d under a checkpoint of %d, want 6 and 6", reader.Applied(), reader.Checkpoint().Size)
	}
	if err := reader.WaitFor(ctx, 6); err != nil {
		t.Fatal(err)
	}
	// The log goes on; until the writer projects, the reader reports the
	// store's position under the newer checkpoint.
	publish(f.Sign(t, "vnm.mfa", "memo", "memos/vnm/later", map[string]any{"text": "later"}))
	if err := reader.CatchUp(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if reader.Applied() != 6 || reader.Checkpoint().Size != 7 {
		t.Errorf("the reader is at %d under a checkpoint of %d, want 6 and 7", reader.Applied(), reader.Checkpoint().Size)
	}
	if err := reader.Rebuild(ctx, nil); err == nil {
		t.Error("a shared projector rebuilt the store")
	}
	if n, _ := st.Applied(ctx); n != 6 {
		t.Errorf("the store is at %d after the refused rebuild, want 6", n)
	}
}
