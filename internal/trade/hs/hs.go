// Package hs knows the Harmonized System (HS 2022): the form of its codes
// (chapters of two digits, headings of four, subheadings of six), the
// sections chapters belong to, and names for them. Kongsi carries short names
// of its own for the 21 sections and the chapters; the full nomenclature,
// with a name for every heading and subheading, is others' data, which a
// register may load at run time from a file (LoadNomenclature). Without it,
// headings and subheadings are shown by code, under their chapter's name.
package hs

import (
	"bufio"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Levels of the HS: a release's rows are all at one of them. Total means
// all products together.
const (
	Total      = 0
	Chapter    = 2
	Heading    = 4
	Subheading = 6
)

// LevelName names a level for people.
func LevelName(level int) string {
	switch level {
	case Total:
		return "all products"
	case Chapter:
		return "chapter (HS 2)"
	case Heading:
		return "heading (HS 4)"
	case Subheading:
		return "subheading (HS 6)"
	}
	return fmt.Sprintf("level %d", level)
}

// ValidChapter reports whether a chapter number exists: 1 to 97 except 77,
// which the HS reserves, and 98 and 99, which countries use for special
// provisions and for goods not specified by kind.
func ValidChapter(ch int) bool { return ch >= 1 && ch <= 99 && ch != 77 }

// ParseCode reads an HS code of 2, 4 or 6 digits and returns it as a number
// with its level. "850110" is (850110, 6). It does not allocate.
func ParseCode(b []byte) (code uint32, level int, err error) {
	switch len(b) {
	case 2, 4, 6:
	default:
		return 0, 0, fmt.Errorf("an HS code has 2, 4 or 6 digits, not %d", len(b))
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, 0, errors.New("an HS code is made of digits")
		}
		code = code*10 + uint32(c-'0')
	}
	level = len(b)
	if ch := int(Prefix(code, level, Chapter)); !ValidChapter(ch) {
		return 0, 0, fmt.Errorf("there is no HS chapter %02d", ch)
	}
	return code, level, nil
}

// Prefix cuts a code of the given level down to a coarser level: the chapter
// (2) or heading (4) it belongs to.
func Prefix(code uint32, level, to int) uint32 {
	for l := level; l > to; l -= 2 {
		code /= 100
	}
	return code
}

// Format writes a code of a level with its leading zeros: (10121, 6) is
// "010121". Level Total is "".
func Format(code uint32, level int) string {
	if level == Total {
		return ""
	}
	s := strconv.FormatUint(uint64(code), 10)
	if len(s) < level {
		s = strings.Repeat("0", level-len(s)) + s
	}
	return s
}

// LevelOf is the level of a code written as a string: its length.
func LevelOf(code string) int { return len(code) }

//go:embed chapters.csv
var chaptersCSV string

//go:embed sections.csv
var sectionsCSV string

// headingsCSV names, in Kongsi's own words, the few headings and
// subheadings the demonstration data uses.
//
//go:embed headings.csv
var headingsCSV string

// Section is one of the HS's 21 sections.
type Section struct {
	Roman string
	Name  string
}

// Names names sections, chapters, headings and subheadings.
type Names struct {
	sections  []Section
	sectionOf map[string]string // chapter → roman
	names     map[string]string // code → name
	// Full reports whether the names come from the full nomenclature.
	Full bool
}

// Builtin returns Kongsi's own names: the sections, the chapters, and a few
// headings and subheadings.
func Builtin() *Names {
	n := &Names{sectionOf: map[string]string{}, names: map[string]string{}}
	for i, rec := range readCSV(sectionsCSV) {
		if i > 0 {
			n.sections = append(n.sections, Section{rec[0], rec[1]})
		}
	}
	for i, rec := range readCSV(chaptersCSV) {
		if i > 0 {
			n.names[rec[0]] = rec[2]
			if rec[1] != "" {
				n.sectionOf[rec[0]] = rec[1]
			}
		}
	}
	for i, rec := range readCSV(headingsCSV) {
		if i > 0 {
			n.names[rec[0]] = rec[1]
		}
	}
	return n
}

func readCSV(s string) [][]string {
	recs, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil {
		panic(fmt.Sprintf("hs: %v", err))
	}
	return recs
}

// LoadNomenclature adds the names of the full HS 2022 nomenclature to the
// built-in ones, from a CSV file with the columns section, hscode,
// description, parent and level (the layout of the "harmonized-system" data
// package). Chapter and section names stay Kongsi's own short ones.
func LoadNomenclature(r io.Reader) (*Names, error) {
	n := Builtin()
	cr := csv.NewReader(bufio.NewReader(r))
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("couldn't read the nomenclature's header: %w", err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.TrimPrefix(strings.TrimSpace(h), "\ufeff")] = i
	}
	ci, ok1 := col["hscode"]
	di, ok2 := col["description"]
	if !ok1 || !ok2 {
		return nil, errors.New("the nomenclature has no hscode and description columns")
	}
	count := 0
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("couldn't read the nomenclature: %w", err)
		}
		if ci >= len(rec) || di >= len(rec) {
			continue
		}
		code := strings.TrimSpace(rec[ci])
		if _, _, err := ParseCode([]byte(code)); err != nil {
			continue // TOTAL and other rows that are not codes
		}
		if len(code) > 2 {
			n.names[code] = strings.TrimSpace(rec[di])
			count++
		}
	}
	if count == 0 {
		return nil, errors.New("the nomenclature names no heading or subheading")
	}
	n.Full = true
	return n, nil
}

// Sections lists the 21 sections in order.
func (n *Names) Sections() []Section { return n.sections }

// SectionOf returns the section a code belongs to; ok is false for chapters
// 98 and 99, which belong to none.
func (n *Names) SectionOf(code string) (Section, bool) {
	if len(code) < 2 {
		return Section{}, false
	}
	roman, ok := n.sectionOf[code[:2]]
	if !ok {
		return Section{}, false
	}
	for _, s := range n.sections {
		if s.Roman == roman {
			return s, true
		}
	}
	return Section{}, false
}

// Name names a code. Without the full nomenclature, a heading or
// subheading is named after its chapter: "8501 (in Electrical machinery and
// electronics)".
func (n *Names) Name(code string) string {
	if code == "" {
		return "All products"
	}
	if s, ok := n.names[code]; ok {
		return s
	}
	if len(code) > 2 {
		if ch, ok := n.names[code[:2]]; ok {
			return "in " + ch
		}
	}
	return "HS " + code
}

// Known reports whether a code is in the nomenclature. Without the full
// nomenclature every code of a valid chapter is taken as known.
func (n *Names) Known(code string) bool {
	if len(code) == 2 || !n.Full {
		_, _, err := ParseCode([]byte(code))
		return err == nil
	}
	_, ok := n.names[code]
	return ok
}
