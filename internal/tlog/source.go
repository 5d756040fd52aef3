package tlog

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/transparency-dev/formats/log"
	"github.com/transparency-dev/tessera/api"
	"github.com/transparency-dev/tessera/api/layout"
	"github.com/transparency-dev/tessera/client"
	"golang.org/x/mod/sumdb/note"
)

// Source is a read-only tlog-tiles log: the files of a local log, or a log
// served over HTTP. Missing resources are reported with os.ErrNotExist, and a
// partial tile or bundle that is gone is replaced by the full one.
type Source interface {
	ReadCheckpoint(ctx context.Context) ([]byte, error)
	ReadTile(ctx context.Context, level, index uint64, p uint8) ([]byte, error)
	ReadEntryBundle(ctx context.Context, index uint64, p uint8) ([]byte, error)
}

// DirSource reads the log in a local directory.
func DirSource(dir string) Source { return client.FileFetcher{Root: dir} }

// HTTPSource reads a log served under base, which ends with the log's
// prefix ("https://example.org/log/").
func HTTPSource(base string, c *http.Client) (Source, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("%q is not an http(s) URL", base)
	}
	f, err := client.NewHTTPFetcher(u, c)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// Checkpoint is a verified checkpoint and its signed note.
type Checkpoint struct {
	log.Checkpoint
	Raw  []byte
	Note *note.Note
}

// ReadCheckpoint reads the latest checkpoint of src and verifies its signature
// by the log's key. Cosignatures are kept in Note.UnverifiedSigs.
func ReadCheckpoint(ctx context.Context, src Source, v note.Verifier) (*Checkpoint, error) {
	raw, err := src.ReadCheckpoint(ctx)
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNoCheckpoint
	}
	if err != nil {
		return nil, fmt.Errorf("couldn't read the checkpoint: %w", err)
	}
	return ParseCheckpoint(raw, v)
}

// ParseCheckpoint parses a checkpoint and verifies the log's signature.
func ParseCheckpoint(raw []byte, v note.Verifier) (*Checkpoint, error) {
	cp, _, n, err := log.ParseCheckpoint(raw, v.Name(), v)
	if err != nil {
		return nil, fmt.Errorf("invalid checkpoint: %w", err)
	}
	return &Checkpoint{Checkpoint: *cp, Raw: raw, Note: n}, nil
}

// Entry is one entry of a log.
type Entry struct {
	Index uint64
	Data  []byte
}

// Entries reads the entries [from, to) of a log of size size (to <= size),
// in order, a bundle at a time.
func Entries(ctx context.Context, src Source, from, to, size uint64) iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		if to > size || from > to {
			yield(Entry{}, fmt.Errorf("entries [%d, %d) are not in a log of size %d", from, to, size))
			return
		}
		for i := from; i < to; {
			bundleIdx := i / layout.EntryBundleWidth
			raw, err := src.ReadEntryBundle(ctx, bundleIdx, layout.PartialTileSize(0, bundleIdx, size))
			if err != nil {
				yield(Entry{}, fmt.Errorf("couldn't read the entry bundle %d: %w", bundleIdx, err))
				return
			}
			var b api.EntryBundle
			if err := b.UnmarshalText(raw); err != nil {
				yield(Entry{}, fmt.Errorf("couldn't parse the entry bundle %d: %w", bundleIdx, err))
				return
			}
			first := bundleIdx * layout.EntryBundleWidth
			for ; i < to && i < first+uint64(len(b.Entries)); i++ {
				if !yield(Entry{Index: i, Data: b.Entries[i-first]}, nil) {
					return
				}
			}
			if i < to && i >= first+uint64(len(b.Entries)) && uint64(len(b.Entries)) < layout.EntryBundleWidth {
				yield(Entry{}, fmt.Errorf("the entry bundle %d holds %d entries; entry %d is missing", bundleIdx, len(b.Entries), i))
				return
			}
		}
	}
}

// ParseCheckpointText parses the text of a checkpoint (C2SP tlog-checkpoint)
// strictly: an origin line, the tree size in decimal without leading
// zeroes, the root hash in base64 (32 bytes), then any extension lines,
// which must not be empty.
func ParseCheckpointText(text []byte) (log.Checkpoint, error) {
	if len(text) == 0 || text[len(text)-1] != '\n' {
		return log.Checkpoint{}, errors.New("a checkpoint's text ends with a newline")
	}
	lines := strings.Split(string(text[:len(text)-1]), "\n")
	if len(lines) < 3 {
		return log.Checkpoint{}, errors.New("a checkpoint has an origin, a tree size and a root hash line")
	}
	if lines[0] == "" {
		return log.Checkpoint{}, errors.New("the checkpoint's origin line is empty")
	}
	size, err := strconv.ParseUint(lines[1], 10, 64)
	if err != nil || strconv.FormatUint(size, 10) != lines[1] {
		return log.Checkpoint{}, fmt.Errorf("the checkpoint's tree size %q is not a decimal number without leading zeroes", lines[1])
	}
	hash, err := base64.StdEncoding.Strict().DecodeString(lines[2])
	if err != nil || len(hash) != 32 {
		return log.Checkpoint{}, errors.New("the checkpoint's root hash is not a base64 SHA-256 hash")
	}
	for _, ext := range lines[3:] {
		if ext == "" {
			return log.Checkpoint{}, errors.New("the checkpoint has an empty extension line")
		}
	}
	return log.Checkpoint{Origin: lines[0], Size: size, Hash: hash}, nil
}
