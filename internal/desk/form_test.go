package desk

import (
	"bytes"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/module"
	"github.com/kongsi/kongsi/internal/modules"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// allKinds are the kinds of every module and of the core, as a register
// running them all describes them.
func allKinds(t testing.TB) map[string]*ledger.Kind {
	t.Helper()
	ms := modules.All()
	ks, err := ledger.NewKinds(module.Kinds(ms)...)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*ledger.Kind{}
	for _, n := range ks.Names() {
		out[n], _ = ks.Get(n)
	}
	return out
}

// onlyEmptyGroups reports whether v holds nothing but empty objects.
func onlyEmptyGroups(v any) bool {
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	for _, e := range m {
		if !onlyEmptyGroups(e) {
			return false
		}
	}
	return true
}

type compiledKind struct {
	form   *Schema
	schema *jsonschema.Schema
}

func compile(t testing.TB, k *ledger.Kind) compiledKind {
	t.Helper()
	form, err := ParseSchema(k.Schema)
	if err != nil {
		t.Fatalf("kind %s: %v", k.Name, err)
	}
	sch, err := ledger.CompileSchema(k.Name, k.Schema)
	if err != nil {
		t.Fatal(err)
	}
	return compiledKind{form, sch}
}

// TestFormsOfEveryKind makes the form of every kind of every module: each
// control has a name, a label and a widget it knows, and the form of a
// blank draft reads back as an empty body.
func TestFormsOfEveryKind(t *testing.T) {
	known := []string{wText, wTextarea, wDate, wURL, wInteger, wNumber, wSelect, wCheckbox, wYesNo, wObject, wRows, wCheckboxes, wJSON}
	widgets := map[string]int{}
	for name, k := range allKinds(t) {
		t.Run(name, func(t *testing.T) {
			c := compile(t, k)
			root := BuildForm(c.form, url.Values{}, nil)
			if root.Widget != wObject {
				t.Fatalf("the body is a %s, not a group of fields", root.Widget)
			}
			names := map[string]bool{}
			root.walk(func(f *Field) {
				if f == root {
					return
				}
				widgets[f.Widget]++
				if !slices.Contains(known, f.Widget) {
					t.Errorf("%s: unknown widget %q", f.Name, f.Widget)
				}
				if f.Label == "" && !strings.HasSuffix(pointerOf(f.Name), "/0") {
					t.Errorf("%s has no label", f.Name)
				}
				if names[f.Name] {
					t.Errorf("two fields are named %s", f.Name)
				}
				names[f.Name] = true
			})
			body, problems := DecodeForm(c.form, url.Values{})
			if !onlyEmptyGroups(body) || len(problems) != 0 {
				t.Errorf("a blank form reads as %v, %v", body, problems)
			}
		})
	}
	// The modules' schemas use every kind of control but the yes-or-no
	// select, which only a required boolean gets.
	for _, w := range known {
		if widgets[w] == 0 && w != wYesNo && w != wObject {
			t.Errorf("no field of any kind is a %s: the test no longer covers it", w)
		}
	}
}

func TestWidgets(t *testing.T) {
	k := allKinds(t)
	pick := func(kind string, path ...string) *Field {
		t.Helper()
		root := BuildForm(compile(t, k[kind]).form, url.Values{}, nil)
		name := bodyName + "/" + strings.Join(path, "/")
		var found *Field
		root.walk(func(f *Field) {
			if f.Name == name {
				found = f
			}
		})
		if found == nil {
			t.Fatalf("%s has no field %s", kind, name)
		}
		return found
	}
	for _, c := range []struct {
		kind   string
		path   []string
		widget string
	}{
		{"declaration", []string{"topic"}, wText},
		{"declaration", []string{"text"}, wTextarea},
		{"declaration", []string{"category"}, wSelect},
		{"declaration", []string{"stated_on"}, wDate},
		{"declaration", []string{"withdrawn"}, wCheckbox},
		{"declaration", []string{"sources"}, wRows},
		{"declaration", []string{"sources", "0", "url"}, wURL},
		{"facility", []string{"location"}, wObject},
		{"facility", []string{"location", "lat"}, wNumber},
		{"portcall.request", []string{"personnel"}, wInteger},
		{"portcall.request", []string{"purposes"}, wCheckboxes},
		{"activity.notify", []string{"area"}, wJSON},
		{"activity.notify", []string{"participants", "0", "role"}, wSelect},
		{"commitment", []string{"pledgers"}, wRows},
		{"programme.confirmation", []string{"confirmed"}, wYesNo},
		{"trade.release", []string{"coverage", "hs_level"}, wSelect},
	} {
		if f := pick(c.kind, c.path...); f.Widget != c.widget {
			t.Errorf("%s %s is a %s, want %s", c.kind, strings.Join(c.path, "/"), f.Widget, c.widget)
		}
	}
	if f := pick("declaration", "category"); len(f.Options) != 7 || f.Options[0].Label != "Maritime claim" {
		t.Errorf("the category's options are %+v", f.Options)
	}
	if f := pick("trade.release", "coverage", "hs_level"); len(f.Options) != 4 || f.Options[3].Value != "6" {
		t.Errorf("numeric options are %+v", f.Options)
	}
}

// demoBodies reads the bodies of the demo's records, by kind.
func demoBodies(t *testing.T) map[string][]json.RawMessage {
	t.Helper()
	files, err := filepath.Glob("../demo/data/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no demo data: %v", err)
	}
	out := map[string][]json.RawMessage{}
	for _, file := range files {
		if filepath.Base(file) == "charter.json" {
			continue
		}
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var f struct {
			Records []struct {
				Kind string          `json:"kind"`
				Body json.RawMessage `json:"body"`
			} `json:"records"`
			Declarations []struct {
				Versions []struct {
					Body json.RawMessage `json:"body"`
				} `json:"versions"`
			} `json:"declarations"`
		}
		if err := json.Unmarshal(b, &f); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for _, r := range f.Records {
			out[r.Kind] = append(out[r.Kind], r.Body)
		}
		for _, d := range f.Declarations {
			for _, v := range d.Versions {
				out["declaration"] = append(out["declaration"], v.Body)
			}
		}
	}
	return out
}

// TestDemoBodiesThroughForms writes every record of the demo into its form
// and reads it back: the forms can say everything the register holds, and
// what they read is valid.
func TestDemoBodiesThroughForms(t *testing.T) {
	kinds := allKinds(t)
	n := 0
	for kind, bodies := range demoBodies(t) {
		k, ok := kinds[kind]
		if !ok {
			t.Errorf("the demo has records of an unknown kind %q", kind)
			continue
		}
		c := compile(t, k)
		for i, raw := range bodies {
			var body map[string]any
			if err := decodeJSON(raw, &body); err != nil {
				t.Fatal(err)
			}
			// A false that is not required is no value in a form.
			dropFalse(c.form, body)
			form := EncodeForm(c.form, body)
			got, problems := DecodeForm(c.form, form)
			if len(problems) > 0 {
				t.Errorf("%s %d: problems reading it back: %+v", kind, i, problems)
			}
			if !sameJSON(t, got, body) {
				g, _ := json.Marshal(got)
				w, _ := json.Marshal(body)
				t.Errorf("%s %d: read back as\n%s\nwant\n%s", kind, i, g, w)
			}
			if ps := validate(c.schema, got); len(ps) > 0 {
				t.Errorf("%s %d: invalid after the round trip: %+v", kind, i, ps)
			}
			n++
		}
	}
	if n < 50 {
		t.Errorf("only %d demo records went through forms", n)
	}
}

func dropFalse(s *Schema, m map[string]any) {
	for _, p := range s.Properties {
		if v, ok := m[p.Name]; ok && v == false && !s.IsRequired(p.Name) {
			delete(m, p.Name)
		}
		if sub, ok := m[p.Name].(map[string]any); ok && p.Schema.Type == "object" {
			dropFalse(p.Schema, sub)
		}
	}
}

// sameJSON compares values as JSON, numbers by their value.
func sameJSON(t *testing.T, a, b any) bool {
	t.Helper()
	norm := func(v any) any {
		js, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var out any
		if err := json.Unmarshal(js, &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	return reflect.DeepEqual(norm(a), norm(b))
}

func TestValidationErrorsOnFields(t *testing.T) {
	c := compile(t, allKinds(t)["declaration"])
	form := url.Values{
		"b/topic":             {strings.Repeat("x", 121)},
		"b/category":          {"claims"},
		"b/stated_on":         {"5 April 2025"},
		"b/language":          {"en"},
		"b/text":              {"Text"},
		"b/sources/0/~":       {""},
		"b/sources/0/url":     {"https://www.example.org/"},
		"b/sources/1/~":       {""},
		"b/sources/1/title":   {"Second"},
		"b/sources/1/date":    {"2025-02-30"},
		"b/withdrawn":         {"maybe"},
		"b/no_such_field":     {"ignored"},
		"b/sources/x/title":   {"not a row"},
		"b/sources/007/title": {"not a row either"},
	}
	body, problems := DecodeForm(c.form, form)
	problems = append(problems, validate(c.schema, body)...)
	want := map[string]string{
		"/topic":           "maxLength",
		"/category":        "decode.enum",
		"/stated_on":       "format",
		"/title":           "required",
		"/sources/0/title": "required",
		"/sources/1/date":  "format",
		"/withdrawn":       "decode.boolean",
	}
	got := map[string]string{}
	for _, p := range problems {
		if _, dup := got[p.Pointer]; !dup || strings.HasPrefix(p.Rule, "decode.") {
			got[p.Pointer] = p.Rule
		}
	}
	for ptr, rule := range want {
		if got[ptr] != rule {
			t.Errorf("at %s: rule %q, want %q (all: %+v)", ptr, got[ptr], rule, problems)
		}
	}
	if len(body["sources"].([]any)) != 2 {
		t.Errorf("rows that are not rows were read: %v", body["sources"])
	}
	root := BuildForm(c.form, form, problems)
	on := map[string][]string{}
	for _, f := range root.AllProblems() {
		for _, p := range f.Problems {
			on[f.Name] = append(on[f.Name], p.Rule)
		}
	}
	for ptr, rule := range want {
		if !slices.Contains(on[bodyName+ptr], rule) {
			t.Errorf("field %s does not show %q: %v", bodyName+ptr, rule, on)
		}
	}
	// The topic's text is shown as typed.
	root.walk(func(f *Field) {
		if f.Name == "b/stated_on" && f.Value != "5 April 2025" {
			t.Errorf("stated_on shows %q", f.Value)
		}
	})
}

func TestRowsAddAndRemove(t *testing.T) {
	form := url.Values{"b/sources/0/title": {"A"}, "b/sources/1/title": {"B"}, "b/sources/1/date": {"2025-01-01"}, "b/sources/2/title": {"C"}}
	addRow(form, "b/sources")
	if rows := rowsOf(form, "b/sources"); !slices.Equal(rows, []int{0, 1, 2, 3}) {
		t.Fatalf("after adding: rows %v", rows)
	}
	removeRow(form, "b/sources", 1)
	if rows := rowsOf(form, "b/sources"); !slices.Equal(rows, []int{0, 2, 3}) {
		t.Fatalf("after removing: rows %v", rows)
	}
	c := compile(t, allKinds(t)["declaration"])
	body, _ := DecodeForm(c.form, form)
	got, _ := json.Marshal(body["sources"])
	if string(got) != `[{"title":"A"},{"title":"C"}]` {
		t.Errorf("sources read as %s", got)
	}
}

func TestFieldPointer(t *testing.T) {
	for field, want := range map[string]string{
		"body":                     "",
		"body.title":               "/title",
		"body.sources[0].title":    "/sources/0/title",
		"body.location.lat":        "/location/lat",
		"body.milestones_met[12]":  "/milestones_met/12",
		"body.a/b":                 "/a~1b",
		"body.sources[x]":          "!",
		"author":                   "!",
		"body..title":              "!",
		"body.sources[0":           "!",
		"body.sources[123456].url": "!",
	} {
		got, ok := fieldPointer(field)
		if (want == "!") == ok || (ok && got != want) {
			t.Errorf("fieldPointer(%q) = %q, %v; want %q", field, got, ok, want)
		}
	}
}

func TestSubjectPrefix(t *testing.T) {
	for _, c := range []struct{ help, want string }{
		{"declarations/<state>/<topic>", "declarations/khm/"},
		{"portcalls/<host state>/<slug>", "portcalls/khm/"},
		{"trade/releases/<publisher>/<name>", "trade/releases/"},
		{"commitments/<commitment>/reports/<report>", "commitments/"},
		{"charter", "charter"},
	} {
		p := partyDetail("khm.mfaic", "authority", "khm", "governance")
		if got := subjectPrefix(c.help, p); got != c.want {
			t.Errorf("subjectPrefix(%q) = %q, want %q", c.help, got, c.want)
		}
	}
}

func TestParseSchemaKeepsOrder(t *testing.T) {
	s, err := ParseSchema([]byte(`{"type":"object","properties":{"z":{"type":"string"},"a":{"type":"integer"},"m":{"oneOf":[{"type":"string"},{"type":"integer"}]}}}`))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range s.Properties {
		names = append(names, p.Name)
	}
	if !slices.Equal(names, []string{"z", "a", "m"}) {
		t.Errorf("properties in order %v", names)
	}
	if w := widget(s.Properties[2].Schema, false); w != wJSON {
		t.Errorf("a oneOf is edited as %s, not JSON", w)
	}
	for _, bad := range []string{`[]`, `{"properties": []}`, `{"minLength": "x"}`, strings.Repeat(`{"items":`, 40) + `{}` + strings.Repeat(`}`, 40)} {
		if _, err := ParseSchema([]byte(bad)); err == nil {
			t.Errorf("ParseSchema(%.40s) took it", bad)
		}
	}
}

func TestJSONFieldKeepsWhatWasTyped(t *testing.T) {
	c := compile(t, allKinds(t)["activity.notify"])
	form := url.Values{"b/area": {`{"type": "Point", "coordinates": [103.5,`}}
	body, problems := DecodeForm(c.form, form)
	if len(problems) != 1 || problems[0].Rule != "decode.json" || problems[0].Pointer != "/area" {
		t.Fatalf("problems %+v", problems)
	}
	if body["area"] != form.Get("b/area") {
		t.Errorf("the text typed is lost: %v", body["area"])
	}
	form.Set("b/area", "{\r\n\"type\": \"Point\", \"coordinates\": [103.5, 10.6]}")
	body, problems = DecodeForm(c.form, form)
	if len(problems) != 0 {
		t.Fatalf("problems %+v", problems)
	}
	var buf bytes.Buffer
	json.NewEncoder(&buf).Encode(body["area"])
	if strings.TrimSpace(buf.String()) != `{"coordinates":[103.5,10.6],"type":"Point"}` {
		t.Errorf("area read as %s", buf.String())
	}
}
