// Package node runs a register node: it opens a data directory's log, key and
// store, replays the log into the ledger, starts the write path and the
// projector, and closes them in the order that loses nothing.
//
// A data directory holds:
//
//	log/          the log's public files (served under /log/) and Tessera's .state
//	log.key       the private key that signs checkpoints (mode 0600)
//	register.db   the projections (SQLite), derived from log/ and rebuildable
package node

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/projector"
	"github.com/kongsi/kongsi/internal/record"
	"github.com/kongsi/kongsi/internal/sequencer"
	"github.com/kongsi/kongsi/internal/signednote"
	"github.com/kongsi/kongsi/internal/store"
	"github.com/kongsi/kongsi/internal/tlog"
	"golang.org/x/mod/sumdb/note"
)

// Paths within a data directory.
const (
	LogDir     = "log"
	LogKeyFile = "log.key"
	// LogVKeyFile is the log's public key, for the nodes that read the
	// directory without the right to sign: a shared store's readers.
	LogVKeyFile = "log.vkey"
	StoreFile   = "register.db"
)

// Config configures a node.
type Config struct {
	Dir         string
	Kinds       []*ledger.Kind
	Projections []projector.Projection
	Logger      *slog.Logger
	// Progress, if set, is told how replays at start-up go.
	Progress func(what string, done, total uint64)
	// Log tunes the log; Dir, Signer and Witnesses are set by the node.
	Log tlog.Options
	// Postgres, when set, is the address of the PostgreSQL database that
	// holds the projections, instead of the SQLite file in Dir.
	Postgres string
	// Witnesses is a witness policy every checkpoint must satisfy, besides
	// the one the register's records set; its URLs also reach the witnesses
	// of the recorded policy that have the same keys. Optional.
	Witnesses *tlog.Policy
	// WitnessURLs reach witnesses, by key (vkey), in place of the URLs
	// their witness.register records give. Optional.
	WitnessURLs map[string]string
}

// OpenStoreReadOnly opens the projections' store that cfg names to read it
// while its node runs: a PostgreSQL database read-only, at the node's
// migrations; the SQLite file as OpenStore does.
func OpenStoreReadOnly(ctx context.Context, cfg Config, schemas []store.Schema) (store.Store, error) {
	if cfg.Postgres != "" {
		return store.OpenPostgresReadOnly(ctx, cfg.Postgres, schemas)
	}
	return store.OpenSQLite(ctx, filepath.Join(cfg.Dir, StoreFile), schemas)
}

// OpenStore opens the projections' store that cfg names.
func OpenStore(ctx context.Context, cfg Config, schemas []store.Schema) (store.Store, error) {
	if cfg.Postgres != "" {
		return store.OpenPostgres(ctx, cfg.Postgres, schemas)
	}
	return store.OpenSQLite(ctx, filepath.Join(cfg.Dir, StoreFile), schemas)
}

// Node is a running register node. A read-only node (a mirror's) has no
// Log and no Sequencer: it follows a copy of the log that something else
// writes in LogDir.
type Node struct {
	Dir       string
	LogDir    string
	Origin    string
	LogVKey   string
	Verifier  note.Verifier
	Kinds     *ledger.Kinds
	Log       *tlog.Log
	Sequencer *sequencer.Sequencer
	Store     store.Store
	Projector *projector.Projector
	Logger    *slog.Logger

	cancel context.CancelFunc
	done   chan struct{}
	unlock func()
}

// ErrInUse is returned when another process has the register open.
var ErrInUse = errors.New("another process has this register open")

// lockDir takes an exclusive lock on the data directory, without waiting.
// LockDir takes the lock that keeps a second process out of a register's
// data directory, for the commands that change it while no node runs.
func LockDir(dir string) (unlock func(), err error) { return lockDir(dir) }

func lockDir(dir string) (func(), error) {
	f, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("couldn't open the register's lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("%w (%s): stop it, or work through its API", ErrInUse, dir)
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// ErrNoRegister is returned when a directory holds no register.
var ErrNoRegister = errors.New("no register in this directory")

// Exists reports whether dir holds a register.
func Exists(dir string) bool { return tlog.Exists(filepath.Join(dir, LogDir)) }

// ReadLogKey reads the log's private key from a data directory.
func ReadLogKey(dir string) (note.Signer, string, error) {
	b, err := os.ReadFile(filepath.Join(dir, LogKeyFile))
	if err != nil {
		return nil, "", fmt.Errorf("couldn't read the log's key: %w", err)
	}
	s, err := signednote.NewSigner(string(b))
	if err != nil {
		return nil, "", err
	}
	vkey, err := signednote.VerifierKey(string(b))
	if err != nil {
		return nil, "", err
	}
	return s, vkey, nil
}

// Found creates a register in an empty directory: it writes the log's key
// and appends the charter, which must name that key, as entry 0.
func Found(ctx context.Context, cfg Config, logSKey string, charter []byte) error {
	if Exists(cfg.Dir) {
		return fmt.Errorf("%s already holds a register", cfg.Dir)
	}
	r, err := record.Parse(charter)
	if err != nil {
		return fmt.Errorf("couldn't read the charter: %w", err)
	}
	var body ledger.CharterBody
	if err := ledger.DecodeBody(r, &body); err != nil || r.Kind != ledger.KindCharter {
		return fmt.Errorf("the first record must be a charter")
	}
	vkey, err := signednote.VerifierKey(logSKey)
	if err != nil {
		return err
	}
	if body.LogKey != vkey {
		return fmt.Errorf("the charter names the log key %q, not the key given (%q)", body.LogKey, vkey)
	}
	if !strings.HasPrefix(vkey, body.Origin+"+") {
		return fmt.Errorf("the log key's name must be the register's origin %q", body.Origin)
	}
	// Check the charter before creating anything, so that a refused one
	// leaves nothing behind.
	kinds, err := ledger.NewKinds(cfg.Kinds...)
	if err != nil {
		return err
	}
	if _, err := ledger.NewState(kinds).Check(charter); err != nil {
		return fmt.Errorf("couldn't append the charter: %w", err)
	}
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return err
	}
	if err := writeFileSync(filepath.Join(cfg.Dir, LogKeyFile), []byte(logSKey+"\n"), 0o600); err != nil {
		return fmt.Errorf("couldn't write the log's key: %w", err)
	}
	n, err := Open(ctx, cfg)
	if err != nil {
		return err
	}
	_, serr := n.Sequencer.Submit(ctx, charter)
	if cerr := n.Close(ctx); serr == nil {
		serr = cerr
	}
	if serr != nil {
		return fmt.Errorf("couldn't append the charter: %w", serr)
	}
	return nil
}

// Open opens the register in cfg.Dir and starts its write path. Call Run to
// start following the log into the store.
func Open(ctx context.Context, cfg Config) (*Node, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	progress := func(what string) func(done, total uint64) {
		if cfg.Progress == nil {
			return nil
		}
		return func(done, total uint64) { cfg.Progress(what, done, total) }
	}
	kinds, err := ledger.NewKinds(cfg.Kinds...)
	if err != nil {
		return nil, err
	}
	signer, vkey, err := ReadLogKey(cfg.Dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s has no %s", ErrNoRegister, cfg.Dir, LogKeyFile)
	}
	if err != nil {
		return nil, err
	}
	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, err
	}
	// One process at a time appends to a log.
	unlock, err := lockDir(cfg.Dir)
	if err != nil {
		return nil, err
	}
	if err := writePublicKey(cfg.Dir, vkey); err != nil {
		unlock()
		return nil, err
	}
	opts := cfg.Log
	opts.Dir, opts.Signer = filepath.Join(cfg.Dir, LogDir), signer
	// Checkpoints are published only with the cosignatures that the
	// configured policy and the register's recorded one require; until the
	// write path has replayed the log, the recorded one is unknown and no
	// checkpoint of a non-empty tree is published.
	wp := newWitnessPolicies(cfg.Witnesses, cfg.WitnessURLs)
	opts.Witnesses = wp
	l, err := tlog.Open(ctx, opts)
	if err != nil {
		unlock()
		return nil, err
	}
	wp.log.Store(l)
	n := &Node{Dir: cfg.Dir, LogDir: opts.Dir, Origin: signer.Name(), LogVKey: vkey, Verifier: verifier, Kinds: kinds, Log: l, Logger: cfg.Logger, unlock: unlock}
	fail := func(err error) (*Node, error) {
		n.Close(ctx)
		return nil, err
	}
	if n.Sequencer, err = sequencer.New(ctx, l, kinds, cfg.Logger, progress("replaying the log")); err != nil {
		return fail(err)
	}
	wp.seq.Store(n.Sequencer)
	if o := n.Sequencer.State().Origin(); o != "" && o != n.Origin {
		return fail(fmt.Errorf("the charter's origin %q is not the log key's name %q", o, n.Origin))
	}
	if n.Store, err = OpenStore(ctx, cfg, projector.Schemas(cfg.Projections)); err != nil {
		return fail(err)
	}
	n.Projector = projector.New(projector.Options{
		Source: l.Reader(), Verifier: verifier, Store: n.Store, Kinds: kinds,
		Projections: cfg.Projections, Logger: cfg.Logger, DataDir: cfg.Dir,
	})
	if err := n.Projector.Open(ctx, progress("loading the projections")); err != nil {
		return fail(err)
	}
	// Catch up with the published log before serving anything, so that the
	// first page shown is as current as the log.
	if err := n.Projector.CatchUp(ctx, progress("projecting the log")); err != nil && !errors.Is(err, tlog.ErrNoCheckpoint) {
		return fail(err)
	}
	return n, nil
}

// writePublicKey writes the log's public key in dir, unless it is there.
func writePublicKey(dir, vkey string) error {
	path := filepath.Join(dir, LogVKeyFile)
	if b, err := os.ReadFile(path); err == nil && strings.TrimSpace(string(b)) == vkey {
		return nil
	}
	tmp := path + ".tmp"
	os.Remove(tmp)
	if err := writeFileSync(tmp, []byte(vkey+"\n"), 0o644); err != nil {
		return fmt.Errorf("couldn't write the log's public key: %w", err)
	}
	return os.Rename(tmp, path)
}

// OpenShared opens a node that serves the register whose writer keeps its
// data in cfg.Dir and its projections in the PostgreSQL database
// cfg.Postgres, alongside the writer and other such nodes. It reads the
// writer's log, datasets and tables and writes nothing: it takes no
// records, projects nothing (the writer does), takes no lock, and opens the
// database read-only. Call Run to follow the writer's progress.
func OpenShared(ctx context.Context, cfg Config) (*Node, error) {
	if cfg.Postgres == "" {
		return nil, errors.New("a node that shares the writer's store needs the writer's PostgreSQL database")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	kinds, err := ledger.NewKinds(cfg.Kinds...)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(filepath.Join(cfg.Dir, LogVKeyFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s has no %s (the writer writes it when it starts)", ErrNoRegister, cfg.Dir, LogVKeyFile)
	}
	if err != nil {
		return nil, err
	}
	vkey := strings.TrimSpace(string(b))
	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", LogVKeyFile, err)
	}
	n := &Node{Dir: cfg.Dir, LogDir: filepath.Join(cfg.Dir, LogDir), Origin: verifier.Name(), LogVKey: vkey, Verifier: verifier, Kinds: kinds, Logger: cfg.Logger}
	if n.Store, err = store.OpenPostgresReadOnly(ctx, cfg.Postgres, projector.Schemas(cfg.Projections)); err != nil {
		return nil, err
	}
	n.Projector = projector.New(projector.Options{
		Source: tlog.DirSource(n.LogDir), Verifier: verifier, Store: n.Store, Kinds: kinds,
		Projections: cfg.Projections, Logger: cfg.Logger, DataDir: cfg.Dir, Shared: true,
	})
	if err := n.Projector.Open(ctx, nil); err != nil {
		n.Close(ctx)
		return nil, err
	}
	if err := n.Projector.CatchUp(ctx, nil); err != nil && !errors.Is(err, tlog.ErrNoCheckpoint) {
		n.Close(ctx)
		return nil, err
	}
	return n, nil
}

// OpenReadOnly opens a read-only node on the log copied into cfg.Dir/log,
// whose key is vkey: it projects the copy into the store, and takes no
// records. Call Run to start following the copy.
func OpenReadOnly(ctx context.Context, cfg Config, vkey string) (*Node, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	kinds, err := ledger.NewKinds(cfg.Kinds...)
	if err != nil {
		return nil, err
	}
	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, fmt.Errorf("the log's key: %w", err)
	}
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return nil, err
	}
	unlock, err := lockDir(cfg.Dir)
	if err != nil {
		return nil, err
	}
	n := &Node{Dir: cfg.Dir, LogDir: filepath.Join(cfg.Dir, LogDir), Origin: verifier.Name(), LogVKey: vkey, Verifier: verifier, Kinds: kinds, Logger: cfg.Logger, unlock: unlock}
	if n.Store, err = OpenStore(ctx, cfg, projector.Schemas(cfg.Projections)); err != nil {
		n.Close(ctx)
		return nil, err
	}
	n.Projector = projector.New(projector.Options{
		Source: tlog.DirSource(n.LogDir), Verifier: verifier, Store: n.Store, Kinds: kinds,
		Projections: cfg.Projections, Logger: cfg.Logger, DataDir: cfg.Dir,
	})
	var progress func(done, total uint64)
	if cfg.Progress != nil {
		progress = func(done, total uint64) { cfg.Progress("loading the projections", done, total) }
	}
	if err := n.Projector.Open(ctx, progress); err != nil && !errors.Is(err, tlog.ErrNoCheckpoint) {
		n.Close(ctx)
		return nil, err
	}
	return n, nil
}

// Source reads the node's log.
func (n *Node) Source() tlog.Source {
	if n.Log != nil {
		return n.Log.Reader()
	}
	return tlog.DirSource(n.LogDir)
}

// ReadOnly reports whether the node takes no records.
func (n *Node) ReadOnly() bool { return n.Sequencer == nil }

// Run follows the log into the store in the background, until Close. It
// also warns, in the node's log, when stored records wait for a checkpoint
// because witnesses do not cosign.
func (n *Node) Run(ctx context.Context) {
	ctx, n.cancel = context.WithCancel(ctx)
	n.done = make(chan struct{})
	go func() {
		defer close(n.done)
		n.Projector.Follow(ctx)
	}()
	if n.Log != nil {
		go n.watchPublication(ctx)
	}
}

// watchPublication logs a warning every 30 seconds while stored records
// have waited more than 10 seconds for a published checkpoint, with how the
// last request to each witness went.
func (n *Node) watchPublication(ctx context.Context) {
	t := time.NewTicker(5 * time.Second)
	defer t.Stop()
	var behindSince, warned time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		integrated, err := n.Log.IntegratedSize(ctx)
		if err != nil {
			continue
		}
		published := uint64(0)
		if raw, err := n.Log.Reader().ReadCheckpoint(ctx); err == nil {
			if cp, err := tlog.ParseCheckpoint(raw, n.Verifier); err == nil {
				published = cp.Size
			}
		}
		if published >= integrated {
			if !warned.IsZero() {
				n.Logger.Info("checkpoints are published again", "size", published)
			}
			behindSince, warned = time.Time{}, time.Time{}
			continue
		}
		if behindSince.IsZero() {
			behindSince = time.Now()
		}
		if time.Since(behindSince) < 10*time.Second || time.Since(warned) < 30*time.Second {
			continue
		}
		warned = time.Now()
		args := []any{"stored", integrated, "published", published, "waiting", time.Since(behindSince).Round(time.Second)}
		for _, c := range n.Log.WitnessContacts() {
			what := c.Error
			if what == "" {
				what = fmt.Sprintf("HTTP %d", c.Status)
			}
			args = append(args, "witness "+c.Name, what)
		}
		n.Logger.Warn("stored records wait for a checkpoint: the witness policy is not satisfied", args...)
	}
}

// Close stops taking records, waits until every acknowledged record is
// covered by a published checkpoint, lets the projector catch up, and closes
// the store.
func (n *Node) Close(ctx context.Context) error {
	var errs []error
	if n.Sequencer != nil {
		n.Sequencer.Close()
	}
	if n.Log != nil {
		errs = append(errs, n.Log.Close(ctx))
	}
	if n.cancel != nil {
		// One last pass, so that the store has everything published.
		n.cancel()
		<-n.done
		if err := n.Projector.CatchUp(ctx, nil); err != nil && !errors.Is(err, tlog.ErrNoCheckpoint) {
			errs = append(errs, err)
		}
	}
	if n.Store != nil {
		errs = append(errs, n.Store.Close())
	}
	if n.unlock != nil {
		n.unlock()
		n.unlock = nil
	}
	return errors.Join(errs...)
}

// writeFileSync writes a file and syncs it and its directory, so that it
// survives a crash once this returns.
func writeFileSync(path string, data []byte, perm os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	d, err := os.Open(filepath.Dir(path))
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
