package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// progress prints how a long task goes, on one line rewritten in place on a
// terminal, or a line every few seconds otherwise.
type progress struct {
	w     io.Writer
	what  string
	start time.Time
	tty   bool
	mu    sync.Mutex
	last  time.Time
}

func newProgress(what string) *progress {
	fi, err := os.Stderr.Stat()
	tty := err == nil && fi.Mode()&os.ModeCharDevice != 0
	return &progress{w: os.Stderr, what: what, start: time.Now(), tty: tty}
}

func (p *progress) update(done, total uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	final := done >= total
	interval := 200 * time.Millisecond
	if !p.tty {
		interval = 5 * time.Second
	}
	if !final && now.Sub(p.last) < interval {
		return
	}
	// Quick tasks need no report.
	if now.Sub(p.start) < time.Second && (final || p.last.IsZero()) {
		if !final {
			p.last = now
		}
		return
	}
	p.last = now
	elapsed := now.Sub(p.start).Seconds()
	rate := 0.0
	if elapsed > 0 {
		rate = float64(done) / elapsed
	}
	pct := 100.0
	if total > 0 {
		pct = 100 * float64(done) / float64(total)
	}
	line := fmt.Sprintf("%s: %d/%d (%.0f%%), %.0f/s", p.what, done, total, pct, rate)
	if p.tty {
		fmt.Fprintf(p.w, "\r\033[K%s", line)
		if final {
			fmt.Fprintln(p.w)
		}
	} else {
		fmt.Fprintln(p.w, line)
	}
}

// forStage adapts progress to node.Config.Progress, one line per stage.
func stageProgress() func(what string, done, total uint64) {
	var cur *progress
	var name string
	return func(what string, done, total uint64) {
		if cur == nil || name != what {
			cur, name = newProgress(what), what
		}
		cur.update(done, total)
	}
}
