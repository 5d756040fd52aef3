// Package projects is the module of the project register: infrastructure
// and development projects in the member states, their Belt and Road
// designation, the community outreach of their sponsors, and the political
// risk an election calendar puts on them.
//
// Projects under the Belt and Road label need clear and distinct
// definitions: the label is abused when anyone may claim it, and failed
// private ventures that carry it tarnish it. Here the label is confirmed only
// when both China's designating authority and the host government attest it,
// and every claim, confirmation, denial and withdrawal is a signed record.
//
// # Kinds and who may sign them
//
// Sponsors (state-owned enterprises, private companies, policy banks) are
// not themselves parties of the register. A project is published by an
// authority, with its sponsors named in the body; an organisation admitted
// with the role "sponsor" may be named as a sponsor's representative
// (sponsors[].party). The parties that speak about a project are:
//
//   - its host government: an authority of the host state holding the
//     "development" or "governance" role;
//   - its sponsor side: an authority holding "development" of a state that
//     is the country of one of its sponsors (China's NDRC for a Chinese
//     sponsor), and the organisations named as sponsors' representatives;
//   - China's designating authority: an authority holding the
//     "bri-designation" role, of a state other than the host;
//   - its publisher: whoever published its first version, and the
//     authorities of the same state holding the same kind of role; or, for
//     a project reported by an importer organisation, that organisation.
//
// The kinds, with their subjects:
//
//   - project (projects/<id>): the project's description. The first version
//     is published by the host government, by a sponsor-side development
//     authority, or by an organisation holding "importer", which must name
//     the dataset it restates (provenance), so that the project is "reported
//     by" it and never passes for a state's word. Later versions are by the
//     publisher and say what changed.
//   - project.status (projects/<id>, a version of the project): a new
//     lifecycle status, or a halt (stalled, suspended), by the publisher, the
//     host government or the sponsor side.
//   - project.designation (projects/<id>/designation): a step of the Belt
//     and Road designation. The sponsor side (other than the attesters)
//     claims the label or withdraws its claim; China's designating authority
//     and the host government confirm, deny or withdraw a confirmation.
//   - project.outreach (projects/<id>/outreach/<slug>): a consultation,
//     community programme or CSR activity, reported by the sponsor side.
//   - project.outreach.comment (projects/<id>/outreach/<slug>/comments/<slug>):
//     what an authority of the host state (local authorities included) says
//     about an outreach report.
//   - election (elections/<state>/<slug>): a national or local election, by
//     the state's governance authority (or an authority holding
//     "elections"), or by an organisation holding "elections".
//
// A project's identifier starts with its host's code: "idn-jakarta-bandung-hsr".
//
// # Designation
//
// The designation's state is derived from the stances of its three voices
// (see Derive), deterministically, by the policy: confirmed when both
// attesters confirm; disputed when one confirms and the other denies or
// has withdrawn, or when a standing claim is denied; claimed while a claim
// or a single confirmation awaits the other attester; withdrawn when
// confirmations or the claim were withdrawn and nothing stands; denied when
// the attesters deny and nobody claims.
//
// # Political risk
//
// A project's exposure score (0–100) combines upcoming elections in its host
// country, its status, its sponsors' outreach in the last twelve months,
// disputes over its designation, and the type of its sponsors; every score
// shows its parts (see Score). It depends on today's date, so it is computed
// when a page or API answer is made, never stored.
package projects

import (
	"encoding/json"
	"regexp"
	"slices"
	"time"

	"github.com/kongsi/kongsi/internal/i18n"
	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/projector"
)

// The kinds' names.
const (
	KindProject     = "project"
	KindStatus      = "project.status"
	KindDesignation = "project.designation"
	KindOutreach    = "project.outreach"
	KindComment     = "project.outreach.comment"
	KindElection    = "election"
)

// Roles the module's policy reads.
const (
	RoleDevelopment    = "development"
	RoleBRIDesignation = "bri-designation"
	RoleImporter       = "importer"
	RoleSponsor        = "sponsor"
	RoleElections      = "elections"
)

// Module is the projects module.
type Module struct {
	// now is the clock of answers that depend on today's date.
	now func() time.Time
}

// New returns the module.
func New() *Module { return &Module{now: time.Now} }

// WithClock makes the module read today's date from now: for tests, and
// for answering as of another day.
func (m *Module) WithClock(now func() time.Time) *Module {
	m.now = now
	return m
}

// Name is the module's name.
func (*Module) Name() string { return "projects" }

const idPattern = `[a-z]{3}-[a-z0-9][a-z0-9-]{0,78}`
const slugPattern = `[a-z0-9][a-z0-9-]{0,79}`

var (
	projectSubject     = regexp.MustCompile(`^projects/` + idPattern + `$`)
	designationSubject = regexp.MustCompile(`^projects/` + idPattern + `/designation$`)
	outreachSubject    = regexp.MustCompile(`^projects/` + idPattern + `/outreach/` + slugPattern + `$`)
	commentSubject     = regexp.MustCompile(`^projects/` + idPattern + `/outreach/` + slugPattern + `/comments/` + slugPattern + `$`)
	electionSubject    = regexp.MustCompile(`^elections/[a-z]{3}/` + slugPattern + `$`)
	idRegexp           = regexp.MustCompile(`^` + idPattern + `$`)
)

// ValidID reports whether id is a well-formed project identifier.
func ValidID(id string) bool { return idRegexp.MatchString(id) }

// ProjectSubject is the subject of a project's records.
func ProjectSubject(id string) string { return "projects/" + id }

// DesignationSubject is the subject of a project's designation records.
func DesignationSubject(id string) string { return "projects/" + id + "/designation" }

// Kinds are the module's kinds.
func (*Module) Kinds() []*ledger.Kind {
	summary := func(field string) func(*i18n.Locale, json.RawMessage) string {
		return func(_ *i18n.Locale, b json.RawMessage) string {
			var m map[string]any
			json.Unmarshal(b, &m)
			s, _ := m[field].(string)
			return s
		}
	}
	return []*ledger.Kind{
		{
			Name: KindProject, Title: "Project",
			Doc:         "An infrastructure or development project in a member state, with its sponsors, financing, status and sources. Published by the host government (an authority holding \"development\" or \"governance\"), a sponsor-country development authority, or an importer organisation naming its dataset; revised by its publisher.",
			Schema:      schemaFile("project"),
			Subject:     projectSubject,
			SubjectHelp: "projects/<host>-<name>",
			Roles:       []string{RoleDevelopment, ledger.RoleGovernance, RoleImporter},
			Check:       checkProject,
			Summary:     summary("name"),
		},
		{
			Name: KindStatus, Title: "Project status update",
			Doc:         "A new lifecycle status of a project (OC4IDS projectStatus), or a halt, by its publisher, its host government or its sponsor side. A version of the project's subject.",
			Schema:      schemaFile("project.status"),
			Subject:     projectSubject,
			SubjectHelp: "projects/<host>-<name>",
			Roles:       []string{RoleDevelopment, ledger.RoleGovernance, RoleSponsor},
			Check:       checkStatus,
			Summary:     kindSummary(KindStatus),
		},
		{
			Name: KindDesignation, Title: "Belt and Road designation",
			Doc:         "A claim of the Belt and Road label by a project's sponsor side, or an attestation (confirm, deny, withdraw) by China's designating authority or the host government. The label is confirmed only when both attest it.",
			Schema:      schemaFile("project.designation"),
			Subject:     designationSubject,
			SubjectHelp: "projects/<project>/designation",
			Roles:       []string{RoleBRIDesignation, RoleDevelopment, ledger.RoleGovernance, RoleSponsor},
			Check:       checkDesignation,
			Summary:     kindSummary(KindDesignation),
		},
		{
			Name: KindOutreach, Title: "Community outreach",
			Doc:         "A consultation, community programme or CSR activity for a project, reported by its sponsor side: date, place, participants, what was done.",
			Schema:      schemaFile("project.outreach"),
			Subject:     outreachSubject,
			SubjectHelp: "projects/<project>/outreach/<name>",
			Roles:       []string{RoleDevelopment, RoleSponsor},
			Check:       checkOutreach,
			Summary:     summary("title"),
		},
		{
			Name: KindComment, Title: "Comment on outreach",
			Doc:         "An authority of a project's host state confirms, disputes or adds to a sponsor's outreach report.",
			Schema:      schemaFile("project.outreach.comment"),
			Subject:     commentSubject,
			SubjectHelp: "projects/<project>/outreach/<name>/comments/<name>",
			Roles:       []string{RoleDevelopment, ledger.RoleGovernance},
			Check:       checkComment,
			Summary:     kindSummary(KindComment),
		},
		{
			Name: KindElection, Title: "Election",
			Doc:         "A national or local election in a member state, with its date and source; published by the state's governance authority (or one holding \"elections\"), or an organisation holding \"elections\".",
			Schema:      schemaFile("election"),
			Subject:     electionSubject,
			SubjectHelp: "elections/<state>/<name>",
			Roles:       []string{ledger.RoleGovernance, RoleElections},
			Check:       checkElection,
			Summary:     summary("name"),
		},
	}
}

// kindSummary sums up the records of a kind, in a language.
func kindSummary(kind string) func(*i18n.Locale, json.RawMessage) string {
	return func(l *i18n.Locale, b json.RawMessage) string {
		s, _ := recordSummary(l, kind, b)
		return s
	}
}

// recordSummary sums up a record of a kind whose summary the module makes
// from its body, in a language; ok is false for other kinds, whose summary
// is what the record says (a name, a title).
func recordSummary(l *i18n.Locale, kind string, b json.RawMessage) (s string, ok bool) {
	switch kind {
	case KindStatus:
		var s StatusBody
		json.Unmarshal(b, &s)
		if s.Halt != nil {
			return l.T("Status: %s, %s", l.T(Statuses.Title(s.Status)), l.T(s.Halt.State)), true
		}
		return l.T("Status: %s", l.T(Statuses.Title(s.Status))), true
	case KindDesignation:
		var d DesignationBody
		json.Unmarshal(b, &d)
		return l.T("Belt and Road label: %s", l.T(actionTitle(d.Action))), true
	case KindComment:
		var c CommentBody
		json.Unmarshal(b, &c)
		return l.T("Comment: %s", l.T(CommentStances.Title(c.Stance))), true
	}
	return "", false
}

// Projections are the module's projections.
func (*Module) Projections() []projector.Projection { return []projector.Projection{projection{}} }

// hasAnyRole reports whether a party holds one of the roles.
func hasAnyRole(p *ledger.Party, roles ...string) bool {
	return p != nil && slices.ContainsFunc(roles, p.HasRole)
}
