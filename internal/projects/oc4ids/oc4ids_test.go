package oc4ids_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kongsi/kongsi/internal/projects/oc4ids"
)

// standard returns the directory of the official OC4IDS materials, or skips
// the test when they are absent.
func standard(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "..", "shared", "standards", "oc4ids")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("the official OC4IDS materials are not at %s: this test needs them", dir)
	}
	return dir
}

func validator(t testing.TB) *oc4ids.Validator {
	t.Helper()
	v, err := oc4ids.LoadValidator(filepath.Join(standard(t), "schema", "project-level"))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestValidateOfficialExamples(t *testing.T) {
	v := validator(t)
	dir := standard(t)
	for _, f := range []string{"docs/examples/example.json", "lib-cove-oc4ids/tests/fixtures/example-data.json"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := v.Validate(b); err != nil {
			t.Errorf("%s: %v", f, err)
		}
		p, err := oc4ids.Parse(b)
		if err != nil || len(p.Projects) == 0 || p.Projects[0].ID == "" {
			t.Errorf("%s: parsed %+v, %v", f, p, err)
		}
	}
}

func TestValidateRefusesWithReasons(t *testing.T) {
	v := validator(t)
	dir := standard(t)
	b, err := os.ReadFile(filepath.Join(dir, "lib-cove-oc4ids/tests/fixtures/validation-errors-package.json"))
	if err != nil {
		t.Fatal(err)
	}
	err = v.Validate(b)
	var ie *oc4ids.InvalidError
	if !errors.As(err, &ie) {
		t.Fatalf("Validate = %v, want an InvalidError", err)
	}
	// Problems the fixture is made of, each with its place and rule.
	for _, want := range []oc4ids.Problem{
		{Path: "/uri", Rule: "format"},
		{Path: "/publishedDate", Rule: "format"},
		{Path: "/version", Rule: "pattern"},
		{Path: "/projects/0/title", Rule: "type"},
		{Path: "/projects/0/type", Rule: "enum"},
		{Path: "/projects/0/budget/amount/currency", Rule: "enum", Message: `"upmceageaqwjjg" is not one of the`},
	} {
		found := false
		for _, p := range ie.Problems {
			if p.Path == want.Path && p.Rule == want.Rule && p.Message != "" && strings.HasPrefix(p.Message, want.Message) {
				found = true
			}
		}
		if !found {
			t.Errorf("no problem %s (rule %s) in:\n%v", want.Path, want.Rule, ie)
		}
	}
	rubbish, _ := os.ReadFile(filepath.Join(dir, "lib-cove-oc4ids/tests/fixtures/rubbish.json"))
	if err := v.Validate(rubbish); !errors.As(err, &ie) || len(ie.Problems) != 5 || !strings.Contains(err.Error(), "/projects: the field \"projects\" is required (rule required)") {
		t.Errorf("rubbish: %v", err)
	}
	broken, _ := os.ReadFile(filepath.Join(dir, "lib-cove-oc4ids/tests/fixtures/invalid-json.json"))
	if err := v.Validate(broken); !errors.Is(err, oc4ids.ErrSyntax) || !strings.Contains(err.Error(), "line ") {
		t.Errorf("invalid JSON: %v", err)
	}
}

func TestLoadValidatorMissing(t *testing.T) {
	_, err := oc4ids.LoadValidator(t.TempDir())
	if !errors.Is(err, oc4ids.ErrNoSchema) || !strings.Contains(err.Error(), "-schema") {
		t.Errorf("LoadValidator(empty dir) = %v", err)
	}
}

func TestParseSaysWhere(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"{\n  \"uri\": \"x\",\n  \"projects\": [1,]\n}", "line 3, column 18"},
		{"{\"projects\": {}}", "line 1, column 14"},
		{"{\"projects\": [{\"title\": 4}]}", "projects.title is number"},
		{"", "unexpected end"},
	} {
		_, err := oc4ids.Parse([]byte(tc.in))
		if !errors.Is(err, oc4ids.ErrSyntax) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%q) = %v, want %q", tc.in, err, tc.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"uri":"https://x","version":"0.9","publishedDate":"2024-01-01T00:00:00Z","publisher":{"name":"x"},"projects":[{"id":"a","title":"b","sector":["transport"]}]}`))
	f.Add([]byte(`{"projects":[{"locations":[{"geometry":{"type":"Point","coordinates":[1,2]}}]}]}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := oc4ids.Parse(data)
		if err != nil {
			if !errors.Is(err, oc4ids.ErrSyntax) {
				t.Fatalf("error %v does not wrap ErrSyntax", err)
			}
			return
		}
		if p == nil {
			t.Fatal("nil package without an error")
		}
	})
}
