// Package record defines Kongsi's record: an envelope {register, kind,
// subject, author, time, body, refs} in canonical JSON (RFC 8785), signed by
// its author as a C2SP signed note. A log entry is exactly one such note.
//
// Parse checks everything about a record that does not depend on the register's
// state: the note's structure, the canonical encoding, the envelope's fields
// and its size. Whether the author may say it is for the ledger to decide.
package record

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/kongsi/kongsi/internal/canonjson"
	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/signednote"
	"golang.org/x/mod/sumdb/note"
)

// MaxEntrySize is the largest record, signatures included: the largest entry
// a C2SP tlog-tiles log can hold (a 16-bit length prefix). Larger documents
// are published by reference, with their hash in the body.
const MaxEntrySize = 1<<16 - 1

// MaxRefs bounds the references one record may carry.
const MaxRefs = 64

// TimeFormat is the layout of the envelope's time: RFC 3339 in UTC, to the
// second.
const TimeFormat = "2006-01-02T15:04:05Z"

// CheckPartyID reports whether id is a well-formed party identifier: a
// three-letter state or organisation prefix ("khm", "org"), optionally
// followed by a dot and a name ("khm.mnd", "org.aiddata").
func CheckPartyID(id string) bool { return len(id) <= 64 && validParty(id) }

// ID identifies a record: the SHA-256 of its note text. Signatures are not
// part of it, so the same statement signed twice has one ID.
type ID [32]byte

func (id ID) String() string { return hex.EncodeToString(id[:]) }

// Short is the first 12 hex digits, for display.
func (id ID) Short() string { return id.String()[:12] }

// ParseID parses 64 hex digits.
func ParseID(s string) (ID, error) {
	var id ID
	if len(s) != 64 {
		return id, fmt.Errorf("a record ID is 64 hex digits, got %d characters", len(s))
	}
	if _, err := hex.Decode(id[:], []byte(s)); err != nil {
		return id, fmt.Errorf("a record ID is 64 hex digits: %v", err)
	}
	if s != id.String() {
		return id, fmt.Errorf("a record ID is written in lower case")
	}
	return id, nil
}

func (id ID) MarshalText() ([]byte, error) { return []byte(id.String()), nil }

func (id *ID) UnmarshalText(b []byte) error {
	v, err := ParseID(string(b))
	*id = v
	return err
}

// Ref is a reference from one record to another.
type Ref struct {
	Rel string `json:"rel"` // what the other record is to this one: "prev", "about", ...
	ID  ID     `json:"id"`
}

// RelPrev marks the previous version of the record's subject. An update
// MUST carry exactly one, naming the subject's latest version.
const RelPrev = "prev"

// Envelope is what the author signs.
type Envelope struct {
	Register string          `json:"register"` // the register's origin: a record is valid in one register only
	Kind     string          `json:"kind"`
	Subject  string          `json:"subject"`
	Author   string          `json:"author"`
	Time     string          `json:"time"`
	Body     json.RawMessage `json:"body"`
	Refs     []Ref           `json:"refs"`
}

// Prev returns the ID of the previous version named in the refs, if any.
func (e *Envelope) Prev() (ID, bool) {
	for _, r := range e.Refs {
		if r.Rel == RelPrev {
			return r.ID, true
		}
	}
	return ID{}, false
}

// Record is a parsed, well-formed signed record. Its signatures have not been
// verified: that needs the register's keys.
type Record struct {
	Envelope
	Entry []byte           // the note exactly as logged
	Note  *signednote.Note // the parsed note
	ID    ID
	When  time.Time // Envelope.Time, parsed
	// BodyValue is the body decoded for schema validation (map[string]any
	// with json.Number numbers).
	BodyValue any
	// Decoded is the body decoded into the Go type its kind's rules read,
	// by the register's rules ahead of applying them (ledger.Kinds.CheckForm);
	// nil until then.
	Decoded any
}

// Parse checks a log entry and returns the record it holds.
func Parse(entry []byte) (*Record, error) {
	if len(entry) > MaxEntrySize {
		return nil, problem.TooLarge("", "size", "the record is %d bytes; the limit is %d bytes, signatures included", len(entry), MaxEntrySize)
	}
	n, err := signednote.Parse(entry)
	if err != nil {
		return nil, problem.Invalid("note", "signed-note", "%v", err)
	}
	if len(n.Text) < 2 || bytes.IndexByte(n.Text[:len(n.Text)-1], '\n') >= 0 {
		return nil, problem.Invalid("note", "one-line", "the note text must be one line of canonical JSON followed by a newline")
	}
	js := n.Text[:len(n.Text)-1]
	v, members, err := canonjson.CheckMembers(js)
	if err != nil {
		return nil, problem.Invalid("note", "canonical-json", "%v", err)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, problem.Invalid("note", "envelope", "the note text must be a JSON object")
	}
	for k := range obj {
		if !slices.Contains([]string{"register", "kind", "subject", "author", "time", "body", "refs"}, k) {
			return nil, problem.Invalid(k, "envelope.unknown-field", "the envelope has no field %q; its fields are register, kind, subject, author, time, body and refs", k)
		}
	}
	for _, k := range []string{"register", "kind", "subject", "author", "time", "body", "refs"} {
		if _, ok := obj[k]; !ok {
			return nil, problem.Invalid(k, "envelope.required", "the envelope must have the field %q", k)
		}
	}
	if _, ok := obj["body"].(map[string]any); !ok {
		return nil, problem.Invalid("body", "envelope.type", "body must be a JSON object")
	}
	for _, k := range []string{"register", "kind", "subject", "author", "time"} {
		if _, ok := obj[k].(string); !ok {
			return nil, problem.Invalid(k, "envelope.type", "%s must be a string", k)
		}
	}
	refs, ok := obj["refs"].([]any)
	if !ok {
		return nil, problem.Invalid("refs", "envelope.type", "refs must be an array")
	}
	r := &Record{Entry: entry, Note: n, ID: sha256.Sum256(n.Text), BodyValue: obj["body"]}
	r.Register, r.Kind, r.Subject = obj["register"].(string), obj["kind"].(string), obj["subject"].(string)
	r.Author, r.Time = obj["author"].(string), obj["time"].(string)
	r.Refs = make([]Ref, len(refs))
	for i, ref := range refs {
		m, ok := ref.(map[string]any)
		id, okID := m["id"].(string)
		rel, okRel := m["rel"].(string)
		if !ok || len(m) != 2 || !okID || !okRel {
			return nil, problem.Invalid(fmt.Sprintf("refs[%d]", i), "envelope.refs", "each ref must be an object with exactly the fields id (a record ID) and rel (a name)")
		}
		if r.Refs[i].ID, err = ParseID(id); err != nil {
			return nil, problem.Invalid(fmt.Sprintf("refs[%d].id", i), "envelope.refs", "%v", err)
		}
		r.Refs[i].Rel = rel
	}
	// The text is canonical, so the body's text in it is the body's
	// canonical encoding.
	r.Body = members["body"]
	if err := r.Envelope.Check(); err != nil {
		return nil, err
	}
	r.When, _ = parseTime(r.Time) // checked above
	return r, nil
}

// Check checks the envelope's fields against their rules of form (those
// Parse checks): a tool can tell what is wrong with a record before anyone
// signs it.
func (e *Envelope) Check() error {
	switch {
	case e.Register == "" || len(e.Register) > 200:
		return problem.Invalid("register", "envelope.register", "register must name the register's origin (1 to 200 characters)")
	case len(e.Kind) > 64 || !validKind(e.Kind):
		return problem.Invalid("kind", "envelope.kind", "kind %q is not a kind name (lower-case words separated by dots)", e.Kind)
	case len(e.Subject) > 200 || !validSubject(e.Subject):
		return problem.Invalid("subject", "envelope.subject", "subject %q must be lower-case path segments of letters, digits, '.', '_' and '-' separated by '/', at most 200 characters", e.Subject)
	case !CheckPartyID(e.Author):
		return problem.Invalid("author", "envelope.author", "author %q is not a party identifier such as \"khm.mnd\"", e.Author)
	}
	if _, ok := parseTime(e.Time); !ok {
		return problem.Invalid("time", "envelope.time", "time %q must be RFC 3339 in UTC to the second, like 2025-04-27T09:30:00Z", e.Time)
	}
	if len(e.Refs) > MaxRefs {
		return problem.Invalid("refs", "envelope.refs", "a record may carry at most %d refs", MaxRefs)
	}
	seen := map[Ref]bool{}
	prevs := 0
	for i, r := range e.Refs {
		if !validRel(r.Rel) || len(r.Rel) > 32 {
			return problem.Invalid(fmt.Sprintf("refs[%d].rel", i), "envelope.refs", "rel %q must be a lower-case word", r.Rel)
		}
		if seen[r] {
			return problem.Invalid(fmt.Sprintf("refs[%d]", i), "envelope.refs", "the same ref appears twice")
		}
		seen[r] = true
		if r.Rel == RelPrev {
			prevs++
		}
	}
	if prevs > 1 {
		return problem.Invalid("refs", "envelope.refs", "a record has at most one prev ref")
	}
	return nil
}

// Text returns the canonical note text of an envelope: its RFC 8785 encoding
// and a newline. The body is canonicalised too.
func (e *Envelope) Text() ([]byte, error) {
	if e.Refs == nil {
		e.Refs = []Ref{}
	}
	if len(e.Body) == 0 {
		e.Body = json.RawMessage("{}")
	}
	js, err := canonjson.Marshal(e)
	if err != nil {
		return nil, err
	}
	return append(js, '\n'), nil
}

// Sign returns the signed entry of an envelope, signed by each signer in turn
// (the author first).
func Sign(e *Envelope, signers ...note.Signer) ([]byte, error) {
	text, err := e.Text()
	if err != nil {
		return nil, fmt.Errorf("couldn't encode the record: %w", err)
	}
	n, err := signednote.Sign(text, nil, signers...)
	if err != nil {
		return nil, err
	}
	entry := n.Marshal()
	if len(entry) > MaxEntrySize {
		return nil, problem.TooLarge("", "size", "the record is %d bytes; the limit is %d bytes, signatures included", len(entry), MaxEntrySize)
	}
	return entry, nil
}

// Cosign adds signatures to a signed entry.
func Cosign(entry []byte, signers ...note.Signer) ([]byte, error) {
	n, err := signednote.Parse(entry)
	if err != nil {
		return nil, err
	}
	n, err = signednote.Sign(n.Text, n.Sigs, signers...)
	if err != nil {
		return nil, err
	}
	return n.Marshal(), nil
}

// FormatTime formats t as the envelope's time.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeFormat) }
