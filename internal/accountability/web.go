package accountability

import (
	"embed"
	"io/fs"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"time"

	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/web"
)

//go:embed templates/*.html
var templates embed.FS

// locales are the translations of the pages' words (see i18n.Catalog).
//
//go:embed locales/*.json
var locales embed.FS

// Translations are the module's catalogs: locales/<language>.json.
func (*Module) Translations() fs.FS { return locales }

type handlers struct {
	site *web.Site
	now  func() time.Time
}

// today is the date against which the request judges what is overdue.
func (h *handlers) today() string { return h.now().UTC().Format(dateLayout) }

// Web adds the module's pages, API, feeds and sections of core pages.
func (m *Module) Web(s *web.Site) error {
	if err := s.AddTemplates(templates, "templates/*.html"); err != nil {
		return err
	}
	if err := s.AddTranslations(locales, "locales"); err != nil {
		return err
	}
	h := &handlers{site: s, now: m.now}
	s.AddNav("Accountability", "/commitments",
		web.NavItem{Label: "Commitments", Path: "/commitments"},
		web.NavItem{Label: "Scorecards", Path: "/scorecards"},
		web.NavItem{Label: "Initiatives", Path: "/initiatives"},
		web.NavItem{Label: "Coordination board", Path: "/board", Also: []string{"/actions"}},
		web.NavItem{Label: "Programmes", Path: "/programmes"},
		web.NavItem{Label: "Exchanges", Path: "/exchanges"},
	)

	s.Page("GET /commitments", h.commitmentList)
	s.Page("GET /commitments/{slug}", h.commitmentShow)
	s.Page("GET /scorecards", h.scorecardList)
	s.Page("GET /initiatives", h.initiativeList)
	s.Page("GET /initiatives/{slug}", h.initiativeShow)
	s.Page("GET /board", h.board)
	s.Page("GET /board/overdue", h.boardOverdue)
	s.Page("GET /board/{party}", h.boardParty)
	s.Handle("GET /board/{party}/feed.atom", http.HandlerFunc(h.boardFeed))
	s.Page("GET /actions/{initiative}/{slug}", h.actionShow)
	s.Page("GET /programmes", h.programmeList)
	s.Page("GET /programmes/{slug}", h.programmeShow)
	s.Page("GET /exchanges", h.exchangeList)

	s.API("GET /api/v1/commitments", h.apiCommitments)
	s.API("GET /api/v1/commitments.csv", h.apiCommitmentsCSV)
	s.API("GET /api/v1/commitments/{slug}", h.apiCommitment)
	s.API("GET /api/v1/commitments/{slug}/milestones.csv", h.apiMilestonesCSV)
	s.API("GET /api/v1/commitments/{slug}/reports.csv", h.apiReportsCSV)
	s.API("GET /api/v1/commitments/{slug}/assessments.csv", h.apiAssessmentsCSV)
	s.API("GET /api/v1/initiatives", h.apiInitiatives)
	s.API("GET /api/v1/initiatives.csv", h.apiInitiativesCSV)
	s.API("GET /api/v1/initiatives/{slug}", h.apiInitiative)
	s.API("GET /api/v1/actions", h.apiActions)
	s.API("GET /api/v1/actions.csv", h.apiActionsCSV)
	s.API("GET /api/v1/programmes", h.apiProgrammes)
	s.API("GET /api/v1/programmes.csv", h.apiProgrammesCSV)
	s.API("GET /api/v1/programmes/{slug}", h.apiProgramme)
	s.API("GET /api/v1/deliveries", h.apiDeliveries)
	s.API("GET /api/v1/deliveries.csv", h.apiDeliveriesCSV)
	s.API("GET /api/v1/exchanges", h.apiExchanges)
	s.API("GET /api/v1/exchanges.csv", h.apiExchangesCSV)
	s.API("GET /api/v1/scorecards", h.apiScorecards)
	s.API("GET /api/v1/scorecards.csv", h.apiScorecardsCSV)
	s.API("GET /api/v1/parties/{id}/scorecard", h.apiScorecard)
	s.OpenAPIPaths(openAPIPaths())

	s.AddPartySection("Pledged, owes and delivered", h.partySection)
	s.AddHomeSection("Commitments and coordination", h.homeSection)
	s.RenderBody(KindCommitment, h.commitmentBody)
	s.RenderBody(KindAction, h.actionBody)
	return nil
}

var slugPattern = regexp.MustCompile(`^` + slug + `$`)

// The filters read from query parameters: outside input, checked here, each
// refusal naming the parameter and the rule.

func commitmentFilterFrom(v url.Values, names Names) (CommitmentFilter, error) {
	f := CommitmentFilter{Party: v.Get("party"), Status: v.Get("status")}
	if err := requireKnownParty(names, "party", f.Party); err != nil {
		return f, err
	}
	if f.Status != "" && !known(CommitmentStatuses, f.Status) {
		return f, problem.Invalid("status", "param.enum", "there is no status %q; the statuses are overdue, at-risk, pending, on-track, met and withdrawn", f.Status)
	}
	return f, nil
}

func initiativeFilterFrom(v url.Values, names Names) (InitiativeFilter, error) {
	f := InitiativeFilter{Pillar: v.Get("pillar"), Domain: v.Get("domain"), Mechanism: v.Get("mechanism"), Party: v.Get("party")}
	for _, p := range []struct {
		name, value string
		list        []Option
	}{{"pillar", f.Pillar, Pillars}, {"domain", f.Domain, Domains}, {"mechanism", f.Mechanism, Mechanisms}} {
		if p.value != "" && !known(p.list, p.value) {
			return f, problem.Invalid(p.name, "param.enum", "there is no %s %q", p.name, p.value)
		}
	}
	return f, requireKnownParty(names, "party", f.Party)
}

func actionFilterFrom(v url.Values, names Names) (ActionFilter, error) {
	f := ActionFilter{Owner: v.Get("owner"), Status: v.Get("status"), Initiative: v.Get("initiative")}
	if err := requireKnownParty(names, "owner", f.Owner); err != nil {
		return f, err
	}
	if f.Status != "" && !known(ActionStatuses, f.Status) && !known(ActionFilterStatuses, f.Status) {
		return f, problem.Invalid("status", "param.enum", "there is no status %q; the statuses are open, in-progress, blocked, done, cancelled, pending (not done yet) and overdue", f.Status)
	}
	if f.Initiative != "" && !slugPattern.MatchString(f.Initiative) {
		return f, problem.Invalid("initiative", "param.slug", "an initiative is named by its slug, such as admm-plus: lower-case letters, digits and hyphens")
	}
	return f, nil
}

func deliveryFilterFrom(v url.Values, names Names) (DeliveryFilter, error) {
	f := DeliveryFilter{Programme: v.Get("programme"), Party: v.Get("party")}
	if f.Programme != "" && !slugPattern.MatchString(f.Programme) {
		return f, problem.Invalid("programme", "param.slug", "a programme is named by its slug: lower-case letters, digits and hyphens")
	}
	if p := v.Get("pending"); p != "" {
		b, err := strconv.ParseBool(p)
		if err != nil {
			return f, problem.Invalid("pending", "param.bool", "pending is true or false")
		}
		f.Pending = b
	}
	return f, requireKnownParty(names, "party", f.Party)
}

func exchangeFilterFrom(v url.Values, names Names) (typ, country string, err error) {
	typ, country = v.Get("type"), v.Get("country")
	if typ != "" && !known(ExchangeTypes, typ) {
		return typ, country, problem.Invalid("type", "param.enum", "there is no type %q; the types are tourism, visits and events", typ)
	}
	if country == ASEAN {
		return typ, country, nil
	}
	return typ, country, requireKnownParty(names, "country", country)
}

// loadNames reads the parties' names for a request.
func (h *handlers) names(r *http.Request) (Names, error) {
	return LoadNames(r.Context(), h.site.Node.Store)
}
