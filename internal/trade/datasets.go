package trade

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sync"

	"github.com/kongsi/kongsi/internal/trade/segment"
	"github.com/kongsi/kongsi/internal/trade/tradefile"
)

// Where a data directory keeps the trade module's files.
const (
	// DatasetsDir holds the dataset files that records publish by
	// reference, each named by its SHA-256.
	DatasetsDir = "datasets"
	// SegmentsDir holds the segments built from them (derived, rebuildable).
	SegmentsDir = "trade"
	// segmentVersion changes when the segment layout or the readers change
	// what a segment holds, so that old segments are rebuilt.
	segmentVersion = "v1"
)

var shaPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

// DatasetPath is where a data directory keeps the dataset with a checksum.
func DatasetPath(dataDir, sha string) string { return filepath.Join(dataDir, DatasetsDir, sha) }

func segmentPath(dataDir, sha, format string) string {
	return filepath.Join(dataDir, SegmentsDir, sha+"."+format+"."+segmentVersion+".seg")
}

// ErrOtherFile is returned by StoreDataset when the file is not the one
// expected.
var ErrOtherFile = errors.New("the file is not the one expected")

// StoreDataset reads a dataset file in a format, checking every row, and
// keeps it in the data directory under its SHA-256. A file already there is
// left as it is (its name is its content). limit bounds the file's size (0
// for none); want, if not "", is the SHA-256 the file must have. If the file
// is refused, nothing is kept.
func StoreDataset(dataDir string, f *tradefile.Format, r io.Reader, limit int64, want string) (*tradefile.Checked, error) {
	dir := filepath.Join(dataDir, DatasetsDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("couldn't make the datasets directory: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".upload-*")
	if err != nil {
		return nil, fmt.Errorf("couldn't store the dataset: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op once it is renamed
	if limit > 0 {
		r = &limitedReader{r: r, left: limit}
	}
	c, err := tradefile.Check(f, io.TeeReader(r, tmp), nil)
	if err != nil {
		tmp.Close()
		return nil, err
	}
	if want != "" && c.SHA256 != want {
		tmp.Close()
		return nil, fmt.Errorf("%w: its SHA-256 is %s, not %s", ErrOtherFile, c.SHA256, want)
	}
	// The file is renamed into place only once it is durable, so that a
	// release never names a file a crash could lose.
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("couldn't store the dataset: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("couldn't store the dataset: %w", err)
	}
	final := DatasetPath(dataDir, c.SHA256)
	if _, err := os.Stat(final); err == nil {
		return c, nil
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return nil, fmt.Errorf("couldn't store the dataset: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return c, nil
}

// ErrTooLarge is returned when a dataset is over its size limit.
var ErrTooLarge = errors.New("the dataset is over the size limit")

type limitedReader struct {
	r    io.Reader
	left int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		var one [1]byte
		if n, _ := l.r.Read(one[:]); n > 0 {
			return 0, ErrTooLarge
		}
		return 0, io.EOF
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}

// segments keeps segments open for the pages and the projection.
type segments struct {
	mu   sync.Mutex
	open map[string]*segment.Segment
}

func newSegments() *segments { return &segments{open: map[string]*segment.Segment{}} }

// get opens a segment, or returns it open.
func (s *segments) get(path string) (*segment.Segment, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if seg, ok := s.open[path]; ok {
		return seg, nil
	}
	seg, err := segment.Open(path)
	if err != nil {
		return nil, err
	}
	s.open[path] = seg
	return seg, nil
}

// forget closes a segment that is about to be replaced.
func (s *segments) forget(path string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if seg, ok := s.open[path]; ok {
		seg.Close()
		delete(s.open, path)
	}
}
