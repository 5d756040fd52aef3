// Package bodydiff compares two versions of a record's body for people: which
// fields were added, removed or changed, and, for text, which words.
package bodydiff

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// Op is what happened to a field or a run of words.
type Op string

// The operations.
const (
	Same    Op = "same"
	Added   Op = "added"
	Removed Op = "removed"
	Changed Op = "changed"
)

// Segment is a run of words in a text diff.
type Segment struct {
	Op   Op // Same, Added or Removed
	Text string
}

// Change is one field of the body.
type Change struct {
	Path  string    // "title", "sources[0].url"
	Op    Op        // Same, Added, Removed or Changed
	Old   string    // the old value, as text
	New   string    // the new value, as text
	Words []Segment // for changed text: the words added and removed
}

// Diff compares two JSON bodies field by field. Unchanged fields are
// included with Op Same, so that a reader sees the whole body. Fields come in
// the order of their top-level names in order (the schema's order), then the
// others, by name.
func Diff(old, new json.RawMessage, order []string) ([]Change, error) {
	a, err := flatten(old)
	if err != nil {
		return nil, err
	}
	b, err := flatten(new)
	if err != nil {
		return nil, err
	}
	paths := map[string]bool{}
	for p := range a {
		paths[p] = true
	}
	for p := range b {
		paths[p] = true
	}
	sorted := make([]string, 0, len(paths))
	for p := range paths {
		sorted = append(sorted, p)
	}
	rank := func(p string) int {
		top := p
		if i := strings.IndexAny(p, ".["); i >= 0 {
			top = p[:i]
		}
		for i, o := range order {
			if o == top {
				return i
			}
		}
		return len(order)
	}
	sort.SliceStable(sorted, func(i, j int) bool {
		ri, rj := rank(sorted[i]), rank(sorted[j])
		if ri != rj {
			return ri < rj
		}
		return pathLess(sorted[i], sorted[j])
	})
	var out []Change
	for _, p := range sorted {
		ov, inOld := a[p]
		nv, inNew := b[p]
		c := Change{Path: p, Old: ov, New: nv}
		switch {
		case !inOld:
			c.Op = Added
		case !inNew:
			c.Op = Removed
		case ov == nv:
			c.Op = Same
		default:
			c.Op = Changed
			if strings.ContainsFunc(ov, unicode.IsSpace) || strings.ContainsFunc(nv, unicode.IsSpace) {
				c.Words = Words(ov, nv)
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// pathLess orders paths so that sources[2] comes before sources[10].
func pathLess(a, b string) bool {
	for a != "" && b != "" {
		if isDigit(a[0]) && isDigit(b[0]) {
			na, ra := leadingNumber(a)
			nb, rb := leadingNumber(b)
			if na != nb {
				return na < nb
			}
			a, b = ra, rb
			continue
		}
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		a, b = a[1:], b[1:]
	}
	return len(a) < len(b)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func leadingNumber(s string) (int, string) {
	n, i := 0, 0
	for i < len(s) && isDigit(s[i]) {
		n = n*10 + int(s[i]-'0')
		i++
	}
	return n, s[i:]
}

// Summary counts the fields added, removed and changed.
func Summary(cs []Change) (added, removed, changed int) {
	for _, c := range cs {
		switch c.Op {
		case Added:
			added++
		case Removed:
			removed++
		case Changed:
			changed++
		}
	}
	return
}

// flatten maps each scalar leaf of a JSON value to its path.
func flatten(raw json.RawMessage) (map[string]string, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, fmt.Errorf("couldn't read a body: %w", err)
	}
	out := map[string]string{}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if len(v) == 0 && path != "" {
				out[path] = "{}"
			}
			for k, e := range v {
				p := k
				if path != "" {
					p = path + "." + k
				}
				walk(p, e)
			}
		case []any:
			if len(v) == 0 {
				out[path] = "[]"
			}
			for i, e := range v {
				walk(fmt.Sprintf("%s[%d]", path, i), e)
			}
		case nil:
			out[path] = "null"
		default:
			out[path] = fmt.Sprint(v)
		}
	}
	walk("", v)
	return out, nil
}

// Words diffs two texts word by word.
func Words(old, new string) []Segment {
	// Map each distinct token (a word or a run of spaces) to one rune, diff
	// the rune strings, and map back: a word diff from a character differ.
	ids := map[string]rune{}
	var tokens []string
	encode := func(s string) []rune {
		var rs []rune
		for _, t := range tokenize(s) {
			r, ok := ids[t]
			if !ok {
				r = rune(0xE000 + len(tokens)) // private use area, then beyond
				if r >= 0xF900 {
					r = rune(0xF0000 + len(tokens))
				}
				ids[t] = r
				tokens = append(tokens, t)
			}
			rs = append(rs, r)
		}
		return rs
	}
	ra, rb := encode(old), encode(new)
	dmp := diffmatchpatch.New()
	diffs := dmp.DiffMainRunes(ra, rb, false)
	diffs = cleanup(diffs)
	decode := func(s string) string {
		var b strings.Builder
		for _, r := range s {
			i := int(r - 0xE000)
			if r >= 0xF0000 {
				i = int(r - 0xF0000)
			}
			b.WriteString(tokens[i])
		}
		return b.String()
	}
	var out []Segment
	for _, d := range diffs {
		op := Same
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			op = Added
		case diffmatchpatch.DiffDelete:
			op = Removed
		}
		out = append(out, Segment{Op: op, Text: decode(d.Text)})
	}
	return out
}

// tokenize splits text into words and the spaces between them; each CJK or
// Thai character is a word of its own, since those scripts do not separate
// words with spaces.
func tokenize(s string) []string {
	var out []string
	var cur strings.Builder
	kind := -1 // 0 space, 1 word
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	for _, r := range s {
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar) {
			flush()
			out = append(out, string(r))
			kind = -1
			continue
		}
		k := 1
		if unicode.IsSpace(r) {
			k = 0
		}
		if k != kind {
			flush()
			kind = k
		}
		cur.WriteRune(r)
	}
	flush()
	return out
}

// cleanup merges runs of unchanged text that are too short to help a reader
// (a space, a word of one or two letters, a comma) into the changes around
// them, so that a rewritten passage reads as one change, while every word
// that survives a revision still shows as kept.
func cleanup(diffs []diffmatchpatch.Diff) []diffmatchpatch.Diff {
	var out []diffmatchpatch.Diff
	for i := 0; i < len(diffs); i++ {
		d := diffs[i]
		short := d.Type == diffmatchpatch.DiffEqual && i > 0 && i < len(diffs)-1 && len([]rune(d.Text)) <= 2
		if !short {
			out = append(out, d)
			continue
		}
		// Turn the short equality into a deletion and an insertion.
		out = append(out, diffmatchpatch.Diff{Type: diffmatchpatch.DiffDelete, Text: d.Text}, diffmatchpatch.Diff{Type: diffmatchpatch.DiffInsert, Text: d.Text})
	}
	// Gather adjacent deletions and insertions: all deletions first.
	var merged []diffmatchpatch.Diff
	for i := 0; i < len(out); {
		if out[i].Type == diffmatchpatch.DiffEqual {
			merged = append(merged, out[i])
			i++
			continue
		}
		var del, ins []rune
		for i < len(out) && out[i].Type != diffmatchpatch.DiffEqual {
			if out[i].Type == diffmatchpatch.DiffDelete {
				del = append(del, []rune(out[i].Text)...)
			} else {
				ins = append(ins, []rune(out[i].Text)...)
			}
			i++
		}
		if len(del) > 0 {
			merged = append(merged, diffmatchpatch.Diff{Type: diffmatchpatch.DiffDelete, Text: string(del)})
		}
		if len(ins) > 0 {
			merged = append(merged, diffmatchpatch.Diff{Type: diffmatchpatch.DiffInsert, Text: string(ins)})
		}
	}
	return merged
}
