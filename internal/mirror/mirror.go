// Package mirror keeps a verified copy of another node's log. It follows the
// upstream's checkpoints, checks each one's signature and cosignatures,
// copies the new entries, checks that they make up exactly the tree the
// checkpoint signs (so the new tree extends everything the mirror held),
// and writes the tiles and bundles itself, so that it serves the same log
// under /log/. It keeps every checkpoint it sees and checks each against
// its copy. When the upstream shows two different trees of one size, or a
// tree that does not extend what the mirror holds, the mirror stops
// advancing and keeps the evidence: the two signed checkpoints, and the
// consistency proof that fails.
package mirror

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/record"
	"github.com/kongsi/kongsi/internal/tlog"
	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"github.com/transparency-dev/tessera/client"
	"golang.org/x/mod/sumdb/note"
)

// Paths in a mirror's data directory, besides the node's.
const (
	StateFile  = "mirror.db"
	stagingDir = "mirror-staging"
)

// Options configure a mirror.
type Options struct {
	// Dir is the mirror's data directory; the log's copy is in Dir/log.
	Dir string
	// Upstream is the log to copy, and UpstreamURL its address, for people.
	Upstream    tlog.Source
	UpstreamURL string
	// Verifier is the log's key.
	Verifier note.Verifier
	// Witnesses, if set, is a witness policy every checkpoint must
	// satisfy, besides the policy the register's records set.
	Witnesses *tlog.Policy
	// Interval is how often the upstream checkpoint is read; 1s by
	// default.
	Interval time.Duration
	Logger   *slog.Logger
}

// SplitView is the evidence that a log showed two histories that cannot
// both be true.
type SplitView struct {
	DetectedAt time.Time `json:"detected_at"`
	// Kind is "same-size" (two different trees of one size),
	// "not-extending" (a larger tree whose consistency proof from the tree
	// the mirror holds does not verify) or "not-a-prefix" (a smaller tree
	// that the tree the mirror holds does not extend).
	Kind    string `json:"kind"`
	Summary string `json:"summary"`
	// Held is the checkpoint the mirror had verified and copied; Conflicting
	// is the one that contradicts it. Both are signed by the log's key.
	Held        string `json:"held_checkpoint"`
	Conflicting string `json:"conflicting_checkpoint"`
	// Source says where the conflicting checkpoint came from.
	Source string `json:"source"`
	// Proof is the consistency proof between the two trees (base64
	// hashes), from ProofFrom to ProofTo, as ProofSource served it, and
	// ProofError why it does not verify. Empty for "same-size".
	ProofFrom   uint64   `json:"proof_from,omitempty"`
	ProofTo     uint64   `json:"proof_to,omitempty"`
	Proof       []string `json:"proof,omitempty"`
	ProofSource string   `json:"proof_source,omitempty"`
	ProofError  string   `json:"proof_error,omitempty"`
}

// ErrSplitView is returned by Run when the mirror detects a split view.
var ErrSplitView = errors.New("the log showed a split view")

// Status is what a mirror knows of its upstream.
type Status struct {
	Upstream string `json:"upstream"`
	// Size is the size of the tree the mirror holds, and Checkpoint its
	// checkpoint, as the upstream published it.
	Size       uint64 `json:"size"`
	Checkpoint string `json:"checkpoint,omitempty"`
	// UpstreamSize is the size of the upstream's latest checkpoint.
	UpstreamSize uint64    `json:"upstream_size"`
	LastCheck    time.Time `json:"last_check,omitzero"`
	LastAdvance  time.Time `json:"last_advance,omitzero"`
	// Cosignatures says how the last checkpoint adopted was checked.
	Cosignatures string `json:"cosignatures,omitempty"`
	// Waiting says why the mirror does not adopt the upstream's latest
	// checkpoint yet, if it does not.
	Waiting string `json:"waiting,omitempty"`
	// Error is the last fault reading the upstream, if the last check
	// failed.
	Error string `json:"error,omitempty"`
	// Seen is the number of distinct checkpoints seen.
	Seen      int        `json:"checkpoints_seen"`
	SplitView *SplitView `json:"split_view,omitempty"`
}

// Mirror copies a log.
type Mirror struct {
	opts   Options
	logDir string
	local  tlog.Source
	db     *stateDB

	// Owned by Run's goroutine.
	rng      *compact.Range
	hist     *ledger.WitnessHistory
	lastSeen string // the last checkpoint recorded as seen
	// settled is the last checkpoint fully dealt with: checked against
	// the copy, adopted, or refused for want of cosignatures. The same
	// checkpoint read again changes nothing.
	settled string

	mu     sync.Mutex
	status Status
}

var rangeFactory = &compact.RangeFactory{Hash: rfc6962.DefaultHasher.HashChildren}

// Open opens the mirror in opts.Dir, creating it if need be, and checks the
// copy it holds: that its entries make up the tree of its checkpoint.
func Open(ctx context.Context, opts Options) (*Mirror, error) {
	if opts.Interval == 0 {
		opts.Interval = time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	m := &Mirror{opts: opts, logDir: filepath.Join(opts.Dir, "log"), hist: &ledger.WitnessHistory{}}
	m.local = tlog.DirSource(m.logDir)
	m.status.Upstream = opts.UpstreamURL
	if err := os.MkdirAll(m.logDir, 0o755); err != nil {
		return nil, fmt.Errorf("couldn't create the mirror's log directory: %w", err)
	}
	if err := removeStale(filepath.Join(opts.Dir, stagingDir)); err != nil {
		return nil, err
	}
	var err error
	if m.db, err = openState(ctx, filepath.Join(opts.Dir, StateFile)); err != nil {
		return nil, err
	}
	if sv, err := m.db.splitView(ctx); err == nil {
		m.status.SplitView = sv
	} else if !errors.Is(err, errNoSplitView) {
		m.db.close()
		return nil, err
	}
	if err := m.load(ctx); err != nil {
		m.db.close()
		return nil, err
	}
	if m.status.Seen, err = m.db.countSeen(ctx); err != nil {
		m.db.close()
		return nil, err
	}
	return m, nil
}

// load reads the mirror's copy: the leaf hashes of its entries, and the
// witness records among them.
func (m *Mirror) load(ctx context.Context) error {
	m.rng = rangeFactory.NewEmptyRange(0)
	cp, err := tlog.ReadCheckpoint(ctx, m.local, m.opts.Verifier)
	if errors.Is(err, tlog.ErrNoCheckpoint) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("the mirror's own checkpoint: %w", err)
	}
	for e, err := range tlog.Entries(ctx, m.local, 0, cp.Size, cp.Size) {
		if err != nil {
			return fmt.Errorf("couldn't read the mirror's copy: %w", err)
		}
		if err := m.rng.Append(tlog.LeafHash(e.Data), nil); err != nil {
			return err
		}
		observe(m.hist, e)
	}
	root, err := m.rng.GetRootHash(nil)
	if err != nil || !bytes.Equal(root, cp.Hash) {
		return fmt.Errorf("the mirror's copy in %s does not make up the tree its checkpoint signs: it was damaged; start the mirror again in an empty directory", m.logDir)
	}
	m.status.Size, m.status.Checkpoint = cp.Size, string(cp.Raw)
	return nil
}

// observe notes the witness records of the log: a checkpoint of size N must
// satisfy the witness policy its first N entries set. The register's rules
// are checked by the projector, which stops on a record that breaks them.
func observe(h *ledger.WitnessHistory, e tlog.Entry) {
	r, err := record.Parse(e.Data)
	if err != nil {
		return
	}
	h.Observe(e.Index, r)
}

// Close closes the mirror's state.
func (m *Mirror) Close() error { return m.db.close() }

// Status returns what the mirror knows.
func (m *Mirror) Status() Status {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.status
}

func (m *Mirror) update(f func(s *Status)) {
	m.mu.Lock()
	f(&m.status)
	m.mu.Unlock()
}

// Run follows the upstream until ctx ends, or a split view is detected: it
// then returns an error wrapping ErrSplitView, and the mirror holds what it
// had.
func (m *Mirror) Run(ctx context.Context) error {
	if sv := m.Status().SplitView; sv != nil {
		return fmt.Errorf("%w, detected %s: %s", ErrSplitView, sv.DetectedAt.Format(time.RFC3339), sv.Summary)
	}
	t := time.NewTicker(m.opts.Interval)
	defer t.Stop()
	for {
		err := m.Sync(ctx)
		if errors.Is(err, ErrSplitView) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// Sync reads the upstream's checkpoint once and acts on it: adopts it if it
// extends the mirror's copy and carries the cosignatures its policies
// require. It returns an error wrapping ErrSplitView if the checkpoint
// contradicts what the mirror holds.
func (m *Mirror) Sync(ctx context.Context) error {
	err := m.sync(ctx)
	m.update(func(s *Status) {
		s.LastCheck = time.Now().UTC()
		s.Error = ""
		if err != nil && !errors.Is(err, ErrSplitView) {
			s.Error = err.Error()
		}
	})
	if err != nil && !errors.Is(err, ErrSplitView) {
		m.opts.Logger.Warn("couldn't follow the upstream", "upstream", m.opts.UpstreamURL, "error", err)
	}
	return err
}

func (m *Mirror) sync(ctx context.Context) error {
	if m.Status().SplitView != nil {
		return ErrSplitView
	}
	cp, err := tlog.ReadCheckpoint(ctx, m.opts.Upstream, m.opts.Verifier)
	if err != nil {
		return fmt.Errorf("the upstream's checkpoint: %w", err)
	}
	if string(cp.Raw) == m.settled {
		return nil
	}
	if string(cp.Raw) != m.lastSeen {
		if err := m.db.seen(ctx, cp.Size, cp.Hash, cp.Raw); err != nil {
			return err
		}
		m.lastSeen = string(cp.Raw)
	}
	n, _ := m.db.countSeen(ctx)
	m.update(func(s *Status) { s.UpstreamSize, s.Seen = cp.Size, n })
	held := m.rng.End()
	if cp.Size <= held {
		if err := m.checkAgainstCopy(ctx, cp.Size, cp.Hash, cp.Raw); err != nil {
			return err
		}
		waiting := ""
		if cp.Size < held {
			waiting = fmt.Sprintf("the upstream shows an older checkpoint (size %d) than the mirror holds (%d); it is consistent with the mirror's copy", cp.Size, held)
		}
		m.update(func(s *Status) { s.Waiting = waiting })
		m.settled = string(cp.Raw)
		return nil
	}
	return m.extend(ctx, cp)
}

// checkAgainstCopy checks a signed tree of size at most the mirror's
// against the mirror's copy, and keeps the evidence if they differ.
func (m *Mirror) checkAgainstCopy(ctx context.Context, size uint64, hash, raw []byte) error {
	held := m.rng.End()
	heldCP := m.Status().Checkpoint
	if size == held {
		root, err := m.rng.GetRootHash(nil)
		if err != nil {
			return err
		}
		if !bytes.Equal(root, hash) {
			return m.splitView(ctx, &SplitView{
				Kind:    "same-size",
				Summary: fmt.Sprintf("the log signed two different trees of size %d", size),
				Held:    heldCP, Conflicting: string(raw), Source: m.opts.UpstreamURL,
			})
		}
		return m.db.markChecked(ctx, size, hash)
	}
	var p [][]byte
	var err error
	if size > 0 {
		pb, err := client.NewProofBuilder(ctx, held, m.local.ReadTile)
		if err != nil {
			return fmt.Errorf("couldn't read the mirror's tiles: %w", err)
		}
		if p, err = pb.ConsistencyProof(ctx, size, held); err != nil {
			return fmt.Errorf("couldn't build a consistency proof from the mirror's tiles: %w", err)
		}
	}
	root, _ := m.rng.GetRootHash(nil)
	if size == 0 {
		if !bytes.Equal(hash, rfc6962.DefaultHasher.EmptyRoot()) {
			err = errors.New("the root of an empty tree is the hash of nothing")
		}
	} else {
		err = proof.VerifyConsistency(rfc6962.DefaultHasher, size, held, p, hash, root)
	}
	if err != nil {
		return m.splitView(ctx, &SplitView{
			Kind:    "not-a-prefix",
			Summary: fmt.Sprintf("the log signed a tree of size %d that the tree of size %d the mirror holds does not extend", size, held),
			Held:    heldCP, Conflicting: string(raw), Source: m.opts.UpstreamURL,
			ProofFrom: size, ProofTo: held, Proof: b64(p), ProofSource: "the mirror's own copy", ProofError: err.Error(),
		})
	}
	return m.db.markChecked(ctx, size, hash)
}

// extend copies the entries of a larger tree, and adopts its checkpoint if
// they make up that tree and it carries the cosignatures required.
func (m *Mirror) extend(ctx context.Context, cp *tlog.Checkpoint) error {
	from := m.rng.End()
	st, err := newStage(filepath.Join(m.opts.Dir, stagingDir))
	if err != nil {
		return err
	}
	committed := false
	defer func() {
		if !committed {
			st.discard()
		}
	}()
	rng, err := rangeFactory.NewRange(m.rng.Begin(), m.rng.End(), append([][]byte{}, m.rng.Hashes()...))
	if err != nil {
		return err
	}
	hist := m.hist.Clone()
	tw := newTileWriter(ctx, m.local, from, st)
	bw, err := newBundleWriter(ctx, m.local, from, st)
	if err != nil {
		return err
	}
	for e, err := range tlog.Entries(ctx, m.opts.Upstream, from, cp.Size, cp.Size) {
		if err != nil {
			return fmt.Errorf("couldn't copy the upstream's entries: %w", err)
		}
		if err := rng.Append(tlog.LeafHash(e.Data), tw.visit); err != nil {
			return err
		}
		if err := bw.add(e.Data); err != nil {
			return err
		}
		observe(hist, e)
	}
	if err := tw.flush(); err != nil {
		return err
	}
	if err := bw.flush(); err != nil {
		return err
	}
	root, err := rng.GetRootHash(nil)
	if err != nil {
		return err
	}
	if !bytes.Equal(root, cp.Hash) {
		return m.notExtending(ctx, from, cp)
	}
	// The new tree extends the one held. Does it carry the cosignatures
	// its policies require?
	cosigs, err := m.checkCosignatures(cp, hist)
	if err != nil {
		m.update(func(s *Status) { s.Waiting = err.Error() })
		m.settled = string(cp.Raw)
		return nil
	}
	// Commit: the files first, then the checkpoint that refers to them. A
	// crash before the checkpoint is written leaves the old checkpoint, and
	// the copy it describes, intact.
	if err := st.commit(m.logDir); err != nil {
		return err
	}
	committed = true
	if err := replaceFile(filepath.Join(m.logDir, "checkpoint"), cp.Raw); err != nil {
		return fmt.Errorf("couldn't write the checkpoint: %w", err)
	}
	m.rng, m.hist, m.settled = rng, hist, string(cp.Raw)
	if err := m.db.markChecked(ctx, cp.Size, cp.Hash); err != nil {
		return err
	}
	m.update(func(s *Status) {
		s.Size, s.Checkpoint, s.LastAdvance, s.Waiting, s.Cosignatures = cp.Size, string(cp.Raw), time.Now().UTC(), "", cosigs
	})
	m.opts.Logger.Info("copied the upstream's log", "size", cp.Size, "from", from, "cosignatures", cosigs)
	// Every checkpoint seen before, now covered by the copy, must be
	// consistent with it.
	seen, err := m.db.unchecked(ctx, cp.Size)
	if err != nil {
		return err
	}
	for _, s := range seen {
		if err := m.checkAgainstCopy(ctx, s.size, s.hash, s.raw); err != nil {
			return err
		}
	}
	return nil
}

// notExtending explains why the entries of a larger tree do not make up its
// root: either the upstream's own tiles prove that the tree does not extend
// the one held (a split view), or the upstream serves entries that do not
// match its tree (a fault to report, and retry).
func (m *Mirror) notExtending(ctx context.Context, from uint64, cp *tlog.Checkpoint) error {
	held, _ := m.rng.GetRootHash(nil)
	var p [][]byte
	pb, err := client.NewProofBuilder(ctx, cp.Size, m.opts.Upstream.ReadTile)
	if err == nil {
		p, err = pb.ConsistencyProof(ctx, from, cp.Size)
	}
	if err != nil {
		return fmt.Errorf("the upstream's entries do not make up the tree of size %d its checkpoint signs, and its tiles give no consistency proof from %d: %w", cp.Size, from, err)
	}
	if from == 0 {
		return fmt.Errorf("the upstream's entries do not make up the tree of size %d its checkpoint signs", cp.Size)
	}
	if verr := proof.VerifyConsistency(rfc6962.DefaultHasher, from, cp.Size, p, held, cp.Hash); verr != nil {
		return m.splitView(ctx, &SplitView{
			Kind:    "not-extending",
			Summary: fmt.Sprintf("the log signed a tree of size %d that does not extend the tree of size %d the mirror holds", cp.Size, from),
			Held:    m.Status().Checkpoint, Conflicting: string(cp.Raw), Source: m.opts.UpstreamURL,
			ProofFrom: from, ProofTo: cp.Size, Proof: b64(p), ProofSource: m.opts.UpstreamURL + " (its tiles)", ProofError: verr.Error(),
		})
	}
	return fmt.Errorf("the upstream's entries from %d do not make up the tree of size %d its checkpoint signs, though its tiles prove that tree consistent with the mirror's: it serves damaged entries", from, cp.Size)
}

// checkCosignatures checks a checkpoint against the configured policy and
// the one the register's records before it set, and describes the result.
func (m *Mirror) checkCosignatures(cp *tlog.Checkpoint, hist *ledger.WitnessHistory) (string, error) {
	var ps []*tlog.Policy
	if m.opts.Witnesses != nil {
		ps = append(ps, m.opts.Witnesses)
	}
	if p := hist.At(cp.Size).TlogPolicy(nil); p != nil {
		ps = append(ps, p)
	}
	if len(ps) == 0 {
		return "not checked: no witness policy is configured or recorded", nil
	}
	var parts []string
	for _, p := range ps {
		cs, err := p.Check(cp)
		if err != nil {
			return "", fmt.Errorf("the upstream's checkpoint of size %d is not adopted yet: %w", cp.Size, err)
		}
		parts = append(parts, fmt.Sprintf("%d of %s", len(cs), p))
	}
	return "verified: " + strings.Join(parts, "; "), nil
}

// splitView keeps the evidence, logs it, and stops the mirror.
func (m *Mirror) splitView(ctx context.Context, sv *SplitView) error {
	sv.DetectedAt = time.Now().UTC()
	if err := m.db.recordSplitView(ctx, sv); err != nil {
		m.opts.Logger.Error("couldn't keep the evidence of a split view", "error", err)
	}
	m.update(func(s *Status) { s.SplitView, s.Waiting = sv, "" })
	m.opts.Logger.Error("SPLIT VIEW: the log showed two histories that cannot both be true; the mirror stops advancing",
		"kind", sv.Kind, "summary", sv.Summary, "held", sv.Held, "conflicting", sv.Conflicting, "proof_error", sv.ProofError)
	return fmt.Errorf("%w: %s", ErrSplitView, sv.Summary)
}

func b64(p [][]byte) []string {
	var out []string
	for _, h := range p {
		out = append(out, base64.StdEncoding.EncodeToString(h))
	}
	return out
}
