// Package store keeps the register's projections: SQL tables derived from the
// log, which pages and the API read. The log is the source of truth; a store
// can be emptied and rebuilt from it at any time.
//
// A store records how many log entries its tables reflect, and every change
// happens in a transaction that also moves that count, so that after a crash
// the tables and the count agree and the projector resumes where it stopped.
package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Dialect names an SQL dialect. Projections give their migrations, and
// queries that differ, per dialect.
type Dialect string

// The dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Store holds projections.
type Store interface {
	// Dialect is the store's SQL dialect.
	Dialect() Dialect
	// Reader is the database for queries. Queries MUST NOT write.
	Reader() *sql.DB
	// Applied is the number of log entries the projections reflect.
	Applied(ctx context.Context) (uint64, error)
	// Apply runs fn in one write transaction, which also moves Applied from
	// from to to. If Applied is not from, or fn fails, nothing changes.
	// When Apply returns nil, the change is committed.
	Apply(ctx context.Context, from, to uint64, fn func(tx *Tx) error) error
	// Reset empties every projection table and sets Applied to 0.
	Reset(ctx context.Context) error
	// Digest is a hash of the content of every projection table, the same
	// for the same content whatever order the rows were written in.
	Digest(ctx context.Context) (string, error)
	// Close closes the store.
	Close() error
}

// Schema is the tables of one projection.
type Schema struct {
	// Name identifies the projection in the store's migration records.
	Name string
	// Migrations are the statements that create and change the projection's
	// tables, per dialect, in order. Migration n (1-based) is applied once,
	// in its own transaction. Migrations MUST only ever be appended to.
	Migrations map[Dialect][]string
	// Tables lists the projection's ordinary tables, for Reset and Digest.
	Tables []string
	// Clear are statements, per dialect, that empty the tables derived from
	// the others (full-text indexes): run by Reset, not part of the Digest.
	Clear map[Dialect][]string
	// Indexes are CREATE INDEX statements, per dialect, for indexes that
	// serve readers only: the projection's Apply never needs them. They are
	// created after the migrations, and a bulk load drops them and builds
	// them again at its end, which is much faster than keeping them up to
	// date row by row. They MUST use IF NOT EXISTS.
	Indexes map[Dialect][]string
}

var indexName = regexp.MustCompile(`(?i)^\s*CREATE\s+(UNIQUE\s+)?INDEX\s+IF\s+NOT\s+EXISTS\s+(\w+)\s+ON`)

// createIndexes creates the schemas' reader indexes.
func createIndexes(ctx context.Context, db *sql.DB, d Dialect, schemas []Schema) error {
	for _, s := range schemas {
		for _, q := range s.Indexes[d] {
			if _, err := db.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("couldn't create an index of %s: %w", s.Name, err)
			}
		}
	}
	return nil
}

// dropIndexes drops the schemas' reader indexes.
func dropIndexes(ctx context.Context, db *sql.DB, d Dialect, schemas []Schema) error {
	for _, s := range schemas {
		for _, q := range s.Indexes[d] {
			m := indexName.FindStringSubmatch(q)
			if m == nil {
				return fmt.Errorf("the index statement %q of %s is not of the form CREATE [UNIQUE] INDEX IF NOT EXISTS name ON", q, s.Name)
			}
			if _, err := db.ExecContext(ctx, "DROP INDEX IF EXISTS "+m[2]); err != nil {
				return fmt.Errorf("couldn't drop the index %s: %w", m[2], err)
			}
		}
	}
	return nil
}

// BulkLoader is a store that can trade durability for speed while it is
// rebuilt: after a crash during a bulk load, the store must be rebuilt.
type BulkLoader interface {
	BulkLoad(ctx context.Context, on bool) error
}

// ErrApplied is returned by Apply when the store is not at the expected
// position.
var ErrApplied = errors.New("the store is not at the expected log position")

// Tx is a write transaction.
//
// On SQLite it prepares each statement once, since the projector runs the
// same few statements for every record. On PostgreSQL, where every
// statement would otherwise cost a round trip to the server, statements
// are queued and sent together (pipelined) at the next query, every
// pgBatchSize statements and at the end: an Exec's error may therefore
// come from a later call, and always fails the transaction.
type Tx struct {
	dialect Dialect
	sql     *sql.Tx
	stmts   map[string]*sql.Stmt
	pg      *pgTx
}

// Row is a row of QueryRow.
type Row interface {
	Scan(dest ...any) error
}

// Rows are the rows of Query.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close() error
}

// Dialect is the transaction's dialect.
func (tx *Tx) Dialect() Dialect { return tx.dialect }

func (tx *Tx) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if s, ok := tx.stmts[query]; ok {
		return s, nil
	}
	s, err := tx.sql.PrepareContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("couldn't prepare %q: %w", query, err)
	}
	tx.stmts[query] = s
	return s, nil
}

// Exec runs a statement.
//
// A projection's statements are short, and the SQLite driver would start a
// goroutine for each to interrupt it when ctx ends: Exec checks ctx before
// each statement instead, so that a cancelled projection stops at the next.
func (tx *Tx) Exec(ctx context.Context, query string, args ...any) error {
	if tx.pg != nil {
		return tx.pg.exec(ctx, query, args)
	}
	s, err := tx.stmt(ctx, query)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if _, err := s.ExecContext(context.WithoutCancel(ctx), args...); err != nil {
		return fmt.Errorf("couldn't run %q: %w", query, err)
	}
	return nil
}

// QueryRow runs a query that returns at most one row.
func (tx *Tx) QueryRow(ctx context.Context, query string, args ...any) Row {
	if tx.pg != nil {
		return tx.pg.queryRow(ctx, query, args)
	}
	s, err := tx.stmt(ctx, query)
	if err != nil {
		// Let the error surface at Scan, as database/sql does.
		return tx.sql.QueryRowContext(ctx, query, args...)
	}
	return s.QueryRowContext(ctx, args...)
}

// Query runs a query.
func (tx *Tx) Query(ctx context.Context, query string, args ...any) (Rows, error) {
	if tx.pg != nil {
		return tx.pg.query(ctx, query, args)
	}
	s, err := tx.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return s.QueryContext(ctx, args...)
}

// migrate applies the migrations of each schema that have not been applied
// yet, each in its own transaction.
func migrate(ctx context.Context, db *sql.DB, d Dialect, schemas []Schema) error {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS kongsi_migrations (projection TEXT PRIMARY KEY, version INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("couldn't create the migrations table: %w", err)
	}
	for _, s := range schemas {
		var have int
		err := db.QueryRowContext(ctx, `SELECT version FROM kongsi_migrations WHERE projection = $1`, s.Name).Scan(&have)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("couldn't read the migration state of %s: %w", s.Name, err)
		}
		ms := s.Migrations[d]
		if len(ms) == 0 && len(s.Tables) > 0 {
			return fmt.Errorf("the %s projection has no tables for the %s dialect", s.Name, d)
		}
		if have > len(ms) {
			return fmt.Errorf("the store's %s tables are at version %d, newer than this program knows (%d)", s.Name, have, len(ms))
		}
		for v := have + 1; v <= len(ms); v++ {
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, ms[v-1]); err != nil {
				tx.Rollback()
				return fmt.Errorf("couldn't apply migration %d of %s: %w", v, s.Name, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO kongsi_migrations (projection, version) VALUES ($1, $2) ON CONFLICT (projection) DO UPDATE SET version = excluded.version`, s.Name, v); err != nil {
				tx.Rollback()
				return fmt.Errorf("couldn't record migration %d of %s: %w", v, s.Name, err)
			}
			if err := tx.Commit(); err != nil {
				return fmt.Errorf("couldn't commit migration %d of %s: %w", v, s.Name, err)
			}
		}
	}
	return nil
}

// progressSchema holds the store's position in the log.
var progressSchema = Schema{
	Name: "progress",
	Migrations: map[Dialect][]string{
		SQLite:   {`CREATE TABLE kongsi_progress (id INTEGER PRIMARY KEY CHECK (id = 1), applied INTEGER NOT NULL) STRICT`},
		Postgres: {`CREATE TABLE kongsi_progress (id INTEGER PRIMARY KEY CHECK (id = 1), applied BIGINT NOT NULL)`},
	},
}

func readApplied(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (uint64, error) {
	var n int64
	err := q.QueryRowContext(ctx, `SELECT applied FROM kongsi_progress WHERE id = 1`).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("couldn't read the store's position: %w", err)
	}
	return uint64(n), nil
}

// apply is the common part of Apply for database/sql stores.
func apply(ctx context.Context, db *sql.DB, d Dialect, opts *sql.TxOptions, from, to uint64, fn func(tx *Tx) error) error {
	sqltx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("couldn't begin a transaction: %w", err)
	}
	defer sqltx.Rollback()
	at, err := readApplied(ctx, sqltx)
	if err != nil {
		return err
	}
	if at != from {
		return fmt.Errorf("%w: at %d, not %d", ErrApplied, at, from)
	}
	tx := &Tx{sql: sqltx, dialect: d, stmts: map[string]*sql.Stmt{}}
	defer func() {
		for _, s := range tx.stmts {
			s.Close()
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	if _, err := sqltx.ExecContext(ctx, `INSERT INTO kongsi_progress (id, applied) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET applied = excluded.applied`, int64(to)); err != nil {
		return fmt.Errorf("couldn't record the store's position: %w", err)
	}
	if err := sqltx.Commit(); err != nil {
		return fmt.Errorf("couldn't commit: %w", err)
	}
	return nil
}

func reset(ctx context.Context, db *sql.DB, d Dialect, schemas []Schema) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, s := range schemas {
		for _, t := range s.Tables {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+t); err != nil {
				return fmt.Errorf("couldn't empty %s: %w", t, err)
			}
		}
		for _, q := range s.Clear[d] {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("couldn't empty the derived tables of %s: %w", s.Name, err)
			}
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM kongsi_progress`); err != nil {
		return err
	}
	return tx.Commit()
}

// digest hashes every table's rows, ordered by all their columns.
func digest(ctx context.Context, db *sql.DB, schemas []Schema) (string, error) {
	h := sha256.New()
	for _, s := range schemas {
		for _, t := range s.Tables {
			cols, err := columns(ctx, db, t)
			if err != nil {
				return "", err
			}
			order := make([]string, len(cols))
			for i := range cols {
				order[i] = fmt.Sprint(i + 1)
			}
			rows, err := db.QueryContext(ctx, fmt.Sprintf(`SELECT * FROM %s ORDER BY %s`, t, strings.Join(order, ", ")))
			if err != nil {
				return "", fmt.Errorf("couldn't read %s: %w", t, err)
			}
			fmt.Fprintf(h, "table %s\n", t)
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			for rows.Next() {
				if err := rows.Scan(ptrs...); err != nil {
					rows.Close()
					return "", err
				}
				for _, v := range vals {
					// Written alike whatever the driver's Go types.
					switch v := v.(type) {
					case []byte:
						fmt.Fprintf(h, "b%x|", v)
					case string:
						fmt.Fprintf(h, "s%q|", v)
					case int64, int32, int:
						fmt.Fprintf(h, "i%d|", v)
					case nil:
						h.Write([]byte("n|"))
					default:
						fmt.Fprintf(h, "v%v|", v)
					}
				}
				h.Write([]byte("\n"))
			}
			if err := rows.Close(); err != nil {
				return "", err
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func columns(ctx context.Context, db *sql.DB, table string) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT * FROM `+table+` LIMIT 0`)
	if err != nil {
		return nil, fmt.Errorf("couldn't read the columns of %s: %w", table, err)
	}
	defer rows.Close()
	return rows.Columns()
}
