package trade

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/store"
	"github.com/kongsi/kongsi/internal/trade/country"
)

// ReleaseSummary is a release as lists show it.
type ReleaseSummary struct {
	Subject         string   `json:"subject"`
	Publisher       string   `json:"publisher"`
	Title           string   `json:"title"`
	Format          string   `json:"format"`
	Basis           string   `json:"basis"`
	SourceTitle     string   `json:"source_title"`
	SourcePublisher string   `json:"source_publisher,omitempty"`
	SourceURL       string   `json:"source_url,omitempty"`
	Dataset         string   `json:"dataset_sha256"`
	Size            int64    `json:"size"`
	FileName        string   `json:"file_name,omitempty"`
	Rows            int64    `json:"rows"`
	SkippedRows     int64    `json:"skipped_rows"`
	Reporters       []string `json:"reporters"`
	Partners        []string `json:"partners"`
	YearFrom        int      `json:"year_from"`
	YearTo          int      `json:"year_to"`
	Frequency       string   `json:"frequency"`
	Flows           []string `json:"flows"`
	Level           int      `json:"hs_level"`
	Products        string   `json:"products"`
	Classification  string   `json:"classification,omitempty"`
	Notes           string   `json:"notes,omitempty"`
	Status          string   `json:"status"`
	StatusDetail    string   `json:"status_detail,omitempty"`
	LoadedRows      int64    `json:"loaded_rows"`
	Version         int      `json:"version"`
	Index           uint64   `json:"latest_index"`
	Signed          string   `json:"signed"`
	URL             string   `json:"url"`
	DatasetURL      string   `json:"dataset_url"`
}

// covers reports whether a release's rows are about a reporter and partner.
func (r *ReleaseSummary) covers(reporter, partner string) bool {
	return slices.Contains(r.Reporters, reporter) && slices.Contains(r.Partners, partner)
}

// Releases lists the releases, newest first. publisher and status select
// when not "".
func Releases(ctx context.Context, st store.Store, publisher, status string) ([]*ReleaseSummary, error) {
	rows, err := st.Reader().QueryContext(ctx, `SELECT subject, publisher, title, format, basis, source_title, source_publisher, source_url, dataset, size, file_name,
		rows, skipped_rows, reporters, partners, year_from, year_to, frequency, flows, hs_level, products, classification, notes, status, status_detail,
		loaded_rows, version, head_idx, signed
		FROM trade_releases WHERE ($1 = '' OR publisher = $1) AND ($2 = '' OR status = $2) ORDER BY head_idx DESC`, publisher, status)
	if err != nil {
		return nil, fmt.Errorf("couldn't list trade releases: %w", err)
	}
	defer rows.Close()
	out := []*ReleaseSummary{}
	for rows.Next() {
		var r ReleaseSummary
		var reps, pars, flows string
		var idx int64
		if err := rows.Scan(&r.Subject, &r.Publisher, &r.Title, &r.Format, &r.Basis, &r.SourceTitle, &r.SourcePublisher, &r.SourceURL, &r.Dataset, &r.Size,
			&r.FileName, &r.Rows, &r.SkippedRows, &reps, &pars, &r.YearFrom, &r.YearTo, &r.Frequency, &flows, &r.Level, &r.Products, &r.Classification,
			&r.Notes, &r.Status, &r.StatusDetail, &r.LoadedRows, &r.Version, &idx, &r.Signed); err != nil {
			return nil, err
		}
		r.Reporters, r.Partners, r.Flows = releaseCountries(reps), releaseCountries(pars), releaseCountries(flows)
		r.Index = uint64(idx)
		r.URL = "/" + r.Subject
		r.DatasetURL = "/trade/datasets/" + r.Dataset
		out = append(out, &r)
	}
	return out, rows.Err()
}

// GetRelease returns one release.
func GetRelease(ctx context.Context, st store.Store, subject string) (*ReleaseSummary, error) {
	all, err := Releases(ctx, st, "", "")
	if err != nil {
		return nil, err
	}
	for _, r := range all {
		if r.Subject == subject {
			return r, nil
		}
	}
	return nil, problem.NotFound("subject", "trade.release.unknown", "there is no trade data release %q", subject)
}

// totalRow is one effective total: the figure of the latest release that
// gives it.
type totalRow struct {
	Reporter, Partner string
	Year, Month       int
	Flow              string
	Value             float64
	Release           string
	Mirrored          bool
	Months            int
}

// effectiveTotals returns, for each reporter, partner, period and flow, the
// total of the latest loaded release of a basis that covers all products.
// monthly selects month totals; otherwise whole years.
func effectiveTotals(ctx context.Context, st store.Store, reporters, partners []string, basis string, monthly bool) ([]totalRow, error) {
	return queryTotals(ctx, st, totalsQuery{reporters: reporters, partners: partners, basis: basis, monthly: monthly})
}

// totalsQuery selects effective totals.
type totalsQuery struct {
	reporters, partners []string
	basis               string
	monthly             bool
	// with, if set, keeps only the pairs of which it is one side.
	with string
	// year, if not 0, keeps only that year.
	year int
}

func queryTotals(ctx context.Context, st store.Store, tq totalsQuery) ([]totalRow, error) {
	reporters, partners, basis, monthly := tq.reporters, tq.partners, tq.basis, tq.monthly
	args := []any{basis}
	in := func(xs []string) string {
		var ph []string
		for _, x := range xs {
			args = append(args, x)
			ph = append(ph, fmt.Sprintf("$%d", len(args)))
		}
		return strings.Join(ph, ", ")
	}
	if len(reporters) == 0 || len(partners) == 0 {
		return nil, nil
	}
	month := "t.month = 0"
	if monthly {
		month = "t.month > 0"
	}
	if tq.with != "" {
		args = append(args, tq.with)
		month += fmt.Sprintf(" AND (t.reporter = $%d OR t.partner = $%d)", len(args), len(args))
	}
	if tq.year != 0 {
		args = append(args, tq.year)
		month += fmt.Sprintf(" AND t.year = $%d", len(args))
	}
	q := `SELECT t.reporter, t.partner, t.year, t.month, t.flow, t.value, t.release, t.mirrored, t.months FROM trade_totals t
		WHERE t.reporter IN (` + in(reporters) + `) AND t.partner IN (` + in(partners) + `) AND t.basis = $1 AND t.complete = 1 AND ` + month + `
		AND t.rank = (SELECT MAX(u.rank) FROM trade_totals u WHERE u.reporter = t.reporter AND u.partner = t.partner AND u.basis = t.basis
			AND u.complete = 1 AND u.year = t.year AND u.month = t.month AND u.flow = t.flow)
		ORDER BY t.year, t.month, t.reporter, t.partner, t.flow`
	rows, err := st.Reader().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("couldn't read trade totals: %w", err)
	}
	defer rows.Close()
	var out []totalRow
	for rows.Next() {
		var t totalRow
		var mirrored int
		if err := rows.Scan(&t.Reporter, &t.Partner, &t.Year, &t.Month, &t.Flow, &t.Value, &t.Release, &mirrored, &t.Months); err != nil {
			return nil, err
		}
		t.Mirrored = mirrored == 1
		out = append(out, t)
	}
	return out, rows.Err()
}

// Side names who states a figure.
type side struct {
	codes []string // the countries whose figures are summed
	group bool     // ASEAN
}

// sideOf expands a code: a country, or ASEAN's members.
func sideOf(code string) side {
	if code == country.ASEAN {
		return side{codes: memberCodes(), group: true}
	}
	return side{codes: []string{code}}
}

func memberCodes() []string {
	var out []string
	for _, m := range country.Members {
		out = append(out, m.Alpha3)
	}
	return out
}

// checkCode checks a reporter or partner parameter: a country's alpha-3
// code, or ASEAN.
func checkCode(param, code string, allowGroup bool) (string, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	if code == country.ASEAN {
		if !allowGroup {
			return "", problem.Invalid(param, "param.country", "%s must be a country here, not ASEAN", param)
		}
		return code, nil
	}
	if _, ok := country.ByAlpha3(code); !ok {
		return "", problem.Invalid(param, "param.country", "%q is not the ISO 3166 alpha-3 code of a country (or ASEAN)", code)
	}
	return code, nil
}
