// Package country maps the ways trade statistics name countries to ISO 3166-1
// alpha-3 codes, which is how Kongsi names them inside: the UN M49 numeric
// codes of UN Comtrade and CEPII BACI (with the few codes of their own those
// sources use), the country names of the IMF's Direction of Trade Statistics,
// and the alpha-3 codes of WITS. It also knows which names stand for groups of
// countries (World, regions, "not specified" areas) rather than one, so that
// importers can leave them out deliberately, and which states belong to ASEAN
// and since when.
//
// The table is Kongsi's own, written from the ISO 3166 and M49 standards; a
// test checks it against a published copy of both.
package country

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Code is a country's position in the table; 0 is no country. Codes are
// stable within one build of Kongsi only: files store alpha-3 codes.
type Code uint16

// Country is one entry of the table.
type Country struct {
	Alpha3 string
	M49    int // 0 when the UN assigns none (Kosovo)
	Name   string
	// Former marks a state that no longer exists (USSR); its code is from
	// ISO 3166-3.
	Former bool
}

//go:embed countries.csv
var countriesCSV string

var (
	table    = []Country{{}} // index 0 is no country
	byAlpha3 [26 * 26 * 26]Code
	byM49    = map[int]Code{}
	byName   = map[string]Code{}
)

func init() {
	r := csv.NewReader(strings.NewReader(countriesCSV))
	r.FieldsPerRecord = 4
	if _, err := r.Read(); err != nil {
		panic(err)
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			panic(fmt.Sprintf("country table: %v", err))
		}
		c := Country{Alpha3: rec[0], Name: rec[2], Former: strings.HasSuffix(rec[2], "(former)")}
		if rec[1] != "" {
			if c.M49, err = strconv.Atoi(rec[1]); err != nil {
				panic(fmt.Sprintf("country table: %s: %v", rec[0], err))
			}
		}
		k, ok := alphaKey([]byte(c.Alpha3))
		if !ok || byAlpha3[k] != 0 {
			panic(fmt.Sprintf("country table: bad or repeated code %q", c.Alpha3))
		}
		code := Code(len(table))
		table = append(table, c)
		byAlpha3[k] = code
		if c.M49 != 0 {
			byM49[c.M49] = code
		}
		for _, n := range append([]string{c.Name}, splitAliases(rec[3])...) {
			byName[strings.ToLower(n)] = code
		}
	}
	for m49, a3 := range sourceNumeric {
		c, ok := ByAlpha3(a3)
		if !ok {
			panic("country table: no " + a3)
		}
		byM49[m49] = c
	}
}

func splitAliases(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "|")
}

// sourceNumeric are numeric codes that UN Comtrade and CEPII BACI use in
// place of the M49 code, for a country whose reporting area differs a little
// from the standard one. 490, "Other Asia, not elsewhere specified", is how
// both report Taiwan.
var sourceNumeric = map[int]string{
	251: "FRA", // France, including Monaco
	381: "ITA", // Italy, including San Marino and the Holy See (BACI)
	490: "TWN", // "Other Asia, nes"
	579: "NOR", // Norway, including Svalbard and Jan Mayen
	699: "IND", // India (Comtrade's historical code)
	757: "CHE", // Switzerland, including Liechtenstein
	842: "USA", // United States, including Puerto Rico and the US Virgin Islands
	280: "DEU", // Federal Republic of Germany before 1991
	736: "SDN", // Sudan before 2012
	841: "USA", // United States before 1981
	590: "PAN", // Panama, excluding the Canal Zone, before 1980
}

// groupNumeric are the numeric codes of partner areas that are not one
// country: the world, regions and areas "not elsewhere specified".
var groupNumeric = map[int]string{
	0:   "World",
	58:  "Belgium-Luxembourg",
	97:  "European Union",
	129: "Caribbean, nes",
	221: "Eastern Europe, nes",
	290: "Northern Africa, nes",
	471: "CACM, nes",
	472: "Africa CAMEU region, nes",
	473: "LAIA, nes",
	492: "Europe, nes",
	527: "Oceania, nes",
	532: "Netherlands Antilles and Aruba",
	536: "Neutral Zone",
	568: "Other Europe, nes",
	577: "Other Africa, nes",
	636: "Rest of America, nes",
	637: "North and Central America, nes",
	697: "Europe EFTA, nes",
	711: "Southern African Customs Union",
	837: "Bunkers",
	838: "Free zones",
	839: "Special categories",
	879: "Western Asia, nes",
	899: "Areas, nes",
}

// groupAlpha3 are the alpha-3-like codes that WITS and UN Comtrade give to
// partner areas that are not one country.
var groupAlpha3 = map[string]string{
	"WLD": "World", "W00": "World", "EUN": "European Union", "UNS": "Unspecified", "SPE": "Special categories",
	"_X ": "Areas, nes", "X1 ": "Areas, nes", "BLX": "Belgium-Luxembourg",
}

// groupNames are the names IMF DOTS gives to groups of countries and to
// areas not specified.
var groupNames = []string{
	"World", "Advanced Economies", "Africa", "Africa not specified", "Asia not specified",
	"Countries & Areas not specified", "Emerging and Developing Asia", "Emerging and Developing Economies",
	"Emerging and Developing Europe", "Emerging Market and Developing Economies by Source of Export Earnings: Fuel",
	"Emerging Market and Developing Economies by Source of Export Earnings: Nonfuel", "Euro Area",
	"Europe not specified", "European Union", "Middle East", "Middle East and Central Asia",
	"Middle East and Central Asia not specified", "Other Countries not included elsewhere", "Special Categories",
	"Sub-Saharan Africa", "Western Hemisphere", "Western Hemisphere not specified", "Belgium-Luxembourg",
}

var groupNameSet = func() map[string]bool {
	m := map[string]bool{}
	for _, n := range groupNames {
		m[strings.ToLower(n)] = true
	}
	return m
}()

func alphaKey(b []byte) (int, bool) {
	if len(b) != 3 {
		return 0, false
	}
	k := 0
	for _, c := range b {
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c < 'A' || c > 'Z' {
			return 0, false
		}
		k = k*26 + int(c-'A')
	}
	return k, true
}

// Lookup returns a country by its alpha-3 code, in either case. It does not
// allocate, so that parsers can call it for every row.
func Lookup(alpha3 []byte) (Code, bool) {
	k, ok := alphaKey(alpha3)
	if !ok {
		return 0, false
	}
	c := byAlpha3[k]
	return c, c != 0
}

// ByAlpha3 returns a country by its alpha-3 code, in either case.
func ByAlpha3(alpha3 string) (Code, bool) { return Lookup([]byte(alpha3)) }

// ByNumeric returns a country by its M49 code, or by the code UN Comtrade
// and CEPII BACI use for it.
func ByNumeric(n int) (Code, bool) {
	c, ok := byM49[n]
	return c, ok
}

// ByName returns a country by its name in the table or as IMF DOTS writes it,
// ignoring case.
func ByName(name string) (Code, bool) {
	c, ok := byName[strings.ToLower(strings.TrimSpace(name))]
	return c, ok
}

// IsGroupNumeric reports whether a numeric partner code stands for a group
// of countries or an unspecified area, and names it.
func IsGroupNumeric(n int) (string, bool) {
	g, ok := groupNumeric[n]
	return g, ok
}

// IsGroupAlpha3 reports whether an alpha-3-like code (WITS, UN Comtrade)
// stands for a group of countries or an unspecified area, and names it.
func IsGroupAlpha3(code string) (string, bool) {
	c := strings.ToUpper(code)
	if len(c) < 3 {
		c += strings.Repeat(" ", 3-len(c))
	}
	g, ok := groupAlpha3[c]
	return g, ok
}

// IsGroupName reports whether an IMF DOTS name stands for a group of
// countries or an unspecified area.
func IsGroupName(name string) bool { return groupNameSet[strings.ToLower(strings.TrimSpace(name))] }

// Get returns the table's entry for a code.
func (c Code) Get() Country {
	if int(c) >= len(table) {
		return Country{}
	}
	return table[c]
}

// Alpha3 is the country's ISO 3166 alpha-3 code, or "" for no country.
func (c Code) Alpha3() string { return c.Get().Alpha3 }

// Name is the country's short English name.
func (c Code) Name() string { return c.Get().Name }

// All returns every country of the table, current and former.
func All() []Country { return append([]Country(nil), table[1:]...) }

// NameOf names an alpha-3 code, or returns the code when the table lacks it.
func NameOf(alpha3 string) string {
	if alpha3 == ASEAN {
		return "ASEAN"
	}
	if c, ok := ByAlpha3(alpha3); ok {
		return c.Name()
	}
	return alpha3
}
