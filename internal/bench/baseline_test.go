package bench

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/kongsi/kongsi/internal/declaration"
	"github.com/kongsi/kongsi/internal/module"
	"github.com/kongsi/kongsi/internal/projector"
	"github.com/kongsi/kongsi/internal/store"
)

// TestBareSQLite checks that the rebuild's baseline writes exactly the rows
// the rebuild wrote.
func TestBareSQLite(t *testing.T) {
	ctx := context.Background()
	ms := []module.Module{declaration.New()}
	f, err := NewFixture(300, 200)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Found(ctx, f, filepath.Join(t.TempDir(), "register"), ms)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.WritePath(ctx, f, 64, 1<<30); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(ctx); err != nil {
		t.Fatal(err)
	}
	schemas := projector.Schemas(module.Projections(ms))
	bare := filepath.Join(t.TempDir(), "bare.db")
	err = rebuild(ctx, r.Dir, ms, "", func(st store.Store, p *projector.Projector) error {
		if err := p.Rebuild(ctx, nil); err != nil {
			return err
		}
		b, err := bareSQLite(ctx, st, schemas, int(p.Applied()), bare)
		if err != nil {
			return err
		}
		if b.N != 301 || b.Duration <= 0 {
			t.Errorf("baseline: %d records in %s", b.N, b.Duration)
		}
		dst, err := store.OpenSQLite(ctx, bare, schemas)
		if err != nil {
			return err
		}
		defer dst.Close()
		want, err := st.Digest(ctx)
		if err != nil {
			return err
		}
		if got, err := dst.Digest(ctx); err != nil || got != want {
			t.Errorf("the baseline's tables have digest %s (%v), the rebuild's %s", got, err, want)
		}
		var n int
		if err := dst.Reader().QueryRowContext(ctx, `SELECT count(*) FROM records_fts WHERE records_fts MATCH 'position'`).Scan(&n); err != nil || n != 300 {
			t.Errorf("the baseline's full-text index finds %d records (%v), want 300", n, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
