package projects_test

import (
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/kongsi/kongsi/internal/projects"
)

// standards returns the directory of an official standard in
// ../shared/standards (relative to the repository's root), or skips the
// test when it is absent.
func standards(t *testing.T, name string) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "standards", name)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("the official %s materials are not at %s: this check needs them", name, dir)
	}
	return dir
}

// oc4idsCodes reads the codes of an official OC4IDS codelist.
func oc4idsCodes(t *testing.T, file string) []string {
	t.Helper()
	f, err := os.Open(filepath.Join(standards(t, "oc4ids"), "schema", "project-level", "codelists", file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 || rows[0][0] != "Code" {
		t.Fatalf("%s: no Code column", file)
	}
	var out []string
	for _, r := range rows[1:] {
		out = append(out, r[0])
	}
	return out
}

// TestCodelistsMatchOC4IDS checks the register's tables of OC4IDS codes
// against the official codelists: closed codelists exactly, the others as
// subsets, and the currencies against the codelist that the schema's
// currency enum comes from.
func TestCodelistsMatchOC4IDS(t *testing.T) {
	for _, tc := range []struct {
		file   string
		ours   []string
		closed bool
	}{
		{"projectStatus.csv", projects.Statuses.Codes(), true},
		{"projectType.csv", projects.Types.Codes(), true},
		{"projectSector.csv", projects.Sectors.Codes(), true},
		{"milestoneType.csv", projects.MilestoneTypes.Codes(), true},
		{"documentType.csv", projects.DocumentTypes.Codes(), false},
		{"currency.csv", projects.Currencies, false},
	} {
		official := oc4idsCodes(t, tc.file)
		for _, c := range tc.ours {
			if !slices.Contains(official, c) {
				t.Errorf("%s: %q is not an official code", tc.file, c)
			}
		}
		if tc.closed {
			for _, c := range official {
				if !slices.Contains(tc.ours, c) {
					t.Errorf("%s: the official code %q is missing from the register's table", tc.file, c)
				}
			}
		}
	}
	official := oc4idsCodes(t, "financingArrangementType.csv")
	for _, c := range projects.Instruments.Codes() {
		if slices.Contains(official, c) != projects.IsOC4IDSInstrument(c) {
			t.Errorf("instrument %q: official %v, marked as OC4IDS %v", c, slices.Contains(official, c), projects.IsOC4IDSInstrument(c))
		}
	}
	for _, c := range official {
		if !projects.Instruments.Has(c) {
			t.Errorf("financingArrangementType %q is missing", c)
		}
	}
}

// TestSchemasUseTheTables checks that the kinds' JSON Schemas enumerate
// exactly the codes of the Go tables, so that neither drifts.
func TestSchemasUseTheTables(t *testing.T) {
	var schema map[string]any
	for _, k := range projects.New().Kinds() {
		if k.Name == projects.KindProject {
			if err := json.Unmarshal(k.Schema, &schema); err != nil {
				t.Fatal(err)
			}
		}
	}
	get := func(path ...string) []string {
		var v any = schema
		for _, p := range path {
			v = v.(map[string]any)[p]
		}
		var out []string
		for _, x := range v.([]any) {
			out = append(out, x.(string))
		}
		return out
	}
	props := []string{"properties"}
	for _, tc := range []struct {
		name string
		path []string
		want []string
	}{
		{"status", append(props, "status", "enum"), projects.Statuses.Codes()},
		{"type", append(props, "type", "enum"), projects.Types.Codes()},
		{"sector", append(props, "sector", "items", "enum"), projects.Sectors.Codes()},
		{"sponsor type", append(props, "sponsors", "items", "properties", "type", "enum"), projects.SponsorTypes.Codes()},
		{"sponsor role", append(props, "sponsors", "items", "properties", "role", "enum"), projects.SponsorRoles.Codes()},
		{"instrument", append(props, "financing", "items", "properties", "instrument", "enum"), projects.Instruments.Codes()},
		{"currency", append(props, "financing", "items", "properties", "currency", "enum"), projects.Currencies},
		{"budget currency", append(props, "budget", "properties", "currency", "enum"), projects.Currencies},
		{"milestone type", append(props, "milestones", "items", "properties", "type", "enum"), projects.MilestoneTypes.Codes()},
		{"milestone status", append(props, "milestones", "items", "properties", "status", "enum"), projects.MilestoneStatuses.Codes()},
		{"document type", append(props, "documents", "items", "properties", "type", "enum"), projects.DocumentTypes.Codes()},
		{"halt", append(props, "halt", "properties", "state", "enum"), projects.Halts.Codes()},
	} {
		if got := get(tc.path...); !slices.Equal(got, tc.want) {
			t.Errorf("%s: the schema has %v, the table %v", tc.name, got, tc.want)
		}
	}
}

// TestCodesMatchIATI checks the IATI codes the exporter writes.
func TestCodesMatchIATI(t *testing.T) {
	dir := standards(t, "iati")
	codes := func(file string) []string {
		b, err := os.ReadFile(filepath.Join(dir, "codelists", file))
		if err != nil {
			t.Fatal(err)
		}
		var cl struct {
			Items []struct {
				Code string `xml:"code"`
			} `xml:"codelist-items>codelist-item"`
		}
		if err := xml.Unmarshal(b, &cl); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, it := range cl.Items {
			out = append(out, it.Code)
		}
		return out
	}
	countries := codes("Country.xml")
	for state, iso2 := range projects.ISO2 {
		if !slices.Contains(countries, iso2) {
			t.Errorf("%s: %q is not an IATI country code", state, iso2)
		}
	}
	currencies := codes("Currency.xml")
	for _, c := range projects.Currencies {
		if !slices.Contains(currencies, c) {
			t.Errorf("%q is not an IATI currency code", c)
		}
	}
}

func TestCountryCode(t *testing.T) {
	names := map[string]string{"lao": "Lao PDR", "vnm": "Viet Nam", "idn": "Indonesia"}
	for _, tc := range []struct {
		in   string
		want string
		ok   bool
	}{
		{"Lao PDR", "lao", true},
		{"Lao People's Democratic Republic", "lao", true},
		{"VIETNAM", "vnm", true},
		{" Myanmar (Burma) ", "mmr", true},
		{"idn", "idn", true},
		{"United Kingdom", "", false},
		{"", "", false},
	} {
		got, ok := projects.CountryCode(tc.in, names)
		if got != tc.want || ok != tc.ok {
			t.Errorf("CountryCode(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
