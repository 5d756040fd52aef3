package security

import (
	"fmt"
	"strconv"
	"time"

	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/problem"
)

// PostureBody is a state's disclosure of its facilities abroad.
type PostureBody struct {
	Year             int              `json:"year"`
	Summary          string           `json:"summary"`
	FacilitiesAbroad []FacilityAbroad `json:"facilities_abroad"`
	Sources          []Source         `json:"sources,omitempty"`
	ChangeNote       string           `json:"change_note,omitempty"`
}

// FacilityAbroad is a military facility a state keeps in another state.
type FacilityAbroad struct {
	Name      string    `json:"name"`
	HostState string    `json:"host_state"`
	Location  *Location `json:"location,omitempty"`
	Role      string    `json:"role"`
	Since     string    `json:"since,omitempty"`
	Personnel int       `json:"personnel,omitempty"`
}

// PostureState is what the ledger keeps of a posture disclosure.
type PostureState struct {
	Time time.Time
}

func checkPosture(c *ledger.Context) (any, error) {
	var b PostureBody
	if err := c.Decode(&b); err != nil {
		return nil, err
	}
	state := hostOf(c.Record.Subject)
	if err := requireStateAuthority(c, state, "posture.author", "a state's posture is disclosed by its defence authority", RoleDefence); err != nil {
		return nil, err
	}
	if y := ledger.SubjectSegment(c.Record.Subject, 2); y != strconv.Itoa(b.Year) {
		return nil, problem.Invalid("body.year", "posture.year", "the subject is about %s, the body about %d", y, b.Year)
	}
	for i, f := range b.FacilitiesAbroad {
		field := fmt.Sprintf("body.facilities_abroad[%d]", i)
		if !KnownState(f.HostState) {
			return nil, problem.Invalid(field+".host_state", "security.state-code", "%q is not a state code this register knows (ISO 3166-1 alpha-3, upper case)", f.HostState)
		}
		if partyOf(f.HostState) == state {
			return nil, problem.Invalid(field+".host_state", "posture.abroad", "a facility abroad is in another state; %s's own facilities are published as facilities", StateName(codeOf(state)))
		}
		if f.Location != nil && !onHostTerritory(f.HostState, f.Location.Lon, f.Location.Lat) {
			return nil, problem.Invalid(field+".location", "facility.location", "(%g, %g) is not in %s or within %g° of its coast", f.Location.Lon, f.Location.Lat, StateName(f.HostState), nearCoast)
		}
	}
	if c.Head == nil {
		if b.ChangeNote != "" {
			return nil, problem.Invalid("body.change_note", "posture.first-version", "the first version of a disclosure has no change note")
		}
	} else {
		prev, ok := c.Head.Data.(*PostureState)
		if !ok {
			return nil, problem.Conflict("subject", "posture.kind", "%q is not a posture disclosure", c.Record.Subject)
		}
		if b.ChangeNote == "" {
			return nil, problem.Invalid("body.change_note", "posture.change-note", "a corrected disclosure says what changed in change_note")
		}
		if err := requireTimeOrder(c, prev.Time); err != nil {
			return nil, err
		}
	}
	return &PostureState{Time: c.Record.When}, nil
}
