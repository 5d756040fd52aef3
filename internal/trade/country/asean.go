package country

import "slices"

// ASEAN is the code Kongsi uses for the member states of ASEAN taken
// together. It is not an ISO code; it never appears in a data file.
const ASEAN = "ASEAN"

// Member is an ASEAN member state and when it joined.
type Member struct {
	Alpha3 string
	Year   int
	Month  int
}

// Members are ASEAN's member states with the month each joined: the five
// founders signed the Bangkok Declaration on 8 August 1967; Brunei joined on
// 7 January 1984, Viet Nam on 28 July 1995, Lao PDR and Myanmar on 23 July
// 1997, Cambodia on 30 April 1999 and Timor-Leste on 26 October 2025.
var Members = []Member{
	{"BRN", 1984, 1}, {"KHM", 1999, 4}, {"IDN", 1967, 8}, {"LAO", 1997, 7}, {"MYS", 1967, 8},
	{"MMR", 1997, 7}, {"PHL", 1967, 8}, {"SGP", 1967, 8}, {"THA", 1967, 8}, {"TLS", 2025, 10}, {"VNM", 1995, 7},
}

// IsASEANMember reports whether a state is a member of ASEAN today.
func IsASEANMember(alpha3 string) bool {
	return slices.ContainsFunc(Members, func(m Member) bool { return m.Alpha3 == alpha3 })
}

// MemberIn reports whether a state counts as a member of ASEAN in a period:
// a year (month 0) counts each state that joined during it or before, a
// month each state that had joined by then.
func MemberIn(alpha3 string, year, month int) bool {
	for _, m := range Members {
		if m.Alpha3 == alpha3 {
			if month == 0 {
				return m.Year <= year
			}
			return m.Year < year || m.Year == year && m.Month <= month
		}
	}
	return false
}

// MemberCodes lists the alpha-3 codes of ASEAN's member states today, in
// the order of their names.
func MemberCodes() []string {
	out := make([]string, len(Members))
	for i, m := range Members {
		out[i] = m.Alpha3
	}
	slices.SortFunc(out, func(a, b string) int {
		na, nb := NameOf(a), NameOf(b)
		switch {
		case na < nb:
			return -1
		case na > nb:
			return 1
		}
		return 0
	})
	return out
}
