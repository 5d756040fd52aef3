package trade_test

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/ledger/ledgertest"
	"github.com/kongsi/kongsi/internal/trade"
	"github.com/kongsi/kongsi/internal/trade/tradefile"
)

// statistics registers the parties that publish trade data in a test
// register: China's and Viet Nam's statistics authorities, and the observer
// organisation given the statistics role. It returns the records to append
// after the charter.
func statistics(t testing.TB, f *ledgertest.Fixture) [][]byte {
	t.Helper()
	var out [][]byte
	for _, st := range []string{"chn", "vnm", "phl"} {
		id := st + ".stats"
		_, vk := f.NewKey(t, id)
		out = append(out, f.SignBy(t, []string{st + ".mfa", id}, ledger.KindAuthorityRegister, ledger.PartySubject(id),
			map[string]any{"name": "Statistics office of " + st, "roles": []string{trade.RoleStatistics}, "key": vk}))
	}
	out = append(out, f.SignBy(t, []string{"chn.mfa", "khm.mfa", "vnm.mfa", "phl.mfa"}, ledger.KindPartyUpdate, ledger.PartySubject("org.observer"),
		map[string]any{"name": "An observer", "roles": []string{"importer", trade.RoleStatistics}, "reason": "It compiles trade statistics."},
		ledgertest.Prev(t, f.CharterEntry)))
	return out
}

// file is a dataset file for tests.
type file struct {
	format string
	text   string
}

func (f file) sha() string {
	s := sha256.Sum256([]byte(f.text))
	return hex.EncodeToString(s[:])
}

// check reads the file as the importer does.
func (f file) check(t testing.TB) *tradefile.Checked {
	t.Helper()
	fm, ok := tradefile.FormatByName(f.format)
	if !ok {
		t.Fatalf("no format %s", f.format)
	}
	c, err := tradefile.Check(fm, strings.NewReader(f.text), nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// store puts the file in a data directory, as the importer does.
func (f file) store(t testing.TB, dir string) {
	t.Helper()
	fm, _ := tradefile.FormatByName(f.format)
	if _, err := trade.StoreDataset(dir, fm, strings.NewReader(f.text), 0, ""); err != nil {
		t.Fatal(err)
	}
}

// body is a release body describing the file truthfully.
func (f file) body(t testing.TB, products string) map[string]any {
	t.Helper()
	c := f.check(t)
	fm, _ := tradefile.FormatByName(f.format)
	cov := trade.CoverageOf(&c.Summary, products)
	return map[string]any{
		"title":  "Test data " + f.sha()[:8],
		"source": map[string]any{"title": "Test source", "url": "https://example.org/data"},
		"file":   map[string]any{"sha256": c.SHA256, "size": c.Size, "format": f.format, "name": "test.csv"},
		"basis":  fm.Basis,
		"coverage": map[string]any{"reporters": cov.Reporters, "partners": cov.Partners, "years": map[string]any{"from": cov.Years.From, "to": cov.Years.To},
			"frequency": cov.Frequency, "flows": cov.Flows, "hs_level": cov.Level, "products": cov.Products},
		"rows":         c.Rows,
		"skipped_rows": trade.SkippedRows(&c.Summary),
	}
}

// csvFile writes rows of Kongsi's trade CSV.
func csvFile(header string, rows ...string) file {
	return file{format: "csv", text: header + "\n" + strings.Join(rows, "\n") + "\n"}
}

// writeRaw puts bytes in a data directory's datasets under a name, as a
// tampered or half-copied file would be.
func writeRaw(t testing.TB, dir, name, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, trade.DatasetsDir), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, trade.DatasetsDir, name), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func years(from, to int, f func(y int) string) []string {
	var out []string
	for y := from; y <= to; y++ {
		out = append(out, f(y))
	}
	return out
}
