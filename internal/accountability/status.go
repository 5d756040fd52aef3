package accountability

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/kongsi/kongsi/internal/i18n"
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
	Reasons     []Reason `json:"reasons"`
}

// A Reason is one of the facts a commitment's status rests on: a sentence
// (an English text with fmt verbs) and what it cites, which pages write in
// their reader's language. The API gives it in English.
type Reason struct {
	Text string
	Args []any // days (a day), numbers of days (a dayCount), ratings (a rating), names and titles
}

// day is a date, 2006-01-02.
type day string

func (d day) String() string { return longDate(string(d)) }

// dayCount is a number of days.
type dayCount int

func (n dayCount) String() string { return days(int(n)) }

// rating is an assessment's rating.
type rating string

func (r rating) String() string { return ratingWords(string(r)) }

func reason(text string, args ...any) Reason { return Reason{text, args} }

// String is the reason in English.
func (r Reason) String() string { return fmt.Sprintf(r.Text, r.Args...) }

// MarshalJSON writes the reason in English.
func (r Reason) MarshalJSON() ([]byte, error) { return json.Marshal(r.String()) }

// In writes the reason in a locale's language, its dates and numbers as the
// language writes them.
func (r Reason) In(l *i18n.Locale) string {
	args := make([]any, len(r.Args))
	for i, a := range r.Args {
		switch a := a.(type) {
		case day:
			if t, err := time.Parse(dateLayout, string(a)); err == nil {
				args[i] = l.Date(t)
			} else {
				args[i] = string(a)
			}
		case dayCount:
			args[i] = daysIn(l, int(a))
		case rating:
			args[i] = ratingIn(l, string(a))
		default:
			args[i] = a
		}
	}
	return l.T(r.Text, args...)
}

// The reasons' sentences.
const (
	reasonWithdrawn     = "The pledgers withdrew it."
	reasonMet           = "The latest progress report (%s) says it was met on %s."
	reasonMetLate       = "That is %s after it was due (%s)."
	reasonMetDisputed   = "%s disagrees: its latest assessment (%s) rates it %s."
	reasonOverdue       = "It was due on %s, %s ago, and no progress report says it was met."
	reasonOverdueRated  = "%s's latest assessment (%s) rates it met, which no pledger has reported."
	reasonAtRisk        = "The latest progress report (%s) says it is at risk."
	reasonRated         = "%s's latest assessment (%s) rates it %s."
	reasonMilestoneLate = "Milestone %q was due on %s and is not reported met."
	reasonOnTrack       = "The latest progress report (%s) says the work is in progress, nothing is past due, and no one rates it at risk."
	reasonPending       = "No pledger has reported progress yet, and nothing is past due."
)

// ReasonTexts are the sentences reasons are made of, which the pages
// translate.
var ReasonTexts = []string{reasonWithdrawn, reasonMet, reasonMetLate, reasonMetDisputed, reasonOverdue, reasonOverdueRated,
	reasonAtRisk, reasonRated, reasonMilestoneLate, reasonOnTrack, reasonPending}

// Derive works out a commitment's status on the day today (2006-01-02),
// from its facts alone. It is how the register answers "is this pledge
// kept?" and says why.
func Derive(f Facts, today string) Derived {
	d := Derived{AsOf: today, Reasons: []Reason{}}
	for i := range f.Milestones {
		m := &f.Milestones[i]
		m.Overdue = m.MetOn == "" && m.DueOn != "" && m.DueOn < today && !f.Withdrawn && f.LastReportStatus != "met"
	}
	switch {
	case f.Withdrawn:
		d.Status = StatusWithdrawn
		d.Reasons = append(d.Reasons, reason(reasonWithdrawn))
		return d
	case f.LastReportStatus == "met":
		d.Status = StatusMet
		d.Reasons = append(d.Reasons, reason(reasonMet, day(f.LastReportedOn), day(f.MetOn)))
		if f.DueOn != "" && f.MetOn > f.DueOn {
			d.MetLate = true
			d.Reasons = append(d.Reasons, reason(reasonMetLate, dayCount(daysBetween(f.DueOn, f.MetOn)), day(f.DueOn)))
		}
		for _, r := range f.Ratings {
			if r.Rating == "at-risk" || r.Rating == "overdue" {
				d.Contested = true
				d.Reasons = append(d.Reasons, reason(reasonMetDisputed, r.AssessorName, day(r.AssessedOn), rating(r.Rating)))
			}
		}
		return d
	}
	if f.DueOn != "" && f.DueOn < today {
		d.Status = StatusOverdue
		d.DaysOverdue = daysBetween(f.DueOn, today)
		d.Reasons = append(d.Reasons, reason(reasonOverdue, day(f.DueOn), dayCount(d.DaysOverdue)))
		for _, r := range f.Ratings {
			if r.Rating == "met" {
				d.Contested = true
				d.Reasons = append(d.Reasons, reason(reasonOverdueRated, r.AssessorName, day(r.AssessedOn)))
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
		d.Reasons = append(d.Reasons, reason(reasonAtRisk, day(f.LastReportedOn)))
	}
	for _, r := range f.Ratings {
		if r.Rating == "at-risk" || r.Rating == "overdue" {
			d.Status = StatusAtRisk
			d.Reasons = append(d.Reasons, reason(reasonRated, r.AssessorName, day(r.AssessedOn), rating(r.Rating)))
		}
	}
	for _, m := range f.Milestones {
		if m.Overdue {
			d.Status = StatusAtRisk
			d.Reasons = append(d.Reasons, reason(reasonMilestoneLate, m.Title, day(m.DueOn)))
		}
	}
	if d.Status != "" {
		return d
	}
	if f.Reports > 0 {
		d.Status = StatusOnTrack
		d.Reasons = append(d.Reasons, reason(reasonOnTrack, day(f.LastReportedOn)))
		return d
	}
	d.Status = StatusPending
	d.Reasons = append(d.Reasons, reason(reasonPending))
	return d
}

// ratingIn writes a rating in a locale's language, as a sentence cites it.
func ratingIn(l *i18n.Locale, r string) string {
	switch r {
	case "at-risk":
		return l.T("at risk")
	case "on-track":
		return l.T("on track")
	case "met":
		return l.T("met")
	case "overdue":
		return l.T("overdue")
	}
	return r
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

// daysIn writes a number of days in a locale's language.
func daysIn(l *i18n.Locale, n int) string {
	if n == 1 {
		return l.T("%d day", n)
	}
	return l.T("%d days", n)
}

// ActionTiming is where an action item stands against its due date on a
// given day.
type ActionTiming struct {
	Overdue     bool `json:"overdue"`
	DaysOverdue int  `json:"days_overdue,omitempty"`
	DaysLeft    *int `json:"days_left,omitempty"`
	Late        bool `json:"done_late,omitempty"`
}

// Remaining is the number of days left before the item is due; 0 when
// none are counted.
func (t ActionTiming) Remaining() int {
	if t.DaysLeft == nil {
		return 0
	}
	return *t.DaysLeft
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
