// Package security is the module of security confidence-building: naval
// facilities and their declared roles, port calls at them, the openness of
// each facility measured from its port calls, notifications of military
// activities measured against notice norms, and states' disclosures of their
// posture abroad. A base that "welcomes requests from all nations", prior
// notice of exercises and openness about bases abroad reduce miscalculation;
// here each becomes signed, public, measurable data.
//
// # Kinds and subjects
//
//	facility              facilities/<host>/<slug>      the host's defence or port-access authority
//	portcall.request      portcalls/<host>/<slug>       a member state for itself; the host for a non-member
//	portcall.decision     portcalls/<host>/<slug>       the host's port-access authority
//	portcall.amendment    portcalls/<host>/<slug>       the host's port-access authority
//	portcall.report       portcalls/<host>/<slug>       the host (completed or cancelled); the requester may cancel
//	activity.notify       activities/<state>/<slug>     the conducting state's defence authority
//	activity.amend        activities/<state>/<slug>     the same
//	activity.cancel       activities/<state>/<slug>     the same
//	activity.observed     observations/<state>/<slug>   any member state's defence authority
//	posture               postures/<state>/<year>       the state's defence authority
//
// A port call is one subject whose successive versions are its life: the
// request, the host's decision, amendments, and the report that it was
// completed or cancelled. Each kind checks the transition from the state the
// previous version left (Head.Data), so the whole history of a visit reads
// as one subject's history, each step signed by whoever was entitled to take
// it, and the policy is a small state machine rather than a web of refs.
//
// Who may request: a member state's authorities request port calls for
// their own navy. A non-member state (Japan, Russia, the United States…) is
// not a party of the register, so the host records the requests it receives
// from them: the register is about what the host decides on its soil. Each
// request says which channel it came through ("member" or "recorded by
// host"), and the pages show it.
//
// # Dates and what is verifiable
//
// Visits and activities have dates, not times. A record's own time is the
// envelope time its author signed; the register checks that the versions of
// a subject never go back in time, and that a visit is not reported
// completed before its arrival date, but it keeps no clock in its rules (a
// Check must give the same answer when the log is replayed). Notice is
// measured from the first notification's envelope date to the activity's
// start: that date is signed by the notifier and the record's place in the
// log bounds it, since the record cannot have been published before the
// first checkpoint that includes it, which any watcher of the log or any
// witness cosignature (which carries a timestamp) can attest. Dates stated
// in bodies (when a request was made or decided, outside the register) are
// the author's statements and are shown as such.
//
// A record about an activity that began before the register was founded
// (before its charter's date) is historical: its notice is not measured.
// Anything that depends on today's date (upcoming, in progress, a decision
// or a report overdue) is computed when a page or answer is made, never
// stored by the projection, so that a rebuild equals the live tables.
package security

import (
	"embed"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/kongsi/kongsi/internal/i18n"
	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/projector"
)

// The module's kinds.
const (
	KindFacility          = "facility"
	KindPortCallRequest   = "portcall.request"
	KindPortCallDecision  = "portcall.decision"
	KindPortCallAmendment = "portcall.amendment"
	KindPortCallReport    = "portcall.report"
	KindActivityNotify    = "activity.notify"
	KindActivityAmend     = "activity.amend"
	KindActivityCancel    = "activity.cancel"
	KindActivityObserved  = "activity.observed"
	KindPosture           = "posture"
)

// Roles the module's kinds need.
const (
	RoleDefence    = "defence"
	RolePortAccess = "port-access"
)

// DateFormat is the layout of dates in bodies.
const DateFormat = "2006-01-02"

//go:embed schemas/*.json
var schemaFiles embed.FS

func schema(name string) []byte {
	b, err := schemaFiles.ReadFile("schemas/" + name + ".json")
	if err != nil {
		panic(err) // embedded at build time
	}
	return b
}

// Options configure the module.
type Options struct {
	// Norms are the notice norms activities are measured against;
	// DefaultNorms if zero.
	Norms Norms
	// Now gives today's date for what depends on it (upcoming, overdue);
	// time.Now if nil.
	Now func() time.Time
}

// Module is the security module.
type Module struct {
	norms Norms
	now   func() time.Time
}

// New returns the module with the default norms.
func New() *Module { return NewWithOptions(Options{}) }

// NewWithOptions returns the module configured by opts.
func NewWithOptions(opts Options) *Module {
	m := &Module{norms: opts.Norms, now: opts.Now}
	if m.norms.IsZero() {
		m.norms = DefaultNorms()
	}
	if m.now == nil {
		m.now = time.Now
	}
	return m
}

// Name is the module's name.
func (*Module) Name() string { return "security" }

// Norms are the notice norms the module measures activities against.
func (m *Module) Norms() Norms { return m.norms }

// today is the current date, in UTC.
func (m *Module) today() time.Time {
	t := m.now().UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

var (
	facilitySubject    = regexp.MustCompile(`^facilities/[a-z]{3}/[a-z0-9][a-z0-9-]{0,79}$`)
	portCallSubject    = regexp.MustCompile(`^portcalls/[a-z]{3}/[a-z0-9][a-z0-9-]{0,79}$`)
	activitySubject    = regexp.MustCompile(`^activities/[a-z]{3}/[a-z0-9][a-z0-9-]{0,79}$`)
	observationSubject = regexp.MustCompile(`^observations/[a-z]{3}/[a-z0-9][a-z0-9-]{0,79}$`)
	postureSubject     = regexp.MustCompile(`^postures/[a-z]{3}/[0-9]{4}$`)
)

// Kinds are the module's kinds.
func (*Module) Kinds() []*ledger.Kind {
	return []*ledger.Kind{
		{
			Name: KindFacility, Title: "Facility",
			Doc:         "A naval base or port: where it is, who operates it, what it is for and who may use it. Published and versioned by an authority of the host state holding the \"defence\" or \"port-access\" role; each later version says what changed.",
			Schema:      schema(KindFacility),
			Subject:     facilitySubject,
			SubjectHelp: "facilities/<host state>/<slug>",
			Check:       checkFacility,
			Roles:       []string{RoleDefence, RolePortAccess},
			Summary:     summary(func(_ *i18n.Locale, b *FacilityBody) string { return b.Name }),
		},
		{
			Name: KindPortCallRequest, Title: "Port-call request",
			Doc:         "A request for a port call at a facility: the visiting state, its vessels, dates and purpose. A member state requests for itself through an authority holding \"defence\" or \"port-access\"; the host's \"port-access\" authority records requests from states that are not members.",
			Schema:      schema(KindPortCallRequest),
			Subject:     portCallSubject,
			SubjectHelp: "portcalls/<host state>/<slug>",
			Check:       checkRequest,
			Roles:       []string{RoleDefence, RolePortAccess},
			Summary: summary(func(l *i18n.Locale, b *RequestBody) string {
				return l.T("Port call by %s, from %s", l.Country(b.RequestingState, StateName(b.RequestingState)), b.Arrival)
			}),
		},
		{
			Name: KindPortCallDecision, Title: "Port-call decision",
			Doc:         "The host state's decision on a pending port-call request: approved, or declined with a reason. Only an authority of the host state holding \"port-access\" decides, once.",
			Schema:      schema(KindPortCallDecision),
			Subject:     portCallSubject,
			SubjectHelp: "portcalls/<host state>/<slug>",
			Check:       checkDecision,
			Roles:       []string{RolePortAccess},
			Summary: summary(func(l *i18n.Locale, b *DecisionBody) string {
				return l.T("Port call %s", l.T(b.Decision))
			}),
		},
		{
			Name: KindPortCallAmendment, Title: "Port-call amendment",
			Doc:         "The host state changes an approved port call: its dates, vessels or purpose, with the reason. Only an authority of the host state holding \"port-access\".",
			Schema:      schema(KindPortCallAmendment),
			Subject:     portCallSubject,
			SubjectHelp: "portcalls/<host state>/<slug>",
			Check:       checkAmendment,
			Roles:       []string{RolePortAccess},
			Summary:     summary(func(l *i18n.Locale, b *AmendmentBody) string { return l.T("Port call amended: %s", b.Reason) }),
		},
		{
			Name: KindPortCallReport, Title: "Port-call report",
			Doc:         "How a port call ended: completed (after it was approved, reported by the host) or cancelled (by the host, or withdrawn by the requesting member state).",
			Schema:      schema(KindPortCallReport),
			Subject:     portCallSubject,
			SubjectHelp: "portcalls/<host state>/<slug>",
			Check:       checkReport,
			Roles:       []string{RolePortAccess, RoleDefence},
			Summary:     summary(func(l *i18n.Locale, b *ReportBody) string { return l.T("Port call %s", l.T(b.Outcome)) }),
		},
		{
			Name: KindActivityNotify, Title: "Activity notification",
			Doc:         "Notice of a military activity: its type, participants, area (GeoJSON), dates and size. Published by the defence authority of the conducting state, which must take part; notice is measured from this record's date to the start.",
			Schema:      schema(KindActivityNotify),
			Subject:     activitySubject,
			SubjectHelp: "activities/<conducting state>/<slug>",
			Check:       checkNotify,
			Roles:       []string{RoleDefence},
			Summary:     summary(func(_ *i18n.Locale, b *ActivityBody) string { return b.Title }),
		},
		{
			Name: KindActivityAmend, Title: "Activity amendment",
			Doc:         "A new version of an activity notification, with what changed and why, by the same state.",
			Schema:      schema(KindActivityAmend),
			Subject:     activitySubject,
			SubjectHelp: "activities/<conducting state>/<slug>",
			Check:       checkAmend,
			Roles:       []string{RoleDefence},
			Summary:     summary(func(l *i18n.Locale, b *ActivityBody) string { return l.T("%s (amended)", b.Title) }),
		},
		{
			Name: KindActivityCancel, Title: "Activity cancellation",
			Doc:         "The conducting state cancels a notified activity before it ends, with the reason.",
			Schema:      schema(KindActivityCancel),
			Subject:     activitySubject,
			SubjectHelp: "activities/<conducting state>/<slug>",
			Check:       checkCancel,
			Roles:       []string{RoleDefence},
			Summary:     summary(func(l *i18n.Locale, b *CancelBody) string { return l.T("Activity cancelled: %s", b.Reason) }),
		},
		{
			Name: KindActivityObserved, Title: "Observed activity",
			Doc:         "A member state reports a military activity by others that it observed: listed as unnotified until a conducting state notifies it and names this report.",
			Schema:      schema(KindActivityObserved),
			Subject:     observationSubject,
			SubjectHelp: "observations/<observing state>/<slug>",
			Check:       checkObserved,
			Roles:       []string{RoleDefence},
			Summary:     summary(func(l *i18n.Locale, b *ObservedBody) string { return l.T("%s (observed)", b.Title) }),
		},
		{
			Name: KindPosture, Title: "Posture disclosure",
			Doc:         "A state's disclosure of its military facilities abroad and their roles, for a year. Published by its defence authority; later versions correct it and say why.",
			Schema:      schema(KindPosture),
			Subject:     postureSubject,
			SubjectHelp: "postures/<state>/<year>",
			Check:       checkPosture,
			Roles:       []string{RoleDefence},
			Summary: summary(func(l *i18n.Locale, b *PostureBody) string {
				if len(b.FacilitiesAbroad) == 1 {
					return l.T("Posture disclosure %s: 1 facility abroad", strconv.Itoa(b.Year))
				}
				return l.T("Posture disclosure %s: %s facilities abroad", strconv.Itoa(b.Year), strconv.Itoa(len(b.FacilitiesAbroad)))
			}),
		},
	}
}

// summary adapts a function of a decoded body to a Kind's Summary.
func summary[T any](f func(*i18n.Locale, *T) string) func(*i18n.Locale, json.RawMessage) string {
	return func(l *i18n.Locale, raw json.RawMessage) string {
		var b T
		if json.Unmarshal(raw, &b) != nil {
			return ""
		}
		return f(l, &b)
	}
}

// Projections are the module's projections.
func (*Module) Projections() []projector.Projection { return []projector.Projection{projection{}} }

// Source is where a fact was published.
type Source struct {
	Title     string `json:"title"`
	Publisher string `json:"publisher,omitempty"`
	URL       string `json:"url,omitempty"`
	Date      string `json:"date,omitempty"`
}

// Location is a place in WGS 84 degrees.
type Location struct {
	Lon       float64 `json:"lon"`
	Lat       float64 `json:"lat"`
	Precision string  `json:"precision,omitempty"` // "exact" or "approximate"
}

// parseDate reads a date the schema has already checked.
func parseDate(s string) (time.Time, bool) {
	t, err := time.Parse(DateFormat, s)
	return t, err == nil
}

// recordDate is the date (UTC) of a record's envelope time.
func recordDate(c *ledger.Context) string { return c.Record.When.UTC().Format(DateFormat) }

// hostOf is the state segment of a subject: "khm" in "portcalls/khm/x".
func hostOf(subject string) string { return ledger.SubjectSegment(subject, 1) }

// requireStateAuthority refuses the record unless its author is an
// authority of state holding one of roles. rule names the refusal.
func requireStateAuthority(c *ledger.Context, state, rule, why string, roles ...string) error {
	a := c.Author()
	if c.AuthorState() != state || a.Type != ledger.TypeAuthority {
		return problem.Forbidden("author", rule, "%s: %q is not an authority of %q", why, c.Record.Author, state)
	}
	for _, r := range roles {
		if a.HasRole(r) {
			return nil
		}
	}
	return problem.Forbidden("author", rule, "%s: %q does not hold the role %s", why, c.Record.Author, orList(roles))
}

func orList(roles []string) string {
	q := make([]string, len(roles))
	for i, r := range roles {
		q[i] = fmt.Sprintf("%q", r)
	}
	return strings.Join(q, " or ")
}

// requireTimeOrder refuses a new version signed earlier than the previous
// one: a subject's history does not go back in time.
func requireTimeOrder(c *ledger.Context, prev time.Time) error {
	if c.Record.When.Before(prev) {
		return problem.Invalid("time", "security.time-order", "the record is dated %s, before the version it updates (%s)",
			c.Record.When.UTC().Format(time.RFC3339), prev.UTC().Format(time.RFC3339))
	}
	return nil
}
