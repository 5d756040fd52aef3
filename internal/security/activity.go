package security

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/kongsi/kongsi/internal/geomap"
	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/problem"
)

// Participant is a state taking part in an activity, and how.
type Participant struct {
	State string `json:"state"`
	Role  string `json:"role"`
	Note  string `json:"note,omitempty"`
}

// Participant roles.
const (
	RoleHost        = "host"
	RoleCoHost      = "co-host"
	RoleParticipant = "participant"
	RoleObserver    = "observer"
)

// Size is how large an activity is. A zero field is not stated.
type Size struct {
	Personnel              int `json:"personnel,omitempty"`
	LandingPersonnel       int `json:"landing_personnel,omitempty"`
	Vessels                int `json:"vessels,omitempty"`
	Aircraft               int `json:"aircraft,omitempty"`
	BattleTanks            int `json:"battle_tanks,omitempty"`
	ArmouredCombatVehicles int `json:"armoured_combat_vehicles,omitempty"`
	ArtilleryPieces        int `json:"artillery_pieces,omitempty"`
}

// ActivityBody is an activity notification or amendment.
type ActivityBody struct {
	Title           string          `json:"title"`
	Types           []string        `json:"types"`
	Framework       string          `json:"framework,omitempty"`
	Participants    []Participant   `json:"participants"`
	Start           string          `json:"start"`
	End             string          `json:"end"`
	Area            json.RawMessage `json:"area"`
	AreaDescription string          `json:"area_description"`
	Size            Size            `json:"size"`
	Description     string          `json:"description,omitempty"`
	Answers         []string        `json:"answers,omitempty"`
	Sources         []Source        `json:"sources,omitempty"`
	ChangeNote      string          `json:"change_note,omitempty"`
}

// CancelBody cancels an activity.
type CancelBody struct {
	Reason  string   `json:"reason"`
	Sources []Source `json:"sources,omitempty"`
}

// ObservedBody is an activity reported by a state that observed it.
type ObservedBody struct {
	Title            string          `json:"title"`
	ConductingStates []string        `json:"conducting_states"`
	Types            []string        `json:"types"`
	Start            string          `json:"start"`
	End              string          `json:"end,omitempty"`
	Area             json.RawMessage `json:"area,omitempty"`
	AreaDescription  string          `json:"area_description,omitempty"`
	Size             Size            `json:"size"`
	Description      string          `json:"description"`
	Sources          []Source        `json:"sources,omitempty"`
	ChangeNote       string          `json:"change_note,omitempty"`
}

// ActivityTypes, with their names for people.
var ActivityTypes = []struct{ ID, Title string }{
	{"hadr", "Humanitarian assistance and disaster relief"},
	{"search-and-rescue", "Search and rescue"},
	{"anti-piracy", "Anti-piracy"},
	{"maritime-security", "Maritime security"},
	{"counter-terrorism", "Counter-terrorism"},
	{"mine-countermeasures", "Mine countermeasures"},
	{"military-medicine", "Military medicine"},
	{"peacekeeping", "Peacekeeping"},
	{"combat-training", "Combat training"},
	{"other", "Other"},
}

// ActivityState is what the ledger keeps of an activity between versions.
type ActivityState struct {
	State     string // party ID of the conducting state
	Start     string
	End       string
	Cancelled bool
	Time      time.Time
}

// ObservationState is what the ledger keeps of an observation.
type ObservationState struct {
	Observer   string   // party ID
	Conducting []string // state codes
	Time       time.Time
}

func checkArea(field string, area json.RawMessage) error {
	if _, err := geomap.ParseGeoJSON(area); err != nil {
		return problem.Invalid(field, "security.area", "%v", err)
	}
	return nil
}

func checkDates(start, end string) error {
	if end != "" && end < start {
		return problem.Invalid("body.end", "activity.dates", "the activity ends (%s) before it starts (%s)", end, start)
	}
	return nil
}

// checkActivityBody applies the rules shared by notifications and
// amendments.
func checkActivityBody(c *ledger.Context, b *ActivityBody, state string) error {
	if len(b.Participants) == 0 {
		return problem.Invalid("body.participants", "activity.participants", "a notification names its participants")
	}
	seen := map[string]bool{}
	takesPart := false
	for i, p := range b.Participants {
		field := fmt.Sprintf("body.participants[%d].state", i)
		if !KnownState(p.State) {
			return problem.Invalid(field, "security.state-code", "%q is not a state code this register knows (ISO 3166-1 alpha-3, upper case)", p.State)
		}
		if seen[p.State] {
			return problem.Invalid(field, "activity.participants", "%s is listed twice", StateName(p.State))
		}
		seen[p.State] = true
		if partyOf(p.State) == state && p.Role != RoleObserver {
			takesPart = true
		}
	}
	if !takesPart {
		return problem.Invalid("body.participants", "activity.notifier-participates", "%s notifies this activity, so it is among its participants (not as an observer)", StateName(codeOf(state)))
	}
	if err := checkDates(b.Start, b.End); err != nil {
		return err
	}
	if err := checkArea("body.area", b.Area); err != nil {
		return err
	}
	for i, subj := range b.Answers {
		field := fmt.Sprintf("body.answers[%d]", i)
		h, ok := c.HeadOf(subj)
		if !ok {
			return problem.NotFound(field, "activity.answers", "there is no observed activity %q", subj)
		}
		o, ok := h.Data.(*ObservationState)
		if !ok {
			return problem.Invalid(field, "activity.answers", "%q is not an observed activity", subj)
		}
		if !slices.Contains(o.Conducting, codeOf(state)) {
			return problem.Invalid(field, "activity.answers", "%q reports an activity by %v, not by %s", subj, o.Conducting, StateName(codeOf(state)))
		}
	}
	return nil
}

func checkNotify(c *ledger.Context) (any, error) {
	var b ActivityBody
	if err := c.Decode(&b); err != nil {
		return nil, err
	}
	state := hostOf(c.Record.Subject)
	if err := requireStateAuthority(c, state, "activity.author", "an activity is notified by the defence authority of the state conducting it", RoleDefence); err != nil {
		return nil, err
	}
	if c.Head != nil {
		return nil, problem.Conflict("subject", "activity.exists", "%q is already notified; change it with an %s", c.Record.Subject, KindActivityAmend)
	}
	if b.ChangeNote != "" {
		return nil, problem.Invalid("body.change_note", "activity.first-version", "a first notification has no change note")
	}
	if err := checkActivityBody(c, &b, state); err != nil {
		return nil, err
	}
	return &ActivityState{State: state, Start: b.Start, End: b.End, Time: c.Record.When}, nil
}

// activity returns the activity a later record updates, or refuses it.
func activity(c *ledger.Context) (*ActivityState, error) {
	if c.Head == nil {
		return nil, problem.NotFound("subject", "activity.unknown", "there is no notified activity %q", c.Record.Subject)
	}
	a, ok := c.Head.Data.(*ActivityState)
	if !ok {
		return nil, problem.NotFound("subject", "activity.unknown", "%q is not a notified activity", c.Record.Subject)
	}
	if err := requireStateAuthority(c, a.State, "activity.author", "an activity is changed by the defence authority of the state conducting it", RoleDefence); err != nil {
		return nil, err
	}
	if a.Cancelled {
		return nil, problem.Conflict("subject", "activity.cancelled", "the activity was cancelled")
	}
	if err := requireTimeOrder(c, a.Time); err != nil {
		return nil, err
	}
	return a, nil
}

func checkAmend(c *ledger.Context) (any, error) {
	var b ActivityBody
	if err := c.Decode(&b); err != nil {
		return nil, err
	}
	a, err := activity(c)
	if err != nil {
		return nil, err
	}
	if err := checkActivityBody(c, &b, a.State); err != nil {
		return nil, err
	}
	return &ActivityState{State: a.State, Start: b.Start, End: b.End, Time: c.Record.When}, nil
}

func checkCancel(c *ledger.Context) (any, error) {
	var b CancelBody
	if err := c.Decode(&b); err != nil {
		return nil, err
	}
	a, err := activity(c)
	if err != nil {
		return nil, err
	}
	if d := recordDate(c); d > a.End {
		return nil, problem.Invalid("subject", "activity.cancel-ended", "the activity ended on %s; an activity that took place is not cancelled, but amended", a.End)
	}
	next := *a
	next.Cancelled, next.Time = true, c.Record.When
	return &next, nil
}

func checkObserved(c *ledger.Context) (any, error) {
	var b ObservedBody
	if err := c.Decode(&b); err != nil {
		return nil, err
	}
	observer := hostOf(c.Record.Subject)
	if err := requireStateAuthority(c, observer, "activity.observed.author", "an observation is reported by the defence authority of the observing state", RoleDefence); err != nil {
		return nil, err
	}
	for i, s := range b.ConductingStates {
		field := fmt.Sprintf("body.conducting_states[%d]", i)
		if !KnownState(s) {
			return nil, problem.Invalid(field, "security.state-code", "%q is not a state code this register knows (ISO 3166-1 alpha-3, upper case)", s)
		}
		if partyOf(s) == observer {
			return nil, problem.Invalid(field, "activity.observed.own", "a state notifies its own activities rather than reporting them as observed")
		}
	}
	if err := checkDates(b.Start, b.End); err != nil {
		return nil, err
	}
	if len(b.Area) > 0 {
		if err := checkArea("body.area", b.Area); err != nil {
			return nil, err
		}
	}
	if c.Head == nil {
		if b.ChangeNote != "" {
			return nil, problem.Invalid("body.change_note", "activity.first-version", "a first report has no change note")
		}
	} else {
		prev, ok := c.Head.Data.(*ObservationState)
		if !ok {
			return nil, problem.Conflict("subject", "activity.observed.kind", "%q is not an observed activity", c.Record.Subject)
		}
		if b.ChangeNote == "" {
			return nil, problem.Invalid("body.change_note", "activity.observed.change-note", "a new version of a report says what changed in change_note")
		}
		if err := requireTimeOrder(c, prev.Time); err != nil {
			return nil, err
		}
	}
	return &ObservationState{Observer: observer, Conducting: b.ConductingStates, Time: c.Record.When}, nil
}
