package accountability

import (
	"context"
	"fmt"

	"github.com/kongsi/kongsi/internal/store"
)

// Scorecard is what a party has pledged, owes and delivered, on the day of
// the request. A state's scorecard counts what its authorities did in its
// name as well.
type Scorecard struct {
	Party       PartyRef        `json:"party"`
	AsOf        string          `json:"as_of"`
	Commitments CommitmentScore `json:"commitments"`
	Actions     ActionScore     `json:"actions"`
	Deliveries  DeliveryScore   `json:"deliveries"`
	URL         string          `json:"url"`
}

// CommitmentScore counts a party's commitments by status.
type CommitmentScore struct {
	Pledged             int                  `json:"pledged"`
	ByStatus            map[string]int       `json:"by_status"`
	MetOnTime           int                  `json:"met_on_time"`
	MetLate             int                  `json:"met_late"`
	Rescheduled         int                  `json:"rescheduled"`
	ReportsMade         int                  `json:"reports_made"`
	LastReportedOn      string               `json:"last_reported_on,omitempty"`
	AssessmentsMade     int                  `json:"assessments_made"`
	AssessmentsReceived map[string]int       `json:"assessments_received"` // latest ratings of its commitments by others
	Items               []*CommitmentSummary `json:"items"`
}

// ActionScore counts the action items a party owns. Illustrative items (examples
// of how follow-up is tracked, not real assignments) are counted apart and
// left out of the other counts, so that no party is scored on them.
type ActionScore struct {
	Illustrative int           `json:"illustrative"`
	Owned        int           `json:"owned"`
	Open         int           `json:"open"`
	Overdue      int           `json:"overdue"`
	Done         int           `json:"done"`
	DoneLate     int           `json:"done_late"`
	Cancelled    int           `json:"cancelled"`
	Owing        []*ActionItem `json:"owing"` // the open items, illustrative ones included, by due date
}

// DeliveryScore counts what a party delivered and received under programmes.
type DeliveryScore struct {
	Provided            int             `json:"provided"`
	ProvidedConfirmed   int             `json:"provided_confirmed"`
	ProvidedUnconfirmed int             `json:"provided_unconfirmed"`
	ProvidedDisputed    int             `json:"provided_disputed"`
	Received            int             `json:"received"`
	AwaitingConfirm     int             `json:"awaiting_its_confirmation"`
	Items               []*DeliveryView `json:"items"`
}

// Scorecards works out the scorecards of the given parties on the day
// today, reading each table once.
func Scorecards(ctx context.Context, st store.Store, names Names, parties []string, today string) ([]*Scorecard, error) {
	commitments, err := ListCommitments(ctx, st, names, CommitmentFilter{}, today)
	if err != nil {
		return nil, err
	}
	pledgers := map[string][]string{} // commitment → homes and IDs of its pledgers
	prows, err := st.Reader().QueryContext(ctx, `SELECT commitment, party, home FROM commitment_parties WHERE role = 'pledger'`)
	if err != nil {
		return nil, fmt.Errorf("couldn't read pledgers: %w", err)
	}
	defer prows.Close()
	for prows.Next() {
		var c, p, h string
		if err := prows.Scan(&c, &p, &h); err != nil {
			return nil, err
		}
		pledgers[c] = append(pledgers[c], p, h)
	}
	if err := prows.Err(); err != nil {
		return nil, err
	}
	prows.Close()
	type report struct{ pledger, home, on string }
	var reports []report
	rrows, err := st.Reader().QueryContext(ctx, `SELECT pledger, pledger_home, reported_on FROM commitment_reports`)
	if err != nil {
		return nil, fmt.Errorf("couldn't read reports: %w", err)
	}
	defer rrows.Close()
	for rrows.Next() {
		var r report
		if err := rrows.Scan(&r.pledger, &r.home, &r.on); err != nil {
			return nil, err
		}
		reports = append(reports, r)
	}
	if err := rrows.Err(); err != nil {
		return nil, err
	}
	rrows.Close()
	type assessment struct{ assessor, author string }
	var assessments []assessment
	arows, err := st.Reader().QueryContext(ctx, `SELECT assessor, author FROM commitment_assessments`)
	if err != nil {
		return nil, fmt.Errorf("couldn't read assessments: %w", err)
	}
	defer arows.Close()
	for arows.Next() {
		var a assessment
		if err := arows.Scan(&a.assessor, &a.author); err != nil {
			return nil, err
		}
		assessments = append(assessments, a)
	}
	if err := arows.Err(); err != nil {
		return nil, err
	}
	arows.Close()
	actions, err := ListActions(ctx, st, names, ActionFilter{}, today)
	if err != nil {
		return nil, err
	}
	deliveries, err := ListDeliveries(ctx, st, names, DeliveryFilter{})
	if err != nil {
		return nil, err
	}

	var out []*Scorecard
	for _, party := range parties {
		is := func(id, home string) bool { return id == party || home == party }
		sc := &Scorecard{Party: names.Ref(party), AsOf: today, URL: "/parties/" + party}
		cs := &sc.Commitments
		cs.ByStatus, cs.AssessmentsReceived, cs.Items = map[string]int{}, map[string]int{}, []*CommitmentSummary{}
		for _, o := range CommitmentStatuses {
			cs.ByStatus[o.ID] = 0
		}
		for _, c := range commitments {
			ps := pledgers[c.Subject]
			mine := false
			for i := 0; i+1 < len(ps); i += 2 {
				if is(ps[i], ps[i+1]) {
					mine = true
				}
			}
			if !mine {
				continue
			}
			cs.Pledged++
			cs.ByStatus[c.Status]++
			cs.Items = append(cs.Items, c)
			if c.Status == StatusMet {
				if c.MetLate {
					cs.MetLate++
				} else {
					cs.MetOnTime++
				}
			}
			if c.Rescheduled {
				cs.Rescheduled++
			}
			for _, r := range c.Ratings {
				cs.AssessmentsReceived[r.Rating]++
			}
		}
		for _, r := range reports {
			if is(r.pledger, r.home) {
				cs.ReportsMade++
				cs.LastReportedOn = max(cs.LastReportedOn, r.on)
			}
		}
		for _, a := range assessments {
			if a.assessor == party || a.author == party {
				cs.AssessmentsMade++
			}
		}
		as := &sc.Actions
		as.Owing = []*ActionItem{}
		for _, a := range actions {
			if !is(a.Owner.ID, a.OwnerHome) {
				continue
			}
			if !closed(a.Status) {
				as.Owing = append(as.Owing, a)
			}
			if a.Illustrative {
				as.Illustrative++
				continue
			}
			as.Owned++
			switch a.Status {
			case "done":
				as.Done++
				if a.Late {
					as.DoneLate++
				}
			case "cancelled":
				as.Cancelled++
			default:
				as.Open++
				if a.Overdue {
					as.Overdue++
				}
			}
		}
		ds := &sc.Deliveries
		ds.Items = []*DeliveryView{}
		for _, d := range deliveries {
			provided, received := is(d.Provider.ID, d.ProviderHome), is(d.Recipient.ID, d.RecipientHome)
			if !provided && !received {
				continue
			}
			ds.Items = append(ds.Items, d)
			pending := d.Confirmation == Unconfirmed || d.Confirmation == Revised
			if provided {
				ds.Provided++
				switch {
				case d.Confirmation == Confirmed:
					ds.ProvidedConfirmed++
				case d.Confirmation == Disputed:
					ds.ProvidedDisputed++
				case pending:
					ds.ProvidedUnconfirmed++
				}
			}
			if received {
				ds.Received++
				if pending {
					ds.AwaitingConfirm++
				}
			}
		}
		out = append(out, sc)
	}
	return out, nil
}
