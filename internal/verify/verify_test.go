package verify_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/ledger/ledgertest"
	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/tlog"
	"github.com/kongsi/kongsi/internal/verify"
	"github.com/kongsi/kongsi/internal/witness/witnesstest"
	"golang.org/x/mod/sumdb/note"
)

var memo = &ledger.Kind{
	Name: "memo", Title: "Memo",
	Schema:  []byte(`{"type":"object","required":["text"],"properties":{"text":{"type":"string"}}}`),
	Subject: regexp.MustCompile(`^memos/[a-z]{3}/[a-z0-9/-]+$`), SubjectHelp: "memos/<state>/<topic>",
	Check: func(c *ledger.Context) (any, error) { return nil, nil },
}

func appendTo(t *testing.T, f *ledgertest.Fixture, dir string, entries [][]byte) {
	t.Helper()
	ctx := context.Background()
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
}

func memos(t *testing.T, f *ledgertest.Fixture, prefix string, n int) [][]byte {
	var out [][]byte
	for i := range n {
		out = append(out, f.Sign(t, "khm.mnd", "memo", ledgertest.Subject("memos/khm/"+prefix, i), map[string]any{"text": prefix}))
	}
	return out
}

func TestVerify(t *testing.T) {
	ctx := context.Background()
	f := ledgertest.New(t)
	kinds, _ := ledger.NewKinds(memo)
	v, _ := note.NewVerifier(f.LogVKey)
	root := t.TempDir()
	state := filepath.Join(root, "client")
	opts := func(dir string) verify.Options {
		return verify.Options{Source: tlog.DirSource(dir), Verifier: v, Kinds: kinds, StateDir: state}
	}

	main := filepath.Join(root, "main")
	appendTo(t, f, main, append([][]byte{f.CharterEntry}, memos(t, f, "a", 10)...))
	// A copy of the log at size 11, before it grows: a lagging mirror.
	lagging := filepath.Join(root, "lagging")
	if out, err := exec.Command("cp", "-a", main, lagging).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v %s", err, out)
	}
	appendTo(t, f, main, memos(t, f, "b", 10))

	res, err := verify.Index(ctx, opts(main), 5)
	if err != nil {
		t.Fatal(err)
	}
	if res.Record.Author != "khm.mnd" || !res.Rules || !strings.Contains(res.Consistency, "first check") || res.Checkpoint.Size != 21 {
		t.Errorf("first verification: %+v", res)
	}
	res, err = verify.Index(ctx, opts(main), 20)
	if err != nil || !strings.Contains(res.Consistency, "same checkpoint") {
		t.Errorf("second verification: %v, %+v", err, res)
	}
	// A copy of an older state cannot prove it is a prefix of what was
	// seen: it is reported, as a rollback would be.
	if _, err := verify.Index(ctx, opts(lagging), 3); !errors.Is(err, verify.ErrForked) || !strings.Contains(err.Error(), "rolled back") {
		t.Errorf("lagging copy: %v", err)
	}
	// A log signed with the same key that tells another story is caught.
	fork := filepath.Join(root, "fork")
	appendTo(t, f, fork, append([][]byte{f.CharterEntry}, memos(t, f, "c", 25)...))
	if _, err := verify.Index(ctx, opts(fork), 3); !errors.Is(err, verify.ErrForked) {
		t.Errorf("a forked log: %v", err)
	}
	// So is one that was rolled back and rewritten.
	rolled := filepath.Join(root, "rolled")
	appendTo(t, f, rolled, append([][]byte{f.CharterEntry}, memos(t, f, "d", 5)...))
	if _, err := verify.Index(ctx, opts(rolled), 3); !errors.Is(err, verify.ErrForked) {
		t.Errorf("a rolled-back log: %v", err)
	}
	if _, err := verify.Index(ctx, opts(main), 99); err == nil {
		t.Error("verified an index beyond the log")
	}
	// A register founded anew under the same origin, with another log key,
	// is another log: its first check starts its own history.
	f2 := ledgertest.New(t)
	v2, _ := note.NewVerifier(f2.LogVKey)
	if v2.Name() != v.Name() {
		t.Fatalf("the fixtures' origins differ: %q, %q", v2.Name(), v.Name())
	}
	other := filepath.Join(root, "other")
	appendTo(t, f2, other, append([][]byte{f2.CharterEntry}, memos(t, f2, "e", 3)...))
	o2 := opts(other)
	o2.Verifier = v2
	res, err = verify.Index(ctx, o2, 2)
	if err != nil || !strings.Contains(res.Consistency, "first check") {
		t.Errorf("another log under the same origin: %v, %+v", err, res)
	}
}

func TestProofFile(t *testing.T) {
	ctx := context.Background()
	f := ledgertest.New(t)
	kinds, _ := ledger.NewKinds(memo)
	v, _ := note.NewVerifier(f.LogVKey)
	dir := filepath.Join(t.TempDir(), "log")
	entries := append([][]byte{f.CharterEntry}, memos(t, f, "a", 6)...)
	appendTo(t, f, dir, entries)
	cp, err := tlog.ReadCheckpoint(ctx, tlog.DirSource(dir), v)
	if err != nil {
		t.Fatal(err)
	}
	p, err := tlog.BuildProof(ctx, tlog.DirSource(dir), cp, 4, entries[4])
	if err != nil {
		t.Fatal(err)
	}
	// Offline: the checkpoint and the inclusion only.
	res, err := verify.ProofFile(ctx, verify.Options{Verifier: v, Kinds: kinds}, p.Marshal())
	if err != nil || res.Rules || res.Index != 4 {
		t.Fatalf("offline: %v, %+v", err, res)
	}
	// With the log: the rules too.
	if res, err = verify.ProofFile(ctx, verify.Options{Source: tlog.DirSource(dir), Verifier: v, Kinds: kinds}, p.Marshal()); err != nil || !res.Rules {
		t.Fatalf("online: %v, %+v", err, res)
	}
	// A proof whose record was swapped fails.
	p.Extra = entries[5]
	if _, err := verify.ProofFile(ctx, verify.Options{Verifier: v, Kinds: kinds}, p.Marshal()); err == nil {
		t.Error("a proof for another record verified")
	}
	// A proof signed by another log's key fails.
	other, _ := note.NewVerifier(f.VKeys["khm.mnd"])
	p.Extra = entries[4]
	if _, err := verify.ProofFile(ctx, verify.Options{Verifier: other, Kinds: kinds}, p.Marshal()); err == nil {
		t.Error("a proof verified with the wrong log key")
	}
	// A record file is found in the log and checked.
	if res, err := verify.RecordFile(ctx, verify.Options{Source: tlog.DirSource(dir), Verifier: v, Kinds: kinds}, entries[5]); err != nil || res.Index != 5 || !res.Rules {
		t.Fatalf("record file: %v, %+v", err, res)
	}
	if _, err := verify.RecordFile(ctx, verify.Options{Source: tlog.DirSource(dir), Verifier: v, Kinds: kinds}, f.Sign(t, "khm.mnd", "memo", "memos/khm/never", map[string]any{"text": "x"})); err == nil || !strings.Contains(err.Error(), "not in the log") {
		t.Fatalf("a record never submitted: %v", err)
	}
	// A record that breaks a rule is caught even if the log holds it.
	bad := filepath.Join(t.TempDir(), "log")
	unauthorised := f.Sign(t, "khm.mnd", ledger.KindKeyRevoke, "parties/vnm.mfa", map[string]any{"key": f.VKeys["vnm.mfa"], "reason": "not mine to revoke"}, ledgertest.Prev(t, f.CharterEntry))
	appendTo(t, f, bad, [][]byte{f.CharterEntry, unauthorised})
	_, err = verify.Index(ctx, verify.Options{Source: tlog.DirSource(bad), Verifier: v, Kinds: kinds}, 1)
	if !errors.Is(err, problem.ErrForbidden) {
		t.Errorf("a record that breaks the rules: %v", err)
	}
	os.RemoveAll(bad)
}

// TestVerifyWitnesses checks a record whose checkpoint one witness cosigned
// against policies it satisfies and one it does not.
func TestVerifyWitnesses(t *testing.T) {
	ctx := context.Background()
	f := ledgertest.New(t)
	kinds, _ := ledger.NewKinds(memo)
	v, _ := note.NewVerifier(f.LogVKey)
	w1 := witnesstest.Start(t, "w1.example", f.LogVKey)
	w2 := witnesstest.Start(t, "w2.example", f.LogVKey)
	dir := t.TempDir()
	l, err := tlog.Open(ctx, tlog.Options{Dir: dir, Signer: f.LogSigner, Witnesses: tlog.StaticPolicies{witnesstest.Policy(1, w1)}})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range append([][]byte{f.CharterEntry}, memos(t, f, "m", 3)...) {
		if _, err := l.Add(ctx, e)(); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(ctx); err != nil {
		t.Fatal(err)
	}
	o := verify.Options{Source: tlog.DirSource(dir), Verifier: v, Kinds: kinds}
	res, err := verify.Index(ctx, o, 2)
	if err != nil || res.CosignatureLines != 1 || res.Cosignatures != nil {
		t.Fatalf("without a policy: %v, %d lines, %v", err, res.CosignatureLines, res.Cosignatures)
	}
	o.Witnesses = witnesstest.Policy(1, w1, w2)
	if res, err = verify.Index(ctx, o, 2); err != nil || len(res.Cosignatures) != 1 || res.Cosignatures[0].Witness.Name != "w1.example" {
		t.Fatalf("with 1 of w1, w2: %v, %v", err, res)
	}
	o.Witnesses = witnesstest.Policy(2, w1, w2)
	if _, err := verify.Index(ctx, o, 2); !errors.Is(err, verify.ErrWitnesses) {
		t.Fatalf("with 2 of w1, w2: %v, want ErrWitnesses", err)
	}
	o.Witnesses = witnesstest.Policy(1, w2)
	if _, err := verify.Index(ctx, o, 2); !errors.Is(err, verify.ErrWitnesses) {
		t.Fatalf("with 1 of w2: %v, want ErrWitnesses", err)
	}
}
