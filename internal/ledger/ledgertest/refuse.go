package ledgertest

import (
	"errors"
	"testing"

	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/problem"
)

// MustRefuse checks that s refuses entry with a problem of the given kind
// (problem.ErrInvalid, problem.ErrForbidden…) and rule, and that the
// refusal leaves the state as it was. It returns the problem, for checks
// of its field or text.
func MustRefuse(t testing.TB, s *ledger.State, entry []byte, kind error, rule string) *problem.Error {
	t.Helper()
	size := s.Size()
	_, err := s.Check(entry)
	var pe *problem.Error
	if !errors.Is(err, kind) || !errors.As(err, &pe) || pe.Rule != rule {
		got := ""
		if pe != nil {
			got = pe.Rule
		}
		t.Fatalf("Check = %v (rule %q), want %v with rule %q", err, got, kind, rule)
	}
	if s.Size() != size {
		t.Fatal("a refused record changed the state")
	}
	return pe
}
