package store_test

import (
	"context"
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
