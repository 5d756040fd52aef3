// Package storetest is the conformance suite every store backend must pass:
// atomic application of log ranges with the store's position, refusal of
// out-of-order ranges, reset, a digest independent of write order, and the
// core queries (filters, full-text search, paging, parties and keys) on a
// projected log.
package storetest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/kongsi/kongsi/internal/browse"
	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/ledger/ledgertest"
	"github.com/kongsi/kongsi/internal/projector"
	"github.com/kongsi/kongsi/internal/record"
	"github.com/kongsi/kongsi/internal/sequencer"
	"github.com/kongsi/kongsi/internal/store"
	"github.com/kongsi/kongsi/internal/tlog"
	"golang.org/x/mod/sumdb/note"
)

// Open opens an empty store with the given schemas. Each call MUST return a
// store independent of the others.
type Open func(t *testing.T, schemas []store.Schema) store.Store

// scratch is a projection used to test Apply directly.
var scratch = store.Schema{
	Name:   "scratch",
	Tables: []string{"scratch"},
	Migrations: map[store.Dialect][]string{
		store.SQLite:   {`CREATE TABLE scratch (k INTEGER PRIMARY KEY, v TEXT NOT NULL) STRICT`},
		store.Postgres: {`CREATE TABLE scratch (k BIGINT PRIMARY KEY, v TEXT NOT NULL)`},
	},
}

// Run runs the suite.
func Run(t *testing.T, open Open) {
	t.Run("Indexes", func(t *testing.T) { testIndexes(t, open) })
	t.Run("Apply", func(t *testing.T) { testApply(t, open) })
	t.Run("Digest", func(t *testing.T) { testDigest(t, open) })
	t.Run("Queries", func(t *testing.T) { testQueries(t, open) })
}

// indexed is a projection with a reader index.
var indexed = store.Schema{
	Name:       "indexed",
	Tables:     []string{"indexed"},
	Migrations: store.Both(`CREATE TABLE indexed (k INTEGER PRIMARY KEY, v TEXT NOT NULL) STRICT`),
	Indexes:    store.BothIndexes(`CREATE INDEX IF NOT EXISTS indexed_v ON indexed (v)`),
}

// indexes lists the store's index names.
func indexes(t *testing.T, st store.Store) map[string]bool {
	t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type = 'index'`
	if st.Dialect() == store.Postgres {
		q = `SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()`
	}
	rows, err := st.Reader().QueryContext(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var n string
		rows.Scan(&n)
		out[n] = true
	}
	return out
}

// testIndexes checks that a store creates every reader index of its
// schemas, the core's included, and that a bulk load drops them and builds
// them again.
func testIndexes(t *testing.T, open Open) {
	ctx := context.Background()
	st := open(t, append(projector.Schemas(nil), indexed))
	have := indexes(t, st)
	for _, want := range []string{"indexed_v", "records_id", "records_kind", "records_subject", "records_author", "records_time", "subjects_kind", "refs_to"} {
		if !have[want] {
			t.Errorf("the store has no index %s (it has %v)", want, have)
		}
	}
	bl, ok := st.(store.BulkLoader)
	if !ok {
		return
	}
	if err := bl.BulkLoad(ctx, true); err != nil {
		t.Fatal(err)
	}
	if indexes(t, st)["indexed_v"] {
		t.Error("a bulk load kept a reader index")
	}
	if err := bl.BulkLoad(ctx, false); err != nil {
		t.Fatal(err)
	}
	if !indexes(t, st)["indexed_v"] {
		t.Error("the end of a bulk load did not build the reader index again")
	}
}

func put(ctx context.Context, tx *store.Tx, k int, v string) error {
	return tx.Exec(ctx, `INSERT INTO scratch (k, v) VALUES ($1, $2)`, int64(k), v)
}

func testApply(t *testing.T, open Open) {
	ctx := context.Background()
	st := open(t, append(projector.Schemas(nil), scratch))
	if n, err := st.Applied(ctx); err != nil || n != 0 {
		t.Fatalf("Applied of a new store = %d, %v", n, err)
	}
	if err := st.Apply(ctx, 0, 2, func(tx *store.Tx) error {
		if err := put(ctx, tx, 1, "a"); err != nil {
			return err
		}
		return put(ctx, tx, 2, "b")
	}); err != nil {
		t.Fatal(err)
	}
	if n, _ := st.Applied(ctx); n != 2 {
		t.Fatalf("Applied = %d, want 2", n)
	}
	// A range that does not start at the store's position changes nothing.
	err := st.Apply(ctx, 1, 3, func(tx *store.Tx) error { return put(ctx, tx, 3, "c") })
	if !errors.Is(err, store.ErrApplied) {
		t.Fatalf("Apply from the wrong position = %v", err)
	}
	// A failing function changes nothing.
	boom := errors.New("boom")
	if err := st.Apply(ctx, 2, 3, func(tx *store.Tx) error {
		if err := put(ctx, tx, 3, "c"); err != nil {
			return err
		}
		return boom
	}); !errors.Is(err, boom) {
		t.Fatalf("Apply = %v, want boom", err)
	}
	if n, _ := st.Applied(ctx); n != 2 {
		t.Fatalf("Applied after a failed Apply = %d, want 2", n)
	}
	var count int
	st.Reader().QueryRowContext(ctx, `SELECT count(*) FROM scratch`).Scan(&count)
	if count != 2 {
		t.Fatalf("%d rows after a failed Apply, want 2", count)
	}
	// A failing statement fails the Apply.
	if err := st.Apply(ctx, 2, 3, func(tx *store.Tx) error { return put(ctx, tx, 1, "duplicate") }); err == nil {
		t.Fatal("Apply with a failing statement succeeded")
	}
	// Even when statements after it succeed.
	if err := st.Apply(ctx, 2, 3, func(tx *store.Tx) error {
		if err := put(ctx, tx, 2, "duplicate"); err != nil {
			return err
		}
		return put(ctx, tx, 4, "d")
	}); err == nil {
		t.Fatal("Apply with a failing statement followed by others succeeded")
	}
	if n, _ := st.Applied(ctx); n != 2 {
		t.Fatalf("Applied after failed statements = %d, want 2", n)
	}
	// Queries in a transaction see what it wrote before them.
	if err := st.Apply(ctx, 2, 3, func(tx *store.Tx) error {
		if err := put(ctx, tx, 3, "c"); err != nil {
			return err
		}
		var v string
		if err := tx.QueryRow(ctx, `SELECT v FROM scratch WHERE k = $1`, int64(3)).Scan(&v); err != nil || v != "c" {
			return fmt.Errorf("read back %q, %v", v, err)
		}
		if err := tx.QueryRow(ctx, `SELECT v FROM scratch WHERE k = $1`, int64(99)).Scan(&v); !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("a missing row: %v, want sql.ErrNoRows", err)
		}
		rows, err := tx.Query(ctx, `SELECT k FROM scratch ORDER BY k`)
		if err != nil {
			return err
		}
		var ks []int64
		for rows.Next() {
			var k int64
			if err := rows.Scan(&k); err != nil {
				return err
			}
			ks = append(ks, k)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if !slices.Equal(ks, []int64{1, 2, 3}) {
			return fmt.Errorf("the transaction reads the keys %v", ks)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := st.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	st.Reader().QueryRowContext(ctx, `SELECT count(*) FROM scratch`).Scan(&count)
	if n, _ := st.Applied(ctx); n != 0 || count != 0 {
		t.Fatalf("after Reset: applied %d, %d rows", n, count)
	}
}

func testDigest(t *testing.T, open Open) {
	ctx := context.Background()
	a, b := open(t, []store.Schema{scratch}), open(t, []store.Schema{scratch})
	if err := a.Apply(ctx, 0, 1, func(tx *store.Tx) error {
		for i := range 10 {
			if err := put(ctx, tx, i, fmt.Sprint("v", i)); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := b.Apply(ctx, 0, 1, func(tx *store.Tx) error {
		for i := 9; i >= 0; i-- {
			if err := put(ctx, tx, i, fmt.Sprint("v", i)); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	da, _ := a.Digest(ctx)
	db, _ := b.Digest(ctx)
	if da != db || da == "" {
		t.Fatalf("digests of equal tables differ: %s, %s", da, db)
	}
	if err := b.Apply(ctx, 1, 2, func(tx *store.Tx) error {
		return tx.Exec(ctx, `UPDATE scratch SET v = 'changed' WHERE k = 3`)
	}); err != nil {
		t.Fatal(err)
	}
	if db2, _ := b.Digest(ctx); db2 == da {
		t.Fatal("the digest did not change with the content")
	}
}

var memo = &ledger.Kind{
	Name: "memo", Title: "Memo",
	Schema:  []byte(`{"type":"object","required":["text"],"properties":{"text":{"type":"string"}}}`),
	Subject: regexp.MustCompile(`^memos/[a-z]{3}/[a-z0-9-]+$`), SubjectHelp: "memos/<state>/<topic>",
	Check: func(c *ledger.Context) (any, error) {
		return nil, c.RequireAuthorOfState(ledger.SubjectSegment(c.Record.Subject, 1), "memos are the state's")
	},
}

func testQueries(t *testing.T, open Open) {
	ctx := context.Background()
	f := ledgertest.New(t)
	kinds, err := ledger.NewKinds(memo)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
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
	for i := range 12 {
		var refs []record.Ref
		if prev != nil {
			refs = append(refs, ledgertest.Prev(t, prev))
		}
		prev = f.Sign(t, "khm.mnd", "memo", "memos/khm/ream", map[string]any{"text": fmt.Sprintf("Ream visit %d, 中国南海 maritime", i)}, refs...)
		submit(prev)
	}
	for i := range 5 {
		submit(f.Sign(t, "vnm.mfa", "memo", fmt.Sprintf("memos/vnm/n%d", i), map[string]any{"text": "Gulf of Tonkin_100%"}))
	}
	submit(f.Sign(t, "vnm.mfa", "memo", "memos/vnm/bien-dong", map[string]any{"text": "Biển Đông, Việt Nam"}))
	seq.Close()
	if err := l.Close(ctx); err != nil {
		t.Fatal(err)
	}
	st := open(t, projector.Schemas(nil))
	v, _ := note.NewVerifier(f.LogVKey)
	p := projector.New(projector.Options{Source: tlog.DirSource(filepath.Join(dir, "log")), Verifier: v, Store: st, Kinds: kinds, Logger: quiet, BatchSize: 5})
	if err := p.Open(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if err := p.CatchUp(ctx, nil); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		q    browse.Query
		want int
	}{
		{"everything", browse.Query{}, 19},
		{"kind", browse.Query{Kind: "memo"}, 18},
		{"kind prefix", browse.Query{Kind: "mem."}, 0},
		{"author", browse.Query{Author: "khm.mnd"}, 12},
		{"author's state", browse.Query{Author: "vnm"}, 6},
		{"subject", browse.Query{Subject: "memos/khm/ream"}, 12},
		{"subject prefix", browse.Query{Subject: "memos/"}, 18},
		{"subject prefix with LIKE characters", browse.Query{Subject: "memos_/"}, 0},
		{"word", browse.Query{Text: "tonkin"}, 5},
		{"two words", browse.Query{Text: "ream maritime"}, 12},
		{"no match", browse.Query{Text: "nowhere"}, 0},
		{"two-character Chinese word", browse.Query{Text: "南海"}, 12},
		{"punctuation separates words", browse.Query{Text: "tonkin_100%"}, 5},
		{"part of a word finds nothing", browse.Query{Text: "onkin"}, 0},
		{"search operators are plain words", browse.Query{Text: `"ream" OR`}, 0},
		{"quotes are ignored", browse.Query{Text: `"ream"`}, 12},
		{"only punctuation", browse.Query{Text: "%%"}, 0},
		{"diacritics folded", browse.Query{Text: "bien dong"}, 1},
		{"diacritics typed", browse.Query{Text: "Việt"}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, err := browse.Count(ctx, st, tc.q)
			if err != nil || n != tc.want {
				t.Fatalf("Count = %d, %v; want %d", n, err, tc.want)
			}
			rs, err := browse.Records(ctx, st, browse.Query{Kind: tc.q.Kind, Author: tc.q.Author, Subject: tc.q.Subject, Text: tc.q.Text, Limit: 100})
			if err != nil || len(rs) != tc.want {
				t.Fatalf("Records = %d, %v; want %d", len(rs), err, tc.want)
			}
			for i := 1; i < len(rs); i++ {
				if rs[i].Index >= rs[i-1].Index {
					t.Fatal("records not newest first")
				}
			}
		})
	}
	h, err := browse.History(ctx, st, "memos/khm/ream")
	if err != nil || len(h) != 12 || h[0].Version != 1 || h[11].Version != 12 {
		t.Fatalf("History: %d, %v", len(h), err)
	}
	refs, err := browse.ReferencedBy(ctx, st, h[0].Index)
	if err != nil || len(refs) != 1 || refs[0].Index != h[1].Index {
		t.Fatalf("ReferencedBy: %v, %v", refs, err)
	}
	r, err := browse.ByIndex(ctx, st, h[3].Index)
	if err != nil || r.ID != h[3].ID {
		t.Fatalf("ByIndex: %v", err)
	}
	if _, err := browse.ByIndex(ctx, st, 999); err == nil {
		t.Fatal("ByIndex of a missing record succeeded")
	}
	parties, err := browse.Parties(ctx, st)
	if err != nil || len(parties) != 2*len(ledgertest.States)+2 {
		t.Fatalf("Parties: %d, %v", len(parties), err)
	}
	khm, err := browse.GetParty(ctx, st, "khm.mnd")
	if err != nil || khm.Key == nil || khm.Key.VKey != f.VKeys["khm.mnd"] || khm.State != "khm" {
		t.Fatalf("GetParty: %+v, %v", khm, err)
	}
	org, err := browse.GetParty(ctx, st, "org.observer")
	if err != nil || org.Type != ledger.TypeOrganisation || org.State != "" {
		t.Fatalf("GetParty(org): %+v, %v", org, err)
	}
}
