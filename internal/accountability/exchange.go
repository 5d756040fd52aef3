package accountability

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"

	"github.com/kongsi/kongsi/internal/chart"
	"github.com/kongsi/kongsi/internal/i18n"
	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/problem"
)

// The kinds of people-to-people exchanges.
const (
	KindTourism = "exchange.tourism"
	KindVisit   = "exchange.visit"
	KindEvent   = "exchange.event"
)

// ASEAN stands for the ASEAN member states together in tourist flows.
const ASEAN = "asean"

var (
	tourismSubject = regexp.MustCompile(`^exchanges/tourism/([a-z]{3}|asean)/([a-z]{3}|asean)/(\d{4})$`)
	visitSubject   = regexp.MustCompile(`^exchanges/visits/` + slug + `$`)
	eventSubject   = regexp.MustCompile(`^exchanges/events/` + slug + `$`)
)

// Tourism is a tourist-arrivals figure's body.
type Tourism struct {
	Origin      string   `json:"origin"`
	Destination string   `json:"destination"`
	Year        int      `json:"year"`
	Arrivals    int64    `json:"arrivals"`
	RoundedTo   int64    `json:"rounded_to,omitempty"`
	Definition  string   `json:"definition,omitempty"`
	Sources     []Source `json:"sources"`
	ChangeNote  string   `json:"change_note,omitempty"`
}

// Visit is an official visit's body.
type Visit struct {
	Visitor      string   `json:"visitor"`
	VisitorTitle string   `json:"visitor_title"`
	Host         string   `json:"host"`
	Kind         string   `json:"kind"`
	StartOn      string   `json:"start_on"`
	EndOn        string   `json:"end_on"`
	Summary      string   `json:"summary"`
	Outcomes     []string `json:"outcomes,omitempty"`
	Sources      []Source `json:"sources"`
	ChangeNote   string   `json:"change_note,omitempty"`
}

// Event is a Track 2 event's body.
type Event struct {
	Title      string   `json:"title"`
	Track      string   `json:"track"`
	Organisers []string `json:"organisers"`
	Country    string   `json:"country"`
	Place      string   `json:"place"`
	StartOn    string   `json:"start_on"`
	EndOn      string   `json:"end_on"`
	Summary    string   `json:"summary"`
	Sources    []Source `json:"sources"`
	ChangeNote string   `json:"change_note,omitempty"`
}

// VisitKinds and Tracks, with their names for people.
var (
	VisitKinds = []Option{
		{"state-visit", "State visit"},
		{"official-visit", "Official visit"},
		{"working-visit", "Working visit"},
		{"ministerial-visit", "Ministerial visit"},
		{"other", "Visit"},
	}
	Tracks = []Option{{"track-2", "Track 2"}, {"track-1.5", "Track 1.5"}}
)

func exchangeKinds() []*ledger.Kind {
	return []*ledger.Kind{
		{
			Name: KindTourism, Title: "Tourist arrivals",
			Doc:         "Arrivals from one member state (or ASEAN as a whole) in another in a year, counted where they arrive. Published by an authority of the destination state with the \"statistics\" or \"governance\" role, or by an organisation with the \"statistics\" role.",
			Schema:      schema(KindTourism),
			Subject:     tourismSubject,
			SubjectHelp: "exchanges/tourism/<origin>/<destination>/<year>",
			Check:       checkTourism,
			Roles:       rolesStatistics,
			Summary: func(l *i18n.Locale, b json.RawMessage) string {
				var t Tourism
				json.Unmarshal(b, &t)
				return l.T("Arrivals from %s in %s, %s: %s", l.Country(t.Origin, placeName(t.Origin)), l.Country(t.Destination, placeName(t.Destination)), strconv.Itoa(t.Year), formatValue(float64(t.Arrivals)))
			},
		},
		{
			Name: KindVisit, Title: "Official visit",
			Doc:         "A visit by one state's leader or minister to another. Published by an authority of the visiting or the host state with the \"governance\" or \"declarations\" role.",
			Schema:      schema(KindVisit),
			Subject:     visitSubject,
			SubjectHelp: "exchanges/visits/<visit>",
			Check:       checkVisit,
			Roles:       rolesPledge,
			Summary: func(l *i18n.Locale, b json.RawMessage) string {
				var v Visit
				json.Unmarshal(b, &v)
				return l.T("%s: %s to %s, %s", l.T(titleOf(VisitKinds, v.Kind)), v.VisitorTitle, l.Country(v.Host, v.Host), v.StartOn)
			},
		},
		{
			Name: KindEvent, Title: "Track 2 event",
			Doc:         "A Track 2 or Track 1.5 dialogue. Published by an organisation, or by an authority of the host state with the \"governance\" or \"declarations\" role.",
			Schema:      schema(KindEvent),
			Subject:     eventSubject,
			SubjectHelp: "exchanges/events/<event>",
			Check:       checkEvent,
			Roles:       rolesPledge,
			Summary: func(l *i18n.Locale, b json.RawMessage) string {
				var e Event
				json.Unmarshal(b, &e)
				return fmt.Sprintf("%s, %s", e.Title, e.StartOn)
			},
		},
	}
}

// placeName names an origin or destination for summaries.
func placeName(p string) string {
	if p == ASEAN {
		return "ASEAN"
	}
	return p
}

func checkTourism(c *ledger.Context) (any, error) {
	var b Tourism
	if err := c.Decode(&b); err != nil {
		return nil, err
	}
	m := tourismSubject.FindStringSubmatch(c.Record.Subject)
	if m[1] != b.Origin || m[2] != b.Destination || m[3] != strconv.Itoa(b.Year) {
		return nil, problem.Invalid("subject", "tourism.subject", "the subject names %s → %s in %s but the body says %s → %s in %d: the subject is exchanges/tourism/<origin>/<destination>/<year>", m[1], m[2], m[3], b.Origin, b.Destination, b.Year)
	}
	if b.Origin == b.Destination {
		return nil, problem.Invalid("body.destination", "tourism.same-place", "origin and destination are both %q", b.Origin)
	}
	for _, f := range []struct{ field, id string }{{"body.origin", b.Origin}, {"body.destination", b.Destination}} {
		if f.id == ASEAN {
			continue
		}
		if p, ok := c.Party(f.id); !ok || p.Type != ledger.TypeState {
			return nil, problem.Invalid(f.field, "tourism.place-unknown", "%q is neither a member state of this register nor %q", f.id, ASEAN)
		}
	}
	if b.Year > c.Record.When.UTC().Year() {
		return nil, problem.Invalid("body.year", "tourism.future", "arrivals are counted for a year that has begun; %d is after the record was signed", b.Year)
	}
	if b.RoundedTo > 0 && b.Arrivals%b.RoundedTo != 0 {
		return nil, problem.Invalid("body.arrivals", "tourism.rounding", "%d is not a multiple of rounded_to (%d)", b.Arrivals, b.RoundedTo)
	}
	a := c.Author()
	switch {
	case a.Type == ledger.TypeOrganisation && a.HasRole("statistics"):
	case b.Destination != ASEAN && actsFor(a, b.Destination, rolesStatistics):
	default:
		return nil, problem.Forbidden("author", "tourism.author", "arrivals are published by an authority of the destination (%s) with the %s role, or by an organisation with the \"statistics\" role; %q is neither", placeName(b.Destination), rolesText(rolesStatistics), a.ID)
	}
	return nil, nil
}

func checkVisit(c *ledger.Context) (any, error) {
	var b Visit
	if err := c.Decode(&b); err != nil {
		return nil, err
	}
	for _, f := range []struct{ field, id string }{{"body.visitor", b.Visitor}, {"body.host", b.Host}} {
		if p, ok := c.Party(f.id); !ok || p.Type != ledger.TypeState {
			return nil, problem.Invalid(f.field, "visit.state-unknown", "%q is not a member state of this register", f.id)
		}
	}
	if b.Visitor == b.Host {
		return nil, problem.Invalid("body.host", "visit.same-state", "a state does not visit itself")
	}
	if b.EndOn < b.StartOn {
		return nil, problem.Invalid("body.end_on", "visit.dates", "the visit ends (%s) before it starts (%s)", b.EndOn, b.StartOn)
	}
	if err := notAfterSigning(c, "body.start_on", "visit.future", b.StartOn); err != nil {
		return nil, err
	}
	if firstActedFor(c, []string{b.Visitor, b.Host}, rolesPledge) == "" {
		return nil, forbidActing(c, "author", "visit.author", "a visit is published by the visiting or the host state", []string{b.Visitor, b.Host}, rolesPledge)
	}
	return nil, nil
}

func checkEvent(c *ledger.Context) (any, error) {
	var b Event
	if err := c.Decode(&b); err != nil {
		return nil, err
	}
	if p, ok := c.Party(b.Country); !ok || p.Type != ledger.TypeState {
		return nil, problem.Invalid("body.country", "event.country-unknown", "%q is not a member state of this register", b.Country)
	}
	if b.EndOn < b.StartOn {
		return nil, problem.Invalid("body.end_on", "event.dates", "the event ends (%s) before it starts (%s)", b.EndOn, b.StartOn)
	}
	if err := notAfterSigning(c, "body.start_on", "event.future", b.StartOn); err != nil {
		return nil, err
	}
	if a := c.Author(); a.Type != ledger.TypeOrganisation && !actsFor(a, b.Country, rolesPledge) {
		return nil, problem.Forbidden("author", "event.author", "a Track 2 event is published by an organisation, or by an authority of the host state (%s) with the %s role; %q is neither", b.Country, rolesText(rolesPledge), a.ID)
	}
	return nil, nil
}

// formatValue writes a number for summaries: thousands separated, no
// needless decimals.
func formatValue(v float64) string { return chart.Number(v) }
