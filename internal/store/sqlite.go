package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"runtime"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver
)

// sqliteStore is a Store in an SQLite file: one writer connection, and a
// pool of read-only connections that WAL mode lets read while it writes.
type sqliteStore struct {
	writer  *sql.DB
	reader  *sql.DB
	schemas []Schema
}

// OpenSQLite opens (creating if need be) the SQLite store at path and brings
// the schemas' tables up to date.
func OpenSQLite(ctx context.Context, path string, schemas []Schema) (Store, error) {
	schemas = append([]Schema{progressSchema}, schemas...)
	dsn := func(extra ...string) string {
		q := url.Values{}
		for _, p := range append([]string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(NORMAL)", "foreign_keys(ON)", "cache_size(-32000)"}, extra...) {
			q.Add("_pragma", p)
		}
		return "file:" + path + "?" + q.Encode()
	}
	writer, err := sql.Open("sqlite", dsn()+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("couldn't open %s: %w", path, err)
	}
	writer.SetMaxOpenConns(1)
	if err := migrate(ctx, writer, SQLite, schemas); err != nil {
		writer.Close()
		return nil, err
	}
	if err := createIndexes(ctx, writer, SQLite, schemas); err != nil {
		writer.Close()
		return nil, err
	}
	reader, err := sql.Open("sqlite", dsn("query_only(1)"))
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("couldn't open %s for reading: %w", path, err)
	}
	reader.SetMaxOpenConns(max(4, 2*runtime.GOMAXPROCS(0)))
	reader.SetMaxIdleConns(max(4, 2*runtime.GOMAXPROCS(0)))
	return &sqliteStore{writer: writer, reader: reader, schemas: schemas}, nil
}

func (s *sqliteStore) Dialect() Dialect { return SQLite }
func (s *sqliteStore) Reader() *sql.DB  { return s.reader }
func (s *sqliteStore) Applied(ctx context.Context) (uint64, error) {
	return readApplied(ctx, s.reader)
}

func (s *sqliteStore) Apply(ctx context.Context, from, to uint64, fn func(tx *Tx) error) error {
	return apply(ctx, s.writer, SQLite, nil, from, to, fn)
}

// BulkLoad drops the reader indexes, stops waiting for the disk on commits
// and gives the writer a larger page cache while on (a crash may then lose
// the last transactions, and the store is rebuilt); off builds the indexes
// again and restores durability and the cache.
func (s *sqliteStore) BulkLoad(ctx context.Context, on bool) error {
	if on {
		for _, q := range []string{"PRAGMA synchronous = OFF", "PRAGMA cache_size = -262144"} {
			if _, err := s.writer.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return dropIndexes(ctx, s.writer, SQLite, s.schemas)
	}
	if err := createIndexes(ctx, s.writer, SQLite, s.schemas); err != nil {
		return err
	}
	for _, q := range []string{"PRAGMA cache_size = -32000", "PRAGMA synchronous = NORMAL", "PRAGMA optimize"} {
		if _, err := s.writer.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

func (s *sqliteStore) Reset(ctx context.Context) error {
	return reset(ctx, s.writer, SQLite, s.schemas)
}

func (s *sqliteStore) Digest(ctx context.Context) (string, error) {
	return digest(ctx, s.reader, s.schemas)
}

func (s *sqliteStore) Close() error {
	err := s.reader.Close()
	if werr := s.writer.Close(); err == nil {
		err = werr
	}
	return err
}
