package segment

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"sync"

	"github.com/kongsi/kongsi/internal/trade/country"
	"github.com/kongsi/kongsi/internal/trade/tradefile"
)

// Segment is an open segment file. It is safe for concurrent use.
type Segment struct {
	f      io.ReaderAt
	closer io.Closer
	size   int64
	dict   []country.Code
	pairs  map[pair][]extent
	totals []Total
	info   Info
	rows   int64
	sum    []byte // the footer's checksum
	bufs   sync.Pool
}

// Open opens a segment and reads its index.
func Open(path string) (*Segment, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	s, err := NewReader(f, st.Size())
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	s.closer = f
	return s, nil
}

func corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
}

// NewReader reads a segment of the given size from r.
func NewReader(f io.ReaderAt, size int64) (*Segment, error) {
	s := &Segment{f: f, size: size, pairs: map[pair][]extent{}}
	if s.size < int64(len(magic)+footerSize) {
		return nil, corrupt("too short")
	}
	head := make([]byte, len(magic))
	if _, err := f.ReadAt(head, 0); err != nil {
		return nil, err
	}
	foot := make([]byte, footerSize)
	if _, err := f.ReadAt(foot, s.size-footerSize); err != nil {
		return nil, err
	}
	if string(head) != magic || string(foot[48:]) != endMagic {
		return nil, corrupt("not a segment file")
	}
	ioff := int64(binary.LittleEndian.Uint64(foot[0:]))
	ilen := int64(binary.LittleEndian.Uint64(foot[8:]))
	s.sum = foot[16:48]
	if ioff < int64(len(magic)) || ilen < 0 || ioff+ilen != s.size-footerSize {
		return nil, corrupt("the index is out of place")
	}
	idx := make([]byte, ilen)
	if _, err := f.ReadAt(idx, ioff); err != nil {
		return nil, err
	}
	if err := s.readIndex(idx, ioff); err != nil {
		return nil, err
	}
	s.bufs.New = func() any { b := make([]byte, 0, 64<<10); return &b }
	return s, nil
}

// reader reads the index with bounds checks: a damaged index is an error,
// never a panic.
type reader struct {
	b   []byte
	err error
}

func (r *reader) take(n int) []byte {
	if r.err != nil || n < 0 || n > len(r.b) {
		r.err = corrupt("the index is truncated")
		if n >= 0 && n <= len(zero) {
			return zero[:n]
		}
		return nil
	}
	p := r.b[:n]
	r.b = r.b[n:]
	return p
}

var zero [8]byte

func (r *reader) u16() uint16 { return binary.LittleEndian.Uint16(r.take(2)) }
func (r *reader) u32() uint32 { return binary.LittleEndian.Uint32(r.take(4)) }
func (r *reader) u64() uint64 { return binary.LittleEndian.Uint64(r.take(8)) }
func (r *reader) f64() float64 {
	return math.Float64frombits(r.u64())
}

func (s *Segment) readIndex(idx []byte, dataEnd int64) error {
	r := &reader{b: idx}
	nc := int(r.u16())
	for range nc {
		a3 := r.take(3)
		c, ok := country.Lookup(a3)
		if !ok && r.err == nil {
			return corrupt("unknown country %q", a3)
		}
		s.dict = append(s.dict, c)
	}
	nb := int(r.u32())
	if nb > len(idx) {
		return corrupt("too many blocks")
	}
	for range nb {
		off := int64(r.u64())
		rows := int(r.u32())
		np := int(r.u32())
		if r.err != nil {
			return r.err
		}
		if off < int64(len(magic)) || rows < 0 || rows > BlockRows || off+int64(rows)*RowSize > dataEnd || np > rows {
			return corrupt("a block is out of place")
		}
		s.rows += int64(rows)
		for range np {
			p := pair{r.u16(), r.u16()}
			start, count := int(r.u32()), int(r.u32())
			if r.err != nil {
				return r.err
			}
			if int(p.rep) >= nc || int(p.par) >= nc || start < 0 || count < 0 || start+count > rows {
				return corrupt("a block's directory is out of range")
			}
			s.pairs[p] = append(s.pairs[p], extent{off: off + int64(start)*RowSize, count: count})
		}
	}
	nt := int(r.u32())
	if nt > len(idx) {
		return corrupt("too many totals")
	}
	for range nt {
		t := Total{Reporter: string(r.take(3)), Partner: string(r.take(3)), Year: int(r.u16())}
		mf := r.take(3)
		t.Month, t.Flow, t.Mirrored = int(mf[0]), tradefile.Flow(mf[1]), mf[2] == 1
		t.Value, t.Qty = r.f64(), r.f64()
		t.Rows, t.Months = int(r.u32()), r.u16()
		s.totals = append(s.totals, t)
	}
	js := r.take(int(r.u32()))
	if r.err != nil {
		return r.err
	}
	if err := json.Unmarshal(js, &s.info); err != nil {
		return corrupt("the summary: %v", err)
	}
	return nil
}

// Close closes the file.
func (s *Segment) Close() error {
	if s.closer == nil {
		return nil
	}
	return s.closer.Close()
}

// Info is what the segment says of itself.
func (s *Segment) Info() Info { return s.info }

// Rows is the number of rows.
func (s *Segment) Rows() int64 { return s.rows }

// Totals are the sums by reporter, partner, year, month and flow, sorted.
func (s *Segment) Totals() []Total { return s.totals }

// Verify reads the whole file and checks it against its checksum.
func (s *Segment) Verify() error {
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(s.f, 0, s.size-footerSize)); err != nil {
		return fmt.Errorf("couldn't read the segment: %w", err)
	}
	if !bytes.Equal(h.Sum(nil), s.sum) {
		return corrupt("its content does not match its checksum")
	}
	return nil
}

// HasPair reports whether the segment holds rows of a reporter and partner.
func (s *Segment) HasPair(reporter, partner country.Code) bool {
	p, ok := s.pairOf(reporter, partner)
	return ok && len(s.pairs[p]) > 0
}

func (s *Segment) pairOf(reporter, partner country.Code) (pair, bool) {
	rep, par := -1, -1
	for i, c := range s.dict {
		if c == reporter {
			rep = i
		}
		if c == partner {
			par = i
		}
	}
	if rep < 0 || par < 0 {
		return pair{}, false
	}
	return pair{uint16(rep), uint16(par)}, true
}

// Scan calls fn with each row of a reporter and partner, in the order they
// are stored, until fn returns false. The row passed is reused.
func (s *Segment) Scan(reporter, partner country.Code, fn func(r *tradefile.Row) bool) error {
	p, ok := s.pairOf(reporter, partner)
	if !ok {
		return nil
	}
	bp := s.bufs.Get().(*[]byte)
	defer s.bufs.Put(bp)
	var row tradefile.Row
	row.Reporter, row.Partner = reporter, partner
	for _, e := range s.pairs[p] {
		for done := 0; done < e.count; {
			n := min(e.count-done, cap(*bp)/RowSize)
			buf := (*bp)[:n*RowSize]
			if _, err := s.f.ReadAt(buf, e.off+int64(done)*RowSize); err != nil {
				return fmt.Errorf("couldn't read the segment: %w", err)
			}
			for i := 0; i < n; i++ {
				decodeRow(buf[i*RowSize:], &row)
				if !fn(&row) {
					return nil
				}
			}
			done += n
		}
	}
	return nil
}
