// Package tlog keeps the register's log: a C2SP tlog-tiles Merkle log stored
// by Tessera's POSIX driver, with checkpoints signed by the log's key. It
// also reads logs (local or remote), builds and checks proofs in the C2SP
// tlog-proof format, and serves the log's static files over HTTP.
package tlog

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/transparency-dev/tessera"
	"github.com/transparency-dev/tessera/storage/posix"
	"golang.org/x/mod/sumdb/note"
)

// Options configure a log opened for appending.
type Options struct {
	// Dir is the directory of the log's files: what is served under /log/,
	// and Tessera's private .state directory.
	Dir string
	// Signer signs checkpoints. Its name is the log's origin.
	Signer note.Signer
	// CheckpointInterval is how often a new checkpoint may be published.
	// The default is 200ms, so that a record is covered by a published
	// checkpoint well within a second of its acceptance.
	CheckpointInterval time.Duration
	// BatchMaxSize and BatchMaxAge bound Tessera's sequencing batches. The
	// register hands Tessera whole batches at once, so a small age (the
	// default, 2ms) only gathers what was added together.
	BatchMaxSize uint
	BatchMaxAge  time.Duration
	// Witnesses, when set, say which witness policies a checkpoint must
	// satisfy before it is published. While they cannot be satisfied,
	// entries are still sequenced and stored, but no new checkpoint is
	// published.
	Witnesses WitnessPolicies
	// WitnessTimeout bounds the wait for cosignatures of one checkpoint;
	// Tessera's default (5s) if zero.
	WitnessTimeout time.Duration
	// HTTPClient is used to reach witnesses.
	HTTPClient *http.Client
}

// Log is a log opened for appending.
type Log struct {
	dir      string
	origin   string
	appender *tessera.Appender
	shutdown func(context.Context) error
	reader   tessera.LogReader
	awaiter  *tessera.PublicationAwaiter
	cancel   context.CancelFunc
	contacts *witnessContacts // nil without witnesses
}

// Open opens the log in opts.Dir for appending, creating it if it does not
// exist. Only one process may append to a log at a time.
func Open(ctx context.Context, opts Options) (*Log, error) {
	if opts.CheckpointInterval == 0 {
		opts.CheckpointInterval = 200 * time.Millisecond
	}
	if opts.BatchMaxSize == 0 {
		opts.BatchMaxSize = 4096
	}
	if opts.BatchMaxAge == 0 {
		opts.BatchMaxAge = 2 * time.Millisecond
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("couldn't create the log directory: %w", err)
	}
	var contacts *witnessContacts
	if opts.Witnesses != nil {
		c := opts.HTTPClient
		if c == nil {
			c = &http.Client{}
		}
		next := c.Transport
		if next == nil {
			next = http.DefaultTransport
		}
		contacts = &witnessContacts{names: map[string]string{}, last: map[string]*WitnessContact{}, next: next}
		wc := *c
		wc.Transport = contacts
		opts.HTTPClient = &wc
	}
	// The context of Tessera's background work lives until Close.
	bg, cancel := context.WithCancel(context.WithoutCancel(ctx))
	driver, err := posix.New(bg, posix.Config{Path: opts.Dir, HTTPClient: opts.HTTPClient})
	if err != nil {
		cancel()
		return nil, fmt.Errorf("couldn't open the log's storage: %w", err)
	}
	ao := tessera.NewAppendOptions().
		WithCheckpointSigner(opts.Signer).
		WithCheckpointInterval(opts.CheckpointInterval).
		WithBatching(opts.BatchMaxSize, opts.BatchMaxAge).
		WithGarbageCollectionInterval(10 * time.Second)
	if opts.Witnesses != nil {
		group := tessera.NewWitnessGroup(1, witnessGate{wp: opts.Witnesses, contacts: contacts})
		ao = ao.WithWitnesses(group, &tessera.WitnessOptions{Timeout: opts.WitnessTimeout})
	}
	a, shutdown, reader, err := tessera.NewAppender(bg, driver, ao)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("couldn't start appending to the log: %w", err)
	}
	l := &Log{
		dir: opts.Dir, origin: opts.Signer.Name(),
		appender: a, shutdown: shutdown, reader: reader, cancel: cancel, contacts: contacts,
		awaiter: tessera.NewPublicationAwaiter(bg, reader.ReadCheckpoint, 25*time.Millisecond),
	}
	return l, nil
}

// Origin is the log's origin.
func (l *Log) Origin() string { return l.origin }

// Dir is the log's directory.
func (l *Log) Dir() string { return l.dir }

// Add queues an entry for sequencing. The future resolves to its index once it
// is durably stored; not before.
func (l *Log) Add(ctx context.Context, entry []byte) tessera.IndexFuture {
	return l.appender.Add(ctx, tessera.NewEntry(entry))
}

// AwaitPublished waits until a published checkpoint covers index, and returns
// that checkpoint.
func (l *Log) AwaitPublished(ctx context.Context, index uint64) ([]byte, error) {
	_, cp, err := l.awaiter.Await(ctx, func() (tessera.Index, error) { return tessera.Index{Index: index}, nil })
	if err != nil {
		return nil, fmt.Errorf("couldn't wait for a checkpoint covering index %d: %w", index, err)
	}
	return cp, nil
}

// WitnessContacts says how the log's last request to each witness went.
func (l *Log) WitnessContacts() []WitnessContact {
	if l.contacts == nil {
		return nil
	}
	return l.contacts.snapshot()
}

// Reader reads the log's files.
func (l *Log) Reader() tessera.LogReader { return l.reader }

// IntegratedSize is the number of entries durably sequenced and integrated
// into the tree, whether or not a published checkpoint covers them yet.
func (l *Log) IntegratedSize(ctx context.Context) (uint64, error) {
	return l.reader.IntegratedSize(ctx)
}

// Close waits until every entry whose index was returned is covered by a
// published checkpoint, then stops the log's background work.
func (l *Log) Close(ctx context.Context) error {
	defer l.cancel()
	if err := l.shutdown(ctx); err != nil {
		return fmt.Errorf("couldn't publish a final checkpoint: %w", err)
	}
	return nil
}

// Exists reports whether dir holds a log.
func Exists(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, ".state", "treeState"))
	return err == nil
}

// ErrNoCheckpoint is returned when a log has not published a checkpoint yet.
var ErrNoCheckpoint = errors.New("the log has no published checkpoint yet")
