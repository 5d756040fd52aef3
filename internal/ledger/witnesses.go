package ledger

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/kongsi/kongsi/internal/i18n"
	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/record"
	"github.com/kongsi/kongsi/internal/signednote"
	"github.com/kongsi/kongsi/internal/tlog"
)

// The kinds that say who witnesses the register.
const (
	KindWitnessRegister = "witness.register"
	KindWitnessPolicy   = "witness.policy"
)

// RoleWitness is held by a party that runs a witness.
const RoleWitness = "witness"

// WitnessPolicySubject is the subject of the witness policy's records.
const WitnessPolicySubject = "witness-policy"

// WitnessSubject is the subject of the records about a witness.
func WitnessSubject(id string) string { return "witnesses/" + id }

var witnessSubject = regexp.MustCompile(`^witnesses/([a-z0-9][a-z0-9-]{0,62})$`)

func witnessKinds() []*Kind {
	return []*Kind{
		{
			Name: KindWitnessRegister, Title: "Registration of a witness",
			Doc:    "A party says that it runs a witness that cosigns the register's checkpoints, and gives the witness's key and address. Signed by the witness's operator: an authority with the governance or witness role, or an organisation with the witness role.",
			Schema: schema(KindWitnessRegister), Subject: witnessSubject, SubjectHelp: "witnesses/<id>",
			Check: checkWitnessRegister,
			Summary: func(l *i18n.Locale, b json.RawMessage) string {
				var w witnessBody
				if json.Unmarshal(b, &w) == nil && w.Retired {
					return l.T("Retirement of the witness %s", w.Name)
				}
				return l.T("Witness: %s", field(b, "name"))
			},
		},
		{
			Name: KindWitnessPolicy, Title: "Witness policy",
			Doc:    "Names the registered witnesses whose cosignatures the register's checkpoints need, and how many of them. Signed by the governance authorities of a quorum of member states.",
			Schema: schema(KindWitnessPolicy), Subject: regexp.MustCompile(`^` + WitnessPolicySubject + `$`), SubjectHelp: WitnessPolicySubject,
			Check: checkWitnessPolicy,
			Summary: func(l *i18n.Locale, b json.RawMessage) string {
				var p witnessPolicyBody
				if json.Unmarshal(b, &p) != nil || len(p.Witnesses) == 0 {
					return l.T("Witness policy: no witnesses")
				}
				return l.T("Witness policy: %s of %s", strconv.Itoa(p.Quorum), strings.Join(p.Witnesses, ", "))
			},
		},
	}
}

type witnessBody struct {
	Name        string `json:"name"`
	Key         string `json:"key"`
	URL         string `json:"url"`
	Description string `json:"description"`
	Retired     bool   `json:"retired"`
}

type witnessPolicyBody struct {
	Witnesses []string `json:"witnesses"`
	Quorum    int      `json:"quorum"`
	Reason    string   `json:"reason"`
}

// RegisteredWitness is a witness as the register's records describe it.
type RegisteredWitness struct {
	ID          string // witnesses/<id>
	Name        string
	Key         *signednote.CosignatureKey
	URL         string
	Description string
	// Operator is the party that registered the witness and runs it.
	Operator string
	Since    uint64 // the index of its first registration
	Index    uint64 // the index of its latest record
	Retired  bool
}

// WitnessPolicy is the register's witness policy, as its latest
// witness.policy record says.
type WitnessPolicy struct {
	Index     uint64   // of the record
	Witnesses []string // IDs of registered witnesses
	Quorum    int
}

// Witnesses is what the register's records say of its witnesses after some
// record: the witnesses registered, and the policy. It never changes once
// made.
type Witnesses struct {
	// After is the index of the record that made this state: it applies to
	// the checkpoints of size greater than After.
	After  uint64
	ByID   map[string]*RegisteredWitness
	Policy *WitnessPolicy // nil until the first witness.policy record
}

// TlogPolicy returns the witness policy as a tlog.Policy, or nil if there is
// none. urls, if set, gives the URL to reach a witness by its key,
// replacing the one its record gives.
func (w *Witnesses) TlogPolicy(urls map[string]string) *tlog.Policy {
	if w == nil || w.Policy == nil {
		return nil
	}
	p := &tlog.Policy{Quorum: w.Policy.Quorum}
	for _, id := range w.Policy.Witnesses {
		rw := w.ByID[id]
		u := rw.URL
		if o, ok := urls[rw.Key.String()]; ok {
			u = o
		}
		p.Witnesses = append(p.Witnesses, &tlog.Witness{Name: id, Key: rw.Key, URL: u})
	}
	return p
}

// WitnessHistory is every state of the register's witnesses, in log order.
// One goroutine observes records; any may read, concurrently.
type WitnessHistory struct {
	states atomic.Pointer[[]*Witnesses]
}

// At returns the witnesses as they were for a checkpoint of the given size:
// as the last witness record among the first size entries left them, or
// nil if there was none.
func (h *WitnessHistory) At(size uint64) *Witnesses {
	p := h.states.Load()
	if p == nil {
		return nil
	}
	s := *p
	i, _ := slices.BinarySearchFunc(s, size, func(w *Witnesses, size uint64) int {
		if w.After < size {
			return -1
		}
		return 1
	})
	if i == 0 {
		return nil
	}
	return s[i-1]
}

// Latest returns the witnesses as the last witness record left them, or nil.
func (h *WitnessHistory) Latest() *Witnesses { return h.At(^uint64(0)) }

// All returns every state, oldest first.
func (h *WitnessHistory) All() []*Witnesses {
	if p := h.states.Load(); p != nil {
		return *p
	}
	return nil
}

// Clone returns a copy of the history that observes records on its own.
func (h *WitnessHistory) Clone() *WitnessHistory {
	c := &WitnessHistory{}
	if p := h.states.Load(); p != nil {
		s := slices.Clip(*p)
		c.states.Store(&s)
	}
	return c
}

func (h *WitnessHistory) push(w *Witnesses) {
	var s []*Witnesses
	if p := h.states.Load(); p != nil {
		s = *p
	}
	s = append(slices.Clip(s), w)
	h.states.Store(&s)
}

// next returns a copy of the latest state, to change into the state after
// the record at index.
func (h *WitnessHistory) next(index uint64) *Witnesses {
	n := &Witnesses{After: index, ByID: map[string]*RegisteredWitness{}}
	if l := h.Latest(); l != nil {
		for id, w := range l.ByID {
			n.ByID[id] = w
		}
		n.Policy = l.Policy
	}
	return n
}

// Observe applies a witness record read from a log whose rules are checked
// elsewhere (by a projector, or an audit): it does not check who signed it
// or whether it is allowed, only that it can be read. Records of other kinds
// are ignored. A mirror uses it to learn, from entries it has not projected
// yet, which policy a new checkpoint must satisfy.
func (h *WitnessHistory) Observe(index uint64, r *record.Record) error {
	switch r.Kind {
	case KindWitnessRegister:
		id := strings.TrimPrefix(r.Subject, "witnesses/")
		var b witnessBody
		if err := DecodeBody(r, &b); err != nil {
			return err
		}
		k, err := signednote.ParseCosignatureKey(b.Key)
		if err != nil {
			return problem.Invalid("body.key", "witness.key", "%v", err)
		}
		n := h.next(index)
		rw := &RegisteredWitness{ID: id, Name: b.Name, Key: k, URL: b.URL, Description: b.Description, Operator: r.Author, Since: index, Index: index, Retired: b.Retired}
		if old := n.ByID[id]; old != nil {
			rw.Operator, rw.Since = old.Operator, old.Since
		}
		n.ByID[id] = rw
		h.push(n)
	case KindWitnessPolicy:
		var b witnessPolicyBody
		if err := DecodeBody(r, &b); err != nil {
			return err
		}
		n := h.next(index)
		for _, id := range b.Witnesses {
			if n.ByID[id] == nil {
				return problem.Invalid("body.witnesses", "witness-policy.unknown", "%q is not a registered witness", id)
			}
		}
		n.Policy = &WitnessPolicy{Index: index, Witnesses: slices.Clone(b.Witnesses), Quorum: b.Quorum}
		h.push(n)
	}
	return nil
}

// Witnesses returns the history of the register's witnesses. Safe for
// concurrent use.
func (s *State) Witnesses() *WitnessHistory { return &s.witnesses }

func checkWitnessRegister(c *Context) (any, error) {
	var b witnessBody
	if err := c.Decode(&b); err != nil {
		return nil, err
	}
	id := strings.TrimPrefix(c.Record.Subject, "witnesses/")
	a := c.Author()
	if !a.HasRole(RoleWitness) && !(a.Type == TypeAuthority && a.HasRole(RoleGovernance)) {
		return nil, problem.Forbidden("author", "witness.operator-role", "a witness is registered by the party that runs it: an authority with the %q or %q role, or an organisation with the %q role; %q holds neither", RoleGovernance, RoleWitness, RoleWitness, a.ID)
	}
	k, err := signednote.ParseCosignatureKey(b.Key)
	if err != nil {
		return nil, problem.Invalid("body.key", "witness.key", "%v", err)
	}
	if b.URL != "" {
		if err := tlog.CheckWitnessURL(b.URL); err != nil {
			return nil, problem.Invalid("body.url", "witness.url", "%v", err)
		}
	}
	latest := c.state.witnesses.Latest()
	if c.Head != nil {
		old := latest.ByID[id]
		if old.Operator != c.Record.Author {
			return nil, problem.Forbidden("author", "witness.operator", "the witness %q is run by %q; only its operator changes or retires it", id, old.Operator)
		}
	}
	if latest != nil {
		for oid, w := range latest.ByID {
			if oid != id && !w.Retired && w.Key.String() == k.String() {
				return nil, problem.Conflict("body.key", "witness.key-taken", "the key is already the key of the witness %q", oid)
			}
		}
		if b.Retired && latest.Policy != nil && slices.Contains(latest.Policy.Witnesses, id) {
			return nil, problem.Invalid("body.retired", "witness.in-policy", "the witness policy names %q: change the policy before retiring the witness", id)
		}
	}
	r, index := c.Record, c.Index
	c.effects = append(c.effects, func() {
		if err := c.state.witnesses.Observe(index, r); err != nil {
			panic(fmt.Sprintf("logic error: a witness record passed its checks but cannot be applied: %v", err))
		}
	})
	return nil, nil
}

func checkWitnessPolicy(c *Context) (any, error) {
	var b witnessPolicyBody
	if err := c.Decode(&b); err != nil {
		return nil, err
	}
	if err := requireQuorum(c, "the register's witness policy"); err != nil {
		return nil, err
	}
	latest := c.state.witnesses.Latest()
	for i, id := range b.Witnesses {
		var w *RegisteredWitness
		if latest != nil {
			w = latest.ByID[id]
		}
		f := fmt.Sprintf("body.witnesses[%d]", i)
		if w == nil {
			return nil, problem.Invalid(f, "witness-policy.unknown", "%q is not a registered witness (register it with a %s record about %s first)", id, KindWitnessRegister, WitnessSubject(id))
		}
		if w.Retired {
			return nil, problem.Invalid(f, "witness-policy.retired", "the witness %q is retired", id)
		}
	}
	switch {
	case len(b.Witnesses) == 0 && b.Quorum != 0:
		return nil, problem.Invalid("body.quorum", "witness-policy.quorum", "a policy with no witnesses has a quorum of 0")
	case len(b.Witnesses) > 0 && (b.Quorum < 1 || b.Quorum > len(b.Witnesses)):
		return nil, problem.Invalid("body.quorum", "witness-policy.quorum", "the quorum must be from 1 to the number of witnesses, %d; it is %d", len(b.Witnesses), b.Quorum)
	}
	r, index := c.Record, c.Index
	c.effects = append(c.effects, func() {
		if err := c.state.witnesses.Observe(index, r); err != nil {
			panic(fmt.Sprintf("logic error: a witness policy passed its checks but cannot be applied: %v", err))
		}
	})
	return nil, nil
}
