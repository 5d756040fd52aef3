// Package browse answers questions about the core projection: the records,
// their subjects and references, the parties and their keys. Pages and the
// API read through it.
package browse

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/record"
	"github.com/kongsi/kongsi/internal/search"
	"github.com/kongsi/kongsi/internal/store"
)

// Record is a record as the store keeps it.
type Record struct {
	Index   uint64          `json:"index"`
	ID      string          `json:"id"`
	Kind    string          `json:"kind"`
	Subject string          `json:"subject"`
	Author  string          `json:"author"`
	Time    string          `json:"time"`
	Version int             `json:"version"`
	Summary string          `json:"summary"`
	Body    json.RawMessage `json:"body"`
	Refs    []record.Ref    `json:"refs"`
	Entry   []byte          `json:"-"`
}

// Query selects records. Zero fields select everything.
type Query struct {
	Kind    string    // exact kind, or a prefix ending in "." ("key.")
	Author  string    // a party, or a state: "khm" selects all its authorities
	Subject string    // exact subject, or a prefix ending in "/"
	From    time.Time // envelope time at or after
	To      time.Time // envelope time before
	Text    string    // words that must all appear
	Before  uint64    // only records with a smaller index (for paging); 0 for none
	Limit   int       // at most this many; 50 by default, 1000 at most
}

// MaxLimit is the largest page.
const MaxLimit = 1000

func (q *Query) where(d store.Dialect) (string, []any, error) {
	var conds []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	switch {
	case strings.HasSuffix(q.Kind, "."):
		conds = append(conds, "r.kind LIKE "+arg(likePrefix(q.Kind))+" ESCAPE '\\'")
	case q.Kind != "":
		conds = append(conds, "r.kind = "+arg(q.Kind))
	}
	switch {
	case q.Author != "" && !strings.Contains(q.Author, "."):
		a := arg(q.Author)
		conds = append(conds, fmt.Sprintf("(r.author = %s OR r.author LIKE %s || '.%%')", a, a))
	case q.Author != "":
		conds = append(conds, "r.author = "+arg(q.Author))
	}
	switch {
	case strings.HasSuffix(q.Subject, "/"):
		conds = append(conds, "r.subject LIKE "+arg(likePrefix(q.Subject))+" ESCAPE '\\'")
	case q.Subject != "":
		conds = append(conds, "r.subject = "+arg(q.Subject))
	}
	if !q.From.IsZero() {
		conds = append(conds, "r.time >= "+arg(record.FormatTime(q.From)))
	}
	if !q.To.IsZero() {
		conds = append(conds, "r.time < "+arg(record.FormatTime(q.To)))
	}
	if q.Before > 0 {
		conds = append(conds, "r.idx < "+arg(int64(q.Before)))
	}
	if q.Text != "" {
		terms := search.Terms(q.Text)
		if len(terms) > search.MaxTerms {
			return "", nil, problem.Invalid("q", "search.terms", "a search may have at most %d words", search.MaxTerms)
		}
		switch {
		case len(terms) == 0:
			conds = append(conds, "FALSE")
		case d == store.Postgres:
			conds = append(conds, "r.idx IN (SELECT idx FROM records_search WHERE tsv @@ to_tsquery('simple', "+arg(search.TSQuery(terms))+"))")
		default:
			conds = append(conds, "r.idx IN (SELECT rowid FROM records_fts WHERE records_fts MATCH "+arg(search.FTS5(terms))+")")
		}
	}
	if len(conds) == 0 {
		return "", args, nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args, nil
}

func likePrefix(p string) string { return escapeLike(p) + "%" }

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

const recordColumns = `r.idx, r.id, r.kind, r.subject, r.author, r.time, r.version, r.summary, r.body, r.refs, r.entry`

func scanRecord(s interface{ Scan(...any) error }) (*Record, error) {
	var r Record
	var idx int64
	var body, refs string
	if err := s.Scan(&idx, &r.ID, &r.Kind, &r.Subject, &r.Author, &r.Time, &r.Version, &r.Summary, &body, &refs, &r.Entry); err != nil {
		return nil, err
	}
	r.Index = uint64(idx)
	r.Body = json.RawMessage(body)
	if err := json.Unmarshal([]byte(refs), &r.Refs); err != nil {
		return nil, fmt.Errorf("couldn't read the refs of record %d: %w", idx, err)
	}
	return &r, nil
}

// Records lists the records a query selects, newest first.
func Records(ctx context.Context, st store.Store, q Query) ([]*Record, error) {
	where, args, err := q.where(st.Dialect())
	if err != nil {
		return nil, err
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, MaxLimit)
	return queryRecords(ctx, st, "records", `SELECT `+recordColumns+` FROM records r`+where+fmt.Sprintf(` ORDER BY r.idx DESC LIMIT %d`, limit), args...)
}

// Count counts the records a query selects, ignoring Before and Limit.
func Count(ctx context.Context, st store.Store, q Query) (int, error) {
	q.Before = 0
	where, args, err := q.where(st.Dialect())
	if err != nil {
		return 0, err
	}
	var n int
	if err := st.Reader().QueryRowContext(ctx, `SELECT count(*) FROM records r`+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("couldn't count records: %w", err)
	}
	return n, nil
}

// ByIndex returns the record at an index.
func ByIndex(ctx context.Context, st store.Store, index uint64) (*Record, error) {
	r, err := scanRecord(st.Reader().QueryRowContext(ctx, `SELECT `+recordColumns+` FROM records r WHERE r.idx = $1`, int64(index)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, problem.NotFound("index", "record.unknown", "there is no record at index %d yet", index)
	}
	return r, err
}

// ByID returns the record with an ID.
func ByID(ctx context.Context, st store.Store, id record.ID) (*Record, error) {
	r, err := scanRecord(st.Reader().QueryRowContext(ctx, `SELECT `+recordColumns+` FROM records r WHERE r.id = $1`, id.String()))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, problem.NotFound("id", "record.unknown", "there is no record with ID %s", id)
	}
	return r, err
}

// History lists the versions of a subject, oldest first.
func History(ctx context.Context, st store.Store, subject string) ([]*Record, error) {
	return queryRecords(ctx, st, "the history of "+subject, `SELECT `+recordColumns+` FROM records r WHERE r.subject = $1 ORDER BY r.idx`, subject)
}

// ReferencedBy lists the records that refer to the record at index.
func ReferencedBy(ctx context.Context, st store.Store, index uint64) ([]*Record, error) {
	return queryRecords(ctx, st, fmt.Sprintf("the references to %d", index), `SELECT `+recordColumns+` FROM records r JOIN refs f ON f.from_idx = r.idx WHERE f.to_idx = $1 ORDER BY r.idx`, int64(index))
}

// queryRecords runs a query selecting recordColumns.
func queryRecords(ctx context.Context, st store.Store, what, query string, args ...any) ([]*Record, error) {
	rows, err := st.Reader().QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("couldn't read %s: %w", what, err)
	}
	defer rows.Close()
	var out []*Record
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Party is a party as the store keeps it.
type Party struct {
	ID      string   `json:"id"`
	Type    string   `json:"type"`
	Name    string   `json:"name"`
	State   string   `json:"state,omitempty"`
	Roles   []string `json:"roles"`
	Since   uint64   `json:"since_index"`
	Updated uint64   `json:"updated_index"`
	HasKey  bool     `json:"has_key"`
	Key     *Key     `json:"key,omitempty"` // the current key, if any
}

// Key is a key a party held, from one index until another.
type Key struct {
	Party       string  `json:"party"`
	VKey        string  `json:"vkey"`
	Fingerprint string  `json:"fingerprint"`
	From        uint64  `json:"from_index"`
	Until       *uint64 `json:"until_index,omitempty"` // nil while current
	Ended       string  `json:"ended,omitempty"`       // rotated, revoked, replaced, retired
}

const partyColumns = `p.id, p.type, p.name, p.state, p.roles, p.since_idx, p.updated_idx, p.has_key`

func scanParty(s interface{ Scan(...any) error }) (*Party, error) {
	var p Party
	var roles string
	var since, updated int64
	var hasKey int
	if err := s.Scan(&p.ID, &p.Type, &p.Name, &p.State, &roles, &since, &updated, &hasKey); err != nil {
		return nil, err
	}
	p.Since, p.Updated, p.HasKey = uint64(since), uint64(updated), hasKey == 1
	if p.Type == "organisation" {
		p.State = ""
	}
	return &p, json.Unmarshal([]byte(roles), &p.Roles)
}

// Parties lists every party, states first, then authorities grouped under
// their states, then organisations.
func Parties(ctx context.Context, st store.Store) ([]*Party, error) {
	rows, err := st.Reader().QueryContext(ctx, `SELECT `+partyColumns+` FROM parties p ORDER BY CASE p.type WHEN 'organisation' THEN 1 ELSE 0 END, p.state, CASE p.type WHEN 'state' THEN 0 ELSE 1 END, p.id`)
	if err != nil {
		return nil, fmt.Errorf("couldn't list parties: %w", err)
	}
	defer rows.Close()
	var out []*Party
	for rows.Next() {
		p, err := scanParty(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	keys, err := currentKeys(ctx, st)
	if err != nil {
		return nil, err
	}
	for _, p := range out {
		p.Key = keys[p.ID]
	}
	return out, nil
}

// GetParty returns one party with its current key.
func GetParty(ctx context.Context, st store.Store, id string) (*Party, error) {
	p, err := scanParty(st.Reader().QueryRowContext(ctx, `SELECT `+partyColumns+` FROM parties p WHERE p.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, problem.NotFound("id", "party.unknown", "there is no party %q", id)
	}
	if err != nil {
		return nil, err
	}
	keys, err := Keys(ctx, st, id)
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		if k.Until == nil {
			p.Key = k
		}
	}
	return p, nil
}

// Keys lists the keys a party has held, oldest first.
func Keys(ctx context.Context, st store.Store, party string) ([]*Key, error) {
	return queryKeys(ctx, st, `WHERE party = $1 ORDER BY from_idx`, party)
}

func currentKeys(ctx context.Context, st store.Store) (map[string]*Key, error) {
	ks, err := queryKeys(ctx, st, `WHERE until_idx IS NULL`)
	if err != nil {
		return nil, err
	}
	m := map[string]*Key{}
	for _, k := range ks {
		m[k.Party] = k
	}
	return m, nil
}

func queryKeys(ctx context.Context, st store.Store, where string, args ...any) ([]*Key, error) {
	rows, err := st.Reader().QueryContext(ctx, `SELECT party, vkey, fingerprint, from_idx, until_idx, ended FROM keys `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("couldn't read keys: %w", err)
	}
	defer rows.Close()
	var out []*Key
	for rows.Next() {
		var k Key
		var from int64
		var until sql.NullInt64
		var ended sql.NullString
		if err := rows.Scan(&k.Party, &k.VKey, &k.Fingerprint, &from, &until, &ended); err != nil {
			return nil, err
		}
		k.From, k.Ended = uint64(from), ended.String
		if until.Valid {
			u := uint64(until.Int64)
			k.Until = &u
		}
		out = append(out, &k)
	}
	return out, rows.Err()
}

// KindCount is how many records of a kind there are.
type KindCount struct {
	Kind  string `json:"kind"`
	Count int    `json:"count"`
}

// CountByKind counts the records of each kind.
func CountByKind(ctx context.Context, st store.Store) ([]KindCount, error) {
	rows, err := st.Reader().QueryContext(ctx, `SELECT kind, count(*) FROM records GROUP BY kind ORDER BY count(*) DESC, kind`)
	if err != nil {
		return nil, fmt.Errorf("couldn't count records: %w", err)
	}
	defer rows.Close()
	var out []KindCount
	for rows.Next() {
		var c KindCount
		if err := rows.Scan(&c.Kind, &c.Count); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CountByAuthor counts the records of each kind by an author (or, for a
// state, by its authorities).
func CountByAuthor(ctx context.Context, st store.Store, author string) ([]KindCount, error) {
	q := Query{Author: author}
	where, args, err := q.where(st.Dialect())
	if err != nil {
		return nil, err
	}
	rows, err := st.Reader().QueryContext(ctx, `SELECT r.kind, count(*) FROM records r`+where+` GROUP BY r.kind ORDER BY count(*) DESC, r.kind`, args...)
	if err != nil {
		return nil, fmt.Errorf("couldn't count records: %w", err)
	}
	defer rows.Close()
	out := []KindCount{}
	for rows.Next() {
		var c KindCount
		if err := rows.Scan(&c.Kind, &c.Count); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// MonthCount is how many records were logged in a month.
type MonthCount struct {
	Month string `json:"month"` // 2025-04
	Count int    `json:"count"`
}

// CountByMonth counts records by the month of their envelope time.
func CountByMonth(ctx context.Context, st store.Store) ([]MonthCount, error) {
	rows, err := st.Reader().QueryContext(ctx, `SELECT substr(time, 1, 7) AS m, count(*) FROM records GROUP BY m ORDER BY m`)
	if err != nil {
		return nil, fmt.Errorf("couldn't count records: %w", err)
	}
	defer rows.Close()
	var out []MonthCount
	for rows.Next() {
		var c MonthCount
		if err := rows.Scan(&c.Month, &c.Count); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
