package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib" // the PostgreSQL driver, as database/sql's "pgx"
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

// OpenPostgresReadOnly opens a store in the database dsn names that another
// node writes (a register's writer): it changes nothing, checks that the
// tables are those the schemas describe, at the same migration, and opens
// every connection read-only, so that nothing done through it can write.
func OpenPostgresReadOnly(ctx context.Context, dsn string, schemas []Schema) (Store, error) {
	schemas = append([]Schema{progressSchema}, schemas...)
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("couldn't read the PostgreSQL address: %w", err)
	}
	cfg.RuntimeParams["default_transaction_read_only"] = "on"
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(32)
	db.SetMaxIdleConns(16)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("couldn't reach the PostgreSQL database: %w", err)
	}
	if err := checkMigrated(ctx, db, Postgres, schemas); err != nil {
		db.Close()
		return nil, err
	}
	return &postgresStore{db: db, schemas: schemas}, nil
}

// checkMigrated checks that every schema's tables are at its latest
// migration, without changing anything.
func checkMigrated(ctx context.Context, db *sql.DB, d Dialect, schemas []Schema) error {
	for _, s := range schemas {
		var have int
		err := db.QueryRowContext(ctx, `SELECT version FROM kongsi_migrations WHERE projection = $1`, s.Name).Scan(&have)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("the database holds no register's tables yet (%v): start the writer first", err)
		}
		if want := len(s.Migrations[d]); have != want {
			return fmt.Errorf("the database's %s tables are at migration %d, and this program's at %d: run the same version of kongsi as the writer, and start the writer first", s.Name, have, want)
		}
	}
	return nil
}

func (s *postgresStore) Dialect() Dialect { return Postgres }
func (s *postgresStore) Reader() *sql.DB  { return s.db }

func (s *postgresStore) Applied(ctx context.Context) (uint64, error) { return readApplied(ctx, s.db) }

func (s *postgresStore) Apply(ctx context.Context, from, to uint64, fn func(tx *Tx) error) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("couldn't reach the database: %w", err)
	}
	defer conn.Close()
	// The transaction runs on the connection's pgx side, which can send
	// statements in batches.
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("logic error: the PostgreSQL connection is a %T", dc)
		}
		ptx, err := c.Conn().Begin(ctx)
		if err != nil {
			return fmt.Errorf("couldn't begin a transaction: %w", err)
		}
		defer ptx.Rollback(context.WithoutCancel(ctx))
		var at int64
		err = ptx.QueryRow(ctx, `SELECT applied FROM kongsi_progress WHERE id = 1`).Scan(&at)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("couldn't read the store's position: %w", err)
		}
		if uint64(at) != from {
			return fmt.Errorf("%w: at %d, not %d", ErrApplied, at, from)
		}
		tx := &Tx{dialect: Postgres, pg: &pgTx{tx: ptx}}
		if err := fn(tx); err != nil {
			return err
		}
		if err := tx.pg.exec(ctx, `INSERT INTO kongsi_progress (id, applied) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET applied = excluded.applied`, []any{int64(to)}); err != nil {
			return err
		}
		if err := tx.pg.flush(ctx); err != nil {
			return err
		}
		if err := ptx.Commit(ctx); err != nil {
			return fmt.Errorf("couldn't commit: %w", err)
		}
		return nil
	})
}

// pgBatchSize bounds the statements a PostgreSQL transaction queues before
// it sends them.
const pgBatchSize = 1024

// pgTx is a PostgreSQL write transaction that queues its statements.
type pgTx struct {
	tx      pgx.Tx
	batch   pgx.Batch
	queries []string // the statements queued, for errors
}

func (t *pgTx) exec(ctx context.Context, query string, args []any) error {
	t.batch.Queue(query, args...)
	t.queries = append(t.queries, query)
	if len(t.queries) >= pgBatchSize {
		return t.flush(ctx)
	}
	return nil
}

// flush sends the queued statements and reads their results.
func (t *pgTx) flush(ctx context.Context) error {
	if len(t.queries) == 0 {
		return nil
	}
	queries, batch := t.queries, &pgx.Batch{QueuedQueries: t.batch.QueuedQueries}
	t.batch, t.queries = pgx.Batch{}, nil
	br := t.tx.SendBatch(ctx, batch)
	for _, q := range queries {
		if _, err := br.Exec(); err != nil {
			br.Close()
			return fmt.Errorf("couldn't run %q: %w", q, err)
		}
	}
	return br.Close()
}

func (t *pgTx) queryRow(ctx context.Context, query string, args []any) Row {
	if err := t.flush(ctx); err != nil {
		return errRow{err}
	}
	return pgRow{t.tx.QueryRow(ctx, query, args...)}
}

// pgRow is pgx's row, with database/sql's error when there is none, as on
// SQLite.
type pgRow struct{ pgx.Row }

func (r pgRow) Scan(dest ...any) error {
	err := r.Row.Scan(dest...)
	if errors.Is(err, pgx.ErrNoRows) {
		return sql.ErrNoRows
	}
	return err
}

func (t *pgTx) query(ctx context.Context, query string, args []any) (Rows, error) {
	if err := t.flush(ctx); err != nil {
		return nil, err
	}
	rows, err := t.tx.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("couldn't run %q: %w", query, err)
	}
	return pgRows{rows}, nil
}

// errRow is a row whose query could not run.
type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

// pgRows are pgx's rows as Rows.
type pgRows struct{ pgx.Rows }

func (r pgRows) Close() error {
	r.Rows.Close()
	return r.Rows.Err()
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
