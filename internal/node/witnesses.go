package node

import (
	"context"
	"sync/atomic"

	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/sequencer"
	"github.com/kongsi/kongsi/internal/tlog"
)

// witnessPolicies decides which witnesses must cosign the register's
// checkpoints: those of the configured policy, if any, and those of the
// policy the register's own records set (witness.policy), both. A
// checkpoint of size N needs the recorded policy of the records before N.
type witnessPolicies struct {
	configured *tlog.Policy
	// urls reach witnesses by key, in place of the URLs their records give.
	urls map[string]string
	seq  atomic.Pointer[sequencer.Sequencer]
	log  atomic.Pointer[tlog.Log]
}

func newWitnessPolicies(configured *tlog.Policy, urls map[string]string) *witnessPolicies {
	w := &witnessPolicies{configured: configured, urls: map[string]string{}}
	for k, u := range urls {
		w.urls[k] = u
	}
	if configured != nil {
		for _, cw := range configured.Witnesses {
			if cw.URL != "" {
				w.urls[cw.Key.String()] = cw.URL
			}
		}
	}
	return w
}

// history is the register's witness history, or nil before the write path
// has replayed the log.
func (w *witnessPolicies) history() *ledger.WitnessHistory {
	if s := w.seq.Load(); s != nil {
		return s.State().Witnesses()
	}
	return nil
}

// For returns the policies a checkpoint of the given size must satisfy.
// Until the log is replayed, the recorded policy is unknown and only an
// empty tree's checkpoint may be published.
func (w *witnessPolicies) For(size uint64) ([]*tlog.Policy, bool) {
	var ps []*tlog.Policy
	if w.configured != nil {
		ps = append(ps, w.configured)
	}
	if size == 0 {
		return ps, true
	}
	h := w.history()
	if h == nil {
		return nil, false
	}
	if p := h.At(size).TlogPolicy(w.urls); p != nil {
		ps = append(ps, p)
	}
	return ps, true
}

// Witnesses returns the witnesses to ask: the configured ones, and those of
// every recorded policy from the one in force for the log's stored entries
// on (the checkpoint about to be published is of that size, or larger).
func (w *witnessPolicies) Witnesses() []*tlog.Witness {
	var out []*tlog.Witness
	seen := map[string]bool{}
	add := func(p *tlog.Policy) {
		if p == nil {
			return
		}
		for _, x := range p.Witnesses {
			if !seen[x.Key.String()] {
				seen[x.Key.String()] = true
				out = append(out, x)
			}
		}
	}
	add(w.configured)
	h := w.history()
	if h == nil {
		return out
	}
	var from uint64
	if l := w.log.Load(); l != nil {
		if size, err := l.IntegratedSize(context.Background()); err == nil {
			if cur := h.At(size); cur != nil {
				from = cur.After
			}
		}
	}
	for _, st := range h.All() {
		if st.After >= from {
			add(st.TlogPolicy(w.urls))
		}
	}
	return out
}
