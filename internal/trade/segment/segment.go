// Package segment keeps the rows of one trade dataset in a file built for
// the questions Kongsi asks of them: what did a reporter trade with a
// partner, by year, flow and product. A segment is derived from a dataset
// file and can be rebuilt from it at any time; it is written once, in one
// streaming pass and constant memory, and never changed.
//
// Rows are written in blocks of BlockRows. Within a block they are grouped by
// (reporter, partner) with a counting sort, and the block's directory says
// where each pair's rows are; so the rows of one pair are a few contiguous
// runs, one per block that holds any, and a query reads only those. Input
// files are usually ordered by reporter (IMF DOTS, UN Comtrade downloads) or
// by year and exporter (BACI), which keeps the runs few; in any order, a
// query reads each block's run for its pair and nothing else.
//
// The file also carries the totals per reporter, partner, year, month and
// flow (with the mirror image of each flow for reconciled data, whose rows
// are exports only), and the summary of what the dataset covers, so that a
// projection can load a dataset's totals without reading its rows.
//
// Layout (little-endian):
//
//	"KTSEG01\n"
//	blocks        rows of RowSize bytes: year u16, month u8, flow u8, level u8, 0 u8, hs u32, value f64, qty f64
//	index         countries, block directories, totals, summary (JSON)
//	footer        index offset u64, index length u64, SHA-256 of all the bytes before the footer, "KTSEGEND"
package segment

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"

	"github.com/kongsi/kongsi/internal/trade/country"
	"github.com/kongsi/kongsi/internal/trade/tradefile"
)

// Sizes of the format.
const (
	RowSize    = 26
	BlockRows  = 1 << 16
	footerSize = 8 + 8 + 32 + 8
	magic      = "KTSEG01\n"
	endMagic   = "KTSEGEND"
)

// ErrCorrupt is wrapped by the errors about a damaged segment file.
var ErrCorrupt = errors.New("the segment file is damaged")

// Total is the sum of the rows of a reporter, partner, year, month and flow,
// over all products.
type Total struct {
	Reporter, Partner string
	Year              int
	Month             int // 0 for the whole year
	Flow              tradefile.Flow
	Value             float64
	Qty               float64 // NaN unless every row summed had a quantity
	Rows              int
	// Months is, for a year computed from monthly rows, a bit mask of the
	// months present (bit 1 for January); 0 otherwise.
	Months uint16
	// Mirrored marks a total made from the partner's side of reconciled
	// data: the imports of a BACI importer, which are its partner's exports.
	Mirrored bool
}

// Info is what a segment says of itself.
type Info struct {
	Dataset string            `json:"dataset"` // SHA-256 of the dataset file
	Summary tradefile.Summary `json:"summary"`
}

type pair struct{ rep, par uint16 }

type extent struct {
	off   int64
	count int
}

type blockDir struct {
	off   int64
	rows  int
	pairs []pairRun
}

type pairRun struct {
	pair
	start, count int
}

type totalKey struct {
	rep, par    uint16
	year        uint16
	month       uint8
	flow        tradefile.Flow
	mirrored    bool
	fromMonthly bool
}

type totalVal struct {
	value, qty float64
	rows       int
	qtyRows    int
	months     uint16
}

// Builder writes a segment. Rows are added in any order; memory stays
// bounded by one block and the totals, whatever the number of rows.
type Builder struct {
	f     *os.File
	path  string
	tmp   string
	w     *bufio.Writer
	h     hash.Hash
	off   int64
	dict  []country.Code // local index → country
	local []int32        // country → local index, or -1
	last  struct {
		key totalKey
		val *totalVal
	}
	block  []tradefile.Row
	slot   []int32 // pair → position in runs, for the block being sorted
	runs   []pairRun
	out    []byte
	blocks []blockDir
	totals map[totalKey]*totalVal
	mirror bool
	err    error
}

// Create starts a segment that will be at path once Finish returns. It is
// written to a temporary file in the same directory first. reconciled is
// true for data whose rows are exports only (BACI): the totals then also
// hold each flow's mirror image, the partner's imports.
func Create(path string, reconciled bool) (*Builder, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("couldn't make the segments directory: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".seg-*")
	if err != nil {
		return nil, fmt.Errorf("couldn't create a segment: %w", err)
	}
	b := &Builder{f: f, path: path, tmp: f.Name(), h: sha256.New(), local: make([]int32, len(country.All())+1),
		block: make([]tradefile.Row, 0, BlockRows), totals: map[totalKey]*totalVal{}, mirror: reconciled}
	for i := range b.local {
		b.local[i] = -1
	}
	b.w = bufio.NewWriterSize(io.MultiWriter(f, b.h), 1<<20)
	if _, err := b.w.WriteString(magic); err != nil {
		b.Abort()
		return nil, err
	}
	b.off = int64(len(magic))
	return b, nil
}

func (b *Builder) localOf(c country.Code) uint16 {
	if l := b.local[c]; l >= 0 {
		return uint16(l)
	}
	l := len(b.dict)
	b.dict = append(b.dict, c)
	b.local[c] = int32(l)
	return uint16(l)
}

// Add adds a row.
func (b *Builder) Add(r *tradefile.Row) error {
	if b.err != nil {
		return b.err
	}
	b.block = append(b.block, *r)
	b.total(r)
	if len(b.block) == BlockRows {
		b.err = b.flush()
	}
	return b.err
}

func (b *Builder) total(r *tradefile.Row) {
	rep, par := b.localOf(r.Reporter), b.localOf(r.Partner)
	b.addTotal(totalKey{rep: rep, par: par, year: r.Year, month: r.Month, flow: r.Flow}, r)
	if r.Month != 0 {
		b.addTotal(totalKey{rep: rep, par: par, year: r.Year, flow: r.Flow, fromMonthly: true}, r)
	}
	if b.mirror {
		mf := tradefile.Import
		if r.Flow == tradefile.Import {
			mf = tradefile.Export
		}
		b.addTotal(totalKey{rep: par, par: rep, year: r.Year, month: r.Month, flow: mf, mirrored: true}, r)
		if r.Month != 0 {
			b.addTotal(totalKey{rep: par, par: rep, year: r.Year, flow: mf, mirrored: true, fromMonthly: true}, r)
		}
	}
}

func (b *Builder) addTotal(k totalKey, r *tradefile.Row) {
	// Rows of the same total usually follow each other (a file lists a
	// reporter's products for a partner and year together).
	t := b.last.val
	if t == nil || b.last.key != k {
		t = b.totals[k]
		if t == nil {
			t = &totalVal{}
			b.totals[k] = t
		}
		if !k.mirrored && !k.fromMonthly {
			b.last.key, b.last.val = k, t
		}
	}
	t.value += r.Value
	t.rows++
	if !math.IsNaN(r.Qty) {
		t.qty += r.Qty
		t.qtyRows++
	}
	if k.fromMonthly {
		t.months |= 1 << r.Month
	}
}

// flush sorts the block by pair (a counting sort) and writes it.
func (b *Builder) flush() error {
	if len(b.block) == 0 {
		return nil
	}
	n := len(b.dict)
	if len(b.slot) < n*n {
		b.slot = make([]int32, n*n)
		for i := range b.slot {
			b.slot[i] = -1
		}
	}
	b.runs = b.runs[:0]
	for i := range b.block {
		r := &b.block[i]
		rep, par := b.local[r.Reporter], b.local[r.Partner]
		p := int(rep)*n + int(par)
		s := b.slot[p]
		if s < 0 {
			s = int32(len(b.runs))
			b.slot[p] = s
			b.runs = append(b.runs, pairRun{pair: pair{uint16(rep), uint16(par)}})
		}
		b.runs[s].count++
	}
	// Runs in pair order, so that directories are sorted.
	order := make([]int, len(b.runs))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(x, y int) int {
		a, c := b.runs[x].pair, b.runs[y].pair
		if a.rep != c.rep {
			return int(a.rep) - int(c.rep)
		}
		return int(a.par) - int(c.par)
	})
	start := 0
	pos := make([]int, len(b.runs))
	for _, i := range order {
		b.runs[i].start = start
		pos[i] = start
		start += b.runs[i].count
	}
	size := len(b.block) * RowSize
	if cap(b.out) < size {
		b.out = make([]byte, size)
	}
	out := b.out[:size]
	for i := range b.block {
		r := &b.block[i]
		s := b.slot[int(b.local[r.Reporter])*n+int(b.local[r.Partner])]
		encodeRow(out[pos[s]*RowSize:], r)
		pos[s]++
	}
	dir := blockDir{off: b.off, rows: len(b.block)}
	for _, i := range order {
		dir.pairs = append(dir.pairs, b.runs[i])
		r := b.runs[i]
		b.slot[int(r.rep)*n+int(r.par)] = -1
	}
	if _, err := b.w.Write(out); err != nil {
		return fmt.Errorf("couldn't write a segment block: %w", err)
	}
	b.off += int64(size)
	b.blocks = append(b.blocks, dir)
	b.block = b.block[:0]
	return nil
}

func encodeRow(p []byte, r *tradefile.Row) {
	_ = p[RowSize-1]
	binary.LittleEndian.PutUint16(p[0:], r.Year)
	p[2] = r.Month
	p[3] = byte(r.Flow)
	p[4] = r.Level
	p[5] = 0
	binary.LittleEndian.PutUint32(p[6:], r.HS)
	binary.LittleEndian.PutUint64(p[10:], math.Float64bits(r.Value))
	binary.LittleEndian.PutUint64(p[18:], math.Float64bits(r.Qty))
}

func decodeRow(p []byte, r *tradefile.Row) {
	_ = p[RowSize-1]
	r.Year = binary.LittleEndian.Uint16(p[0:])
	r.Month = p[2]
	r.Flow = tradefile.Flow(p[3])
	r.Level = p[4]
	r.HS = binary.LittleEndian.Uint32(p[6:])
	r.Value = math.Float64frombits(binary.LittleEndian.Uint64(p[10:]))
	r.Qty = math.Float64frombits(binary.LittleEndian.Uint64(p[18:]))
}

// Abort removes the unfinished segment.
func (b *Builder) Abort() {
	b.f.Close()
	os.Remove(b.tmp)
}

// Finish writes the index and the footer, syncs the file and moves it to its
// place. The segment is complete on disk when Finish returns nil; after an
// error, nothing is left behind.
func (b *Builder) Finish(info Info) error {
	if b.err == nil {
		b.err = b.flush()
	}
	if b.err == nil {
		b.err = b.writeIndex(info)
	}
	if b.err == nil {
		b.err = b.w.Flush()
	}
	if b.err == nil {
		b.err = b.f.Sync()
	}
	if b.err == nil {
		b.err = b.f.Close()
	} else {
		b.f.Close()
	}
	if b.err == nil {
		// A crash before the rename leaves a temporary file, never a
		// partial segment under its name.
		b.err = os.Rename(b.tmp, b.path)
	}
	if b.err != nil {
		os.Remove(b.tmp)
		return fmt.Errorf("couldn't write the segment: %w", b.err)
	}
	if d, err := os.Open(filepath.Dir(b.path)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// Totals returns the totals gathered so far, as Finish will write them.
func (b *Builder) Totals() []Total { return b.totalList() }

func (b *Builder) totalList() []Total {
	out := make([]Total, 0, len(b.totals))
	for k, v := range b.totals {
		t := Total{Reporter: b.dict[k.rep].Alpha3(), Partner: b.dict[k.par].Alpha3(), Year: int(k.year), Month: int(k.month),
			Flow: k.flow, Value: v.value, Qty: math.NaN(), Rows: v.rows, Months: v.months, Mirrored: k.mirrored}
		if v.qtyRows == v.rows {
			t.Qty = v.qty
		}
		out = append(out, t)
	}
	sortTotals(out)
	return out
}

func sortTotals(ts []Total) {
	slices.SortFunc(ts, func(a, b Total) int {
		switch {
		case a.Reporter != b.Reporter:
			return cmpStr(a.Reporter, b.Reporter)
		case a.Partner != b.Partner:
			return cmpStr(a.Partner, b.Partner)
		case a.Year != b.Year:
			return a.Year - b.Year
		case a.Month != b.Month:
			return a.Month - b.Month
		case a.Flow != b.Flow:
			return int(a.Flow) - int(b.Flow)
		case a.Mirrored != b.Mirrored:
			if a.Mirrored {
				return 1
			}
			return -1
		}
		return 0
	})
}

func cmpStr(a, b string) int {
	if a < b {
		return -1
	}
	if a > b {
		return 1
	}
	return 0
}

func (b *Builder) writeIndex(info Info) error {
	var buf []byte
	buf = binary.LittleEndian.AppendUint16(buf, uint16(len(b.dict)))
	for _, c := range b.dict {
		buf = append(buf, c.Alpha3()...)
	}
	buf = binary.LittleEndian.AppendUint32(buf, uint32(len(b.blocks)))
	for _, bd := range b.blocks {
		buf = binary.LittleEndian.AppendUint64(buf, uint64(bd.off))
		buf = binary.LittleEndian.AppendUint32(buf, uint32(bd.rows))
		buf = binary.LittleEndian.AppendUint32(buf, uint32(len(bd.pairs)))
		for _, p := range bd.pairs {
			buf = binary.LittleEndian.AppendUint16(buf, p.rep)
			buf = binary.LittleEndian.AppendUint16(buf, p.par)
			buf = binary.LittleEndian.AppendUint32(buf, uint32(p.start))
			buf = binary.LittleEndian.AppendUint32(buf, uint32(p.count))
		}
	}
	totals := b.totalList()
	buf = binary.LittleEndian.AppendUint32(buf, uint32(len(totals)))
	for _, t := range totals {
		buf = append(buf, t.Reporter...)
		buf = append(buf, t.Partner...)
		buf = binary.LittleEndian.AppendUint16(buf, uint16(t.Year))
		buf = append(buf, byte(t.Month), byte(t.Flow))
		flags := byte(0)
		if t.Mirrored {
			flags = 1
		}
		buf = append(buf, flags)
		buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(t.Value))
		buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(t.Qty))
		buf = binary.LittleEndian.AppendUint32(buf, uint32(t.Rows))
		buf = binary.LittleEndian.AppendUint16(buf, t.Months)
	}
	js, err := json.Marshal(info)
	if err != nil {
		return err
	}
	buf = binary.LittleEndian.AppendUint32(buf, uint32(len(js)))
	buf = append(buf, js...)
	indexOff := b.off
	if _, err := b.w.Write(buf); err != nil {
		return err
	}
	b.off += int64(len(buf))
	// The footer's checksum covers every byte before it.
	if err := b.w.Flush(); err != nil {
		return err
	}
	var foot []byte
	foot = binary.LittleEndian.AppendUint64(foot, uint64(indexOff))
	foot = binary.LittleEndian.AppendUint64(foot, uint64(len(buf)))
	foot = append(foot, b.h.Sum(nil)...)
	foot = append(foot, endMagic...)
	_, err = b.f.Write(foot)
	return err
}
