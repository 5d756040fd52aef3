package accountability

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/problem"
)

// Roles that speak for a state, by matter.
var (
	// rolesPledge speak for a state's pledges, assessments, initiatives,
	// action items and visits.
	rolesPledge = []string{ledger.RoleGovernance, "declarations"}
	// rolesDevelopment speak for a state's programmes and what it delivers
	// or receives under them.
	rolesDevelopment = []string{ledger.RoleGovernance, "development"}
	// rolesStatistics speak for a state's statistics.
	rolesStatistics = []string{ledger.RoleGovernance, "statistics"}
)

// actsFor reports whether author may act for the party id: it is that
// party, or id is its state and it holds one of roles.
func actsFor(author *ledger.Party, id string, roles []string) bool {
	if author == nil {
		return false
	}
	if author.ID == id {
		return true
	}
	if author.Type != ledger.TypeAuthority || author.State != id {
		return false
	}
	for _, r := range roles {
		if author.HasRole(r) {
			return true
		}
	}
	return false
}

// home is the party a party answers to: a state for itself and its
// authorities, an organisation for itself.
func home(p *ledger.Party) string {
	if p.Type == ledger.TypeAuthority {
		return p.State
	}
	return p.ID
}

// covers reports whether the listed party id includes p: p itself, or p's
// state.
func covers(id string, p *ledger.Party) bool {
	return id == p.ID || (p.Type == ledger.TypeAuthority && p.State == id)
}

// homeOf is home for a party ID, as the context knows it.
func homeOf(c *ledger.Context, id string) string {
	if p, ok := c.Party(id); ok {
		return home(p)
	}
	return id
}

// requireParty checks that id names a registered party.
func requireParty(c *ledger.Context, field, rule, id string) error {
	if _, ok := c.Party(id); !ok {
		return problem.Invalid(field, rule, "there is no party %q in this register", id)
	}
	return nil
}

// requirePartyList checks that every ID of a list names a registered party.
func requirePartyList(c *ledger.Context, field, rule string, ids []string) error {
	for i, id := range ids {
		if err := requireParty(c, fmt.Sprintf("%s[%d]", field, i), rule, id); err != nil {
			return err
		}
	}
	return nil
}

// signerActsFor reports whether one of the record's signers acts for id.
func signerActsFor(c *ledger.Context, id string, roles []string) bool {
	for _, s := range c.Signers {
		if p, ok := c.Party(s); ok && actsFor(p, id, roles) {
			return true
		}
	}
	return false
}

// firstActedFor returns the first of ids the author acts for, or "".
func firstActedFor(c *ledger.Context, ids []string, roles []string) string {
	a := c.Author()
	for _, id := range ids {
		if actsFor(a, id, roles) {
			return id
		}
	}
	return ""
}

// rolesText lists roles for messages: "governance" or "declarations".
func rolesText(roles []string) string {
	q := make([]string, len(roles))
	for i, r := range roles {
		q[i] = fmt.Sprintf("%q", r)
	}
	return strings.Join(q, " or ")
}

// rolesNeither lists roles after "neither": "governance" nor "declarations".
func rolesNeither(roles []string) string {
	q := make([]string, len(roles))
	for i, r := range roles {
		q[i] = fmt.Sprintf("%q", r)
	}
	return strings.Join(q, " nor ")
}

// forbidActing explains why the author does not act for any of ids.
func forbidActing(c *ledger.Context, field, rule, what string, ids []string, roles []string) error {
	a := c.Author()
	if a.Type == ledger.TypeAuthority && slices.Contains(ids, a.State) {
		return problem.Forbidden(field, rule, "%s: %q is an authority of %q but holds neither %s, the roles that speak for its state here", what, a.ID, a.State, rolesNeither(roles))
	}
	whom := fmt.Sprintf("%q", ids[0])
	if len(ids) > 1 {
		whom = "any of " + strings.Join(ids, ", ")
	}
	return problem.Forbidden(field, rule, "%s: %q does not act for %s (a party acts for itself, and an authority for its own state when it holds the %s role)", what, a.ID, whom, rolesText(roles))
}

// aboutRef checks that the record carries exactly one ref with rel "about",
// naming the latest version of subject.
func aboutRef(c *ledger.Context, rule, subject string, head *ledger.Head) error {
	ids := c.Ref("about")
	if len(ids) != 1 {
		return problem.Invalid("refs", rule, "the record must carry exactly one ref with rel \"about\", naming the latest version of %s (%s); it carries %d", subject, head.ID, len(ids))
	}
	if ids[0] != head.ID {
		return problem.Conflict("refs", rule, "the \"about\" ref names %s, but the latest version of %s is %s at index %d", ids[0].Short(), subject, head.ID, head.Index)
	}
	return nil
}

// notAfterSigning refuses a date later than the day the record was signed:
// a record says what has happened, not what will.
func notAfterSigning(c *ledger.Context, field, rule, date string) error {
	if date > c.Record.When.UTC().Format(dateLayout) {
		return problem.Invalid(field, rule, "%s is %s, after the record was signed (%s): report what has happened", field, date, c.Record.Time)
	}
	return nil
}

// dateLayout is the layout of the bodies' dates.
const dateLayout = "2006-01-02"
