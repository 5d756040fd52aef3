package hs

import (
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"
)

func TestParseCode(t *testing.T) {
	for _, tc := range []struct {
		in    string
		code  uint32
		level int
		err   string
	}{
		{"85", 85, 2, ""},
		{"8501", 8501, 4, ""},
		{"010121", 10121, 6, ""},
		{"99", 99, 2, ""},
		{"77", 0, 0, "no HS chapter 77"},
		{"00", 0, 0, "no HS chapter 00"},
		{"8", 0, 0, "2, 4 or 6 digits"},
		{"85011", 0, 0, "2, 4 or 6 digits"},
		{"85a1", 0, 0, "digits"},
		{"", 0, 0, "2, 4 or 6 digits"},
	} {
		code, level, err := ParseCode([]byte(tc.in))
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseCode(%q) error %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || code != tc.code || level != tc.level {
			t.Errorf("ParseCode(%q) = %d, %d, %v", tc.in, code, level, err)
		}
		if Format(code, level) != tc.in {
			t.Errorf("Format(%d, %d) = %q", code, level, Format(code, level))
		}
	}
	if Prefix(850110, 6, 2) != 85 || Prefix(850110, 6, 4) != 8501 || Prefix(8501, 4, 4) != 8501 {
		t.Error("Prefix")
	}
	if Format(0, Total) != "" {
		t.Error("Format of the total")
	}
}

// FuzzLoadNomenclature reads arbitrary text as a nomenclature file: it must
// load it or refuse it, never panic, and what it loads names only codes.
func FuzzLoadNomenclature(f *testing.F) {
	f.Add("section,hscode,description,parent,level\nXVI,8501,\"Motors, generators\",85,4\n")
	f.Add("\ufeffhscode,description\n850110,Motors\nTOTAL,All\n")
	f.Add("a,b\n")
	f.Fuzz(func(t *testing.T, text string) {
		n, err := LoadNomenclature(strings.NewReader(text))
		if err != nil {
			return
		}
		for code := range n.names {
			if _, _, err := ParseCode([]byte(code)); err != nil {
				t.Fatalf("loaded a name for %q, which is not a code", code)
			}
		}
	})
}

func TestBuiltin(t *testing.T) {
	n := Builtin()
	if len(n.Sections()) != 21 {
		t.Fatalf("%d sections", len(n.Sections()))
	}
	for ch := 1; ch <= 99; ch++ {
		code := Format(uint32(ch), 2)
		_, named := n.names[code]
		if named != ValidChapter(ch) {
			t.Errorf("chapter %s: named %v, valid %v", code, named, ValidChapter(ch))
		}
		if _, ok := n.SectionOf(code); ok != (ValidChapter(ch) && ch <= 97) {
			t.Errorf("chapter %s: section %v", code, ok)
		}
	}
	if s, _ := n.SectionOf("850110"); s.Roman != "XVI" {
		t.Errorf("section of 850110 = %v", s)
	}
	if got := n.Name("8501"); got != "in Electrical machinery and electronics" {
		t.Errorf("Name(8501) = %q", got)
	}
	if n.Name("") != "All products" || n.Full {
		t.Error("builtin")
	}
}

// TestNomenclature loads the published HS 2022 nomenclature and checks that
// Kongsi's own chapter-to-section table agrees with it.
func TestNomenclature(t *testing.T) {
	f, err := os.Open("../../../../shared/data/hs-nomenclature/harmonized-system.csv")
	if errors.Is(err, fs.ErrNotExist) {
		t.Skip("the shared HS nomenclature is not here")
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n, err := LoadNomenclature(f)
	if err != nil {
		t.Fatal(err)
	}
	if !n.Full || !n.Known("850110") || n.Known("850199") || !strings.Contains(n.Name("850110"), "otors") {
		t.Errorf("850110 = %q", n.Name("850110"))
	}
	// Every subheading's section in the file is the one the built-in
	// table gives its chapter.
	b, _ := os.ReadFile(f.Name())
	recs := readCSV(string(b))
	checked := 0
	for _, rec := range recs[1:] {
		if rec[4] != "2" || rec[0] == "TOTAL" {
			continue // chapter 99 belongs to no section
		}
		s, ok := n.SectionOf(rec[1])
		if !ok || s.Roman != rec[0] {
			t.Errorf("chapter %s: section %q, the nomenclature says %q", rec[1], s.Roman, rec[0])
		}
		checked++
	}
	if checked != 96 {
		t.Errorf("checked %d chapters", checked)
	}
	// The few headings Kongsi names itself exist.
	for i, rec := range readCSV(headingsCSV) {
		if i > 0 && !n.Known(rec[0]) {
			t.Errorf("%s is not an HS 2022 code", rec[0])
		}
	}
	if _, err := LoadNomenclature(strings.NewReader("a,b\n1,2\n")); err == nil {
		t.Error("a file without the columns loaded")
	}
}
