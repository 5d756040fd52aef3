// Package sequencer is the register's write path. A submitted record is
// parsed, checked against its schema and its signatures verified by one of a
// pool of checkers, one per core (the costly work, done in parallel); then
// one goroutine admits records in turn against the ledger's state and hands
// them to the log in batches; the caller learns its index once the log has
// stored it durably.
//
// Admission and storage are pipelined, one batch deep: while one batch is
// being written, the next is admitted; it is handed to the log only once the
// first is stored. So when a write fails, no later record that the failed
// ones made valid (an update naming one as prev, a record signed with a key
// one rotated in) can have reached the log: the sequencer drops what it
// admitted since, rebuilds its state from the log, and goes on.
package sequencer

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/record"
	"github.com/kongsi/kongsi/internal/tlog"
	"github.com/transparency-dev/tessera"
)

// Log is where admitted records go. *tlog.Log implements it.
type Log interface {
	// Add queues an entry. Entries added later are sequenced later. The
	// future MUST NOT resolve to an index before the entry is durably
	// stored.
	Add(ctx context.Context, entry []byte) tessera.IndexFuture
	// IntegratedSize is the number of entries stored.
	IntegratedSize(ctx context.Context) (uint64, error)
	// Reader reads back the stored entries.
	Reader() tessera.LogReader
}

// DefaultMaxOutstanding is how many records may be submitted and not yet
// stored before the sequencer pushes back.
const DefaultMaxOutstanding = 16384

// Sequencer admits records to the log. Create it with New.
type Sequencer struct {
	log            Log
	kinds          *ledger.Kinds
	maxOutstanding atomic.Int64
	logger         *slog.Logger

	state       atomic.Pointer[ledger.State] // replaced wholesale on recovery
	in          chan *submission
	checks      chan *check
	heads       chan headQuery
	outstanding atomic.Int64
	stopping    chan struct{}
	stopped     chan struct{}
	stopOnce    sync.Once
	// closing guards in: submitters send under a read lock, and Close sets
	// closed under the write lock, so nothing is sent after the last drain.
	closing sync.RWMutex
	closed  bool

	// Counters, for metrics.
	Accepted atomic.Uint64
	Refused  atomic.Uint64
	// Batches counts the batches handed to the log, BatchRecords the
	// records in them, and BatchNanos the time the log took to store them.
	Batches      atomic.Uint64
	BatchRecords atomic.Uint64
	BatchNanos   atomic.Uint64
}

// Result is what a successful submission returns.
type Result struct {
	Index  uint64
	Record *record.Record
}

type submission struct {
	ctx     context.Context
	pending *ledger.Pending
	done    chan error // buffered; receives exactly once
	index   uint64
}

// New replays the log into a fresh ledger state and starts the sequencer.
// progress, if not nil, is called as the replay goes.
func New(ctx context.Context, l Log, kinds *ledger.Kinds, logger *slog.Logger, progress func(done, total uint64)) (*Sequencer, error) {
	s := &Sequencer{
		log: l, kinds: kinds, logger: logger,
		in: make(chan *submission, 1024), checks: make(chan *check), heads: make(chan headQuery), stopping: make(chan struct{}), stopped: make(chan struct{}),
	}
	s.maxOutstanding.Store(DefaultMaxOutstanding)
	st, err := Replay(ctx, l, kinds, progress)
	if err != nil {
		return nil, err
	}
	s.state.Store(st)
	for range runtime.GOMAXPROCS(0) {
		go s.checker()
	}
	go s.run()
	return s, nil
}

// SetMaxOutstanding changes the pushback threshold.
func (s *Sequencer) SetMaxOutstanding(n int) { s.maxOutstanding.Store(int64(n)) }

// Replay rebuilds the ledger state from the stored entries of a log.
func Replay(ctx context.Context, l Log, kinds *ledger.Kinds, progress func(done, total uint64)) (*ledger.State, error) {
	size, err := l.IntegratedSize(ctx)
	if err != nil {
		return nil, fmt.Errorf("couldn't read the log's size: %w", err)
	}
	st := ledger.NewState(kinds)
	for e, err := range tlog.Entries(ctx, l.Reader(), 0, size, size) {
		if err != nil {
			return nil, err
		}
		if _, err := st.Replay(e.Data); err != nil {
			return nil, fmt.Errorf("log entry %d breaks the register's rules (%w); run kongsi audit for details", e.Index, err)
		}
		if progress != nil && (e.Index%10000 == 0 || e.Index+1 == size) {
			progress(e.Index+1, size)
		}
	}
	return st, nil
}

// State returns the ledger state. It MUST only be used for reading things
// that are safe for concurrent use: Keys, Kinds, Origin.
func (s *Sequencer) State() *ledger.State { return s.state.Load() }

// Outstanding is the number of records submitted and not yet answered.
func (s *Sequencer) Outstanding() int64 { return s.outstanding.Load() }

// Submit checks a signed record and appends it to the log. It returns once
// the record is durably stored, with its index, or with the reason it was
// refused (a *problem.Error); a refused record changes nothing.
func (s *Sequencer) Submit(ctx context.Context, entry []byte) (*Result, error) {
	res, err := s.submit(ctx, entry)
	if err != nil {
		s.Refused.Add(1)
		return nil, err
	}
	s.Accepted.Add(1)
	return res, nil
}

// check is a record to check, and where its result goes.
type check struct {
	entry []byte
	r     *record.Record
	p     *ledger.Pending
	err   error
	done  chan struct{}
}

// checker checks records, on one of a few long-lived goroutines: checking
// runs deep enough to grow a goroutine's stack, and letting each caller's
// goroutine grow its own (and the collector shrink it again) costs about a
// tenth as much as the checking itself.
func (s *Sequencer) checker() {
	for {
		select {
		case c := <-s.checks:
			s.check(c)
		case <-s.stopped:
			return
		}
	}
}

// check checks one record for its submitter. A panic in the checks (in a
// kind's code, say) fails that submission only, as it would have failed
// the request that brought it.
func (s *Sequencer) check(c *check) {
	defer close(c.done)
	defer func() {
		if v := recover(); v != nil {
			s.logger.Error("checking a submitted record failed", "panic", v, "stack", string(debug.Stack()))
			c.r, c.p, c.err = nil, nil, fmt.Errorf("checking the record failed: %v", v)
		}
	}()
	c.r, c.p, c.err = s.checkRecord(c.entry)
}

// checkRecord does the costly part of a submission: parsing, the checks of
// form, and verifying the signatures.
func (s *Sequencer) checkRecord(entry []byte) (*record.Record, *ledger.Pending, error) {
	r, err := record.Parse(entry)
	if err != nil {
		return nil, nil, err
	}
	st := s.state.Load()
	if origin := st.Origin(); origin != "" && r.Register != origin {
		return nil, nil, problem.Invalid("register", "register.origin", "the record is addressed to register %q, but this is %q", r.Register, origin)
	}
	p, err := st.Prepare(r)
	if err != nil {
		return nil, nil, err
	}
	if err := p.Verify(); err != nil {
		return nil, nil, err
	}
	return r, p, nil
}

func (s *Sequencer) submit(ctx context.Context, entry []byte) (*Result, error) {
	c := &check{entry: entry, done: make(chan struct{})}
	select {
	case s.checks <- c:
	case <-s.stopped:
		return nil, problem.Unavailable("stopping", "the register is shutting down")
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	<-c.done
	if c.err != nil {
		return nil, c.err
	}
	r, p := c.r, c.p
	if max := s.maxOutstanding.Load(); s.outstanding.Add(1) > max {
		s.outstanding.Add(-1)
		return nil, problem.Unavailable("pushback", "the register has %d records waiting to be stored; try again in a moment", max)
	}
	defer s.outstanding.Add(-1)
	sub := &submission{ctx: ctx, pending: p, done: make(chan error, 1)}
	s.closing.RLock()
	if s.closed {
		s.closing.RUnlock()
		return nil, problem.Unavailable("stopping", "the register is shutting down")
	}
	select {
	case s.in <- sub:
		s.closing.RUnlock()
	case <-ctx.Done():
		s.closing.RUnlock()
		return nil, ctx.Err()
	}
	// Once handed over, the record's fate is decided without us: wait for it
	// even if the caller gives up, so that the outstanding count stays true.
	err := <-sub.done
	if err != nil {
		return nil, err
	}
	return &Result{Index: sub.index, Record: r}, nil
}

type headQuery struct {
	subject string
	reply   chan *ledger.Head
}

// Head returns the latest version of a subject that the sequencer has
// admitted, published or not: what an update of the subject must name as
// prev. Writers use it to read their own writes.
func (s *Sequencer) Head(ctx context.Context, subject string) (*ledger.Head, error) {
	q := headQuery{subject: subject, reply: make(chan *ledger.Head, 1)}
	select {
	case s.heads <- q:
	case <-s.stopped:
		return nil, problem.Unavailable("stopping", "the register is shutting down")
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	select {
	case h := <-q.reply:
		if h == nil {
			return nil, problem.NotFound("subject", "subject.unknown", "there are no records about %q", subject)
		}
		return h, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// batch is a set of admitted records handed to the log together.
type batch struct {
	subs    []*submission
	futures []tessera.IndexFuture
	done    chan struct{}
	failed  error // set before done is closed
}

func (s *Sequencer) run() {
	defer close(s.stopped)
	var (
		inflight *batch        // handed to the log, not yet stored
		next     []*submission // admitted, waiting for inflight
		doneCh   chan struct{} // inflight.done, or nil
		in       = s.in
	)
	start := func() {
		if len(next) == 0 {
			return
		}
		b := &batch{subs: next, done: make(chan struct{})}
		next = nil
		for _, sub := range b.subs {
			b.futures = append(b.futures, s.log.Add(context.WithoutCancel(sub.ctx), sub.pending.Record.Entry))
		}
		started := time.Now()
		go func() {
			defer func() {
				s.Batches.Add(1)
				s.BatchRecords.Add(uint64(len(b.subs)))
				s.BatchNanos.Add(uint64(time.Since(started)))
			}()
			for i, f := range b.futures {
				idx, err := f()
				if err != nil && b.failed == nil {
					b.failed = err
				}
				b.subs[i].index = idx.Index
				if err != nil {
					b.subs[i].done <- problem.Unavailable("log-write", "the log could not store the record; it was not appended")
				}
			}
			close(b.done)
		}()
		inflight, doneCh = b, b.done
	}
	for {
		select {
		case q := <-s.heads:
			h, _ := s.state.Load().Head(q.subject)
			if h != nil {
				c := *h
				h = &c
			}
			q.reply <- h
		case sub := <-in:
			st := s.state.Load()
			if err := st.Append(sub.pending); err != nil {
				sub.done <- err
				continue
			}
			next = append(next, sub)
			if inflight == nil {
				start()
			}
		case <-doneCh:
			b := inflight
			inflight, doneCh = nil, nil
			if b.failed != nil {
				s.recover(b, next)
				next = nil
			} else {
				for _, sub := range b.subs {
					sub.done <- nil
				}
			}
			start()
		case <-s.stopping:
			if in == nil {
				continue
			}
			// Take what is already queued, then stop taking more.
			for {
				select {
				case sub := <-in:
					if err := s.state.Load().Append(sub.pending); err != nil {
						sub.done <- err
					} else {
						next = append(next, sub)
					}
					continue
				default:
				}
				break
			}
			in = nil
			if inflight == nil {
				start()
			}
		}
		if in == nil && inflight == nil && len(next) == 0 {
			return
		}
	}
}

// recover answers the records of a failed batch and those admitted after it,
// and rebuilds the state from what the log actually holds.
func (s *Sequencer) recover(failed *batch, next []*submission) {
	s.logger.Error("the log failed to store a batch; rebuilding the state from the log", "error", failed.failed, "records", len(failed.subs))
	for i, sub := range failed.subs {
		if _, err := failed.futures[i](); err == nil {
			sub.done <- nil
		}
	}
	for _, sub := range next {
		sub.done <- problem.Unavailable("log-write", "the log could not store an earlier record; this one was not appended, submit it again")
	}
	for attempt := 1; ; attempt++ {
		st, err := Replay(context.Background(), s.log, s.kinds, nil)
		if err == nil {
			s.state.Store(st)
			return
		}
		s.logger.Error("couldn't rebuild the state from the log", "error", err, "attempt", attempt)
		time.Sleep(time.Duration(min(attempt, 10)) * time.Second)
	}
}

// Close stops taking records, waits for those already taken to be stored, and
// returns.
func (s *Sequencer) Close() {
	s.stopOnce.Do(func() {
		s.closing.Lock()
		s.closed = true
		s.closing.Unlock()
		close(s.stopping)
	})
	<-s.stopped
}
