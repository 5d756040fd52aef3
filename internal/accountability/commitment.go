package accountability

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/kongsi/kongsi/internal/i18n"
	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/problem"
)

// The kinds of commitments.
const (
	KindCommitment = "commitment"
	KindReport     = "commitment.report"
	KindAssessment = "commitment.assessment"
)

const slug = `[a-z0-9][a-z0-9-]{0,79}`

var (
	commitmentSubject = regexp.MustCompile(`^commitments/` + slug + `$`)
	reportSubject     = regexp.MustCompile(`^commitments/` + slug + `/reports/` + slug + `$`)
	assessmentSubject = regexp.MustCompile(`^commitments/` + slug + `/assessments/` + slug + `$`)
)

// Source is where something was published.
type Source struct {
	Title     string `json:"title"`
	Publisher string `json:"publisher,omitempty"`
	URL       string `json:"url,omitempty"`
	Date      string `json:"date,omitempty"`
}

// Commitment is a commitment's body.
type Commitment struct {
	Title      string      `json:"title"`
	Text       string      `json:"text"`
	MadeIn     string      `json:"made_in"`
	MadeOn     string      `json:"made_on"`
	DueOn      string      `json:"due_on,omitempty"`
	Pledgers   []string    `json:"pledgers"`
	Related    []string    `json:"related,omitempty"`
	Milestones []Milestone `json:"milestones,omitempty"`
	Sources    []Source    `json:"sources"`
	ChangeNote string      `json:"change_note,omitempty"`
	Withdrawn  bool        `json:"withdrawn,omitempty"`
}

// Milestone is a measurable step towards a commitment.
type Milestone struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	DueOn string `json:"due_on,omitempty"`
}

// Report is a progress report's body.
type Report struct {
	ReportedOn    string         `json:"reported_on"`
	Status        string         `json:"status"`
	MetOn         string         `json:"met_on,omitempty"`
	Summary       string         `json:"summary"`
	MilestonesMet []MilestoneMet `json:"milestones_met,omitempty"`
	Sources       []Source       `json:"sources,omitempty"`
	ChangeNote    string         `json:"change_note,omitempty"`
}

// MilestoneMet marks a milestone as met on a date.
type MilestoneMet struct {
	Milestone string `json:"milestone"`
	MetOn     string `json:"met_on"`
}

// Assessment is an assessment's body.
type Assessment struct {
	AssessedOn string   `json:"assessed_on"`
	Rating     string   `json:"rating"`
	Reasons    string   `json:"reasons"`
	Sources    []Source `json:"sources,omitempty"`
	ChangeNote string   `json:"change_note,omitempty"`
}

// CommitmentState is what the ledger keeps of a commitment between records.
type CommitmentState struct {
	Pledgers   []string
	Milestones []string
	Withdrawn  bool
}

// ReportState is what the ledger keeps of a report: the pledger it speaks
// for.
type ReportState struct{ Pledger string }

// AssessmentState is what the ledger keeps of an assessment: the party that
// assesses.
type AssessmentState struct{ Assessor string }

func commitmentKinds() []*ledger.Kind {
	return []*ledger.Kind{
		{
			Name: KindCommitment, Title: "Commitment",
			Doc:         "A pledge by one or more parties, with the meeting or document it comes from, a due date and milestones. Signed by a party acting for each pledger (an authority speaks for its state with the \"governance\" or \"declarations\" role); later versions keep the pledgers and say what changed.",
			Schema:      schema(KindCommitment),
			Subject:     commitmentSubject,
			SubjectHelp: "commitments/<commitment>",
			Check:       checkCommitment,
			Roles:       rolesPledge,
			Summary: func(l *i18n.Locale, b json.RawMessage) string {
				var c Commitment
				json.Unmarshal(b, &c)
				return c.Title
			},
		},
		{
			Name: KindReport, Title: "Progress report",
			Doc:         "A pledger's report of progress on a commitment: in progress, at risk or met, and the milestones met. Only a pledger (or an authority speaking for a pledging state) reports; the record refers to the commitment's latest version with rel \"about\".",
			Schema:      schema(KindReport),
			Subject:     reportSubject,
			SubjectHelp: "commitments/<commitment>/reports/<report>",
			Check:       checkReport,
			Roles:       rolesPledge,
			Summary: func(l *i18n.Locale, b json.RawMessage) string {
				var r Report
				json.Unmarshal(b, &r)
				return l.T("Progress report (%s), %s: %s", l.T(strings.ReplaceAll(r.Status, "-", " ")), r.ReportedOn, clip(r.Summary, 120))
			},
		},
		{
			Name: KindAssessment, Title: "Assessment",
			Doc:         "Another party's assessment of a commitment (on track, at risk, overdue or met) with its reasons. No party assesses a commitment it or its state pledged; the record refers to the commitment's latest version with rel \"about\".",
			Schema:      schema(KindAssessment),
			Subject:     assessmentSubject,
			SubjectHelp: "commitments/<commitment>/assessments/<assessment>",
			Check:       checkAssessment,
			Roles:       rolesPledge,
			Summary: func(l *i18n.Locale, b json.RawMessage) string {
				var a Assessment
				json.Unmarshal(b, &a)
				return l.T("Assessment (%s), %s: %s", l.T(strings.ReplaceAll(a.Rating, "-", " ")), a.AssessedOn, clip(a.Reasons, 120))
			},
		},
	}
}

// clip shortens s to at most n characters, at a word if it can.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n])
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return cut + "…"
}

func checkCommitment(c *ledger.Context) (any, error) {
	var b Commitment
	if err := c.Decode(&b); err != nil {
		return nil, err
	}
	if err := requirePartyList(c, "body.pledgers", "commitment.pledger-unknown", b.Pledgers); err != nil {
		return nil, err
	}
	if err := requirePartyList(c, "body.related", "commitment.related-unknown", b.Related); err != nil {
		return nil, err
	}
	for i, r := range b.Related {
		if slices.Contains(b.Pledgers, r) {
			return nil, problem.Invalid(fmt.Sprintf("body.related[%d]", i), "commitment.related-is-pledger", "%q is a pledger; related parties are the others the pledge concerns", r)
		}
	}
	if b.DueOn != "" && b.DueOn < b.MadeOn {
		return nil, problem.Invalid("body.due_on", "commitment.due-before-made", "the commitment is due on %s, before it was made (%s)", b.DueOn, b.MadeOn)
	}
	var ids []string
	for i, m := range b.Milestones {
		if slices.Contains(ids, m.ID) {
			return nil, problem.Invalid(fmt.Sprintf("body.milestones[%d].id", i), "commitment.milestone-duplicate", "two milestones are called %q", m.ID)
		}
		ids = append(ids, m.ID)
	}
	if firstActedFor(c, b.Pledgers, rolesPledge) == "" {
		return nil, forbidActing(c, "author", "commitment.author", "a commitment is published by one of its pledgers", b.Pledgers, rolesPledge)
	}
	for i, p := range b.Pledgers {
		if !signerActsFor(c, p, rolesPledge) {
			return nil, problem.Forbidden(fmt.Sprintf("body.pledgers[%d]", i), "commitment.pledger-signature",
				"%q has not signed: a commitment is signed by a party acting for each of its pledgers (the pledger itself, or an authority of a pledging state with the %s role)", p, rolesText(rolesPledge))
		}
	}
	if c.Head == nil {
		if b.ChangeNote != "" {
			return nil, problem.Invalid("body.change_note", "commitment.first-version", "the first version of a commitment has no change note")
		}
		if b.Withdrawn {
			return nil, problem.Invalid("body.withdrawn", "commitment.first-version", "a commitment is withdrawn by a new version of it")
		}
		return &CommitmentState{Pledgers: b.Pledgers, Milestones: ids}, nil
	}
	prev := c.Head.Data.(*CommitmentState)
	if !sameSet(prev.Pledgers, b.Pledgers) {
		return nil, problem.Invalid("body.pledgers", "commitment.pledgers-fixed", "the pledgers of a commitment do not change (they are %s); a different set of parties makes a new commitment", strings.Join(prev.Pledgers, ", "))
	}
	for _, m := range prev.Milestones {
		if !slices.Contains(ids, m) {
			return nil, problem.Invalid("body.milestones", "commitment.milestone-removed", "milestone %q is dropped; milestones stay once set, so that reports on them keep their meaning (change its title or due date instead)", m)
		}
	}
	if b.ChangeNote == "" {
		return nil, problem.Invalid("body.change_note", "commitment.change-note", "a new version of a commitment says what changed and why in change_note")
	}
	return &CommitmentState{Pledgers: prev.Pledgers, Milestones: ids, Withdrawn: b.Withdrawn}, nil
}

// commitmentOf finds the commitment a report or assessment is about, from
// its subject.
func commitmentOf(c *ledger.Context, rule string) (string, *ledger.Head, *CommitmentState, error) {
	subject := "commitments/" + ledger.SubjectSegment(c.Record.Subject, 1)
	h, ok := c.HeadOf(subject)
	if !ok || h.Kind != KindCommitment {
		return "", nil, nil, problem.Invalid("subject", rule, "there is no commitment %q", subject)
	}
	return subject, h, h.Data.(*CommitmentState), nil
}

func checkReport(c *ledger.Context) (any, error) {
	var b Report
	if err := c.Decode(&b); err != nil {
		return nil, err
	}
	subject, h, cs, err := commitmentOf(c, "report.commitment-unknown")
	if err != nil {
		return nil, err
	}
	if err := aboutRef(c, "report.about", subject, h); err != nil {
		return nil, err
	}
	pledger := firstActedFor(c, cs.Pledgers, rolesPledge)
	if pledger == "" {
		return nil, forbidActing(c, "author", "report.not-pledger", "a progress report is made by a pledger of the commitment", cs.Pledgers, rolesPledge)
	}
	if c.Head != nil {
		if prev := c.Head.Data.(*ReportState); prev.Pledger != pledger {
			return nil, problem.Forbidden("author", "report.pledger-changed", "this report speaks for %q; %q may correct it, not %q", prev.Pledger, prev.Pledger, pledger)
		}
	}
	if cs.Withdrawn {
		return nil, problem.Invalid("subject", "report.withdrawn", "the commitment %s was withdrawn", subject)
	}
	if (b.Status == "met") != (b.MetOn != "") {
		return nil, problem.Invalid("body.met_on", "report.met-on", "met_on gives the date a commitment was met: it is required with status \"met\", and only then")
	}
	if err := notAfterSigning(c, "body.reported_on", "report.future", b.ReportedOn); err != nil {
		return nil, err
	}
	if b.MetOn != "" {
		if err := notAfterSigning(c, "body.met_on", "report.future", b.MetOn); err != nil {
			return nil, err
		}
	}
	var seen []string
	for i, m := range b.MilestonesMet {
		field := fmt.Sprintf("body.milestones_met[%d]", i)
		if !slices.Contains(cs.Milestones, m.Milestone) {
			return nil, problem.Invalid(field+".milestone", "report.milestone-unknown", "the commitment has no milestone %q; its milestones are %s", m.Milestone, listOrNone(cs.Milestones))
		}
		if slices.Contains(seen, m.Milestone) {
			return nil, problem.Invalid(field+".milestone", "report.milestone-duplicate", "milestone %q is listed twice", m.Milestone)
		}
		seen = append(seen, m.Milestone)
		if err := notAfterSigning(c, field+".met_on", "report.future", m.MetOn); err != nil {
			return nil, err
		}
	}
	return &ReportState{Pledger: pledger}, nil
}

func checkAssessment(c *ledger.Context) (any, error) {
	var b Assessment
	if err := c.Decode(&b); err != nil {
		return nil, err
	}
	subject, h, cs, err := commitmentOf(c, "assessment.commitment-unknown")
	if err != nil {
		return nil, err
	}
	if err := aboutRef(c, "assessment.about", subject, h); err != nil {
		return nil, err
	}
	a := c.Author()
	assessor := home(a)
	for _, p := range cs.Pledgers {
		if homeOf(c, p) == assessor {
			return nil, problem.Forbidden("author", "assessment.own-commitment", "%q pledged this commitment%s: a party does not assess its own commitments (it reports on them)", p, ofState(p, assessor))
		}
	}
	if a.Type == ledger.TypeAuthority && !actsFor(a, assessor, rolesPledge) {
		return nil, problem.Forbidden("author", "assessment.role", "an assessment by an authority speaks for its state: %q holds neither %s", a.ID, rolesNeither(rolesPledge))
	}
	if c.Head != nil {
		if prev := c.Head.Data.(*AssessmentState); prev.Assessor != assessor {
			return nil, problem.Forbidden("author", "assessment.assessor-changed", "this assessment is by %q; only %q may revise it", prev.Assessor, prev.Assessor)
		}
	}
	if err := notAfterSigning(c, "body.assessed_on", "assessment.future", b.AssessedOn); err != nil {
		return nil, err
	}
	return &AssessmentState{Assessor: assessor}, nil
}

// ofState says ", for X" when a pledger is an authority of state X.
func ofState(pledger, state string) string {
	if pledger != state {
		return fmt.Sprintf(" (an authority of %q)", state)
	}
	return ""
}

func listOrNone(ids []string) string {
	if len(ids) == 0 {
		return "none"
	}
	return strings.Join(ids, ", ")
}

// sameSet reports whether a and b hold the same elements.
func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}
