package accountability

import (
	"fmt"
	"time"
)

// The derived statuses of a commitment, from the most to the least pressing.
const (
	StatusOverdue   = "overdue"   // past its due date, and no pledger reports it met
	StatusAtRisk    = "at-risk"   // a pledger or another party says so, or a milestone is past due
	StatusPending   = "pending"   // no progress report yet, nothing past due
	StatusOnTrack   = "on-track"  // reported in progress, nothing past due, no one says it is at risk
	StatusMet       = "met"       // the latest progress report says it was met
	StatusWithdrawn = "withdrawn" // the pledgers withdrew it
)

// CommitmentStatuses lists the derived statuses with their names for people.
var CommitmentStatuses = []Option{
	{StatusOverdue, "Overdue"},
	{StatusAtRisk, "At risk"},
	{StatusPending, "No report yet"},
	{StatusOnTrack, "On track"},
	{StatusMet, "Met"},
	{StatusWithdrawn, "Withdrawn"},
}

// statusRank orders statuses for lists: the most pressing first.
func statusRank(s string) int {
	for i, o := range CommitmentStatuses {
		if o.ID == s {
			return i
		}
	}
	return len(CommitmentStatuses)
}

// Facts are what the log says of a commitment, as the projection keeps it.
type Facts struct {
	DueOn            string
	Withdrawn        bool
	Reports          int
	LastReportedOn   string
	LastReportStatus string // of the latest report: in-progress, at-risk or met
	MetOn            string // from the latest report, when it says met
	Milestones       []MilestoneView
	Ratings          []Rating // the latest assessment of each assessor
}

// MilestoneView is a milestone and when it was first reported met.
type MilestoneView struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	DueOn   string `json:"due_on,omitempty"`
	MetOn   string `json:"met_on,omitempty"`
	Overdue bool   `json:"overdue"`
}

// Rating is one party's latest assessment of a commitment.
type Rating struct {
	Assessor     string `json:"assessor"`
	AssessorName string `json:"assessor_name"`
	Rating       string `json:"rating"`
	AssessedOn   string `json:"assessed_on"`
	Index        uint64 `json:"index"`
}

// Derived is a commitment's status on a given day, with the reasons for it.
type Derived struct {
	Status      string   `json:"status"`
	AsOf        string   `json:"as_of"`
	DaysOverdue int      `json:"days_overdue,omitempty"`
	DaysLeft    *int     `json:"days_left,omitempty"`
	MetLate     bool     `json:"met_late,omitempty"`
	Contested   bool     `json:"contested,omitempty"`
	Reasons     []string `json:"reasons"`
}

// Derive works out a commitment's status on the day today (2006-01-02),
// from its facts alone. It is how the register answers "is this pledge
// kept?" and says why.
func Derive(f Facts, today string) Derived {
	d := Derived{AsOf: today, Reasons: []string{}}
	for i := range f.Milestones {
		m := &f.Milestones[i]
		m.Overdue = m.MetOn == "" && m.DueOn != "" && m.DueOn < today && !f.Withdrawn && f.LastReportStatus != "met"
	}
	switch {
	case f.Withdrawn:
		d.Status = StatusWithdrawn
		d.Reasons = append(d.Reasons, "The pledgers withdrew it.")
		return d
	case f.LastReportStatus == "met":
		d.Status = StatusMet
		d.Reasons = append(d.Reasons, fmt.Sprintf("The latest progress report (%s) says it was met on %s.", longDate(f.LastReportedOn), longDate(f.MetOn)))
		if f.DueOn != "" && f.MetOn > f.DueOn {
			d.MetLate = true
			d.Reasons = append(d.Reasons, fmt.Sprintf("That is %s after it was due (%s).", days(daysBetween(f.DueOn, f.MetOn)), longDate(f.DueOn)))
		}
		for _, r := range f.Ratings {
			if r.Rating == "at-risk" || r.Rating == "overdue" {
				d.Contested = true
				d.Reasons = append(d.Reasons, fmt.Sprintf("%s disagrees: its latest assessment (%s) rates it %s.", r.AssessorName, longDate(r.AssessedOn), ratingWords(r.Rating)))
			}
		}
		return d
	}
	if f.DueOn != "" && f.DueOn < today {
		d.Status = StatusOverdue
		d.DaysOverdue = daysBetween(f.DueOn, today)
		d.Reasons = append(d.Reasons, fmt.Sprintf("It was due on %s, %s ago, and no progress report says it was met.", longDate(f.DueOn), days(d.DaysOverdue)))
		for _, r := range f.Ratings {
			if r.Rating == "met" {
				d.Contested = true
				d.Reasons = append(d.Reasons, fmt.Sprintf("%s's latest assessment (%s) rates it met, which no pledger has reported.", r.AssessorName, longDate(r.AssessedOn)))
			}
		}
		return d
	}
	if f.DueOn != "" {
		left := daysBetween(today, f.DueOn)
		d.DaysLeft = &left
	}
	if f.LastReportStatus == "at-risk" {
		d.Status = StatusAtRisk
		d.Reasons = append(d.Reasons, fmt.Sprintf("The latest progress report (%s) says it is at risk.", longDate(f.LastReportedOn)))
	}
	for _, r := range f.Ratings {
		if r.Rating == "at-risk" || r.Rating == "overdue" {
			d.Status = StatusAtRisk
			d.Reasons = append(d.Reasons, fmt.Sprintf("%s's latest assessment (%s) rates it %s.", r.AssessorName, longDate(r.AssessedOn), ratingWords(r.Rating)))
		}
	}
	for _, m := range f.Milestones {
		if m.Overdue {
			d.Status = StatusAtRisk
			d.Reasons = append(d.Reasons, fmt.Sprintf("Milestone %q was due on %s and is not reported met.", m.Title, longDate(m.DueOn)))
		}
	}
	if d.Status != "" {
		return d
	}
	if f.Reports > 0 {
		d.Status = StatusOnTrack
		d.Reasons = append(d.Reasons, fmt.Sprintf("The latest progress report (%s) says the work is in progress, nothing is past due, and no one rates it at risk.", longDate(f.LastReportedOn)))
		return d
	}
	d.Status = StatusPending
	d.Reasons = append(d.Reasons, "No pledger has reported progress yet, and nothing is past due.")
	return d
}

func ratingWords(r string) string {
	switch r {
	case "at-risk":
		return "at risk"
	case "on-track":
		return "on track"
	}
	return r
}

// daysBetween is the number of days from one date to another (negative
// when to comes first); malformed dates count as the same day.
func daysBetween(from, to string) int {
	a, err1 := time.Parse(dateLayout, from)
	b, err2 := time.Parse(dateLayout, to)
	if err1 != nil || err2 != nil {
		return 0
	}
	return int(b.Sub(a).Hours() / 24)
}

func days(n int) string {
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}

// ActionTiming is where an action item stands against its due date on a
// given day.
type ActionTiming struct {
	Overdue     bool `json:"overdue"`
	DaysOverdue int  `json:"days_overdue,omitempty"`
	DaysLeft    *int `json:"days_left,omitempty"`
	Late        bool `json:"done_late,omitempty"`
}

// TimeAction works out an action item's timing on the day today.
func TimeAction(status, dueOn, doneOn, today string) ActionTiming {
	var t ActionTiming
	switch {
	case status == "done":
		t.Late = doneOn > dueOn
	case status == "cancelled":
	case dueOn < today:
		t.Overdue, t.DaysOverdue = true, daysBetween(dueOn, today)
	default:
		left := daysBetween(today, dueOn)
		t.DaysLeft = &left
	}
	return t
}

// longDate writes a date for people: 13 July 2026.
func longDate(s string) string {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return s
	}
	return t.Format("2 January 2006")
}
