package ledger_test

import (
	"testing"

	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/ledger/ledgertest"
	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/signednote"
)

func witnessVKey(t *testing.T, name string) string {
	t.Helper()
	_, vkey, err := signednote.GenerateCosignatureKey(name)
	if err != nil {
		t.Fatal(err)
	}
	return vkey
}

// governance lists the governance authorities of every test state, the
// first being the author.
func governance() []string {
	var ids []string
	for _, st := range ledgertest.States {
		ids = append(ids, st+".mfa")
	}
	return ids
}

func TestWitnesses(t *testing.T) {
	s, f := newState(t)
	// An organisation that runs a witness is admitted with the role.
	_, orgKey := f.NewKey(t, "org.watch")
	admit := f.SignBy(t, append(governance(), "org.watch"), ledger.KindPartyAdmit, "parties/org.watch", map[string]any{
		"party":  map[string]any{"type": "organisation", "id": "org.watch", "name": "A watchdog", "roles": []string{"witness"}, "key": orgKey},
		"reason": "it runs a witness",
	})
	ledgertest.MustAppend(t, s, admit)

	keyA, keyB := witnessVKey(t, "khm.witness.example/a"), witnessVKey(t, "watch.example/w")
	regA := f.Sign(t, "khm.mfa", ledger.KindWitnessRegister, "witnesses/khm", map[string]any{"name": "Cambodia's witness", "key": keyA, "url": "https://witness.khm.example/"})
	regB := f.Sign(t, "org.watch", ledger.KindWitnessRegister, "witnesses/watch", map[string]any{"name": "The watchdog's witness", "key": keyB})
	ledgertest.MustAppend(t, s, regA, regB)
	if s.Witnesses().Latest().Policy != nil {
		t.Fatal("a policy before any witness.policy record")
	}
	policyAt := s.Size()
	policy := f.SignBy(t, governance()[:4], ledger.KindWitnessPolicy, ledger.WitnessPolicySubject, map[string]any{"witnesses": []string{"khm", "watch"}, "quorum": 2, "reason": "both"})
	ledgertest.MustAppend(t, s, policy)

	h := s.Witnesses()
	if w := h.At(policyAt); w == nil || w.Policy != nil || len(w.ByID) != 2 {
		t.Fatalf("before the policy record: %+v", w)
	}
	w := h.At(policyAt + 1)
	if w == nil || w.Policy == nil || w.Policy.Quorum != 2 || w.ByID["watch"].Operator != "org.watch" {
		t.Fatalf("after the policy record: %+v", w)
	}
	p := w.TlogPolicy(map[string]string{keyB: "http://127.0.0.1:9/"})
	if p.String() != "2 of khm, watch" || p.Witnesses[0].URL != "https://witness.khm.example/" || p.Witnesses[1].URL != "http://127.0.0.1:9/" {
		t.Fatalf("TlogPolicy = %v %+v", p, p.Witnesses)
	}
	if h.At(2) != nil {
		t.Fatal("witnesses before any witness record")
	}

	// Refusals, each changing nothing.
	keyC := witnessVKey(t, "c.example/w")
	refuse(t, s, f.Sign(t, "khm.mnd", ledger.KindWitnessRegister, "witnesses/mnd", map[string]any{"name": "x", "key": keyC}), problem.ErrForbidden, "witness.operator-role")
	refuse(t, s, f.Sign(t, "org.observer", ledger.KindWitnessRegister, "witnesses/obs", map[string]any{"name": "x", "key": keyC}), problem.ErrForbidden, "witness.operator-role")
	_, plain, _ := signednote.GenerateKey("c.example/w")
	refuse(t, s, f.Sign(t, "vnm.mfa", ledger.KindWitnessRegister, "witnesses/vnm", map[string]any{"name": "x", "key": plain}), problem.ErrInvalid, "witness.key")
	refuse(t, s, f.Sign(t, "vnm.mfa", ledger.KindWitnessRegister, "witnesses/vnm", map[string]any{"name": "x", "key": keyC, "url": "ftp://x.example/"}), problem.ErrInvalid, "witness.url")
	refuse(t, s, f.Sign(t, "vnm.mfa", ledger.KindWitnessRegister, "witnesses/vnm", map[string]any{"name": "x", "key": keyA}), problem.ErrConflict, "witness.key-taken")
	refuse(t, s, f.Sign(t, "vnm.mfa", ledger.KindWitnessRegister, "witnesses/khm", map[string]any{"name": "x", "key": keyC}, ledgertest.Prev(t, regA)), problem.ErrForbidden, "witness.operator")
	refuse(t, s, f.Sign(t, "khm.mfa", ledger.KindWitnessRegister, "witnesses/khm", map[string]any{"name": "x", "key": keyA, "retired": true}, ledgertest.Prev(t, regA)), problem.ErrInvalid, "witness.in-policy")
	refuse(t, s, f.SignBy(t, governance()[:3], ledger.KindWitnessPolicy, ledger.WitnessPolicySubject, map[string]any{"witnesses": []string{"khm"}, "quorum": 1, "reason": "r"}, ledgertest.Prev(t, policy)), problem.ErrForbidden, "quorum")
	refuse(t, s, f.SignBy(t, governance(), ledger.KindWitnessPolicy, ledger.WitnessPolicySubject, map[string]any{"witnesses": []string{"khm", "nobody"}, "quorum": 1, "reason": "r"}, ledgertest.Prev(t, policy)), problem.ErrInvalid, "witness-policy.unknown")
	refuse(t, s, f.SignBy(t, governance(), ledger.KindWitnessPolicy, ledger.WitnessPolicySubject, map[string]any{"witnesses": []string{"khm", "watch"}, "quorum": 3, "reason": "r"}, ledgertest.Prev(t, policy)), problem.ErrInvalid, "witness-policy.quorum")
	refuse(t, s, f.SignBy(t, governance(), ledger.KindWitnessPolicy, ledger.WitnessPolicySubject, map[string]any{"witnesses": []string{}, "quorum": 1, "reason": "r"}, ledgertest.Prev(t, policy)), problem.ErrInvalid, "witness-policy.quorum")
	if got := len(s.Witnesses().All()); got != 3 {
		t.Fatalf("refusals changed the witness history: %d states", got)
	}

	// The operator changes its witness's key; a policy without it lets it
	// retire.
	keyA2 := witnessVKey(t, "khm.witness.example/a")
	regA2 := f.Sign(t, "khm.mfa", ledger.KindWitnessRegister, "witnesses/khm", map[string]any{"name": "Cambodia's witness", "key": keyA2}, ledgertest.Prev(t, regA))
	policy2 := f.SignBy(t, governance()[:4], ledger.KindWitnessPolicy, ledger.WitnessPolicySubject, map[string]any{"witnesses": []string{"watch"}, "quorum": 1, "reason": "one"}, ledgertest.Prev(t, policy))
	ledgertest.MustAppend(t, s, regA2, policy2)
	retire := f.Sign(t, "khm.mfa", ledger.KindWitnessRegister, "witnesses/khm", map[string]any{"name": "Cambodia's witness", "key": keyA2, "retired": true}, ledgertest.Prev(t, regA2))
	ledgertest.MustAppend(t, s, retire)
	l := s.Witnesses().Latest()
	if !l.ByID["khm"].Retired || l.ByID["khm"].Key.String() != keyA2 || l.ByID["khm"].Since != policyAt-2 {
		t.Fatalf("after retirement: %+v", l.ByID["khm"])
	}
	// A retired witness cannot join a policy; its key may be used again.
	refuse(t, s, f.SignBy(t, governance(), ledger.KindWitnessPolicy, ledger.WitnessPolicySubject, map[string]any{"witnesses": []string{"khm"}, "quorum": 1, "reason": "r"}, ledgertest.Prev(t, policy2)), problem.ErrInvalid, "witness-policy.retired")
	ledgertest.MustAppend(t, s, f.Sign(t, "vnm.mfa", ledger.KindWitnessRegister, "witnesses/vnm", map[string]any{"name": "Viet Nam's witness", "key": keyA2}))
}
