package audit_test

import (
	"context"
	"errors"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kongsi/kongsi/internal/audit"
	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/ledger/ledgertest"
	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/tlog"
	"golang.org/x/mod/sumdb/note"
)

var memo = &ledger.Kind{
	Name: "memo", Title: "Memo",
	Schema:  []byte(`{"type":"object","required":["text"],"properties":{"text":{"type":"string"}}}`),
	Subject: regexp.MustCompile(`^memos/[a-z]{3}/[a-z0-9-]+$`), SubjectHelp: "memos/<state>/<topic>",
	Check: func(c *ledger.Context) (any, error) {
		return nil, c.RequireAuthorOfState(ledger.SubjectSegment(c.Record.Subject, 1), "memos are the state's")
	},
}

// writeLog appends entries straight to a Tessera log, as a misbehaving
// operator could, bypassing the register's checks.
func writeLog(t *testing.T, f *ledgertest.Fixture, entries [][]byte) string {
	t.Helper()
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "log")
	l, err := tlog.Open(ctx, tlog.Options{Dir: dir, Signer: f.LogSigner})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if _, err := l.Add(ctx, e)(); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(ctx); err != nil {
		t.Fatal(err)
	}
	return dir
}

func run(t *testing.T, f *ledgertest.Fixture, dir string) *audit.Report {
	t.Helper()
	kinds, _ := ledger.NewKinds(memo)
	v, _ := note.NewVerifier(f.LogVKey)
	rep, err := audit.Run(context.Background(), audit.Options{Source: tlog.DirSource(dir), Verifier: v, Kinds: kinds})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestAudit(t *testing.T) {
	f := ledgertest.New(t)
	good := [][]byte{f.CharterEntry}
	for i := range 40 {
		good = append(good, f.Sign(t, "khm.mnd", "memo", ledgertest.Subject("memos/khm", i), map[string]any{"text": "ok"}))
	}
	forged := []byte(strings.Replace(string(f.Sign(t, "khm.mnd", "memo", "memos/khm/forged", map[string]any{"text": "honest"})), "honest", "forged", 1))

	for _, tc := range []struct {
		name    string
		entries [][]byte
		index   uint64
		kind    error
		rule    string
	}{
		{"forged signature", append(append(append([][]byte{}, good[:10]...), forged), good[10:]...), 10, problem.ErrForbidden, "signature.invalid"},
		{"unauthorised author", append(append([][]byte{}, good[:5]...), f.Sign(t, "vnm.mfa", "memo", "memos/khm/x", map[string]any{"text": "not yours"})), 5, problem.ErrForbidden, "policy.author-state"},
		{"replay", append(append([][]byte{}, good...), good[3]), uint64(len(good)), problem.ErrConflict, "replay"},
		{"not a record", append(append([][]byte{}, good[:2]...), []byte("garbage")), 2, problem.ErrInvalid, "signed-note"},
		{"no charter", good[1:4], 0, problem.ErrInvalid, "charter.first"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := run(t, f, writeLog(t, f, tc.entries))
			var pe *problem.Error
			if rep.OK() || rep.Failure == nil || rep.Failure.Index != tc.index || !errors.Is(rep.Failure.Err, tc.kind) || !errors.As(rep.Failure.Err, &pe) || pe.Rule != tc.rule {
				t.Fatalf("failure %+v, want index %d, %v, rule %q", rep.Failure, tc.index, tc.kind, tc.rule)
			}
			if !rep.RootMatches || rep.Checked != uint64(len(tc.entries)) {
				t.Errorf("root matches %v, checked %d", rep.RootMatches, rep.Checked)
			}
		})
	}
	t.Run("a good log", func(t *testing.T) {
		rep := run(t, f, writeLog(t, f, good))
		if !rep.OK() || rep.Kinds["memo"] != 40 {
			t.Fatalf("report %+v", rep)
		}
	})
}
