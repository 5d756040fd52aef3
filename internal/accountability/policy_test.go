package accountability_test

import (
	"testing"

	"github.com/kongsi/kongsi/internal/accountability"
	"github.com/kongsi/kongsi/internal/ledger/ledgertest"
	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/record"
)

func TestCommitmentPolicy(t *testing.T) {
	f, s := newState(t)
	const c = "commitments/coc"
	joint := commitmentBody("chn", "khm")
	v1 := f.SignBy(t, []string{"chn.mfa", "khm.mfa"}, accountability.KindCommitment, c, joint)
	ledgertest.MustAppend(t, s, v1)
	own := f.Sign(t, "khm.mnd", accountability.KindCommitment, "commitments/mnd-pledge", commitmentBody("khm.mnd"))
	ledgertest.MustAppend(t, s, own)
	prev := ledgertest.Prev(t, v1)

	checkRefusals(t, s, []refusal{
		{"unknown pledger", f.Sign(t, "chn.mfa", accountability.KindCommitment, "commitments/x", commitmentBody("chn", "xyz")), problem.ErrInvalid, "commitment.pledger-unknown", "body.pledgers[1]"},
		{"unknown related party", f.Sign(t, "chn.mfa", accountability.KindCommitment, "commitments/x", merge(commitmentBody("chn"), "related", []any{"abc"})), problem.ErrInvalid, "commitment.related-unknown", "body.related[0]"},
		{"related party is a pledger", f.Sign(t, "chn.mfa", accountability.KindCommitment, "commitments/x", merge(commitmentBody("chn"), "related", []any{"vnm", "chn"})), problem.ErrInvalid, "commitment.related-is-pledger", "body.related[1]"},
		{"due before made", f.Sign(t, "chn.mfa", accountability.KindCommitment, "commitments/x", merge(commitmentBody("chn"), "due_on", "2020-01-01")), problem.ErrInvalid, "commitment.due-before-made", "body.due_on"},
		{"duplicate milestone", f.Sign(t, "chn.mfa", accountability.KindCommitment, "commitments/x", merge(commitmentBody("chn"), "milestones", []any{map[string]any{"id": "a", "title": "A"}, map[string]any{"id": "a", "title": "B"}})), problem.ErrInvalid, "commitment.milestone-duplicate", "body.milestones[1].id"},
		{"another state's authority", f.Sign(t, "vnm.mfa", accountability.KindCommitment, "commitments/x", commitmentBody("chn")), problem.ErrForbidden, "commitment.author", "author"},
		{"an authority without a role that speaks for its state", f.Sign(t, "khm.mnd", accountability.KindCommitment, "commitments/x", commitmentBody("khm")), problem.ErrForbidden, "commitment.author", "author"},
		{"a joint pledge without every pledger's signature", f.Sign(t, "chn.mfa", accountability.KindCommitment, "commitments/x", commitmentBody("chn", "khm")), problem.ErrForbidden, "commitment.pledger-signature", "body.pledgers[1]"},
		{"change note on the first version", f.Sign(t, "chn.mfa", accountability.KindCommitment, "commitments/x", merge(commitmentBody("chn"), "change_note", "x")), problem.ErrInvalid, "commitment.first-version", "body.change_note"},
		{"withdrawn first version", f.Sign(t, "chn.mfa", accountability.KindCommitment, "commitments/x", merge(commitmentBody("chn"), "withdrawn", true)), problem.ErrInvalid, "commitment.first-version", "body.withdrawn"},
		{"pledgers changed", f.SignBy(t, []string{"chn.mfa", "khm.mfa", "vnm.mfa"}, accountability.KindCommitment, c, merge(commitmentBody("chn", "khm", "vnm"), "change_note", "Viet Nam joins."), prev), problem.ErrInvalid, "commitment.pledgers-fixed", "body.pledgers"},
		{"milestone dropped", f.SignBy(t, []string{"chn.mfa", "khm.mfa"}, accountability.KindCommitment, c, merge(joint, "change_note", "Fewer milestones.", "milestones", []any{map[string]any{"id": "third-reading", "title": "Third reading"}}), prev), problem.ErrInvalid, "commitment.milestone-removed", "body.milestones"},
		{"new version without a change note", f.SignBy(t, []string{"chn.mfa", "khm.mfa"}, accountability.KindCommitment, c, merge(joint, "due_on", "2027-01-01"), prev), problem.ErrInvalid, "commitment.change-note", "body.change_note"},
		{"new version not signed by every pledger", f.Sign(t, "chn.mfa", accountability.KindCommitment, c, merge(joint, "due_on", "2027-01-01", "change_note", "Later."), prev), problem.ErrForbidden, "commitment.pledger-signature", "body.pledgers[1]"},
		{"no pledgers", f.Sign(t, "chn.mfa", accountability.KindCommitment, "commitments/x", merge(commitmentBody("chn"), "pledgers", nil)), problem.ErrInvalid, "schema.required", "body.pledgers"},
		{"subject form", f.Sign(t, "chn.mfa", accountability.KindCommitment, "commitments/x/y", commitmentBody("chn")), problem.ErrInvalid, "kind.subject", "subject"},
	})

	// A new version by both pledgers, with a note: the due date moves.
	v2 := f.SignBy(t, []string{"khm.mfa", "chn.mfa"}, accountability.KindCommitment, c, merge(joint, "due_on", "2027-01-01", "change_note", "The target moves to 2027."), prev)
	ledgertest.MustAppend(t, s, v2)
	if h, _ := s.Head(c); h.Version != 2 || len(h.Data.(*accountability.CommitmentState).Milestones) != 2 {
		t.Errorf("head after the update: %+v", h)
	}

	// Reports.
	report := func(author, slug string, body map[string]any, refs ...record.Ref) []byte {
		return f.Sign(t, author, accountability.KindReport, c+"/reports/"+slug, body, refs...)
	}
	ok := report("khm.mfa", "r1", merge(reportBody("in-progress"), "milestones_met", []any{map[string]any{"milestone": "second-reading", "met_on": "2023-07-13"}}), about(t, v2))
	ledgertest.MustAppend(t, s, ok)
	if h, _ := s.Head(c + "/reports/r1"); h.Data.(*accountability.ReportState).Pledger != "khm" {
		t.Errorf("the report speaks for %+v, want khm", h.Data)
	}
	// An authority that pledged in its own name reports on its pledge without
	// any role: it is the pledger.
	ledgertest.MustAppend(t, s, f.Sign(t, "khm.mnd", accountability.KindReport, "commitments/mnd-pledge/reports/mnd", reportBody("at-risk"), about(t, own)))
	checkRefusals(t, s, []refusal{
		{"a report by a party that is not a pledger", report("vnm.mfa", "r2", reportBody("in-progress"), about(t, v2)), problem.ErrForbidden, "report.not-pledger", "author"},
		{"a report by an authority without a role that speaks for its state", report("khm.mnd", "r2", reportBody("in-progress"), about(t, v2)), problem.ErrForbidden, "report.not-pledger", "author"},
		{"a report by an organisation", report("org.observer", "r2", reportBody("in-progress"), about(t, v2)), problem.ErrForbidden, "report.not-pledger", "author"},
		{"a report on a commitment that does not exist", f.Sign(t, "chn.mfa", accountability.KindReport, "commitments/none/reports/r", reportBody("in-progress"), about(t, v2)), problem.ErrInvalid, "report.commitment-unknown", "subject"},
		{"a report without an about ref", report("chn.mfa", "r2", reportBody("in-progress")), problem.ErrInvalid, "report.about", "refs"},
		{"a report about an older version", report("chn.mfa", "r2", reportBody("in-progress"), about(t, v1)), problem.ErrConflict, "report.about", "refs"},
		{"a report on an unknown milestone", report("chn.mfa", "r2", merge(reportBody("in-progress"), "milestones_met", []any{map[string]any{"milestone": "fourth-reading", "met_on": "2024-01-01"}}), about(t, v2)), problem.ErrInvalid, "report.milestone-unknown", "body.milestones_met[0].milestone"},
		{"a milestone listed twice", report("chn.mfa", "r2", merge(reportBody("in-progress"), "milestones_met", []any{map[string]any{"milestone": "third-reading", "met_on": "2024-01-01"}, map[string]any{"milestone": "third-reading", "met_on": "2024-02-01"}}), about(t, v2)), problem.ErrInvalid, "report.milestone-duplicate", "body.milestones_met[1].milestone"},
		{"met without a date", report("chn.mfa", "r2", merge(reportBody("met"), "met_on", nil), about(t, v2)), problem.ErrInvalid, "report.met-on", "body.met_on"},
		{"a date while in progress", report("chn.mfa", "r2", merge(reportBody("in-progress"), "met_on", "2024-01-01"), about(t, v2)), problem.ErrInvalid, "report.met-on", "body.met_on"},
		{"a report of the future", report("chn.mfa", "r2", merge(reportBody("in-progress"), "reported_on", "2030-01-01"), about(t, v2)), problem.ErrInvalid, "report.future", "body.reported_on"},
		{"another pledger corrects a report", report("chn.mfa", "r1", reportBody("at-risk"), about(t, v2), ledgertest.Prev(t, ok)), problem.ErrForbidden, "report.pledger-changed", "author"},
		{"a status out of the list", report("chn.mfa", "r2", merge(reportBody("in-progress"), "status", "done"), about(t, v2)), problem.ErrInvalid, "schema.enum", "body.status"},
	})
	// The pledger that made a report corrects it, through another of its
	// authorities' voices: khm.mfa again.
	ledgertest.MustAppend(t, s, report("khm.mfa", "r1", reportBody("at-risk"), about(t, v2), ledgertest.Prev(t, ok)))

	// Assessments.
	assess := func(author, slug string, body map[string]any, refs ...record.Ref) []byte {
		return f.Sign(t, author, accountability.KindAssessment, c+"/assessments/"+slug, body, refs...)
	}
	checkRefusals(t, s, []refusal{
		{"a pledger assesses its own commitment", assess("chn.mfa", "a1", assessmentBody("on-track"), about(t, v2)), problem.ErrForbidden, "assessment.own-commitment", "author"},
		{"an authority of a pledging state assesses it", assess("khm.mnd", "a1", assessmentBody("on-track"), about(t, v2)), problem.ErrForbidden, "assessment.own-commitment", "author"},
		{"a state assesses its authority's pledge", f.Sign(t, "khm.mfa", accountability.KindAssessment, "commitments/mnd-pledge/assessments/a", assessmentBody("met"), about(t, own)), problem.ErrForbidden, "assessment.own-commitment", "author"},
		{"an assessment without an about ref", assess("vnm.mfa", "a1", assessmentBody("at-risk")), problem.ErrInvalid, "assessment.about", "refs"},
		{"an assessment of a commitment that does not exist", f.Sign(t, "vnm.mfa", accountability.KindAssessment, "commitments/none/assessments/a", assessmentBody("at-risk"), about(t, v2)), problem.ErrInvalid, "assessment.commitment-unknown", "subject"},
		{"an assessment of the future", assess("vnm.mfa", "a1", merge(assessmentBody("at-risk"), "assessed_on", "2031-01-01"), about(t, v2)), problem.ErrInvalid, "assessment.future", "body.assessed_on"},
		{"a rating out of the list", assess("vnm.mfa", "a1", assessmentBody("failed"), about(t, v2)), problem.ErrInvalid, "schema.enum", "body.rating"},
		{"reasons missing", assess("vnm.mfa", "a1", merge(assessmentBody("at-risk"), "reasons", nil), about(t, v2)), problem.ErrInvalid, "schema.required", "body.reasons"},
	})
	a1 := assess("vnm.mfa", "a1", assessmentBody("at-risk"), about(t, v2))
	ledgertest.MustAppend(t, s, a1, assess("org.observer", "a2", assessmentBody("on-track"), about(t, v2)))
	chnOnly := f.Sign(t, "chn.mfa", accountability.KindCommitment, "commitments/chn-only", commitmentBody("chn"))
	ledgertest.MustAppend(t, s, chnOnly)
	checkRefusals(t, s, []refusal{
		{"an authority without a role that speaks for its state assesses", f.Sign(t, "khm.mnd", accountability.KindAssessment, "commitments/chn-only/assessments/a", assessmentBody("met"), about(t, chnOnly)), problem.ErrForbidden, "assessment.role", "author"},
		{"another party revises an assessment", assess("phl.mfa", "a1", assessmentBody("met"), about(t, v2), ledgertest.Prev(t, a1)), problem.ErrForbidden, "assessment.assessor-changed", "author"},
	})

	// Withdrawn: no more reports.
	v3 := f.SignBy(t, []string{"chn.mfa", "khm.mfa"}, accountability.KindCommitment, c, merge(joint, "due_on", "2027-01-01", "change_note", "Withdrawn.", "withdrawn", true), ledgertest.Prev(t, v2))
	ledgertest.MustAppend(t, s, v3)
	checkRefusals(t, s, []refusal{
		{"a report on a withdrawn commitment", report("chn.mfa", "r3", reportBody("in-progress"), about(t, v3)), problem.ErrInvalid, "report.withdrawn", "subject"},
	})
}

func TestCooperationPolicy(t *testing.T) {
	f, s := newState(t)
	const i = "initiatives/disaster"
	init1 := f.Sign(t, "chn.mfa", accountability.KindInitiative, i, initiativeBody("chn", "khm", "vnm"))
	ledgertest.MustAppend(t, s, init1)
	checkRefusals(t, s, []refusal{
		{"an unknown participant", f.Sign(t, "chn.mfa", accountability.KindInitiative, "initiatives/x", initiativeBody("chn", "zzz")), problem.ErrInvalid, "initiative.participant-unknown", "body.participants[1]"},
		{"published by an outsider", f.Sign(t, "phl.mfa", accountability.KindInitiative, "initiatives/x", initiativeBody("chn", "khm")), problem.ErrForbidden, "initiative.author-not-participant", "author"},
		{"taken over by an outsider", f.Sign(t, "phl.mfa", accountability.KindInitiative, i, initiativeBody("phl"), ledgertest.Prev(t, init1)), problem.ErrForbidden, "initiative.author-not-participant", "author"},
		{"ends before it starts", f.Sign(t, "chn.mfa", accountability.KindInitiative, "initiatives/x", merge(initiativeBody("chn"), "ended_on", "2020-01-01")), problem.ErrInvalid, "initiative.dates", "body.ended_on"},
		{"an unknown pillar", f.Sign(t, "chn.mfa", accountability.KindInitiative, "initiatives/x", merge(initiativeBody("chn"), "pillars", []any{"military"})), problem.ErrInvalid, "schema.enum", "body.pillars[0]"},
	})

	act := func(signers []string, slug string, body map[string]any, refs ...record.Ref) []byte {
		return f.SignBy(t, signers, accountability.KindAction, "actions/disaster/"+slug, body, refs...)
	}
	// A participant creates an item another participant owns, which that
	// owner signs.
	a := act([]string{"chn.mfa", "khm.mfa"}, "focal-points", actionBody("khm", "2024-03-01", "open"))
	b := act([]string{"vnm.mfa"}, "work-plan", merge(actionBody("vnm", "2024-06-01", "open"), "depends_on", []any{"actions/disaster/focal-points"}))
	ledgertest.MustAppend(t, s, a, b)
	checkRefusals(t, s, []refusal{
		{"without an owner", act([]string{"chn.mfa"}, "x", merge(actionBody("chn", "2024-03-01", "open"), "owner", nil)), problem.ErrInvalid, "schema.required", "body.owner"},
		{"without a due date", act([]string{"chn.mfa"}, "x", merge(actionBody("chn", "2024-03-01", "open"), "due_on", nil)), problem.ErrInvalid, "schema.required", "body.due_on"},
		{"under an initiative that does not exist", f.Sign(t, "chn.mfa", accountability.KindAction, "actions/none/x", actionBody("chn", "2024-03-01", "open")), problem.ErrInvalid, "action.initiative-unknown", "subject"},
		{"an owner that is not a party", act([]string{"chn.mfa"}, "x", actionBody("zzz", "2024-03-01", "open")), problem.ErrInvalid, "action.owner-unknown", "body.owner"},
		{"an owner that does not take part", act([]string{"chn.mfa", "phl.mfa"}, "x", actionBody("phl", "2024-03-01", "open")), problem.ErrInvalid, "action.owner-not-participant", "body.owner"},
		{"owed to its own owner", act([]string{"chn.mfa"}, "x", merge(actionBody("chn", "2024-03-01", "open"), "owed_to", []any{"khm", "chn"})), problem.ErrInvalid, "action.owed-to-owner", "body.owed_to[1]"},
		{"owed to a party that does not exist", act([]string{"chn.mfa"}, "x", merge(actionBody("chn", "2024-03-01", "open"), "owed_to", []any{"khm", "qqq"})), problem.ErrInvalid, "action.owed-to-unknown", "body.owed_to[1]"},
		{"created by an outsider", act([]string{"phl.mfa", "khm.mfa"}, "x", actionBody("khm", "2024-03-01", "open")), problem.ErrForbidden, "action.author-not-participant", "author"},
		{"assigned without the owner's signature", act([]string{"chn.mfa"}, "x", actionBody("khm", "2024-03-01", "open")), problem.ErrForbidden, "action.owner-signature", "body.owner"},
		{"updated by a party that does not own it", act([]string{"chn.mfa"}, "focal-points", actionBody("khm", "2024-03-01", "in-progress"), ledgertest.Prev(t, a)), problem.ErrForbidden, "action.not-owner", "author"},
		{"handed to a new owner without its signature", act([]string{"khm.mfa"}, "focal-points", actionBody("chn", "2024-03-01", "open"), ledgertest.Prev(t, a)), problem.ErrForbidden, "action.owner-signature", "body.owner"},
		{"done without a date", act([]string{"khm.mfa"}, "focal-points", actionBody("khm", "2024-03-01", "done"), ledgertest.Prev(t, a)), problem.ErrInvalid, "action.done-on", "body.done_on"},
		{"a date without being done", act([]string{"khm.mfa"}, "focal-points", merge(actionBody("khm", "2024-03-01", "open"), "done_on", "2024-02-01"), ledgertest.Prev(t, a)), problem.ErrInvalid, "action.done-on", "body.done_on"},
		{"done in the future", act([]string{"khm.mfa"}, "focal-points", merge(actionBody("khm", "2024-03-01", "done"), "done_on", "2029-02-01"), ledgertest.Prev(t, a)), problem.ErrInvalid, "action.done-in-future", "body.done_on"},
		{"depends on an item that does not exist", act([]string{"chn.mfa"}, "x", merge(actionBody("chn", "2024-03-01", "open"), "depends_on", []any{"actions/disaster/nothing"})), problem.ErrInvalid, "action.dependency-unknown", "body.depends_on[0]"},
		{"depends on itself", act([]string{"khm.mfa"}, "focal-points", merge(actionBody("khm", "2024-03-01", "open"), "depends_on", []any{"actions/disaster/focal-points"}), ledgertest.Prev(t, a)), problem.ErrInvalid, "action.dependency-cycle", "body.depends_on[0]"},
		{"a cycle of dependencies", act([]string{"khm.mfa"}, "focal-points", merge(actionBody("khm", "2024-03-01", "open"), "depends_on", []any{"actions/disaster/work-plan"}), ledgertest.Prev(t, a)), problem.ErrInvalid, "action.dependency-cycle", "body.depends_on[0]"},
		{"done while what it depends on is open", act([]string{"vnm.mfa"}, "work-plan", merge(actionBody("vnm", "2024-06-01", "done"), "done_on", "2024-05-01", "depends_on", []any{"actions/disaster/focal-points"}), ledgertest.Prev(t, b)), problem.ErrInvalid, "action.dependency-open", "body.depends_on[0]"},
		{"a status out of the list", act([]string{"chn.mfa"}, "x", actionBody("chn", "2024-03-01", "late")), problem.ErrInvalid, "schema.enum", "body.status"},
	})
	// The owner closes its item; then the dependent item may be done.
	a2 := act([]string{"khm.mfa"}, "focal-points", merge(actionBody("khm", "2024-03-01", "done"), "done_on", "2024-02-20"), ledgertest.Prev(t, a))
	ledgertest.MustAppend(t, s, a2)
	ledgertest.MustAppend(t, s, act([]string{"vnm.mfa"}, "work-plan", merge(actionBody("vnm", "2024-06-01", "done"), "done_on", "2024-05-01", "depends_on", []any{"actions/disaster/focal-points"}), ledgertest.Prev(t, b)))
	// A longer cycle is found too: c depends on work-plan, which depends on
	// focal-points; focal-points may not come to depend on c.
	c := act([]string{"chn.mfa"}, "drill", merge(actionBody("chn", "2024-09-01", "open"), "depends_on", []any{"actions/disaster/work-plan"}))
	ledgertest.MustAppend(t, s, c)
	checkRefusals(t, s, []refusal{
		{"a longer cycle", act([]string{"khm.mfa"}, "focal-points", merge(actionBody("khm", "2024-03-01", "open"), "depends_on", []any{"actions/disaster/drill"}), ledgertest.Prev(t, a2)), problem.ErrInvalid, "action.dependency-cycle", "body.depends_on[0]"},
	})
}

func TestProgrammePolicy(t *testing.T) {
	f, s := newState(t)
	const p = "programmes/training"
	prog := f.Sign(t, "chn.mfa", accountability.KindProgramme, p, programmeBody("chn", "khm", "vnm"))
	ledgertest.MustAppend(t, s, prog)
	checkRefusals(t, s, []refusal{
		{"published by another party", f.Sign(t, "vnm.mfa", accountability.KindProgramme, "programmes/x", programmeBody("chn", "khm")), problem.ErrForbidden, "programme.not-provider", "author"},
		{"an authority without a development role", f.Sign(t, "khm.mnd", accountability.KindProgramme, "programmes/x", programmeBody("khm", "vnm")), problem.ErrForbidden, "programme.not-provider", "author"},
		{"a provider that receives", f.Sign(t, "chn.mfa", accountability.KindProgramme, "programmes/x", programmeBody("chn", "khm", "chn")), problem.ErrInvalid, "programme.recipient-is-provider", "body.recipients"},
		{"an unknown recipient", f.Sign(t, "chn.mfa", accountability.KindProgramme, "programmes/x", programmeBody("chn", "khm", "abc")), problem.ErrInvalid, "programme.recipient-unknown", "body.recipients[1]"},
		{"a target for a party that does not receive", f.Sign(t, "chn.mfa", accountability.KindProgramme, "programmes/x", merge(programmeBody("chn", "khm"), "targets", []any{map[string]any{"measure": "trainees", "unit": "people", "value": 5, "recipient": "vnm"}})), problem.ErrInvalid, "programme.target-recipient", "body.targets[0].recipient"},
		{"two targets for the same thing", f.Sign(t, "chn.mfa", accountability.KindProgramme, "programmes/x", merge(programmeBody("chn", "khm"), "targets", []any{map[string]any{"measure": "trainees", "unit": "people", "value": 5}, map[string]any{"measure": "trainees", "unit": "people", "value": 6}})), problem.ErrInvalid, "programme.target-duplicate", "body.targets[1]"},
		{"a commitment that does not exist", f.Sign(t, "chn.mfa", accountability.KindProgramme, "programmes/x", merge(programmeBody("chn", "khm"), "commitment", "commitments/none")), problem.ErrInvalid, "programme.commitment-unknown", "body.commitment"},
		{"a new provider", f.Sign(t, "chn.mfa", accountability.KindProgramme, p, programmeBody("vnm", "khm"), ledgertest.Prev(t, prog)), problem.ErrInvalid, "programme.provider-fixed", "body.provider"},
		{"a target of zero", f.Sign(t, "chn.mfa", accountability.KindProgramme, "programmes/x", merge(programmeBody("chn", "khm"), "targets", []any{map[string]any{"measure": "trainees", "unit": "people", "value": 0}})), problem.ErrInvalid, "schema.exclusiveMinimum", "body.targets[0].value"},
	})

	deliver := func(author, slug string, body map[string]any, refs ...record.Ref) []byte {
		return f.Sign(t, author, accountability.KindDelivery, p+"/deliveries/"+slug, body, refs...)
	}
	d1 := deliver("chn.mfa", "d1", deliveryBody("khm", 40), about(t, prog))
	ledgertest.MustAppend(t, s, d1)
	checkRefusals(t, s, []refusal{
		{"reported by the recipient", deliver("khm.mfa", "d2", deliveryBody("khm", 40), about(t, prog)), problem.ErrForbidden, "delivery.not-provider", "author"},
		{"to a party that is not a recipient", deliver("chn.mfa", "d2", deliveryBody("phl", 40), about(t, prog)), problem.ErrInvalid, "delivery.recipient", "body.recipient"},
		{"in a measure with no target", deliver("chn.mfa", "d2", merge(deliveryBody("khm", 40), "measure", "buildings"), about(t, prog)), problem.ErrInvalid, "delivery.measure", "body.measure"},
		{"without an about ref", deliver("chn.mfa", "d2", deliveryBody("khm", 40)), problem.ErrInvalid, "delivery.about", "refs"},
		{"under a programme that does not exist", f.Sign(t, "chn.mfa", accountability.KindDelivery, "programmes/none/deliveries/d", deliveryBody("khm", 40), about(t, prog)), problem.ErrInvalid, "delivery.programme-unknown", "subject"},
		{"to another recipient on revision", deliver("chn.mfa", "d1", deliveryBody("vnm", 40), about(t, prog), ledgertest.Prev(t, d1)), problem.ErrInvalid, "delivery.recipient-fixed", "body.recipient"},
		{"delivered in the future", deliver("chn.mfa", "d2", merge(deliveryBody("khm", 40), "delivered_on", "2031-01-01"), about(t, prog)), problem.ErrInvalid, "delivery.future", "body.delivered_on"},
		{"a period that ends before it starts", deliver("chn.mfa", "d2", merge(deliveryBody("khm", 40), "period_from", "2024-06-01"), about(t, prog)), problem.ErrInvalid, "delivery.period", "body.period_from"},
	})

	confirm := func(author string, body map[string]any, refs ...record.Ref) []byte {
		return f.Sign(t, author, accountability.KindConfirmation, p+"/deliveries/d1/confirmation", body, refs...)
	}
	yes := map[string]any{"confirmed": true, "confirmed_on": "2024-05-10"}
	checkRefusals(t, s, []refusal{
		{"confirmed by the provider", confirm("chn.mfa", yes, about(t, d1)), problem.ErrForbidden, "confirmation.not-recipient", "author"},
		{"confirmed by a third party", confirm("vnm.mfa", yes, about(t, d1)), problem.ErrForbidden, "confirmation.not-recipient", "author"},
		{"confirmed by an authority of the recipient without the role", confirm("khm.mnd", yes, about(t, d1)), problem.ErrForbidden, "confirmation.not-recipient", "author"},
		{"confirmed by an organisation", confirm("org.stats", yes, about(t, d1)), problem.ErrForbidden, "confirmation.not-recipient", "author"},
		{"without an about ref", confirm("khm.dev", yes), problem.ErrInvalid, "confirmation.about", "refs"},
		{"about the programme, not the delivery", confirm("khm.dev", yes, about(t, prog)), problem.ErrConflict, "confirmation.about", "refs"},
		{"a delivery that does not exist", f.Sign(t, "khm.dev", accountability.KindConfirmation, p+"/deliveries/none/confirmation", yes, about(t, d1)), problem.ErrInvalid, "confirmation.delivery-unknown", "subject"},
		{"not confirmed, without saying why", confirm("khm.dev", map[string]any{"confirmed": false, "confirmed_on": "2024-05-10"}, about(t, d1)), problem.ErrInvalid, "confirmation.note", "body.note"},
		{"an amount for what is not confirmed", confirm("khm.dev", map[string]any{"confirmed": false, "confirmed_on": "2024-05-10", "note": "No.", "confirmed_value": 3}, about(t, d1)), problem.ErrInvalid, "confirmation.value", "body.confirmed_value"},
		{"confirmed in the future", confirm("khm.dev", merge(yes, "confirmed_on", "2031-01-01"), about(t, d1)), problem.ErrInvalid, "confirmation.future", "body.confirmed_on"},
	})
	// The development authority of the recipient state confirms; the
	// governance authority could too.
	c1 := confirm("khm.dev", merge(yes, "confirmed_value", 35), about(t, d1))
	ledgertest.MustAppend(t, s, c1)
	// A revised delivery needs a new confirmation, about the new version.
	d1b := deliver("chn.mfa", "d1", merge(deliveryBody("khm", 45), "change_note", "Five more."), about(t, prog), ledgertest.Prev(t, d1))
	ledgertest.MustAppend(t, s, d1b)
	checkRefusals(t, s, []refusal{
		{"a confirmation of the version before", confirm("khm.mfa", yes, about(t, d1), ledgertest.Prev(t, c1)), problem.ErrConflict, "confirmation.about", "refs"},
	})
	ledgertest.MustAppend(t, s, confirm("khm.mfa", yes, about(t, d1b), ledgertest.Prev(t, c1)))
}

func TestExchangePolicy(t *testing.T) {
	f, s := newState(t)
	tourism := func(origin, dest string, year int, arrivals int64) map[string]any {
		return map[string]any{"origin": origin, "destination": dest, "year": year, "arrivals": arrivals, "sources": src()}
	}
	ledgertest.MustAppend(t, s,
		f.Sign(t, "vnm.nso", accountability.KindTourism, "exchanges/tourism/chn/vnm/2019", merge(tourism("chn", "vnm", 2019, 5810000), "rounded_to", 10000)),
		f.Sign(t, "vnm.mfa", accountability.KindTourism, "exchanges/tourism/chn/vnm/2018", tourism("chn", "vnm", 2018, 4900000)),
		f.Sign(t, "org.stats", accountability.KindTourism, "exchanges/tourism/chn/asean/2016", tourism("chn", "asean", 2016, 19800000)),
	)
	visit := map[string]any{"visitor": "chn", "visitor_title": "President", "host": "vnm", "kind": "state-visit", "start_on": "2023-12-12", "end_on": "2023-12-13", "summary": "Talks.", "sources": src()}
	event := map[string]any{"title": "Roundtable", "track": "track-2", "organisers": []any{"An institute"}, "country": "mys", "place": "Kuala Lumpur", "start_on": "2024-06-04", "end_on": "2024-06-06", "summary": "Security dialogue.", "sources": src()}
	ledgertest.MustAppend(t, s,
		f.Sign(t, "chn.mfa", accountability.KindVisit, "exchanges/visits/v1", visit),
		f.Sign(t, "vnm.mfa", accountability.KindVisit, "exchanges/visits/v2", visit),
		f.Sign(t, "org.observer", accountability.KindEvent, "exchanges/events/e1", event),
		f.Sign(t, "mys.mfa", accountability.KindEvent, "exchanges/events/e2", event),
	)
	checkRefusals(t, s, []refusal{
		{"a subject that does not match the body", f.Sign(t, "vnm.nso", accountability.KindTourism, "exchanges/tourism/chn/vnm/2020", tourism("chn", "vnm", 2021, 1)), problem.ErrInvalid, "tourism.subject", "subject"},
		{"the same place twice", f.Sign(t, "vnm.nso", accountability.KindTourism, "exchanges/tourism/vnm/vnm/2020", tourism("vnm", "vnm", 2020, 1)), problem.ErrInvalid, "tourism.same-place", "body.destination"},
		{"a place that is not a member state", f.Sign(t, "vnm.nso", accountability.KindTourism, "exchanges/tourism/usa/vnm/2020", tourism("usa", "vnm", 2020, 1)), problem.ErrInvalid, "tourism.place-unknown", "body.origin"},
		{"an organisation as a place", f.Sign(t, "org.stats", accountability.KindTourism, "exchanges/tourism/org/vnm/2020", tourism("org", "vnm", 2020, 1)), problem.ErrInvalid, "tourism.place-unknown", "body.origin"},
		{"a year to come", f.Sign(t, "vnm.nso", accountability.KindTourism, "exchanges/tourism/chn/vnm/2030", tourism("chn", "vnm", 2030, 1)), problem.ErrInvalid, "tourism.future", "body.year"},
		{"a figure that is not rounded as it says", f.Sign(t, "vnm.nso", accountability.KindTourism, "exchanges/tourism/chn/vnm/2017", merge(tourism("chn", "vnm", 2017, 4008253), "rounded_to", 1000)), problem.ErrInvalid, "tourism.rounding", "body.arrivals"},
		{"arrivals published by the origin", f.Sign(t, "chn.mfa", accountability.KindTourism, "exchanges/tourism/chn/vnm/2017", tourism("chn", "vnm", 2017, 1)), problem.ErrForbidden, "tourism.author", "author"},
		{"arrivals published by an authority without a statistics role", f.Sign(t, "khm.mnd", accountability.KindTourism, "exchanges/tourism/chn/khm/2017", tourism("chn", "khm", 2017, 1)), problem.ErrForbidden, "tourism.author", "author"},
		{"arrivals published by an organisation without a statistics role", f.Sign(t, "org.observer", accountability.KindTourism, "exchanges/tourism/chn/vnm/2017", tourism("chn", "vnm", 2017, 1)), problem.ErrForbidden, "tourism.author", "author"},
		{"regional arrivals published by a state", f.Sign(t, "vnm.nso", accountability.KindTourism, "exchanges/tourism/chn/asean/2017", tourism("chn", "asean", 2017, 1)), problem.ErrForbidden, "tourism.author", "author"},
		{"a negative count", f.Sign(t, "vnm.nso", accountability.KindTourism, "exchanges/tourism/chn/vnm/2017", tourism("chn", "vnm", 2017, -1)), problem.ErrInvalid, "schema.minimum", "body.arrivals"},
		{"a visitor that is not a state", f.Sign(t, "chn.mfa", accountability.KindVisit, "exchanges/visits/x", merge(visit, "visitor", "chn.mfa")), problem.ErrInvalid, "visit.state-unknown", "body.visitor"},
		{"a state visiting itself", f.Sign(t, "vnm.mfa", accountability.KindVisit, "exchanges/visits/x", merge(visit, "visitor", "vnm")), problem.ErrInvalid, "visit.same-state", "body.host"},
		{"a visit that ends before it starts", f.Sign(t, "chn.mfa", accountability.KindVisit, "exchanges/visits/x", merge(visit, "end_on", "2023-12-01")), problem.ErrInvalid, "visit.dates", "body.end_on"},
		{"a visit to come", f.Sign(t, "chn.mfa", accountability.KindVisit, "exchanges/visits/x", merge(visit, "start_on", "2030-12-01", "end_on", "2030-12-02")), problem.ErrInvalid, "visit.future", "body.start_on"},
		{"a visit published by a third state", f.Sign(t, "idn.mfa", accountability.KindVisit, "exchanges/visits/x", visit), problem.ErrForbidden, "visit.author", "author"},
		{"an event in a place that is not a state", f.Sign(t, "org.observer", accountability.KindEvent, "exchanges/events/x", merge(event, "country", "org.stats")), problem.ErrInvalid, "event.country-unknown", "body.country"},
		{"an event that ends before it starts", f.Sign(t, "org.observer", accountability.KindEvent, "exchanges/events/x", merge(event, "end_on", "2024-06-01")), problem.ErrInvalid, "event.dates", "body.end_on"},
		{"an event published by another state", f.Sign(t, "khm.mfa", accountability.KindEvent, "exchanges/events/x", event), problem.ErrForbidden, "event.author", "author"},
		{"an event with no organiser", f.Sign(t, "org.observer", accountability.KindEvent, "exchanges/events/x", merge(event, "organisers", []any{})), problem.ErrInvalid, "schema.minItems", "body.organisers"},
	})
}
