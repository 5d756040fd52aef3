package country

import (
	"encoding/csv"
	"errors"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"testing"
)

// shared opens a file of the shared data, or skips the test.
func shared(t *testing.T, path string) *csv.Reader {
	t.Helper()
	f, err := os.Open("../../../../shared/data/" + path)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("the shared data file %s is not here", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	return r
}

func header(t *testing.T, r *csv.Reader) map[string]int {
	t.Helper()
	h, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]int{}
	for i, n := range h {
		m[strings.TrimPrefix(n, "\ufeff")] = i
	}
	return m
}

// TestAgainstISOAndM49 checks every current country of the table against a
// published copy of ISO 3166-1 and M49: the alpha-3 code exists there and
// has the same M49 code.
func TestAgainstISOAndM49(t *testing.T) {
	r := shared(t, "geo-countries-asean/country-codes.csv")
	h := header(t, r)
	m49 := map[string]string{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if a3 := rec[h["ISO3166-1-Alpha-3"]]; a3 != "" {
			m49[a3] = rec[h["M49"]]
		}
	}
	if len(m49) < 240 {
		t.Fatalf("read only %d countries from the published table", len(m49))
	}
	for _, c := range All() {
		if c.Former || c.Alpha3 == "XKX" {
			if _, ok := m49[c.Alpha3]; ok {
				t.Errorf("%s is marked former or user-assigned but is a current ISO code", c.Alpha3)
			}
			continue
		}
		want, ok := m49[c.Alpha3]
		if !ok {
			t.Errorf("%s (%s) is not an ISO 3166-1 alpha-3 code", c.Alpha3, c.Name)
			continue
		}
		if want == "" && c.Alpha3 == "TWN" {
			continue // the UN assigns Taiwan no M49 code; ISO's numeric code is 158
		}
		if strconv.Itoa(c.M49) != strings.TrimLeft(want, "0") {
			t.Errorf("%s: M49 %d, published %s", c.Alpha3, c.M49, want)
		}
	}
	for a3 := range m49 {
		if _, ok := ByAlpha3(a3); !ok {
			t.Errorf("the table lacks %s", a3)
		}
	}
}

// TestDOTSNames checks that every reporter and partner of the IMF DOTS file
// is either a country of the table or a group the importer leaves out.
func TestDOTSNames(t *testing.T) {
	r := shared(t, "imf-dots-asean-china/dots_annual_china_asean_reporters.csv")
	h := header(t, r)
	seen := map[string]bool{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		rep := rec[h["reporter_iso3"]]
		if c, ok := ByName(rec[h["reporter_name"]]); !ok || c.Alpha3() != rep {
			t.Errorf("reporter %q: got %q, want %s", rec[h["reporter_name"]], c.Alpha3(), rep)
		}
		name := rec[h["partner_name"]]
		if seen[name] {
			continue
		}
		seen[name] = true
		_, ok := ByName(name)
		if ok == IsGroupName(name) {
			t.Errorf("partner %q: a country %v, a group %v", name, ok, IsGroupName(name))
		}
	}
	if len(seen) < 200 {
		t.Fatalf("read only %d partner names", len(seen))
	}
}

func TestLookups(t *testing.T) {
	for _, tc := range []struct {
		got  Code
		ok   bool
		want string
	}{
		{must(ByNumeric(704)), true, "VNM"},
		{must(ByNumeric(490)), true, "TWN"},
		{must(ByNumeric(842)), true, "USA"},
		{must(Lookup([]byte("vnm"))), true, "VNM"},
		{must(ByName("vietnam")), true, "VNM"},
		{must(ByName("China, P.R.: Mainland")), true, "CHN"},
	} {
		if tc.got.Alpha3() != tc.want {
			t.Errorf("got %q, want %q", tc.got.Alpha3(), tc.want)
		}
	}
	for _, bad := range []string{"", "VN", "VNMM", "V1M", "ZZZ"} {
		if _, ok := ByAlpha3(bad); ok {
			t.Errorf("%q found", bad)
		}
	}
	if _, ok := ByNumeric(999); ok {
		t.Error("999 found")
	}
	if g, ok := IsGroupNumeric(0); !ok || g != "World" {
		t.Error("0 is not the world")
	}
	if _, ok := IsGroupAlpha3("wld"); !ok {
		t.Error("WLD is not a group")
	}
	if _, ok := IsGroupAlpha3("_X"); !ok {
		t.Error("_X is not a group")
	}
	if NameOf("VNM") != "Viet Nam" || NameOf("ASEAN") != "ASEAN" || NameOf("QQQ") != "QQQ" {
		t.Error("NameOf")
	}
}

func must(c Code, _ bool) Code { return c }

func TestASEANMembership(t *testing.T) {
	for _, tc := range []struct {
		a3          string
		year, month int
		want        bool
	}{
		{"VNM", 1994, 0, false}, {"VNM", 1995, 0, true}, {"VNM", 1995, 6, false}, {"VNM", 1995, 7, true},
		{"TLS", 2024, 0, false}, {"TLS", 2025, 0, true}, {"TLS", 2025, 9, false}, {"TLS", 2025, 10, true},
		{"SGP", 1970, 0, true}, {"CHN", 2020, 0, false},
	} {
		if got := MemberIn(tc.a3, tc.year, tc.month); got != tc.want {
			t.Errorf("MemberIn(%s, %d, %d) = %v", tc.a3, tc.year, tc.month, got)
		}
	}
	codes := MemberCodes()
	if len(codes) != 11 || codes[0] != "BRN" || codes[len(codes)-1] != "VNM" {
		t.Errorf("MemberCodes = %v", codes)
	}
	for _, c := range codes {
		if _, ok := ByAlpha3(c); !ok {
			t.Errorf("member %s is not in the table", c)
		}
	}
}
