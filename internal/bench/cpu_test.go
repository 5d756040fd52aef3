package bench

import (
	"os"
	"testing"
	"time"
)

// TestCPUTime checks that the processor time read from /proc grows with
// work done.
func TestCPUTime(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc here")
	}
	before := CPUTime(os.Getpid())
	x := 0
	for start := time.Now(); time.Since(start) < 300*time.Millisecond; {
		x++
	}
	after := CPUTime(os.Getpid())
	if d := after - before; d < 100*time.Millisecond || d > 2*time.Second {
		t.Errorf("300 ms of spinning used %s of processor time, by /proc (%d)", d, x)
	}
	if CPUTime(-1) != 0 {
		t.Error("a process that does not exist used processor time")
	}
}
