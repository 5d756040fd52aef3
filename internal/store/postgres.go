package store

import (
	"context"
	"database/sql"
	"fmt"

	_ "github.com/jackc/pgx/v5/stdlib" // the PostgreSQL driver, as database/sql's "pgx"
)

// postgresStore is a Store in a PostgreSQL database, for registers whose
// readers outgrow one machine: several nodes read the same database while
// one writes.
type postgresStore struct {
	db      *sql.DB
	schemas []Schema
}

// OpenPostgres opens the store in the database dsn names (a URL such as
// postgres://user@host:5432/db, or key=value pairs) and brings the schemas'
// tables up to date.
func OpenPostgres(ctx context.Context, dsn string, schemas []Schema) (Store, error) {
	schemas = append([]Schema{progressSchema}, schemas...)
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("couldn't open the PostgreSQL database: %w", err)
	}
	db.SetMaxOpenConns(32)
	db.SetMaxIdleConns(16)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("couldn't reach the PostgreSQL database: %w", err)
	}
	if err := migrate(ctx, db, Postgres, schemas); err != nil {
		db.Close()
		return nil, err
	}
	if err := createIndexes(ctx, db, Postgres, schemas); err != nil {
		db.Close()
		return nil, err
	}
	return &postgresStore{db: db, schemas: schemas}, nil
}

func (s *postgresStore) Dialect() Dialect { return Postgres }
func (s *postgresStore) Reader() *sql.DB  { return s.db }

func (s *postgresStore) Applied(ctx context.Context) (uint64, error) { return readApplied(ctx, s.db) }

func (s *postgresStore) Apply(ctx context.Context, from, to uint64, fn func(tx *Tx) error) error {
	return apply(ctx, s.db, Postgres, nil, from, to, fn)
}

func (s *postgresStore) Reset(ctx context.Context) error {
	return reset(ctx, s.db, Postgres, s.schemas)
}

func (s *postgresStore) Digest(ctx context.Context) (string, error) {
	return digest(ctx, s.db, s.schemas)
}

// BulkLoad drops the reader indexes while on, and builds them again after.
func (s *postgresStore) BulkLoad(ctx context.Context, on bool) error {
	if on {
		return dropIndexes(ctx, s.db, Postgres, s.schemas)
	}
	if err := createIndexes(ctx, s.db, Postgres, s.schemas); err != nil {
		return err
	}
	_, err := s.db.ExecContext(ctx, "ANALYZE")
	return err
}

func (s *postgresStore) Close() error { return s.db.Close() }
