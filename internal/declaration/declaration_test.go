package declaration_test

import (
	"testing"

	"github.com/kongsi/kongsi/internal/declaration"
	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/ledger/ledgertest"
	"github.com/kongsi/kongsi/internal/problem"
)

func body(title string) map[string]any {
	return map[string]any{
		"topic": "Defence policy", "category": "alliance", "title": title,
		"text": "No military alliances.", "stated_on": "2009-12-08", "language": "en",
		"sources": []any{map[string]any{"title": "White paper"}},
	}
}

func TestPolicy(t *testing.T) {
	kinds, err := ledger.NewKinds(declaration.New().Kinds()...)
	if err != nil {
		t.Fatal(err)
	}
	f := ledgertest.New(t)
	s := ledger.NewState(kinds)
	ledgertest.MustAppend(t, s, f.CharterEntry)
	v1 := f.Sign(t, "vnm.mfa", declaration.Kind, "declarations/vnm/defence-policy", body("Three nos"))
	ledgertest.MustAppend(t, s, v1)

	withNote := body("Three nos")
	withNote["change_note"] = "first"
	topicChange := body("Four nos")
	topicChange["topic"] = "Something else"
	withdrawnFirst := body("Withdrawn")
	withdrawnFirst["withdrawn"] = true
	badLang := body("x")
	badLang["language"] = "English"
	badDate := body("x")
	badDate["stated_on"] = "8 December 2009"
	for _, tc := range []struct {
		name  string
		entry []byte
		kind  error
		rule  string
	}{
		{"another state's authority", f.Sign(t, "khm.mfa", declaration.Kind, "declarations/vnm/x", body("x")), problem.ErrForbidden, "policy.author-state"},
		{"an authority without the role", f.Sign(t, "khm.mnd", declaration.Kind, "declarations/khm/x", body("x")), problem.ErrForbidden, "declaration.role"},
		{"an organisation", f.Sign(t, "org.observer", declaration.Kind, "declarations/khm/x", body("x")), problem.ErrForbidden, "policy.author-state"},
		{"change note on a first version", f.Sign(t, "vnm.mfa", declaration.Kind, "declarations/vnm/x", withNote), problem.ErrInvalid, "declaration.first-version"},
		{"withdrawn first version", f.Sign(t, "vnm.mfa", declaration.Kind, "declarations/vnm/x", withdrawnFirst), problem.ErrInvalid, "declaration.first-version"},
		{"topic changed silently", f.Sign(t, "vnm.mfa", declaration.Kind, "declarations/vnm/defence-policy", topicChange, ledgertest.Prev(t, v1)), problem.ErrInvalid, "declaration.topic-change"},
		{"language tag", f.Sign(t, "vnm.mfa", declaration.Kind, "declarations/vnm/x", badLang), problem.ErrInvalid, "schema.pattern"},
		{"date format", f.Sign(t, "vnm.mfa", declaration.Kind, "declarations/vnm/x", badDate), problem.ErrInvalid, "schema.format"},
		{"subject form", f.Sign(t, "vnm.mfa", declaration.Kind, "declarations/viet-nam/x", body("x")), problem.ErrInvalid, "kind.subject"},
	} {
		t.Run(tc.name, func(t *testing.T) { ledgertest.MustRefuse(t, s, tc.entry, tc.kind, tc.rule) })
	}
	// A new version by another authority of the same state, with a note.
	v2 := body("Four nos")
	v2["change_note"] = "Adds a fourth no."
	ledgertest.MustAppend(t, s, f.Sign(t, "vnm.mfa", declaration.Kind, "declarations/vnm/defence-policy", v2, ledgertest.Prev(t, v1)))
	if h, _ := s.Head("declarations/vnm/defence-policy"); h.Version != 2 || h.Data.(*declaration.State).Category != "alliance" {
		t.Errorf("head = %+v", h)
	}
}
