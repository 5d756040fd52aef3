package accountability_test

import (
	"testing"

	"github.com/kongsi/kongsi/internal/accountability"
	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/ledger/ledgertest"
	"github.com/kongsi/kongsi/internal/record"
)

// extraParties returns the records that give the test register what the
// fixture lacks: a development authority of Cambodia (khm.dev), a
// statistics authority of Viet Nam (vnm.nso), and an organisation that
// publishes statistics (org.stats).
func extraParties(t *testing.T, f *ledgertest.Fixture) [][]byte {
	t.Helper()
	var out [][]byte
	for _, a := range []struct{ id, state, role string }{{"khm.dev", "khm", "development"}, {"vnm.nso", "vnm", "statistics"}} {
		_, vkey := f.NewKey(t, a.id)
		out = append(out, f.SignBy(t, []string{a.state + ".mfa", a.id}, ledger.KindAuthorityRegister, ledger.PartySubject(a.id),
			map[string]any{"name": "Authority " + a.id, "roles": []string{a.role}, "key": vkey}))
	}
	_, vkey := f.NewKey(t, "org.stats")
	out = append(out, f.SignBy(t, []string{"chn.mfa", "khm.mfa", "vnm.mfa", "phl.mfa", "org.stats"}, ledger.KindPartyAdmit, ledger.PartySubject("org.stats"),
		map[string]any{"party": map[string]any{"type": "organisation", "id": "org.stats", "name": "Regional statistics office", "roles": []string{"statistics"}, "key": vkey}, "reason": "It compiles regional statistics."}))
	return out
}

// newState founds a test register with the module's kinds and the extra
// parties.
func newState(t *testing.T) (*ledgertest.Fixture, *ledger.State) {
	t.Helper()
	kinds, err := ledger.NewKinds(accountability.New().Kinds()...)
	if err != nil {
		t.Fatal(err)
	}
	f := ledgertest.New(t)
	s := ledger.NewState(kinds)
	ledgertest.MustAppend(t, s, f.CharterEntry)
	ledgertest.MustAppend(t, s, extraParties(t, f)...)
	return f, s
}

// about is a ref with rel "about" to the record in entry.
func about(t *testing.T, entry []byte) record.Ref {
	t.Helper()
	r, err := record.Parse(entry)
	if err != nil {
		t.Fatal(err)
	}
	return record.Ref{Rel: "about", ID: r.ID}
}

// refusal is a record that must be refused, with the kind of error and the
// rule.
type refusal struct {
	name  string
	entry []byte
	kind  error
	rule  string
	field string // if set, the field the refusal must name
}

// checkRefusals checks that each record is refused with its rule and that
// the state does not change.
func checkRefusals(t *testing.T, s *ledger.State, cases []refusal) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pe := ledgertest.MustRefuse(t, s, tc.entry, tc.kind, tc.rule)
			t.Logf("%s: %s", pe.Rule, pe.Error())
			if tc.field != "" && pe.Field != tc.field {
				t.Errorf("the refusal names the field %q, want %q", pe.Field, tc.field)
			}
		})
	}
}

func src() []any {
	return []any{map[string]any{"title": "A public source", "url": "https://example.org/s"}}
}

// merge returns a copy of base with the given fields set (nil deletes).
func merge(base map[string]any, kv ...any) map[string]any {
	out := map[string]any{}
	for k, v := range base {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(out, kv[i].(string))
		} else {
			out[kv[i].(string)] = kv[i+1]
		}
	}
	return out
}

func commitmentBody(pledgers ...string) map[string]any {
	ps := make([]any, len(pledgers))
	for i, p := range pledgers {
		ps[i] = p
	}
	return map[string]any{
		"title": "Conclude the code", "text": "The parties will conclude the code.", "made_in": "Foreign ministers' meeting",
		"made_on": "2023-07-13", "due_on": "2026-07-13", "pledgers": ps, "sources": src(),
		"milestones": []any{map[string]any{"id": "second-reading", "title": "Second reading", "due_on": "2023-12-31"}, map[string]any{"id": "third-reading", "title": "Third reading"}},
	}
}

func reportBody(status string) map[string]any {
	b := map[string]any{"reported_on": "2024-06-01", "status": status, "summary": "The second reading is complete."}
	if status == "met" {
		b["met_on"] = "2024-06-01"
	}
	return b
}

func assessmentBody(rating string) map[string]any {
	return map[string]any{"assessed_on": "2024-07-01", "rating": rating, "reasons": "The readings are slow."}
}

func initiativeBody(participants ...string) map[string]any {
	ps := make([]any, len(participants))
	for i, p := range participants {
		ps[i] = p
	}
	return map[string]any{
		"title": "Disaster management cooperation", "description": "Joint exercises and a shared centre.", "pillars": []any{"socio-cultural"},
		"domains": []any{"emergency-management"}, "mechanism": "asean-china", "participants": ps, "started_on": "2021-06-10", "sources": src(),
	}
}

func actionBody(owner, due, status string) map[string]any {
	to := "chn"
	if owner == "chn" {
		to = "khm"
	}
	return map[string]any{"title": "Nominate focal points", "owner": owner, "owed_to": []any{to}, "due_on": due, "status": status}
}

func programmeBody(provider string, recipients ...string) map[string]any {
	rs := make([]any, len(recipients))
	for i, r := range recipients {
		rs[i] = r
	}
	return map[string]any{
		"title": "Training plan", "description": "Train officials.", "provider": provider, "recipients": rs,
		"announced_in": "Summit", "announced_on": "2023-09-06", "sources": src(),
		"targets": []any{map[string]any{"measure": "trainees", "unit": "people trained", "value": 1000}, map[string]any{"measure": "trainees", "unit": "people trained", "value": 100, "recipient": recipients[0]}},
	}
}

func deliveryBody(recipient string, value float64) map[string]any {
	return map[string]any{"recipient": recipient, "measure": "trainees", "value": value, "delivered_on": "2024-05-01", "description": "A course for officials."}
}
