package ledger

import (
	"embed"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/kongsi/kongsi/internal/i18n"
	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/record"
	"github.com/kongsi/kongsi/internal/signednote"
)

// The core kinds.
const (
	KindCharter           = "charter"
	KindPartyAdmit        = "party.admit"
	KindPartyUpdate       = "party.update"
	KindAuthorityRegister = "authority.register"
	KindKeyRotate         = "key.rotate"
	KindKeyRevoke         = "key.revoke"
)

// PartySubject is the subject of the records about a party.
func PartySubject(id string) string { return "parties/" + id }

//go:embed schemas/*.json
var schemaFiles embed.FS

func schema(name string) []byte {
	b, err := schemaFiles.ReadFile("schemas/" + name + ".json")
	if err != nil {
		panic(err) // embedded at build time
	}
	return b
}

var partySubject = regexp.MustCompile(`^parties/([a-z]{3}|[a-z]{3}\.[a-z0-9][a-z0-9-]*)$`)

func coreKinds() []*Kind {
	return append(partyKinds(), witnessKinds()...)
}

func partyKinds() []*Kind {
	return []*Kind{
		{
			Name: KindCharter, Title: "Charter",
			Doc:    "Founds the register: its origin, its log key, its member states and their authorities, its organisations. The first record of the log; signed by the governance authority of every founding state.",
			Schema: schema(KindCharter), Subject: regexp.MustCompile(`^charter$`), SubjectHelp: "charter",
			Check: checkCharter, ExtraKeys: charterKeys,
			Roles:   []string{RoleGovernance},
			Summary: func(l *i18n.Locale, b json.RawMessage) string { return l.T("Charter: %s", field(b, "name")) },
		},
		{
			Name: KindPartyAdmit, Title: "Admission of a party",
			Doc:    "Admits a member state (with its first authorities) or an organisation. Needs the signatures of the governance authorities of a quorum of member states, and of every key it admits.",
			Schema: schema(KindPartyAdmit), Subject: partySubject, SubjectHelp: "parties/<id>",
			Check: checkAdmit, ExtraKeys: admitKeys,
			Roles: []string{RoleGovernance},
			Summary: func(l *i18n.Locale, b json.RawMessage) string {
				var a admitBody
				json.Unmarshal(b, &a)
				return l.T("Admission of %s", l.Country(a.Party.ID, a.Party.Name))
			},
		},
		{
			Name: KindPartyUpdate, Title: "Update of a party",
			Doc:    "Changes a member state's or organisation's name, roles or key. Needs the signatures of a quorum of member states.",
			Schema: schema(KindPartyUpdate), Subject: partySubject, SubjectHelp: "parties/<id>",
			Check: checkPartyUpdate, ExtraKeys: bodyKey,
			Roles:   []string{RoleGovernance},
			Summary: func(l *i18n.Locale, b json.RawMessage) string { return l.T("Update of %s", field(b, "name")) },
		},
		{
			Name: KindAuthorityRegister, Title: "Registration of an authority",
			Doc:    "A member state registers one of its authorities, or changes its name, roles or key, or retires it. Signed by the state's governance authority.",
			Schema: schema(KindAuthorityRegister), Subject: partySubject, SubjectHelp: "parties/<state>.<authority>",
			Check: checkAuthorityRegister, ExtraKeys: bodyKey,
			Roles:   []string{RoleGovernance},
			Summary: func(l *i18n.Locale, b json.RawMessage) string { return l.T("Registration of %s", field(b, "name")) },
		},
		{
			Name: KindKeyRotate, Title: "Key rotation",
			Doc:    "A party replaces its key: signed by its current key and by the new one.",
			Schema: schema(KindKeyRotate), Subject: partySubject, SubjectHelp: "parties/<id>",
			Check: checkRotate, ExtraKeys: bodyKey,
			Summary: func(l *i18n.Locale, _ json.RawMessage) string { return l.T("Key rotation") },
		},
		{
			Name: KindKeyRevoke, Title: "Key revocation",
			Doc:    "Withdraws a party's current key from this index on. Signed by the party or by its state's governance authority.",
			Schema: schema(KindKeyRevoke), Subject: partySubject, SubjectHelp: "parties/<id>",
			Check:   checkRevoke,
			Summary: func(l *i18n.Locale, b json.RawMessage) string { return l.T("Key revocation: %s", field(b, "reason")) },
		},
	}
}

// field returns a top-level string field of a JSON object, or "".
func field(body json.RawMessage, name string) string {
	var m map[string]any
	json.Unmarshal(body, &m)
	s, _ := m[name].(string)
	return s
}

// CharterBody is the body of a charter.
type CharterBody struct {
	Name            string          `json:"name"`
	Description     string          `json:"description,omitempty"`
	Origin          string          `json:"origin"`
	LogKey          string          `json:"log_key"`
	AdmissionQuorum Quorum          `json:"admission_quorum"`
	States          []StateSpec     `json:"states"`
	Authorities     []AuthoritySpec `json:"authorities"`
	Organisations   []OrgSpec       `json:"organisations,omitempty"`
}

// Quorum is a fraction of the member states.
type Quorum struct {
	Numerator   int `json:"numerator"`
	Denominator int `json:"denominator"`
}

// StateSpec names a member state.
type StateSpec struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// AuthoritySpec describes an authority of a state.
type AuthoritySpec struct {
	ID    string   `json:"id"`
	Name  string   `json:"name"`
	Roles []string `json:"roles"`
	Key   string   `json:"key"`
	URL   string   `json:"url,omitempty"`
}

// OrgSpec describes an organisation.
type OrgSpec struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Roles       []string `json:"roles"`
	Key         string   `json:"key"`
	URL         string   `json:"url,omitempty"`
}

// parseNamedKey parses a vkey and checks that it is named after the party.
func parseNamedKey(field, vkey, party string) (*signednote.Key, error) {
	k, err := signednote.ParseKey(vkey)
	if err != nil {
		return nil, problem.Invalid(field, "key.format", "%v", err)
	}
	if k.Name != party {
		return nil, problem.Invalid(field, "key.name", "the key is named %q; a party's key must be named after the party, %q", k.Name, party)
	}
	return k, nil
}

func charterKeys(r *record.Record) ([]*signednote.Key, error) {
	var b CharterBody
	if err := DecodeBody(r, &b); err != nil {
		return nil, err
	}
	var keys []*signednote.Key
	for i, a := range b.Authorities {
		k, err := parseNamedKey(fmt.Sprintf("body.authorities[%d].key", i), a.Key, a.ID)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	for i, o := range b.Organisations {
		k, err := parseNamedKey(fmt.Sprintf("body.organisations[%d].key", i), o.Key, o.ID)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return keys, nil
}

func checkCharter(c *Context) (any, error) {
	if c.Index != 0 {
		return nil, problem.Invalid("kind", "charter.first", "a register has one charter, its first record; this would be record %d", c.Index)
	}
	var b CharterBody
	if err := c.Decode(&b); err != nil {
		return nil, err
	}
	if b.Origin != c.Record.Register {
		return nil, problem.Invalid("body.origin", "charter.origin", "the charter's origin %q must equal the envelope's register %q", b.Origin, c.Record.Register)
	}
	if _, err := signednote.ParseKey(b.LogKey); err != nil {
		return nil, problem.Invalid("body.log_key", "key.format", "%v", err)
	}
	if q := b.AdmissionQuorum; q.Numerator > q.Denominator || 2*q.Numerator <= q.Denominator {
		return nil, problem.Invalid("body.admission_quorum", "charter.quorum", "the admission quorum must be more than half and at most all of the member states, not %d/%d", q.Numerator, q.Denominator)
	}
	parties := map[string]*Party{}
	for i, st := range b.States {
		if parties[st.ID] != nil {
			return nil, problem.Invalid(fmt.Sprintf("body.states[%d].id", i), "charter.unique", "the state %q is listed twice", st.ID)
		}
		parties[st.ID] = &Party{ID: st.ID, Type: TypeState, Name: st.Name, State: st.ID}
	}
	governance := map[string]bool{}
	for i, a := range b.Authorities {
		f := fmt.Sprintf("body.authorities[%d]", i)
		if parties[a.ID] != nil {
			return nil, problem.Invalid(f+".id", "charter.unique", "the party %q is listed twice", a.ID)
		}
		state, _, _ := strings.Cut(a.ID, ".")
		if st := parties[state]; st == nil || st.Type != TypeState {
			return nil, problem.Invalid(f+".id", "charter.authority-state", "the authority %q belongs to no listed state (its ID must start with the state's code)", a.ID)
		}
		k, err := parseNamedKey(f+".key", a.Key, a.ID)
		if err != nil {
			return nil, err
		}
		parties[a.ID] = &Party{ID: a.ID, Type: TypeAuthority, Name: a.Name, State: state, Roles: a.Roles, Key: k}
		if slices.Contains(a.Roles, RoleGovernance) {
			governance[state] = true
		}
	}
	for i, o := range b.Organisations {
		f := fmt.Sprintf("body.organisations[%d]", i)
		if parties[o.ID] != nil {
			return nil, problem.Invalid(f+".id", "charter.unique", "the party %q is listed twice", o.ID)
		}
		k, err := parseNamedKey(f+".key", o.Key, o.ID)
		if err != nil {
			return nil, err
		}
		parties[o.ID] = &Party{ID: o.ID, Type: TypeOrganisation, Name: o.Name, Roles: o.Roles, Key: k}
	}
	// Every founding state must sign, through its governance authority.
	signed := map[string]bool{}
	for _, k := range c.ExtraSigners {
		if p := parties[k.Name]; p != nil && p.Type == TypeAuthority && p.HasRole(RoleGovernance) {
			signed[p.State] = true
		}
	}
	for i, st := range b.States {
		if !governance[st.ID] {
			return nil, problem.Invalid(fmt.Sprintf("body.states[%d]", i), "charter.governance", "the state %q has no authority with the %q role", st.ID, RoleGovernance)
		}
		if !signed[st.ID] {
			return nil, problem.Forbidden("signatures", "charter.signatures", "the charter must be signed by the governance authority of every founding state; %q has not signed", st.ID)
		}
	}
	if a := parties[c.Record.Author]; a == nil || a.Type != TypeAuthority || !a.HasRole(RoleGovernance) {
		return nil, problem.Forbidden("author", "charter.author", "the charter's author must be one of its governance authorities")
	}
	c.effects = append(c.effects, func() {
		s := c.state
		s.origin.Store(&b.Origin)
		s.quorum = [2]int{b.AdmissionQuorum.Numerator, b.AdmissionQuorum.Denominator}
		for id, p := range parties {
			p.Since = c.Index
			s.parties[id] = p
			s.heads[PartySubject(id)] = &Head{Kind: KindCharter, Author: c.Record.Author, ID: c.Record.ID, Index: c.Index, Version: 1, Created: c.Index}
		}
	})
	return nil, nil
}

type admitBody struct {
	Party struct {
		Type        string   `json:"type"`
		ID          string   `json:"id"`
		Name        string   `json:"name"`
		Description string   `json:"description"`
		Roles       []string `json:"roles"`
		Key         string   `json:"key"`
		URL         string   `json:"url"`
	} `json:"party"`
	Authorities []AuthoritySpec `json:"authorities"`
	Reason      string          `json:"reason"`
}

func admitKeys(r *record.Record) ([]*signednote.Key, error) {
	var b admitBody
	if err := DecodeBody(r, &b); err != nil {
		return nil, err
	}
	var keys []*signednote.Key
	if b.Party.Key != "" {
		k, err := parseNamedKey("body.party.key", b.Party.Key, b.Party.ID)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	for i, a := range b.Authorities {
		k, err := parseNamedKey(fmt.Sprintf("body.authorities[%d].key", i), a.Key, a.ID)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// requireQuorum refuses the record unless the governance authorities of a
// quorum of member states signed it, its author among them.
func requireQuorum(c *Context, what string) error {
	a := c.Author()
	if a == nil || a.Type != TypeAuthority || !a.HasRole(RoleGovernance) {
		return problem.Forbidden("author", "quorum.author", "%s is proposed by the governance authority of a member state; %q is not one", what, c.Record.Author)
	}
	states := map[string]bool{}
	for _, id := range c.Signers {
		if p, ok := c.Party(id); ok && p.Type == TypeAuthority && p.HasRole(RoleGovernance) {
			states[p.State] = true
		}
	}
	need := c.state.Quorum()
	if len(states) < need {
		return problem.Forbidden("signatures", "quorum", "%s needs the signatures of the governance authorities of %d of the %d member states; it has %d", what, need, len(c.MemberStates()), len(states))
	}
	return nil
}

// requireAllSigned refuses the record unless every key in keys signed it.
func requireAllSigned(c *Context, keys []*signednote.Key, why string) error {
	for _, k := range keys {
		if !slices.ContainsFunc(c.ExtraSigners, func(e *signednote.Key) bool { return e.String() == k.String() }) {
			return problem.Forbidden("signatures", "signature.new-key", "%s: the record must also be signed by the new key of %q", why, k.Name)
		}
	}
	return nil
}

func checkAdmit(c *Context) (any, error) {
	var b admitBody
	if err := c.Decode(&b); err != nil {
		return nil, err
	}
	id := b.Party.ID
	if c.Record.Subject != PartySubject(id) {
		return nil, problem.Invalid("subject", "admit.subject", "the admission of %q must have the subject %q", id, PartySubject(id))
	}
	if _, exists := c.Party(id); exists {
		return nil, problem.Conflict("body.party.id", "admit.exists", "%q is already a party", id)
	}
	if err := requireQuorum(c, "the admission of a party"); err != nil {
		return nil, err
	}
	keys, err := admitKeys(c.Record)
	if err != nil {
		return nil, err
	}
	if err := requireAllSigned(c, keys, "a party accepts its admission"); err != nil {
		return nil, err
	}
	admitted := []*Party{}
	switch b.Party.Type {
	case TypeState:
		if len(id) != 3 || id == "org" {
			return nil, problem.Invalid("body.party.id", "admit.state-id", "a state's ID is its ISO 3166-1 alpha-3 code in lower case")
		}
		if b.Party.Key != "" || len(b.Party.Roles) > 0 {
			return nil, problem.Invalid("body.party", "admit.state", "a state acts through its authorities; give keys and roles to them")
		}
		admitted = append(admitted, &Party{ID: id, Type: TypeState, Name: b.Party.Name, State: id})
		gov := false
		for i, a := range b.Authorities {
			if !strings.HasPrefix(a.ID, id+".") {
				return nil, problem.Invalid(fmt.Sprintf("body.authorities[%d].id", i), "admit.authority-state", "an authority of %q has an ID starting with %q", id, id+".")
			}
			if _, exists := c.Party(a.ID); exists {
				return nil, problem.Conflict(fmt.Sprintf("body.authorities[%d].id", i), "admit.exists", "%q is already a party", a.ID)
			}
			gov = gov || slices.Contains(a.Roles, RoleGovernance)
			admitted = append(admitted, &Party{ID: a.ID, Type: TypeAuthority, Name: a.Name, State: id, Roles: a.Roles, Key: keys[i]})
		}
		if !gov {
			return nil, problem.Invalid("body.authorities", "admit.governance", "a new member state needs an authority with the %q role", RoleGovernance)
		}
	case TypeOrganisation:
		if !strings.HasPrefix(id, "org.") {
			return nil, problem.Invalid("body.party.id", "admit.org-id", "an organisation's ID starts with \"org.\"")
		}
		if len(b.Authorities) > 0 {
			return nil, problem.Invalid("body.authorities", "admit.org", "only a state has authorities")
		}
		if b.Party.Key == "" {
			return nil, problem.Invalid("body.party.key", "admit.org-key", "an organisation needs a key")
		}
		admitted = append(admitted, &Party{ID: id, Type: TypeOrganisation, Name: b.Party.Name, Roles: b.Party.Roles, Key: keys[0]})
	}
	c.effects = append(c.effects, func() {
		for _, p := range admitted {
			p.Since = c.Index
			c.state.parties[p.ID] = p
			if p.ID != id {
				c.state.heads[PartySubject(p.ID)] = &Head{Kind: KindPartyAdmit, Author: c.Record.Author, ID: c.Record.ID, Index: c.Index, Version: 1, Created: c.Index}
			}
		}
	})
	return nil, nil
}

type keyBody struct {
	Key string `json:"key"`
}

// bodyKey returns the key named in the body's "key" field, if any.
func bodyKey(r *record.Record) ([]*signednote.Key, error) {
	var b keyBody
	if err := DecodeBody(r, &b); err != nil {
		return nil, err
	}
	if b.Key == "" {
		return nil, nil
	}
	id := strings.TrimPrefix(r.Subject, "parties/")
	k, err := parseNamedKey("body.key", b.Key, id)
	if err != nil {
		return nil, err
	}
	return []*signednote.Key{k}, nil
}

// subjectParty returns the party a parties/<id> subject is about.
func subjectParty(c *Context) (*Party, string) {
	id := strings.TrimPrefix(c.Record.Subject, "parties/")
	p, _ := c.Party(id)
	return p, id
}

func checkPartyUpdate(c *Context) (any, error) {
	var b struct {
		Name  string   `json:"name"`
		Roles []string `json:"roles"`
		Key   string   `json:"key"`
	}
	if err := c.Decode(&b); err != nil {
		return nil, err
	}
	p, id := subjectParty(c)
	if p == nil {
		return nil, problem.NotFound("subject", "party.unknown", "%q is not a party", id)
	}
	if p.Type == TypeAuthority {
		return nil, problem.Invalid("subject", "party-update.authority", "an authority is updated by its state, with an %s record", KindAuthorityRegister)
	}
	if p.Type == TypeState && (b.Key != "" || len(b.Roles) > 0) {
		return nil, problem.Invalid("body", "party-update.state", "a state acts through its authorities; it has no key or roles")
	}
	if err := requireQuorum(c, "the update of a party"); err != nil {
		return nil, err
	}
	newKey, err := bodyKey(c.Record)
	if err != nil {
		return nil, err
	}
	if err := requireAllSigned(c, newKey, "a new key proves its possession"); err != nil {
		return nil, err
	}
	c.effects = append(c.effects, func() {
		np := *p
		np.Name = b.Name
		if p.Type == TypeOrganisation {
			np.Roles = b.Roles
			if len(newKey) > 0 {
				np.Key = newKey[0]
			}
		}
		c.state.parties[id] = &np
	})
	return nil, nil
}

func checkAuthorityRegister(c *Context) (any, error) {
	var b struct {
		Name    string   `json:"name"`
		Roles   []string `json:"roles"`
		Key     string   `json:"key"`
		Retired bool     `json:"retired"`
	}
	if err := c.Decode(&b); err != nil {
		return nil, err
	}
	existing, id := subjectParty(c)
	state, _, ok := strings.Cut(id, ".")
	if !ok {
		return nil, problem.Invalid("subject", "authority.subject", "an authority's subject is parties/<state>.<name>")
	}
	if st, ok := c.Party(state); !ok || st.Type != TypeState {
		return nil, problem.Invalid("subject", "authority.state", "%q is not a member state", state)
	}
	if err := c.RequireAuthorOfState(state, "only a state registers its own authorities"); err != nil {
		return nil, err
	}
	if err := c.RequireRole(RoleGovernance, "a state registers its authorities through its governance authority"); err != nil {
		return nil, err
	}
	keys, err := bodyKey(c.Record)
	if err != nil {
		return nil, err
	}
	key := keys[0]
	if existing == nil || existing.Key == nil || existing.Key.String() != key.String() {
		if err := requireAllSigned(c, keys, "a new key proves its possession"); err != nil {
			return nil, err
		}
	} else {
		key = existing.Key // unchanged: keep the very same key
	}
	if b.Retired {
		key = nil
	}
	np := &Party{ID: id, Type: TypeAuthority, Name: b.Name, State: state, Roles: b.Roles, Key: key, Since: c.Index}
	if existing != nil {
		np.Since = existing.Since
	}
	// A state must keep an authority that can act for it.
	gov := false
	for _, p := range c.state.parties {
		if p.ID != id && p.State == state && p.Type == TypeAuthority && p.Key != nil && p.HasRole(RoleGovernance) {
			gov = true
		}
	}
	if !gov && (np.Key == nil || !np.HasRole(RoleGovernance)) {
		return nil, problem.Invalid("body.roles", "authority.last-governance", "%q would be left without a governance authority that can sign", state)
	}
	c.effects = append(c.effects, func() { c.state.parties[id] = np })
	return nil, nil
}

func checkRotate(c *Context) (any, error) {
	p, id := subjectParty(c)
	if p == nil || p.Key == nil {
		return nil, problem.NotFound("subject", "party.unknown", "%q is not a party with a key", id)
	}
	if c.Record.Author != id {
		return nil, problem.Forbidden("author", "rotate.author", "a key rotation is signed by the party's own current key; %q is not %q", c.Record.Author, id)
	}
	keys, err := bodyKey(c.Record)
	if err != nil {
		return nil, err
	}
	if keys[0].String() == p.Key.String() {
		return nil, problem.Invalid("body.key", "rotate.same", "the new key is the current key")
	}
	if err := requireAllSigned(c, keys, "a new key proves its possession"); err != nil {
		return nil, err
	}
	c.effects = append(c.effects, func() {
		np := *p
		np.Key = keys[0]
		c.state.parties[id] = &np
	})
	return nil, nil
}

func checkRevoke(c *Context) (any, error) {
	var b keyBody
	if err := c.Decode(&b); err != nil {
		return nil, err
	}
	p, id := subjectParty(c)
	if p == nil {
		return nil, problem.NotFound("subject", "party.unknown", "%q is not a party", id)
	}
	if p.Key == nil || p.Key.String() != b.Key {
		return nil, problem.Invalid("body.key", "revoke.not-current", "the key revoked must be the current key of %q", id)
	}
	author := c.Author()
	byGovernance := p.Type == TypeAuthority && author.Type == TypeAuthority && author.State == p.State && author.HasRole(RoleGovernance)
	if author.ID != id && !byGovernance {
		return nil, problem.Forbidden("author", "revoke.author", "a key is revoked by its party or by the governance authority of the party's state; %q is neither", author.ID)
	}
	c.effects = append(c.effects, func() {
		np := *p
		np.Key = nil
		c.state.parties[id] = &np
	})
	return nil, nil
}
