// Package demo founds a demonstration register: keys made for the demo (and
// kept, marked as such, in the data directory), a charter of the eleven
// founding states and their real authorities, and a curated set of real,
// publicly stated facts in Kongsi's own words, each with its source named.
// Every record goes through the same write path as any other.
package demo

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/module"
	"github.com/kongsi/kongsi/internal/node"
	"github.com/kongsi/kongsi/internal/record"
	"github.com/kongsi/kongsi/internal/signednote"
	"golang.org/x/mod/sumdb/note"
)

// Origin is the demonstration register's origin.
const Origin = "demo.kongsi.example/register"

// KeysDir holds the demo's private keys, inside the data directory.
const KeysDir = "demo-keys"

//go:embed data/*.json
var data embed.FS

// Keys are the demo's party keys.
type Keys struct {
	dir     string
	signers map[string]note.Signer
	vkeys   map[string]string
}

// OpenKeys loads the demo keys in dir, making any that are missing.
func OpenKeys(dir string, ids []string) (*Keys, error) {
	k := &Keys{dir: dir, signers: map[string]note.Signer{}, vkeys: map[string]string{}}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	readme := filepath.Join(dir, "README")
	if _, err := os.Stat(readme); os.IsNotExist(err) {
		os.WriteFile(readme, []byte("DEMO KEYS. These private keys were generated for the Kongsi demonstration register.\nThey sign records on behalf of real states and authorities only to show how the register works;\nno state or authority holds or endorses them.\n"), 0o600)
	}
	for _, id := range ids {
		if err := k.load(id); err != nil {
			return nil, err
		}
	}
	return k, nil
}

// keyPath is where the key of id is kept; origins hold slashes.
func (k *Keys) keyPath(id string) string {
	return filepath.Join(k.dir, strings.ReplaceAll(id, "/", "_")+".key")
}

func (k *Keys) load(id string) error {
	path := k.keyPath(id)
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		skey, _, err := signednote.GenerateKey(id)
		if err != nil {
			return err
		}
		if err := os.WriteFile(path, []byte(skey+"\n"), 0o600); err != nil {
			return fmt.Errorf("couldn't write the demo key of %s: %w", id, err)
		}
		b = []byte(skey)
	} else if err != nil {
		return err
	}
	s, err := signednote.NewSigner(string(b))
	if err != nil {
		return fmt.Errorf("the demo key of %s: %w", id, err)
	}
	vkey, err := signednote.VerifierKey(string(b))
	if err != nil {
		return err
	}
	k.signers[id], k.vkeys[id] = s, vkey
	return nil
}

// Signer returns the signer of a party.
func (k *Keys) Signer(id string) (note.Signer, error) {
	s, ok := k.signers[id]
	if !ok {
		if err := k.load(id); err != nil {
			return nil, err
		}
		s = k.signers[id]
	}
	return s, nil
}

// VKey returns the verifier key of a party.
func (k *Keys) VKey(id string) string { return k.vkeys[id] }

// Rotate replaces a party's key file with a new key and returns the old
// signer, the new signer and the new vkey.
func (k *Keys) Rotate(id string) (old, new note.Signer, vkey string, err error) {
	old, err = k.Signer(id)
	if err != nil {
		return nil, nil, "", err
	}
	path := k.keyPath(id)
	if err := os.Rename(path, path+".old"); err != nil {
		return nil, nil, "", err
	}
	if err := k.load(id); err != nil {
		return nil, nil, "", err
	}
	return old, k.signers[id], k.vkeys[id], nil
}

// charterFile is the demo's charter data.
type charterFile struct {
	Name          string             `json:"name"`
	Description   string             `json:"description"`
	States        []ledger.StateSpec `json:"states"`
	Authorities   []authority        `json:"authorities"`
	Organisations []organisation     `json:"organisations"`
	Admissions    []admission        `json:"admissions"`
}

type authority struct {
	ID    string   `json:"id"`
	Name  string   `json:"name"`
	Roles []string `json:"roles"`
	URL   string   `json:"url,omitempty"`
}

type organisation struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Roles       []string `json:"roles"`
	URL         string   `json:"url,omitempty"`
}

type admission struct {
	State       ledger.StateSpec `json:"state"`
	Authorities []authority      `json:"authorities"`
	Reason      string           `json:"reason"`
	DecidedOn   string           `json:"decided_on"`
	Source      map[string]any   `json:"source"`
	SignedBy    []string         `json:"signed_by"`
}

// Record is one record of the demo's data: an author, a kind, a subject and
// a body. Versions of a subject follow each other in the files; the loader
// names each one's previous version.
type Record struct {
	Author  string          `json:"author"`
	Kind    string          `json:"kind"`
	Subject string          `json:"subject"`
	Body    json.RawMessage `json:"body"`
	// Cosigners sign too, after the author.
	Cosigners []string `json:"cosigners,omitempty"`
	// Refs point at the latest versions of other subjects, resolved when
	// the record is signed: {"rel": "about", "subject": "commitments/…"}.
	Refs []SubjectRef `json:"refs,omitempty"`
}

// SubjectRef refers to the latest version of a subject.
type SubjectRef struct {
	Rel     string `json:"rel"`
	Subject string `json:"subject"`
}

// Seeder is a module that loads demo data of its own after the records, for
// instance a dataset that a signed record publishes.
type Seeder interface {
	SeedDemo(ctx context.Context, l *Loader) error
}

// Loader signs and submits the demo's records in order.
type Loader struct {
	Node *node.Node
	Keys *Keys
	// Clock gives the records' signing times.
	Clock func() time.Time
}

// Submit signs a record by its author (and cosigners) and submits it, naming
// the subject's latest version as prev.
func (l *Loader) Submit(ctx context.Context, r Record) (uint64, error) {
	env := &record.Envelope{Register: l.Node.Origin, Kind: r.Kind, Subject: r.Subject, Author: r.Author, Time: record.FormatTime(l.Clock()), Body: r.Body}
	if h, ok := l.head(r.Subject); ok {
		env.Refs = append(env.Refs, record.Ref{Rel: record.RelPrev, ID: h})
	}
	for _, ref := range r.Refs {
		h, ok := l.head(ref.Subject)
		if !ok {
			return 0, fmt.Errorf("%s %s refers to %s, which has no records yet", r.Kind, r.Subject, ref.Subject)
		}
		env.Refs = append(env.Refs, record.Ref{Rel: ref.Rel, ID: h})
	}
	var signers []note.Signer
	for _, id := range append([]string{r.Author}, r.Cosigners...) {
		s, err := l.Keys.Signer(id)
		if err != nil {
			return 0, err
		}
		signers = append(signers, s)
	}
	entry, err := record.Sign(env, signers...)
	if err != nil {
		return 0, err
	}
	return l.submitEntry(ctx, entry)
}

func (l *Loader) submitEntry(ctx context.Context, entry []byte) (uint64, error) {
	res, err := l.Node.Sequencer.Submit(ctx, entry)
	if err != nil {
		r, _ := record.Parse(entry)
		what := "a record"
		if r != nil {
			what = fmt.Sprintf("%s %s by %s", r.Kind, r.Subject, r.Author)
		}
		return 0, fmt.Errorf("the register refused %s: %w", what, err)
	}
	return res.Index, nil
}

// head is the ID of the latest version of a subject, as the sequencer knows
// it (including records not yet projected).
func (l *Loader) head(subject string) (record.ID, bool) {
	h, err := l.Node.Sequencer.Head(context.Background(), subject)
	if err != nil {
		return record.ID{}, false
	}
	return h.ID, true
}

// Files lists the demo's data files other than the charter, in load order
// (by name: prefix them with a number to order them).
func Files() []string {
	entries, _ := data.ReadDir("data")
	var out []string
	for _, e := range entries {
		if n := e.Name(); n != "charter.json" {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

// Found makes a demo register in dir: keys, charter, admissions, the
// witnesses and the witness policy (if witnesses are given: they must be
// running, and cfg must reach them), every record of the data files, then
// what the modules seed. progress, if set, is told each record loaded.
func Found(ctx context.Context, cfg node.Config, ms []module.Module, witnesses []Witness, progress func(done, total int)) error {
	var cf charterFile
	if err := readJSON("charter.json", &cf); err != nil {
		return err
	}
	var ids []string
	for _, a := range cf.Authorities {
		ids = append(ids, a.ID)
	}
	for _, o := range cf.Organisations {
		ids = append(ids, o.ID)
	}
	keys, err := OpenKeys(filepath.Join(cfg.Dir, KeysDir), append(ids, Origin))
	if err != nil {
		return err
	}
	logSKey, err := os.ReadFile(keys.keyPath(Origin))
	if err != nil {
		return err
	}
	body := ledger.CharterBody{
		Name: cf.Name, Description: cf.Description, Origin: Origin, LogKey: keys.VKey(Origin),
		AdmissionQuorum: ledger.Quorum{Numerator: 2, Denominator: 3}, States: cf.States,
	}
	var founders []note.Signer
	var governance []string
	var author string
	for _, a := range cf.Authorities {
		body.Authorities = append(body.Authorities, ledger.AuthoritySpec{ID: a.ID, Name: a.Name, Roles: a.Roles, Key: keys.VKey(a.ID), URL: a.URL})
		if slices.Contains(a.Roles, ledger.RoleGovernance) {
			s, _ := keys.Signer(a.ID)
			founders = append(founders, s)
			governance = append(governance, a.ID)
			if author == "" {
				author = a.ID
			}
		}
	}
	for _, o := range cf.Organisations {
		body.Organisations = append(body.Organisations, ledger.OrgSpec{ID: o.ID, Name: o.Name, Description: o.Description, Roles: o.Roles, Key: keys.VKey(o.ID), URL: o.URL})
	}
	// The convenor signs first, as author.
	slices.SortStableFunc(founders, func(a, b note.Signer) int {
		if a.Name() == author {
			return -1
		}
		if b.Name() == author {
			return 1
		}
		return 0
	})
	raw, _ := json.Marshal(body)
	clock := newClock()
	env := &record.Envelope{Register: Origin, Kind: ledger.KindCharter, Subject: "charter", Author: author, Time: record.FormatTime(clock()), Body: raw}
	charter, err := record.Sign(env, founders...)
	if err != nil {
		return fmt.Errorf("couldn't sign the charter: %w", err)
	}
	if err := node.Found(ctx, cfg, strings.TrimSpace(string(logSKey)), charter); err != nil {
		return err
	}

	n, err := node.Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer n.Close(ctx)
	l := &Loader{Node: n, Keys: keys, Clock: clock}

	var records []Record
	for _, a := range cf.Admissions {
		r, err := admissionRecord(keys, a)
		if err != nil {
			return err
		}
		records = append(records, r)
	}
	for _, f := range Files() {
		rs, err := readRecords(f)
		if err != nil {
			return err
		}
		records = append(records, rs...)
	}
	total := len(records) + 1
	// The witnesses come first, so that nearly every checkpoint is
	// cosigned.
	if len(witnesses) > 0 {
		if err := l.registerWitnesses(ctx, witnesses, governance); err != nil {
			return err
		}
	}
	for i, r := range records {
		if _, err := l.Submit(ctx, r); err != nil {
			return err
		}
		if progress != nil {
			progress(i+1, total)
		}
	}
	// A key rotation, to show how keys change hands: the demo's Philippine
	// foreign ministry replaces its key.
	if err := l.rotate(ctx, "phl.dfa", "scheduled rotation of the demonstration key"); err != nil {
		return err
	}
	for _, m := range ms {
		if sd, ok := m.(Seeder); ok {
			if err := sd.SeedDemo(ctx, l); err != nil {
				return fmt.Errorf("couldn't load the %s module's demo data: %w", m.Name(), err)
			}
		}
	}
	if progress != nil {
		progress(total, total)
	}
	return nil
}

func (l *Loader) rotate(ctx context.Context, id, reason string) error {
	if _, ok := l.head(ledger.PartySubject(id)); !ok {
		return nil
	}
	old, new, vkey, err := l.Keys.Rotate(id)
	if err != nil {
		return err
	}
	h, _ := l.head(ledger.PartySubject(id))
	body, _ := json.Marshal(map[string]string{"key": vkey, "reason": reason})
	env := &record.Envelope{Register: l.Node.Origin, Kind: ledger.KindKeyRotate, Subject: ledger.PartySubject(id), Author: id,
		Time: record.FormatTime(l.Clock()), Body: body, Refs: []record.Ref{{Rel: record.RelPrev, ID: h}}}
	entry, err := record.Sign(env, old, new)
	if err != nil {
		return err
	}
	_, err = l.submitEntry(ctx, entry)
	return err
}

func admissionRecord(keys *Keys, a admission) (Record, error) {
	var auths []ledger.AuthoritySpec
	var cosigners []string
	for _, au := range a.Authorities {
		if _, err := keys.Signer(au.ID); err != nil {
			return Record{}, err
		}
		auths = append(auths, ledger.AuthoritySpec{ID: au.ID, Name: au.Name, Roles: au.Roles, Key: keys.VKey(au.ID), URL: au.URL})
		cosigners = append(cosigners, au.ID)
	}
	body := map[string]any{
		"party":       map[string]any{"type": ledger.TypeState, "id": a.State.ID, "name": a.State.Name},
		"authorities": auths,
		"reason":      a.Reason,
	}
	if a.DecidedOn != "" {
		body["decided_on"] = a.DecidedOn
	}
	if a.Source != nil {
		body["source"] = a.Source
	}
	raw, _ := json.Marshal(body)
	if len(a.SignedBy) == 0 {
		return Record{}, fmt.Errorf("the admission of %s names no signers", a.State.ID)
	}
	return Record{
		Author: a.SignedBy[0], Kind: ledger.KindPartyAdmit, Subject: ledger.PartySubject(a.State.ID), Body: raw,
		Cosigners: append(append([]string{}, a.SignedBy[1:]...), cosigners...),
	}, nil
}

// readRecords reads a data file: {"declarations": [{"subject", "versions":
// [{"author", "body"}]}]} for declarations, or {"records": [...]} for any
// kind.
func readRecords(name string) ([]Record, error) {
	var f struct {
		Records      []Record `json:"records"`
		Declarations []struct {
			Subject  string `json:"subject"`
			Versions []struct {
				Author string          `json:"author"`
				Body   json.RawMessage `json:"body"`
			} `json:"versions"`
		} `json:"declarations"`
	}
	if err := readJSON(name, &f); err != nil {
		return nil, err
	}
	out := f.Records
	for _, d := range f.Declarations {
		for _, v := range d.Versions {
			out = append(out, Record{Author: v.Author, Kind: "declaration", Subject: d.Subject, Body: v.Body})
		}
	}
	return out, nil
}

func readJSON(name string, v any) error {
	b, err := data.ReadFile("data/" + name)
	if err != nil {
		return err
	}
	d := json.NewDecoder(strings.NewReader(string(b)))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return fmt.Errorf("couldn't read the demo's %s: %w", name, err)
	}
	return nil
}

// newClock returns signing times one second apart, so that records have
// distinct, ordered times however fast they are signed. They start ten
// minutes ago, so that the demo's records (a few hundred at most) are all in
// the past: a record signed by hand just after the demo starts (at the
// desk) is dated after the version it updates, as the policies require.
func newClock() func() time.Time {
	t := time.Now().UTC().Truncate(time.Second).Add(-10 * time.Minute)
	return func() time.Time {
		t = t.Add(time.Second)
		return t
	}
}
