package accountability_test

import (
	"strings"
	"testing"

	"github.com/kongsi/kongsi/internal/accountability"
)

func TestDerive(t *testing.T) {
	const today = "2026-11-22"
	ms := func(due, met string) []accountability.MilestoneView {
		return []accountability.MilestoneView{{ID: "m", Title: "Second reading", DueOn: due, MetOn: met}}
	}
	rating := func(r, on string) []accountability.Rating {
		return []accountability.Rating{{Assessor: "vnm", AssessorName: "Viet Nam", Rating: r, AssessedOn: on}}
	}
	for _, tc := range []struct {
		name        string
		f           accountability.Facts
		status      string
		daysOverdue int
		daysLeft    int // -1 for none
		metLate     bool
		contested   bool
		reason      string // a phrase one of the reasons holds
	}{
		{"nothing reported, nothing due", accountability.Facts{}, accountability.StatusPending, 0, -1, false, false, "No pledger has reported"},
		{"nothing reported, due later", accountability.Facts{DueOn: "2026-12-02"}, accountability.StatusPending, 0, 10, false, false, "nothing is past due"},
		{"in progress", accountability.Facts{DueOn: "2027-01-01", Reports: 2, LastReportedOn: "2026-01-29", LastReportStatus: "in-progress"}, accountability.StatusOnTrack, 0, 40, false, false, "29 January 2026"},
		{"past due without a report of it met", accountability.Facts{DueOn: "2026-07-13", Reports: 3, LastReportStatus: "in-progress"}, accountability.StatusOverdue, 132, -1, false, false, "due on 13 July 2026, 132 days ago"},
		{"past due but reported met on time", accountability.Facts{DueOn: "2026-07-13", Reports: 1, LastReportStatus: "met", MetOn: "2026-07-01", LastReportedOn: "2026-07-02"}, accountability.StatusMet, 0, -1, false, false, "met on 1 July 2026"},
		{"met late", accountability.Facts{DueOn: "2026-07-13", Reports: 1, LastReportStatus: "met", MetOn: "2026-08-12"}, accountability.StatusMet, 0, -1, true, false, "30 days after it was due"},
		{"met, but an assessor disagrees", accountability.Facts{Reports: 1, LastReportStatus: "met", MetOn: "2026-08-12", Ratings: rating("at-risk", "2026-09-01")}, accountability.StatusMet, 0, -1, false, true, "Viet Nam disagrees"},
		{"overdue, but an assessor says met", accountability.Facts{DueOn: "2026-01-01", Ratings: rating("met", "2026-02-01")}, accountability.StatusOverdue, 325, -1, false, true, "which no pledger has reported"},
		{"the pledger says it is at risk", accountability.Facts{DueOn: "2027-01-01", Reports: 1, LastReportStatus: "at-risk", LastReportedOn: "2026-10-01"}, accountability.StatusAtRisk, 0, 40, false, false, "says it is at risk"},
		{"an assessor says it is at risk", accountability.Facts{Reports: 1, LastReportStatus: "in-progress", Ratings: rating("at-risk", "2026-10-01")}, accountability.StatusAtRisk, 0, -1, false, false, "rates it at risk"},
		{"an assessor says on track", accountability.Facts{Reports: 1, LastReportStatus: "in-progress", Ratings: rating("on-track", "2026-10-01")}, accountability.StatusOnTrack, 0, -1, false, false, "in progress"},
		{"a milestone past due", accountability.Facts{Reports: 1, LastReportStatus: "in-progress", Milestones: ms("2026-01-01", "")}, accountability.StatusAtRisk, 0, -1, false, false, `"Second reading" was due on 1 January 2026`},
		{"a milestone met", accountability.Facts{Reports: 1, LastReportStatus: "in-progress", Milestones: ms("2026-01-01", "2025-12-01")}, accountability.StatusOnTrack, 0, -1, false, false, "in progress"},
		{"withdrawn, even past due", accountability.Facts{DueOn: "2020-01-01", Withdrawn: true, Milestones: ms("2019-01-01", "")}, accountability.StatusWithdrawn, 0, -1, false, false, "withdrew"},
		{"due today is not overdue", accountability.Facts{DueOn: today}, accountability.StatusPending, 0, 0, false, false, "No pledger"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := accountability.Derive(tc.f, today)
			if d.Status != tc.status || d.DaysOverdue != tc.daysOverdue || d.MetLate != tc.metLate || d.Contested != tc.contested || d.AsOf != today {
				t.Errorf("Derive = %+v, want status %s, %d days overdue, met late %v, contested %v", d, tc.status, tc.daysOverdue, tc.metLate, tc.contested)
			}
			if (d.DaysLeft == nil) != (tc.daysLeft < 0) || (d.DaysLeft != nil && *d.DaysLeft != tc.daysLeft) {
				t.Errorf("days left %v, want %d", d.DaysLeft, tc.daysLeft)
			}
			var reasons []string
			for _, r := range d.Reasons {
				reasons = append(reasons, r.String())
			}
			if !strings.Contains(strings.Join(reasons, " "), tc.reason) {
				t.Errorf("no reason says %q: %q", tc.reason, reasons)
			}
		})
	}
	// A milestone is flagged only while the pledge stands.
	f := accountability.Facts{Reports: 1, LastReportStatus: "in-progress", Milestones: ms("2026-01-01", "")}
	accountability.Derive(f, today)
	if !f.Milestones[0].Overdue {
		t.Error("a milestone past due and not met is not flagged")
	}
}

func TestTimeAction(t *testing.T) {
	const today = "2026-11-22"
	for _, tc := range []struct {
		status, due, done string
		overdue           bool
		days, left        int // left -1 for none
		late              bool
	}{
		{"open", "2026-11-21", "", true, 1, -1, false},
		{"blocked", "2026-10-23", "", true, 30, -1, false},
		{"in-progress", "2026-11-22", "", false, 0, 0, false},
		{"open", "2026-12-22", "", false, 0, 30, false},
		{"done", "2026-01-01", "2026-02-01", false, 0, -1, true},
		{"done", "2026-01-01", "2025-12-01", false, 0, -1, false},
		{"cancelled", "2020-01-01", "", false, 0, -1, false},
	} {
		got := accountability.TimeAction(tc.status, tc.due, tc.done, today)
		if got.Overdue != tc.overdue || got.DaysOverdue != tc.days || got.Late != tc.late || (got.DaysLeft == nil) != (tc.left < 0) || (got.DaysLeft != nil && *got.DaysLeft != tc.left) {
			t.Errorf("TimeAction(%s, due %s, done %s) = %+v", tc.status, tc.due, tc.done, got)
		}
	}
}
