package segment

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kongsi/kongsi/internal/trade/country"
	"github.com/kongsi/kongsi/internal/trade/tradefile"
)

func code(a3 string) country.Code {
	c, ok := country.ByAlpha3(a3)
	if !ok {
		panic(a3)
	}
	return c
}

// TestRoundTrip writes rows of several pairs over more than one block, in
// an order that interleaves the pairs, and reads each pair back.
func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.seg")
	b, err := Create(path, false)
	if err != nil {
		t.Fatal(err)
	}
	pairs := [][2]string{{"CHN", "VNM"}, {"VNM", "CHN"}, {"CHN", "THA"}, {"SGP", "CHN"}}
	n := BlockRows*2 + 1234
	want := map[[2]string][]tradefile.Row{}
	for i := range n {
		p := pairs[(i*7)%len(pairs)]
		r := tradefile.Row{Reporter: code(p[0]), Partner: code(p[1]), Year: uint16(2000 + i%20), Month: uint8(i % 13),
			Flow: tradefile.Flow(1 + i%2), Level: 6, HS: uint32(10000 + i%5000), Value: float64(i) + 0.25, Qty: math.NaN()}
		if i%3 == 0 {
			r.Qty = float64(i)
		}
		want[p] = append(want[p], r)
		if err := b.Add(&r); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Finish(Info{Dataset: "abc", Summary: tradefile.Summary{Rows: int64(n)}}); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Rows() != int64(n) || s.Info().Dataset != "abc" || s.Info().Summary.Rows != int64(n) {
		t.Errorf("rows %d, info %+v", s.Rows(), s.Info())
	}
	if err := s.Verify(); err != nil {
		t.Fatal(err)
	}
	for _, p := range pairs {
		var got []tradefile.Row
		if err := s.Scan(code(p[0]), code(p[1]), func(r *tradefile.Row) bool { got = append(got, *r); return true }); err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want[p]) {
			t.Fatalf("%v: %d rows, want %d", p, len(got), len(want[p]))
		}
		for i := range got {
			w := want[p][i]
			g := got[i]
			if g.Reporter != w.Reporter || g.Partner != w.Partner || g.Year != w.Year || g.Month != w.Month || g.Flow != w.Flow ||
				g.HS != w.HS || g.Value != w.Value || (g.Qty != w.Qty && !(math.IsNaN(g.Qty) && math.IsNaN(w.Qty))) {
				t.Fatalf("%v row %d = %+v, want %+v", p, i, g, w)
			}
		}
	}
	if s.HasPair(code("THA"), code("CHN")) {
		t.Error("THA→CHN has rows")
	}
	// Stopping early.
	count := 0
	s.Scan(code("CHN"), code("VNM"), func(*tradefile.Row) bool { count++; return count < 10 })
	if count != 10 {
		t.Errorf("scan went on after false: %d", count)
	}
}

func TestTotals(t *testing.T) {
	text := "t,i,j,k,v,q\n2022,156,704,850110,1,2\n2022,156,704,850120,2,NA\n2022,704,156,850110,4,1\n2023,156,704,850110,8,1\n"
	path := filepath.Join(t.TempDir(), "s.seg")
	f, _ := tradefile.FormatByName("baci")
	c, err := Build(path, f, strings.NewReader(text), "")
	if err != nil {
		t.Fatal(err)
	}
	if c.Rows != 4 {
		t.Fatalf("%d rows", c.Rows)
	}
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var lines []string
	for _, tt := range s.Totals() {
		q := "-"
		if !math.IsNaN(tt.Qty) {
			q = fmt.Sprint(tt.Qty)
		}
		lines = append(lines, fmt.Sprintf("%s>%s %d %s %g %s %d %v", tt.Reporter, tt.Partner, tt.Year, tt.Flow, tt.Value, q, tt.Rows, tt.Mirrored))
	}
	want := []string{
		"CHN>VNM 2022 X 3000 - 2 false",
		"CHN>VNM 2022 M 4000 1000 1 true",
		"CHN>VNM 2023 X 8000 1000 1 false",
		"VNM>CHN 2022 X 4000 1000 1 false",
		"VNM>CHN 2022 M 3000 - 2 true",
		"VNM>CHN 2023 M 8000 1000 1 true",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("totals:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

func TestMonthlyTotals(t *testing.T) {
	text := "reporter,partner,year,month,flow,hs,value_usd\nVNM,CHN,2024,1,M,85,1\nVNM,CHN,2024,3,M,84,2\nVNM,CHN,2024,3,M,85,4\n"
	path := filepath.Join(t.TempDir(), "s.seg")
	f, _ := tradefile.FormatByName("csv")
	if _, err := Build(path, f, strings.NewReader(text), ""); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var year *Total
	for i, tt := range s.Totals() {
		if tt.Month == 0 {
			year = &s.Totals()[i]
		}
	}
	if year == nil || year.Value != 7 || year.Months != 1<<1|1<<3 || len(s.Totals()) != 3 {
		t.Errorf("totals %+v", s.Totals())
	}
}

// TestRefusedFileLeavesNothing checks that a file refused half-way leaves
// no segment, and no temporary file.
func TestRefusedFileLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "s.seg")
	f, _ := tradefile.FormatByName("csv")
	text := "reporter,partner,year,flow,value_usd\nVNM,CHN,2024,M,1\nVNM,CHN,2024,M,x\n"
	_, err := Build(path, f, strings.NewReader(text), "")
	var fe *tradefile.Error
	if !errors.As(err, &fe) || fe.Line != 3 {
		t.Fatalf("error %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("left behind: %v", entries)
	}
	// A file other than the one expected.
	_, err = Build(path, f, strings.NewReader("reporter,partner,year,flow,value_usd\nVNM,CHN,2024,M,1\n"), strings.Repeat("0", 64))
	if !errors.Is(err, ErrChecksum) {
		t.Errorf("Build of another file = %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left behind: %v", entries)
	}
}

func TestCorruption(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.seg")
	f, _ := tradefile.FormatByName("csv")
	if _, err := Build(path, f, strings.NewReader("reporter,partner,year,flow,value_usd\nVNM,CHN,2024,M,1\n"), ""); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	b[len(magic)+3] ^= 0xff // a row's byte
	os.WriteFile(path, b, 0o644)
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Verify(); !errors.Is(err, ErrCorrupt) {
		t.Errorf("Verify = %v", err)
	}
	os.WriteFile(path, b[:len(b)-3], 0o644)
	if _, err := Open(path); !errors.Is(err, ErrCorrupt) {
		t.Errorf("Open of a truncated file = %v", err)
	}
}

// FuzzOpen opens arbitrary bytes as a segment: it must refuse them or read
// them without panicking.
func FuzzOpen(f *testing.F) {
	dir := f.TempDir()
	path := filepath.Join(dir, "seed.seg")
	fm, _ := tradefile.FormatByName("csv")
	if _, err := Build(path, fm, strings.NewReader("reporter,partner,year,flow,hs,value_usd\nVNM,CHN,2024,M,85,1\nCHN,VNM,2024,X,85,2\n"), ""); err != nil {
		f.Fatal(err)
	}
	seed, _ := os.ReadFile(path)
	f.Add(seed)
	f.Add([]byte(magic + endMagic))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return
		}
		s.Verify()
		for _, a := range []string{"VNM", "CHN"} {
			for _, c := range []string{"VNM", "CHN"} {
				s.Scan(code(a), code(c), func(*tradefile.Row) bool { return true })
			}
		}
	})
}
