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

// Segment returns text with a space around every character of the scripts
// written without spaces, ready for the index.
func Segment(text string) string {
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

// Query turns words typed by a person into an FTS5 query that finds records
// holding all of them: each word a quoted term (so that FTS5's operators
// typed by chance are plain words), each run of unspaced characters a
// quoted phrase. It returns "" when nothing searchable remains.
func Query(q string) (string, int) {
	var terms []string
	for _, field := range strings.Fields(q) {
		// Split the field where it changes between spaced and unspaced
		// scripts, and drop punctuation, which the index drops too.
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
				terms = append(terms, `"`+strings.Join(words, " ")+`"`)
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
	return strings.Join(terms, " "), len(terms)
}
