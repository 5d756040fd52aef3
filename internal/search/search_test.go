package search

import (
	"strings"
	"testing"
	"unicode"
)

func TestSegment(t *testing.T) {
	for in, want := range map[string]string{
		"Ream Naval Base": "Ream Naval Base",
		"南海争议":            " 南  海  争  议 ",
		"the 南海 dispute":  "the  南  海  dispute",
		"ประเทศไทย":       " ป  ร  ะ  เ  ท  ศ  ไ  ท  ย ",
		"Việt Nam":        "Việt Nam",
	} {
		if got := Segment(in); got != want {
			t.Errorf("Segment(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestQuery(t *testing.T) {
	for in, want := range map[string]string{
		"ream naval":         `"ream" "naval"`,
		"南海":                 `"南 海"`,
		"South China Sea 南海": `"South" "China" "Sea" "南 海"`,
		`"quoted" OR NOT x*`: `"quoted" "OR" "NOT" "x"`,
		"anti-piracy":        `"anti piracy"`,
		"...":                ``,
		"Việt":               `"Việt"`,
	} {
		if got, _ := Query(in); got != want {
			t.Errorf("Query(%q) = %s, want %s", in, got, want)
		}
	}
}

func FuzzQuery(f *testing.F) {
	for _, s := range []string{"ream", "南海 dispute", `"x" AND (y)`, "a\"b", "NEAR(a b)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		out, n := Query(q)
		// Every term is one balanced quoted string.
		if strings.Count(out, `"`) != 2*n {
			t.Fatalf("Query(%q) = %q with %d terms", q, out, n)
		}
	})
}

// TestUnspacedAgreesWithUnicode checks the fast path against the scripts'
// definitions in the unicode package, over the whole Basic Multilingual Plane
// and beyond.
func TestUnspacedAgreesWithUnicode(t *testing.T) {
	for r := rune(0); r < 0x30000; r++ {
		want := unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul, unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar)
		// The fast path takes whole blocks, including unassigned points.
		block := (r >= 0x0E00 && r <= 0x0EFF) || (r >= 0x1000 && r <= 0x109F) || (r >= 0xA9E0 && r <= 0xA9FF) || (r >= 0xAA60 && r <= 0xAA7F) || (r >= 0x1780 && r <= 0x17FF) || (r >= 0x19E0 && r <= 0x19FF)
		if got := unspaced(r); got != want && !block {
			t.Fatalf("unspaced(%U) = %v, want %v", r, got, want)
		}
	}
}
