package projects_test

import (
	"testing"

	"github.com/kongsi/kongsi/internal/ledger/ledgertest"
	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/projects"
)

func outreachBody() map[string]any {
	return map[string]any{
		"type": "consultation", "title": "Consultation with residents of Walini", "date": "2016-03-10",
		"place": "Walini, West Bandung Regency", "location": map[string]any{"point": []any{107.45, -6.93}},
		"participants": map[string]any{"count": 120, "description": "Residents whose land the route crosses"},
		"conducted_by": "PT Kereta Cepat Indonesia China", "activities": "Explained the route and compensation.",
		"sources": []any{map[string]any{"title": "A source"}},
	}
}

func commentBody(stance string) map[string]any {
	return map[string]any{"stance": stance, "text": "The meeting took place.", "stated_on": "2016-04-01"}
}

func TestOutreachPolicy(t *testing.T) {
	r := newRegister(t)
	f := r.f
	r.add(t, f.Sign(t, "idn.bappenas", projects.KindProject, subj, railway()))
	os := subj + "/outreach/walini-2016"
	o1 := f.Sign(t, "org.sponsor", projects.KindOutreach, os, outreachBody())
	future := with(outreachBody(), "date", "2031-01")
	abroad := with(outreachBody(), "location", map[string]any{"point": []any{101.69, 3.14}})
	backwards := with(outreachBody(), "end_date", "2016-02")
	for _, tc := range []struct {
		name  string
		entry []byte
		kind  error
		rule  string
	}{
		{"by the host government's foreign ministry", f.Sign(t, "idn.mfa", projects.KindOutreach, os, outreachBody()), problem.ErrForbidden, "outreach.author"},
		{"by an unrelated state", f.Sign(t, "vnm.mfa", projects.KindOutreach, os, outreachBody()), problem.ErrForbidden, "outreach.author"},
		{"by an unnamed organisation", f.Sign(t, "org.observer", projects.KindOutreach, os, outreachBody()), problem.ErrForbidden, "outreach.author"},
		{"in the future", f.Sign(t, "org.sponsor", projects.KindOutreach, os, future), problem.ErrInvalid, "outreach.future"},
		{"abroad", f.Sign(t, "org.sponsor", projects.KindOutreach, os, abroad), problem.ErrInvalid, "location.host"},
		{"ending before it starts", f.Sign(t, "org.sponsor", projects.KindOutreach, os, backwards), problem.ErrInvalid, "outreach.period"},
		{"unknown type", f.Sign(t, "org.sponsor", projects.KindOutreach, os, with(outreachBody(), "type", "party")), problem.ErrInvalid, "schema.enum"},
		{"for no project", f.Sign(t, "org.sponsor", projects.KindOutreach, "projects/idn-none/outreach/x", outreachBody()), problem.ErrInvalid, "project.unknown"},
	} {
		t.Run(tc.name, func(t *testing.T) { r.refuse(t, tc.entry, tc.kind, tc.rule) })
	}
	r.add(t, o1)
	r.refuse(t, f.Sign(t, "chn.ndrc", projects.KindOutreach, os, with(outreachBody(), "change_note", "x"), ledgertest.Prev(t, o1)), problem.ErrForbidden, "outreach.revise-author")
	r.refuse(t, f.Sign(t, "org.sponsor", projects.KindOutreach, os, outreachBody(), ledgertest.Prev(t, o1)), problem.ErrInvalid, "outreach.change-note")
	r.add(t, f.Sign(t, "chn.ndrc", projects.KindOutreach, subj+"/outreach/csr-2020", with(outreachBody(), "type", "csr", "location", nil)))

	// Comments: any authority of the host state, national or local.
	cs := os + "/comments/jabar"
	for _, tc := range []struct {
		name  string
		entry []byte
		kind  error
		rule  string
	}{
		{"by another state", f.Sign(t, "vnm.mfa", projects.KindComment, cs, commentBody("confirms")), problem.ErrForbidden, "comment.author"},
		{"by the sponsor", f.Sign(t, "org.sponsor", projects.KindComment, cs, commentBody("confirms")), problem.ErrForbidden, "comment.author"},
		{"on nothing", f.Sign(t, "idn.jabar", projects.KindComment, subj+"/outreach/none/comments/x", commentBody("confirms")), problem.ErrInvalid, "comment.unknown-outreach"},
		{"unknown stance", f.Sign(t, "idn.jabar", projects.KindComment, cs, commentBody("likes")), problem.ErrInvalid, "schema.enum"},
	} {
		t.Run(tc.name, func(t *testing.T) { r.refuse(t, tc.entry, tc.kind, tc.rule) })
	}
	c1 := f.Sign(t, "idn.jabar", projects.KindComment, cs, commentBody("disputes"))
	r.add(t, c1)
	r.refuse(t, f.Sign(t, "idn.bappenas", projects.KindComment, cs, commentBody("confirms"), ledgertest.Prev(t, c1)), problem.ErrForbidden, "comment.revise-author")
	r.add(t, f.Sign(t, "idn.jabar", projects.KindComment, cs, commentBody("adds"), ledgertest.Prev(t, c1)))
}

func election(status, date string) map[string]any {
	return map[string]any{"name": "General election", "level": "national", "office": "general", "date": date, "date_status": status,
		"sources": []any{map[string]any{"title": "Election commission"}}}
}

func TestElectionPolicy(t *testing.T) {
	r := newRegister(t)
	f := r.f
	for _, tc := range []struct {
		name  string
		entry []byte
		kind  error
		rule  string
	}{
		{"by another state", f.Sign(t, "vnm.mfa", projects.KindElection, "elections/mys/ge16", election("due", "2028-02")), problem.ErrForbidden, "election.author"},
		{"by a development authority", f.Sign(t, "mys.ekonomi", projects.KindElection, "elections/mys/ge16", election("due", "2028-02")), problem.ErrForbidden, "election.author"},
		{"by an organisation without the role", f.Sign(t, "org.observer", projects.KindElection, "elections/mys/ge16", election("due", "2028-02")), problem.ErrForbidden, "election.author"},
		{"in no member state", f.Sign(t, "mys.mfa", projects.KindElection, "elections/jpn/x", election("due", "2028")), problem.ErrInvalid, "election.state"},
		{"held in the future", f.Sign(t, "mys.mfa", projects.KindElection, "elections/mys/ge16", election("held", "2028-02-01")), problem.ErrInvalid, "election.held-future"},
		{"held without a day", f.Sign(t, "mys.mfa", projects.KindElection, "elections/mys/ge14", election("held", "2018-05")), problem.ErrInvalid, "election.date"},
		{"scheduled without a day", f.Sign(t, "mys.mfa", projects.KindElection, "elections/mys/ge16", election("scheduled", "2028")), problem.ErrInvalid, "election.date"},
		{"an outcome before the vote", f.Sign(t, "mys.mfa", projects.KindElection, "elections/mys/ge16", with(election("due", "2028"), "outcome", "A landslide.")), problem.ErrInvalid, "election.outcome"},
		{"not a date", f.Sign(t, "mys.mfa", projects.KindElection, "elections/mys/ge16", election("due", "2028-13")), problem.ErrInvalid, "schema.pattern"},
		{"not a calendar day", f.Sign(t, "mys.mfa", projects.KindElection, "elections/mys/ge16", election("scheduled", "2027-02-29")), problem.ErrInvalid, "date.calendar"},
	} {
		t.Run(tc.name, func(t *testing.T) { r.refuse(t, tc.entry, tc.kind, tc.rule) })
	}
	r.add(t,
		f.Sign(t, "mys.mfa", projects.KindElection, "elections/mys/ge14", with(election("held", "2018-05-09"), "government_changed", true)),
		f.Sign(t, "org.elections", projects.KindElection, "elections/mys/ge16", election("due", "2028-02")),
	)
}
