// Package projector derives the store's tables from the log. It follows the
// log's published checkpoints in order, checks that the entries it reads make
// up the tree each checkpoint signs, replays them into a ledger state, and
// hands each record, with the state its rules computed, to every projection.
// A rebuild is the same process from an empty store, so it reaches the same
// tables as the live register by construction.
package projector

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/record"
	"github.com/kongsi/kongsi/internal/search"
	"github.com/kongsi/kongsi/internal/signednote"
	"github.com/kongsi/kongsi/internal/store"
	"github.com/kongsi/kongsi/internal/tlog"
	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"
)

// Applied is a record as projections see it.
type Applied struct {
	Index   uint64
	Record  *record.Record
	Summary string
	// Head is the record's subject after the record: its version, and the
	// state the kind's rules computed for it (Head.Data).
	Head *ledger.Head
	// State is the ledger's state after the record. Read only.
	State *ledger.State
	// PartiesBefore is the parties as they were before the record; set for
	// the records of the core party kinds only.
	PartiesBefore map[string]*ledger.Party
	// Prepared is what the projection's Prepare returned for the record, if
	// the projection is a Preparer.
	Prepared any
	// Text is the record's searchable text, and SummaryText its summary,
	// segmented for the index.
	Text, SummaryText string
	// DataDir is the register's data directory, where files that records
	// publish by reference (datasets, by their SHA-256) are kept; "" when
	// there is none.
	DataDir string
}

// Preparer is a projection that does part of its work ahead of Apply, on
// any goroutine and in any order: decoding the body, for instance. Prepare
// MUST depend on the record alone. Its result reaches Apply as
// Applied.Prepared.
type Preparer interface {
	Prepare(r *record.Record) (any, error)
}

// Projection derives tables from the log.
type Projection interface {
	// Schema is the projection's tables.
	Schema() store.Schema
	// Kinds lists the kinds of the records Apply is given; nil means all.
	Kinds() []string
	// Apply projects one record, in log order. It MUST depend only on a and
	// on the tables, so that a rebuild gives the same tables.
	Apply(ctx context.Context, tx *store.Tx, a *Applied) error
}

// Options configure a projector.
type Options struct {
	Source      tlog.Source
	Verifier    note.Verifier // the log's key
	Store       store.Store
	Kinds       *ledger.Kinds
	Projections []Projection
	Logger      *slog.Logger
	// Poll is how often the checkpoint is read when following; 100ms by
	// default.
	Poll time.Duration
	// BatchSize bounds the records applied in one transaction; 2000 by
	// default.
	BatchSize int
	// DataDir is the register's data directory, passed on to projections
	// in Applied.DataDir.
	DataDir string
	// Shared says that the store is written by another node's projector
	// (the writer's, on a database they share) and only read here: the
	// projector then applies nothing, and follows the position the store
	// has reached and the log's checkpoints, checked as always.
	Shared bool
}

// Projector follows a log into a store.
type Projector struct {
	opts    Options
	byKind  map[string][]Projection
	all     []Projection
	forKind map[string][]Projection // all, then byKind, for every known kind

	state   *ledger.State
	rng     *compact.Range // the tree of the entries applied
	applied atomic.Uint64
	cp      atomic.Pointer[tlog.Checkpoint]
	err     atomic.Pointer[error] // set when following stopped on a fault

	mu      sync.Mutex
	waiters chan struct{} // closed and replaced whenever applied moves
}

// Schemas returns the schemas of the core projection and of the given
// projections, as the store must be opened with.
func Schemas(ps []Projection) []store.Schema {
	out := []store.Schema{coreSchema}
	for _, p := range ps {
		out = append(out, p.Schema())
	}
	return out
}

// New makes a projector. Call Open before using it.
func New(opts Options) *Projector {
	if opts.Poll == 0 {
		opts.Poll = 100 * time.Millisecond
	}
	if opts.BatchSize == 0 {
		opts.BatchSize = 2000
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	p := &Projector{opts: opts, byKind: map[string][]Projection{}, forKind: map[string][]Projection{}, waiters: make(chan struct{})}
	for _, pr := range append([]Projection{core{}}, opts.Projections...) {
		if ks := pr.Kinds(); ks == nil {
			p.all = append(p.all, pr)
		} else {
			for _, k := range ks {
				p.byKind[k] = append(p.byKind[k], pr)
			}
		}
	}
	if opts.Kinds != nil {
		for _, k := range opts.Kinds.Names() {
			p.forKind[k] = append(slices.Clone(p.all), p.byKind[k]...)
		}
	}
	return p
}

var rangeFactory = &compact.RangeFactory{Hash: rfc6962.DefaultHasher.HashChildren}

// Open brings the projector's in-memory state to the store's position, by
// replaying the entries the store already reflects.
func (p *Projector) Open(ctx context.Context, progress func(done, total uint64)) error {
	applied, err := p.opts.Store.Applied(ctx)
	if err != nil {
		return err
	}
	p.state = ledger.NewState(p.opts.Kinds)
	p.rng = rangeFactory.NewEmptyRange(0)
	p.applied.Store(applied)
	if applied == 0 || p.opts.Shared {
		return nil
	}
	cp, err := tlog.ReadCheckpoint(ctx, p.opts.Source, p.opts.Verifier)
	if err != nil {
		return err
	}
	if cp.Size < applied {
		return fmt.Errorf("the store reflects %d entries but the log's checkpoint has only %d: the store belongs to another log, or the log was rolled back; rebuild the store", applied, cp.Size)
	}
	for e, err := range tlog.Entries(ctx, p.opts.Source, 0, applied, cp.Size) {
		if err != nil {
			return err
		}
		if _, err := p.state.Replay(e.Data); err != nil {
			return fmt.Errorf("log entry %d breaks the register's rules: %w", e.Index, err)
		}
		if err := p.rng.Append(tlog.LeafHash(e.Data), nil); err != nil {
			return err
		}
		if progress != nil && (e.Index%10000 == 0 || e.Index+1 == applied) {
			progress(e.Index+1, applied)
		}
	}
	return nil
}

// Applied is the number of entries the store reflects.
func (p *Projector) Applied() uint64 { return p.applied.Load() }

// Checkpoint is the latest checkpoint the projector verified, or nil.
func (p *Projector) Checkpoint() *tlog.Checkpoint { return p.cp.Load() }

// Err is the fault that stopped Follow, if any.
func (p *Projector) Err() error {
	if e := p.err.Load(); e != nil {
		return *e
	}
	return nil
}

// WaitFor blocks until the store reflects at least n entries.
func (p *Projector) WaitFor(ctx context.Context, n uint64) error {
	for {
		p.mu.Lock()
		ch := p.waiters
		p.mu.Unlock()
		if p.applied.Load() >= n {
			return nil
		}
		if err := p.Err(); err != nil {
			return err
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (p *Projector) notify() {
	p.mu.Lock()
	close(p.waiters)
	p.waiters = make(chan struct{})
	p.mu.Unlock()
}

// Follow applies new entries as checkpoints are published, until ctx ends or
// a fault (a log that does not match its checkpoint, a store that fails)
// stops it; the fault is then returned, and kept for Err. A shared
// projector does not stop: it keeps the fault for Err until it can follow
// again.
func (p *Projector) Follow(ctx context.Context) error {
	t := time.NewTicker(p.opts.Poll)
	defer t.Stop()
	var lastShared string
	for {
		err := p.CatchUp(ctx, nil)
		switch {
		case err == nil, errors.Is(err, tlog.ErrNoCheckpoint):
			if p.opts.Shared && lastShared != "" {
				p.opts.Logger.Info("following the shared store again")
				p.err.Store(nil)
				lastShared = ""
			}
		case ctx.Err() != nil:
			return ctx.Err()
		case p.opts.Shared:
			// The writer and the database may be restarted while readers
			// serve: keep trying, and say what is wrong meanwhile.
			if err.Error() != lastShared {
				p.opts.Logger.Warn("couldn't follow the shared store; trying again", "error", err)
				lastShared = err.Error()
			}
			p.err.Store(&err)
			p.notify()
		default:
			p.opts.Logger.Error("the projector stopped", "error", err)
			p.err.Store(&err)
			p.notify()
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// CatchUp applies the entries up to the latest checkpoint. A shared
// projector takes up the store's position instead.
func (p *Projector) CatchUp(ctx context.Context, progress func(done, total uint64)) error {
	// The writer projects what a checkpoint covers once the checkpoint is
	// published, so a checkpoint read after the store's position covers it.
	var applied uint64
	if p.opts.Shared {
		var err error
		if applied, err = p.opts.Store.Applied(ctx); err != nil {
			return err
		}
	}
	cp, err := tlog.ReadCheckpoint(ctx, p.opts.Source, p.opts.Verifier)
	if err != nil {
		return err
	}
	if old := p.cp.Load(); old != nil && old.Size <= cp.Size {
		if err := tlog.CheckConsistency(ctx, p.opts.Source, old, cp); err != nil {
			return err
		}
	} else if old != nil {
		return fmt.Errorf("the log's checkpoint went back from size %d to %d", old.Size, cp.Size)
	}
	if p.opts.Shared {
		if cp.Size < applied {
			return fmt.Errorf("the shared store reflects %d entries but the log's checkpoint has only %d: the store belongs to another log", applied, cp.Size)
		}
		p.cp.Store(cp)
		if p.applied.Swap(applied) != applied {
			p.notify()
		}
		return nil
	}
	from := p.applied.Load()
	if cp.Size < from {
		return fmt.Errorf("the log's checkpoint (size %d) is behind the store (%d entries): the log was rolled back", cp.Size, from)
	}
	if cp.Size > from {
		if err := p.apply(ctx, cp, from, progress); err != nil {
			return err
		}
	} else if from > 0 && !p.rootMatches(cp) {
		return fmt.Errorf("the entries read do not make up the tree the checkpoint of size %d signs", cp.Size)
	}
	p.cp.Store(cp)
	return nil
}

// parsed is an entry parsed ahead of its turn.
type parsed struct {
	index    uint64
	data     []byte
	leaf     []byte // the entry's leaf hash
	rec      *record.Record
	kind     *ledger.Kind
	summary  string
	text     string // the searchable text, segmented
	sumText  string // the summary, segmented
	prepared []any  // by the position of the projection in projectionsFor
	err      error
}

// prepare does the work that depends on the entry alone: its leaf hash,
// parsing, the checks of form, the summary, the searchable text, and the
// projections' Prepare.
func (p *Projector) prepare(e tlog.Entry) parsed {
	out := parsed{index: e.Index, data: e.Data, leaf: tlog.LeafHash(e.Data)}
	if out.rec, out.err = record.Parse(e.Data); out.err != nil {
		return out
	}
	if out.kind, out.err = p.opts.Kinds.CheckForm(out.rec); out.err != nil {
		return out
	}
	out.summary = p.opts.Kinds.Summary(out.rec.Kind, out.rec.Subject, out.rec.Body)
	out.text, out.sumText = searchText(out.rec), search.Segment(out.summary)
	prs := p.projectionsFor(out.rec.Kind)
	for i, pr := range prs {
		if pp, ok := pr.(Preparer); ok {
			v, err := pp.Prepare(out.rec)
			if err != nil {
				out.err = fmt.Errorf("couldn't prepare entry %d for projection: %w", e.Index, err)
				return out
			}
			if out.prepared == nil {
				out.prepared = make([]any, len(prs))
			}
			out.prepared[i] = v
		}
	}
	return out
}

// projectionsFor lists the projections that apply records of a kind.
func (p *Projector) projectionsFor(kind string) []Projection {
	if ps, ok := p.forKind[kind]; ok {
		return ps
	}
	return append(slices.Clip(p.all), p.byKind[kind]...)
}

// apply applies entries [from, cp.Size), parsing them ahead on all cores.
func (p *Projector) apply(ctx context.Context, cp *tlog.Checkpoint, from uint64, progress func(done, total uint64)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// Read in order, parse in parallel, apply in order.
	type job struct {
		e   tlog.Entry
		out chan parsed
	}
	// The workers prepare the next batch while one is applied.
	jobs := make(chan job, 4096)
	queue := make(chan chan parsed, 2*p.opts.BatchSize)
	var readErr error
	go func() {
		defer close(queue)
		defer close(jobs)
		for e, err := range tlog.Entries(ctx, p.opts.Source, from, cp.Size, cp.Size) {
			if err != nil {
				readErr = err
				return
			}
			j := job{e: e, out: make(chan parsed, 1)}
			select {
			case jobs <- j:
			case <-ctx.Done():
				return
			}
			select {
			case queue <- j.out:
			case <-ctx.Done():
				return
			}
		}
	}()
	// One core is the applier's: it is the bottleneck, and sharing its
	// core with a preparer would slow it down.
	for range max(1, runtime.GOMAXPROCS(0)-1) {
		go func() {
			for j := range jobs {
				j.out <- p.prepare(j.e)
			}
		}()
	}

	next := from
	batch := make([]parsed, 0, p.opts.BatchSize)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := p.applyBatch(ctx, cp, batch); err != nil {
			return err
		}
		next = batch[len(batch)-1].index + 1
		if next == cp.Size {
			// Whoever sees the entries applied sees the checkpoint that
			// covers them.
			p.cp.Store(cp)
		}
		p.applied.Store(next)
		p.notify()
		batch = batch[:0]
		if progress != nil {
			progress(next, cp.Size)
		}
		return nil
	}
	for out := range queue {
		e := <-out
		if e.err != nil {
			return fmt.Errorf("log entry %d is not a valid record: %w", e.index, e.err)
		}
		batch = append(batch, e)
		if len(batch) == p.opts.BatchSize {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if readErr != nil {
		return readErr
	}
	if err := flush(); err != nil {
		return err
	}
	if next != cp.Size {
		return fmt.Errorf("read %d entries of a log of size %d", next, cp.Size)
	}
	return nil
}

// applyBatch applies records in one transaction. If the last of them
// completes the tree of cp, the tree's root is checked before committing.
func (p *Projector) applyBatch(ctx context.Context, cp *tlog.Checkpoint, batch []parsed) error {
	from := batch[0].index
	to := batch[len(batch)-1].index + 1
	st := p.state
	rng, err := rangeFactory.NewRange(p.rng.Begin(), p.rng.End(), slices.Clone(p.rng.Hashes()))
	if err != nil {
		return err
	}
	err = p.opts.Store.Apply(ctx, from, to, func(tx *store.Tx) error {
		for _, e := range batch {
			if err := rng.Append(e.leaf, nil); err != nil {
				return err
			}
			a := &Applied{Index: e.index, Record: e.rec, State: st, DataDir: p.opts.DataDir}
			if isPartyKind(e.rec.Kind) {
				a.PartiesBefore = map[string]*ledger.Party{}
				for _, pt := range st.Parties() {
					a.PartiesBefore[pt.ID] = pt
				}
			}
			if err := st.ReplayChecked(e.rec, e.kind); err != nil {
				return fmt.Errorf("log entry %d breaks the register's rules: %w", e.index, err)
			}
			a.Head, _ = st.Head(e.rec.Subject)
			a.Summary, a.Text, a.SummaryText = e.summary, e.text, e.sumText
			for i, pr := range p.projectionsFor(e.rec.Kind) {
				a.Prepared = nil
				if e.prepared != nil {
					a.Prepared = e.prepared[i]
				}
				if err := pr.Apply(ctx, tx, a); err != nil {
					return fmt.Errorf("couldn't project entry %d: %w", e.index, err)
				}
			}
		}
		if to == cp.Size {
			if root, err := rng.GetRootHash(nil); err != nil || !bytes.Equal(root, cp.Hash) {
				return fmt.Errorf("the log's entries do not make up the tree its checkpoint of size %d signs", cp.Size)
			}
		}
		return nil
	})
	if err != nil {
		// The state went ahead of the store: bring it back to the store,
		// even when ctx is cancelled (closing a node cancels a projector
		// that may be in the middle of a batch): a state left ahead would
		// replay these entries a second time on the next catch-up.
		if oerr := p.Open(context.WithoutCancel(ctx), nil); oerr != nil {
			return fmt.Errorf("%w; and then couldn't reload the state: %v", err, oerr)
		}
		return err
	}
	p.rng = rng
	return nil
}

// Rebuild empties the store and projects the whole log again.
func (p *Projector) Rebuild(ctx context.Context, progress func(done, total uint64)) error {
	if p.opts.Shared {
		return errors.New("a node that reads a shared store cannot rebuild it: rebuild on the writer")
	}
	if err := p.opts.Store.Reset(ctx); err != nil {
		return fmt.Errorf("couldn't empty the store: %w", err)
	}
	// A crash during a rebuild means rebuilding again, so the store need
	// not wait for the disk meanwhile.
	if b, ok := p.opts.Store.(store.BulkLoader); ok {
		if err := b.BulkLoad(ctx, true); err != nil {
			return err
		}
		defer b.BulkLoad(context.WithoutCancel(ctx), false)
	}
	p.state = ledger.NewState(p.opts.Kinds)
	p.rng = rangeFactory.NewEmptyRange(0)
	p.applied.Store(0)
	p.cp.Store(nil)
	return p.CatchUp(ctx, progress)
}

// RootMatches reports whether the entries applied make up the tree of cp.
func (p *Projector) rootMatches(cp *tlog.Checkpoint) bool {
	root, err := p.rng.GetRootHash(nil)
	return err == nil && bytes.Equal(root, cp.Hash)
}

func isPartyKind(k string) bool {
	switch k {
	case ledger.KindCharter, ledger.KindPartyAdmit, ledger.KindPartyUpdate, ledger.KindAuthorityRegister, ledger.KindKeyRotate, ledger.KindKeyRevoke:
		return true
	}
	return false
}

// keyEnd says why a party's key stopped being current.
func keyEnd(kind string, newKey *signednote.Key) string {
	switch {
	case kind == ledger.KindKeyRevoke:
		return "revoked"
	case kind == ledger.KindKeyRotate:
		return "rotated"
	case newKey == nil:
		return "retired"
	default:
		return "replaced"
	}
}
