package accountability

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/kongsi/kongsi/internal/browse"
	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/store"
)

// The read side: what pages and the API show, from the projections and the
// date of the request.

// PartyRef names a party.
type PartyRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Link names a subject.
type Link struct {
	Subject string `json:"subject"`
	Title   string `json:"title"`
}

// Names maps party IDs to names, for one request.
type Names map[string]string

// LoadNames reads the parties' names.
func LoadNames(ctx context.Context, st store.Store) (Names, error) {
	ps, err := browse.Parties(ctx, st)
	if err != nil {
		return nil, err
	}
	n := Names{ASEAN: "ASEAN"}
	for _, p := range ps {
		n[p.ID] = p.Name
		if p.Type == "authority" {
			n[p.ID] = p.Name + " (" + p.State + ")"
		}
	}
	return n, nil
}

// Ref names one party.
func (n Names) Ref(id string) PartyRef {
	if name, ok := n[id]; ok {
		return PartyRef{id, name}
	}
	return PartyRef{id, id}
}

// Refs names parties.
func (n Names) Refs(ids []string) []PartyRef {
	out := make([]PartyRef, 0, len(ids))
	for _, id := range ids {
		out = append(out, n.Ref(id))
	}
	return out
}

func decodeList(s string) []string {
	var out []string
	json.Unmarshal([]byte(s), &out)
	if out == nil {
		out = []string{}
	}
	return out
}

// partyCond selects rows whose party column is the party or, for a state,
// one of its authorities; homeCol holds the row's home party.
func partyCond(col, homeCol, arg string) string {
	return fmt.Sprintf("(%s = '' OR %s = %s OR %s = %s)", arg, col, arg, homeCol, arg)
}

// CommitmentSummary is a commitment as lists show it, with its status on
// the day of the request.
type CommitmentSummary struct {
	Subject          string          `json:"subject"`
	Slug             string          `json:"slug"`
	Title            string          `json:"title"`
	MadeIn           string          `json:"made_in"`
	MadeOn           string          `json:"made_on"`
	DueOn            string          `json:"due_on,omitempty"`
	FirstDueOn       string          `json:"first_due_on,omitempty"`
	Pledgers         []PartyRef      `json:"pledgers"`
	Related          []PartyRef      `json:"related"`
	Withdrawn        bool            `json:"withdrawn"`
	Versions         int             `json:"versions"`
	Latest           uint64          `json:"latest_index"`
	Reports          int             `json:"reports"`
	LastReportedOn   string          `json:"last_reported_on,omitempty"`
	LastReportStatus string          `json:"last_report_status,omitempty"`
	MetOn            string          `json:"met_on,omitempty"`
	Milestones       []MilestoneView `json:"milestones"`
	MilestonesMet    int             `json:"milestones_met"`
	Ratings          []Rating        `json:"latest_assessments"`
	Derived
	StatusTitle string `json:"status_title"`
	Rescheduled bool   `json:"rescheduled"`
	URL         string `json:"url"`
}

// CommitmentFilter selects commitments.
type CommitmentFilter struct {
	Party  string // pledged by this party, or by an authority of this state
	Status string // a derived status
}

// ListCommitments lists commitments with their status on the day today,
// the most pressing first.
func ListCommitments(ctx context.Context, st store.Store, names Names, f CommitmentFilter, today string) ([]*CommitmentSummary, error) {
	rows, err := st.Reader().QueryContext(ctx, `SELECT subject, slug, title, made_in, made_on, due_on, first_due_on, pledgers, related, withdrawn, versions, head_idx,
			reports, last_reported_on, last_report_status, met_on
		FROM commitments c
		WHERE $1 = '' OR subject IN (SELECT commitment FROM commitment_parties WHERE role = 'pledger' AND (party = $1 OR home = $1))`, f.Party)
	if err != nil {
		return nil, fmt.Errorf("couldn't list commitments: %w", err)
	}
	defer rows.Close()
	var out []*CommitmentSummary
	for rows.Next() {
		var c CommitmentSummary
		var pledgers, related string
		var withdrawn int
		var head int64
		if err := rows.Scan(&c.Subject, &c.Slug, &c.Title, &c.MadeIn, &c.MadeOn, &c.DueOn, &c.FirstDueOn, &pledgers, &related, &withdrawn, &c.Versions, &head,
			&c.Reports, &c.LastReportedOn, &c.LastReportStatus, &c.MetOn); err != nil {
			return nil, err
		}
		c.Pledgers, c.Related = names.Refs(decodeList(pledgers)), names.Refs(decodeList(related))
		c.Withdrawn, c.Latest = withdrawn == 1, uint64(head)
		c.Rescheduled = c.FirstDueOn != "" && c.DueOn != c.FirstDueOn
		c.URL = "/" + c.Subject
		out = append(out, &c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if err := addCommitmentFacts(ctx, st, names, out); err != nil {
		return nil, err
	}
	var kept []*CommitmentSummary
	for _, c := range out {
		c.Derived = Derive(Facts{DueOn: c.DueOn, Withdrawn: c.Withdrawn, Reports: c.Reports, LastReportedOn: c.LastReportedOn,
			LastReportStatus: c.LastReportStatus, MetOn: c.MetOn, Milestones: c.Milestones, Ratings: c.Ratings}, today)
		c.StatusTitle = titleOf(CommitmentStatuses, c.Status)
		if f.Status == "" || f.Status == c.Status {
			kept = append(kept, c)
		}
	}
	slices.SortStableFunc(kept, func(a, b *CommitmentSummary) int {
		return cmp.Or(cmp.Compare(statusRank(a.Status), statusRank(b.Status)), compareDue(a.DueOn, b.DueOn), cmp.Compare(a.Title, b.Title))
	})
	if kept == nil {
		kept = []*CommitmentSummary{}
	}
	return kept, nil
}

// compareDue orders due dates, the undated last.
func compareDue(a, b string) int {
	switch {
	case a == b:
		return 0
	case a == "":
		return 1
	case b == "":
		return -1
	}
	return cmp.Compare(a, b)
}

// addCommitmentFacts reads the milestones and the latest assessment by
// each assessor of the listed commitments.
func addCommitmentFacts(ctx context.Context, st store.Store, names Names, cs []*CommitmentSummary) error {
	if len(cs) == 0 {
		return nil
	}
	by := map[string]*CommitmentSummary{}
	for _, c := range cs {
		by[c.Subject] = c
		c.Milestones, c.Ratings = []MilestoneView{}, []Rating{}
	}
	rows, err := st.Reader().QueryContext(ctx, `SELECT commitment, milestone, title, due_on, met_on FROM commitment_milestones ORDER BY commitment, position`)
	if err != nil {
		return fmt.Errorf("couldn't read milestones: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var subject string
		var m MilestoneView
		if err := rows.Scan(&subject, &m.ID, &m.Title, &m.DueOn, &m.MetOn); err != nil {
			return err
		}
		if c := by[subject]; c != nil {
			c.Milestones = append(c.Milestones, m)
			if m.MetOn != "" {
				c.MilestonesMet++
			}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	arows, err := st.Reader().QueryContext(ctx, `SELECT commitment, assessor, rating, assessed_on, head_idx FROM commitment_assessments ORDER BY commitment, assessed_on, head_idx`)
	if err != nil {
		return fmt.Errorf("couldn't read assessments: %w", err)
	}
	defer arows.Close()
	for arows.Next() {
		var subject string
		var r Rating
		var idx int64
		if err := arows.Scan(&subject, &r.Assessor, &r.Rating, &r.AssessedOn, &idx); err != nil {
			return err
		}
		r.Index, r.AssessorName = uint64(idx), names.Ref(r.Assessor).Name
		c := by[subject]
		if c == nil {
			continue
		}
		// Later rows are later assessments: each replaces the assessor's
		// earlier one.
		if i := slices.IndexFunc(c.Ratings, func(x Rating) bool { return x.Assessor == r.Assessor }); i >= 0 {
			c.Ratings[i] = r
		} else {
			c.Ratings = append(c.Ratings, r)
		}
	}
	return arows.Err()
}

// ReportView is a progress report.
type ReportView struct {
	Subject       string         `json:"subject"`
	Pledger       PartyRef       `json:"pledger"`
	Author        string         `json:"author"`
	ReportedOn    string         `json:"reported_on"`
	Status        string         `json:"status"`
	MetOn         string         `json:"met_on,omitempty"`
	Summary       string         `json:"summary"`
	MilestonesMet []MilestoneMet `json:"milestones_met"`
	Versions      int            `json:"versions"`
	Latest        uint64         `json:"latest_index"`
}

// AssessmentView is an assessment.
type AssessmentView struct {
	Subject    string   `json:"subject"`
	Assessor   PartyRef `json:"assessor"`
	Author     string   `json:"author"`
	AssessedOn string   `json:"assessed_on"`
	Rating     string   `json:"rating"`
	Reasons    string   `json:"reasons"`
	Current    bool     `json:"current"` // the assessor's latest
	Versions   int      `json:"versions"`
	Latest     uint64   `json:"latest_index"`
}

// CommitmentDetail is a commitment with its text, reports and assessments.
type CommitmentDetail struct {
	*CommitmentSummary
	Body        Commitment        `json:"body"`
	Reports     []*ReportView     `json:"reports"`
	Assessments []*AssessmentView `json:"assessments"`
	Programmes  []Link            `json:"programmes"` // programmes that deliver on it
}

// GetCommitment reads one commitment.
func GetCommitment(ctx context.Context, st store.Store, names Names, slug, today string) (*CommitmentDetail, error) {
	all, err := ListCommitments(ctx, st, names, CommitmentFilter{}, today)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(all, func(c *CommitmentSummary) bool { return c.Slug == slug })
	if i < 0 {
		return nil, problem.NotFound("commitment", "commitment.unknown", "there is no commitment %q", slug)
	}
	d := &CommitmentDetail{CommitmentSummary: all[i], Reports: []*ReportView{}, Assessments: []*AssessmentView{}, Programmes: []Link{}}
	rec, err := browse.ByIndex(ctx, st, d.Latest)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(rec.Body, &d.Body); err != nil {
		return nil, err
	}
	rows, err := st.Reader().QueryContext(ctx, `SELECT subject, pledger, author, reported_on, status, met_on, summary, milestones_met, versions, head_idx
		FROM commitment_reports WHERE commitment = $1 ORDER BY reported_on DESC, head_idx DESC`, d.Subject)
	if err != nil {
		return nil, fmt.Errorf("couldn't read reports: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r ReportView
		var pledger, met string
		var idx int64
		if err := rows.Scan(&r.Subject, &pledger, &r.Author, &r.ReportedOn, &r.Status, &r.MetOn, &r.Summary, &met, &r.Versions, &idx); err != nil {
			return nil, err
		}
		r.Pledger, r.Latest = names.Ref(pledger), uint64(idx)
		json.Unmarshal([]byte(met), &r.MilestonesMet)
		d.Reports = append(d.Reports, &r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	arows, err := st.Reader().QueryContext(ctx, `SELECT subject, assessor, author, assessed_on, rating, reasons, versions, head_idx
		FROM commitment_assessments WHERE commitment = $1 ORDER BY assessed_on DESC, head_idx DESC`, d.Subject)
	if err != nil {
		return nil, fmt.Errorf("couldn't read assessments: %w", err)
	}
	defer arows.Close()
	seen := map[string]bool{}
	for arows.Next() {
		var a AssessmentView
		var assessor string
		var idx int64
		if err := arows.Scan(&a.Subject, &assessor, &a.Author, &a.AssessedOn, &a.Rating, &a.Reasons, &a.Versions, &idx); err != nil {
			return nil, err
		}
		a.Assessor, a.Latest = names.Ref(assessor), uint64(idx)
		a.Current = !seen[assessor]
		seen[assessor] = true
		d.Assessments = append(d.Assessments, &a)
	}
	if err := arows.Err(); err != nil {
		return nil, err
	}
	arows.Close()
	prows, err := st.Reader().QueryContext(ctx, `SELECT subject, title FROM programmes WHERE commitment = $1 ORDER BY title`, d.Subject)
	if err != nil {
		return nil, fmt.Errorf("couldn't read programmes: %w", err)
	}
	defer prows.Close()
	for prows.Next() {
		var p Link
		if err := prows.Scan(&p.Subject, &p.Title); err != nil {
			return nil, err
		}
		d.Programmes = append(d.Programmes, p)
	}
	return d, prows.Err()
}

// InitiativeSummary is an initiative as lists show it.
type InitiativeSummary struct {
	Subject         string     `json:"subject"`
	Slug            string     `json:"slug"`
	Title           string     `json:"title"`
	Description     string     `json:"description"`
	Pillars         []Option   `json:"pillars"`
	Domains         []Option   `json:"domains"`
	Mechanism       Option     `json:"mechanism"`
	MechanismDetail string     `json:"mechanism_detail,omitempty"`
	Participants    []PartyRef `json:"participants"`
	StartedOn       string     `json:"started_on"`
	EndedOn         string     `json:"ended_on,omitempty"`
	Versions        int        `json:"versions"`
	Latest          uint64     `json:"latest_index"`
	Actions         int        `json:"actions"`
	ActionsOpen     int        `json:"actions_open"`
	ActionsOverdue  int        `json:"actions_overdue"`
	URL             string     `json:"url"`
}

// InitiativeFilter selects initiatives.
type InitiativeFilter struct {
	Pillar, Domain, Mechanism string
	Party                     string // a participant, or a state one of whose authorities participates
}

func options(list []Option, ids []string) []Option {
	out := make([]Option, 0, len(ids))
	for _, id := range ids {
		out = append(out, Option{id, titleOf(list, id)})
	}
	return out
}

// ListInitiatives lists initiatives, the most recent first, with how their
// action items stand on the day today.
func ListInitiatives(ctx context.Context, st store.Store, names Names, f InitiativeFilter, today string) ([]*InitiativeSummary, error) {
	rows, err := st.Reader().QueryContext(ctx, `SELECT i.subject, i.slug, i.title, i.description, i.pillars, i.domains, i.mechanism, i.mechanism_detail, i.participants,
			i.started_on, i.ended_on, i.versions, i.head_idx,
			(SELECT count(*) FROM action_items a WHERE a.initiative = i.subject),
			(SELECT count(*) FROM action_items a WHERE a.initiative = i.subject AND a.status NOT IN ('done', 'cancelled')),
			(SELECT count(*) FROM action_items a WHERE a.initiative = i.subject AND a.status NOT IN ('done', 'cancelled') AND a.due_on < $5)
		FROM initiatives i
		WHERE ($1 = '' OR i.subject IN (SELECT initiative FROM initiative_tags WHERE tag = 'pillar' AND value = $1))
		  AND ($2 = '' OR i.subject IN (SELECT initiative FROM initiative_tags WHERE tag = 'domain' AND value = $2))
		  AND ($3 = '' OR i.mechanism = $3)
		  AND ($4 = '' OR i.subject IN (SELECT initiative FROM initiative_tags WHERE tag = 'participant' AND (value = $4 OR value = substr($4, 1, 3) OR substr(value, 1, 4) = $4 || '.')))
		ORDER BY i.started_on DESC, i.title`, f.Pillar, f.Domain, f.Mechanism, f.Party, today)
	if err != nil {
		return nil, fmt.Errorf("couldn't list initiatives: %w", err)
	}
	defer rows.Close()
	out := []*InitiativeSummary{}
	for rows.Next() {
		var i InitiativeSummary
		var pillars, domains, mechanism, participants string
		var head int64
		if err := rows.Scan(&i.Subject, &i.Slug, &i.Title, &i.Description, &pillars, &domains, &mechanism, &i.MechanismDetail, &participants,
			&i.StartedOn, &i.EndedOn, &i.Versions, &head, &i.Actions, &i.ActionsOpen, &i.ActionsOverdue); err != nil {
			return nil, err
		}
		i.Pillars, i.Domains = options(Pillars, decodeList(pillars)), options(Domains, decodeList(domains))
		i.Mechanism = Option{mechanism, titleOf(Mechanisms, mechanism)}
		i.Participants, i.Latest, i.URL = names.Refs(decodeList(participants)), uint64(head), "/"+i.Subject
		out = append(out, &i)
	}
	return out, rows.Err()
}

// InitiativeDetail is an initiative with its sources and action items.
type InitiativeDetail struct {
	*InitiativeSummary
	Body    Initiative    `json:"body"`
	Actions []*ActionItem `json:"action_items"`
}

// GetInitiative reads one initiative.
func GetInitiative(ctx context.Context, st store.Store, names Names, slug, today string) (*InitiativeDetail, error) {
	all, err := ListInitiatives(ctx, st, names, InitiativeFilter{}, today)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(all, func(x *InitiativeSummary) bool { return x.Slug == slug })
	if i < 0 {
		return nil, problem.NotFound("initiative", "initiative.unknown", "there is no initiative %q", slug)
	}
	d := &InitiativeDetail{InitiativeSummary: all[i]}
	rec, err := browse.ByIndex(ctx, st, d.Latest)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(rec.Body, &d.Body); err != nil {
		return nil, err
	}
	d.Actions, err = ListActions(ctx, st, names, ActionFilter{Initiative: slug}, today)
	return d, err
}

// ActionItem is an item of the coordination board, with its timing on the
// day of the request.
type ActionItem struct {
	Subject         string     `json:"subject"`
	Initiative      string     `json:"initiative"`
	InitiativeTitle string     `json:"initiative_title"`
	Slug            string     `json:"slug"`
	Title           string     `json:"title"`
	Description     string     `json:"description,omitempty"`
	Owner           PartyRef   `json:"owner"`
	OwnerHome       string     `json:"owner_home"`
	OwedTo          []PartyRef `json:"owed_to"`
	DueOn           string     `json:"due_on"`
	FirstDueOn      string     `json:"first_due_on"`
	Status          string     `json:"status"`
	StatusTitle     string     `json:"status_title"`
	StatusNote      string     `json:"status_note,omitempty"`
	DoneOn          string     `json:"done_on,omitempty"`
	DependsOn       []string   `json:"depends_on"`
	WaitingOn       []string   `json:"waiting_on"` // dependencies not yet done or cancelled
	Illustrative    bool       `json:"illustrative"`
	ActionTiming
	Signed   string `json:"signed"`
	Versions int    `json:"versions"`
	Latest   uint64 `json:"latest_index"`
	URL      string `json:"url"`
}

// ActionFilter selects action items.
type ActionFilter struct {
	Owner      string // the owner, or a state and its authorities
	Status     string // a status, or "overdue", or "pending" (neither done nor cancelled)
	Initiative string // an initiative's slug
}

// ActionFilterStatuses are the statuses a filter takes besides the stored
// ones.
var ActionFilterStatuses = []Option{{"pending", "Not done yet"}, {"overdue", "Overdue"}}

// ListActions lists action items by due date, with their timing on the day
// today.
func ListActions(ctx context.Context, st store.Store, names Names, f ActionFilter, today string) ([]*ActionItem, error) {
	status := map[string]string{}
	srows, err := st.Reader().QueryContext(ctx, `SELECT subject, status FROM action_items`)
	if err != nil {
		return nil, fmt.Errorf("couldn't read action items: %w", err)
	}
	defer srows.Close()
	for srows.Next() {
		var s, v string
		if err := srows.Scan(&s, &v); err != nil {
			return nil, err
		}
		status[s] = v
	}
	if err := srows.Err(); err != nil {
		return nil, err
	}
	srows.Close()
	initiative := ""
	if f.Initiative != "" {
		initiative = "initiatives/" + f.Initiative
	}
	rows, err := st.Reader().QueryContext(ctx, `SELECT a.subject, a.initiative, COALESCE(i.title, a.initiative), a.slug, a.title, a.description, a.owner, a.owner_home, a.owed_to,
			a.due_on, a.first_due_on, a.status, a.status_note, a.done_on, a.depends_on, a.illustrative, a.signed, a.versions, a.head_idx
		FROM action_items a LEFT JOIN initiatives i ON i.subject = a.initiative
		WHERE `+partyCond("a.owner", "a.owner_home", "$1")+` AND ($2 = '' OR a.initiative = $2)
		  AND ($3 = '' OR a.status = $3 OR ($3 = 'pending' AND a.status NOT IN ('done', 'cancelled')) OR ($3 = 'overdue' AND a.status NOT IN ('done', 'cancelled') AND a.due_on < $4))
		ORDER BY a.due_on, a.title`, f.Owner, initiative, f.Status, today)
	if err != nil {
		return nil, fmt.Errorf("couldn't list action items: %w", err)
	}
	defer rows.Close()
	out := []*ActionItem{}
	for rows.Next() {
		var a ActionItem
		var owner, owedTo, deps string
		var illustrative int
		var head int64
		if err := rows.Scan(&a.Subject, &a.Initiative, &a.InitiativeTitle, &a.Slug, &a.Title, &a.Description, &owner, &a.OwnerHome, &owedTo,
			&a.DueOn, &a.FirstDueOn, &a.Status, &a.StatusNote, &a.DoneOn, &deps, &illustrative, &a.Signed, &a.Versions, &head); err != nil {
			return nil, err
		}
		a.Owner, a.OwedTo = names.Ref(owner), names.Refs(decodeList(owedTo))
		a.DependsOn, a.WaitingOn = decodeList(deps), []string{}
		for _, d := range a.DependsOn {
			if !closed(status[d]) {
				a.WaitingOn = append(a.WaitingOn, d)
			}
		}
		a.Illustrative, a.Latest, a.URL = illustrative == 1, uint64(head), "/"+a.Subject
		a.StatusTitle = titleOf(ActionStatuses, a.Status)
		a.ActionTiming = TimeAction(a.Status, a.DueOn, a.DoneOn, today)
		out = append(out, &a)
	}
	return out, rows.Err()
}

// GetAction reads one action item, and the items that depend on it.
func GetAction(ctx context.Context, st store.Store, names Names, subject, today string) (*ActionItem, []*ActionItem, error) {
	all, err := ListActions(ctx, st, names, ActionFilter{}, today)
	if err != nil {
		return nil, nil, err
	}
	var item *ActionItem
	var dependents []*ActionItem
	for _, a := range all {
		if a.Subject == subject {
			item = a
		}
		if slices.Contains(a.DependsOn, subject) {
			dependents = append(dependents, a)
		}
	}
	if item == nil {
		return nil, nil, problem.NotFound("action", "action.unknown", "there is no action item %q", subject)
	}
	return item, dependents, nil
}

// TargetView is a programme's target with what was delivered against it.
type TargetView struct {
	Measure     string   `json:"measure"`
	Unit        string   `json:"unit"`
	Value       float64  `json:"value"`
	Recipient   PartyRef `json:"recipient"` // empty ID: across all recipients
	By          string   `json:"by,omitempty"`
	Delivered   float64  `json:"delivered"`   // reported by the provider, disputed deliveries excepted
	Confirmed   float64  `json:"confirmed"`   // confirmed by the recipient
	Unconfirmed float64  `json:"unconfirmed"` // reported but not (or no longer) confirmed
	Disputed    float64  `json:"disputed"`    // reported, but the recipient did not confirm it
}

// DeliveryView is a delivery and its confirmation.
type DeliveryView struct {
	Subject           string   `json:"subject"`
	Programme         string   `json:"programme"`
	ProgrammeTitle    string   `json:"programme_title"`
	Provider          PartyRef `json:"provider"`
	ProviderHome      string   `json:"provider_home"`
	Recipient         PartyRef `json:"recipient"`
	RecipientHome     string   `json:"recipient_home"`
	Measure           string   `json:"measure"`
	Value             float64  `json:"value"`
	PeriodFrom        string   `json:"period_from,omitempty"`
	DeliveredOn       string   `json:"delivered_on"`
	Description       string   `json:"description"`
	Author            string   `json:"author"`
	Latest            uint64   `json:"latest_index"`
	Confirmation      string   `json:"confirmation"` // "", confirmed, disputed, revised
	ConfirmationTitle string   `json:"confirmation_title"`
	ConfirmedValue    *float64 `json:"confirmed_value,omitempty"`
	ConfirmedOn       string   `json:"confirmed_on,omitempty"`
	ConfirmedBy       string   `json:"confirmed_by,omitempty"`
	ConfirmationNote  string   `json:"confirmation_note,omitempty"`
	ConfirmationIndex *uint64  `json:"confirmation_index,omitempty"`
}

// confirmedAmount is what the recipient confirmed of a delivery.
func (d *DeliveryView) confirmedAmount() float64 {
	if d.ConfirmedValue != nil {
		return *d.ConfirmedValue
	}
	return d.Value
}

// ConfirmationTitles names the confirmation states.
var ConfirmationTitles = []Option{
	{Unconfirmed, "Awaiting the recipient's confirmation"},
	{Confirmed, "Confirmed by the recipient"},
	{Disputed, "Not confirmed by the recipient"},
	{Revised, "Revised since the recipient's answer: awaiting confirmation"},
}

// ProgrammeSummary is a programme with its targets and delivery.
type ProgrammeSummary struct {
	Subject         string        `json:"subject"`
	Slug            string        `json:"slug"`
	Title           string        `json:"title"`
	Description     string        `json:"description"`
	Provider        PartyRef      `json:"provider"`
	Recipients      []PartyRef    `json:"recipients"`
	AnnouncedIn     string        `json:"announced_in"`
	AnnouncedOn     string        `json:"announced_on"`
	Commitment      string        `json:"commitment,omitempty"`
	CommitmentTitle string        `json:"commitment_title,omitempty"`
	Targets         []*TargetView `json:"targets"`
	Deliveries      int           `json:"deliveries"`
	Unconfirmed     int           `json:"unconfirmed_deliveries"`
	Versions        int           `json:"versions"`
	Latest          uint64        `json:"latest_index"`
	URL             string        `json:"url"`
}

// DeliveryFilter selects deliveries.
type DeliveryFilter struct {
	Programme string // a programme's slug
	Party     string // provider or recipient (a state includes its authorities)
	Pending   bool   // only those awaiting the recipient's confirmation
}

// ListDeliveries lists deliveries, the latest first.
func ListDeliveries(ctx context.Context, st store.Store, names Names, f DeliveryFilter) ([]*DeliveryView, error) {
	programme := ""
	if f.Programme != "" {
		programme = "programmes/" + f.Programme
	}
	rows, err := st.Reader().QueryContext(ctx, `SELECT d.subject, d.programme, COALESCE(p.title, d.programme), COALESCE(p.provider, ''), COALESCE(p.provider_home, ''), d.recipient, d.recipient_home, d.measure, d.value, d.period_from, d.delivered_on,
			d.description, d.author, d.head_idx, d.confirmation, d.confirmed_value, d.confirmed_on, d.confirmed_by, d.confirmation_note, d.confirmation_idx
		FROM programme_deliveries d LEFT JOIN programmes p ON p.subject = d.programme
		WHERE ($1 = '' OR d.programme = $1)
		  AND ($2 = '' OR d.recipient = $2 OR d.recipient_home = $2 OR p.provider = $2 OR p.provider_home = $2)
		  AND ($3 = 0 OR d.confirmation IN ('', 'revised'))
		ORDER BY d.delivered_on DESC, d.head_idx DESC`, programme, f.Party, boolInt(f.Pending))
	if err != nil {
		return nil, fmt.Errorf("couldn't list deliveries: %w", err)
	}
	defer rows.Close()
	out := []*DeliveryView{}
	for rows.Next() {
		var d DeliveryView
		var recipient, provider string
		var head int64
		var cv sql.NullFloat64
		var ci sql.NullInt64
		if err := rows.Scan(&d.Subject, &d.Programme, &d.ProgrammeTitle, &provider, &d.ProviderHome, &recipient, &d.RecipientHome, &d.Measure, &d.Value, &d.PeriodFrom, &d.DeliveredOn,
			&d.Description, &d.Author, &head, &d.Confirmation, &cv, &d.ConfirmedOn, &d.ConfirmedBy, &d.ConfirmationNote, &ci); err != nil {
			return nil, err
		}
		d.Provider, d.Recipient, d.Latest = names.Ref(provider), names.Ref(recipient), uint64(head)
		if cv.Valid {
			v := cv.Float64
			d.ConfirmedValue = &v
		}
		if ci.Valid {
			v := uint64(ci.Int64)
			d.ConfirmationIndex = &v
		}
		d.ConfirmationTitle = titleOf(ConfirmationTitles, d.Confirmation)
		out = append(out, &d)
	}
	return out, rows.Err()
}

// ListProgrammes lists programmes with their targets and what was delivered
// against each.
func ListProgrammes(ctx context.Context, st store.Store, names Names, party string) ([]*ProgrammeSummary, error) {
	rows, err := st.Reader().QueryContext(ctx, `SELECT p.subject, p.slug, p.title, p.description, p.provider, p.recipients, p.announced_in, p.announced_on, p.commitment,
			COALESCE(c.title, ''), p.versions, p.head_idx
		FROM programmes p LEFT JOIN commitments c ON c.subject = p.commitment
		WHERE $1 = '' OR p.provider = $1 OR p.provider_home = $1 OR p.recipients LIKE '%"' || $1 || '"%' OR p.recipients LIKE '%"' || $1 || '.%'
		ORDER BY p.announced_on DESC, p.title`, party)
	if err != nil {
		return nil, fmt.Errorf("couldn't list programmes: %w", err)
	}
	defer rows.Close()
	out := []*ProgrammeSummary{}
	by := map[string]*ProgrammeSummary{}
	for rows.Next() {
		var p ProgrammeSummary
		var provider, recipients string
		var head int64
		if err := rows.Scan(&p.Subject, &p.Slug, &p.Title, &p.Description, &provider, &recipients, &p.AnnouncedIn, &p.AnnouncedOn, &p.Commitment, &p.CommitmentTitle, &p.Versions, &head); err != nil {
			return nil, err
		}
		p.Provider, p.Recipients, p.Latest, p.URL = names.Ref(provider), names.Refs(decodeList(recipients)), uint64(head), "/"+p.Subject
		p.Targets = []*TargetView{}
		out = append(out, &p)
		by[p.Subject] = &p
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	trows, err := st.Reader().QueryContext(ctx, `SELECT programme, measure, unit, value, recipient, by_date FROM programme_targets ORDER BY programme, position`)
	if err != nil {
		return nil, fmt.Errorf("couldn't read targets: %w", err)
	}
	defer trows.Close()
	for trows.Next() {
		var subject, recipient string
		var t TargetView
		if err := trows.Scan(&subject, &t.Measure, &t.Unit, &t.Value, &recipient, &t.By); err != nil {
			return nil, err
		}
		if recipient != "" {
			t.Recipient = names.Ref(recipient)
		}
		if p := by[subject]; p != nil {
			p.Targets = append(p.Targets, &t)
		}
	}
	if err := trows.Err(); err != nil {
		return nil, err
	}
	trows.Close()
	ds, err := ListDeliveries(ctx, st, names, DeliveryFilter{})
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		p := by[d.Programme]
		if p == nil {
			continue
		}
		p.Deliveries++
		if d.Confirmation == Unconfirmed || d.Confirmation == Revised {
			p.Unconfirmed++
		}
		for _, t := range p.Targets {
			if t.Measure != d.Measure || (t.Recipient.ID != "" && t.Recipient.ID != d.Recipient.ID) {
				continue
			}
			switch d.Confirmation {
			case Confirmed:
				t.Delivered += d.Value
				t.Confirmed += d.confirmedAmount()
			case Disputed:
				t.Disputed += d.Value
			default:
				t.Delivered += d.Value
				t.Unconfirmed += d.Value
			}
		}
	}
	return out, nil
}

// ProgrammeDetail is a programme with its deliveries.
type ProgrammeDetail struct {
	*ProgrammeSummary
	Body       Programme       `json:"body"`
	Deliveries []*DeliveryView `json:"deliveries"`
}

// GetProgramme reads one programme.
func GetProgramme(ctx context.Context, st store.Store, names Names, slug string) (*ProgrammeDetail, error) {
	all, err := ListProgrammes(ctx, st, names, "")
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(all, func(p *ProgrammeSummary) bool { return p.Slug == slug })
	if i < 0 {
		return nil, problem.NotFound("programme", "programme.unknown", "there is no programme %q", slug)
	}
	d := &ProgrammeDetail{ProgrammeSummary: all[i]}
	rec, err := browse.ByIndex(ctx, st, d.Latest)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(rec.Body, &d.Body); err != nil {
		return nil, err
	}
	d.Deliveries, err = ListDeliveries(ctx, st, names, DeliveryFilter{Programme: slug})
	return d, err
}

// TourismFigure is a year's arrivals from one place in another.
type TourismFigure struct {
	Subject     string   `json:"subject"`
	Origin      PartyRef `json:"origin"`
	Destination PartyRef `json:"destination"`
	Year        int      `json:"year"`
	Arrivals    int64    `json:"arrivals"`
	RoundedTo   int64    `json:"rounded_to,omitempty"`
	Definition  string   `json:"definition,omitempty"`
	Source      string   `json:"source"`
	Author      string   `json:"author"`
	Latest      uint64   `json:"latest_index"`
}

// VisitView is an official visit.
type VisitView struct {
	Subject      string   `json:"subject"`
	Visitor      PartyRef `json:"visitor"`
	VisitorTitle string   `json:"visitor_title"`
	Host         PartyRef `json:"host"`
	Kind         Option   `json:"kind"`
	StartOn      string   `json:"start_on"`
	EndOn        string   `json:"end_on"`
	Summary      string   `json:"summary"`
	Author       string   `json:"author"`
	Latest       uint64   `json:"latest_index"`
}

// EventView is a Track 2 event.
type EventView struct {
	Subject    string   `json:"subject"`
	Title      string   `json:"title"`
	Track      Option   `json:"track"`
	Organisers []string `json:"organisers"`
	Country    PartyRef `json:"country"`
	Place      string   `json:"place"`
	StartOn    string   `json:"start_on"`
	EndOn      string   `json:"end_on"`
	Summary    string   `json:"summary"`
	Author     string   `json:"author"`
	Latest     uint64   `json:"latest_index"`
}

// Exchanges are the people-to-people exchanges on record.
type Exchanges struct {
	Tourism []*TourismFigure `json:"tourism"`
	Visits  []*VisitView     `json:"visits"`
	Events  []*EventView     `json:"events"`
}

// ExchangeTypes are the types of exchange.
var ExchangeTypes = []Option{{"tourism", "Tourist arrivals"}, {"visits", "Official visits"}, {"events", "Track 2 events"}}

// ListExchanges reads the exchanges of one type (or all, for ""), those
// involving country if it is set.
func ListExchanges(ctx context.Context, st store.Store, names Names, typ, country string) (*Exchanges, error) {
	x := &Exchanges{Tourism: []*TourismFigure{}, Visits: []*VisitView{}, Events: []*EventView{}}
	if typ == "" || typ == "tourism" {
		rows, err := st.Reader().QueryContext(ctx, `SELECT subject, origin, destination, year, arrivals, rounded_to, definition, source, author, head_idx
			FROM tourism_arrivals WHERE $1 = '' OR origin = $1 OR destination = $1 ORDER BY origin, destination, year`, country)
		if err != nil {
			return nil, fmt.Errorf("couldn't read tourist arrivals: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var t TourismFigure
			var origin, destination string
			var head int64
			if err := rows.Scan(&t.Subject, &origin, &destination, &t.Year, &t.Arrivals, &t.RoundedTo, &t.Definition, &t.Source, &t.Author, &head); err != nil {
				return nil, err
			}
			t.Origin, t.Destination, t.Latest = names.Ref(origin), names.Ref(destination), uint64(head)
			x.Tourism = append(x.Tourism, &t)
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
		rows.Close()
	}
	if typ == "" || typ == "visits" {
		rows, err := st.Reader().QueryContext(ctx, `SELECT subject, visitor, visitor_title, host, kind, start_on, end_on, summary, author, head_idx
			FROM official_visits WHERE $1 = '' OR visitor = $1 OR host = $1 ORDER BY start_on DESC, subject`, country)
		if err != nil {
			return nil, fmt.Errorf("couldn't read visits: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var v VisitView
			var visitor, host, kind string
			var head int64
			if err := rows.Scan(&v.Subject, &visitor, &v.VisitorTitle, &host, &kind, &v.StartOn, &v.EndOn, &v.Summary, &v.Author, &head); err != nil {
				return nil, err
			}
			v.Visitor, v.Host, v.Kind, v.Latest = names.Ref(visitor), names.Ref(host), Option{kind, titleOf(VisitKinds, kind)}, uint64(head)
			x.Visits = append(x.Visits, &v)
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
		rows.Close()
	}
	if typ == "" || typ == "events" {
		rows, err := st.Reader().QueryContext(ctx, `SELECT subject, title, track, organisers, country, place, start_on, end_on, summary, author, head_idx
			FROM track2_events WHERE $1 = '' OR country = $1 ORDER BY start_on DESC, subject`, country)
		if err != nil {
			return nil, fmt.Errorf("couldn't read Track 2 events: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var e EventView
			var track, organisers, c string
			var head int64
			if err := rows.Scan(&e.Subject, &e.Title, &track, &organisers, &c, &e.Place, &e.StartOn, &e.EndOn, &e.Summary, &e.Author, &head); err != nil {
				return nil, err
			}
			e.Track, e.Organisers, e.Country, e.Latest = Option{track, titleOf(Tracks, track)}, decodeList(organisers), names.Ref(c), uint64(head)
			x.Events = append(x.Events, &e)
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return x, nil
}

// errNoParty is returned for a party the register does not know.
func errNoParty(id string) error {
	return problem.NotFound("id", "party.unknown", "there is no party %q", id)
}

// requireKnownParty checks that a filter names a party.
func requireKnownParty(names Names, field, id string) error {
	if id == "" {
		return nil
	}
	if _, ok := names[id]; !ok || id == ASEAN {
		return problem.Invalid(field, "param.party", "there is no party %q", id)
	}
	return nil
}

// isNotFound reports a not-found problem.
func isNotFound(err error) bool { return errors.Is(err, problem.ErrNotFound) }

// joinNames writes party names as a list.
func joinNames(ps []PartyRef) string {
	var s []string
	for _, p := range ps {
		s = append(s, p.Name)
	}
	return strings.Join(s, ", ")
}
