// Package bench measures a register end to end on this machine, with its
// baselines measured in the same run: the cost of one Ed25519 verification
// (the bound of the verified write path), bare Tessera appending entries
// with one verification each, the register's own write path, the time from
// acceptance to a published checkpoint, audit, rebuild, and HTTP reads. The
// kongsi bench command and the go test benchmarks both use it.
package bench

import (
	"cmp"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kongsi/kongsi/internal/audit"
	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/module"
	"github.com/kongsi/kongsi/internal/node"
	"github.com/kongsi/kongsi/internal/projector"
	"github.com/kongsi/kongsi/internal/record"
	"github.com/kongsi/kongsi/internal/signednote"
	"github.com/kongsi/kongsi/internal/store"
	"github.com/kongsi/kongsi/internal/tlog"
	"github.com/transparency-dev/tessera"
	"github.com/transparency-dev/tessera/storage/posix"
	"golang.org/x/mod/sumdb/note"
)

// Origin is the origin of benchmark registers.
const Origin = "bench.kongsi.example/register"

// Fixture is a founded register's keys and a set of signed records to
// append to it.
type Fixture struct {
	LogSKey string
	LogVKey string
	Charter []byte
	Records [][]byte
	signers map[string]note.Signer
}

var benchStates = []string{"brn", "khm", "chn", "idn", "lao", "mys", "mmr", "phl", "sgp", "tha", "vnm"}

// NewFixture makes keys for eleven states, a charter, and n declarations of
// about bodySize bytes, signed in parallel.
func NewFixture(n, bodySize int) (*Fixture, error) {
	f := &Fixture{signers: map[string]note.Signer{}}
	var err error
	if f.LogSKey, f.LogVKey, err = signednote.GenerateKey(Origin); err != nil {
		return nil, err
	}
	c := ledger.CharterBody{Name: "Benchmark register", Origin: Origin, LogKey: f.LogVKey, AdmissionQuorum: ledger.Quorum{Numerator: 2, Denominator: 3}}
	var founders []note.Signer
	for _, st := range benchStates {
		id := st + ".mfa"
		skey, vkey, err := signednote.GenerateKey(id)
		if err != nil {
			return nil, err
		}
		s, _ := signednote.NewSigner(skey)
		f.signers[id] = s
		founders = append(founders, s)
		c.States = append(c.States, ledger.StateSpec{ID: st, Name: strings.ToUpper(st)})
		c.Authorities = append(c.Authorities, ledger.AuthoritySpec{ID: id, Name: "Ministry of Foreign Affairs", Roles: []string{ledger.RoleGovernance, "declarations"}, Key: vkey})
	}
	body, _ := json.Marshal(c)
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if f.Charter, err = record.Sign(&record.Envelope{Register: Origin, Kind: ledger.KindCharter, Subject: "charter", Author: founders[0].Name(), Time: record.FormatTime(start), Body: body}, founders...); err != nil {
		return nil, err
	}
	f.Records = make([][]byte, n)
	text := strings.Repeat("A position stated for the benchmark. ", max(1, bodySize/37))
	var wg sync.WaitGroup
	var firstErr atomic.Pointer[error]
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Go(func() {
			for i := w; i < n; i += workers {
				st := benchStates[i%len(benchStates)]
				b, _ := json.Marshal(map[string]any{
					"topic": "Benchmark", "category": "other", "title": fmt.Sprintf("Position %d", i), "text": text,
					"stated_on": "2026-01-01", "language": "en", "sources": []any{map[string]any{"title": "Benchmark"}},
				})
				env := &record.Envelope{Register: Origin, Kind: "declaration", Subject: fmt.Sprintf("declarations/%s/b%d", st, i), Author: st + ".mfa",
					Time: record.FormatTime(start.Add(time.Duration(i) * time.Second)), Body: b}
				e, err := record.Sign(env, f.signers[st+".mfa"])
				if err != nil {
					firstErr.CompareAndSwap(nil, &err)
					return
				}
				f.Records[i] = e
			}
		})
	}
	wg.Wait()
	if e := firstErr.Load(); e != nil {
		return nil, *e
	}
	return f, nil
}

// EntrySize is the mean size of the fixture's records.
func (f *Fixture) EntrySize() int {
	total := 0
	for _, r := range f.Records {
		total += len(r)
	}
	return total / max(1, len(f.Records))
}

// Ed25519 measures one Ed25519 verification, in the way the write path
// makes it, on one core.
func Ed25519(d time.Duration) time.Duration {
	pub, priv, _ := ed25519.GenerateKey(nil)
	msg := make([]byte, 600)
	sig := ed25519.Sign(priv, msg)
	n := 0
	start := time.Now()
	for time.Since(start) < d {
		for range 100 {
			ed25519.Verify(pub, msg, sig)
		}
		n += 100
	}
	return time.Since(start) / time.Duration(n)
}

// Throughput is a count over a time.
type Throughput struct {
	N        int
	Duration time.Duration
}

// PerSecond is the rate.
func (t Throughput) PerSecond() float64 { return float64(t.N) / t.Duration.Seconds() }

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// BareTessera appends the fixture's records to a bare Tessera POSIX log in
// dir, verifying one Ed25519 signature per entry before adding it, with the
// given number of concurrent adders, as the register's own write path is
// driven. It is the baseline of the write path.
func BareTessera(ctx context.Context, f *Fixture, dir string, clients int) (Throughput, error) {
	return BareTesseraWith(ctx, f, dir, clients, 4096, 2*time.Millisecond)
}

// BareTesseraWith is BareTessera with Tessera's batching settings given.
func BareTesseraWith(ctx context.Context, f *Fixture, dir string, clients int, batchSize uint, batchAge time.Duration) (Throughput, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	signer, err := signednote.NewSigner(f.LogSKey)
	if err != nil {
		return Throughput{}, err
	}
	drv, err := posix.New(ctx, posix.Config{Path: dir})
	if err != nil {
		return Throughput{}, err
	}
	app, shutdown, _, err := tessera.NewAppender(ctx, drv, tessera.NewAppendOptions().
		WithCheckpointSigner(signer).WithCheckpointInterval(200*time.Millisecond).WithBatching(batchSize, batchAge))
	if err != nil {
		return Throughput{}, err
	}
	keys := map[string]*signednote.Key{}
	for id, s := range f.signers {
		_ = s
		keys[id] = nil
	}
	// Parse the keys once, as any verifier would.
	var charter ledger.CharterBody
	r, _ := record.Parse(f.Charter)
	json.Unmarshal(r.Body, &charter)
	for _, a := range charter.Authorities {
		keys[a.ID], _ = signednote.ParseKey(a.Key)
	}
	var next atomic.Int64
	var failed atomic.Pointer[error]
	start := time.Now()
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(f.Records) {
					return
				}
				n, err := signednote.Parse(f.Records[i])
				if err == nil && !keys[n.Sigs[0].Name].Verify(n.Text, n.Sigs[0]) {
					err = fmt.Errorf("record %d does not verify", i)
				}
				if err == nil {
					_, err = app.Add(ctx, tessera.NewEntry(f.Records[i]))()
				}
				if err != nil {
					failed.CompareAndSwap(nil, &err)
					return
				}
			}
		})
	}
	wg.Wait()
	took := time.Since(start)
	if e := failed.Load(); e != nil {
		return Throughput{}, *e
	}
	if err := shutdown(ctx); err != nil {
		return Throughput{}, err
	}
	return Throughput{N: len(f.Records), Duration: took}, nil
}

// Register is a founded benchmark register.
type Register struct {
	Dir  string
	Node *node.Node
	ms   []module.Module
}

// Found founds a register for the fixture in dir and opens it.
func Found(ctx context.Context, f *Fixture, dir string, ms []module.Module) (*Register, error) {
	return FoundWith(ctx, f, dir, ms, "")
}

// FoundWith is Found with the projections in the PostgreSQL database
// postgres, or in SQLite when it is "".
func FoundWith(ctx context.Context, f *Fixture, dir string, ms []module.Module, postgres string) (*Register, error) {
	cfg := node.Config{Dir: dir, Kinds: module.Kinds(ms), Projections: module.Projections(ms), Logger: quiet(), Postgres: postgres}
	if err := node.Found(ctx, cfg, f.LogSKey, f.Charter); err != nil {
		return nil, err
	}
	n, err := node.Open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return &Register{Dir: dir, Node: n, ms: ms}, nil
}

// WriteResult is what the write path did.
type WriteResult struct {
	Throughput
	// PublishLatency is the median time from a record's acceptance to a
	// published checkpoint covering it, over a sample of records.
	PublishLatency time.Duration
	PublishP90     time.Duration
	// Batches handed to the log, their mean size, and the mean time the log
	// took to store one.
	Batches        int
	MeanBatch      float64
	MeanBatchWrite time.Duration
}

// WritePath submits the fixture's records through the register's write
// path with the given number of concurrent clients, and measures, for one
// record in every sampleEvery, the time until a checkpoint covers it.
func (r *Register) WritePath(ctx context.Context, f *Fixture, clients, sampleEvery int) (WriteResult, error) {
	var next atomic.Int64
	var failed atomic.Pointer[error]
	var mu sync.Mutex
	var lat []time.Duration
	var waits sync.WaitGroup
	start := time.Now()
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(f.Records) {
					return
				}
				res, err := r.Node.Sequencer.Submit(ctx, f.Records[i])
				if err != nil {
					failed.CompareAndSwap(nil, &err)
					return
				}
				if i%sampleEvery == 0 {
					accepted := time.Now()
					waits.Go(func() {
						if _, err := r.Node.Log.AwaitPublished(ctx, res.Index); err == nil {
							mu.Lock()
							lat = append(lat, time.Since(accepted))
							mu.Unlock()
						}
					})
				}
			}
		})
	}
	wg.Wait()
	took := time.Since(start)
	waits.Wait()
	if e := failed.Load(); e != nil {
		return WriteResult{}, *e
	}
	slices.Sort(lat)
	res := WriteResult{Throughput: Throughput{N: len(f.Records), Duration: took}}
	if b := r.Node.Sequencer.Batches.Load(); b > 0 {
		res.Batches = int(b)
		res.MeanBatch = float64(r.Node.Sequencer.BatchRecords.Load()) / float64(b)
		res.MeanBatchWrite = time.Duration(r.Node.Sequencer.BatchNanos.Load() / b)
	}
	if len(lat) > 0 {
		res.PublishLatency = lat[len(lat)/2]
		res.PublishP90 = lat[len(lat)*9/10]
	}
	return res, nil
}

// Close closes the register.
func (r *Register) Close(ctx context.Context) error { return r.Node.Close(ctx) }

// Audit audits the register's log from its files.
func Audit(ctx context.Context, dir string, ms []module.Module) (Throughput, error) {
	_, vkey, err := node.ReadLogKey(dir)
	if err != nil {
		return Throughput{}, err
	}
	v, _ := note.NewVerifier(vkey)
	kinds, err := ledger.NewKinds(module.Kinds(ms)...)
	if err != nil {
		return Throughput{}, err
	}
	rep, err := audit.Run(ctx, audit.Options{Source: tlog.DirSource(filepath.Join(dir, node.LogDir)), Verifier: v, Kinds: kinds})
	if err != nil {
		return Throughput{}, err
	}
	if !rep.OK() {
		return Throughput{}, fmt.Errorf("the benchmark log failed its audit: %v", rep.Failure)
	}
	return Throughput{N: int(rep.Checked), Duration: rep.Duration}, nil
}

// Rebuild rebuilds the register's projections into a fresh SQLite store.
func Rebuild(ctx context.Context, dir string, ms []module.Module) (Throughput, error) {
	return RebuildInto(ctx, dir, ms, "")
}

// RebuildInto rebuilds the register's projections into the empty
// PostgreSQL database postgres, or into a fresh SQLite store when it is "".
func RebuildInto(ctx context.Context, dir string, ms []module.Module, postgres string) (Throughput, error) {
	var t Throughput
	err := rebuild(ctx, dir, ms, postgres, func(st store.Store, p *projector.Projector) error {
		start := time.Now()
		if err := p.Rebuild(ctx, nil); err != nil {
			return err
		}
		t = Throughput{N: int(p.Applied()), Duration: time.Since(start)}
		return nil
	})
	return t, err
}

// RebuildWithBaseline rebuilds the register's projections into a fresh
// SQLite store, and then measures the baseline: bare SQLite writing the
// same rows (BareSQLite). It does both runs times, one after the other, and
// returns the median of each, so that a disk busy writing back an earlier
// measurement's files does not decide the ratio.
func RebuildWithBaseline(ctx context.Context, dir string, ms []module.Module, runs int) (rebuilt, bare Throughput, err error) {
	var rs, bs []Throughput
	for range max(1, runs) {
		err = rebuild(ctx, dir, ms, "", func(st store.Store, p *projector.Projector) error {
			start := time.Now()
			if err := p.Rebuild(ctx, nil); err != nil {
				return err
			}
			rs = append(rs, Throughput{N: int(p.Applied()), Duration: time.Since(start)})
			b, err := BareSQLite(ctx, st, projector.Schemas(module.Projections(ms)), int(p.Applied()))
			bs = append(bs, b)
			return err
		})
		if err != nil {
			return Throughput{}, Throughput{}, err
		}
	}
	return median(rs), median(bs), nil
}

// median returns the measurement of median duration.
func median(ts []Throughput) Throughput {
	ts = slices.Clone(ts)
	slices.SortFunc(ts, func(a, b Throughput) int { return cmp.Compare(a.Duration, b.Duration) })
	return ts[len(ts)/2]
}

// rebuild opens a fresh store and a projector of the register in dir on it,
// and calls fn with them.
func rebuild(ctx context.Context, dir string, ms []module.Module, postgres string, fn func(store.Store, *projector.Projector) error) error {
	_, vkey, err := node.ReadLogKey(dir)
	if err != nil {
		return err
	}
	v, _ := note.NewVerifier(vkey)
	kinds, err := ledger.NewKinds(module.Kinds(ms)...)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "kongsi-rebuild-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	st, err := node.OpenStore(ctx, node.Config{Dir: tmp, Postgres: postgres}, projector.Schemas(module.Projections(ms)))
	if err != nil {
		return err
	}
	defer st.Close()
	p := projector.New(projector.Options{Source: tlog.DirSource(filepath.Join(dir, node.LogDir)), Verifier: v, Store: st, Kinds: kinds,
		Projections: module.Projections(ms), Logger: quiet(), BatchSize: rebuildBatch})
	return fn(st, p)
}

// rebuildBatch is the records a rebuild applies in one transaction.
const rebuildBatch = 5000
