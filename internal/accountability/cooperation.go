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

// The kinds of cooperation.
const (
	KindInitiative = "initiative"
	KindAction     = "action"
)

var (
	initiativeSubject = regexp.MustCompile(`^initiatives/` + slug + `$`)
	actionSubject     = regexp.MustCompile(`^actions/` + slug + `/` + slug + `$`)
)

// Initiative is an initiative's body.
type Initiative struct {
	Title           string   `json:"title"`
	Description     string   `json:"description"`
	Pillars         []string `json:"pillars"`
	Domains         []string `json:"domains"`
	Mechanism       string   `json:"mechanism"`
	MechanismDetail string   `json:"mechanism_detail,omitempty"`
	Participants    []string `json:"participants"`
	StartedOn       string   `json:"started_on"`
	EndedOn         string   `json:"ended_on,omitempty"`
	Sources         []Source `json:"sources"`
	ChangeNote      string   `json:"change_note,omitempty"`
}

// Action is an action item's body.
type Action struct {
	Title        string   `json:"title"`
	Description  string   `json:"description,omitempty"`
	Owner        string   `json:"owner"`
	OwedTo       []string `json:"owed_to,omitempty"`
	DueOn        string   `json:"due_on"`
	Status       string   `json:"status"`
	StatusNote   string   `json:"status_note,omitempty"`
	DoneOn       string   `json:"done_on,omitempty"`
	DependsOn    []string `json:"depends_on,omitempty"`
	Illustrative bool     `json:"illustrative,omitempty"`
	Sources      []Source `json:"sources,omitempty"`
}

// InitiativeState is what the ledger keeps of an initiative.
type InitiativeState struct{ Participants []string }

// ActionState is what the ledger keeps of an action item.
type ActionState struct {
	Owner     string
	Status    string
	DependsOn []string
}

// closed reports whether an action item's status ends it.
func closed(status string) bool { return status == "done" || status == "cancelled" }

// Pillars, domains and mechanisms, with their names for people.
var (
	Pillars = []Option{
		{"political-security", "Political-Security"},
		{"economic", "Economic"},
		{"socio-cultural", "Socio-Cultural"},
	}
	Domains = []Option{
		{"law-enforcement", "Law enforcement"},
		{"emergency-management", "Emergency management and disaster relief"},
		{"public-health", "Public health"},
		{"food-security", "Food security"},
		{"energy-security", "Energy security"},
		{"cybersecurity", "Cybersecurity"},
		{"maritime", "Maritime"},
		{"connectivity", "Connectivity"},
		{"education", "Education"},
		{"trade-investment", "Trade and investment"},
		{"digital-economy", "Digital economy"},
		{"environment", "Environment"},
		{"culture-tourism", "Culture and tourism"},
		{"governance", "Governance"},
		{"defence", "Defence"},
		{"science-technology", "Science and technology"},
	}
	Mechanisms = []Option{
		{"asean-china", "ASEAN–China dialogue"},
		{"admm-plus", "ADMM-Plus"},
		{"arf", "ASEAN Regional Forum"},
		{"east-asia-summit", "East Asia Summit"},
		{"asean-plus-three", "ASEAN Plus Three"},
		{"lancang-mekong", "Lancang-Mekong Cooperation"},
		{"minilateral", "Minilateral"},
		{"bilateral", "Bilateral"},
		{"track-2", "Track 2"},
		{"other", "Other"},
	}
	ActionStatuses = []Option{
		{"open", "Open"},
		{"in-progress", "In progress"},
		{"blocked", "Blocked"},
		{"done", "Done"},
		{"cancelled", "Cancelled"},
	}
)

// Option is a value of a closed list and its name for people.
type Option struct{ ID, Title string }

// titleOf names a value of a list, or returns it as it is.
func titleOf(opts []Option, id string) string {
	for _, o := range opts {
		if o.ID == id {
			return o.Title
		}
	}
	return id
}

// known reports whether id is a value of the list.
func known(opts []Option, id string) bool {
	for _, o := range opts {
		if o.ID == id {
			return true
		}
	}
	return false
}

func cooperationKinds() []*ledger.Kind {
	return []*ledger.Kind{
		{
			Name: KindInitiative, Title: "Cooperation initiative",
			Doc:         "A line of cooperation tagged by ASEAN Community pillar, domain and mechanism, with its participants. Published and updated by a party acting for one of its participants.",
			Schema:      schema(KindInitiative),
			Subject:     initiativeSubject,
			SubjectHelp: "initiatives/<initiative>",
			Check:       checkInitiative,
			Roles:       rolesPledge,
			Summary: func(l *i18n.Locale, b json.RawMessage) string {
				var i Initiative
				json.Unmarshal(b, &i)
				return i.Title
			},
		},
		{
			Name: KindAction, Title: "Action item",
			Doc:         "A working-level task under an initiative, with an owner party, the parties it is owed to, a due date, a status and dependencies. Created by a participant and signed by the owner; updated by the owner only. Dependencies name existing action items and never form a cycle.",
			Schema:      schema(KindAction),
			Subject:     actionSubject,
			SubjectHelp: "actions/<initiative>/<action>",
			Check:       checkAction,
			Roles:       rolesPledge,
			Summary: func(l *i18n.Locale, b json.RawMessage) string {
				var a Action
				json.Unmarshal(b, &a)
				return l.T("%s (%s, due %s)", a.Title, l.T(titleOf(ActionStatuses, a.Status)), a.DueOn)
			},
		},
	}
}

func checkInitiative(c *ledger.Context) (any, error) {
	var b Initiative
	if err := c.Decode(&b); err != nil {
		return nil, err
	}
	if err := requirePartyList(c, "body.participants", "initiative.participant-unknown", b.Participants); err != nil {
		return nil, err
	}
	if b.EndedOn != "" && b.EndedOn < b.StartedOn {
		return nil, problem.Invalid("body.ended_on", "initiative.dates", "the initiative ends (%s) before it starts (%s)", b.EndedOn, b.StartedOn)
	}
	// A new version is published by a participant of the version it
	// replaces, so that no outsider takes an initiative over.
	participants := b.Participants
	if c.Head != nil {
		participants = c.Head.Data.(*InitiativeState).Participants
	}
	if firstActedFor(c, participants, rolesPledge) == "" {
		return nil, forbidActing(c, "author", "initiative.author-not-participant", "an initiative is published and updated by one of its participants", participants, rolesPledge)
	}
	return &InitiativeState{Participants: b.Participants}, nil
}

func checkAction(c *ledger.Context) (any, error) {
	var b Action
	if err := c.Decode(&b); err != nil {
		return nil, err
	}
	initiative := "initiatives/" + ledger.SubjectSegment(c.Record.Subject, 1)
	ih, ok := c.HeadOf(initiative)
	if !ok || ih.Kind != KindInitiative {
		return nil, problem.Invalid("subject", "action.initiative-unknown", "there is no initiative %q: an action item belongs to an existing initiative", initiative)
	}
	participants := ih.Data.(*InitiativeState).Participants
	if err := requireParty(c, "body.owner", "action.owner-unknown", b.Owner); err != nil {
		return nil, err
	}
	owner, _ := c.Party(b.Owner)
	if !slices.ContainsFunc(participants, func(p string) bool { return covers(p, owner) }) {
		return nil, problem.Invalid("body.owner", "action.owner-not-participant", "%q does not take part in %s (its participants are %s)", b.Owner, initiative, strings.Join(participants, ", "))
	}
	if err := requirePartyList(c, "body.owed_to", "action.owed-to-unknown", b.OwedTo); err != nil {
		return nil, err
	}
	if i := slices.Index(b.OwedTo, b.Owner); i >= 0 {
		return nil, problem.Invalid(fmt.Sprintf("body.owed_to[%d]", i), "action.owed-to-owner", "%q owns the item: it is owed to the others", b.Owner)
	}
	if c.Head == nil {
		if firstActedFor(c, participants, rolesPledge) == "" {
			return nil, forbidActing(c, "author", "action.author-not-participant", "an action item is created by a participant of its initiative", participants, rolesPledge)
		}
	} else if prev := c.Head.Data.(*ActionState); !actsFor(c.Author(), prev.Owner, rolesPledge) {
		return nil, forbidActing(c, "author", "action.not-owner", "an action item is updated by its owner", []string{prev.Owner}, rolesPledge)
	}
	if !signerActsFor(c, b.Owner, rolesPledge) {
		return nil, problem.Forbidden("body.owner", "action.owner-signature", "%q has not signed: an action item is signed by its owner (or an authority speaking for the owning state), so that no party is assigned work it did not accept", b.Owner)
	}
	if (b.Status == "done") != (b.DoneOn != "") {
		return nil, problem.Invalid("body.done_on", "action.done-on", "done_on gives the date an item was done: it is required with status \"done\", and only then")
	}
	if b.DoneOn != "" {
		if err := notAfterSigning(c, "body.done_on", "action.done-in-future", b.DoneOn); err != nil {
			return nil, err
		}
	}
	for i, dep := range b.DependsOn {
		field := fmt.Sprintf("body.depends_on[%d]", i)
		if dep == c.Record.Subject {
			return nil, problem.Invalid(field, "action.dependency-cycle", "an action item cannot depend on itself")
		}
		dh, ok := c.HeadOf(dep)
		if !ok || dh.Kind != KindAction {
			return nil, problem.Invalid(field, "action.dependency-unknown", "there is no action item %q", dep)
		}
		if path := dependencyPath(c, dep, c.Record.Subject); path != nil {
			return nil, problem.Invalid(field, "action.dependency-cycle", "%s already depends on this item (%s), so depending on it would make a cycle", dep, strings.Join(path, " → "))
		}
		if b.Status == "done" {
			if ds := dh.Data.(*ActionState); !closed(ds.Status) {
				return nil, problem.Invalid(field, "action.dependency-open", "the item cannot be done while %s, which it depends on, is %s", dep, strings.ToLower(titleOf(ActionStatuses, ds.Status)))
			}
		}
	}
	return &ActionState{Owner: b.Owner, Status: b.Status, DependsOn: b.DependsOn}, nil
}

// dependencyPath returns the chain of dependencies from one action item to
// another, or nil when from does not depend on to, directly or not.
func dependencyPath(c *ledger.Context, from, to string) []string {
	seen := map[string]bool{}
	var walk func(s string) []string
	walk = func(s string) []string {
		if s == to {
			return []string{s}
		}
		if seen[s] {
			return nil
		}
		seen[s] = true
		h, ok := c.HeadOf(s)
		if !ok {
			return nil
		}
		st, ok := h.Data.(*ActionState)
		if !ok {
			return nil
		}
		for _, d := range st.DependsOn {
			if p := walk(d); p != nil {
				return append([]string{s}, p...)
			}
		}
		return nil
	}
	return walk(from)
}
