package bench_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/kongsi/kongsi/internal/bench"
)

// BenchmarkBareTesseraSettings sweeps Tessera's batching settings and the
// number of writers, to find the baseline's best configuration.
func BenchmarkBareTesseraSettings(b *testing.B) {
	f, err := bench.NewFixture(20000, 450)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		clients int
		size    uint
		age     time.Duration
	}{{64, 256, 250 * time.Millisecond}, {1024, 256, 250 * time.Millisecond}, {1024, 1024, 20 * time.Millisecond}, {1024, 4096, 2 * time.Millisecond}, {4096, 4096, 20 * time.Millisecond}} {
		b.Run(fmt.Sprintf("clients=%d/batch=%d/age=%s", c.clients, c.size, c.age), func(b *testing.B) {
			for b.Loop() {
				t, err := bench.BareTesseraWith(context.Background(), f, b.TempDir(), c.clients, c.size, c.age)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(t.PerSecond(), "entries/s")
			}
		})
	}
}
