package projects

import (
	"encoding/json"
	"html/template"
	"net/http"

	"github.com/kongsi/kongsi/internal/browse"
	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/web"
)

// bodyView is what the record page's renderer of a kind gets.
type bodyView struct {
	labels
	Record  *browse.Record
	Body    any
	Project string // the project's identifier, for records about one
	Name    string // the project's name
}

// body renders the body of a record of one of the module's kinds.
func (h *handlers) body(fragment string) web.BodyRenderer {
	return func(r *http.Request, rec *browse.Record) (template.HTML, error) {
		v := bodyView{labels: h.labelsFor(r), Record: rec}
		switch rec.Kind {
		case KindProject:
			v.Body = new(Body)
		case KindStatus:
			v.Body = new(StatusBody)
		case KindDesignation:
			v.Body = new(DesignationBody)
		case KindOutreach:
			v.Body = new(OutreachBody)
		case KindComment:
			v.Body = new(CommentBody)
		case KindElection:
			v.Body = new(ElectionBody)
		}
		if v.Body != nil {
			if err := json.Unmarshal(rec.Body, v.Body); err != nil {
				return "", err
			}
		}
		if rec.Kind != KindElection {
			v.Project = projectID(rec.Subject)
			if s, err := Get(r.Context(), h.site.Node.Store, v.Project); err == nil {
				v.Name = s.Name
			}
		}
		return h.site.RenderFragment(r, "projects-bodies", fragment, v)
	}
}

// partySection lists a state's projects and elections, or what an
// authority or organisation published about projects.
func (h *handlers) partySection(r *http.Request, p *browse.Party) (template.HTML, error) {
	ctx := r.Context()
	d := struct {
		labels
		Party     *browse.Party
		Hosted    []*Summary
		Total     int
		Published int
		Elections []*Election
	}{labels: h.labelsFor(r), Party: p}
	var err error
	switch p.Type {
	case ledger.TypeState:
		if d.Hosted, d.Total, err = List(ctx, h.site.Node.Store, Filter{Country: p.ID, Page: 1}, 10); err != nil {
			return "", err
		}
		es, err := Elections(ctx, h.site.Node.Store, p.ID)
		if err != nil {
			return "", err
		}
		markUpcoming(es, h.m.now())
		for _, e := range es {
			if e.Upcoming {
				d.Elections = append(d.Elections, e)
			}
		}
	default:
		q := browse.Query{Author: p.ID, Kind: "project"}
		n, err := browse.Count(ctx, h.site.Node.Store, q)
		if err != nil {
			return "", err
		}
		m, err := browse.Count(ctx, h.site.Node.Store, browse.Query{Author: p.ID, Kind: "project."})
		if err != nil {
			return "", err
		}
		d.Published = n + m
	}
	if len(d.Hosted) == 0 && d.Published == 0 && len(d.Elections) == 0 {
		return "", nil
	}
	return h.site.RenderFragment(r, "projects-bodies", "partySection", d)
}

// homeSection sums up the register's projects.
func (h *handlers) homeSection(r *http.Request) (template.HTML, error) {
	ctx := r.Context()
	all, _, err := List(ctx, h.site.Node.Store, Filter{}, 0)
	if err != nil {
		return "", err
	}
	if len(all) == 0 {
		return "", nil
	}
	d := struct {
		Projects, Confirmed, Claimed, Disputed, Halted int
		Next                                           *Election
	}{Projects: len(all)}
	for _, p := range all {
		switch p.Designation {
		case DesignationConfirmed:
			d.Confirmed++
		case DesignationClaimed:
			d.Claimed++
		case DesignationDisputed:
			d.Disputed++
		}
		if p.Halt != "" {
			d.Halted++
		}
	}
	es, err := Elections(ctx, h.site.Node.Store, "")
	if err != nil {
		return "", err
	}
	markUpcoming(es, h.m.now())
	for _, e := range es {
		if e.Upcoming && (d.Next == nil || e.LastDay < d.Next.LastDay) {
			d.Next = e
		}
	}
	return h.site.RenderFragment(r, "projects-bodies", "homeSection", d)
}
