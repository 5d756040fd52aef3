// Package ledger holds the register's state as its log defines it, and the
// rules every record must pass to be appended: signatures by current keys of
// registered parties, no replays, updates only of a subject's latest version,
// and each kind's own policy. The same code admits records when they are
// submitted and replays the log when it is audited, so both reach the same
// verdicts.
//
// The parties of the register (member states, their authorities, and
// organisations) and their keys are themselves records, of the core kinds
// defined in this package: the charter, admissions, authority registrations,
// key rotations and revocations.
package ledger

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/record"
	"github.com/kongsi/kongsi/internal/signednote"
)

// Party types.
const (
	TypeState        = "state"
	TypeAuthority    = "authority"
	TypeOrganisation = "organisation"
)

// RoleGovernance is held by the authority that acts for its state in the
// register's own affairs: founding it, admitting parties, registering the
// state's authorities.
const RoleGovernance = "governance"

// Party is a member state, an authority of a state, or an organisation.
type Party struct {
	ID    string
	Type  string
	Name  string
	State string   // the state an authority belongs to; a state's own ID for a state
	Roles []string // what the party is entitled to do, for authorities and organisations
	Key   *signednote.Key
	Since uint64 // index of the record that admitted it
}

// HasRole reports whether the party holds the role.
func (p *Party) HasRole(role string) bool { return slices.Contains(p.Roles, role) }

// Head is the latest version of a subject.
type Head struct {
	Kind    string
	Author  string
	ID      record.ID
	Index   uint64
	Version int    // 1 for the subject's first record
	Created uint64 // index of the subject's first record
	Data    any    // what the kind's Check returned
}

// State is the register's state after some prefix of its log. It is owned by
// one goroutine; only Keys and Prepare may be used concurrently with Append.
type State struct {
	kinds   *Kinds
	origin  atomic.Pointer[string] // set by the charter; read concurrently
	size    uint64
	parties map[string]*Party
	heads   map[string]*Head
	seen    map[record.ID]uint64
	quorum  [2]int // numerator, denominator of the admission quorum
	keys    atomic.Pointer[map[string]*signednote.Key]
	// witnesses is every state of the register's witnesses; read
	// concurrently.
	witnesses WitnessHistory
}

// NewState returns the state of an empty log. The first record appended must
// be the register's charter.
func NewState(kinds *Kinds) *State {
	s := &State{
		kinds:   kinds,
		parties: map[string]*Party{},
		heads:   map[string]*Head{},
		seen:    map[record.ID]uint64{},
	}
	s.publishKeys()
	return s
}

// Size is the number of log entries applied.
func (s *State) Size() uint64 { return s.size }

// Origin is the register's origin, as its charter names it, or "" before the
// charter. Safe for concurrent use.
func (s *State) Origin() string {
	if o := s.origin.Load(); o != nil {
		return *o
	}
	return ""
}

// Kinds returns the kinds the state knows.
func (s *State) Kinds() *Kinds { return s.kinds }

// Party returns a party by ID.
func (s *State) Party(id string) (*Party, bool) {
	p, ok := s.parties[id]
	return p, ok
}

// Head returns the latest version of a subject.
func (s *State) Head(subject string) (*Head, bool) {
	h, ok := s.heads[subject]
	return h, ok
}

// Seen returns the index of the record with the given ID.
func (s *State) Seen(id record.ID) (uint64, bool) {
	i, ok := s.seen[id]
	return i, ok
}

// Parties returns every party, sorted by ID.
func (s *State) Parties() []*Party {
	ps := make([]*Party, 0, len(s.parties))
	for _, p := range s.parties {
		ps = append(ps, p)
	}
	slices.SortFunc(ps, func(a, b *Party) int { return strings.Compare(a.ID, b.ID) })
	return ps
}

// MemberStates returns the IDs of the member states, sorted.
func (s *State) MemberStates() []string {
	var ids []string
	for id, p := range s.parties {
		if p.Type == TypeState {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// Quorum is the number of member states whose governance authorities must
// sign an admission.
func (s *State) Quorum() int {
	n := len(s.MemberStates())
	num, den := s.quorum[0], s.quorum[1]
	if den == 0 {
		return n
	}
	return (n*num + den - 1) / den
}

// Keys returns the current key of every party that has one. The map is never
// modified; a new one replaces it when keys change. Safe for concurrent use.
func (s *State) Keys() map[string]*signednote.Key { return *s.keys.Load() }

func (s *State) publishKeys() {
	m := make(map[string]*signednote.Key, len(s.parties))
	for id, p := range s.parties {
		if p.Key != nil {
			m[id] = p.Key
		}
	}
	s.keys.Store(&m)
}

// Pending is a parsed record whose signature lines have been matched to keys
// and whose body passed its schema, awaiting the verification of its
// signatures (Verify, which may run on any goroutine) and its admission
// (Append, on the state's goroutine).
type Pending struct {
	Record *record.Record
	Kind   *Kind
	// checks pairs each signature line with the key that must have made it.
	checks []sigCheck
	// keys is the key snapshot the checks were made against.
	keys     map[string]*signednote.Key
	verified bool
}

type sigCheck struct {
	line  int // 1-based, for messages
	key   *signednote.Key
	extra bool // a key named in the record itself, not a registered one
}

// Prepare checks what can be checked without the state's goroutine: the kind,
// the body's schema, and which key made each signature. Safe for concurrent
// use with Append.
func (s *State) Prepare(r *record.Record) (*Pending, error) {
	k, err := s.kinds.CheckForm(r)
	if err != nil {
		return nil, err
	}
	return s.prepare(r, k)
}

// CheckForm checks what a record's kind says of its form: that the kind
// exists, the subject's form, and the body's schema. It needs no state.
func (ks *Kinds) CheckForm(r *record.Record) (*Kind, error) {
	k, ok := ks.Get(r.Kind)
	if !ok {
		return nil, problem.Invalid("kind", "kind.unknown", "this register has no kind %q; its kinds are listed at /api/v1/kinds", r.Kind)
	}
	if !k.Subject.MatchString(r.Subject) {
		return nil, problem.Invalid("subject", "kind.subject", "a %s is about a subject of the form %s, not %q", k.Title, k.SubjectHelp, r.Subject)
	}
	if err := k.Validate(r.BodyValue); err != nil {
		return nil, err
	}
	if t := k.bodyType.Load(); t != nil && r.Decoded == nil {
		v := reflect.New(*t).Interface()
		if json.Unmarshal(r.Body, v) == nil {
			r.Decoded = v
		}
	}
	return k, nil
}

// AdmitChecked is AdmitUnverified for a record whose form its kind k has
// already checked (with Kinds.CheckForm, on any goroutine).
func (s *State) AdmitChecked(r *record.Record, k *Kind) (*Pending, error) {
	p, err := s.prepare(r, k)
	if err != nil {
		return nil, err
	}
	return p, s.admit(p)
}

func (s *State) prepare(r *record.Record, k *Kind) (*Pending, error) {
	keys := s.Keys()
	if len(keys) == 0 && r.Kind != KindCharter {
		// No parties yet: this is the first record.
		return nil, problem.Invalid("kind", "charter.first", "the first record of a register must be its charter")
	}
	var extra []*signednote.Key
	if k.ExtraKeys != nil {
		var err error
		if extra, err = k.ExtraKeys(r); err != nil {
			return nil, err
		}
	}
	p := &Pending{Record: r, Kind: k, keys: keys}
	authorSigned := false
	seenKey := map[*signednote.Key]bool{}
	for i, sig := range r.Note.Sigs {
		line := i + 1
		var key *signednote.Key
		isExtra := false
		if kk, ok := keys[sig.Name]; ok && kk.Matches(sig) {
			key = kk
		} else {
			for _, e := range extra {
				if e.Matches(sig) {
					key, isExtra = e, true
					break
				}
			}
		}
		if key == nil {
			return nil, problem.Forbidden(fmt.Sprintf("signature %d", line), "signature.unknown-key",
				"the signature by %q is not made with the current key of a party of this register", sig.Name)
		}
		if seenKey[key] {
			return nil, problem.Invalid(fmt.Sprintf("signature %d", line), "signature.duplicate", "the record is signed twice with the key of %q", sig.Name)
		}
		seenKey[key] = true
		if sig.Name == r.Author {
			authorSigned = true
		}
		p.checks = append(p.checks, sigCheck{line: line, key: key, extra: isExtra})
	}
	if !authorSigned {
		return nil, problem.Forbidden("author", "signature.author", "the record is not signed by its author %q", r.Author)
	}
	return p, nil
}

// Verify checks every signature of the record. It is the costly step, safe to
// run concurrently for many records.
func (p *Pending) Verify() error {
	for _, c := range p.checks {
		if !c.key.Verify(p.Record.Note.Text, p.Record.Note.Sigs[c.line-1]) {
			return problem.Forbidden(fmt.Sprintf("signature %d", c.line), "signature.invalid",
				"the signature by %q does not verify: the record was changed after signing, or signed with another key", c.key.Name)
		}
	}
	p.verified = true
	return nil
}

// Append admits a prepared and verified record as the next entry of the log,
// or says why not and changes nothing.
func (s *State) Append(p *Pending) error {
	if !p.verified {
		return fmt.Errorf("logic error: record %s appended before its signatures were verified", p.Record.ID)
	}
	return s.admit(p)
}

// Replay applies a record read back from the log without verifying its
// signatures again (they were verified when it was admitted; audit verifies
// them anew). Every other rule is applied, so that the state is the one the
// live register had.
func (s *State) Replay(entry []byte) (*record.Record, error) {
	r, err := record.Parse(entry)
	if err != nil {
		return nil, err
	}
	return r, s.ReplayRecord(r)
}

// ReplayRecord is Replay for a record already parsed.
func (s *State) ReplayRecord(r *record.Record) error {
	p, err := s.Prepare(r)
	if err != nil {
		return err
	}
	return s.admit(p)
}

// ReplayChecked is ReplayRecord for a record whose form its kind k has
// already checked (with Kinds.CheckForm, on any goroutine).
func (s *State) ReplayChecked(r *record.Record, k *Kind) error {
	p, err := s.prepare(r, k)
	if err != nil {
		return err
	}
	return s.admit(p)
}

// AdmitUnverified applies every rule to a parsed record but the checking of
// its signatures, and returns the record prepared for Verify. Audit uses it to
// check signatures in parallel, off the state's goroutine: the rules depend on
// which keys signed, never on whether the signatures verify.
func (s *State) AdmitUnverified(r *record.Record) (*Pending, error) {
	p, err := s.Prepare(r)
	if err != nil {
		return nil, err
	}
	return p, s.admit(p)
}

// Check runs every rule on an entry, signatures included, and applies it.
func (s *State) Check(entry []byte) (*record.Record, error) {
	r, err := record.Parse(entry)
	if err != nil {
		return nil, err
	}
	p, err := s.Prepare(r)
	if err != nil {
		return r, err
	}
	if err := p.Verify(); err != nil {
		return r, err
	}
	return r, s.Append(p)
}

func (s *State) admit(p *Pending) error {
	r := p.Record
	index := s.size
	if at, ok := s.seen[r.ID]; ok {
		e := problem.Conflict("", "replay", "this record is already in the log, at index %d", at)
		e.Index = &at
		return e
	}
	if index == 0 && r.Kind != KindCharter {
		return problem.Invalid("kind", "charter.first", "the first record of a register must be its charter")
	}
	if index > 0 && r.Kind == KindCharter {
		return problem.Invalid("kind", "charter.first", "a register has one charter, its first record; this would be record %d", index)
	}
	if index > 0 && r.Register != s.Origin() {
		return problem.Invalid("register", "register.origin", "the record is addressed to register %q, but this is %q", r.Register, s.Origin())
	}
	// The key snapshot may be older than the state: check that every
	// registered key that signed is still current.
	current := s.Keys()
	var signers []string
	var extra []*signednote.Key
	for _, c := range p.checks {
		if c.extra {
			extra = append(extra, c.key)
			continue
		}
		if k := current[c.key.Name]; k == nil || k.String() != c.key.String() {
			return problem.Forbidden(fmt.Sprintf("signature %d", c.line), "signature.key-not-current",
				"the key of %q that signed the record is no longer its current key", c.key.Name)
		}
		signers = append(signers, c.key.Name)
	}
	for i, ref := range r.Refs {
		if _, ok := s.seen[ref.ID]; !ok {
			return problem.Invalid(fmt.Sprintf("refs[%d].id", i), "ref.unknown", "no record with ID %s is in the log", ref.ID)
		}
	}
	head := s.heads[r.Subject]
	prev, hasPrev := r.Prev()
	switch {
	case head == nil && hasPrev:
		return problem.Invalid("refs", "prev.new-subject", "the record names a previous version, but %q has no records yet", r.Subject)
	case head != nil && !hasPrev:
		return problem.Conflict("refs", "prev.missing", "%q already exists (latest version %s at index %d); an update must name it as prev", r.Subject, head.ID, head.Index)
	case head != nil && prev != head.ID:
		return problem.Conflict("refs", "stale", "the record updates version %s of %q, but the latest version is %s at index %d", prev, r.Subject, head.ID, head.Index)
	}
	ctx := &Context{Index: index, Record: r, Head: head, Signers: signers, ExtraSigners: extra, state: s, kind: p.Kind}
	data, err := p.Kind.Check(ctx)
	if err != nil {
		return err
	}

	// Admitted: apply.
	nh := &Head{Kind: r.Kind, Author: r.Author, ID: r.ID, Index: index, Version: 1, Created: index, Data: data}
	if head != nil {
		nh.Version, nh.Created = head.Version+1, head.Created
	}
	s.heads[r.Subject] = nh
	s.seen[r.ID] = index
	for _, f := range ctx.effects {
		f()
	}
	if len(ctx.effects) > 0 {
		s.publishKeys()
	}
	s.size++
	return nil
}

// Context is what a kind's Check sees of a record and the register.
type Context struct {
	Index   uint64         // the index the record will have
	Record  *record.Record // the record
	Head    *Head          // the subject's latest version, nil if the subject is new
	Signers []string       // parties whose current keys signed, in signature order
	// ExtraSigners are the keys named in the record itself (by the kind's
	// ExtraKeys) that signed it.
	ExtraSigners []*signednote.Key
	state        *State
	kind         *Kind
	effects      []func() // changes to parties, applied if the record is admitted
}

// Party returns a party by ID.
func (c *Context) Party(id string) (*Party, bool) { return c.state.Party(id) }

// Author returns the record's author, who is a registered party (the record
// would not have reached Check otherwise).
func (c *Context) Author() *Party { return c.state.parties[c.Record.Author] }

// HeadOf returns the latest version of another subject.
func (c *Context) HeadOf(subject string) (*Head, bool) { return c.state.Head(subject) }

// Seen returns the index of a record already in the log.
func (c *Context) Seen(id record.ID) (uint64, bool) { return c.state.Seen(id) }

// MemberStates returns the IDs of the member states.
func (c *Context) MemberStates() []string { return c.state.MemberStates() }

// Decode unmarshals the body into v.
//
// The body is usually decoded already: Kinds.CheckForm, which runs ahead of
// the rules and in parallel, decodes it into the type Check decoded the
// kind's last record into.
func (c *Context) Decode(v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return DecodeBody(c.Record, v)
	}
	if d := c.Record.Decoded; d != nil && reflect.TypeOf(d) == rv.Type() && rv.Elem().IsZero() {
		// Used once: the value is the caller's from now on.
		c.Record.Decoded = nil
		rv.Elem().Set(reflect.ValueOf(d).Elem())
		return nil
	}
	if c.kind != nil {
		t := rv.Type().Elem()
		c.kind.bodyType.Store(&t)
	}
	return DecodeBody(c.Record, v)
}

// Ref returns the IDs of the record's refs with the given rel.
func (c *Context) Ref(rel string) []record.ID {
	var ids []record.ID
	for _, r := range c.Record.Refs {
		if r.Rel == rel {
			ids = append(ids, r.ID)
		}
	}
	return ids
}

// AuthorState returns the state the author belongs to, or "" for an
// organisation.
func (c *Context) AuthorState() string {
	if a := c.Author(); a != nil && a.Type != TypeOrganisation {
		return a.State
	}
	return ""
}

// RequireAuthorOfState refuses the record unless its author is an authority
// of the given state.
func (c *Context) RequireAuthorOfState(state, why string) error {
	if c.AuthorState() != state {
		return problem.Forbidden("author", "policy.author-state", "%s: %q is not an authority of %q", why, c.Record.Author, state)
	}
	return nil
}

// RequireRole refuses the record unless its author holds the role.
func (c *Context) RequireRole(role, why string) error {
	if a := c.Author(); a == nil || !a.HasRole(role) {
		return problem.Forbidden("author", "policy.role", "%s: %q does not hold the role %q", why, c.Record.Author, role)
	}
	return nil
}
