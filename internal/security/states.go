package security

import (
	"slices"
	"strings"

	"github.com/kongsi/kongsi/internal/geomap"
)

// States in bodies are ISO 3166-1 alpha-3 codes in upper case ("JPN"). A
// member state's party ID is its code in lower case ("khm").

// otherStates names the states whose navies and armed forces take part in
// the region's port calls and exercises but whose outlines the maps do not
// bundle (geomap.Lookup names the others). Add a state here when a record
// needs it.
var otherStates = map[string]string{
	"ARE": "United Arab Emirates",
	"ARG": "Argentina",
	"BEL": "Belgium",
	"BRA": "Brazil",
	"CAN": "Canada",
	"CHL": "Chile",
	"COL": "Colombia",
	"DEU": "Germany",
	"DJI": "Djibouti",
	"DNK": "Denmark",
	"EGY": "Egypt",
	"ESP": "Spain",
	"FRA": "France",
	"GBR": "United Kingdom",
	"GRC": "Greece",
	"ISR": "Israel",
	"ITA": "Italy",
	"MEX": "Mexico",
	"NLD": "Netherlands",
	"NOR": "Norway",
	"OMN": "Oman",
	"PER": "Peru",
	"POL": "Poland",
	"PRT": "Portugal",
	"QAT": "Qatar",
	"SAU": "Saudi Arabia",
	"SWE": "Sweden",
	"TON": "Tonga",
	"TUR": "Türkiye",
	"USA": "United States",
	"ZAF": "South Africa",
}

// KnownState reports whether code is a state the module can name: a
// bundled country of the maps or one of the other navies' states.
func KnownState(code string) bool {
	if _, ok := otherStates[code]; ok {
		return true
	}
	_, ok := geomap.Lookup(code)
	return ok
}

// StateName names a state by its code, or returns the code.
func StateName(code string) string {
	if n, ok := otherStates[code]; ok {
		return n
	}
	if c, ok := geomap.Lookup(code); ok {
		return c.Name
	}
	return code
}

// StateCodes lists every code the module knows, sorted.
func StateCodes() []string {
	var out []string
	for c := range otherStates {
		out = append(out, c)
	}
	for _, c := range geomap.Countries() {
		out = append(out, c.ISO3)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// partyOf is the party ID of a state code: "KHM" → "khm".
func partyOf(code string) string { return strings.ToLower(code) }

// codeOf is the state code of a party ID: "khm" → "KHM".
func codeOf(party string) string { return strings.ToUpper(party) }
