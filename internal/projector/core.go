package projector

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/record"
	"github.com/kongsi/kongsi/internal/search"
	"github.com/kongsi/kongsi/internal/store"
)

// core is the projection every register has: the records themselves, their
// subjects and references, the parties and the history of their keys, and a
// full-text index.
type core struct{}

var coreSchema = store.Schema{
	Name:   "core",
	Tables: []string{"records", "subjects", "refs", "parties", "keys", "witnesses", "witness_policies"},
	// The tables are the same in both dialects; the full-text index is not.
	Migrations: withWitnesses(withSearch(store.Both(`
CREATE TABLE records (
	idx     INTEGER PRIMARY KEY,
	id      TEXT NOT NULL,
	kind    TEXT NOT NULL,
	subject TEXT NOT NULL,
	author  TEXT NOT NULL,
	time    TEXT NOT NULL,
	version INTEGER NOT NULL,
	summary TEXT NOT NULL,
	body    TEXT NOT NULL,
	refs    TEXT NOT NULL,
	entry   BLOB NOT NULL
) STRICT;
CREATE TABLE subjects (
	subject     TEXT PRIMARY KEY,
	kind        TEXT NOT NULL,
	author      TEXT NOT NULL,
	created_idx INTEGER NOT NULL,
	head_idx    INTEGER NOT NULL,
	versions    INTEGER NOT NULL
) STRICT;
CREATE TABLE refs (
	from_idx INTEGER NOT NULL,
	rel      TEXT NOT NULL,
	to_id    TEXT NOT NULL,
	to_idx   INTEGER NOT NULL,
	PRIMARY KEY (from_idx, rel, to_id)
) STRICT;
CREATE TABLE parties (
	id          TEXT PRIMARY KEY,
	type        TEXT NOT NULL,
	name        TEXT NOT NULL,
	state       TEXT NOT NULL,
	roles       TEXT NOT NULL,
	since_idx   INTEGER NOT NULL,
	updated_idx INTEGER NOT NULL,
	has_key     INTEGER NOT NULL
) STRICT;
CREATE TABLE keys (
	party       TEXT NOT NULL,
	vkey        TEXT NOT NULL,
	fingerprint TEXT NOT NULL,
	from_idx    INTEGER NOT NULL,
	until_idx   INTEGER,
	ended       TEXT,
	PRIMARY KEY (party, from_idx)
) STRICT;
`))),
	Clear: map[store.Dialect][]string{
		store.SQLite:   {`INSERT INTO records_fts (records_fts) VALUES ('delete-all')`},
		store.Postgres: {`DELETE FROM records_search`},
	},
	Indexes: map[store.Dialect][]string{
		store.SQLite: slices.Concat(coreIndexes, []string{
			`CREATE INDEX IF NOT EXISTS records_subject ON records (subject, idx)`,
			`CREATE INDEX IF NOT EXISTS records_author ON records (author, idx)`,
		}),
		store.Postgres: slices.Concat(coreIndexes, []string{
			// text_pattern_ops lets LIKE 'prefix%' use the index.
			`CREATE INDEX IF NOT EXISTS records_subject ON records (subject text_pattern_ops, idx)`,
			`CREATE INDEX IF NOT EXISTS records_author ON records (author text_pattern_ops, idx)`,
			`CREATE INDEX IF NOT EXISTS records_search_tsv ON records_search USING GIN (tsv)`,
		}),
	},
}

// coreIndexes are the reader indexes both dialects write alike.
var coreIndexes = []string{
	`CREATE UNIQUE INDEX IF NOT EXISTS records_id ON records (id)`,
	`CREATE INDEX IF NOT EXISTS records_kind ON records (kind, idx)`,
	`CREATE INDEX IF NOT EXISTS records_time ON records (time, idx)`,
	`CREATE INDEX IF NOT EXISTS subjects_kind ON subjects (kind, head_idx)`,
	`CREATE INDEX IF NOT EXISTS refs_to ON refs (to_idx)`,
}

// withSearch adds the migration that makes the full-text index.
func withSearch(m map[store.Dialect][]string) map[store.Dialect][]string {
	m[store.SQLite] = append(m[store.SQLite], `CREATE VIRTUAL TABLE records_fts USING fts5 (summary, content, content='', tokenize='unicode61 remove_diacritics 2')`)
	m[store.Postgres] = append(m[store.Postgres], `CREATE TABLE records_search (idx BIGINT PRIMARY KEY, tsv TSVECTOR NOT NULL)`)
	return m
}

// withWitnesses adds the migration of the witnesses' tables.
func withWitnesses(m map[store.Dialect][]string) map[store.Dialect][]string {
	const ddl = `
CREATE TABLE witnesses (
	id          TEXT PRIMARY KEY,
	name        TEXT NOT NULL,
	vkey        TEXT NOT NULL,
	fingerprint TEXT NOT NULL,
	url         TEXT NOT NULL,
	description TEXT NOT NULL,
	operator    TEXT NOT NULL,
	since_idx   INTEGER NOT NULL,
	updated_idx INTEGER NOT NULL,
	retired     INTEGER NOT NULL
) STRICT;
CREATE TABLE witness_policies (
	idx       INTEGER PRIMARY KEY,
	quorum    INTEGER NOT NULL,
	witnesses TEXT NOT NULL
) STRICT;
`
	for d, ms := range store.Both(ddl) {
		m[d] = append(m[d], ms...)
	}
	return m
}

func (core) Schema() store.Schema { return coreSchema }
func (core) Kinds() []string      { return nil }

// Prepare encodes the record's refs for the records table.
func (core) Prepare(r *record.Record) (any, error) {
	refs, err := json.Marshal(r.Refs)
	return string(refs), err
}

func (core) Apply(ctx context.Context, tx *store.Tx, a *Applied) error {
	r := a.Record
	refs, ok := a.Prepared.(string)
	if !ok {
		return fmt.Errorf("record %d was not prepared", a.Index)
	}
	if err := tx.Exec(ctx, `INSERT INTO records (idx, id, kind, subject, author, time, version, summary, body, refs, entry) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		int64(a.Index), r.ID.String(), r.Kind, r.Subject, r.Author, r.Time, a.Head.Version, a.Summary, string(r.Body), refs, r.Entry); err != nil {
		return err
	}
	if err := tx.Exec(ctx, `INSERT INTO subjects (subject, kind, author, created_idx, head_idx, versions) VALUES ($1, $2, $3, $4, $4, 1)
		ON CONFLICT (subject) DO UPDATE SET kind = excluded.kind, author = excluded.author, head_idx = excluded.head_idx, versions = subjects.versions + 1`,
		r.Subject, r.Kind, r.Author, int64(a.Index)); err != nil {
		return err
	}
	for _, ref := range r.Refs {
		to, _ := a.State.Seen(ref.ID)
		if err := tx.Exec(ctx, `INSERT INTO refs (from_idx, rel, to_id, to_idx) VALUES ($1, $2, $3, $4)`, int64(a.Index), ref.Rel, ref.ID.String(), int64(to)); err != nil {
			return err
		}
	}
	if err := indexText(ctx, tx, a); err != nil {
		return err
	}
	if a.PartiesBefore != nil {
		return applyParties(ctx, tx, a)
	}
	switch r.Kind {
	case ledger.KindWitnessRegister, ledger.KindWitnessPolicy:
		return applyWitnesses(ctx, tx, a)
	}
	return nil
}

// applyWitnesses writes what a witness record changed: the witness, or the
// witness policy.
func applyWitnesses(ctx context.Context, tx *store.Tx, a *Applied) error {
	w := a.State.Witnesses().Latest()
	if w == nil || w.After != a.Index {
		return fmt.Errorf("logic error: the witness record %d did not change the witnesses", a.Index)
	}
	if a.Record.Kind == ledger.KindWitnessPolicy {
		ids, _ := json.Marshal(append([]string{}, w.Policy.Witnesses...))
		return tx.Exec(ctx, `INSERT INTO witness_policies (idx, quorum, witnesses) VALUES ($1, $2, $3)`, int64(a.Index), w.Policy.Quorum, string(ids))
	}
	rw := w.ByID[strings.TrimPrefix(a.Record.Subject, "witnesses/")]
	retired := 0
	if rw.Retired {
		retired = 1
	}
	return tx.Exec(ctx, `INSERT INTO witnesses (id, name, vkey, fingerprint, url, description, operator, since_idx, updated_idx, retired) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, vkey = excluded.vkey, fingerprint = excluded.fingerprint, url = excluded.url,
		description = excluded.description, updated_idx = excluded.updated_idx, retired = excluded.retired`,
		rw.ID, rw.Name, rw.Key.String(), rw.Key.Fingerprint(), rw.URL, rw.Description, rw.Operator, int64(rw.Since), int64(a.Index), retired)
}

// searchText is what the full-text index holds of a record: its subject,
// author and every string in its body, segmented for the index.
func searchText(r *record.Record) string {
	var b strings.Builder
	b.WriteString(r.Subject)
	b.WriteString("\n")
	b.WriteString(r.Author)
	b.WriteString("\n")
	collectStrings(&b, r.BodyValue)
	return search.Segment(b.String())
}

// indexText adds the record to the full-text index.
func indexText(ctx context.Context, tx *store.Tx, a *Applied) error {
	switch tx.Dialect() {
	case store.SQLite:
		return tx.Exec(ctx, `INSERT INTO records_fts (rowid, summary, content) VALUES ($1, $2, $3)`, int64(a.Index), a.SummaryText, a.Text)
	case store.Postgres:
		return tx.Exec(ctx, `INSERT INTO records_search (idx, tsv) VALUES ($1, to_tsvector('simple', $2))`, int64(a.Index), a.SummaryText+"\n"+a.Text)
	default:
		return fmt.Errorf("no full-text index for the %s dialect", tx.Dialect())
	}
}

func collectStrings(b *strings.Builder, v any) {
	switch v := v.(type) {
	case string:
		b.WriteString(v)
		b.WriteString("\n")
	case []any:
		for _, e := range v {
			collectStrings(b, e)
		}
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(v)) {
			collectStrings(b, v[k])
		}
	}
}

// applyParties writes the parties a party record changed, and the history
// of their keys.
func applyParties(ctx context.Context, tx *store.Tx, a *Applied) error {
	for _, p := range a.State.Parties() {
		old := a.PartiesBefore[p.ID]
		if old == p {
			continue
		}
		roles, _ := json.Marshal(append([]string{}, p.Roles...))
		hasKey := 0
		if p.Key != nil {
			hasKey = 1
		}
		if err := tx.Exec(ctx, `INSERT INTO parties (id, type, name, state, roles, since_idx, updated_idx, has_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (id) DO UPDATE SET name = excluded.name, roles = excluded.roles, updated_idx = excluded.updated_idx, has_key = excluded.has_key`,
			p.ID, p.Type, p.Name, p.State, string(roles), int64(p.Since), int64(a.Index), hasKey); err != nil {
			return err
		}
		oldKey, newKey := "", ""
		if old != nil && old.Key != nil {
			oldKey = old.Key.String()
		}
		if p.Key != nil {
			newKey = p.Key.String()
		}
		if oldKey == newKey {
			continue
		}
		if oldKey != "" {
			if err := tx.Exec(ctx, `UPDATE keys SET until_idx = $1, ended = $2 WHERE party = $3 AND until_idx IS NULL`,
				int64(a.Index), keyEnd(a.Record.Kind, p.Key), p.ID); err != nil {
				return err
			}
		}
		if newKey != "" {
			if err := tx.Exec(ctx, `INSERT INTO keys (party, vkey, fingerprint, from_idx) VALUES ($1, $2, $3, $4)`,
				p.ID, newKey, p.Key.Fingerprint(), int64(a.Index)); err != nil {
				return err
			}
		}
	}
	return nil
}
