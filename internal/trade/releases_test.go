package trade_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kongsi/kongsi/internal/nodetest"
	"github.com/kongsi/kongsi/internal/trade"
)

// TestReleasesThatDoNotLoad checks that a release whose file is missing,
// is not the file it names, does not read, or does not hold what the release
// says is recorded with that status and loads nothing, without stopping the
// register.
func TestReleasesThatDoNotLoad(t *testing.T) {
	t.Parallel()
	e := nodetest.New(t, trade.New())
	e.Submit(statistics(t, e.F)...)
	good := csvFile("reporter,partner,year,flow,value_usd", "CHN,VNM,2020,X,100", "CHN,VNM,2020,M,50")
	other := csvFile("reporter,partner,year,flow,value_usd", "CHN,VNM,2020,X,999", "CHN,VNM,2020,M,50")
	bad := csvFile("reporter,partner,year,flow,value_usd", "CHN,VNM,2020,X,100", "CHN,VNM,2020,Q,50")

	// Missing: never stored.
	missing := good.body(t, "all")
	// Mismatch: the file kept under the checksum is another file.
	writeRaw(t, e.Dir, good.sha(), other.text)
	tampered := good.body(t, "all")
	// Invalid: the file kept is what the release names, but it does not read.
	writeRaw(t, e.Dir, bad.sha(), bad.text)
	invalid := map[string]any{}
	for k, v := range missing {
		invalid[k] = v
	}
	invalid["file"] = map[string]any{"sha256": bad.sha(), "size": len(bad.text), "format": "csv"}
	// Coverage: the file is right, the release overstates its rows.
	right := csvFile("reporter,partner,year,flow,value_usd", "CHN,PHL,2020,X,100", "CHN,PHL,2020,M,50")
	right.store(t, e.Dir)
	overstated := right.body(t, "all")
	overstated["rows"] = 3

	e.Submit(
		e.F.Sign(t, "chn.stats", trade.Kind, "trade/releases/chn.stats/tampered", tampered),
		e.F.Sign(t, "chn.stats", trade.Kind, "trade/releases/chn.stats/invalid", invalid),
		e.F.Sign(t, "chn.stats", trade.Kind, "trade/releases/chn.stats/overstated", overstated),
	)
	// The missing file, published last: the data directory no longer has
	// the tampered one either, so move it away first.
	os.Remove(filepath.Join(e.Dir, trade.DatasetsDir, good.sha()))
	e.Submit(e.F.Sign(t, "chn.stats", trade.Kind, "trade/releases/chn.stats/missing", missing))

	for _, tc := range []struct {
		name, status, detail string
	}{
		{"tampered", trade.StatusMismatch, "is not the dataset the release names"},
		{"invalid", trade.StatusInvalid, `line 3, column 4 (flow): "Q" is not a flow`},
		{"overstated", trade.StatusMismatch, "it has 2 rows, the release says 3"},
		{"missing", trade.StatusMissing, "does not hold the dataset " + good.sha()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rel, err := trade.GetRelease(context.Background(), e.Node.Store, "trade/releases/chn.stats/"+tc.name)
			if err != nil {
				t.Fatal(err)
			}
			if rel.Status != tc.status || !strings.Contains(rel.StatusDetail, tc.detail) || rel.LoadedRows != 0 {
				t.Errorf("status %q (%s), %d rows; want %q with %q", rel.Status, rel.StatusDetail, rel.LoadedRows, tc.status, tc.detail)
			}
		})
	}
	// Nothing of them reached the totals, and the register goes on.
	if status, _, _ := e.Do(http.MethodGet, "/api/v1/trade/balance?reporter=CHN&partner=VNM", ""); status != 404 {
		t.Errorf("balance from unloaded releases: status %d", status)
	}
	if e.Node.Projector.Err() != nil {
		t.Errorf("the projector stopped: %v", e.Node.Projector.Err())
	}
	e.Run(t, []nodetest.Scenario{
		{Name: "release page says why", Path: "/trade/releases/chn.stats/invalid", Contains: []string{"Not loaded (invalid)", "line 3, column 4 (flow)"}},
		{Name: "record page says why", Path: "/records/7", Contains: []string{"Not loaded (mismatch)", "it has 2 rows, the release says 3"}},
		{Name: "releases filter by status", Path: "/api/v1/trade/releases?status=missing", Contains: []string{"trade/releases/chn.stats/missing"}, NotContains: []string{"chn.stats/invalid"}},
	})
	// Once the right file is supplied, a rebuild loads it.
	good.store(t, e.Dir)
	checkRebuildLoads(t, e, "trade/releases/chn.stats/missing")
}

// checkRebuildLoads rebuilds the register's projections in a fresh store
// and checks that a release loads there.
func checkRebuildLoads(t *testing.T, e *nodetest.Env, subject string) {
	t.Helper()
	st, p := freshProjection(t, e)
	if err := p.CatchUp(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	rel, err := trade.GetRelease(context.Background(), st, subject)
	if err != nil || rel.Status != trade.StatusLoaded {
		t.Errorf("after a rebuild: %+v, %v", rel, err)
	}
}

func TestUpload(t *testing.T) {
	t.Parallel()
	e := nodetest.New(t, trade.New())
	e.Submit(statistics(t, e.F)...)
	f := csvFile("reporter,partner,year,flow,value_usd", "CHN,VNM,2020,X,100", "CHN,VNM,2020,M,50")
	bad := csvFile("reporter,partner,year,flow,value_usd", "CHN,VNM,2020,X,100", "CHN,XXX,2020,M,50")
	auth := func(signer, format, sha string, size int) string {
		h, err := trade.UploadAuthorization(e.F.Signers[signer], e.F.Origin, format, sha, int64(size))
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	post := func(query, header, body string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, e.Server.URL+"/api/v1/trade/datasets"+query, strings.NewReader(body))
		if header != "" {
			req.Header.Set(trade.UploadHeader, header)
		}
		resp, err := e.Server.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		return resp.StatusCode, b.String()
	}
	otherOrigin, _ := trade.UploadAuthorization(e.F.Signers["chn.stats"], "elsewhere.example/register", "csv", f.sha(), int64(len(f.text)))
	for _, tc := range []struct {
		name, query, header, body string
		status                    int
		want                      string
	}{
		{"unsigned", "?format=csv", "", f.text, 403, `"rule":"trade.upload.unsigned"`},
		{"not base64", "?format=csv", "%%%", f.text, 422, `"rule":"trade.upload.signature"`},
		{"no statistics role", "?format=csv", auth("chn.mfa", "csv", f.sha(), len(f.text)), f.text, 403, `"rule":"trade.upload.role"`},
		{"another register", "?format=csv", otherOrigin, f.text, 403, `"rule":"trade.upload.register"`},
		{"another format", "?format=dots", auth("chn.stats", "csv", f.sha(), len(f.text)), f.text, 422, `"rule":"trade.upload.format"`},
		{"unknown format", "?format=xlsx", auth("chn.stats", "csv", f.sha(), len(f.text)), f.text, 422, `"field":"format"`},
		{"another size", "?format=csv", auth("chn.stats", "csv", f.sha(), len(f.text)+1), f.text, 422, `"rule":"trade.upload.size"`},
		{"another file", "?format=csv", auth("chn.stats", "csv", bad.sha(), len(f.text)), f.text, 422, `"rule":"trade.upload.checksum"`},
		{"a malformed file", "?format=csv", auth("chn.stats", "csv", bad.sha(), len(bad.text)), bad.text, 422, `line 3, column 2 (partner)`},
		{"stored", "?format=csv", auth("chn.stats", "csv", f.sha(), len(f.text)), f.text, 201, `"sha256":"` + f.sha() + `"`},
		{"stored again", "?format=csv", auth("org.observer", "csv", f.sha(), len(f.text)), f.text, 201, `"uploader":"org.observer"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := post(tc.query, tc.header, tc.body)
			if status != tc.status || !strings.Contains(body, tc.want) {
				t.Errorf("status %d, want %d with %s: %s", status, tc.status, tc.want, body)
			}
		})
	}
	// Only the file signed for was kept.
	entries, _ := os.ReadDir(filepath.Join(e.Dir, trade.DatasetsDir))
	if len(entries) != 1 || entries[0].Name() != f.sha() {
		t.Errorf("datasets kept: %v", entries)
	}
	e.Run(t, []nodetest.Scenario{
		{Name: "dataset held", Path: "/api/v1/trade/datasets/" + f.sha(), Contains: []string{`"stored":true`}},
		{Name: "dataset not held", Path: "/api/v1/trade/datasets/" + bad.sha(), Status: 404, Contains: []string{`"rule":"trade.dataset.unknown"`}},
		{Name: "dataset name", Path: "/api/v1/trade/datasets/xyz", Status: 422},
		{Name: "download", Path: "/trade/datasets/" + f.sha(), ContentType: "text/csv", Contains: []string{"CHN,VNM,2020,M,50"}},
		{Name: "download missing", Path: "/trade/datasets/" + bad.sha(), Status: 404},
	})
}

// TestImport publishes files with the importer, against a local register
// and through a running one's API.
func TestImport(t *testing.T) {
	t.Parallel()
	e := nodetest.New(t, trade.New())
	e.Submit(statistics(t, e.F)...)
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	dots := write("dots.csv", "reporter_iso3,flow,partner_name,year,value_usd_millions\n"+
		"CHN,exports_fob,Vietnam,2020,114160\nCHN,imports_cif,Vietnam,2020,78800\nVNM,imports_cif,\"China, P.R.: Mainland\",2020,84370\nVNM,exports_fob,World,2020,282000\n")
	broken := write("broken.csv", "reporter_iso3,flow,partner_name,year,value_usd_millions\nCHN,exports_fob,Vietnam,2020,114160\nCHN,exports_fob,Atlantis,2020,1\n")
	ctx := context.Background()
	local := &localPublisher{e: e, signer: "org.observer"}
	var out bytes.Buffer
	if err := trade.RunImport(ctx, local.pub(t), "dots", []string{"-name", "dots-2020", dots}, &out); err != nil {
		t.Fatalf("import: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "The register loaded 3 rows.") {
		t.Errorf("output: %s", out.String())
	}
	var b trade.BalanceAnswer
	getJSON(t, e, "/api/v1/trade/balance?reporter=CHN&partner=VNM&year=2020", &b)
	if !near(val(b.Exports), 114.16*bn) {
		t.Errorf("balance after the import: %+v", b)
	}
	size := e.Node.Sequencer.State().Size()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"a malformed file", []string{broken}, `line 3, column 3 (partner_name): "Atlantis" is not a country IMF DOTS names`},
		{"again without a change note", []string{"-name", "dots-2020", dots}, "say what changed with -change-note"},
		{"a change note for a new release", []string{"-name", "other", "-change-note", "x", dots}, "-change-note is for new versions"},
		{"a bad name", []string{"-name", "Not A Name", dots}, "lower-case letters"},
		{"two files", []string{dots, dots}, "give one file"},
		{"no such file", []string{filepath.Join(dir, "none.csv")}, "no such file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := trade.RunImport(ctx, local.pub(t), "dots", tc.args, &bytes.Buffer{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
			if e.Node.Sequencer.State().Size() != size {
				t.Error("a refused import published something")
			}
		})
	}
	// A new version, through the running register's API: the file is
	// uploaded, then the release signed.
	revised := write("dots2.csv", "reporter_iso3,flow,partner_name,year,value_usd_millions\nCHN,exports_fob,Vietnam,2020,114200\nCHN,imports_cif,Vietnam,2020,78800\n")
	out.Reset()
	remote := remotePublisher(t, e, "org.observer")
	if err := trade.RunImport(ctx, remote, "dots", []string{"-name", "dots-2020", "-change-note", "China's revised figure.", revised}, &out); err != nil {
		t.Fatalf("remote import: %v\n%s", err, out.String())
	}
	getJSON(t, e, "/api/v1/trade/balance?reporter=CHN&partner=VNM&year=2020", &b)
	if !near(val(b.Exports), 114.2*bn) {
		t.Errorf("balance after the remote import: %+v", b)
	}
	var rel trade.ReleaseSummary
	getJSON(t, e, "/api/v1/trade/releases/org.observer/dots-2020", &rel)
	if rel.Version != 2 || rel.Status != trade.StatusLoaded {
		t.Errorf("release: %+v", rel)
	}
	// A statistics office may not publish another state's figures: the
	// register refuses the record, after the upload.
	err := trade.RunImport(ctx, remotePublisher(t, e, "vnm.stats"), "dots", []string{"-name", "x", dots}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "trade.own-statistics") {
		t.Errorf("importing another state's figures: %v", err)
	}
	raw, _ := json.Marshal(rel)
	_ = raw
}
