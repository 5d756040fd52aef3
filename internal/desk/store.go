package desk

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"time"

	_ "modernc.org/sqlite" // the database/sql driver "sqlite"
)

// Store keeps the desk's state in one SQLite file: the accounts of the
// officials who use it, their sessions, the drafts, and the audit trail.
// Every change is one transaction; the file can be copied while the desk is
// stopped.
type Store struct {
	db *sql.DB
}

// ErrNotFound is returned when a row does not exist.
var ErrNotFound = errors.New("not found")

// migrations bring the database up to date, one transaction each; the
// database's user_version counts those applied.
var migrations = []string{`
CREATE TABLE accounts (
	id            INTEGER PRIMARY KEY,
	username      TEXT NOT NULL UNIQUE,
	name          TEXT NOT NULL,
	role          TEXT NOT NULL CHECK (role IN ('submitter', 'drafter')),
	password_hash TEXT NOT NULL,
	created_at    TEXT NOT NULL,
	disabled      INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE TABLE sessions (
	token_hash BLOB PRIMARY KEY,
	account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	csrf       TEXT NOT NULL,
	created_at TEXT NOT NULL,
	last_seen  TEXT NOT NULL,
	expires_at TEXT NOT NULL
) STRICT;
CREATE INDEX sessions_account ON sessions(account_id);
CREATE TABLE drafts (
	id           INTEGER PRIMARY KEY,
	kind         TEXT NOT NULL,
	subject      TEXT NOT NULL,
	form         TEXT NOT NULL,
	base_id      TEXT NOT NULL,
	base_version INTEGER NOT NULL,
	created_by   TEXT NOT NULL,
	created_at   TEXT NOT NULL,
	updated_by   TEXT NOT NULL,
	updated_at   TEXT NOT NULL,
	status       TEXT NOT NULL CHECK (status IN ('draft', 'submitted')),
	pending      TEXT NOT NULL DEFAULT '',
	pending_at   TEXT NOT NULL DEFAULT '',
	signed       TEXT NOT NULL DEFAULT '',
	refusal      TEXT NOT NULL DEFAULT '',
	record_index INTEGER,
	record_id    TEXT NOT NULL DEFAULT '',
	entry        TEXT NOT NULL DEFAULT '',
	checkpoint   TEXT NOT NULL DEFAULT '',
	proof        TEXT NOT NULL DEFAULT '',
	submitted_by TEXT NOT NULL DEFAULT '',
	submitted_at TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX drafts_status ON drafts(status, updated_at);
CREATE TABLE audit (
	id           INTEGER PRIMARY KEY,
	at           TEXT NOT NULL,
	username     TEXT NOT NULL,
	action       TEXT NOT NULL,
	draft_id     INTEGER,
	kind         TEXT NOT NULL DEFAULT '',
	subject      TEXT NOT NULL DEFAULT '',
	record_id    TEXT NOT NULL DEFAULT '',
	record_index INTEGER,
	detail       TEXT NOT NULL DEFAULT ''
) STRICT;
`}

// OpenStore opens (creating if need be) the desk's database at path and
// brings it up to date.
func OpenStore(ctx context.Context, path string) (*Store, error) {
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(ON)"} {
		q.Add("_pragma", p)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode()+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("couldn't open %s: %w", path, err)
	}
	// One connection: the desk's load is a few officials, and one writer
	// keeps SQLite simple.
	db.SetMaxOpenConns(1)
	s := &Store{db: db}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("couldn't prepare %s: %w", path, err)
	}
	return s, nil
}

func (s *Store) migrate(ctx context.Context) error {
	var version int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return err
	}
	if version > len(migrations) {
		return fmt.Errorf("the database is of a newer desk (version %d; this desk knows %d)", version, len(migrations))
	}
	for i := version; i < len(migrations); i++ {
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, migrations[i]); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %d: %w", i+1, err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", i+1)); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

const timeLayout = time.RFC3339Nano

func fmtTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) time.Time {
	t, _ := time.Parse(timeLayout, s)
	return t
}

// Account is an official who may use the desk.
type Account struct {
	ID       int64
	Username string
	Name     string
	Role     string // RoleSubmitter or RoleDrafter
	Hash     string // the password's hash, in the PHC string format
	Created  time.Time
	Disabled bool
}

// Roles on the desk.
const (
	RoleSubmitter = "submitter" // drafts, signs and submits
	RoleDrafter   = "drafter"   // drafts only
)

// MaySubmit reports whether the account may sign and submit records.
func (a *Account) MaySubmit() bool { return a.Role == RoleSubmitter }

// ErrAccountExists is returned when a username is taken.
var ErrAccountExists = errors.New("an account of that name exists")

// AddAccount adds an account.
func (s *Store) AddAccount(ctx context.Context, a *Account) error {
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM accounts WHERE username = $1", a.Username).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return ErrAccountExists
	}
	res, err := s.db.ExecContext(ctx, "INSERT INTO accounts (username, name, role, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
		a.Username, a.Name, a.Role, a.Hash, fmtTime(a.Created))
	if err != nil {
		return fmt.Errorf("couldn't add the account: %w", err)
	}
	a.ID, err = res.LastInsertId()
	return err
}

// SetPassword changes an account's password hash and ends its sessions.
func (s *Store) SetPassword(ctx context.Context, username, hash string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, "UPDATE accounts SET password_hash = $1 WHERE username = $2", hash, username)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE account_id = (SELECT id FROM accounts WHERE username = $1)", username); err != nil {
		return err
	}
	return tx.Commit()
}

// SetDisabled disables or enables an account; disabling ends its sessions.
func (s *Store) SetDisabled(ctx context.Context, username string, disabled bool) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, "UPDATE accounts SET disabled = $1 WHERE username = $2", disabled, username)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	if disabled {
		if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE account_id = (SELECT id FROM accounts WHERE username = $1)", username); err != nil {
			return err
		}
	}
	return tx.Commit()
}

const accountCols = "id, username, name, role, password_hash, created_at, disabled"

func scanAccount(row interface{ Scan(...any) error }) (*Account, error) {
	a := &Account{}
	var created string
	if err := row.Scan(&a.ID, &a.Username, &a.Name, &a.Role, &a.Hash, &created, &a.Disabled); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	a.Created = parseTime(created)
	return a, nil
}

// AccountByUsername finds an account.
func (s *Store) AccountByUsername(ctx context.Context, username string) (*Account, error) {
	return scanAccount(s.db.QueryRowContext(ctx, "SELECT "+accountCols+" FROM accounts WHERE username = $1", username))
}

// Accounts lists the accounts by username.
func (s *Store) Accounts(ctx context.Context) ([]*Account, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+accountCols+" FROM accounts ORDER BY username")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Account
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Session is a signed-in official's session.
type Session struct {
	Account *Account
	CSRF    string
	Expires time.Time
	hash    []byte
}

// CreateSession stores a session, by the hash of its token.
func (s *Store) CreateSession(ctx context.Context, hash []byte, accountID int64, csrf string, now, expires time.Time) error {
	_, err := s.db.ExecContext(ctx, "INSERT INTO sessions (token_hash, account_id, csrf, created_at, last_seen, expires_at) VALUES ($1, $2, $3, $4, $4, $5)",
		hash, accountID, csrf, fmtTime(now), fmtTime(expires))
	return err
}

// SessionByHash finds a live session and its account, and, when it is
// found, records that it was seen at now.
func (s *Store) SessionByHash(ctx context.Context, hash []byte, now time.Time, idle time.Duration) (*Session, error) {
	row := s.db.QueryRowContext(ctx, "SELECT s.csrf, s.expires_at, s.last_seen, a."+
		"id, a.username, a.name, a.role, a.password_hash, a.created_at, a.disabled FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = $1", hash)
	a := &Account{}
	var csrf, expires, lastSeen, created string
	if err := row.Scan(&csrf, &expires, &lastSeen, &a.ID, &a.Username, &a.Name, &a.Role, &a.Hash, &created, &a.Disabled); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	a.Created = parseTime(created)
	exp := parseTime(expires)
	if a.Disabled || !now.Before(exp) || !now.Before(parseTime(lastSeen).Add(idle)) {
		if _, err := s.db.ExecContext(ctx, "DELETE FROM sessions WHERE token_hash = $1", hash); err != nil {
			return nil, err
		}
		return nil, ErrNotFound
	}
	if _, err := s.db.ExecContext(ctx, "UPDATE sessions SET last_seen = $1 WHERE token_hash = $2", fmtTime(now), hash); err != nil {
		return nil, err
	}
	return &Session{Account: a, CSRF: csrf, Expires: exp, hash: hash}, nil
}

// DeleteSession ends a session.
func (s *Store) DeleteSession(ctx context.Context, hash []byte) error {
	_, err := s.db.ExecContext(ctx, "DELETE FROM sessions WHERE token_hash = $1", hash)
	return err
}

// DeleteExpiredSessions removes sessions that ended before now, or that
// have been idle longer than idle.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time, idle time.Duration) error {
	_, err := s.db.ExecContext(ctx, "DELETE FROM sessions WHERE expires_at <= $1 OR last_seen <= $2", fmtTime(now), fmtTime(now.Add(-idle)))
	return err
}

// Refusal is a register's refusal of a record, as its API gave it.
type Refusal struct {
	Status  int    `json:"status"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field"`
	Rule    string `json:"rule"`
	// Unreachable is set when the register did not answer: the record may
	// or may not be stored, and submitting it again is safe.
	Unreachable bool      `json:"unreachable"`
	At          time.Time `json:"at"`
}

// Draft is a record being written, and, once submitted, what the register
// answered.
type Draft struct {
	ID      int64
	Kind    string
	Subject string
	// Form holds the form's values: the body's fields, the references.
	Form url.Values
	// BaseID is the ID of the subject's version the draft was begun from,
	// "" for a new subject; BaseVersion is its version number.
	BaseID      string
	BaseVersion int
	CreatedBy   string
	CreatedAt   time.Time
	UpdatedBy   string
	UpdatedAt   time.Time
	Status      string // DraftOpen or DraftSubmitted
	// Pending is the note text shown for confirmation, and PendingAt when.
	Pending   string
	PendingAt time.Time
	// Signed is a signed record whose submission got no answer.
	Signed  string
	Refusal *Refusal
	// Once submitted:
	Index       *uint64
	RecordID    string
	Entry       string
	Checkpoint  string
	Proof       string
	SubmittedBy string
	SubmittedAt time.Time
}

// Draft statuses.
const (
	DraftOpen      = "draft"
	DraftSubmitted = "submitted"
)

const draftCols = "id, kind, subject, form, base_id, base_version, created_by, created_at, updated_by, updated_at, status, pending, pending_at, signed, refusal, record_index, record_id, entry, checkpoint, proof, submitted_by, submitted_at"

func scanDraft(row interface{ Scan(...any) error }) (*Draft, error) {
	d := &Draft{}
	var form, created, updated, pendingAt, refusal, submittedAt string
	var index sql.NullInt64
	err := row.Scan(&d.ID, &d.Kind, &d.Subject, &form, &d.BaseID, &d.BaseVersion, &d.CreatedBy, &created, &d.UpdatedBy, &updated, &d.Status,
		&d.Pending, &pendingAt, &d.Signed, &refusal, &index, &d.RecordID, &d.Entry, &d.Checkpoint, &d.Proof, &d.SubmittedBy, &submittedAt)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	if d.Form, err = parseFormJSON(form); err != nil {
		return nil, fmt.Errorf("couldn't read draft %d: %w", d.ID, err)
	}
	d.CreatedAt, d.UpdatedAt, d.PendingAt, d.SubmittedAt = parseTime(created), parseTime(updated), parseTime(pendingAt), parseTime(submittedAt)
	if refusal != "" {
		d.Refusal = &Refusal{}
		if err := json.Unmarshal([]byte(refusal), d.Refusal); err != nil {
			return nil, fmt.Errorf("couldn't read draft %d: %w", d.ID, err)
		}
	}
	if index.Valid {
		i := uint64(index.Int64)
		d.Index = &i
	}
	return d, nil
}

// CreateDraft stores a new draft.
func (s *Store) CreateDraft(ctx context.Context, d *Draft) error {
	res, err := s.db.ExecContext(ctx, "INSERT INTO drafts (kind, subject, form, base_id, base_version, created_by, created_at, updated_by, updated_at, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $6, $7, $8)",
		d.Kind, d.Subject, formJSON(d.Form), d.BaseID, d.BaseVersion, d.CreatedBy, fmtTime(d.CreatedAt), DraftOpen)
	if err != nil {
		return fmt.Errorf("couldn't store the draft: %w", err)
	}
	d.ID, err = res.LastInsertId()
	d.UpdatedBy, d.UpdatedAt, d.Status = d.CreatedBy, d.CreatedAt, DraftOpen
	return err
}

// UpdateDraft stores a draft's new content. What was shown for confirmation
// no longer stands, nor does a signed record not yet submitted.
func (s *Store) UpdateDraft(ctx context.Context, d *Draft) error {
	return s.exec(ctx, "UPDATE drafts SET subject = $1, form = $2, base_id = $3, base_version = $4, updated_by = $5, updated_at = $6, pending = '', pending_at = '', signed = '' WHERE id = $7 AND status = 'draft'",
		d.Subject, formJSON(d.Form), d.BaseID, d.BaseVersion, d.UpdatedBy, fmtTime(d.UpdatedAt), d.ID)
}

// SetPending records the note text shown for confirmation.
func (s *Store) SetPending(ctx context.Context, id int64, text string, at time.Time) error {
	return s.exec(ctx, "UPDATE drafts SET pending = $1, pending_at = $2 WHERE id = $3 AND status = 'draft'", text, fmtTime(at), id)
}

// SetSigned records a signed record about to be submitted, so that a
// submission that gets no answer can be repeated with the same record.
func (s *Store) SetSigned(ctx context.Context, id int64, entry string) error {
	return s.exec(ctx, "UPDATE drafts SET signed = $1 WHERE id = $2 AND status = 'draft'", entry, id)
}

// SetRefusal records the register's refusal; the draft stays a draft. A
// refused record is not in the log: the signed record is dropped, unless
// the register did not answer.
func (s *Store) SetRefusal(ctx context.Context, id int64, r *Refusal) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if r.Unreachable {
		return s.exec(ctx, "UPDATE drafts SET refusal = $1 WHERE id = $2 AND status = 'draft'", string(b), id)
	}
	return s.exec(ctx, "UPDATE drafts SET refusal = $1, signed = '', pending = '', pending_at = '' WHERE id = $2 AND status = 'draft'", string(b), id)
}

// MarkSubmitted records that the register took the draft's record.
func (s *Store) MarkSubmitted(ctx context.Context, d *Draft) error {
	return s.exec(ctx, "UPDATE drafts SET status = 'submitted', record_index = $1, record_id = $2, entry = $3, checkpoint = $4, proof = $5, submitted_by = $6, submitted_at = $7, pending = '', pending_at = '', signed = '', refusal = '' WHERE id = $8 AND status = 'draft'",
		int64(*d.Index), d.RecordID, d.Entry, d.Checkpoint, d.Proof, d.SubmittedBy, fmtTime(d.SubmittedAt), d.ID)
}

// SetProof records the proof of a submitted record, once published.
func (s *Store) SetProof(ctx context.Context, id int64, checkpoint, proof string) error {
	return s.exec(ctx, "UPDATE drafts SET checkpoint = $1, proof = $2 WHERE id = $3 AND status = 'submitted'", checkpoint, proof, id)
}

// DeleteDraft deletes a draft that was not submitted.
func (s *Store) DeleteDraft(ctx context.Context, id int64) error {
	return s.exec(ctx, "DELETE FROM drafts WHERE id = $1 AND status = 'draft'", id)
}

func (s *Store) exec(ctx context.Context, q string, args ...any) error {
	res, err := s.db.ExecContext(ctx, q, args...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// GetDraft reads a draft.
func (s *Store) GetDraft(ctx context.Context, id int64) (*Draft, error) {
	return scanDraft(s.db.QueryRowContext(ctx, "SELECT "+draftCols+" FROM drafts WHERE id = $1", id))
}

// Drafts lists the drafts of a status, the latest changed first.
func (s *Store) Drafts(ctx context.Context, status string, limit int) ([]*Draft, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+draftCols+" FROM drafts WHERE status = $1 ORDER BY updated_at DESC, id DESC LIMIT $2", status, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Draft
	for rows.Next() {
		d, err := scanDraft(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// AuditEntry is one line of the audit trail: who did what, when.
type AuditEntry struct {
	ID       int64
	At       time.Time
	Username string
	Action   string
	DraftID  int64 // 0 for none
	Kind     string
	Subject  string
	RecordID string
	Index    *uint64
	Detail   string
}

// Audit actions.
const (
	AuditSignIn       = "sign-in"
	AuditSignInFailed = "sign-in-failed"
	AuditSignOut      = "sign-out"
	AuditDraftCreate  = "draft-create"
	AuditDraftEdit    = "draft-edit"
	AuditDraftDelete  = "draft-delete"
	AuditSign         = "sign"
	AuditSubmit       = "submit"
	AuditRefused      = "refused"
	AuditUnanswered   = "unanswered"
	AuditAccountAdd   = "account-add"
	AuditPassword     = "password-change"
	AuditDisable      = "account-disable"
	AuditEnable       = "account-enable"
)

// Log appends an entry to the audit trail.
func (s *Store) Log(ctx context.Context, e *AuditEntry) error {
	var index any
	if e.Index != nil {
		index = int64(*e.Index)
	}
	var draft any
	if e.DraftID != 0 {
		draft = e.DraftID
	}
	_, err := s.db.ExecContext(ctx, "INSERT INTO audit (at, username, action, draft_id, kind, subject, record_id, record_index, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
		fmtTime(e.At), e.Username, e.Action, draft, e.Kind, e.Subject, e.RecordID, index, e.Detail)
	if err != nil {
		return fmt.Errorf("couldn't write the audit trail: %w", err)
	}
	return nil
}

// AuditTrail lists entries before the ID before (0 for the latest), newest
// first.
func (s *Store) AuditTrail(ctx context.Context, before int64, limit int) ([]*AuditEntry, error) {
	q := "SELECT id, at, username, action, draft_id, kind, subject, record_id, record_index, detail FROM audit"
	args := []any{limit}
	if before > 0 {
		q += " WHERE id < $2"
		args = append(args, before)
	}
	rows, err := s.db.QueryContext(ctx, q+" ORDER BY id DESC LIMIT $1", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*AuditEntry
	for rows.Next() {
		e := &AuditEntry{}
		var at string
		var draft, index sql.NullInt64
		if err := rows.Scan(&e.ID, &at, &e.Username, &e.Action, &draft, &e.Kind, &e.Subject, &e.RecordID, &index, &e.Detail); err != nil {
			return nil, err
		}
		e.At = parseTime(at)
		e.DraftID = draft.Int64
		if index.Valid {
			i := uint64(index.Int64)
			e.Index = &i
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
