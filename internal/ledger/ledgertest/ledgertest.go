// Package ledgertest founds small registers for tests: keys for a few member
// states and their authorities, a signed charter, and helpers to sign
// records as any of them.
package ledgertest

import (
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/record"
	"github.com/kongsi/kongsi/internal/signednote"
	"golang.org/x/mod/sumdb/note"
)

// Origin is the origin of test registers.
const Origin = "test.kongsi.example/register"

// States are the member states of a test register. Each has a governance
// authority "<state>.mfa"; Cambodia also has a defence ministry, khm.mnd.
var States = []string{"chn", "khm", "vnm", "phl", "idn", "mys"}

// Fixture is a founded test register.
type Fixture struct {
	Origin    string
	Signers   map[string]note.Signer // by party ID
	VKeys     map[string]string      // by party ID
	LogSigner note.Signer
	LogSKey   string
	LogVKey   string
	Charter   *ledger.CharterBody
	// CharterEntry is the signed charter, the log's first entry.
	CharterEntry []byte
	clock        atomic.Int64
}

// New founds a test register.
func New(t testing.TB) *Fixture {
	t.Helper()
	f := &Fixture{Origin: Origin, Signers: map[string]note.Signer{}, VKeys: map[string]string{}}
	f.clock.Store(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Unix())
	skey, vkey, err := signednote.GenerateKey(Origin)
	if err != nil {
		t.Fatal(err)
	}
	f.LogSKey, f.LogVKey = skey, vkey
	if f.LogSigner, err = signednote.NewSigner(skey); err != nil {
		t.Fatal(err)
	}
	c := &ledger.CharterBody{
		Name: "Test register", Origin: Origin, LogKey: f.LogVKey,
		AdmissionQuorum: ledger.Quorum{Numerator: 2, Denominator: 3},
	}
	for _, st := range States {
		c.States = append(c.States, ledger.StateSpec{ID: st, Name: "State " + st})
		id := st + ".mfa"
		_, vk := f.NewKey(t, id)
		c.Authorities = append(c.Authorities, ledger.AuthoritySpec{ID: id, Name: "Foreign ministry of " + st, Roles: []string{ledger.RoleGovernance}, Key: vk})
	}
	_, vk := f.NewKey(t, "khm.mnd")
	c.Authorities = append(c.Authorities, ledger.AuthoritySpec{ID: "khm.mnd", Name: "Ministry of National Defence", Roles: []string{"defence"}, Key: vk})
	_, vk = f.NewKey(t, "org.observer")
	c.Organisations = append(c.Organisations, ledger.OrgSpec{ID: "org.observer", Name: "An observer", Roles: []string{"importer"}, Key: vk})
	f.Charter = c
	var signers []string
	for _, st := range States {
		signers = append(signers, st+".mfa")
	}
	f.CharterEntry = f.SignBy(t, signers, ledger.KindCharter, "charter", c)
	return f
}

// NewKey makes a key pair named name and remembers its signer.
func (f *Fixture) NewKey(t testing.TB, name string) (note.Signer, string) {
	t.Helper()
	skey, vkey, err := signednote.GenerateKey(name)
	if err != nil {
		t.Fatal(err)
	}
	s, err := signednote.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	if name != f.Origin {
		f.Signers[name] = s
		f.VKeys[name] = vkey
	}
	return s, vkey
}

// Envelope returns an envelope with a fresh time, one second after the last.
func (f *Fixture) Envelope(t testing.TB, author, kind, subject string, body any, refs ...record.Ref) *record.Envelope {
	t.Helper()
	raw, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	return &record.Envelope{
		Register: f.Origin, Kind: kind, Subject: subject, Author: author,
		Time: record.FormatTime(time.Unix(f.clock.Add(1), 0)), Body: raw, Refs: refs,
	}
}

// Sign signs a record by author.
func (f *Fixture) Sign(t testing.TB, author, kind, subject string, body any, refs ...record.Ref) []byte {
	t.Helper()
	return f.SignBy(t, []string{author}, kind, subject, body, refs...)
}

// SignBy signs a record by several parties, the first being the author.
func (f *Fixture) SignBy(t testing.TB, signers []string, kind, subject string, body any, refs ...record.Ref) []byte {
	t.Helper()
	env := f.Envelope(t, signers[0], kind, subject, body, refs...)
	return f.SignEnvelope(t, env, signers...)
}

// SignEnvelope signs an envelope by the named parties.
func (f *Fixture) SignEnvelope(t testing.TB, env *record.Envelope, signers ...string) []byte {
	t.Helper()
	var ss []note.Signer
	for _, id := range signers {
		s, ok := f.Signers[id]
		if !ok {
			t.Fatalf("no key for %q", id)
		}
		ss = append(ss, s)
	}
	entry, err := record.Sign(env, ss...)
	if err != nil {
		t.Fatal(err)
	}
	return entry
}

// Prev returns a prev ref to the record in entry.
func Prev(t testing.TB, entry []byte) record.Ref {
	t.Helper()
	r, err := record.Parse(entry)
	if err != nil {
		t.Fatal(err)
	}
	return record.Ref{Rel: record.RelPrev, ID: r.ID}
}

// MustAppend checks and applies entries to s, failing the test on a refusal.
func MustAppend(t testing.TB, s *ledger.State, entries ...[]byte) {
	t.Helper()
	for i, e := range entries {
		if _, err := s.Check(e); err != nil {
			t.Fatalf("entry %d (log index %d) refused: %v", i, s.Size(), err)
		}
	}
}

// Subject returns a unique subject with the given prefix.
func Subject(prefix string, n int) string { return fmt.Sprintf("%s/s%d", prefix, n) }
