package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the PostgreSQL driver
)

// Postgres returns the address of a fresh, empty schema in the test
// PostgreSQL database (KONGSI_TEST_POSTGRES, by default
// postgres://127.0.0.1:5432/test), dropped when the test ends. It skips the
// test when the database cannot be reached, and fails it in CI (CI=true),
// where it must be.
func Postgres(t testing.TB) string {
	t.Helper()
	base := os.Getenv("KONGSI_TEST_POSTGRES")
	if base == "" {
		base = "postgres://127.0.0.1:5432/test?sslmode=disable"
	}
	db, err := sql.Open("pgx", base)
	if err == nil {
		err = db.PingContext(context.Background())
	}
	if err != nil {
		if db != nil {
			db.Close()
		}
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL at %s is unreachable, and CI needs it: %v", base, err)
		}
		t.Skipf("PostgreSQL at %s is unreachable (%v); set KONGSI_TEST_POSTGRES to test against another", base, err)
	}
	defer db.Close()
	b := make([]byte, 6)
	rand.Read(b)
	name := "kongsi_test_" + hex.EncodeToString(b)
	if _, err := db.Exec("CREATE SCHEMA " + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if db, err := sql.Open("pgx", base); err == nil {
			db.Exec("DROP SCHEMA " + name + " CASCADE")
			db.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String()
}
