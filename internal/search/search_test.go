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
		"Việt Nam":        "Viet Nam",
	} {
		if got := Segment(in); got != want {
			t.Errorf("Segment(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestQueries(t *testing.T) {
	for in, want := range map[string][2]string{
		"ream naval":         {`"ream" "naval"`, `('ream') & ('naval')`},
		"南海":                 {`"南 海"`, `('南' <-> '海')`},
		"South China Sea 南海": {`"South" "China" "Sea" "南 海"`, `('South') & ('China') & ('Sea') & ('南' <-> '海')`},
		`"quoted" OR NOT x*`: {`"quoted" "OR" "NOT" "x"`, `('quoted') & ('OR') & ('NOT') & ('x')`},
		"anti-piracy":        {`"anti piracy"`, `('anti' <-> 'piracy')`},
		"...":                {``, ``},
		"Việt Nam":           {`"Viet" "Nam"`, `('Viet') & ('Nam')`},
		"đường":              {`"duong"`, `('duong')`},
		"ไทย":                {`"ไ ท ย"`, `('ไ' <-> 'ท' <-> 'ย')`},
	} {
		terms := Terms(in)
		if got := FTS5(terms); got != want[0] {
			t.Errorf("FTS5(Terms(%q)) = %s, want %s", in, got, want[0])
		}
		if got := TSQuery(terms); got != want[1] {
			t.Errorf("TSQuery(Terms(%q)) = %s, want %s", in, got, want[1])
		}
	}
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{"Việt Nam": "Viet Nam", "Hà Nội": "Ha Noi", "café": "cafe", "Ream": "Ream", "ประเทศ": "ประเทศ", "Đà Nẵng": "Da Nang", "Straße": "Straße"} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzTerms(f *testing.F) {
	for _, s := range []string{"ream", "南海 dispute", `"x" AND (y)`, "a\"b", "NEAR(a b)", "o'clock"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		terms := Terms(q)
		// Every word is letters, numbers and marks only: nothing the query
		// languages would read as syntax.
		for _, term := range terms {
			for _, w := range term {
				if w == "" || strings.ContainsAny(w, `"'()*:&|!<>- `) {
					t.Fatalf("Terms(%q) holds the word %q", q, w)
				}
			}
		}
		if fts := FTS5(terms); strings.Count(fts, `"`) != 2*len(terms) {
			t.Fatalf("FTS5 = %q", fts)
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
