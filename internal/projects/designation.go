package projects

import (
	"fmt"

	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/problem"
)

// Designation states, as pages and the API show them.
const (
	DesignationNone      = "none"
	DesignationClaimed   = "claimed"
	DesignationConfirmed = "confirmed"
	DesignationDisputed  = "disputed"
	DesignationDenied    = "denied"
	DesignationWithdrawn = "withdrawn"
)

// DesignationStates lists the states with their names and what each means.
var DesignationStates = []struct{ Code, Title, Meaning string }{
	{DesignationConfirmed, "Confirmed", "China's designating authority and the host government both attest the Belt and Road label."},
	{DesignationClaimed, "Claimed, not confirmed", "The label is claimed, or attested by one side only; the other has not attested it."},
	{DesignationDisputed, "Disputed", "One side attests the label while the other denies it or has withdrawn its confirmation, or a standing claim is denied."},
	{DesignationWithdrawn, "Withdrawn", "The label was confirmed or claimed, and the confirmations and claim were withdrawn."},
	{DesignationDenied, "Denied", "The attesters deny the label and nobody claims it."},
	{DesignationNone, "No designation", "Nobody has claimed or attested the label."},
}

// DesignationTitle names a designation state.
func DesignationTitle(code string) string {
	for _, s := range DesignationStates {
		if s.Code == code {
			return s.Title
		}
	}
	return code
}

// Stances of one voice in a designation.
const (
	StanceNone      = ""
	StanceClaimed   = "claimed"   // the sponsor side claims the label
	StanceConfirmed = "confirmed" // an attester confirms it
	StanceDenied    = "denied"    // an attester denies it
	StanceWithdrawn = "withdrawn" // a claim or a confirmation was withdrawn
)

// Voice is where one of the three voices of a designation stands, and the
// record that put it there.
type Voice struct {
	Stance string `json:"stance"`
	By     string `json:"by,omitempty"`
	Index  uint64 `json:"index,omitempty"`
}

// Designation is the state of a project's Belt and Road designation
// (Head.Data of projects/<id>/designation): the three voices, and the
// state derived from them.
type Designation struct {
	Claim       Voice  `json:"claim"`       // the sponsor side
	Designating Voice  `json:"designating"` // China's designating authority
	Host        Voice  `json:"host"`        // the host government
	State       string `json:"state"`
	// Rule explains in a sentence why the state is what it is.
	Rule string `json:"rule"`
}

// Derive computes a designation's state from its voices. The first rule
// that applies decides:
//
//  1. both attesters confirm: confirmed;
//  2. one confirms, the other denies or has withdrawn: disputed;
//  3. one confirms, the other has not spoken: claimed (awaiting the other);
//  4. a confirmation was withdrawn and none stands: withdrawn;
//  5. a standing claim is denied by an attester: disputed;
//  6. a standing claim, no attester has spoken: claimed;
//  7. an attester denies, nobody claims: denied;
//  8. the claim was withdrawn: withdrawn;
//  9. otherwise: none.
func Derive(claim, designating, host string) (state, rule string) {
	d, h := designating, host
	switch {
	case d == StanceConfirmed && h == StanceConfirmed:
		return DesignationConfirmed, "China's designating authority and the host government both confirm the label."
	case d == StanceConfirmed && h == StanceDenied:
		return DesignationDisputed, "China's designating authority confirms the label; the host government has denied it."
	case d == StanceConfirmed && h == StanceWithdrawn:
		return DesignationDisputed, "China's designating authority confirms the label; the host government has withdrawn its confirmation of it."
	case h == StanceConfirmed && d == StanceDenied:
		return DesignationDisputed, "The host government confirms the label; China's designating authority has denied it."
	case h == StanceConfirmed && d == StanceWithdrawn:
		return DesignationDisputed, "The host government confirms the label; China's designating authority has withdrawn its confirmation of it."
	case d == StanceConfirmed:
		return DesignationClaimed, "China's designating authority confirms the label; the host government has not attested it."
	case h == StanceConfirmed:
		return DesignationClaimed, "The host government confirms the label; China's designating authority has not attested it."
	case d == StanceWithdrawn || h == StanceWithdrawn:
		return DesignationWithdrawn, "The label's confirmation was withdrawn, and no confirmation stands."
	case claim == StanceClaimed && d == StanceDenied && h == StanceDenied:
		return DesignationDisputed, "The sponsor side claims the label; China's designating authority and the host government both deny it."
	case claim == StanceClaimed && d == StanceDenied:
		return DesignationDisputed, "The sponsor side claims the label; China's designating authority denies it."
	case claim == StanceClaimed && h == StanceDenied:
		return DesignationDisputed, "The sponsor side claims the label; the host government denies it."
	case claim == StanceClaimed:
		return DesignationClaimed, "The sponsor side claims the label; neither China's designating authority nor the host government has attested it."
	case d == StanceDenied && h == StanceDenied:
		return DesignationDenied, "China's designating authority and the host government both deny the label, and nobody claims it."
	case d == StanceDenied:
		return DesignationDenied, "China's designating authority denies the label, and nobody claims it."
	case h == StanceDenied:
		return DesignationDenied, "The host government denies the label, and nobody claims it."
	case claim == StanceWithdrawn:
		return DesignationWithdrawn, "The sponsor side withdrew its claim."
	}
	return DesignationNone, "Nobody has claimed or attested the label."
}

// Actions of designation records.
const (
	ActionClaim         = "claim"
	ActionWithdrawClaim = "withdraw-claim"
	ActionConfirm       = "confirm"
	ActionDeny          = "deny"
	ActionWithdraw      = "withdraw"
)

func actionTitle(a string) string {
	switch a {
	case ActionClaim:
		return "claimed"
	case ActionWithdrawClaim:
		return "claim withdrawn"
	case ActionConfirm:
		return "confirmed"
	case ActionDeny:
		return "denied"
	case ActionWithdraw:
		return "confirmation withdrawn"
	}
	return a
}

func checkDesignation(c *ledger.Context) (any, error) {
	var b DesignationBody
	if err := c.Decode(&b); err != nil {
		return nil, err
	}
	id := projectID(c.Record.Subject)
	ps, err := projectOf(c, id)
	if err != nil {
		return nil, err
	}
	var d Designation
	if c.Head != nil {
		prev, ok := c.Head.Data.(*Designation)
		if !ok {
			return nil, fmt.Errorf("logic error: the head of %s holds %T", c.Record.Subject, c.Head.Data)
		}
		d = *prev
	}
	if today := recordDay(c.Record); b.StatedOn > today {
		return nil, problem.Invalid("body.stated_on", "designation.future", "the statement is dated %s, after the day it was signed (%s)", b.StatedOn, today)
	}
	a := c.Author()
	designating, host := isDesignating(a, ps.Host), isHostGovernment(a, ps.Host)
	if a.Type == ledger.TypeAuthority && a.HasRole(RoleBRIDesignation) && a.State == ps.Host {
		return nil, problem.Forbidden("author", "designation.same-state", "the label is attested by two states: %q is hosted by %q, the designating authority's own state", id, ps.Host)
	}
	switch b.Action {
	case ActionClaim, ActionWithdrawClaim:
		if designating || host {
			return nil, problem.Forbidden("author", "designation.claim-by-attester", "%q attests the label (confirm, deny or withdraw); claims are for the sponsor side", a.ID)
		}
		if !ps.isSponsorSide(a) {
			return nil, problem.Forbidden("author", "designation.claimant", "%q is not on the sponsor side of %q: the label is claimed by a development authority of a sponsor's country or by an organisation named as a sponsor's representative", a.ID, id)
		}
		next := StanceClaimed
		if b.Action == ActionWithdrawClaim {
			if d.Claim.Stance != StanceClaimed {
				return nil, problem.Invalid("body.action", "designation.transition", "there is no standing claim to withdraw")
			}
			next = StanceWithdrawn
		} else if d.Claim.Stance == StanceClaimed {
			return nil, problem.Invalid("body.action", "designation.transition", "the label is already claimed (record %d)", d.Claim.Index)
		}
		d.Claim = Voice{Stance: next, By: a.ID, Index: c.Index}
	case ActionConfirm, ActionDeny, ActionWithdraw:
		var v *Voice
		var who string
		switch {
		case designating:
			v, who = &d.Designating, "China's designating authority"
		case host:
			v, who = &d.Host, "the host government"
		default:
			return nil, problem.Forbidden("author", "designation.attester",
				"%q may not %s the Belt and Road label of %q: only China's designating authority (an authority holding %q) and the host government (an authority of %q holding %q or %q) attest it",
				a.ID, b.Action, id, RoleBRIDesignation, ps.Host, RoleDevelopment, ledger.RoleGovernance)
		}
		next, err := attest(v.Stance, b.Action, who)
		if err != nil {
			return nil, err
		}
		*v = Voice{Stance: next, By: a.ID, Index: c.Index}
	}
	d.State, d.Rule = Derive(d.Claim.Stance, d.Designating.Stance, d.Host.Stance)
	return &d, nil
}

// attest returns an attester's new stance, or refuses the step.
func attest(from, action, who string) (string, error) {
	switch action {
	case ActionConfirm:
		if from == StanceConfirmed {
			return "", problem.Invalid("body.action", "designation.transition", "%s already confirms the label", who)
		}
		return StanceConfirmed, nil
	case ActionDeny:
		switch from {
		case StanceConfirmed:
			return "", problem.Invalid("body.action", "designation.transition", "%s confirms the label: it withdraws its confirmation rather than deny it", who)
		case StanceDenied:
			return "", problem.Invalid("body.action", "designation.transition", "%s already denies the label", who)
		}
		return StanceDenied, nil
	case ActionWithdraw:
		if from != StanceConfirmed {
			return "", problem.Invalid("body.action", "designation.transition", "%s has no confirmation to withdraw", who)
		}
		return StanceWithdrawn, nil
	}
	return "", problem.Invalid("body.action", "designation.action", "no action %q", action)
}
