package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/kongsi/kongsi/internal/store"
	"github.com/kongsi/kongsi/internal/store/storetest"
)

// TestPostgres runs the conformance suite against the machine's PostgreSQL,
// each store in a schema of its own.
func TestPostgres(t *testing.T) {
	storetest.Postgres(t) // skips, or fails in CI, when unreachable
	storetest.Run(t, func(t *testing.T, schemas []store.Schema) store.Store {
		st, err := store.OpenPostgres(context.Background(), storetest.Postgres(t), schemas)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	})
}

// TestPostgresReadOnly checks the store that a register's read-only nodes
// open on the writer's database: it refuses a database the writer has not
// prepared, or has prepared for another version, it reads what the writer
// wrote, and nothing can write through it.
func TestPostgresReadOnly(t *testing.T) {
	ctx := context.Background()
	dsn := storetest.Postgres(t)
	v1 := store.Schema{Name: "notes", Tables: []string{"notes"}, Migrations: store.Both(`CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL) STRICT`)}
	v2 := v1
	v2.Migrations = store.Both(`CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL) STRICT`, `ALTER TABLE notes ADD COLUMN lang TEXT`)

	if _, err := store.OpenPostgresReadOnly(ctx, dsn, []store.Schema{v1}); err == nil || !strings.Contains(err.Error(), "start the writer first") {
		t.Fatalf("opened read-only before the writer prepared the database: %v", err)
	}
	w, err := store.OpenPostgres(ctx, dsn, []store.Schema{v1})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.Apply(ctx, 0, 1, func(tx *store.Tx) error {
		return tx.Exec(ctx, `INSERT INTO notes (id, text) VALUES (1, 'from the writer')`)
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := store.OpenPostgresReadOnly(ctx, dsn, []store.Schema{v2}); err == nil || !strings.Contains(err.Error(), "at migration 1, and this program's at 2") {
		t.Fatalf("opened read-only on tables of another version: %v", err)
	}

	r, err := store.OpenPostgresReadOnly(ctx, dsn, []store.Schema{v1})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if n, err := r.Applied(ctx); err != nil || n != 1 {
		t.Fatalf("the reader sees the store at %d (%v), want 1", n, err)
	}
	var text string
	if err := r.Reader().QueryRowContext(ctx, `SELECT text FROM notes WHERE id = 1`).Scan(&text); err != nil || text != "from the writer" {
		t.Fatalf("the reader reads %q (%v)", text, err)
	}
	err = r.Apply(ctx, 1, 2, func(tx *store.Tx) error {
		return tx.Exec(ctx, `INSERT INTO notes (id, text) VALUES (2, 'from a reader')`)
	})
	if err == nil {
		t.Fatal("a read-only store applied a write")
	}
	if _, err := r.Reader().ExecContext(ctx, `DELETE FROM notes`); err == nil {
		t.Fatal("a read-only store's connections can delete")
	}
	if n, _ := w.Applied(ctx); n != 1 {
		t.Errorf("after the refused writes the store is at %d, want 1", n)
	}
}
