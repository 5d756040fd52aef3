package trade

import (
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/kongsi/kongsi/internal/browse"
	"github.com/kongsi/kongsi/internal/feed"
	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/record"
	"github.com/kongsi/kongsi/internal/trade/country"
	"github.com/kongsi/kongsi/internal/trade/tradefile"
	"github.com/kongsi/kongsi/internal/web"
)

// BalanceAnswer is the API's answer about a balance: the figures of one
// period, then the whole series.
type BalanceAnswer struct {
	Reporter       string         `json:"reporter"`
	ReporterName   string         `json:"reporter_name"`
	Partner        string         `json:"partner"`
	PartnerName    string         `json:"partner_name"`
	AsReportedBy   string         `json:"as_reported_by"`
	Basis          string         `json:"basis"`
	Currency       string         `json:"currency"`
	Valuation      string         `json:"valuation"`
	Year           int            `json:"year"`
	Month          int            `json:"month,omitempty"`
	Exports        *float64       `json:"exports"`
	Imports        *float64       `json:"imports"`
	Balance        *float64       `json:"balance"`
	Missing        []string       `json:"missing_members,omitempty"`
	PartialYear    string         `json:"partial_year,omitempty"`
	Releases       []string       `json:"releases"`
	ExportsMeaning string         `json:"meaning"`
	Series         []BalancePoint `json:"series"`
}

func (h *handlers) balanceQuery(r *http.Request) (*Balance, int, int, error) {
	p := &params{r: r}
	reporter := p.code("reporter", "", true)
	partner := p.code("partner", "", true)
	year := p.year("year")
	month := 0
	if m := p.str("month"); m != "" && p.err == nil {
		v, err := strconv.Atoi(m)
		if err != nil || v < 1 || v > 12 {
			p.err = problem.Invalid("month", "param.range", "month must be from 1 to 12")
		}
		month = v
	}
	basis := p.basis()
	if p.err != nil {
		return nil, 0, 0, p.err
	}
	if reporter == "" || partner == "" {
		return nil, 0, 0, problem.Invalid("reporter", "param.required", "give a reporter and a partner: ISO 3166 alpha-3 codes, or ASEAN")
	}
	if reporter == partner || reporter == country.ASEAN && partner == country.ASEAN {
		return nil, 0, 0, problem.Invalid("partner", "param.partner", "the partner must differ from the reporter")
	}
	if month != 0 && year == 0 {
		return nil, 0, 0, problem.Invalid("year", "param.required", "a month needs a year")
	}
	b, err := BalanceSeries(r.Context(), h.mon.Store, reporter, partner, basis, month != 0)
	return b, year, month, err
}

func (h *handlers) apiBalance(w http.ResponseWriter, r *http.Request) error {
	b, year, month, err := h.balanceQuery(r)
	if err != nil {
		return err
	}
	var pt *BalancePoint
	if year != 0 {
		pt = b.Point(year, month)
	} else {
		pt = b.Latest()
	}
	who := b.ReporterName
	if b.Reporter == country.ASEAN {
		who = "each ASEAN member"
	}
	if b.Basis == tradefile.BasisReconciled {
		who = "no one: reconciled from both sides' reports by the data's compiler"
	}
	if pt == nil {
		what := "any period"
		if year != 0 {
			what = strconv.Itoa(year)
			if month != 0 {
				what = fmt.Sprintf("%d-%02d", year, month)
			}
		}
		return problem.NotFound("year", "trade.no-figures", "there are no %s figures for %s trade with %s in %s, as %s reports it", b.Basis, possessive(b.ReporterName), b.PartnerName, what, who)
	}
	a := BalanceAnswer{Reporter: b.Reporter, ReporterName: b.ReporterName, Partner: b.Partner, PartnerName: b.PartnerName, Basis: b.Basis,
		Currency: b.Currency, Valuation: b.Valuation, Series: b.Series,
		AsReportedBy: who, Year: pt.Year, Month: pt.Month, Exports: pt.Exports, Imports: pt.Imports, Balance: pt.Balance,
		Missing: pt.Missing, PartialYear: pt.PartialYear, Releases: pt.Releases,
		ExportsMeaning: fmt.Sprintf("exports of %s to %s, imports of %s from %s, in US$; balance = exports − imports", b.ReporterName, b.PartnerName, b.ReporterName, b.PartnerName)}
	return web.WriteJSON(w, http.StatusOK, a)
}

func (h *handlers) apiBalanceCSV(w http.ResponseWriter, r *http.Request) error {
	b, _, _, err := h.balanceQuery(r)
	if err != nil {
		return err
	}
	var rows [][]string
	for _, p := range b.Series {
		rows = append(rows, []string{b.Reporter, b.Partner, b.Basis, strconv.Itoa(p.Year), strconv.Itoa(p.Month), p.X().Raw(), p.M().Raw(), p.B().Raw(),
			strings.Join(p.Missing, " "), p.PartialYear, strings.Join(p.Releases, " ")})
	}
	return web.WriteCSV(w, fmt.Sprintf("balance-%s-%s.csv", strings.ToLower(b.Reporter), strings.ToLower(b.Partner)),
		[]string{"reporter", "partner", "basis", "year", "month", "exports_usd", "imports_usd", "balance_usd", "missing_members", "partial_year", "releases"}, rows)
}

func (h *handlers) productsQuery(r *http.Request) (*Products, error) {
	p := &params{r: r}
	reporter := p.code("reporter", "", true)
	partner := p.code("partner", "", true)
	year := p.year("year")
	basis := p.basis()
	if p.err != nil {
		return nil, p.err
	}
	if reporter == "" || partner == "" || year == 0 {
		return nil, problem.Invalid("year", "param.required", "give a reporter, a partner and a year")
	}
	return h.mon.ProductDrivers(r.Context(), reporter, partner, year, p.str("level"), basis)
}

func (h *handlers) apiProducts(w http.ResponseWriter, r *http.Request) error {
	ps, err := h.productsQuery(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, ps)
}

func (h *handlers) apiProductsCSV(w http.ResponseWriter, r *http.Request) error {
	ps, err := h.productsQuery(r)
	if err != nil {
		return err
	}
	var rows [][]string
	for _, f := range ps.Products {
		rows = append(rows, []string{ps.Reporter, ps.Partner, strconv.Itoa(ps.Year), f.Code, f.Name, f.Section, fmtF(f.Exports), fmtF(f.Imports), fmtF(f.Net),
			pct(f.ExportShare).Raw(), pct(f.ImportShare).Raw()})
	}
	return web.WriteCSV(w, fmt.Sprintf("products-%s-%s-%d.csv", strings.ToLower(ps.Reporter), strings.ToLower(ps.Partner), ps.Year),
		[]string{"reporter", "partner", "year", "product", "name", "section", "exports_usd", "imports_usd", "net_usd", "export_share", "import_share"}, rows)
}

func fmtF(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func (h *handlers) mirrorQuery(r *http.Request) (*Mirror, error) {
	p := &params{r: r}
	partner := p.code("partner", country.ASEAN, true)
	year := p.year("year")
	cifFob := p.float("cif_fob", DefaultCIFFOB, 0, 1)
	if p.err != nil {
		return nil, p.err
	}
	return h.mon.Mirror(r.Context(), partner, year, cifFob)
}

func (h *handlers) apiMirror(w http.ResponseWriter, r *http.Request) error {
	m, err := h.mirrorQuery(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, m)
}

func mirrorCSV(w http.ResponseWriter, name string, fs []MirrorFlow) error {
	var rows [][]string
	for _, f := range (view{}).mirrorRows(fs) {
		ratio := ""
		if f.MirrorFlow.Ratio != nil {
			ratio = fmtF(*f.MirrorFlow.Ratio)
		}
		rows = append(rows, []string{strconv.Itoa(f.Year), f.Exporter, f.Importer, f.Code, f.Exp.Raw(), f.Imp.Raw(), f.Gap.Raw(), ratio, f.Allowance.Raw(),
			f.Unexplained.Raw(), f.Share.Raw(), strings.Join(f.ExporterReleases, " "), strings.Join(f.ImporterReleases, " ")})
	}
	return web.WriteCSV(w, name, []string{"year", "exporter", "importer", "product", "exporter_reports_fob_usd", "importer_reports_cif_usd", "gap_usd", "ratio",
		"allowance_usd", "unexplained_usd", "unexplained_share", "exporter_releases", "importer_releases"}, rows)
}

func (h *handlers) apiMirrorCSV(w http.ResponseWriter, r *http.Request) error {
	m, err := h.mirrorQuery(r)
	if err != nil {
		return err
	}
	return mirrorCSV(w, "mirror-"+strings.ToLower(m.Partner)+".csv", m.Flows)
}

func (h *handlers) mirrorProductsQuery(r *http.Request) ([]MirrorFlow, string, error) {
	p := &params{r: r}
	exporter := p.code("exporter", China, false)
	importer := p.code("importer", "", false)
	year := p.year("year")
	cifFob := p.float("cif_fob", DefaultCIFFOB, 0, 1)
	if p.err != nil {
		return nil, "", p.err
	}
	if importer == "" || year == 0 {
		return nil, "", problem.Invalid("importer", "param.required", "give an importer and a year (and an exporter, China by default)")
	}
	if exporter != China && importer != China {
		return nil, "", problem.Invalid("exporter", "param.china", "the mirror compares China with a partner: the exporter or the importer is CHN")
	}
	fs, err := h.mon.MirrorProducts(r.Context(), exporter, importer, year, p.str("level"), cifFob)
	return fs, fmt.Sprintf("mirror-%s-%s-%d.csv", strings.ToLower(exporter), strings.ToLower(importer), year), err
}

func (h *handlers) apiMirrorProducts(w http.ResponseWriter, r *http.Request) error {
	fs, _, err := h.mirrorProductsQuery(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, struct {
		Products []MirrorFlow `json:"products"`
	}{fs})
}

func (h *handlers) apiMirrorProductsCSV(w http.ResponseWriter, r *http.Request) error {
	fs, name, err := h.mirrorProductsQuery(r)
	if err != nil {
		return err
	}
	return mirrorCSV(w, name, fs)
}

// surgeParams reads the parameters of a surge screen; year is 0 when the
// request names none.
func surgeParams(r *http.Request) (partner string, year int, set SurgeSettings, all bool, err error) {
	p := &params{r: r}
	partner = p.code("partner", country.ASEAN, true)
	year = p.year("year")
	set = p.surgeSettings()
	all = p.flag("all")
	return partner, year, set, all, p.err
}

func (h *handlers) surgesQuery(r *http.Request) (*Surges, error) {
	partner, year, set, all, err := surgeParams(r)
	if err != nil {
		return nil, err
	}
	if year == 0 {
		return nil, problem.Invalid("year", "param.required", "give the year to compare with the three before it")
	}
	return h.mon.Surges(r.Context(), partner, year, set, all)
}

func (h *handlers) apiSurges(w http.ResponseWriter, r *http.Request) error {
	s, err := h.surgesQuery(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, s)
}

func (h *handlers) apiSurgesCSV(w http.ResponseWriter, r *http.Request) error {
	s, err := h.surgesQuery(r)
	if err != nil {
		return err
	}
	opt := func(p *float64) string {
		if p == nil {
			return ""
		}
		return fmtF(*p)
	}
	var rows [][]string
	for _, x := range s.Surges {
		prev := make([]string, 3)
		for i, y := range x.Previous {
			prev[i] = fmtF(y.Value)
		}
		rows = append(rows, []string{x.Importer, x.Exporter, strconv.Itoa(x.Year), x.Period, x.Code, x.Name, x.Source, fmtF(x.Value), prev[0], prev[1], prev[2],
			fmtF(x.AvgValue), opt(x.ValueRatio), opt(x.Qty), opt(x.AvgQty), opt(x.QtyRatio), opt(x.UnitValue), opt(x.AvgUnitValue), opt(x.UnitValueDiff),
			strconv.FormatBool(x.ValueSurge), strconv.FormatBool(x.VolumeSurge), strconv.FormatBool(x.UnitValueFall), strconv.FormatBool(x.Pattern),
			strings.Join(x.Releases, " ")})
	}
	return web.WriteCSV(w, fmt.Sprintf("surges-%s-%d.csv", strings.ToLower(s.Importer), s.Year), []string{"importer", "exporter", "year", "period", "product", "name",
		"source", "value_usd", "value_y-3", "value_y-2", "value_y-1", "average_value_usd", "value_ratio", "net_weight_kg", "average_net_weight_kg",
		"net_weight_ratio", "unit_value_usd_per_kg", "average_unit_value", "unit_value_change", "value_surge", "volume_surge", "unit_value_drop",
		"dumping_pattern", "releases"}, rows)
}

// alertsQuery reads the alerts' filters: member and kind.
func (h *handlers) alertsQuery(r *http.Request) ([]Alert, string, string, error) {
	p := &params{r: r}
	member := p.code("member", "", false)
	kind := p.str("kind")
	if p.err != nil {
		return nil, "", "", p.err
	}
	if kind != "" && kind != AlertDeficit && kind != AlertSurge && kind != AlertMirrorGap {
		return nil, "", "", problem.Invalid("kind", "param.enum", "kind is %s, %s or %s", AlertDeficit, AlertSurge, AlertMirrorGap)
	}
	all, err := h.mon.Alerts(r.Context())
	if err != nil {
		return nil, "", "", err
	}
	out := []Alert{}
	for _, a := range all {
		if (member == "" || a.Member == member) && (kind == "" || a.Kind == kind) {
			out = append(out, a)
		}
	}
	return out, member, kind, nil
}

func (h *handlers) apiAlerts(w http.ResponseWriter, r *http.Request) error {
	alerts, _, _, err := h.alertsQuery(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, struct {
		Alerts   []Alert       `json:"alerts"`
		Settings AlertSettings `json:"settings"`
	}{alerts, DefaultAlertSettings})
}

func (h *handlers) apiAlertsCSV(w http.ResponseWriter, r *http.Request) error {
	alerts, _, _, err := h.alertsQuery(r)
	if err != nil {
		return err
	}
	var rows [][]string
	for _, a := range alerts {
		rows = append(rows, []string{a.ID, a.Kind, a.Member, strconv.Itoa(a.Year), a.Title, a.Detail, a.URL, a.Updated, strings.Join(a.Releases, " ")})
	}
	return web.WriteCSV(w, "trade-alerts.csv", []string{"id", "kind", "member", "year", "title", "detail", "url", "updated", "releases"}, rows)
}

type alertsData struct {
	Alerts  []Alert
	Member  string
	Kind    string
	Members []memberOption
	Rules   alertRules
	Query   template.URL
}

func (h *handlers) alertsPage(w http.ResponseWriter, r *http.Request) error {
	alerts, member, kind, err := h.alertsQuery(r)
	if err != nil {
		return err
	}
	v := h.view(r)
	return h.site.Render(w, r, http.StatusOK, "trade_alerts", alertsData{Alerts: v.alerts(alerts), Member: member, Kind: kind, Members: v.memberOptions(),
		Rules: v.rules(DefaultAlertSettings), Query: template.URL(r.URL.Query().Encode())})
}

func (h *handlers) apiReleases(w http.ResponseWriter, r *http.Request) error {
	rels, err := Releases(r.Context(), h.mon.Store, r.URL.Query().Get("publisher"), r.URL.Query().Get("status"))
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, struct {
		Releases []*ReleaseSummary `json:"releases"`
	}{rels})
}

func (h *handlers) apiReleasesCSV(w http.ResponseWriter, r *http.Request) error {
	rels, err := Releases(r.Context(), h.mon.Store, r.URL.Query().Get("publisher"), r.URL.Query().Get("status"))
	if err != nil {
		return err
	}
	var rows [][]string
	for _, x := range rels {
		rows = append(rows, []string{x.Subject, x.Publisher, x.Title, x.Format, x.Basis, x.SourceTitle, x.SourceURL, x.Dataset, strconv.FormatInt(x.Size, 10),
			strconv.FormatInt(x.Rows, 10), strings.Join(x.Reporters, " "), strings.Join(x.Partners, " "), strconv.Itoa(x.YearFrom), strconv.Itoa(x.YearTo),
			x.Frequency, strings.Join(x.Flows, " "), strconv.Itoa(x.Level), x.Products, x.Status, x.StatusDetail, strconv.Itoa(x.Version), strconv.FormatUint(x.Index, 10)})
	}
	return web.WriteCSV(w, "trade-releases.csv", []string{"subject", "publisher", "title", "format", "basis", "source", "source_url", "sha256", "size", "rows",
		"reporters", "partners", "year_from", "year_to", "frequency", "flows", "hs_level", "products", "status", "status_detail", "version", "latest_index"}, rows)
}

func (h *handlers) apiRelease(w http.ResponseWriter, r *http.Request) error {
	rel, err := GetRelease(r.Context(), h.mon.Store, SubjectPrefix+r.PathValue("publisher")+"/"+r.PathValue("name"))
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, rel)
}

func (h *handlers) apiDataset(w http.ResponseWriter, r *http.Request) error {
	sha := r.PathValue("sha")
	if !shaPattern.MatchString(sha) {
		return problem.Invalid("sha", "param.sha256", "a dataset is named by its SHA-256: 64 lower-case hex digits")
	}
	st, err := os.Stat(DatasetPath(h.site.Node.Dir, sha))
	if errors.Is(err, fs.ErrNotExist) {
		return problem.NotFound("sha", "trade.dataset.unknown", "this register does not hold the dataset %s", sha)
	}
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"sha256": sha, "size": st.Size(), "stored": true, "url": "/trade/datasets/" + sha})
}

type releasesData struct {
	Releases []*ReleaseSummary
	Formats  []formatDoc
}

type formatDoc struct{ Name, Title, Doc string }

func (h *handlers) releasesPage(w http.ResponseWriter, r *http.Request) error {
	rels, err := Releases(r.Context(), h.mon.Store, "", "")
	if err != nil {
		return err
	}
	d := releasesData{Releases: rels}
	for _, f := range formatsDoc() {
		d.Formats = append(d.Formats, f)
	}
	return h.site.Render(w, r, http.StatusOK, "trade_releases", d)
}

type releaseData struct {
	*ReleaseSummary
	PublisherName string
	Body          Release
	History       []*browse.Record
	Sizes         string
}

func (h *handlers) releasePage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	rel, err := GetRelease(ctx, h.mon.Store, SubjectPrefix+r.PathValue("publisher")+"/"+r.PathValue("name"))
	if err != nil {
		return err
	}
	d := releaseData{ReleaseSummary: rel, PublisherName: rel.Publisher}
	if p, err := browse.GetParty(ctx, h.mon.Store, rel.Publisher); err == nil {
		d.PublisherName = p.Name
	}
	if d.History, err = browse.History(ctx, h.mon.Store, rel.Subject); err != nil {
		return err
	}
	return h.site.Render(w, r, http.StatusOK, "trade_release", d)
}

// body renders a release on its record page.
func (h *handlers) body(r *http.Request, rec *browse.Record) (template.HTML, error) {
	var b Release
	if err := json.Unmarshal(rec.Body, &b); err != nil {
		return "", err
	}
	rel, err := GetRelease(r.Context(), h.mon.Store, rec.Subject)
	if err != nil && !errors.Is(err, problem.ErrNotFound) {
		return "", err
	}
	return h.site.RenderFragment(r, "trade_release", "release-body", struct {
		Body    Release
		Record  *browse.Record
		Current *ReleaseSummary
		Names   map[string]string
	}{b, rec, rel, h.view(r).countryNames(append(append([]string{}, b.Coverage.Reporters...), b.Coverage.Partners...))})
}

func (v view) countryNames(codes []string) map[string]string {
	m := map[string]string{}
	for _, c := range codes {
		m[c] = v.country(c)
	}
	return m
}

// feed serves the alerts as an Atom feed.
func (h *handlers) feed(w http.ResponseWriter, r *http.Request) {
	alerts, err := h.mon.Alerts(r.Context())
	if err != nil {
		h.site.Logger.Error("couldn't compute the trade alerts", "error", err)
		http.Error(w, "couldn't compute the alerts", http.StatusInternalServerError)
		return
	}
	base := h.site.PublicURL
	if base == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		base = scheme + "://" + r.Host
	}
	f := &feed.Feed{ID: base + "/trade/alerts.atom", Title: "Kongsi trade monitor: alerts", Link: base + "/trade", Self: base + "/trade/alerts.atom",
		Author: "Kongsi trade monitor (" + h.site.Node.Origin + ")"}
	for _, a := range alerts {
		t, err := time.Parse(record.TimeFormat, a.Updated)
		if err != nil {
			t = time.Date(a.Year+1, 1, 1, 0, 0, 0, 0, time.UTC)
		}
		f.Entries = append(f.Entries, feed.Entry{ID: base + "/trade/alerts.atom#" + a.ID, Title: a.Title, Link: base + a.URL, Updated: t,
			Summary: a.Detail, Category: a.Kind})
	}
	if err := f.Serve(w); err != nil {
		h.site.Logger.Error("couldn't write the trade alerts feed", "error", err)
	}
}
