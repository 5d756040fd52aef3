// Package tradefile reads trade statistics files into Kongsi's rows: IMF
// Direction of Trade Statistics (the long CSV), UN Comtrade v1 CSV (as its API
// and bulk files have them), CEPII BACI, WITS, and Kongsi's own simple CSV.
//
// Readers stream: they hold one record at a time and allocate nothing per
// row, so a file of any size is read in constant memory at well over a
// million rows a second. A malformed row stops the reading with an *Error
// that names the line, the column and the rule it breaks. Rows about groups
// of countries (World, regions, areas not specified) and breakdowns that
// would count the same trade twice are left out deliberately, and counted in
// Skipped.
package tradefile

import (
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/kongsi/kongsi/internal/trade/country"
	"github.com/kongsi/kongsi/internal/trade/hs"
)

// Flow is the direction of a figure, from the reporter's side.
type Flow uint8

// Flows.
const (
	Export Flow = 1 // the reporter's exports to the partner
	Import Flow = 2 // the reporter's imports from the partner
)

func (f Flow) String() string {
	switch f {
	case Export:
		return "X"
	case Import:
		return "M"
	}
	return "?"
}

// ParseFlow reads "X" or "M".
func ParseFlow(s string) (Flow, bool) {
	switch s {
	case "X":
		return Export, true
	case "M":
		return Import, true
	}
	return 0, false
}

// Row is one figure: what the reporter states it exported to or imported
// from the partner in a period, for all products or one HS product.
type Row struct {
	Reporter country.Code
	Partner  country.Code
	Year     uint16
	Month    uint8 // 1–12, or 0 for the whole year
	Flow     Flow
	Level    uint8  // the HS level of the product: 0 (all products), 2, 4 or 6
	HS       uint32 // the product's code at that level; 0 for all products
	Value    float64
	// Qty is the net weight in kilograms, or NaN when the file gives none.
	Qty float64
}

// Basis says whose statement a file's figures are.
const (
	// BasisReported figures are each reporter's own statement.
	BasisReported = "reported"
	// BasisReconciled figures are one harmonised value per flow, made by a
	// compiler from both sides' statements (CEPII BACI). Rows are exports of
	// the "reporter" (the exporter) to the partner (the importer).
	BasisReconciled = "reconciled"
)

// Error is a refusal of a file: the line and column, and the rule broken.
type Error struct {
	Line   int    // 1-based; 0 for the file as a whole
	Column int    // 1-based; 0 for the whole line
	Name   string // the column's name in the header, if known
	Rule   string // "csv.quote", "country.unknown", "hs.code"…
	Msg    string
	Err    error // the underlying failure to read, if that is what it is
}

func (e *Error) Unwrap() error { return e.Err }

func (e *Error) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ", column %d", e.Column)
			if e.Name != "" {
				fmt.Fprintf(&b, " (%s)", e.Name)
			}
		}
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Reader reads the rows of a file.
type Reader interface {
	// Next reads the next row into r. It returns io.EOF after the last row,
	// and an *Error for a malformed one (after which the reader is done).
	Next(r *Row) error
	// Line is the line of the last row read.
	Line() int
	// Skipped lists the rows left out so far, by reason.
	Skipped() []Skip
	// Classification names the product classifications the file declares
	// ("H6" for HS 2022; "H4, H5" for a file that spans editions), or "".
	Classification() string
}

// Skip counts rows left out for one reason.
type Skip struct {
	Reason   string   `json:"reason"`
	Rows     int      `json:"rows"`
	Examples []string `json:"examples,omitempty"` // a few of the names or codes concerned
}

// Format is a file format Kongsi reads.
type Format struct {
	Name  string // "dots"
	Title string // "IMF Direction of Trade Statistics (long CSV)"
	Basis string
	// Doc describes the columns read, for people.
	Doc  string
	open func(r io.Reader) (Reader, error)
}

// Open starts reading a file. It reads the header; a missing column is
// refused as an *Error on line 1.
func (f *Format) Open(r io.Reader) (Reader, error) { return f.open(r) }

// Formats are the formats Kongsi reads, by name.
var Formats = []*Format{dotsFormat, comtradeFormat, baciFormat, witsFormat, csvFormat}

// FormatByName returns a format.
func FormatByName(name string) (*Format, bool) {
	i := slices.IndexFunc(Formats, func(f *Format) bool { return f.Name == name })
	if i < 0 {
		return nil, false
	}
	return Formats[i], true
}

// FormatNames lists the formats' names.
func FormatNames() []string {
	var out []string
	for _, f := range Formats {
		out = append(out, f.Name)
	}
	return out
}

// base holds what every CSV-based reader shares: the scanner, the header's
// columns, the HS level the file's rows are at, and the skips.
type base struct {
	sc     *scanner
	header []string
	cols   map[string]int
	level  int // -1 until the first row
	freq   int // -1 until the first row; 0 for whole years, 1 for months
	skips  []Skip
	class  string
	done   bool
	names  map[string]country.Code // cache of name lookups
}

// column describes a header column a format reads.
type column struct {
	name     string
	required bool
}

func newBase(r io.Reader, columns []column) (*base, error) {
	b := &base{sc: newScanner(r), cols: map[string]int{}, level: -1, freq: -1, names: map[string]country.Code{}}
	if err := b.sc.Scan(); err != nil {
		if err == io.EOF {
			return nil, &Error{Line: 1, Rule: "file.empty", Msg: "the file is empty: it has no header"}
		}
		return nil, b.scanErr(err)
	}
	for i, f := range b.sc.fields {
		name := strings.TrimSpace(string(f))
		b.header = append(b.header, name)
		key := strings.ToLower(name)
		if _, dup := b.cols[key]; !dup {
			b.cols[key] = i
		}
	}
	for _, c := range columns {
		if _, ok := b.cols[strings.ToLower(c.name)]; !ok && c.required {
			return nil, &Error{Line: 1, Rule: "header.column", Msg: fmt.Sprintf("the header has no column %q (it has %s)", c.name, quoteList(b.header, 12))}
		}
	}
	return b, nil
}

func quoteList(xs []string, n int) string {
	var q []string
	for i, x := range xs {
		if i == n {
			q = append(q, "…")
			break
		}
		q = append(q, fmt.Sprintf("%q", x))
	}
	return strings.Join(q, ", ")
}

// col returns the index of a column, or -1.
func (b *base) col(name string) int {
	if i, ok := b.cols[strings.ToLower(name)]; ok {
		return i
	}
	return -1
}

func (b *base) scanErr(err error) error {
	if se, ok := err.(*scanError); ok {
		e := &Error{Line: b.sc.line, Column: se.col, Rule: se.rule, Msg: se.msg}
		if se.col > 0 && se.col <= len(b.header) {
			e.Name = b.header[se.col-1]
		}
		return e
	}
	return &Error{Line: b.sc.line, Rule: "file.read", Msg: fmt.Sprintf("couldn't read the file: %v", err), Err: err}
}

// next reads the next record and checks its width.
func (b *base) next() error {
	if b.done {
		return io.EOF
	}
	if err := b.sc.Scan(); err != nil {
		b.done = true
		if err == io.EOF {
			return io.EOF
		}
		return b.scanErr(err)
	}
	if len(b.sc.fields) != len(b.header) {
		b.done = true
		return &Error{Line: b.sc.line, Rule: "csv.columns", Msg: fmt.Sprintf("the line has %d columns; the header has %d", len(b.sc.fields), len(b.header))}
	}
	return nil
}

// field returns a field of the current record by column index.
func (b *base) field(i int) []byte {
	if i < 0 {
		return nil
	}
	return b.sc.fields[i]
}

// errf makes an error about a column of the current line; the reader stops.
func (b *base) errf(col int, rule, format string, args ...any) error {
	b.done = true
	e := &Error{Line: b.sc.line, Column: col + 1, Rule: rule, Msg: fmt.Sprintf(format, args...)}
	if col >= 0 && col < len(b.header) {
		e.Name = b.header[col]
	} else {
		e.Column = 0
	}
	return e
}

// addClass notes a classification the file uses. Files that span years
// often mix HS editions (H4 for 2013, H5 for 2017…): each year is in the
// edition then in force.
func (b *base) addClass(cl []byte) {
	var cs []string
	if b.class != "" {
		cs = strings.Split(b.class, ", ")
	}
	if slices.Contains(cs, string(cl)) {
		return
	}
	cs = append(cs, string(cl))
	slices.Sort(cs)
	b.class = strings.Join(cs, ", ")
}

func (b *base) Line() int              { return b.sc.line }
func (b *base) Classification() string { return b.class }

func (b *base) Skipped() []Skip {
	out := slices.Clone(b.skips)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Reason < out[j].Reason })
	return out
}

// skip counts a row left out, remembering a few examples.
func (b *base) skip(reason string, example []byte) {
	for i := range b.skips {
		if b.skips[i].Reason == reason {
			s := &b.skips[i]
			s.Rows++
			if len(s.Examples) < 8 && example != nil && !slices.Contains(s.Examples, string(example)) {
				s.Examples = append(s.Examples, string(example))
			}
			return
		}
	}
	s := Skip{Reason: reason, Rows: 1}
	if example != nil {
		s.Examples = []string{string(example)}
	}
	b.skips = append(b.skips, s)
}

// product reads an HS code, or "TOTAL" and the like for all products, and
// checks that the file stays at one level.
func (b *base) product(col int, r *Row, totals ...string) error {
	f := trimSpace(b.field(col))
	r.Level, r.HS = hs.Total, 0
	isTotal := len(f) == 0
	for _, t := range totals {
		if strings.EqualFold(string(f), t) {
			isTotal = true
		}
	}
	if !isTotal {
		code, level, err := hs.ParseCode(f)
		if err != nil {
			return b.errf(col, "hs.code", "%q is not an HS code: %v", f, err)
		}
		r.Level, r.HS = uint8(level), code
	}
	if b.level < 0 {
		b.level = int(r.Level)
	} else if int(r.Level) != b.level {
		return b.errf(col, "hs.mixed-levels", "this row is at the level %s but the rows before it are at the level %s; a release holds rows at one level only (split the file by level)", hs.LevelName(int(r.Level)), hs.LevelName(b.level))
	}
	return nil
}

// frequency checks that the file stays with whole years or with months: a
// file holding both would count the same trade twice in a year's total.
func (b *base) frequency(col int, r *Row) error {
	f := 0
	if r.Month != 0 {
		f = 1
	}
	if b.freq < 0 {
		b.freq = f
	} else if b.freq != f {
		return b.errf(col, "period.mixed-frequency", "this row is for a %s but the rows before it are for %ss; a release holds either yearly or monthly figures (split the file)", [2]string{"whole year", "month"}[f], [2]string{"whole year", "month"}[b.freq])
	}
	return nil
}

// year reads a year from 1900 to 2100.
func (b *base) year(col int, f []byte) (uint16, error) {
	y, ok := parseInt(f)
	if !ok || y < 1900 || y > 2100 {
		return 0, b.errf(col, "period.year", "%q is not a year from 1900 to 2100", trimSpace(f))
	}
	return uint16(y), nil
}

// value reads a figure in units of scale US$; it must be a finite number of
// zero or more.
func (b *base) value(col int, scale float64) (float64, error) {
	f := b.field(col)
	v, ok := parseFloat(f)
	if !ok {
		return 0, b.errf(col, "value.number", "%q is not a number", trimSpace(f))
	}
	if v < 0 {
		return 0, b.errf(col, "value.negative", "a trade value cannot be negative (%s)", trimSpace(f))
	}
	return v * scale, nil
}

// quantity reads an optional quantity; blank, "NA" and "N/A" are none.
func (b *base) quantity(col int, scale float64) (float64, error) {
	if col < 0 {
		return math.NaN(), nil
	}
	f := trimSpace(b.field(col))
	if len(f) == 0 || strings.EqualFold(string(f), "NA") || strings.EqualFold(string(f), "N/A") {
		return math.NaN(), nil
	}
	v, ok := parseFloat(f)
	if !ok {
		return 0, b.errf(col, "quantity.number", "%q is not a quantity", f)
	}
	if v < 0 {
		return 0, b.errf(col, "quantity.negative", "a quantity cannot be negative (%s)", f)
	}
	return v * scale, nil
}

// countryAlpha3 reads an alpha-3 code that must be a country.
func (b *base) countryAlpha3(col int, role string) (country.Code, error) {
	f := trimSpace(b.field(col))
	c, ok := country.Lookup(f)
	if !ok {
		return 0, b.errf(col, "country.unknown", "%q is not the ISO 3166 alpha-3 code of a country (the %s)", f, role)
	}
	return c, nil
}

// countryNumeric reads an M49 code that must be a country.
func (b *base) countryNumeric(col int, role string) (country.Code, bool, error) {
	f := trimSpace(b.field(col))
	n, ok := parseInt(f)
	if !ok {
		return 0, false, b.errf(col, "country.code", "%q is not a numeric country code (the %s)", f, role)
	}
	if c, ok := country.ByNumeric(n); ok {
		return c, false, nil
	}
	if _, ok := country.IsGroupNumeric(n); ok {
		return 0, true, nil
	}
	return 0, false, b.errf(col, "country.unknown", "%d is not the M49 code of a country (the %s)", n, role)
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// Scales of the values files give.
const (
	usd          = 1
	thousandsUSD = 1e3
	millionsUSD  = 1e6
)
