package projects

import (
	"context"
	"embed"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/kongsi/kongsi/internal/browse"
	"github.com/kongsi/kongsi/internal/web"
)

//go:embed templates/*.html
var templates embed.FS

type handlers struct {
	site *web.Site
	m    *Module
}

// Web adds the module's pages and API.
func (m *Module) Web(s *web.Site) error {
	if err := s.AddTemplates(templates, "templates/*.html"); err != nil {
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

// USD formats a US dollar amount for people: "US$7.3 billion".
func USD(v float64) string {
	switch a := math.Abs(v); {
	case a >= 1e9:
		return fmt.Sprintf("US$%.1f billion", v/1e9)
	case a >= 1e8:
		return fmt.Sprintf("US$%.0f million", v/1e6)
	case a >= 1e6:
		return fmt.Sprintf("US$%.1f million", v/1e6)
	case a >= 1e3:
		return fmt.Sprintf("US$%.0f thousand", v/1e3)
	}
	return fmt.Sprintf("US$%.0f", v)
}

// shortUSD formats an amount for chart labels: "7.3 bn".
func shortUSD(v float64) string {
	switch a := math.Abs(v); {
	case a >= 1e9:
		return fmt.Sprintf("%.1f bn", v/1e9)
	case a >= 1e6:
		return fmt.Sprintf("%.0f m", v/1e6)
	}
	return fmt.Sprintf("%.0f", v)
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

// labels gives page templates the names of codes: {{$d.Label "sector" .}}.
type labels struct{}

// Label names a code of one of the module's codelists.
func (labels) Label(list, code string) string {
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
	}
	return code
}

// Dollars formats a US dollar amount.
func (labels) Dollars(v float64) string { return USD(v) }

// Badge is the badge style of a designation state.
func (labels) Badge(state string) string { return badgeClass(state) }

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
func (labels) When(s string) string {
	first, _, ok := DateRange(s)
	switch {
	case !ok:
		return s
	case len(s) == 4:
		return s
	case len(s) == 7:
		return first.Format("January 2006")
	}
	return first.Format("2 January 2006")
}
