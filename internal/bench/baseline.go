package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kongsi/kongsi/internal/search"
	"github.com/kongsi/kongsi/internal/store"
)

// BareSQLite is the baseline of a rebuild: SQLite writing the rows that a
// rebuild wrote into src (every projection table's, and a full-text index
// entry for each record, of its summary and body), and nothing else. The
// rows are read into memory first; then, timed, they are written into a
// fresh SQLite store the way the projector writes, with the store's
// prepared statements in transactions of as many rows as a rebuild's
// batches hold, the reader indexes dropped meanwhile and built at the end.
// records is the number of records the rows stand for.
func BareSQLite(ctx context.Context, src store.Store, schemas []store.Schema, records int) (Throughput, error) {
	tmp, err := os.MkdirTemp("", "kongsi-bare-sqlite-")
	if err != nil {
		return Throughput{}, err
	}
	defer os.RemoveAll(tmp)
	return bareSQLite(ctx, src, schemas, records, filepath.Join(tmp, "bare.db"))
}

// bareSQLite is BareSQLite, writing the SQLite file at path.
func bareSQLite(ctx context.Context, src store.Store, schemas []store.Schema, records int, path string) (Throughput, error) {
	type table struct {
		insert string
		rows   [][]any
	}
	var tables []table
	total := 0
	for _, s := range schemas {
		for _, name := range s.Tables {
			rows, ncols, err := readRows(ctx, src, "SELECT * FROM "+name)
			if err != nil {
				return Throughput{}, err
			}
			marks := make([]string, ncols)
			for i := range marks {
				marks[i] = fmt.Sprintf("$%d", i+1)
			}
			tables = append(tables, table{fmt.Sprintf("INSERT INTO %s VALUES (%s)", name, strings.Join(marks, ", ")), rows})
			total += len(rows)
		}
	}
	text, _, err := readRows(ctx, src, "SELECT idx, summary, body FROM records")
	if err != nil {
		return Throughput{}, err
	}
	for _, r := range text {
		r[1], r[2] = search.Segment(r[1].(string)), search.Segment(r[2].(string))
	}
	tables = append(tables, table{"INSERT INTO records_fts (rowid, summary, content) VALUES ($1, $2, $3)", text})
	total += len(text)

	dst, err := store.OpenSQLite(ctx, path, schemas)
	if err != nil {
		return Throughput{}, err
	}
	defer dst.Close()
	bulk := dst.(store.BulkLoader)
	// As many rows in a transaction as a rebuild's batch of records holds.
	perTx := max(1, rebuildBatch*total/max(1, records))
	start := time.Now()
	if err := bulk.BulkLoad(ctx, true); err != nil {
		return Throughput{}, err
	}
	var pending []func(tx *store.Tx) error
	flush := func() error {
		err := dst.Apply(ctx, 0, 0, func(tx *store.Tx) error {
			for _, f := range pending {
				if err := f(tx); err != nil {
					return err
				}
			}
			return nil
		})
		pending = pending[:0]
		return err
	}
	for _, t := range tables {
		for _, r := range t.rows {
			pending = append(pending, func(tx *store.Tx) error { return tx.Exec(ctx, t.insert, r...) })
			if len(pending) == perTx {
				if err := flush(); err != nil {
					return Throughput{}, err
				}
			}
		}
	}
	if err := flush(); err != nil {
		return Throughput{}, err
	}
	if err := bulk.BulkLoad(ctx, false); err != nil {
		return Throughput{}, err
	}
	return Throughput{N: records, Duration: time.Since(start)}, nil
}

// readRows reads the rows of a query into memory.
func readRows(ctx context.Context, st store.Store, query string) ([][]any, int, error) {
	rows, err := st.Reader().QueryContext(ctx, query)
	if err != nil {
		return nil, 0, fmt.Errorf("couldn't read the rebuilt store: %w", err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, 0, err
	}
	var out [][]any
	for rows.Next() {
		r := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range r {
			ptrs[i] = &r[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, 0, err
		}
		out = append(out, r)
	}
	return out, len(cols), rows.Err()
}
