package trade

import (
	"embed"
	"errors"
	"io/fs"
	"math"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/trade/country"
	"github.com/kongsi/kongsi/internal/trade/hs"
	"github.com/kongsi/kongsi/internal/trade/tradefile"
	"github.com/kongsi/kongsi/internal/web"
)

// files are the module's page templates and the translations of their
// words (see i18n.Catalog).
//
//go:embed templates/*.html locales/*.json
var files embed.FS

// NomenclatureEnv names the environment variable that may point at the HS
// 2022 nomenclature (a CSV with hscode and description columns), for the
// names of headings and subheadings. Without it, products are named after
// their chapter.
const NomenclatureEnv = "KONGSI_HS_NOMENCLATURE"

type handlers struct {
	site *web.Site
	mon  *Monitor
}

// Web adds the module's pages, API and feed.
func (m *Module) Web(s *web.Site) error {
	if path := os.Getenv(NomenclatureEnv); path != "" {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		names, err := hs.LoadNomenclature(f)
		f.Close()
		if err != nil {
			return err
		}
		m.names = names
	}
	pages, err := newPageFS(files)
	if err != nil {
		return err
	}
	if err := s.AddTemplates(pages, "templates/*.html"); err != nil {
		return err
	}
	if err := s.AddTranslations(files, "locales"); err != nil {
		return err
	}
	h := &handlers{site: s, mon: m.NewMonitor(s.Node.Store, s.Node.Dir)}
	s.AddNav("Trade", "/trade")
	s.Page("GET /trade", h.dashboard)
	s.Page("GET /trade/{member}", h.member)
	s.Page("GET /trade/mirror", h.mirrorPage)
	s.Page("GET /trade/surges", h.surgesPage)
	s.Page("GET /trade/releases", h.releasesPage)
	s.Page("GET /trade/releases/{publisher}/{name}", h.releasePage)
	s.Handle("GET /trade/datasets/{sha}", http.HandlerFunc(h.dataset))
	s.Page("GET /trade/alerts", h.alertsPage)
	s.Handle("GET /trade/alerts.atom", http.HandlerFunc(h.feed))
	s.API("GET /api/v1/trade/balance", h.apiBalance)
	s.API("GET /api/v1/trade/balance.csv", h.apiBalanceCSV)
	s.API("GET /api/v1/trade/products", h.apiProducts)
	s.API("GET /api/v1/trade/products.csv", h.apiProductsCSV)
	s.API("GET /api/v1/trade/mirror", h.apiMirror)
	s.API("GET /api/v1/trade/mirror.csv", h.apiMirrorCSV)
	s.API("GET /api/v1/trade/mirror/products", h.apiMirrorProducts)
	s.API("GET /api/v1/trade/mirror/products.csv", h.apiMirrorProductsCSV)
	s.API("GET /api/v1/trade/surges", h.apiSurges)
	s.API("GET /api/v1/trade/surges.csv", h.apiSurgesCSV)
	s.API("GET /api/v1/trade/alerts", h.apiAlerts)
	s.API("GET /api/v1/trade/alerts.csv", h.apiAlertsCSV)
	s.API("GET /api/v1/trade/releases", h.apiReleases)
	s.API("GET /api/v1/trade/releases.csv", h.apiReleasesCSV)
	s.API("GET /api/v1/trade/releases/{publisher}/{name}", h.apiRelease)
	s.API("GET /api/v1/trade/datasets/{sha}", h.apiDataset)
	s.APIUpload("POST /api/v1/trade/datasets", MaxDatasetSize, h.apiUpload)
	s.RenderBody(Kind, h.body)
	s.AddHomeSection("Trade with China", h.homeSection)
	s.AddPartySection("Trade with China", h.partySection)
	s.OpenAPIPaths(openAPIPaths())
	return nil
}

// MaxDatasetSize is the largest dataset file a register takes by upload.
const MaxDatasetSize = 4 << 30

// Amount is an optional sum of US$, for pages, written in the page's
// language.
type Amount struct {
	V  float64
	OK bool
	v  view
}

// amt is an optional amount as the API writes it.
func amt(p *float64) Amount { return view{}.amt(p) }

func (a Amount) String() string {
	if !a.OK {
		return "—"
	}
	return a.v.usd(a.V)
}

// Neg reports a negative amount: a deficit.
func (a Amount) Neg() bool { return a.OK && a.V < 0 }

// Raw is the amount in US$ for CSV files, or "".
func (a Amount) Raw() string {
	if !a.OK {
		return ""
	}
	return strconv.FormatFloat(a.V, 'f', -1, 64)
}

// Pct is an optional share or change, for pages, written in the page's
// language.
type Pct struct {
	V  float64
	OK bool
	v  view
}

// pct is an optional share as the API writes it.
func pct(p *float64) Pct { return view{}.pct(p) }

func (p Pct) String() string {
	if !p.OK {
		return "—"
	}
	return p.v.percent(p.V, 1)
}

// Signed writes a change with its sign: "+12.5%".
func (p Pct) Signed() string {
	if !p.OK {
		return "—"
	}
	s := p.v.percent(p.V, 1)
	if p.V > 0 {
		s = "+" + s
	}
	return minus(s)
}

// Raw is the fraction for CSV files, or "".
func (p Pct) Raw() string {
	if !p.OK {
		return ""
	}
	return strconv.FormatFloat(p.V, 'f', -1, 64)
}

// billions formats chart ticks.
func billions(v float64) string {
	a := math.Abs(v)
	switch {
	case a == 0:
		return "0"
	case a >= 1e9:
		return trimZeros(strconv.FormatFloat(v/1e9, 'f', 1, 64)) + " bn"
	case a >= 1e6:
		return trimZeros(strconv.FormatFloat(v/1e6, 'f', 1, 64)) + " m"
	}
	return trimZeros(strconv.FormatFloat(v/1e3, 'f', 1, 64)) + " k"
}

func trimZeros(s string) string {
	s = strings.TrimSuffix(s, ".0")
	return strings.Replace(s, "-", "−", 1)
}

// possessive writes a name's possessive: "Viet Nam's", "Philippines'".
func possessive(name string) string {
	if strings.HasSuffix(name, "s") {
		return name + "'"
	}
	return name + "'s"
}

// memberOption is a member in a form.
type memberOption struct{ Code, Name string }

func (v view) memberOptions() []memberOption {
	var out []memberOption
	for _, c := range country.MemberCodes() {
		out = append(out, memberOption{c, v.country(c)})
	}
	return out
}

// params reads query parameters with checks.
type params struct {
	r   *http.Request
	err error
}

func (p *params) str(name string) string { return strings.TrimSpace(p.r.URL.Query().Get(name)) }

func (p *params) code(name, def string, allowGroup bool) string {
	v := p.str(name)
	if v == "" {
		v = def
	}
	if v == "" || p.err != nil {
		return v
	}
	c, err := checkCode(name, v, allowGroup)
	if err != nil {
		p.err = err
	}
	return c
}

func (p *params) year(name string) int {
	v := p.str(name)
	if v == "" || p.err != nil {
		return 0
	}
	y, err := strconv.Atoi(v)
	if err != nil || y < 1900 || y > 2100 {
		p.err = problem.Invalid(name, "param.year", "%s must be a year from 1900 to 2100", name)
	}
	return y
}

func (p *params) float(name string, def, lo, hi float64) float64 {
	v := p.str(name)
	if v == "" || p.err != nil {
		return def
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || f < lo || f > hi {
		p.err = problem.Invalid(name, "param.range", "%s must be a number from %g to %g", name, lo, hi)
		return def
	}
	return f
}

func (p *params) basis() string {
	switch v := p.str("basis"); v {
	case "", tradefile.BasisReported:
		return tradefile.BasisReported
	case tradefile.BasisReconciled:
		return v
	default:
		if p.err == nil {
			p.err = problem.Invalid("basis", "param.enum", "basis is reported or reconciled")
		}
		return tradefile.BasisReported
	}
}

func (p *params) flag(name string) bool {
	switch p.str(name) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

// surgeSettings reads surge triggers from the query, over the defaults.
func (p *params) surgeSettings() SurgeSettings {
	s := DefaultSurgeSettings
	s.ValueTrigger = p.float("value_trigger", s.ValueTrigger, 1, 100)
	s.VolumeTrigger = p.float("volume_trigger", s.VolumeTrigger, 1, 100)
	s.UnitValueDrop = p.float("unit_value_drop", s.UnitValueDrop, 0.001, 0.999)
	s.MinValue = p.float("min_value", s.MinValue, 0, 1e13)
	if l := p.str("level"); l != "" && p.err == nil {
		switch l {
		case "2", "4", "6":
			s.Level, _ = strconv.Atoi(l)
		default:
			p.err = problem.Invalid("level", "param.enum", "level is 2, 4 or 6")
		}
	}
	if src := p.str("source"); src != "" {
		s.Source = src
	}
	if p.err == nil {
		p.err = s.Check()
	}
	return s
}

// latestYear is the last year with a balance in any of the series. For
// ASEAN sums, it is the last year in which as many members give figures as
// in any year, so that a year only some members have reported yet is not
// taken for the region's.
func latestYear(bs ...*Balance) int {
	best, y := len(country.Members)+1, 0
	for _, b := range bs {
		if b == nil {
			continue
		}
		for _, p := range b.Series {
			if p.Balance == nil {
				continue
			}
			if m := len(p.Missing); m < best || m == best && p.Year > y {
				best, y = m, p.Year
			}
		}
	}
	return y
}

// years lists the years of series, newest first.
func years(bs ...*Balance) []int {
	var out []int
	for _, b := range bs {
		for _, p := range b.Series {
			if !slices.Contains(out, p.Year) {
				out = append(out, p.Year)
			}
		}
	}
	slices.Sort(out)
	slices.Reverse(out)
	return out
}

// dataset serves a dataset file as the register keeps it, so that anyone
// can check a release's checksum.
func (h *handlers) dataset(w http.ResponseWriter, r *http.Request) {
	sha := r.PathValue("sha")
	if !shaPattern.MatchString(sha) {
		http.Error(w, "a dataset is named by its SHA-256, in lower-case hex", http.StatusNotFound)
		return
	}
	f, err := os.Open(DatasetPath(h.site.Node.Dir, sha))
	if errors.Is(err, fs.ErrNotExist) {
		http.Error(w, "this register does not hold that dataset", http.StatusNotFound)
		return
	}
	if err != nil {
		http.Error(w, "couldn't read the dataset", http.StatusInternalServerError)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		http.Error(w, "couldn't read the dataset", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+sha+`.csv"`)
	// Its name is its content: it never changes.
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	http.ServeContent(w, r, "", st.ModTime(), f)
}
