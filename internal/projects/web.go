package projects

import (
	"context"
	"embed"
	"io/fs"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/kongsi/kongsi/internal/browse"
	"github.com/kongsi/kongsi/internal/i18n"
	"github.com/kongsi/kongsi/internal/web"
)

//go:embed templates/*.html locales/*.json
var templates embed.FS

// Translations are the catalogs of the module's pages (see i18n.Catalog).
func (*Module) Translations() fs.FS { return templates }

type handlers struct {
	site *web.Site
	m    *Module
}

// Web adds the module's pages and API.
func (m *Module) Web(s *web.Site) error {
	if err := s.AddTemplates(templates, "templates/*.html"); err != nil {
		return err
	}
	if err := s.AddTranslations(templates, "locales"); err != nil {
		return err
	}
	h := &handlers{site: s, m: m}
	s.AddNav("Projects", "/projects",
		web.NavItem{Label: "Projects", Path: "/projects"},
		web.NavItem{Label: "Map", Path: "/projects/map"},
		web.NavItem{Label: "Designation report", Path: "/projects/report"},
		web.NavItem{Label: "Political risk", Path: "/projects/risk"},
		web.NavItem{Label: "Outreach", Path: "/projects/outreach"},
		web.NavItem{Label: "Elections", Path: "/elections"},
	)
	s.Page("GET /projects", h.list)
	s.Page("GET /projects/map", h.mapPage)
	s.Page("GET /projects/report", h.report)
	s.Page("GET /projects/risk", h.risk)
	s.Page("GET /projects/outreach", h.outreach)
	s.Page("GET /projects/{id}", h.show)
	s.Page("GET /elections", h.elections)

	s.API("GET /api/v1/projects", h.apiList)
	s.API("GET /api/v1/projects.csv", h.apiListCSV)
	s.API("GET /api/v1/projects.oc4ids.json", h.apiPackage)
	s.API("GET /api/v1/projects/report", h.apiReport)
	s.API("GET /api/v1/projects/report.csv", h.apiReportCSV)
	s.API("GET /api/v1/projects/{id}", h.apiShow)
	s.API("GET /api/v1/projects/{id}/oc4ids", h.apiProjectPackage)
	s.API("GET /api/v1/risk", h.apiRisk)
	s.API("GET /api/v1/risk.csv", h.apiRiskCSV)
	s.API("GET /api/v1/outreach", h.apiOutreach)
	s.API("GET /api/v1/outreach.csv", h.apiOutreachCSV)
	s.API("GET /api/v1/elections", h.apiElections)
	s.API("GET /api/v1/elections.csv", h.apiElectionsCSV)
	s.OpenAPIPaths(openAPIPaths())

	for kind, fragment := range map[string]string{
		KindProject: "projectBody", KindStatus: "statusBody", KindDesignation: "designationBody",
		KindOutreach: "outreachBody", KindComment: "commentBody", KindElection: "electionBody",
	} {
		s.RenderBody(kind, h.body(fragment))
	}
	s.AddPartySection("Projects", h.partySection)
	s.AddHomeSection("Projects and political risk", h.homeSection)
	return nil
}

// english is the locale of the API's texts, which stay in English.
var english = i18n.NewCatalog().Locale(i18n.English)

// USD formats a US dollar amount for people: "US$7.3 billion".
func USD(v float64) string { return usd(english, v) }

// usd formats a US dollar amount in a language: "US$7.3 billion",
// "73亿美元".
func usd(l *i18n.Locale, v float64) string {
	a := math.Abs(v)
	if l.Lang.Code == "zh" {
		// Chinese counts large amounts in 万 (10⁴) and 亿 (10⁸).
		switch {
		case a >= 1e8:
			return l.Number(math.Round(v/1e7)/10) + "亿美元"
		case a >= 1e4:
			return l.Number(math.Round(v/1e4)) + "万美元"
		}
		return l.Decimal(v, 0) + "美元"
	}
	switch {
	case a >= 1e9:
		return l.T("US$%s billion", l.Decimal(v/1e9, 1))
	case a >= 1e8:
		return l.T("US$%s million", l.Decimal(v/1e6, 0))
	case a >= 1e6:
		return l.T("US$%s million", l.Decimal(v/1e6, 1))
	case a >= 1e3:
		return l.T("US$%s thousand", l.Decimal(v/1e3, 0))
	}
	return l.T("US$%s", l.Decimal(v, 0))
}

// shortUSD formats an amount for chart labels: "7.3 bn", "73亿".
func shortUSD(l *i18n.Locale) func(float64) string {
	return func(v float64) string {
		a := math.Abs(v)
		if l.Lang.Code == "zh" {
			switch {
			case a >= 1e8:
				return l.Number(math.Round(v/1e7)/10) + "亿"
			case a >= 1e4:
				return l.Number(math.Round(v/1e4)) + "万"
			}
			return l.Decimal(v, 0)
		}
		switch {
		case a >= 1e9:
			return l.T("%s bn", l.Decimal(v/1e9, 1))
		case a >= 1e6:
			return l.T("%s m", l.Decimal(v/1e6, 0))
		}
		return l.Decimal(v, 0)
	}
}

// partyNames returns every party's name by ID.
func partyNames(ctx context.Context, s *web.Site) (map[string]string, error) {
	ps, err := browse.Parties(ctx, s.Node.Store)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(ps))
	for _, p := range ps {
		out[p.ID] = p.Name
	}
	return out, nil
}

// stateOption is a member state in filter forms.
type stateOption struct{ Code, Name string }

func (h *handlers) stateOptions(ctx context.Context) ([]stateOption, map[string]string, error) {
	names, err := stateNames(ctx, h.site.Node.Store)
	if err != nil {
		return nil, nil, err
	}
	var out []stateOption
	for code, name := range names {
		out = append(out, stateOption{code, name})
	}
	slices.SortFunc(out, func(a, b stateOption) int { return strings.Compare(a.Name, b.Name) })
	return out, names, nil
}

// designationClass is the colour of a designation state on maps and
// badges.
func designationClass(state string) string {
	switch state {
	case DesignationConfirmed:
		return "s5"
	case DesignationClaimed:
		return "s6"
	case DesignationDisputed:
		return "neg"
	case DesignationWithdrawn:
		return "s4"
	case DesignationDenied:
		return "s1"
	}
	return "s3"
}

// badgeClass is the badge style of a designation state.
func badgeClass(state string) string {
	switch state {
	case DesignationConfirmed:
		return "badge ok"
	case DesignationDisputed, DesignationDenied:
		return "badge bad"
	case DesignationClaimed, DesignationWithdrawn:
		return "badge warn"
	}
	return "badge"
}

// labels gives page templates the names of codes, amounts and dates in
// the page's language: {{$d.Label "sector" .}}.
type labels struct{ l *i18n.Locale }

// labelsFor makes the labels of a request's language.
func (h *handlers) labelsFor(r *http.Request) labels { return labels{h.site.Locale(r)} }

func (x labels) locale() *i18n.Locale {
	if x.l == nil {
		return english
	}
	return x.l
}

// Label names a code of one of the module's codelists.
func (x labels) Label(list, code string) string { return x.locale().T(codeTitle(list, code)) }

// Labels names codes of a list, separated by commas.
func (x labels) Labels(list string, codes []string) string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = x.Label(list, c)
	}
	return strings.Join(out, ", ")
}

// codeTitle is the English name of a code of one of the module's
// codelists, or the code itself.
func codeTitle(list, code string) string {
	switch list {
	case "status":
		return Statuses.Title(code)
	case "type":
		return Types.Title(code)
	case "sector":
		return Sectors.Title(code)
	case "sponsor-type":
		return SponsorTypes.Title(code)
	case "sponsor-role":
		return SponsorRoles.Title(code)
	case "instrument":
		return Instruments.Title(code)
	case "milestone-status":
		return MilestoneStatuses.Title(code)
	case "milestone-type":
		return MilestoneTypes.Title(code)
	case "document-type":
		return DocumentTypes.Title(code)
	case "outreach-type":
		return OutreachTypes.Title(code)
	case "comment-stance":
		return CommentStances.Title(code)
	case "halt":
		return Halts.Title(code)
	case "designation":
		return DesignationTitle(code)
	case "stance":
		return stanceTitle(code)
	case "action":
		return actionTitle(code)
	case "level", "date-status", "halted":
		// The codes are the words: "national", "due", "suspended".
		return code
	case "office":
		return strings.ReplaceAll(code, "-", " ")
	}
	return code
}

// codeWords are the codes that pages show as words, by list, for the
// catalogs' test.
var codeWords = map[string][]string{
	"level":       {"national", "local"},
	"date-status": {"held", "scheduled", "due"},
	"halted":      {"stalled", "suspended"},
	"office":      {"legislature", "head-of-state", "general", "local-government", "referendum"},
	"action":      {ActionClaim, ActionWithdrawClaim, ActionConfirm, ActionDeny, ActionWithdraw},
	"stance":      {StanceNone, StanceClaimed, StanceConfirmed, StanceDenied, StanceWithdrawn},
}

// StatusOf is a project's status as people read it: "Implementation,
// suspended".
func (x labels) StatusOf(s *Summary) string {
	if s.Halt != "" {
		return x.Label("status", s.Status) + ", " + x.Label("halted", s.Halt)
	}
	return x.Label("status", s.Status)
}

// Amount is a project's reported amount, for people.
func (x labels) Amount(s *Summary) string {
	if s.AmountUSD == nil {
		return ""
	}
	return usd(x.locale(), *s.AmountUSD)
}

// Coord writes a longitude or latitude to 1/1000 of a degree.
func (x labels) Coord(f *float64) string {
	if f == nil {
		return ""
	}
	return x.locale().Decimal(*f, 3)
}

// Count writes a count that may be missing, as the language writes numbers.
func (x labels) Count(n *int) string {
	if n == nil {
		return ""
	}
	return x.locale().Number(float64(*n))
}

// Dollars formats a US dollar amount.
func (x labels) Dollars(v float64) string { return usd(x.locale(), v) }

// Badge is the badge style of a designation state.
func (labels) Badge(state string) string { return badgeClass(state) }

// RuleOf explains in a sentence why a designation is in its state.
func (x labels) RuleOf(v *DesignationView) string {
	_, rule := Derive(v.Claim.Stance, v.Designating.Stance, v.Host.Stance)
	return x.locale().T(rule)
}

// SummaryOf sums up a record in a line, in the page's language.
func (x labels) SummaryOf(r RecordLine) string {
	if s, ok := recordSummary(x.locale(), r.Kind, r.Body); ok {
		return s
	}
	return r.Summary
}

func stanceTitle(s string) string {
	switch s {
	case StanceNone:
		return "has not spoken"
	case StanceClaimed:
		return "claims the label"
	case StanceConfirmed:
		return "confirms"
	case StanceDenied:
		return "denies"
	case StanceWithdrawn:
		return "withdrew"
	}
	return s
}

// When writes a date as precise as it is known: "9 August 2017", "November
// 2016", "2016".
func (x labels) When(s string) string { return when(x.locale(), s) }

func when(l *i18n.Locale, s string) string {
	first, _, ok := DateRange(s)
	switch {
	case !ok:
		return s
	case len(s) == 4:
		if l.Lang.Code == "th" {
			// Thailand counts years in the Buddhist era, as i18n's dates do.
			return strconv.Itoa(first.Year() + 543)
		}
		return s
	case len(s) == 7:
		return l.Month(first)
	}
	return l.Date(first)
}
