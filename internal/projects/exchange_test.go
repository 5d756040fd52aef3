package projects_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kongsi/kongsi/internal/nodetest"
	"github.com/kongsi/kongsi/internal/projects"
	"github.com/kongsi/kongsi/internal/projects/oc4ids"
	"github.com/kongsi/kongsi/internal/publish"
)

func oc4idsSchema(t *testing.T) string {
	return filepath.Join(standards(t, "oc4ids"), "schema", "project-level")
}

// logSize is the number of records the node's sequencer has admitted.
func logSize(e *nodetest.Env) uint64 { return e.Node.Sequencer.State().Size() }

// mustRefuseImport checks that run, an import, fails with an error that
// says each of want, and leaves the log as it was.
func mustRefuseImport(t *testing.T, e *nodetest.Env, run func(out io.Writer) error, want []string) {
	t.Helper()
	size := logSize(e)
	var out bytes.Buffer
	err := run(&out)
	if err == nil {
		t.Fatalf("accepted:\n%s", out.String())
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("the error lacks %q:\n%v", w, err)
		}
	}
	if logSize(e) != size {
		t.Error("a refused import changed the log")
	}
}

func TestExportOC4IDSValidates(t *testing.T) {
	schema := oc4idsSchema(t)
	e := site(t)
	var out bytes.Buffer
	if err := projects.ExportOC4IDS(context.Background(), e.Node.Store, &out, []string{"-schema", schema, "-uri", "https://example.org/projects.json"}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"uri": "https://example.org/projects.json"`, `"id": "kongsi-mys-ecrl"`, `"type": "LineString"`, `"scheme": "kongsi:sponsorType"`, `"status": "implementation"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the package lacks %s", want)
		}
	}
	// Without the schema, the export says how to proceed.
	err := projects.ExportOC4IDS(context.Background(), e.Node.Store, &out, []string{"-schema", t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "-validate=false") {
		t.Errorf("export without a schema: %v", err)
	}
}

// TestOC4IDSRoundTrip exports a register's projects and imports them into
// another, as an importer: the projects come back the same, with
// provenance; importing again changes nothing.
func TestOC4IDSRoundTrip(t *testing.T) {
	schema := oc4idsSchema(t)
	ctx := context.Background()
	src := site(t)
	file := filepath.Join(t.TempDir(), "package.json")
	var buf bytes.Buffer
	if err := projects.ExportOC4IDS(ctx, src.Node.Store, &buf, []string{"-schema", schema, "-uri", "https://example.org/p.json"}); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(file, buf.Bytes(), 0o644)

	dst := nodetest.New(t, projects.New())
	pub := &publish.Local{N: dst.Node, Signer: dst.F.Signers["org.observer"]}
	var out bytes.Buffer
	if err := projects.ImportOC4IDS(ctx, pub, []string{"-schema", schema, file}, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "2 new, 0 updated, 0 unchanged") {
		t.Errorf("import said:\n%s", out.String())
	}
	dst.Wait(logSize(dst))
	for _, id := range []string{"idn-jakarta-bandung-hsr", "mys-ecrl"} {
		a, err := projects.Get(ctx, src.Node.Store, id)
		if err != nil {
			t.Fatal(err)
		}
		b, err := projects.Get(ctx, dst.Node.Store, id)
		if err != nil {
			t.Fatal(err)
		}
		if a.Name != b.Name || a.Status != b.Status || a.Halt != b.Halt || strings.Join(a.Sectors, ",") != strings.Join(b.Sectors, ",") ||
			strings.Join(a.SponsorTypes, ",") != strings.Join(b.SponsorTypes, ",") || b.ReportedBy != "org.observer" || *a.Lon != *b.Lon {
			t.Errorf("%s: exported %+v, imported %+v", id, a, b)
		}
	}
	size := logSize(dst)
	out.Reset()
	if err := projects.ImportOC4IDS(ctx, pub, []string{"-schema", schema, file}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "0 new, 0 updated, 2 unchanged") || logSize(dst) != size {
		t.Errorf("a second import changed the register:\n%s", out.String())
	}
	// The destination's own export, imported back, changes nothing either:
	// its projects restate the first package, not this one.
	buf.Reset()
	if err := projects.ExportOC4IDS(ctx, dst.Node.Store, &buf, []string{"-schema", schema, "-uri", "https://example.org/other.json"}); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(file, buf.Bytes(), 0o644)
	out.Reset()
	if err := projects.ImportOC4IDS(ctx, pub, []string{"-schema", schema, file}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "restates another dataset") || logSize(dst) != size {
		t.Errorf("importing the register's own export changed it:\n%s", out.String())
	}
}

func TestOC4IDSImportRefusals(t *testing.T) {
	schema := oc4idsSchema(t)
	dir := standards(t, "oc4ids")
	ctx := context.Background()
	e := nodetest.New(t, projects.New())
	pub := &publish.Local{N: e.Node, Signer: e.F.Signers["org.observer"]}
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"the official example is in the United Kingdom", []string{"-schema", schema, filepath.Join(dir, "docs/examples/example.json")},
			[]string{"/projects/0/locations/0/address/countryName", `"United Kingdom" is not a member state`, "imports none"}},
		{"its coordinates are not in the host given", []string{"-schema", schema, "-host", "idn", filepath.Join(dir, "docs/examples/example.json")},
			[]string{"/projects/0/locations/0/geometry", "is not in Indonesia"}},
		{"a package that fails the schema", []string{"-schema", schema, filepath.Join(dir, "lib-cove-oc4ids/tests/fixtures/validation-errors-package.json")},
			[]string{"fails the OC4IDS schema", "/projects/0/type:", "(rule enum)", "/publishedDate:", "(rule format)"}},
		{"not JSON", []string{"-schema", schema, filepath.Join(dir, "lib-cove-oc4ids/tests/fixtures/invalid-json.json")}, []string{"line 3, column 1"}},
		{"no schema", []string{"-schema", t.TempDir(), filepath.Join(dir, "docs/examples/example.json")}, []string{"OC4IDS schema is missing", "-schema DIR"}},
		{"an unknown host", []string{"-schema", schema, "-host", "gbr", filepath.Join(dir, "docs/examples/example.json")}, []string{`-host "gbr" is not a member state`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mustRefuseImport(t, e, func(out io.Writer) error { return projects.ImportOC4IDS(ctx, pub, tc.args, out) }, tc.want)
		})
	}
}

func TestExportIATIValidates(t *testing.T) {
	xsd := filepath.Join(standards(t, "iati"), "xsd", "iati-activities-schema.xsd")
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("xmllint is missing (Debian package libxml2-utils): CI must check the IATI export")
		}
		t.Skip("xmllint is not installed (Debian package libxml2-utils): the IATI export is not checked against the XSD")
	}
	e := site(t)
	var out bytes.Buffer
	if err := projects.ExportIATI(context.Background(), e.Node.Store, &out, []string{"-reporting-org-ref", "XM-TEST"}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<iati-activities version="2.03"`, "<iati-identifier>XM-TEST-mys-ecrl</iati-identifier>", `<activity-status code="6">`,
		`<recipient-country code="MY" percentage="100">`, `<tag vocabulary="99" code="bri-claimed">`, `<transaction-type code="11">`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the export lacks %s", want)
		}
	}
	file := filepath.Join(t.TempDir(), "activities.xml")
	os.WriteFile(file, out.Bytes(), 0o644)
	if msg, err := exec.Command(xmllint, "--noout", "--schema", xsd, file).CombinedOutput(); err != nil {
		t.Fatalf("xmllint refuses the export: %v\n%s\n%s", err, msg, out.String())
	}
	// A broken file is refused: the check can fail.
	broken := strings.Replace(out.String(), "<iati-identifier>", "<iati-identifier-x>", 1)
	os.WriteFile(file, []byte(broken), 0o644)
	if err := exec.Command(xmllint, "--noout", "--schema", xsd, file).Run(); err == nil {
		t.Error("xmllint accepted a broken file")
	}
}

// FuzzFromOC4IDS maps any parsed package's projects: no panic, and every
// project either maps to a body the register's rules can check or is
// refused with a place in the package.
func FuzzFromOC4IDS(f *testing.F) {
	f.Add([]byte(`{"uri":"https://x","version":"0.9","publishedDate":"2024-01-01T00:00:00Z","publisher":{"name":"x"},"projects":[{"id":"a","title":"b","status":"implementation","sector":["transport.rail"],"locations":[{"description":"d","geometry":{"type":"Point","coordinates":[106.8,-6.2]},"address":{"countryName":"Indonesia"}}],"parties":[{"name":"p","roles":["funder"]}],"budget":{"amount":{"amount":5,"currency":"USD"},"finance":[{"id":"1","type":"loan","value":{"amount":3,"currency":"CNY"}}]},"milestones":[{"id":"1","dateMet":"2020-01-01T00:00:00Z"}]}]}`))
	f.Add([]byte(`{"projects":[null,{"id":"x","locations":[{"geometry":{"type":"LineString","coordinates":[[1,2]]}}]}]}`))
	f.Add([]byte(`{"projects":[{"id":"Ω","title":" ","identifiers":[{"id":"idn-a","scheme":"kongsi"}]}]}`))
	opts := projects.ImportOptions{States: map[string]string{"idn": "Indonesia", "mys": "Malaysia"}, Today: "2026-01-01"}
	f.Fuzz(func(t *testing.T, data []byte) {
		pkg, err := oc4ids.Parse(data)
		if err != nil {
			return
		}
		for i := range pkg.Projects {
			id, b, err := projects.FromOC4IDS(pkg, i, opts)
			if err != nil {
				var me *projects.MapError
				if !errors.As(err, &me) || !strings.HasPrefix(me.Path, fmt.Sprintf("/projects/%d", i)) {
					t.Fatalf("error without its place: %v", err)
				}
				continue
			}
			if !projects.ValidID(id) || b.Name == "" || len(b.Sector) == 0 || len(b.Sponsors) == 0 || b.AsOf > opts.Today {
				t.Fatalf("mapped %q to %+v", id, b)
			}
		}
	})
}
