package witness

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"time"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver
)

// LogState is what a witness keeps of one log: the keys it trusts for the
// log's checkpoints, and the latest checkpoint it cosigned.
type LogState struct {
	Origin string
	Keys   []string // note vkeys
	Size   uint64
	Hash   []byte
	// Updated is when the witness last cosigned a larger checkpoint.
	Updated time.Time
}

// Store keeps a witness's state durably.
type Store interface {
	// Log returns the state of the log with the given origin. It returns
	// ErrUnknownLog if the witness is not configured with the log's keys.
	Log(ctx context.Context, origin string) (*LogState, error)
	// Logs returns the state of every log the witness witnesses.
	Logs(ctx context.Context) ([]*LogState, error)
	// Advance replaces the log's latest cosigned checkpoint (oldSize,
	// oldHash) with (newSize, newHash), atomically: if the state is no
	// longer (oldSize, oldHash), it changes nothing and returns a
	// *ConflictError holding the stored size. When Advance returns nil, the
	// new state MUST be durably stored.
	Advance(ctx context.Context, origin string, oldSize uint64, oldHash []byte, newSize uint64, newHash []byte) error
	// Record keeps a refused request whose checkpoint the log did sign,
	// as possible evidence that the log misbehaved.
	Record(ctx context.Context, origin, reason string, request []byte) error
}

// ErrUnknownLog is returned for a log the witness does not witness.
var ErrUnknownLog = errors.New("this witness does not witness a log with this origin")

// ConflictError says that a log's state is not what a request assumed.
type ConflictError struct{ Size uint64 }

func (e *ConflictError) Error() string {
	return fmt.Sprintf("the latest checkpoint this witness cosigned for the log has size %d", e.Size)
}

// emptyRoot is the root hash of the empty tree (RFC 6962): the state of a
// log the witness has not cosigned yet.
var emptyRoot = func() []byte { h := sha256.Sum256(nil); return h[:] }()

// SQLiteStore is a Store in an SQLite file. Every change is a transaction
// committed with synchronous=FULL, so it is on disk before the witness
// answers.
type SQLiteStore struct {
	db *sql.DB
}

// maxEvidence bounds the refused requests kept; the oldest go first.
const maxEvidence = 1000

// OpenSQLite opens (creating if need be) a witness's state at path.
func OpenSQLite(ctx context.Context, path string) (*SQLiteStore, error) {
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(ON)"} {
		q.Add("_pragma", p)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode()+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("couldn't open the witness's state %s: %w", path, err)
	}
	// One connection: every read and write is serialised, which is plenty
	// for a witness and makes each transaction see the latest commit.
	db.SetMaxOpenConns(1)
	_, err = db.ExecContext(ctx, `
		CREATE TABLE IF NOT EXISTS logs (
			origin  TEXT PRIMARY KEY,
			size    INTEGER NOT NULL CHECK (size >= 0),
			hash    BLOB NOT NULL CHECK (length(hash) = 32),
			updated TEXT NOT NULL
		) STRICT;
		CREATE TABLE IF NOT EXISTS log_keys (
			origin TEXT NOT NULL REFERENCES logs(origin),
			vkey   TEXT NOT NULL,
			PRIMARY KEY (origin, vkey)
		) STRICT;
		CREATE TABLE IF NOT EXISTS evidence (
			id      INTEGER PRIMARY KEY,
			time    TEXT NOT NULL,
			origin  TEXT NOT NULL,
			reason  TEXT NOT NULL,
			request BLOB NOT NULL
		) STRICT;`)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("couldn't create the witness's tables in %s: %w", path, err)
	}
	return &SQLiteStore{db: db}, nil
}

// Close closes the store.
func (s *SQLiteStore) Close() error { return s.db.Close() }

// SetLogs makes the given logs, and only them, the logs the witness
// witnesses: keys maps each origin to the vkeys trusted for it. The state
// of every log seen before is kept, so that a log dropped and configured
// again resumes where it was; a log without keys is unknown.
func (s *SQLiteStore) SetLogs(ctx context.Context, keys map[string][]string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("couldn't configure the witnessed logs: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM log_keys`); err != nil {
		return fmt.Errorf("couldn't configure the witnessed logs: %w", err)
	}
	now := time.Now().UTC().Format(time.RFC3339)
	for origin, vkeys := range keys {
		if _, err := tx.ExecContext(ctx, `INSERT INTO logs (origin, size, hash, updated) VALUES ($1, 0, $2, $3) ON CONFLICT (origin) DO NOTHING`, origin, emptyRoot, now); err != nil {
			return fmt.Errorf("couldn't add the log %q: %w", origin, err)
		}
		for _, k := range vkeys {
			if _, err := tx.ExecContext(ctx, `INSERT INTO log_keys (origin, vkey) VALUES ($1, $2) ON CONFLICT DO NOTHING`, origin, k); err != nil {
				return fmt.Errorf("couldn't add a key of the log %q: %w", origin, err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("couldn't configure the witnessed logs: %w", err)
	}
	return nil
}

// Log returns the state of a log.
func (s *SQLiteStore) Log(ctx context.Context, origin string) (*LogState, error) {
	st := &LogState{Origin: origin}
	var size int64
	var updated string
	err := s.db.QueryRowContext(ctx, `SELECT size, hash, updated FROM logs WHERE origin = $1`, origin).Scan(&size, &st.Hash, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrUnknownLog
	}
	if err != nil {
		return nil, fmt.Errorf("couldn't read the state of %q: %w", origin, err)
	}
	st.Size = uint64(size)
	st.Updated, _ = time.Parse(time.RFC3339, updated)
	rows, err := s.db.QueryContext(ctx, `SELECT vkey FROM log_keys WHERE origin = $1 ORDER BY vkey`, origin)
	if err != nil {
		return nil, fmt.Errorf("couldn't read the keys of %q: %w", origin, err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		st.Keys = append(st.Keys, k)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(st.Keys) == 0 {
		return nil, ErrUnknownLog
	}
	return st, nil
}

// Logs returns the state of every log the witness witnesses, by origin.
func (s *SQLiteStore) Logs(ctx context.Context) ([]*LogState, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT origin FROM log_keys ORDER BY origin`)
	if err != nil {
		return nil, fmt.Errorf("couldn't list the logs: %w", err)
	}
	var origins []string
	for rows.Next() {
		var o string
		if err := rows.Scan(&o); err != nil {
			rows.Close()
			return nil, err
		}
		origins = append(origins, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []*LogState
	for _, o := range origins {
		st, err := s.Log(ctx, o)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}

// Advance moves a log's state forward, comparing and swapping in one
// transaction.
func (s *SQLiteStore) Advance(ctx context.Context, origin string, oldSize uint64, oldHash []byte, newSize uint64, newHash []byte) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("couldn't store the new checkpoint of %q: %w", origin, err)
	}
	defer tx.Rollback()
	// The transaction holds the write lock from its start (_txlock=immediate),
	// so no other request can change the row between this check and the
	// commit. A crash before the commit leaves the old state: the request
	// was not answered, and the log asks again.
	res, err := tx.ExecContext(ctx, `UPDATE logs SET size = $1, hash = $2, updated = $3 WHERE origin = $4 AND size = $5 AND hash = $6`,
		int64(newSize), newHash, time.Now().UTC().Format(time.RFC3339), origin, int64(oldSize), oldHash)
	if err != nil {
		return fmt.Errorf("couldn't store the new checkpoint of %q: %w", origin, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		var size int64
		if err := tx.QueryRowContext(ctx, `SELECT size FROM logs WHERE origin = $1`, origin).Scan(&size); err != nil {
			return fmt.Errorf("couldn't read the state of %q: %w", origin, err)
		}
		return &ConflictError{Size: uint64(size)}
	}
	// With synchronous=FULL, the commit returns once the new state is on
	// disk. A crash after it, before the answer, leaves a witness that has
	// cosigned nothing it did not store; the log asks again with the old
	// size, learns the new one from the 409 answer, and retries.
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("couldn't store the new checkpoint of %q: %w", origin, err)
	}
	return nil
}

// Record keeps a refused request as possible evidence.
func (s *SQLiteStore) Record(ctx context.Context, origin, reason string, request []byte) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO evidence (time, origin, reason, request) VALUES ($1, $2, $3, $4)`,
		time.Now().UTC().Format(time.RFC3339Nano), origin, reason, request); err != nil {
		return fmt.Errorf("couldn't keep the evidence: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM evidence WHERE id <= (SELECT max(id) FROM evidence) - $1`, maxEvidence); err != nil {
		return fmt.Errorf("couldn't trim the evidence: %w", err)
	}
	return tx.Commit()
}

// Evidence is a refused request kept as possible evidence of misbehaviour.
type Evidence struct {
	Time    time.Time
	Origin  string
	Reason  string
	Request []byte
}

// Evidence returns the refused requests kept, newest first.
func (s *SQLiteStore) Evidence(ctx context.Context, limit int) ([]Evidence, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT time, origin, reason, request FROM evidence ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("couldn't read the evidence: %w", err)
	}
	defer rows.Close()
	var out []Evidence
	for rows.Next() {
		var e Evidence
		var t string
		if err := rows.Scan(&t, &e.Origin, &e.Reason, &e.Request); err != nil {
			return nil, err
		}
		e.Time, _ = time.Parse(time.RFC3339Nano, t)
		out = append(out, e)
	}
	return out, rows.Err()
}
