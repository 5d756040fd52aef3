package projects

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/record"
)

// ProjectState is what the ledger keeps of a project between its records
// (Head.Data of projects/<id>): who may speak about it, and where it stands.
type ProjectState struct {
	Host string
	// Publisher published the first version. PublisherState is its state,
	// "" when it is an organisation (an importer).
	Publisher      string
	PublisherState string
	Importer       bool
	// SponsorCountries are the countries of the sponsors, sorted;
	// SponsorParties the organisations named as sponsors' representatives.
	SponsorCountries []string
	SponsorParties   []string
	Status           string
	Halt             string
}

// isHostGovernment reports whether p speaks for the host state's
// government in project matters.
func isHostGovernment(p *ledger.Party, host string) bool {
	return p != nil && p.Type == ledger.TypeAuthority && p.State == host && hasAnyRole(p, RoleDevelopment, ledger.RoleGovernance)
}

// isDesignating reports whether p is a designating authority for a project
// hosted by host.
func isDesignating(p *ledger.Party, host string) bool {
	return p != nil && p.Type == ledger.TypeAuthority && p.State != host && p.HasRole(RoleBRIDesignation)
}

// isSponsorSide reports whether p speaks for the project's sponsors.
func (s *ProjectState) isSponsorSide(p *ledger.Party) bool {
	if p == nil {
		return false
	}
	switch p.Type {
	case ledger.TypeAuthority:
		return p.HasRole(RoleDevelopment) && slices.Contains(s.SponsorCountries, p.State)
	case ledger.TypeOrganisation:
		return p.HasRole(RoleSponsor) && slices.Contains(s.SponsorParties, p.ID)
	}
	return false
}

// isPublisherSide reports whether p speaks for the project's publisher.
func (s *ProjectState) isPublisherSide(p *ledger.Party) bool {
	switch {
	case p == nil:
		return false
	case p.ID == s.Publisher:
		return true
	case s.Importer || s.PublisherState == "" || p.Type != ledger.TypeAuthority || p.State != s.PublisherState:
		return false
	case s.PublisherState == s.Host:
		return hasAnyRole(p, RoleDevelopment, ledger.RoleGovernance)
	default:
		return p.HasRole(RoleDevelopment)
	}
}

// projectOf returns the state of the project a subject belongs to.
func projectOf(c *ledger.Context, id string) (*ProjectState, error) {
	h, ok := c.HeadOf(ProjectSubject(id))
	if !ok {
		return nil, problem.Invalid("subject", "project.unknown", "there is no project %q in this register; publish it first", id)
	}
	ps, ok := h.Data.(*ProjectState)
	if !ok {
		return nil, fmt.Errorf("logic error: the head of %s holds %T", ProjectSubject(id), h.Data)
	}
	return ps, nil
}

// projectID returns the project identifier of a subject under projects/.
func projectID(subject string) string { return ledger.SubjectSegment(subject, 1) }

// recordDay is the day a record was signed, as a date string.
func recordDay(r *record.Record) string { return r.When.UTC().Format("2006-01-02") }

// checkPartialDate refuses a partial date that is not a calendar date.
func checkPartialDate(field, s string) error {
	if s == "" {
		return nil
	}
	if _, _, ok := DateRange(s); !ok {
		return problem.Invalid(field, "date.calendar", "%q is not a calendar date (YYYY-MM-DD, YYYY-MM or YYYY)", s)
	}
	return nil
}

// checkNotAfter refuses a date whose first possible day is after limit (a
// full date).
func checkNotAfter(field, s, limit, rule, what string) error {
	first, _, ok := DateRange(s)
	if !ok {
		return checkPartialDate(field, s)
	}
	if first.Format("2006-01-02") > limit {
		return problem.Invalid(field, rule, "%s %s is after %s", what, s, limit)
	}
	return nil
}

func checkHalt(h *Halt, status, asOf, field string) error {
	if h == nil {
		return nil
	}
	if status == "cancelled" || status == "decommissioned" {
		return problem.Invalid(field, "project.halt-status", "a %s project is not %s: a halt is for a project that may resume", status, h.State)
	}
	if h.Since == "" {
		return nil
	}
	return checkNotAfter(field+".since", h.Since, asOf, "project.halt-since", "the halt's start")
}

func checkProject(c *ledger.Context) (any, error) {
	var b Body
	if err := c.Decode(&b); err != nil {
		return nil, err
	}
	id := projectID(c.Record.Subject)
	var prev *ProjectState
	if c.Head != nil {
		prev, _ = c.Head.Data.(*ProjectState)
		if prev == nil {
			return nil, fmt.Errorf("logic error: the head of %s holds %T", c.Record.Subject, c.Head.Data)
		}
		if b.Host != prev.Host {
			return nil, problem.Invalid("body.host", "project.host-change", "the project is hosted by %q; its host does not change", prev.Host)
		}
	}
	if !strings.HasPrefix(id, b.Host+"-") {
		return nil, problem.Invalid("body.host", "project.id-host", "a project's identifier starts with its host's code: a project hosted by %q is projects/%s-<name>, not %s", b.Host, b.Host, c.Record.Subject)
	}
	if host, ok := c.Party(b.Host); !ok || host.Type != ledger.TypeState {
		return nil, problem.Invalid("body.host", "project.host", "%q is not a member state of this register", b.Host)
	}
	if err := checkProjectFacts(c, &b); err != nil {
		return nil, err
	}
	a := c.Author()
	state := &ProjectState{Host: b.Host, Status: b.Status}
	if b.Halt != nil {
		state.Halt = b.Halt.State
	}
	for _, s := range b.Sponsors {
		if s.Country != "" && !slices.Contains(state.SponsorCountries, s.Country) {
			state.SponsorCountries = append(state.SponsorCountries, s.Country)
		}
		if s.Party != "" && !slices.Contains(state.SponsorParties, s.Party) {
			state.SponsorParties = append(state.SponsorParties, s.Party)
		}
	}
	slices.Sort(state.SponsorCountries)
	slices.Sort(state.SponsorParties)

	if prev == nil {
		if b.ChangeNote != "" {
			return nil, problem.Invalid("body.change_note", "project.first-version", "the first version of a project has no change note")
		}
		switch {
		case a.Type == ledger.TypeOrganisation && a.HasRole(RoleImporter):
			state.Importer = true
		case isHostGovernment(a, b.Host):
		case a.Type == ledger.TypeAuthority && a.HasRole(RoleDevelopment) && slices.Contains(state.SponsorCountries, a.State):
		default:
			return nil, problem.Forbidden("author", "project.publisher",
				"%q may not publish a project hosted by %q: a project is published by the host government (an authority of %q holding %q or %q), by a development authority of one of its sponsors' countries, or by an importer organisation naming its dataset",
				a.ID, b.Host, b.Host, RoleDevelopment, ledger.RoleGovernance)
		}
		state.Publisher = a.ID
		if a.Type == ledger.TypeAuthority {
			state.PublisherState = a.State
		}
	} else {
		if !prev.isPublisherSide(a) {
			return nil, problem.Forbidden("author", "project.revise-author", "%s is described by its publisher %q; %q may update its status (kind %s) if it is its host government or sponsor side, but does not revise the description", c.Record.Subject, prev.Publisher, a.ID, KindStatus)
		}
		if b.ChangeNote == "" {
			return nil, problem.Invalid("body.change_note", "project.change-note", "a new version of a project says what changed in change_note")
		}
		state.Publisher, state.PublisherState, state.Importer = prev.Publisher, prev.PublisherState, prev.Importer
	}
	if state.Importer && b.Provenance == nil {
		return nil, problem.Invalid("body.provenance", "project.provenance", "an importer reports a project from a dataset: name it in provenance (publisher, dataset, version, record)")
	}
	if !state.Importer && b.Provenance != nil {
		return nil, problem.Invalid("body.provenance", "project.provenance", "only a project reported by an importer organisation has provenance; an authority publishes in its own name and cites sources")
	}
	return state, nil
}

// checkProjectFacts checks what the schema cannot: dates, the location, the
// sponsors' representatives.
func checkProjectFacts(c *ledger.Context, b *Body) error {
	today := recordDay(c.Record)
	if b.AsOf > today {
		return problem.Invalid("body.as_of", "project.as-of-future", "the record speaks as of %s, after the day it was signed (%s)", b.AsOf, today)
	}
	if err := checkHalt(b.Halt, b.Status, b.AsOf, "body.halt"); err != nil {
		return err
	}
	for i, s := range b.Sector {
		if p := SectorParent(s); p != "" && !slices.Contains(b.Sector, p) {
			return problem.Invalid(fmt.Sprintf("body.sector[%d]", i), "project.sector-parent", "the subsector %q comes with its sector %q (as OC4IDS asks)", s, p)
		}
	}
	if b.Period != nil {
		if err := checkPartialDate("body.period.start", b.Period.Start); err != nil {
			return err
		}
		if err := checkPartialDate("body.period.end", b.Period.End); err != nil {
			return err
		}
		if b.Period.Start != "" && b.Period.End != "" {
			s, _, _ := DateRange(b.Period.Start)
			_, e, _ := DateRange(b.Period.End)
			if e.Before(s) {
				return problem.Invalid("body.period.end", "project.period", "the period ends (%s) before it starts (%s)", b.Period.End, b.Period.Start)
			}
		}
	}
	for i, m := range b.Milestones {
		f := fmt.Sprintf("body.milestones[%d].date", i)
		if err := checkPartialDate(f, m.Date); err != nil {
			return err
		}
		if m.Status == "met" {
			if err := checkNotAfter(f, m.Date, b.AsOf, "project.milestone-future", "a milestone met on"); err != nil {
				return err
			}
		}
	}
	if b.Location != nil {
		if err := CheckLocation(b.Host, b.Location, "body.location"); err != nil {
			return err
		}
	}
	for i, f := range b.Financing {
		if (f.Amount > 0) != (f.Currency != "") {
			return problem.Invalid(fmt.Sprintf("body.financing[%d]", i), "project.amount-currency", "an amount comes with its currency, and a currency with its amount")
		}
	}
	for i, s := range b.Sponsors {
		if s.Party == "" {
			continue
		}
		p, ok := c.Party(s.Party)
		if !ok || p.Type != ledger.TypeOrganisation || !p.HasRole(RoleSponsor) {
			return problem.Invalid(fmt.Sprintf("body.sponsors[%d].party", i), "project.sponsor-party", "%q is not an organisation of this register holding the %q role, so it cannot represent a sponsor", s.Party, RoleSponsor)
		}
	}
	return nil
}

func checkStatus(c *ledger.Context) (any, error) {
	var b StatusBody
	if err := c.Decode(&b); err != nil {
		return nil, err
	}
	if c.Head == nil {
		return nil, problem.Invalid("subject", "project.unknown", "there is no project %q in this register; publish it first", projectID(c.Record.Subject))
	}
	prev, ok := c.Head.Data.(*ProjectState)
	if !ok {
		return nil, fmt.Errorf("logic error: the head of %s holds %T", c.Record.Subject, c.Head.Data)
	}
	a := c.Author()
	if !prev.isPublisherSide(a) && !isHostGovernment(a, prev.Host) && !prev.isSponsorSide(a) {
		return nil, problem.Forbidden("author", "project.status-author",
			"%q has no standing to change the status of %s: that is for its publisher (%q), its host government (an authority of %q holding %q or %q) or its sponsor side",
			a.ID, c.Record.Subject, prev.Publisher, prev.Host, RoleDevelopment, ledger.RoleGovernance)
	}
	if today := recordDay(c.Record); b.AsOf > today {
		return nil, problem.Invalid("body.as_of", "project.as-of-future", "the status is given as of %s, after the day it was signed (%s)", b.AsOf, today)
	}
	if err := checkHalt(b.Halt, b.Status, b.AsOf, "body.halt"); err != nil {
		return nil, err
	}
	next := *prev
	next.Status, next.Halt = b.Status, ""
	if b.Halt != nil {
		next.Halt = b.Halt.State
	}
	return &next, nil
}
