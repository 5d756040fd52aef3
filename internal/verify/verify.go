// Package verify checks one record the way an outsider would, with nothing
// but the public log and the log's key: that the log's checkpoint is signed,
// that the record is in the tree the checkpoint signs, that the record's
// signatures verify with the keys the log itself gave its signers at that
// point, that the record passes every rule of the register, and that the
// log's history is consistent with the last checkpoint this client saw (so a
// rolled-back or forked log is caught).
package verify

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/record"
	"github.com/kongsi/kongsi/internal/tlog"
	"golang.org/x/mod/sumdb/note"
)

// Options configure a verification.
type Options struct {
	// Source is the public log. It may be nil when checking a proof file
	// offline; then only the checkpoint and the inclusion are checked.
	Source   tlog.Source
	Verifier note.Verifier // the log's key
	Kinds    *ledger.Kinds
	// StateDir keeps the last checkpoint seen of each log; empty disables
	// the check of consistency with earlier runs.
	StateDir string
	Progress func(done, total uint64)
	// Witnesses, if set, is the witness policy the checkpoint must
	// satisfy: a quorum of its witnesses must have cosigned it.
	Witnesses *tlog.Policy
}

// Result says what was checked.
type Result struct {
	Index      uint64
	Record     *record.Record
	Checkpoint *tlog.Checkpoint
	// Rules reports whether the record's signatures and rules were checked
	// (they need the log, to know the keys).
	Rules bool
	// Consistency describes the check against the last checkpoint seen.
	Consistency string
	// Cosignatures are the verified cosignatures of the checkpoint by the
	// witnesses of Options.Witnesses; CosignatureLines counts the
	// checkpoint's signature lines other than the log's.
	Cosignatures     []tlog.Cosignature
	CosignatureLines int
}

// ErrWitnesses reports a checkpoint without the cosignatures the witness
// policy requires.
var ErrWitnesses = tlog.ErrQuorum

// checkWitnesses checks the checkpoint's cosignatures against the policy,
// if one is given.
func checkWitnesses(o Options, res *Result) error {
	res.CosignatureLines = len(res.Checkpoint.Note.UnverifiedSigs)
	if o.Witnesses == nil {
		return nil
	}
	cs, err := o.Witnesses.Check(res.Checkpoint)
	res.Cosignatures = cs
	if err != nil {
		return fmt.Errorf("the checkpoint of size %d: %w", res.Checkpoint.Size, err)
	}
	return nil
}

// ErrForked reports a log whose history does not extend what was seen
// before.
var ErrForked = errors.New("the log's history is not consistent with what this client saw before")

// Index verifies the record at an index of the log.
func Index(ctx context.Context, o Options, index uint64) (*Result, error) {
	cp, err := tlog.ReadCheckpoint(ctx, o.Source, o.Verifier)
	if err != nil {
		return nil, err
	}
	if index >= cp.Size {
		return nil, fmt.Errorf("the log's checkpoint covers %d entries; there is no entry %d yet", cp.Size, index)
	}
	res := &Result{Index: index, Checkpoint: cp}
	if err := checkWitnesses(o, res); err != nil {
		return nil, err
	}
	if res.Consistency, err = consistency(ctx, o, cp); err != nil {
		return nil, err
	}
	var entry []byte
	for e, err := range tlog.Entries(ctx, o.Source, index, index+1, cp.Size) {
		if err != nil {
			return nil, err
		}
		entry = e.Data
	}
	p, err := tlog.BuildProof(ctx, o.Source, cp, index, nil)
	if err != nil {
		return nil, err
	}
	if _, err := p.Verify(entry, o.Verifier); err != nil {
		return nil, err
	}
	if res.Record, err = checkRules(ctx, o, cp, index, entry); err != nil {
		return nil, err
	}
	res.Rules = true
	return res, nil
}

// ProofFile verifies a proof in the C2SP tlog-proof format whose extra data
// is the record. With a Source, the record's rules and the consistency of the
// proof's checkpoint with the log are checked too.
func ProofFile(ctx context.Context, o Options, b []byte) (*Result, error) {
	p, err := tlog.ParseProof(b)
	if err != nil {
		return nil, err
	}
	if len(p.Extra) == 0 {
		return nil, errors.New("the proof carries no record in its extra line; give the record's index instead")
	}
	cp, err := p.Verify(p.Extra, o.Verifier)
	if err != nil {
		return nil, err
	}
	res := &Result{Index: p.Index, Checkpoint: cp}
	if err := checkWitnesses(o, res); err != nil {
		return nil, err
	}
	if res.Record, err = record.Parse(p.Extra); err != nil {
		return nil, fmt.Errorf("the proof's record is malformed: %w", err)
	}
	if o.Source == nil {
		res.Consistency = "not checked: no log given"
		return res, nil
	}
	latest, err := tlog.ReadCheckpoint(ctx, o.Source, o.Verifier)
	if err != nil {
		return nil, err
	}
	if err := tlog.CheckConsistency(ctx, o.Source, cp, latest); err != nil {
		return nil, fmt.Errorf("%w: the proof's checkpoint (size %d) and the log's latest (size %d): %v", ErrForked, cp.Size, latest.Size, err)
	}
	if res.Consistency, err = consistency(ctx, o, latest); err != nil {
		return nil, err
	}
	if _, err := checkRules(ctx, o, latest, p.Index, p.Extra); err != nil {
		return nil, err
	}
	res.Rules = true
	return res, nil
}

// RecordFile verifies a signed record, given as a file, with nothing but the
// public log: it looks for the record in the log while learning the keys
// from it, checks the record against every rule at the point where it
// stands, and proves its inclusion in the tree of the latest checkpoint.
func RecordFile(ctx context.Context, o Options, entry []byte) (*Result, error) {
	r, err := record.Parse(entry)
	if err != nil {
		return nil, fmt.Errorf("the file is not a signed record: %w", err)
	}
	cp, err := tlog.ReadCheckpoint(ctx, o.Source, o.Verifier)
	if err != nil {
		return nil, err
	}
	res := &Result{Checkpoint: cp, Record: r}
	if err := checkWitnesses(o, res); err != nil {
		return nil, err
	}
	if res.Consistency, err = consistency(ctx, o, cp); err != nil {
		return nil, err
	}
	st := ledger.NewState(o.Kinds)
	found := false
	for e, err := range tlog.Entries(ctx, o.Source, 0, cp.Size, cp.Size) {
		if err != nil {
			return nil, err
		}
		if bytes.Equal(e.Data, entry) {
			if _, err := st.Check(e.Data); err != nil {
				return nil, fmt.Errorf("record %d: %w", e.Index, err)
			}
			res.Index, found = e.Index, true
			break
		}
		if err := replay(st, e); err != nil {
			return nil, err
		}
		if o.Progress != nil && e.Index%5000 == 0 {
			o.Progress(e.Index+1, cp.Size)
		}
	}
	if !found {
		return nil, fmt.Errorf("the record is not in the log (checked all %d entries): it was never submitted, was refused, or the log left it out", cp.Size)
	}
	p, err := tlog.BuildProof(ctx, o.Source, cp, res.Index, nil)
	if err != nil {
		return nil, err
	}
	if _, err := p.Verify(entry, o.Verifier); err != nil {
		return nil, err
	}
	res.Rules = true
	return res, nil
}

// replay applies an entry read from the log to st, verifying the
// signatures of the records that change parties and keys.
func replay(st *ledger.State, e tlog.Entry) error {
	r, err := record.Parse(e.Data)
	if err != nil {
		return fmt.Errorf("log entry %d is malformed (%v); run kongsi audit", e.Index, err)
	}
	if partyKind(r.Kind) {
		_, err = st.Check(e.Data)
	} else {
		err = st.ReplayRecord(r)
	}
	if err != nil {
		return fmt.Errorf("log entry %d breaks the register's rules (%v); run kongsi audit", e.Index, err)
	}
	return nil
}

// checkRules replays the log before index to learn the register's parties
// and keys, verifying the signatures of every record that changes them, and
// then checks the record at index against every rule.
func checkRules(ctx context.Context, o Options, cp *tlog.Checkpoint, index uint64, entry []byte) (*record.Record, error) {
	st := ledger.NewState(o.Kinds)
	for e, err := range tlog.Entries(ctx, o.Source, 0, index, cp.Size) {
		if err != nil {
			return nil, err
		}
		if err := replay(st, e); err != nil {
			return nil, err
		}
		if o.Progress != nil && (e.Index%5000 == 0 || e.Index+1 == index) {
			o.Progress(e.Index+1, index)
		}
	}
	r, err := st.Check(entry)
	if err != nil {
		return nil, fmt.Errorf("record %d: %w", index, err)
	}
	return r, nil
}

func partyKind(k string) bool {
	switch k {
	case ledger.KindCharter, ledger.KindPartyAdmit, ledger.KindPartyUpdate, ledger.KindAuthorityRegister, ledger.KindKeyRotate, ledger.KindKeyRevoke:
		return true
	}
	return false
}

// consistency checks cp against the last checkpoint this client saw of the
// log, and remembers cp if it is newer.
func consistency(ctx context.Context, o Options, cp *tlog.Checkpoint) (string, error) {
	if o.StateDir == "" {
		return "not checked: no client state", nil
	}
	// A log is its origin and its key: another register founded under the
	// same origin (a demonstration register made anew) is another log,
	// with a history of its own.
	sum := sha256.Sum256(fmt.Appendf(nil, "%s+%08x", o.Verifier.Name(), o.Verifier.KeyHash()))
	path := filepath.Join(o.StateDir, hex.EncodeToString(sum[:8])+".checkpoint")
	raw, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return "first check of this log from this client: its checkpoint is remembered for the next", save(path, cp)
	case err != nil:
		return "", fmt.Errorf("couldn't read the last checkpoint seen: %w", err)
	}
	seen, err := tlog.ParseCheckpoint(raw, o.Verifier)
	if err != nil {
		return "", fmt.Errorf("the last checkpoint seen, in %s, is invalid: %w", path, err)
	}
	if cp.Size < seen.Size {
		// A rolled-back log, or a mirror that lags: either way the source
		// cannot prove that what it shows is a prefix of what was seen
		// unless it still holds the larger tree.
		if err := tlog.CheckConsistency(ctx, o.Source, cp, seen); err != nil {
			return "", fmt.Errorf("%w: this client saw the log at size %d, and it now shows size %d, which it cannot prove to be a prefix of what was seen: the log was rolled back, or this is a lagging copy (%v)", ErrForked, seen.Size, cp.Size, err)
		}
		return fmt.Sprintf("the log shows an older state (size %d) than this client saw (size %d), consistent with it", cp.Size, seen.Size), nil
	}
	if err := tlog.CheckConsistency(ctx, o.Source, seen, cp); err != nil {
		return "", fmt.Errorf("%w: %v (the checkpoint seen before is in %s)", ErrForked, err, path)
	}
	if bytes.Equal(seen.Raw, cp.Raw) {
		return fmt.Sprintf("the same checkpoint as seen before (size %d)", cp.Size), nil
	}
	return fmt.Sprintf("consistent with the checkpoint of size %d seen before", seen.Size), save(path, cp)
}

func save(path string, cp *tlog.Checkpoint) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, cp.Raw, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
