// Package search prepares text for the full-text index and queries for it.
// The index splits text into words at spaces and punctuation, folding case
// and diacritics (so "Viet Nam" finds "Việt Nam"). Chinese, Japanese, Thai,
// Lao, Khmer and Burmese are written without spaces between words, so each
// of their characters is made a word of its own, and a query's run of such
// characters becomes a phrase: "南海" finds the two characters side by side.
package search

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// unspaced reports whether r belongs to a script written without spaces.
func unspaced(r rune) bool {
	if r < 0x0E00 {
		return false // Latin, Vietnamese, Greek, Cyrillic, Arabic…: the common case
	}
	switch {
	case r <= 0x0EFF: // Thai, Lao
		return true
	case r >= 0x1000 && r <= 0x109F, r >= 0xA9E0 && r <= 0xA9FF, r >= 0xAA60 && r <= 0xAA7F: // Myanmar
		return true
	case r >= 0x1780 && r <= 0x17FF, r >= 0x19E0 && r <= 0x19FF: // Khmer
		return true
	case r >= 0x1100 && r <= 0x11FF: // Hangul Jamo
		return unicode.Is(unicode.Hangul, r)
	case r < 0x2E80:
		return false
	}
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// Segment returns text ready for the index: Latin diacritics folded, and a
// space around every character of the scripts written without spaces.
func Segment(text string) string {
	text = Fold(text)
	n := 0
	for _, r := range text {
		if unspaced(r) {
			n++
		}
	}
	if n == 0 {
		return text
	}
	var b strings.Builder
	b.Grow(len(text) + 2*n)
	for _, r := range text {
		if unspaced(r) {
			b.WriteByte(' ')
			b.WriteRune(r)
			b.WriteByte(' ')
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// MaxTerms bounds the terms of a query.
const MaxTerms = 16

// Terms splits words typed by a person into the terms a record must all
// hold: each term a run of words that must stand side by side (one word, or
// the characters of a run of an unspaced script). Punctuation, which the
// index drops, separates words; diacritics on Latin letters are folded.
func Terms(q string) [][]string {
	var terms [][]string
	for _, field := range strings.Fields(Fold(q)) {
		var cur []rune
		curUnspaced := false
		flush := func() {
			if len(cur) == 0 {
				return
			}
			var words []string
			if curUnspaced {
				for _, r := range cur {
					words = append(words, string(r))
				}
			} else {
				words = strings.FieldsFunc(string(cur), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.Is(unicode.Mn, r) })
			}
			if len(words) > 0 {
				terms = append(terms, words)
			}
			cur = cur[:0]
		}
		for _, r := range field {
			u := unspaced(r)
			if u != curUnspaced {
				flush()
				curUnspaced = u
			}
			cur = append(cur, r)
		}
		flush()
	}
	return terms
}

// FTS5 writes terms as an SQLite FTS5 query: each term a quoted phrase, so
// that FTS5's operators typed by chance are plain words.
func FTS5(terms [][]string) string {
	var b strings.Builder
	for i, t := range terms {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(`"` + strings.Join(t, " ") + `"`)
	}
	return b.String()
}

// TSQuery writes terms as a PostgreSQL tsquery: each term's words side by
// side (<->), every term required (&).
func TSQuery(terms [][]string) string {
	var b strings.Builder
	for i, t := range terms {
		if i > 0 {
			b.WriteString(" & ")
		}
		b.WriteByte('(')
		for j, w := range t {
			if j > 0 {
				b.WriteString(" <-> ")
			}
			b.WriteString("'" + strings.ReplaceAll(w, "'", "''") + "'")
		}
		b.WriteByte(')')
	}
	return b.String()
}

// Fold removes the diacritics of Latin letters ("Việt Nam" becomes "Viet
// Nam", "đ" becomes "d"), so that a search finds words however they are
// accented. Other scripts' marks (Thai vowels, for one) are kept: they are
// part of the letters.
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	latinBase := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r) && latinBase:
			continue // a diacritic on a Latin letter
		case r == 'đ':
			r = 'd'
		case r == 'Đ':
			r = 'D'
		}
		latinBase = r < 0x0250 || (r >= 0x1E00 && r <= 0x1EFF)
		if unicode.Is(unicode.Mn, r) {
			latinBase = false
		}
		b.WriteRune(r)
	}
	return norm.NFC.String(b.String())
}
