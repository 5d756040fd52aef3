package security

import (
	"fmt"
	"time"

	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/problem"
)

// Vessel is a ship of a visit.
type Vessel struct {
	Name       string `json:"name,omitempty"`
	Type       string `json:"type"`
	HullNumber string `json:"hull_number,omitempty"`
}

// RequestBody is a port-call request.
type RequestBody struct {
	Facility        string   `json:"facility"`
	RequestingState string   `json:"requesting_state"`
	RequestedOn     string   `json:"requested_on,omitempty"`
	Arrival         string   `json:"arrival"`
	Departure       string   `json:"departure,omitempty"`
	Vessels         []Vessel `json:"vessels"`
	Purposes        []string `json:"purposes"`
	Personnel       int      `json:"personnel,omitempty"`
	Programme       string   `json:"programme,omitempty"`
	Note            string   `json:"note,omitempty"`
	Sources         []Source `json:"sources,omitempty"`
}

// DecisionBody is the host's decision on a request.
type DecisionBody struct {
	Decision   string   `json:"decision"`
	DecidedOn  string   `json:"decided_on,omitempty"`
	Reason     string   `json:"reason,omitempty"`
	Conditions string   `json:"conditions,omitempty"`
	Sources    []Source `json:"sources,omitempty"`
}

// AmendmentBody changes an approved port call.
type AmendmentBody struct {
	Arrival   string   `json:"arrival,omitempty"`
	Departure string   `json:"departure,omitempty"`
	Vessels   []Vessel `json:"vessels,omitempty"`
	Purposes  []string `json:"purposes,omitempty"`
	Reason    string   `json:"reason"`
}

// ReportBody says how a port call ended.
type ReportBody struct {
	Outcome   string   `json:"outcome"`
	Arrival   string   `json:"arrival,omitempty"`
	Departure string   `json:"departure,omitempty"`
	Reason    string   `json:"reason,omitempty"`
	Summary   string   `json:"summary,omitempty"`
	Sources   []Source `json:"sources,omitempty"`
}

// Port-call statuses.
const (
	PortCallRequested = "requested"
	PortCallApproved  = "approved"
	PortCallDeclined  = "declined"
	PortCallCompleted = "completed"
	PortCallCancelled = "cancelled"
)

// Channels through which a request reaches the register.
const (
	ChannelMember = "member"           // a member state requested for itself
	ChannelHost   = "recorded-by-host" // the host recorded a non-member's request
)

// Purposes of port calls, with their names for people.
var Purposes = []struct{ ID, Title string }{
	{"goodwill", "Goodwill visit"},
	{"replenishment", "Replenishment"},
	{"crew-rest", "Crew rest"},
	{"joint-activity", "Joint activity"},
	{"training", "Training"},
	{"repair", "Repair"},
	{"humanitarian", "Humanitarian"},
	{"other", "Other"},
}

// PortCallState is what the ledger keeps of a port call between versions.
type PortCallState struct {
	Facility  string
	Host      string // party ID
	Requester string // state code
	Channel   string
	Status    string
	Arrival   string
	Departure string // "" if not stated
	Requested string // the date the request was made, as stated or recorded
	Time      time.Time
}

// checkVisitDates refuses a departure before the arrival.
func checkVisitDates(field, arrival, departure string) error {
	if departure != "" && departure < arrival {
		return problem.Invalid(field, "portcall.dates", "the departure (%s) is before the arrival (%s)", departure, arrival)
	}
	return nil
}

func checkRequest(c *ledger.Context) (any, error) {
	var b RequestBody
	if err := c.Decode(&b); err != nil {
		return nil, err
	}
	host := hostOf(c.Record.Subject)
	if c.Head != nil {
		return nil, problem.Conflict("subject", "portcall.request.exists", "%q has already been requested; the host amends it with a %s", c.Record.Subject, KindPortCallAmendment)
	}
	fh, ok := c.HeadOf(b.Facility)
	fs, isFacility := (*FacilityState)(nil), false
	if ok {
		fs, isFacility = fh.Data.(*FacilityState)
	}
	if !isFacility {
		return nil, problem.NotFound("body.facility", "portcall.facility-unknown", "there is no facility %q", b.Facility)
	}
	if fs.Host != host {
		return nil, problem.Invalid("subject", "portcall.subject-host", "%s is in %q: its port calls are subjects portcalls/%s/…", b.Facility, fs.Host, fs.Host)
	}
	if fs.Status == StatusClosed {
		return nil, problem.Invalid("body.facility", "portcall.facility-closed", "%s (%s) is closed", fs.Name, b.Facility)
	}
	if !KnownState(b.RequestingState) {
		return nil, problem.Invalid("body.requesting_state", "security.state-code", "%q is not a state code this register knows (ISO 3166-1 alpha-3, upper case)", b.RequestingState)
	}
	if partyOf(b.RequestingState) == host {
		return nil, problem.Invalid("body.requesting_state", "portcall.own-facility", "%s hosts %s: a port call is a visit by another state", StateName(b.RequestingState), fs.Name)
	}
	channel := ChannelHost
	if p, ok := c.Party(partyOf(b.RequestingState)); ok && p.Type == ledger.TypeState {
		channel = ChannelMember
		if err := requireStateAuthority(c, p.ID, "portcall.request.author", fmt.Sprintf("%s is a member state and requests its port calls itself", p.Name), RoleDefence, RolePortAccess); err != nil {
			return nil, err
		}
	} else if err := requireStateAuthority(c, host, "portcall.request.author", fmt.Sprintf("%s is not a member state: the host records its requests", StateName(b.RequestingState)), RolePortAccess); err != nil {
		return nil, err
	}
	if err := checkVisitDates("body.departure", b.Arrival, b.Departure); err != nil {
		return nil, err
	}
	requested := recordDate(c)
	if b.RequestedOn != "" {
		if b.RequestedOn > requested {
			return nil, problem.Invalid("body.requested_on", "portcall.requested-on", "the request is said to be made on %s, after this record (%s)", b.RequestedOn, requested)
		}
		if last := lastDay(b.Arrival, b.Departure); b.RequestedOn > last {
			return nil, problem.Invalid("body.requested_on", "portcall.requested-on", "the request is said to be made on %s, after the visit's last day (%s)", b.RequestedOn, last)
		}
		requested = b.RequestedOn
	}
	return &PortCallState{
		Facility: b.Facility, Host: host, Requester: b.RequestingState, Channel: channel, Status: PortCallRequested,
		Arrival: b.Arrival, Departure: b.Departure, Requested: requested, Time: c.Record.When,
	}, nil
}

// lastDay is a visit's last day: its departure, or its arrival when the
// departure is not stated.
func lastDay(arrival, departure string) string {
	if departure != "" {
		return departure
	}
	return arrival
}

// portCall returns the port call a later record updates, or refuses it.
func portCall(c *ledger.Context) (*PortCallState, error) {
	if c.Head == nil {
		return nil, problem.NotFound("subject", "portcall.unknown-request", "there is no port-call request %q", c.Record.Subject)
	}
	pc, ok := c.Head.Data.(*PortCallState)
	if !ok {
		return nil, problem.NotFound("subject", "portcall.unknown-request", "%q is not a port-call request", c.Record.Subject)
	}
	if err := requireTimeOrder(c, pc.Time); err != nil {
		return nil, err
	}
	return pc, nil
}

// requireHost refuses a record whose author is not an authority of the
// port call's host holding "port-access".
func requireHost(c *ledger.Context, pc *PortCallState, what string) error {
	return requireStateAuthority(c, pc.Host, "portcall.host",
		fmt.Sprintf("only the host state's designated authority %s port calls at its facilities", what), RolePortAccess)
}

func checkDecision(c *ledger.Context) (any, error) {
	var b DecisionBody
	if err := c.Decode(&b); err != nil {
		return nil, err
	}
	pc, err := portCall(c)
	if err != nil {
		return nil, err
	}
	if err := requireHost(c, pc, "decides"); err != nil {
		return nil, err
	}
	switch pc.Status {
	case PortCallRequested:
	case PortCallApproved, PortCallDeclined:
		return nil, problem.Conflict("subject", "portcall.already-decided", "the request was already %s; an approved visit is changed with a %s", pc.Status, KindPortCallAmendment)
	default:
		return nil, problem.Conflict("subject", "portcall.closed", "the port call was %s; it cannot be decided", pc.Status)
	}
	if b.Decision == PortCallDeclined && b.Reason == "" {
		return nil, problem.Invalid("body.reason", "portcall.decline-reason", "a declined request states its reason")
	}
	if b.DecidedOn != "" {
		if b.DecidedOn < pc.Requested {
			return nil, problem.Invalid("body.decided_on", "portcall.decided-on", "the decision is said to be made on %s, before the request (%s)", b.DecidedOn, pc.Requested)
		}
		if b.DecidedOn > recordDate(c) {
			return nil, problem.Invalid("body.decided_on", "portcall.decided-on", "the decision is said to be made on %s, after this record (%s)", b.DecidedOn, recordDate(c))
		}
	}
	next := *pc
	next.Status, next.Time = b.Decision, c.Record.When
	return &next, nil
}

func checkAmendment(c *ledger.Context) (any, error) {
	var b AmendmentBody
	if err := c.Decode(&b); err != nil {
		return nil, err
	}
	pc, err := portCall(c)
	if err != nil {
		return nil, err
	}
	if err := requireHost(c, pc, "amends"); err != nil {
		return nil, err
	}
	if pc.Status != PortCallApproved {
		return nil, problem.Conflict("subject", "portcall.amend-status", "only an approved port call is amended; this one is %s", pc.Status)
	}
	if b.Arrival == "" && b.Departure == "" && b.Vessels == nil && b.Purposes == nil {
		return nil, problem.Invalid("body", "portcall.amend-empty", "an amendment changes the arrival, the departure, the vessels or the purposes")
	}
	next := *pc
	if b.Arrival != "" {
		next.Arrival = b.Arrival
	}
	if b.Departure != "" {
		next.Departure = b.Departure
	}
	if err := checkVisitDates("body.departure", next.Arrival, next.Departure); err != nil {
		return nil, err
	}
	next.Time = c.Record.When
	return &next, nil
}

func checkReport(c *ledger.Context) (any, error) {
	var b ReportBody
	if err := c.Decode(&b); err != nil {
		return nil, err
	}
	pc, err := portCall(c)
	if err != nil {
		return nil, err
	}
	next := *pc
	next.Time = c.Record.When
	switch b.Outcome {
	case PortCallCompleted:
		if err := requireHost(c, pc, "reports completed"); err != nil {
			return nil, err
		}
		if pc.Status != PortCallApproved {
			return nil, problem.Conflict("subject", "portcall.report-not-approved", "a visit is reported completed only after the host approved it; this one is %s", pc.Status)
		}
		arrival, departure := pc.Arrival, pc.Departure
		if b.Arrival != "" {
			arrival = b.Arrival
		}
		if b.Departure != "" {
			departure = b.Departure
		}
		if err := checkVisitDates("body.departure", arrival, departure); err != nil {
			return nil, err
		}
		if d := recordDate(c); d < arrival {
			return nil, problem.Invalid("body.outcome", "portcall.report-early", "the visit is reported completed on %s, before its arrival (%s)", d, arrival)
		}
		next.Arrival, next.Departure = arrival, departure
	case PortCallCancelled:
		if b.Reason == "" {
			return nil, problem.Invalid("body.reason", "portcall.cancel-reason", "a cancellation states its reason")
		}
		if pc.Status != PortCallRequested && pc.Status != PortCallApproved {
			return nil, problem.Conflict("subject", "portcall.closed", "the port call was %s; it cannot be cancelled", pc.Status)
		}
		// The host cancels; a member state may withdraw its own request.
		hostErr := requireHost(c, pc, "cancels")
		if hostErr != nil {
			if pc.Channel != ChannelMember || c.AuthorState() != partyOf(pc.Requester) {
				return nil, hostErr
			}
			if err := requireStateAuthority(c, partyOf(pc.Requester), "portcall.host", "a requesting state withdraws its request", RoleDefence, RolePortAccess); err != nil {
				return nil, err
			}
		}
	}
	next.Status = b.Outcome
	return &next, nil
}
