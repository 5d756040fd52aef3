package mirror

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"time"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver
)

// stateDB keeps what a mirror saw: every distinct checkpoint of the
// upstream log, and the evidence of split views.
type stateDB struct {
	db *sql.DB
}

func openState(ctx context.Context, path string) (*stateDB, error) {
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(FULL)"} {
		q.Add("_pragma", p)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode()+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("couldn't open the mirror's state %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	_, err = db.ExecContext(ctx, `
		CREATE TABLE IF NOT EXISTS checkpoints (
			size       INTEGER NOT NULL,
			hash       BLOB NOT NULL,
			raw        BLOB NOT NULL,
			first_seen TEXT NOT NULL,
			-- checked: found consistent with the mirror's copy, which is as
			-- large as the checkpoint or larger.
			checked    INTEGER NOT NULL DEFAULT 0,
			PRIMARY KEY (size, hash)
		) STRICT;
		CREATE TABLE IF NOT EXISTS split_views (
			id       INTEGER PRIMARY KEY,
			detected TEXT NOT NULL,
			evidence TEXT NOT NULL
		) STRICT;`)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("couldn't create the mirror's tables in %s: %w", path, err)
	}
	return &stateDB{db: db}, nil
}

func (s *stateDB) close() error { return s.db.Close() }

// seen records a checkpoint of the upstream log, once per tree.
func (s *stateDB) seen(ctx context.Context, size uint64, hash, raw []byte) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO checkpoints (size, hash, raw, first_seen) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
		int64(size), hash, raw, time.Now().UTC().Format(time.RFC3339Nano))
	if err != nil {
		return fmt.Errorf("couldn't record a checkpoint seen: %w", err)
	}
	return nil
}

type seenCheckpoint struct {
	size uint64
	hash []byte
	raw  []byte
}

// unchecked lists the checkpoints seen, of size at most size, not yet
// checked against the mirror's copy.
func (s *stateDB) unchecked(ctx context.Context, size uint64) ([]seenCheckpoint, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT size, hash, raw FROM checkpoints WHERE checked = 0 AND size <= $1 ORDER BY size`, int64(size))
	if err != nil {
		return nil, fmt.Errorf("couldn't list the checkpoints seen: %w", err)
	}
	defer rows.Close()
	var out []seenCheckpoint
	for rows.Next() {
		var c seenCheckpoint
		var n int64
		if err := rows.Scan(&n, &c.hash, &c.raw); err != nil {
			return nil, err
		}
		c.size = uint64(n)
		out = append(out, c)
	}
	return out, rows.Err()
}

func (s *stateDB) markChecked(ctx context.Context, size uint64, hash []byte) error {
	_, err := s.db.ExecContext(ctx, `UPDATE checkpoints SET checked = 1 WHERE size = $1 AND hash = $2`, int64(size), hash)
	return err
}

// countSeen returns how many distinct checkpoints the mirror has seen.
func (s *stateDB) countSeen(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM checkpoints`).Scan(&n)
	return n, err
}

// recordSplitView keeps the evidence of a split view.
func (s *stateDB) recordSplitView(ctx context.Context, sv *SplitView) error {
	b, err := json.Marshal(sv)
	if err != nil {
		return err
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO split_views (detected, evidence) VALUES ($1, $2)`, sv.DetectedAt.Format(time.RFC3339Nano), string(b)); err != nil {
		return fmt.Errorf("couldn't keep the evidence of a split view: %w", err)
	}
	return nil
}

// splitView returns the first split view detected, or errNoSplitView.
func (s *stateDB) splitView(ctx context.Context) (*SplitView, error) {
	var b string
	err := s.db.QueryRowContext(ctx, `SELECT evidence FROM split_views ORDER BY id LIMIT 1`).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoSplitView
	}
	if err != nil {
		return nil, fmt.Errorf("couldn't read the evidence of split views: %w", err)
	}
	var sv SplitView
	if err := json.Unmarshal([]byte(b), &sv); err != nil {
		return nil, fmt.Errorf("couldn't read the evidence of a split view: %w", err)
	}
	return &sv, nil
}

var errNoSplitView = errors.New("no split view")
