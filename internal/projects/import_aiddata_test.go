package projects_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kongsi/kongsi/internal/ledger/ledgertest"
	"github.com/kongsi/kongsi/internal/nodetest"
	"github.com/kongsi/kongsi/internal/projects"
	"github.com/kongsi/kongsi/internal/publish"
)

func aidDataFile(t *testing.T, name string) string {
	t.Helper()
	f := filepath.Join("..", "..", "..", "shared", "data", "aiddata-gcdf2-asean", name)
	if _, err := os.Stat(f); err != nil {
		t.Skipf("AidData's dataset is not at %s: this test needs it", f)
	}
	return f
}

// TestImportAidData imports AidData's ASEAN projects (the first 60 with
// -short) as an importer organisation, and again: the second import
// changes nothing.
func TestImportAidData(t *testing.T) {
	file := aidDataFile(t, "gcdf2_geocoded_asean_projects.csv")
	ctx := context.Background()
	e := nodetest.New(t, projects.New())
	pub := &publish.Local{N: e.Node, Signer: e.F.Signers["org.observer"]}
	// The rows of the test register's member states, counted apart from
	// the importer.
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	col := slices.Index(rows[0], "recipient_iso3")
	members := 0
	for _, r := range rows[1:] {
		if slices.Contains(ledgertest.States, strings.ToLower(r[col])) {
			members++
		}
	}
	args := []string{file}
	want := fmt.Sprintf("%d new", members)
	if testing.Short() {
		args, want = []string{"-limit", "60", file}, "60 new"
	}
	var out bytes.Buffer
	if err := projects.ImportAidData(ctx, pub, args, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), fmt.Sprintf("%d rows, all well formed; %d in member states", len(rows)-1, members)) || !strings.Contains(out.String(), want) {
		t.Errorf("import said:\n%s", out.String())
	}
	e.Wait(logSize(e))
	p, err := projects.Get(ctx, e.Node.Store, "vnm-aiddata-34188")
	if err != nil {
		t.Fatal(err)
	}
	if p.ReportedBy != "org.observer" || p.Status != "completion" || p.Host != "vnm" || p.Designation != projects.DesignationNone || p.Lon == nil ||
		!strings.Contains(p.Dataset, "AidData") || p.AmountUSD == nil {
		t.Errorf("project 34188: %+v", p)
	}
	size := logSize(e)
	out.Reset()
	if err := projects.ImportAidData(ctx, pub, args, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "0 new, 0 updated") || logSize(e) != size {
		t.Errorf("a second import changed the register:\n%s", out.String())
	}
}

func TestImportAidDataRefusals(t *testing.T) {
	file := aidDataFile(t, "gcdf2_geocoded_asean_projects.csv")
	ctx := context.Background()
	e := nodetest.New(t, projects.New())
	importer := &publish.Local{N: e.Node, Signer: e.F.Signers["org.observer"]}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	// Line 5 of the file gets an amount that is not one.
	bad := strings.Join(lines[:4], "") + strings.Replace(lines[4], ",development,", ",developmental,", 1) + strings.Join(lines[5:], "")
	badFile := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(badFile, []byte(bad), 0o644)
	for _, tc := range []struct {
		name string
		pub  publish.Publisher
		file string
		want []string
	}{
		{"a malformed row", importer, badFile, []string{"line 5, column", "(finance_type)", `"developmental" is not one of the dataset's values`, "nothing was imported"}},
		{"a signer that is not an importer", &publish.Local{N: e.Node, Signer: e.F.Signers["idn.mfa"]}, file, []string{`does not hold the "importer" role`}},
		{"not AidData's file", importer, filepath.Join("..", "..", "..", "shared", "data", "aiddata-gcdf2-asean", "SOURCE.txt"), []string{"line 1, column"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mustRefuseImport(t, e, func(out io.Writer) error { return projects.ImportAidData(ctx, tc.pub, []string{tc.file}, out) }, tc.want)
		})
	}
}
