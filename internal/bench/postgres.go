package bench

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"

	_ "github.com/jackc/pgx/v5/stdlib" // the PostgreSQL driver
)

// PostgresSchema makes a fresh schema in the PostgreSQL database base
// names, for one measurement, and returns the address that selects it and
// a function that drops it.
func PostgresSchema(ctx context.Context, base string) (dsn string, drop func(), err error) {
	db, err := sql.Open("pgx", base)
	if err != nil {
		return "", nil, err
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return "", nil, fmt.Errorf("couldn't reach PostgreSQL: %w", err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "kongsi_bench_" + hex.EncodeToString(b)
	if _, err := db.ExecContext(ctx, "CREATE SCHEMA "+name); err != nil {
		db.Close()
		return "", nil, err
	}
	u, err := url.Parse(base)
	if err != nil {
		db.Close()
		return "", nil, fmt.Errorf("the PostgreSQL address must be a URL (postgres://…): %w", err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String(), func() {
		db.ExecContext(context.WithoutCancel(ctx), "DROP SCHEMA "+name+" CASCADE")
		db.Close()
	}, nil
}
