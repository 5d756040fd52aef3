package ledger_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/ledger/ledgertest"
	"github.com/kongsi/kongsi/internal/record"
)

type tallyBody struct {
	Text  string `json:"text"`
	Count int    `json:"count"`
}

// tally's rules read the body into tallyBody, with a count of 7 unless
// the body gives one, and keep it as the subject's state.
var tally = &ledger.Kind{
	Name: "tally", Title: "Tally",
	Schema:  []byte(`{"type":"object","additionalProperties":false,"required":["text"],"properties":{"text":{"type":"string"},"count":{"type":"integer"}}}`),
	Subject: regexp.MustCompile(`^tallies/[a-z0-9-]+$`), SubjectHelp: "tallies/<name>",
	Check: func(c *ledger.Context) (any, error) {
		var b tallyBody
		if c.Record.Subject == "tallies/defaults" {
			b.Count = 7
		}
		if err := c.Decode(&b); err != nil {
			return nil, err
		}
		return b, nil
	},
}

// TestDecodeAhead checks that bodies decoded ahead of the rules, by
// CheckForm, reach them as a decoding of their own would.
func TestDecodeAhead(t *testing.T) {
	kinds, err := ledger.NewKinds(tally)
	if err != nil {
		t.Fatal(err)
	}
	f := ledgertest.New(t)
	s := ledger.NewState(kinds)
	ledgertest.MustAppend(t, s, f.CharterEntry)
	for i := range 3 {
		entry := f.Sign(t, "khm.mnd", "tally", fmt.Sprintf("tallies/t%d", i), map[string]any{"text": fmt.Sprint("tally ", i), "count": i})
		r, err := record.Parse(entry)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := kinds.CheckForm(r); err != nil {
			t.Fatal(err)
		}
		// The first record teaches the kind the type its rules read.
		if d, ok := r.Decoded.(*tallyBody); i > 0 && (!ok || d.Text != fmt.Sprint("tally ", i) || d.Count != i) {
			t.Fatalf("record %d: decoded ahead as %#v", i, r.Decoded)
		}
		if err := s.ReplayChecked(r, mustKind(t, kinds, "tally")); err != nil {
			t.Fatal(err)
		}
		h, _ := s.Head(r.Subject)
		if got := h.Data.(tallyBody); got.Text != fmt.Sprint("tally ", i) || got.Count != i {
			t.Errorf("record %d: the rules read %#v", i, got)
		}
	}
	// A value the rules filled in before decoding keeps what the body does
	// not set, as json.Unmarshal does.
	if _, err := s.Check(f.Sign(t, "khm.mnd", "tally", "tallies/defaults", map[string]any{"text": "defaults"})); err != nil {
		t.Fatal(err)
	}
	if h, _ := s.Head("tallies/defaults"); h.Data.(tallyBody).Count != 7 {
		t.Errorf("the rules read %#v, want the count they set", h.Data)
	}
}

func mustKind(t *testing.T, ks *ledger.Kinds, name string) *ledger.Kind {
	t.Helper()
	k, ok := ks.Get(name)
	if !ok {
		t.Fatalf("no kind %q", name)
	}
	return k
}
