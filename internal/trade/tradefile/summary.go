package tradefile

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"slices"

	"github.com/kongsi/kongsi/internal/trade/country"
)

// Summary describes what a file holds: its coverage, as a data release
// states it.
type Summary struct {
	Format         string   `json:"format"`
	Basis          string   `json:"basis"`
	Rows           int64    `json:"rows"`
	Reporters      []string `json:"reporters"`
	Partners       []string `json:"partners"`
	YearFrom       int      `json:"year_from"`
	YearTo         int      `json:"year_to"`
	Annual         bool     `json:"annual"`  // some rows are for whole years
	Monthly        bool     `json:"monthly"` // some rows are for months
	Flows          []string `json:"flows"`
	Level          int      `json:"hs_level"`
	Classification string   `json:"classification,omitempty"`
	Skipped        []Skip   `json:"skipped,omitempty"`
}

// Counter gathers a Summary from rows, in constant memory.
type Counter struct {
	reps, pars []bool // by country.Code
	flows      [3]bool
	rows       int64
	yFrom, yTo int
	annual     bool
	monthly    bool
	level      int
}

// Add counts a row.
func (c *Counter) Add(r *Row) {
	if c.reps == nil {
		n := len(country.All()) + 1
		c.reps, c.pars, c.level = make([]bool, n), make([]bool, n), -1
	}
	c.rows++
	c.reps[r.Reporter], c.pars[r.Partner] = true, true
	c.flows[r.Flow] = true
	y := int(r.Year)
	if c.yFrom == 0 || y < c.yFrom {
		c.yFrom = y
	}
	if y > c.yTo {
		c.yTo = y
	}
	if r.Month == 0 {
		c.annual = true
	} else {
		c.monthly = true
	}
	c.level = int(r.Level)
}

// Summary returns what was counted, with the reader's skips and
// classification.
func (c *Counter) Summary(f *Format, rd Reader) Summary {
	s := Summary{Format: f.Name, Basis: f.Basis, Rows: c.rows, YearFrom: c.yFrom, YearTo: c.yTo, Annual: c.annual, Monthly: c.monthly,
		Level: max(c.level, 0), Reporters: []string{}, Partners: []string{}, Flows: []string{}}
	for i := range c.reps {
		if c.reps[i] {
			s.Reporters = append(s.Reporters, country.Code(i).Alpha3())
		}
		if c.pars[i] {
			s.Partners = append(s.Partners, country.Code(i).Alpha3())
		}
	}
	slices.Sort(s.Reporters)
	slices.Sort(s.Partners)
	for _, fl := range []Flow{Export, Import} {
		if c.flows[fl] {
			s.Flows = append(s.Flows, fl.String())
		}
	}
	if rd != nil {
		s.Skipped = rd.Skipped()
		s.Classification = rd.Classification()
	}
	return s
}

// Checked is a file read through: its summary, SHA-256 and size.
type Checked struct {
	Summary
	SHA256 string
	Size   int64
}

// Check reads a whole file in a format, calling fn (if not nil) with each
// row, and returns its summary, checksum and size. It stops at the first
// malformed row, or the first error fn returns.
func Check(f *Format, r io.Reader, fn func(*Row) error) (*Checked, error) {
	h := sha256.New()
	cr := &countingReader{r: io.TeeReader(r, h)}
	rd, err := f.Open(cr)
	if err != nil {
		return nil, err
	}
	var c Counter
	var row Row
	for {
		err := rd.Next(&row)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		c.Add(&row)
		if fn != nil {
			if err := fn(&row); err != nil {
				var fe *Error
				if errors.As(err, &fe) && fe.Line == 0 {
					fe.Line = rd.Line()
				}
				return nil, err
			}
		}
	}
	if c.rows == 0 {
		return nil, &Error{Rule: "file.no-rows", Msg: "the file has no rows Kongsi can load" + skippedNote(rd.Skipped())}
	}
	// Hash what the reader did not need: nothing, normally, but be exact.
	if _, err := io.Copy(io.Discard, cr); err != nil {
		return nil, err
	}
	return &Checked{Summary: c.Summary(f, rd), SHA256: hex.EncodeToString(h.Sum(nil)), Size: cr.n}, nil
}

func skippedNote(skips []Skip) string {
	n := 0
	for _, s := range skips {
		n += s.Rows
	}
	if n == 0 {
		return ""
	}
	return " (every row was left out: " + skips[0].Reason + ")"
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// NewHash is the checksum releases use.
func NewHash() hash.Hash { return sha256.New() }
