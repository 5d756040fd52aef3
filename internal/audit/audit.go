// Package audit replays a whole log and checks everything about it: that each
// entry is a well-formed record, that its signatures verify with the keys the
// log itself gave their signers, that it passes its kind's schema and policy
// (no replays, no stale updates, authors entitled to say it), and that the
// entries make up exactly the Merkle tree the log's checkpoint signs. It needs
// nothing but the public log and the log's key.
package audit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/record"
	"github.com/kongsi/kongsi/internal/tlog"
	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"
)

// Failure is the first entry that breaks a rule.
type Failure struct {
	Index uint64
	Err   error
}

func (f *Failure) Error() string { return fmt.Sprintf("entry %d: %v", f.Index, f.Err) }

// Report is the outcome of an audit.
type Report struct {
	Checkpoint *tlog.Checkpoint
	Checked    uint64        // entries checked
	Duration   time.Duration // time taken
	// Failure is the first entry that breaks a rule, nil if none does.
	Failure *Failure
	// RootMatches reports whether the entries make up the checkpoint's tree.
	RootMatches bool
	// Parties and Kinds count what the log holds.
	Parties int
	Kinds   map[string]int
}

// OK reports whether the log passed.
func (r *Report) OK() bool { return r.Failure == nil && r.RootMatches }

// Options configure an audit.
type Options struct {
	Source   tlog.Source
	Verifier note.Verifier // the log's key
	Kinds    *ledger.Kinds
	// Workers verify signatures in parallel; GOMAXPROCS by default.
	Workers int
	// Progress, if set, is called as entries are checked.
	Progress func(done, total uint64)
}

type job struct {
	index uint64
	data  []byte
	rec   *record.Record
	kind  *ledger.Kind
	err   error
	ready chan struct{}
}

// Run audits the log up to its latest checkpoint.
func Run(ctx context.Context, o Options) (*Report, error) {
	start := time.Now()
	cp, err := tlog.ReadCheckpoint(ctx, o.Source, o.Verifier)
	if err != nil {
		return nil, err
	}
	workers := o.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// Stage 1, in parallel: parse the records, in order of the log.
	parseQ := make(chan *job, 8192)
	order := make(chan *job, 8192)
	var readErr error
	go func() {
		defer close(order)
		defer close(parseQ)
		for e, err := range tlog.Entries(ctx, o.Source, 0, cp.Size, cp.Size) {
			if err != nil {
				readErr = err
				return
			}
			j := &job{index: e.Index, data: e.Data, ready: make(chan struct{})}
			select {
			case parseQ <- j:
			case <-ctx.Done():
				return
			}
			order <- j
		}
	}()
	for range workers {
		go func() {
			for j := range parseQ {
				if j.rec, j.err = record.Parse(j.data); j.err == nil {
					j.kind, j.err = o.Kinds.CheckForm(j.rec)
				}
				close(j.ready)
			}
		}()
	}

	// Stage 3, in parallel: verify signatures.
	type verifyJob struct {
		index uint64
		p     *ledger.Pending
	}
	verifyQ := make(chan verifyJob, 8192)
	var mu sync.Mutex
	var first *Failure
	fail := func(i uint64, err error) {
		mu.Lock()
		defer mu.Unlock()
		if first == nil || i < first.Index {
			first = &Failure{Index: i, Err: err}
		}
	}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for v := range verifyQ {
				if err := v.p.Verify(); err != nil {
					fail(v.index, err)
				}
			}
		})
	}

	// Stage 2, in order: the rules, which need the state, and the tree.
	rep := &Report{Checkpoint: cp, Kinds: map[string]int{}}
	st := ledger.NewState(o.Kinds)
	rng := (&compact.RangeFactory{Hash: rfc6962.DefaultHasher.HashChildren}).NewEmptyRange(0)
	policyFailed := false
	for j := range order {
		<-j.ready
		if err := rng.Append(tlog.LeafHash(j.data), nil); err != nil {
			close(verifyQ)
			return nil, err
		}
		rep.Checked++
		if !policyFailed {
			if j.err != nil {
				fail(j.index, j.err)
				policyFailed = true
			} else if p, err := st.AdmitChecked(j.rec, j.kind); err != nil {
				fail(j.index, err)
				policyFailed = true
			} else {
				rep.Kinds[j.rec.Kind]++
				verifyQ <- verifyJob{j.index, p}
			}
		}
		if o.Progress != nil && (j.index%5000 == 0 || j.index+1 == cp.Size) {
			o.Progress(j.index+1, cp.Size)
		}
	}
	close(verifyQ)
	wg.Wait()
	if readErr != nil {
		return nil, readErr
	}
	if rep.Checked != cp.Size {
		return nil, fmt.Errorf("read %d entries of a log of size %d", rep.Checked, cp.Size)
	}
	root, err := rng.GetRootHash(nil)
	if err != nil {
		return nil, err
	}
	rep.RootMatches = bytes.Equal(root, cp.Hash)
	rep.Failure = first
	rep.Parties = len(st.Parties())
	rep.Duration = time.Since(start)
	return rep, nil
}

// ErrFailed is returned by callers that turn a failed report into an error.
var ErrFailed = errors.New("the log failed the audit")
