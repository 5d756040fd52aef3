package projects

import (
	"fmt"
	"strings"

	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/problem"
)

// OutreachState is what the ledger keeps of an outreach report (Head.Data
// of projects/<id>/outreach/<slug>).
type OutreachState struct {
	Project string
	Host    string
	// Reporter reported the first version; ReporterState is its state, ""
	// for an organisation.
	Reporter      string
	ReporterState string
}

func checkOutreach(c *ledger.Context) (any, error) {
	var b OutreachBody
	if err := c.Decode(&b); err != nil {
		return nil, err
	}
	id := projectID(c.Record.Subject)
	ps, err := projectOf(c, id)
	if err != nil {
		return nil, err
	}
	a := c.Author()
	if !ps.isSponsorSide(a) {
		return nil, problem.Forbidden("author", "outreach.author", "outreach is reported by the sponsor side of %q (a development authority of a sponsor's country, or an organisation named as a sponsor's representative); %q is not", id, a.ID)
	}
	state := &OutreachState{Project: id, Host: ps.Host, Reporter: a.ID}
	if a.Type == ledger.TypeAuthority {
		state.ReporterState = a.State
	}
	if c.Head != nil {
		prev, ok := c.Head.Data.(*OutreachState)
		if !ok {
			return nil, fmt.Errorf("logic error: the head of %s holds %T", c.Record.Subject, c.Head.Data)
		}
		if a.ID != prev.Reporter && (prev.ReporterState == "" || a.State != prev.ReporterState) {
			return nil, problem.Forbidden("author", "outreach.revise-author", "this report is %q's; %q may report its own outreach under another subject", prev.Reporter, a.ID)
		}
		if b.ChangeNote == "" {
			return nil, problem.Invalid("body.change_note", "outreach.change-note", "a corrected report says what changed in change_note")
		}
		state.Reporter, state.ReporterState = prev.Reporter, prev.ReporterState
	} else if b.ChangeNote != "" {
		return nil, problem.Invalid("body.change_note", "outreach.first-version", "the first version of a report has no change note")
	}
	today := recordDay(c.Record)
	if err := checkNotAfter("body.date", b.Date, today, "outreach.future", "outreach is reported once it has happened: it took place on"); err != nil {
		return nil, err
	}
	if b.EndDate != "" {
		if err := checkPartialDate("body.end_date", b.EndDate); err != nil {
			return nil, err
		}
		s, _, _ := DateRange(b.Date)
		_, e, _ := DateRange(b.EndDate)
		if e.Before(s) {
			return nil, problem.Invalid("body.end_date", "outreach.period", "the activity ends (%s) before it starts (%s)", b.EndDate, b.Date)
		}
	}
	if b.Location != nil {
		if err := CheckLocation(ps.Host, b.Location, "body.location"); err != nil {
			return nil, err
		}
	}
	return state, nil
}

// CommentState is what the ledger keeps of a comment.
type CommentState struct {
	Author string
}

func checkComment(c *ledger.Context) (any, error) {
	var b CommentBody
	if err := c.Decode(&b); err != nil {
		return nil, err
	}
	outreach := c.Record.Subject[:strings.LastIndex(c.Record.Subject, "/comments/")]
	h, ok := c.HeadOf(outreach)
	if !ok {
		return nil, problem.Invalid("subject", "comment.unknown-outreach", "there is no outreach report %q to comment on", outreach)
	}
	os, ok := h.Data.(*OutreachState)
	if !ok {
		return nil, fmt.Errorf("logic error: the head of %s holds %T", outreach, h.Data)
	}
	a := c.Author()
	if a.Type != ledger.TypeAuthority || a.State != os.Host {
		return nil, problem.Forbidden("author", "comment.author", "outreach in %q is commented on by that state's authorities, national or local; %q is not one of them", os.Host, a.ID)
	}
	if c.Head != nil {
		prev, _ := c.Head.Data.(*CommentState)
		if prev == nil || prev.Author != a.ID {
			return nil, problem.Forbidden("author", "comment.revise-author", "this comment is by another authority; comment under a subject of your own")
		}
	}
	if today := recordDay(c.Record); b.StatedOn > today {
		return nil, problem.Invalid("body.stated_on", "comment.future", "the comment is dated %s, after the day it was signed (%s)", b.StatedOn, today)
	}
	return &CommentState{Author: a.ID}, nil
}

// ElectionState is what the ledger keeps of an election.
type ElectionState struct {
	State string
}

func checkElection(c *ledger.Context) (any, error) {
	var b ElectionBody
	if err := c.Decode(&b); err != nil {
		return nil, err
	}
	state := ledger.SubjectSegment(c.Record.Subject, 1)
	if p, ok := c.Party(state); !ok || p.Type != ledger.TypeState {
		return nil, problem.Invalid("subject", "election.state", "%q is not a member state of this register", state)
	}
	a := c.Author()
	switch {
	case a.Type == ledger.TypeAuthority && a.State == state && hasAnyRole(a, ledger.RoleGovernance, RoleElections):
	case a.Type == ledger.TypeOrganisation && a.HasRole(RoleElections):
	default:
		return nil, problem.Forbidden("author", "election.author", "an election in %q is published by that state's governance authority (or one holding %q), or by an organisation holding %q; %q is neither", state, RoleElections, RoleElections, a.ID)
	}
	if err := checkPartialDate("body.date", b.Date); err != nil {
		return nil, err
	}
	today := recordDay(c.Record)
	switch b.DateStatus {
	case "held":
		if !Precise(b.Date) {
			return nil, problem.Invalid("body.date", "election.date", "a held election has a polling day (YYYY-MM-DD)")
		}
		if b.Date > today {
			return nil, problem.Invalid("body.date_status", "election.held-future", "an election on %s has not been held on the day this record was signed (%s)", b.Date, today)
		}
	case "scheduled":
		if !Precise(b.Date) {
			return nil, problem.Invalid("body.date", "election.date", "a scheduled election has a polling day (YYYY-MM-DD); give the month or year it is due by with date_status \"due\"")
		}
		if b.Outcome != "" || b.GovernmentChanged != nil {
			return nil, problem.Invalid("body.outcome", "election.outcome", "an election has an outcome once it is held")
		}
	case "due":
		if b.Outcome != "" || b.GovernmentChanged != nil {
			return nil, problem.Invalid("body.outcome", "election.outcome", "an election has an outcome once it is held")
		}
	}
	return &ElectionState{State: state}, nil
}
