package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/kongsi/kongsi/internal/store"
	"github.com/kongsi/kongsi/internal/store/storetest"
)

func TestSQLite(t *testing.T) {
	n := 0
	storetest.Run(t, func(t *testing.T, schemas []store.Schema) store.Store {
		n++
		st, err := store.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), fmt.Sprintf("s%d.db", n)), schemas)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	})
}
