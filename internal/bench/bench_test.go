package bench_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"github.com/kongsi/kongsi/internal/bench"
	"github.com/kongsi/kongsi/internal/declaration"
	"github.com/kongsi/kongsi/internal/module"
)

var (
	once    sync.Once
	fixture *bench.Fixture
	logDir  string
	onceErr error
)

// register builds, once per run, a register with 20,000 records.
func register(b *testing.B) string {
	once.Do(func() {
		ctx := context.Background()
		if fixture, onceErr = bench.NewFixture(20000, 450); onceErr != nil {
			return
		}
		dir, err := makeTemp()
		if err != nil {
			onceErr = err
			return
		}
		r, err := bench.Found(ctx, fixture, filepath.Join(dir, "register"), modules())
		if err != nil {
			onceErr = err
			return
		}
		if _, onceErr = r.WritePath(ctx, fixture, 1024, 1<<30); onceErr != nil {
			return
		}
		onceErr = r.Close(ctx)
		logDir = r.Dir
	})
	if onceErr != nil {
		b.Fatal(onceErr)
	}
	return logDir
}

func modules() []module.Module { return []module.Module{declaration.New()} }

func BenchmarkAudit(b *testing.B) {
	dir := register(b)
	for b.Loop() {
		t, err := bench.Audit(context.Background(), dir, modules())
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(t.PerSecond(), "records/s")
	}
}

func BenchmarkRebuild(b *testing.B) {
	dir := register(b)
	for b.Loop() {
		t, bare, err := bench.RebuildWithBaseline(context.Background(), dir, modules(), 1)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(t.PerSecond(), "records/s")
		b.ReportMetric(bare.PerSecond(), "bare-sqlite-records/s")
		b.ReportMetric(t.PerSecond()/bare.PerSecond(), "of-bare-sqlite")
	}
}

func BenchmarkWritePath(b *testing.B) {
	f, err := bench.NewFixture(20000, 450)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		dir := b.TempDir()
		r, err := bench.Found(context.Background(), f, filepath.Join(dir, "register"), modules())
		if err != nil {
			b.Fatal(err)
		}
		w, err := r.WritePath(context.Background(), f, 4096, 1<<30)
		if err != nil {
			b.Fatal(err)
		}
		r.Close(context.Background())
		b.ReportMetric(w.PerSecond(), "records/s")
		b.ReportMetric(w.MeanBatch, "records/batch")
		b.ReportMetric(float64(w.MeanBatchWrite.Milliseconds()), "ms/batch")
	}
}

func BenchmarkBareTessera(b *testing.B) {
	f, err := bench.NewFixture(20000, 450)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		t, err := bench.BareTessera(context.Background(), f, b.TempDir(), 1024)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(t.PerSecond(), "entries/s")
	}
}
