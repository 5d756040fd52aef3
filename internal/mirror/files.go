package mirror

import (
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"

	"github.com/kongsi/kongsi/internal/tlog"
	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/tessera/api/layout"
)

// stage collects the files of a new tree in a staging directory, to be
// moved into the log's directory once the tree is verified. Nothing the
// mirror has not verified is ever in its log's directory.
type stage struct {
	dir   string
	files []string // relative paths, in the order written
}

func newStage(dir string) (*stage, error) {
	if err := os.RemoveAll(dir); err != nil {
		return nil, fmt.Errorf("couldn't clear the staging directory: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("couldn't create the staging directory: %w", err)
	}
	return &stage{dir: dir}, nil
}

// write stages a file, synced to disk.
func (s *stage) write(rel string, data []byte) error {
	path := filepath.Join(s.dir, rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := writeSync(path, data); err != nil {
		return fmt.Errorf("couldn't stage %s: %w", rel, err)
	}
	s.files = append(s.files, rel)
	return nil
}

// commit moves the staged files into dir. A crash midway leaves some moved,
// some staged: the moved ones are verified and beyond the mirror's
// checkpoint, so nothing refers to them yet, and the next step writes them
// again.
func (s *stage) commit(dir string) error {
	dirs := map[string]bool{}
	for _, rel := range s.files {
		dst := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.Rename(filepath.Join(s.dir, rel), dst); err != nil {
			return fmt.Errorf("couldn't move %s into the log: %w", rel, err)
		}
		dirs[filepath.Dir(dst)] = true
	}
	for d := range dirs {
		if err := syncDir(d); err != nil {
			return err
		}
	}
	return os.RemoveAll(s.dir)
}

func (s *stage) discard() { os.RemoveAll(s.dir) }

// writeSync writes a file and syncs it.
func writeSync(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
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
	return f.Close()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// replaceFile replaces path with data atomically: a reader sees the old
// file or the new one, and after a crash one of them is there.
func replaceFile(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := writeSync(tmp, data); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	return syncDir(filepath.Dir(path))
}

// tileWriter writes the hash tiles of a tree growing from size from, as the
// compact range's visitor reports its nodes: a tile is written when full,
// and the partial tiles at the right edge by flush. The hashes that a tile
// already held at size from are read from the mirror's own copy.
type tileWriter struct {
	ctx   context.Context
	local tlog.Source
	from  uint64
	st    *stage
	rows  map[uint64]*tileRow // by tile level
	err   error
}

type tileRow struct {
	index  uint64   // of the tile being filled
	hashes [][]byte // its hashes so far
}

func newTileWriter(ctx context.Context, local tlog.Source, from uint64, st *stage) *tileWriter {
	return &tileWriter{ctx: ctx, local: local, from: from, st: st, rows: map[uint64]*tileRow{}}
}

// visit takes a node of the tree. Tiles hold the nodes of every eighth
// level: a tile at level L holds up to 256 nodes of tree level 8L.
func (w *tileWriter) visit(id compact.NodeID, hash []byte) {
	if w.err != nil || id.Level%layout.TileHeight != 0 {
		return
	}
	level := uint64(id.Level / layout.TileHeight)
	row := w.rows[level]
	if row == nil {
		row = &tileRow{index: id.Index / layout.TileWidth}
		// Nodes of this level before id, in the same tile, are in the
		// mirror's copy: the tree of size from had them.
		if prefix := id.Index % layout.TileWidth; prefix > 0 {
			raw, err := w.local.ReadTile(w.ctx, level, row.index, uint8(prefix))
			if err != nil {
				w.err = fmt.Errorf("couldn't read the tile %d/%d of the mirror's copy: %w", level, row.index, err)
				return
			}
			if uint64(len(raw)) < prefix*32 {
				w.err = fmt.Errorf("the tile %d/%d of the mirror's copy is short", level, row.index)
				return
			}
			for i := range prefix {
				row.hashes = append(row.hashes, raw[i*32:(i+1)*32])
			}
		}
		w.rows[level] = row
	}
	if want := row.index*layout.TileWidth + uint64(len(row.hashes)); id.Index != want {
		w.err = fmt.Errorf("logic error: node %d of level %d came, %d was expected", id.Index, id.Level, want)
		return
	}
	row.hashes = append(row.hashes, hash)
	if len(row.hashes) == layout.TileWidth {
		w.err = w.st.write(layout.TilePath(level, row.index, 0), concat(row.hashes))
		row.index++
		row.hashes = nil
	}
}

// flush writes the partial tiles.
func (w *tileWriter) flush() error {
	if w.err != nil {
		return w.err
	}
	for level, row := range w.rows {
		if n := len(row.hashes); n > 0 {
			if err := w.st.write(layout.TilePath(level, row.index, uint8(n)), concat(row.hashes)); err != nil {
				return err
			}
		}
	}
	return nil
}

func concat(hs [][]byte) []byte {
	b := make([]byte, 0, 32*len(hs))
	for _, h := range hs {
		b = append(b, h...)
	}
	return b
}

// bundleWriter writes the entry bundles of a log growing from size from.
type bundleWriter struct {
	st      *stage
	index   uint64   // of the bundle being filled
	entries [][]byte // its entries so far
}

// newBundleWriter starts at size from, with the entries of the partial
// bundle there read from the mirror's copy.
func newBundleWriter(ctx context.Context, local tlog.Source, from uint64, st *stage) (*bundleWriter, error) {
	w := &bundleWriter{st: st, index: from / layout.EntryBundleWidth}
	first := w.index * layout.EntryBundleWidth
	for e, err := range tlog.Entries(ctx, local, first, from, from) {
		if err != nil {
			return nil, fmt.Errorf("couldn't read the mirror's copy: %w", err)
		}
		w.entries = append(w.entries, e.Data)
	}
	return w, nil
}

func (w *bundleWriter) add(entry []byte) error {
	w.entries = append(w.entries, entry)
	if len(w.entries) == layout.EntryBundleWidth {
		if err := w.st.write(layout.EntriesPath(w.index, 0), marshalBundle(w.entries)); err != nil {
			return err
		}
		w.index++
		w.entries = nil
	}
	return nil
}

func (w *bundleWriter) flush() error {
	if n := len(w.entries); n > 0 {
		return w.st.write(layout.EntriesPath(w.index, uint8(n)), marshalBundle(w.entries))
	}
	return nil
}

// marshalBundle writes entries as a tlog-tiles entry bundle: each one
// prefixed with its length as a big-endian uint16.
func marshalBundle(entries [][]byte) []byte {
	var b []byte
	for _, e := range entries {
		b = binary.BigEndian.AppendUint16(b, uint16(len(e)))
		b = append(b, e...)
	}
	return b
}

// removeStale removes a staging directory left by a crash.
func removeStale(dir string) error {
	if _, err := os.Stat(dir); err != nil {
		if os.IsNotExist(err) {
			return nil
		}
		return err
	}
	return os.RemoveAll(dir)
}
