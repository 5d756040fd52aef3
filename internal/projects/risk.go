package projects

import (
	"context"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/kongsi/kongsi/internal/i18n"
	"github.com/kongsi/kongsi/internal/store"
)

// Political risk: how exposed a project is to a change of stance by its
// host's government, the "cyclical political risk" of multiparty elections.
// The score (0–100) adds five parts, each shown with its reason:
//
//	elections    up to 30  the nearest upcoming election in the host state within
//	                       24 months: 30 for a national one, 15 for a local one,
//	                       times (1 − days until it / 730); an election not yet
//	                       scheduled counts from the last day it is due by
//	status       up to 25  halted (stalled or suspended) 25; implementation 20;
//	                       preparation 15; identification 10; completion 8;
//	                       in operation 5; decommissioning 2
//	outreach     up to 20  activities reported in the last 12 months: none 20,
//	                       one 12, two 6, three or more 0; projects that have
//	                       the people's support are hard to campaign against
//	designation  up to 15  disputed 15; withdrawn 10; claimed but not confirmed
//	                       8; denied 5; confirmed or none 0
//	sponsors     up to 10  the most exposed sponsor type: private company 10
//	                       (failed private ventures tarnish the label);
//	                       state-owned enterprise 7 (a state-to-state matter in
//	                       campaigns); policy bank 5; government 3;
//	                       unclassified sponsors count 0
//
// A cancelled or decommissioned project is closed: it has nothing left to
// flip, and scores 0.
const (
	ElectionHorizonDays = 730
	OutreachWindowDays  = 365
)

// Weights of the parts.
var (
	electionWeight    = map[string]float64{"national": 30, "local": 15}
	statusPoints      = map[string]float64{"implementation": 20, "preparation": 15, "identification": 10, "completion": 8, "maintenance": 5, "decommissioning": 2}
	haltPoints        = 25.0
	outreachPoints    = []float64{20, 12, 6, 0} // by activities in the window; the last for three or more
	designationPoints = map[string]float64{DesignationDisputed: 15, DesignationWithdrawn: 10, DesignationClaimed: 8, DesignationDenied: 5}
	sponsorPoints     = map[string]float64{"private-company": 10, "state-owned-enterprise": 7, "policy-bank": 5, "government": 3}
)

// Part is one part of a score.
type Part struct {
	Code        string  `json:"code"`
	Name        string  `json:"name"`
	Points      float64 `json:"points"`
	Max         float64 `json:"max"`
	Explanation string  `json:"explanation"`
}

// Score is a project's political risk on one day.
type Score struct {
	Project     string  `json:"project"`
	ProjectName string  `json:"project_name"`
	Host        string  `json:"host"`
	HostName    string  `json:"host_name"`
	Score       float64 `json:"score"`
	Closed      bool    `json:"closed"`
	Day         string  `json:"day"` // the day it was computed for
	Parts       []Part  `json:"parts"`
}

// RiskInput is what a score is computed from.
type RiskInput struct {
	Project, ProjectName string
	Host, HostName       string
	Status, Halt         string
	Designation          string
	SponsorTypes         []string
	OutreachDays         []string    // the last day of each outreach activity
	Elections            []*Election // the host's elections, any date
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }

// ComputeScore scores a project as of today, explaining in English.
func ComputeScore(in RiskInput, today time.Time) *Score { return computeScore(english, in, today) }

// computeScore scores a project as of today, naming and explaining the
// parts in a language.
func computeScore(l *i18n.Locale, in RiskInput, today time.Time) *Score {
	day := today.UTC().Format("2006-01-02")
	s := &Score{Project: in.Project, ProjectName: in.ProjectName, Host: in.Host, HostName: in.HostName, Day: day}
	if in.Status == "cancelled" || in.Status == "decommissioned" {
		s.Closed = true
		s.Parts = []Part{{Code: "status", Name: l.T("Status"), Max: 25,
			Explanation: l.T("The project is %s: it is closed, has nothing left to flip, and is not scored.", l.T(Statuses.Title(in.Status)))}}
		return s
	}
	s.Parts = []Part{
		electionPart(l, in, today),
		statusPart(l, in),
		outreachPart(l, in, today),
		designationPart(l, in),
		sponsorPart(l, in),
	}
	for _, p := range s.Parts {
		s.Score += p.Points
	}
	s.Score = round1(s.Score)
	return s
}

func electionPart(l *i18n.Locale, in RiskInput, today time.Time) Part {
	p := Part{Code: "elections", Name: l.T("Upcoming elections"), Max: 30}
	t0 := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	var best *Election
	bestPoints, bestDays := -1.0, 0
	for _, e := range in.Elections {
		if e.DateStatus == "held" || e.State != in.Host {
			continue
		}
		last, err := time.Parse("2006-01-02", e.LastDay)
		if err != nil {
			continue
		}
		days := int(last.Sub(t0).Hours() / 24)
		if days < 0 || days > ElectionHorizonDays {
			continue
		}
		pts := electionWeight[e.Level] * (1 - float64(days)/ElectionHorizonDays)
		if pts > bestPoints {
			best, bestPoints, bestDays = e, pts, days
		}
	}
	if best == nil {
		p.Explanation = l.T("No election in %s is on the register's calendar for the next 24 months.", l.Country(in.Host, in.HostName))
		return p
	}
	p.Points = round1(bestPoints)
	level, day, weight := l.T(codeTitle("level", best.Level)), formatDay(l, best.LastDay), electionWeight[best.Level]
	if best.DateStatus == "due" {
		p.Explanation = l.T("%s's %s (%s) is by %s at the latest, in %d days: %.0f × (1 − %d/%d) = %.1f.",
			l.Country(in.Host, in.HostName), best.Name, level, day, bestDays, weight, bestDays, ElectionHorizonDays, p.Points)
	} else {
		p.Explanation = l.T("%s's %s (%s) is on %s, in %d days: %.0f × (1 − %d/%d) = %.1f.",
			l.Country(in.Host, in.HostName), best.Name, level, day, bestDays, weight, bestDays, ElectionHorizonDays, p.Points)
	}
	return p
}

func formatDay(l *i18n.Locale, d string) string {
	t, err := time.Parse("2006-01-02", d)
	if err != nil {
		return d
	}
	return l.Date(t)
}

// stage is a status's name in the middle of a sentence: "implementation".
func stage(l *i18n.Locale, status string) string {
	return strings.ToLower(l.T(Statuses.Title(status)))
}

func statusPart(l *i18n.Locale, in RiskInput) Part {
	p := Part{Code: "status", Name: l.T("Status"), Max: 25}
	if in.Halt != "" {
		p.Points = haltPoints
		p.Explanation = l.T("The project is %s at the %s stage: a halted project is where a change of government bites first.", l.T(in.Halt), stage(l, in.Status))
		return p
	}
	p.Points = statusPoints[in.Status]
	p.Explanation = l.T("The project is at the %s stage (%.0f points: works and money under way but not delivered weigh most).", stage(l, in.Status), p.Points)
	return p
}

func outreachPart(l *i18n.Locale, in RiskInput, today time.Time) Part {
	p := Part{Code: "outreach", Name: l.T("Outreach in the last 12 months"), Max: 20}
	from := today.AddDate(0, 0, -OutreachWindowDays).Format("2006-01-02")
	to := today.Format("2006-01-02")
	n := 0
	for _, d := range in.OutreachDays {
		if d >= from && d <= to {
			n++
		}
	}
	p.Points = outreachPoints[min(n, len(outreachPoints)-1)]
	switch n {
	case 0:
		p.Explanation = l.T("No consultation, community programme or CSR activity was reported in the last 12 months.")
	case 1:
		p.Explanation = l.T("One outreach activity was reported in the last 12 months.")
	default:
		p.Explanation = l.T("%d outreach activities were reported in the last 12 months.", n)
	}
	return p
}

func designationPart(l *i18n.Locale, in RiskInput) Part {
	p := Part{Code: "designation", Name: l.T("Belt and Road designation"), Max: 15, Points: designationPoints[in.Designation]}
	switch in.Designation {
	case DesignationNone, "":
		p.Explanation = l.T("The label is neither claimed nor attested.")
	case DesignationConfirmed:
		p.Explanation = l.T("Both China's designating authority and the host government confirm the label: no dispute.")
	default:
		p.Explanation = l.T("The label is %s.", l.T(DesignationTitle(in.Designation)))
	}
	return p
}

func sponsorPart(l *i18n.Locale, in RiskInput) Part {
	p := Part{Code: "sponsors", Name: l.T("Sponsor type"), Max: 10}
	worst := ""
	for _, t := range in.SponsorTypes {
		if sponsorPoints[t] > p.Points {
			p.Points, worst = sponsorPoints[t], t
		}
	}
	if worst == "" {
		p.Explanation = l.T("No sponsor is of a classified type that carries points.")
		return p
	}
	p.Explanation = l.T("The most exposed sponsor is a %s.", strings.ToLower(l.T(SponsorTypes.Title(worst))))
	return p
}

// RiskList scores the projects a filter selects as of today, highest
// first, explaining in English.
func RiskList(ctx context.Context, st store.Store, f Filter, today time.Time) ([]*Score, error) {
	return riskList(ctx, english, st, f, today)
}

// riskList is RiskList, explaining in a language.
func riskList(ctx context.Context, l *i18n.Locale, st store.Store, f Filter, today time.Time) ([]*Score, error) {
	list, _, err := List(ctx, st, f, 0)
	if err != nil {
		return nil, err
	}
	days, err := outreachDays(ctx, st)
	if err != nil {
		return nil, err
	}
	elections, err := Elections(ctx, st, "")
	if err != nil {
		return nil, err
	}
	out := make([]*Score, 0, len(list))
	for _, p := range list {
		out = append(out, computeScore(l, riskInput(p, days[p.ID], elections), today))
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Closed != out[j].Closed {
			return !out[i].Closed
		}
		return out[i].Score > out[j].Score
	})
	return out, nil
}

func riskInput(p *Summary, outreach []string, elections []*Election) RiskInput {
	return RiskInput{
		Project: p.ID, ProjectName: p.Name, Host: p.Host, HostName: p.HostName, Status: p.Status, Halt: p.Halt,
		Designation: p.Designation, SponsorTypes: p.SponsorTypes, OutreachDays: outreach, Elections: elections,
	}
}

// markUpcoming sets each election's Upcoming and DaysUntil for today.
func markUpcoming(es []*Election, today time.Time) {
	t0 := today.UTC().Format("2006-01-02")
	for _, e := range es {
		e.Upcoming = e.DateStatus != "held" && e.LastDay >= t0
		if e.Upcoming {
			last, _ := time.Parse("2006-01-02", e.LastDay)
			now, _ := time.Parse("2006-01-02", t0)
			n := int(last.Sub(now).Hours() / 24)
			e.DaysUntil = &n
		}
	}
}
