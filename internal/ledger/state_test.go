package ledger_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/ledger/ledgertest"
	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/record"
)

// memo is a kind for tests: a state's authorities write memos about topics
// under notes/<state>/.
var memo = &ledger.Kind{
	Name: "memo", Title: "Memo",
	Schema:  []byte(`{"type":"object","additionalProperties":false,"required":["text"],"properties":{"text":{"type":"string","maxLength":100}}}`),
	Subject: regexp.MustCompile(`^memos/[a-z]{3}/[a-z0-9-]+$`), SubjectHelp: "memos/<state>/<topic>",
	Check: func(c *ledger.Context) (any, error) {
		return nil, c.RequireAuthorOfState(ledger.SubjectSegment(c.Record.Subject, 1), "memos are written by the state")
	},
}

func newState(t *testing.T) (*ledger.State, *ledgertest.Fixture) {
	t.Helper()
	kinds, err := ledger.NewKinds(memo)
	if err != nil {
		t.Fatal(err)
	}
	f := ledgertest.New(t)
	s := ledger.NewState(kinds)
	ledgertest.MustAppend(t, s, f.CharterEntry)
	return s, f
}

func text(s string) map[string]any { return map[string]any{"text": s} }

// refuse checks that s refuses entry with the given kind of problem and rule,
// and that the state does not change.
func refuse(t *testing.T, s *ledger.State, entry []byte, kind error, rule string) {
	t.Helper()
	size := s.Size()
	keys := s.Keys()
	_, err := s.Check(entry)
	var pe *problem.Error
	if !errors.Is(err, kind) || !errors.As(err, &pe) || pe.Rule != rule {
		t.Fatalf("Check = %v (rule %q), want %v with rule %q", err, ruleOf(err), kind, rule)
	}
	if s.Size() != size {
		t.Fatalf("a refused record changed the size from %d to %d", size, s.Size())
	}
	if len(s.Keys()) != len(keys) {
		t.Fatal("a refused record changed the keys")
	}
}

func ruleOf(err error) string {
	var pe *problem.Error
	if errors.As(err, &pe) {
		return pe.Rule
	}
	return ""
}

func TestCharter(t *testing.T) {
	s, f := newState(t)
	if s.Origin() != ledgertest.Origin || s.Size() != 1 {
		t.Fatalf("origin %q size %d", s.Origin(), s.Size())
	}
	if got := len(s.MemberStates()); got != len(ledgertest.States) {
		t.Errorf("%d member states, want %d", got, len(ledgertest.States))
	}
	if p, ok := s.Party("khm.mnd"); !ok || p.State != "khm" || p.Key == nil {
		t.Errorf("khm.mnd = %+v", p)
	}
	if s.Quorum() != 4 {
		t.Errorf("quorum of 6 at 2/3 = %d, want 4", s.Quorum())
	}
	// A second charter is refused.
	refuse(t, s, f.CharterEntry, problem.ErrConflict, "replay")
	again := f.SignBy(t, []string{"chn.mfa", "khm.mfa", "vnm.mfa", "phl.mfa", "idn.mfa", "mys.mfa"}, ledger.KindCharter, "charter", f.Charter)
	refuse(t, s, again, problem.ErrInvalid, "charter.first")
}

func TestCharterRefusals(t *testing.T) {
	kinds, _ := ledger.NewKinds()
	f := ledgertest.New(t)
	all := []string{"chn.mfa", "khm.mfa", "vnm.mfa", "phl.mfa", "idn.mfa", "mys.mfa"}
	for _, tc := range []struct {
		name    string
		signers []string
		edit    func(c ledger.CharterBody) ledger.CharterBody
		kind    error
		rule    string
	}{
		{"missing a founding signature", all[:5], nil, problem.ErrForbidden, "charter.signatures"},
		{"origin differs", all, func(c ledger.CharterBody) ledger.CharterBody { c.Origin = "other"; return c }, problem.ErrInvalid, "charter.origin"},
		{"quorum of a half", all, func(c ledger.CharterBody) ledger.CharterBody {
			c.AdmissionQuorum = ledger.Quorum{Numerator: 1, Denominator: 2}
			return c
		}, problem.ErrInvalid, "charter.quorum"},
		{"authority of no state", all, func(c ledger.CharterBody) ledger.CharterBody {
			c.Authorities = append(append([]ledger.AuthoritySpec{}, c.Authorities...), ledger.AuthoritySpec{ID: "xyz.mfa", Name: "x", Roles: []string{}, Key: f.VKeys["khm.mnd"]})
			return c
		}, problem.ErrInvalid, "key.name"},
		{"key named after another party", all, func(c ledger.CharterBody) ledger.CharterBody {
			c.Authorities = append([]ledger.AuthoritySpec{}, c.Authorities...)
			c.Authorities[6].Key = f.VKeys["khm.mfa"]
			return c
		}, problem.ErrInvalid, "key.name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := *f.Charter
			if tc.edit != nil {
				c = tc.edit(c)
			}
			s := ledger.NewState(kinds)
			refuse(t, s, f.SignBy(t, tc.signers, ledger.KindCharter, "charter", c), tc.kind, tc.rule)
		})
	}
	// Anything but a charter first is refused.
	s := ledger.NewState(kinds)
	refuse(t, s, f.Sign(t, "khm.mfa", ledger.KindKeyRevoke, "parties/khm.mnd", map[string]any{"key": f.VKeys["khm.mnd"], "reason": "x"}), problem.ErrInvalid, "charter.first")
}

func TestRecordsAndVersions(t *testing.T) {
	s, f := newState(t)
	v1 := f.Sign(t, "khm.mnd", "memo", "memos/khm/ream", text("first"))
	ledgertest.MustAppend(t, s, v1)
	v2 := f.Sign(t, "khm.mfa", "memo", "memos/khm/ream", text("second"), ledgertest.Prev(t, v1))
	ledgertest.MustAppend(t, s, v2)
	h, _ := s.Head("memos/khm/ream")
	if h.Version != 2 || h.Index != 2 || h.Created != 1 {
		t.Errorf("head = %+v", h)
	}

	for _, tc := range []struct {
		name  string
		entry []byte
		kind  error
		rule  string
	}{
		{"replay", v1, problem.ErrConflict, "replay"},
		{"stale update", f.Sign(t, "khm.mnd", "memo", "memos/khm/ream", text("third"), ledgertest.Prev(t, v1)), problem.ErrConflict, "stale"},
		{"update without prev", f.Sign(t, "khm.mnd", "memo", "memos/khm/ream", text("third")), problem.ErrConflict, "prev.missing"},
		{"prev on new subject", f.Sign(t, "khm.mnd", "memo", "memos/khm/other", text("x"), ledgertest.Prev(t, v1)), problem.ErrInvalid, "prev.new-subject"},
		{"unknown ref", f.Sign(t, "khm.mnd", "memo", "memos/khm/other", text("x"), record.Ref{Rel: "about", ID: record.ID{9}}), problem.ErrInvalid, "ref.unknown"},
		{"unknown kind", f.Sign(t, "khm.mnd", "nonsense", "memos/khm/x", text("x")), problem.ErrInvalid, "kind.unknown"},
		{"subject of another form", f.Sign(t, "khm.mnd", "memo", "memos/x", text("x")), problem.ErrInvalid, "kind.subject"},
		{"schema violation", f.Sign(t, "khm.mnd", "memo", "memos/khm/x", map[string]any{"text": strings.Repeat("x", 101)}), problem.ErrInvalid, "schema.maxLength"},
		{"unknown body field", f.Sign(t, "khm.mnd", "memo", "memos/khm/x", map[string]any{"text": "x", "y": 1}), problem.ErrInvalid, "schema.additionalProperties"},
		{"missing body field", f.Sign(t, "khm.mnd", "memo", "memos/khm/x", map[string]any{}), problem.ErrInvalid, "schema.required"},
		{"unauthorised author", f.Sign(t, "vnm.mfa", "memo", "memos/khm/x", text("x")), problem.ErrForbidden, "policy.author-state"},
		{"unknown author", func() []byte {
			f.NewKey(t, "khm.ghost")
			return f.Sign(t, "khm.ghost", "memo", "memos/khm/x", text("x"))
		}(), problem.ErrForbidden, "signature.unknown-key"},
		{"not signed by its author", func() []byte {
			env := f.Envelope(t, "khm.mnd", "memo", "memos/khm/x", text("x"))
			return f.SignEnvelope(t, env, "khm.mfa")
		}(), problem.ErrForbidden, "signature.author"},
		{"forged signature", func() []byte {
			e := f.Sign(t, "khm.mnd", "memo", "memos/khm/x", text("honest"))
			return []byte(strings.Replace(string(e), "honest", "forged", 1))
		}(), problem.ErrForbidden, "signature.invalid"},
		{"other register", func() []byte {
			env := f.Envelope(t, "khm.mnd", "memo", "memos/khm/x", text("x"))
			env.Register = "elsewhere.example/register"
			return f.SignEnvelope(t, env, "khm.mnd")
		}(), problem.ErrInvalid, "register.origin"},
	} {
		t.Run(tc.name, func(t *testing.T) { refuse(t, s, tc.entry, tc.kind, tc.rule) })
	}
}

func TestAdmission(t *testing.T) {
	s, f := newState(t)
	_, tlsKey := f.NewKey(t, "tls.mnec")
	body := map[string]any{
		"party":       map[string]any{"type": "state", "id": "tls", "name": "Timor-Leste"},
		"authorities": []any{map[string]any{"id": "tls.mnec", "name": "Ministry of Foreign Affairs and Cooperation", "roles": []string{"governance"}, "key": tlsKey}},
		"reason":      "Timor-Leste became ASEAN's eleventh member state.",
	}
	// Three of six states are short of the quorum of four.
	refuse(t, s, f.SignBy(t, []string{"khm.mfa", "vnm.mfa", "phl.mfa", "tls.mnec"}, ledger.KindPartyAdmit, "parties/tls", body), problem.ErrForbidden, "quorum")
	// Two signatures of one state count once.
	f.NewKey(t, "khm.gov2")
	// Without the new party's own signature it is refused.
	refuse(t, s, f.SignBy(t, []string{"khm.mfa", "vnm.mfa", "phl.mfa", "chn.mfa"}, ledger.KindPartyAdmit, "parties/tls", body), problem.ErrForbidden, "signature.new-key")
	// By a non-governance author.
	refuse(t, s, f.SignBy(t, []string{"khm.mnd", "khm.mfa", "vnm.mfa", "phl.mfa", "chn.mfa", "tls.mnec"}, ledger.KindPartyAdmit, "parties/tls", body), problem.ErrForbidden, "quorum.author")

	ok := f.SignBy(t, []string{"khm.mfa", "vnm.mfa", "phl.mfa", "chn.mfa", "tls.mnec"}, ledger.KindPartyAdmit, "parties/tls", body)
	ledgertest.MustAppend(t, s, ok)
	if len(s.MemberStates()) != 7 || s.Quorum() != 5 {
		t.Errorf("after admission: %d states, quorum %d", len(s.MemberStates()), s.Quorum())
	}
	// The new authority can sign at once.
	ledgertest.MustAppend(t, s, f.Sign(t, "tls.mnec", "memo", "memos/tls/hello", text("hello")))
}

func TestKeyRotationAndRevocation(t *testing.T) {
	s, f := newState(t)
	oldSigner := f.Signers["khm.mnd"]
	oldVKey := f.VKeys["khm.mnd"]
	before := f.Sign(t, "khm.mnd", "memo", "memos/khm/a", text("signed with the old key"))

	// A rotation needs the new key's signature too.
	newSigner, newVKey := f.NewKey(t, "khm.mnd")
	f.Signers["khm.mnd"] = oldSigner
	noNew := f.Sign(t, "khm.mnd", ledger.KindKeyRotate, "parties/khm.mnd", map[string]any{"key": newVKey}, ledgertest.Prev(t, f.CharterEntry))
	refuse(t, s, noNew, problem.ErrForbidden, "signature.new-key")
	// Only the party itself rotates its key.
	f.Signers["khm.mnd.new"] = newSigner
	env := f.Envelope(t, "khm.mnd", ledger.KindKeyRotate, "parties/khm.mnd", map[string]any{"key": newVKey, "reason": "annual rotation"}, ledgertest.Prev(t, f.CharterEntry))
	rotate := f.SignEnvelope(t, env, "khm.mnd", "khm.mnd.new")
	ledgertest.MustAppend(t, s, rotate)

	// The old key no longer signs.
	refuse(t, s, before, problem.ErrForbidden, "signature.unknown-key")
	f.Signers["khm.mnd"] = newSigner
	after := f.Sign(t, "khm.mnd", "memo", "memos/khm/a", text("signed with the new key"))
	ledgertest.MustAppend(t, s, after)
	if k := s.Keys()["khm.mnd"]; k.String() != newVKey || k.String() == oldVKey {
		t.Error("key not rotated")
	}

	// Another state's governance authority may not revoke it.
	revokeBody := map[string]any{"key": newVKey, "reason": "laptop lost", "compromised": true}
	refuse(t, s, f.Sign(t, "vnm.mfa", ledger.KindKeyRevoke, "parties/khm.mnd", revokeBody, ledgertest.Prev(t, rotate)), problem.ErrForbidden, "revoke.author")
	// Its own state's governance authority may.
	revoke := f.Sign(t, "khm.mfa", ledger.KindKeyRevoke, "parties/khm.mnd", revokeBody, ledgertest.Prev(t, rotate))
	ledgertest.MustAppend(t, s, revoke)
	refuse(t, s, f.Sign(t, "khm.mnd", "memo", "memos/khm/b", text("after revocation")), problem.ErrForbidden, "signature.unknown-key")

	// The state re-keys its authority; the new key co-signs.
	_, reKey := f.NewKey(t, "khm.mnd")
	reg := f.SignBy(t, []string{"khm.mfa", "khm.mnd"}, ledger.KindAuthorityRegister, "parties/khm.mnd",
		map[string]any{"name": "Ministry of National Defence", "roles": []string{"defence"}, "key": reKey}, ledgertest.Prev(t, revoke))
	ledgertest.MustAppend(t, s, reg)
	ledgertest.MustAppend(t, s, f.Sign(t, "khm.mnd", "memo", "memos/khm/b", text("re-keyed")))
}

func TestAuthorityRegister(t *testing.T) {
	s, f := newState(t)
	_, vk := f.NewKey(t, "vnm.gso")
	body := map[string]any{"name": "General Statistics Office", "roles": []string{"statistics"}, "key": vk}
	refuse(t, s, f.SignBy(t, []string{"khm.mfa", "vnm.gso"}, ledger.KindAuthorityRegister, "parties/vnm.gso", body), problem.ErrForbidden, "policy.author-state")
	refuse(t, s, f.SignBy(t, []string{"vnm.mfa"}, ledger.KindAuthorityRegister, "parties/vnm.gso", body), problem.ErrForbidden, "signature.new-key")
	ledgertest.MustAppend(t, s, f.SignBy(t, []string{"vnm.mfa", "vnm.gso"}, ledger.KindAuthorityRegister, "parties/vnm.gso", body))
	// A state may not leave itself without a governance authority.
	refuse(t, s, f.Sign(t, "vnm.mfa", ledger.KindAuthorityRegister, "parties/vnm.mfa",
		map[string]any{"name": "x", "roles": []string{}, "key": f.VKeys["vnm.mfa"]}, ledgertest.Prev(t, f.CharterEntry)), problem.ErrInvalid, "authority.last-governance")
}

// TestReplayEqualsCheck checks that replaying a log without signature checks
// reaches the same state as admitting it.
func TestReplayEqualsCheck(t *testing.T) {
	s, f := newState(t)
	entries := [][]byte{f.CharterEntry}
	prev := []byte(nil)
	for i := range 20 {
		var refs []record.Ref
		if prev != nil {
			refs = append(refs, ledgertest.Prev(t, prev))
		}
		e := f.Sign(t, "khm.mnd", "memo", "memos/khm/topic", text(strings.Repeat("v", i+1)), refs...)
		ledgertest.MustAppend(t, s, e)
		entries = append(entries, e)
		prev = e
	}
	kinds, _ := ledger.NewKinds(memo)
	r := ledger.NewState(kinds)
	for _, e := range entries {
		if _, err := r.Replay(e); err != nil {
			t.Fatal(err)
		}
	}
	h1, _ := s.Head("memos/khm/topic")
	h2, _ := r.Head("memos/khm/topic")
	if *h1 != *h2 || r.Size() != s.Size() {
		t.Errorf("replayed head %+v, checked head %+v", h2, h1)
	}
}
