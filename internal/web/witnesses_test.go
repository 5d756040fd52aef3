package web_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/kongsi/kongsi/internal/declaration"
	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/ledger/ledgertest"
	"github.com/kongsi/kongsi/internal/nodetest"
	"github.com/kongsi/kongsi/internal/tlog"
	"github.com/kongsi/kongsi/internal/web"
	"github.com/kongsi/kongsi/internal/witness/witnesstest"
	"golang.org/x/mod/sumdb/note"
)

// governanceOf lists the governance authorities of n test states.
func governanceOf(n int) []string {
	var ids []string
	for _, st := range ledgertest.States[:n] {
		ids = append(ids, st+".mfa")
	}
	return ids
}

// TestWitnessedRegister registers two witnesses run by two member states
// and a policy that needs both, and checks that the checkpoints published
// afterwards carry both cosignatures, and that the pages and the API show
// and check them.
func TestWitnessedRegister(t *testing.T) {
	f := ledgertest.New(t)
	wk := witnesstest.Start(t, "witness.khm.example", f.LogVKey)
	wv := witnesstest.Start(t, "witness.vnm.example", f.LogVKey)
	e := nodetest.NewWith(t, nodetest.Options{Fixture: f}, declaration.New())

	e.Submit(
		f.Sign(t, "khm.mfa", ledger.KindWitnessRegister, "witnesses/khm", map[string]any{"name": "Cambodia's witness", "key": wk.Witness.Key.String(), "url": wk.Witness.URL}),
		f.Sign(t, "vnm.mfa", ledger.KindWitnessRegister, "witnesses/vnm", map[string]any{"name": "Viet Nam's witness", "key": wv.Witness.Key.String(), "url": wv.Witness.URL}),
	)
	// Before any policy, checkpoints need no cosignature.
	e.Run(t, []nodetest.Scenario{
		{Name: "no policy yet", Path: "/api/v1/log", Contains: []string{`"policy_text":"no witness policy recorded"`, `"met":true`}},
		{Name: "no policy file", Path: "/api/v1/witnesses/policy", Contains: []string{"quorum none"}},
	})
	last := e.Submit(
		f.SignBy(t, governanceOf(4), ledger.KindWitnessPolicy, ledger.WitnessPolicySubject, map[string]any{"witnesses": []string{"khm", "vnm"}, "quorum": 2, "reason": "Two member states watch the log."}),
		f.Sign(t, "khm.mfa", declaration.Kind, "declarations/khm/ream", declBody("Ream is open to all")),
	)

	verifier, _ := note.NewVerifier(f.LogVKey)
	cp, err := tlog.ParseCheckpoint(e.Checkpoint(last+1).Raw, verifier)
	if err != nil {
		t.Fatal(err)
	}
	if cs, err := witnesstest.Policy(2, wk, wv).Check(cp); err != nil || len(cs) != 2 {
		t.Fatalf("the checkpoint after the policy lacks cosignatures: %v\n%s", err, cp.Raw)
	}

	_, _, body := e.Do("GET", "/api/v1/log", "")
	var st web.LogStatus
	if err := json.Unmarshal([]byte(body), &st); err != nil {
		t.Fatal(err)
	}
	if w := st.Witnesses; w == nil || !w.Met || w.Counted != 2 || len(w.Cosignatures) != 2 || w.Cosignatures[0].OperatorName == "" || !w.Cosignatures[0].Verified {
		t.Fatalf("the log's status does not show two verified cosignatures: %+v", st.Witnesses)
	}
	if len(st.WitnessContacts) != 2 || st.WitnessContacts[0].Status != 200 {
		t.Errorf("witness contacts: %+v", st.WitnessContacts)
	}
	e.Run(t, []nodetest.Scenario{
		{Name: "home", Path: "/", Contains: []string{"✓ Cosigned", "by 2 of the witnesses; the policy asks for 2 of khm, vnm", `href="/witnesses"`}},
		{Name: "witnesses page", Path: "/witnesses", Contains: []string{"Cambodia&#39;s witness", "Viet Nam&#39;s witness", "Foreign ministry of khm (State khm)", "in the policy", "2 of the 2", "✓ Verified"}},
		{Name: "verify page", Path: "/verify", Contains: []string{"--witnesses policy.txt", "✓ Verified"}},
		{Name: "record page", Path: "/records/" + itoa(last), Contains: []string{"Witnesses:", "✓ Cosigned", "Cambodia&#39;s witness"}},
		{Name: "proof carries the cosignatures", Path: "/api/v1/records/" + itoa(last) + "/proof", Contains: []string{"— witness.khm.example ", "— witness.vnm.example "}},
		{Name: "witnesses API", Path: "/api/v1/witnesses", Contains: []string{`"id":"khm"`, `"operator":"khm.mfa"`, `"quorum":2`, `"met":true`}},
	})
	_, _, pf := e.Do("GET", "/api/v1/witnesses/policy", "")
	p, err := tlog.ParsePolicy([]byte(pf))
	if err != nil || !p.Equal(witnesstest.Policy(2, wk, wv)) || !strings.Contains(pf, "run by Foreign ministry of khm") {
		t.Fatalf("the policy file does not give the policy: %v\n%s", err, pf)
	}
}

func itoa(n uint64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
