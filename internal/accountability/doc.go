// Package accountability is the module of accountability and coordination:
// commitments and how they are kept, cooperation initiatives and the
// working-level action items under them, capacity-building programmes and
// their confirmed delivery, and people-to-people exchanges. Parties keep
// each other accountable here by signing what they pledge, what they report
// and what they confirm, so that a pledge that slips shows up as data.
//
// # Who acts for whom
//
// A party named in a record (a pledger, an owner, a provider, a recipient)
// is a state ("khm"), one of its authorities ("khm.mfaic") or an
// organisation ("org.iseas"). An author acts for a party when it is that
// party, or when the party is the author's state and the author holds a role
// that speaks for the state in the matter at hand: "governance" or
// "declarations" for pledges, assessments, initiatives, action items and
// visits; "governance" or "development" for programmes, deliveries and their
// confirmation; "governance" or "statistics" for tourist arrivals. An
// authority never acts for another authority. So "the pledger" of a
// commitment is the party it names, not the authority that happened to sign:
// a state's pledge can be reported on by any of its authorities that speaks
// for it, and a pledge made jointly ("ASEAN and China") names every pledging
// party, is signed by one who acts for each, and can be reported on by any of
// them.
//
// # Subjects and references
//
//	commitments/<c>                               commitment (versions: revised text, due date, milestones)
//	commitments/<c>/reports/<r>                   commitment.report, by a pledger
//	commitments/<c>/assessments/<a>               commitment.assessment, by any other party
//	initiatives/<i>                               initiative
//	actions/<i>/<a>                               action, an item of the coordination board under initiative i
//	programmes/<p>                                programme
//	programmes/<p>/deliveries/<d>                 programme.delivery, by the provider
//	programmes/<p>/deliveries/<d>/confirmation    programme.confirmation, by the recipient
//	exchanges/tourism/<origin>/<destination>/<y>  exchange.tourism
//	exchanges/visits/<v>                          exchange.visit
//	exchanges/events/<e>                          exchange.event
//
// Reports, assessments, deliveries and confirmations are records on subjects
// of their own, nested under the subject they are about, rather than new
// versions of it. That keeps each kind's policy small (a report is checked
// against the commitment, never against the last assessment), lets several
// parties report and assess at once without racing for the commitment's
// latest version, and keeps the commitment's history a readable list of what
// the pledgers themselves changed. Each such record also carries one ref with
// rel "about" naming the latest version of what it is about, so the log
// itself links them and a reader sees which version was reported on; a
// confirmation names the delivery's latest version, so a delivery revised
// after it was confirmed shows as unconfirmed again.
//
// # Time
//
// Whether a commitment or an action item is overdue depends on today's date,
// so it is computed when a page or an API answer is made (Derive, with the
// date of the request), never stored: the projections are a function of the
// log alone, and a rebuild gives the same tables whatever day it runs.
package accountability
