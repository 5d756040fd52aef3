package security

import (
	"math"
	"time"

	"github.com/kongsi/kongsi/internal/geomap"
	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/problem"
)

// FacilityBody is a facility's body.
type FacilityBody struct {
	Name         string   `json:"name"`
	Type         string   `json:"type"`
	Location     Location `json:"location"`
	Place        string   `json:"place,omitempty"`
	Operator     string   `json:"operator"`
	Role         string   `json:"role"`
	Access       string   `json:"access"`
	AccessPolicy string   `json:"access_policy"`
	Status       string   `json:"status"`
	OpenedOn     string   `json:"opened_on,omitempty"`
	Sources      []Source `json:"sources,omitempty"`
	ChangeNote   string   `json:"change_note,omitempty"`
}

// Facility statuses.
const (
	StatusOperational       = "operational"
	StatusUnderConstruction = "under-construction"
	StatusClosed            = "closed"
)

// FacilityTypes, with their names for people.
var FacilityTypes = []struct{ ID, Title string }{
	{"naval-base", "Naval base"},
	{"naval-port", "Naval port"},
	{"civil-port", "Civil port receiving naval visits"},
	{"logistics-base", "Logistics or support base"},
	{"other", "Other"},
}

// AccessPolicies, with their names for people.
var AccessPolicies = []struct{ ID, Title string }{
	{"open-to-requests", "Open to requests from all states"},
	{"case-by-case", "Case by case"},
	{"restricted", "Restricted"},
}

func title(list []struct{ ID, Title string }, id string) string {
	for _, x := range list {
		if x.ID == id {
			return x.Title
		}
	}
	return id
}

// FacilityState is what the ledger keeps of a facility between versions.
type FacilityState struct {
	Host   string // party ID of the host state
	Name   string
	Status string
	Time   time.Time // of the latest version
}

// nearCoast is how far (in degrees) a facility may lie outside its host's
// simplified outline: ports sit on coasts, which the bundled outlines (at
// 0.01°) do not follow closely, and a location may be approximate.
const nearCoast = 0.1

// onHostTerritory reports whether a position is in the host country or
// within nearCoast of its outline. A state whose outline is not bundled
// cannot be checked, and passes.
func onHostTerritory(code string, lon, lat float64) bool {
	if _, ok := geomap.Lookup(code); !ok {
		return true
	}
	if geomap.Contains(code, lon, lat) {
		return true
	}
	for _, r := range []float64{nearCoast / 2, nearCoast} {
		for i := range 16 {
			a := float64(i) * math.Pi / 8
			if geomap.Contains(code, lon+r*math.Cos(a), lat+r*math.Sin(a)) {
				return true
			}
		}
	}
	return false
}

func checkFacility(c *ledger.Context) (any, error) {
	var b FacilityBody
	if err := c.Decode(&b); err != nil {
		return nil, err
	}
	host := hostOf(c.Record.Subject)
	if err := requireStateAuthority(c, host, "facility.author", "a facility is published by its host state", RoleDefence, RolePortAccess); err != nil {
		return nil, err
	}
	if !onHostTerritory(codeOf(host), b.Location.Lon, b.Location.Lat) {
		return nil, problem.Invalid("body.location", "facility.location", "(%g, %g) is not in %s or within %g° of its coast", b.Location.Lon, b.Location.Lat, StateName(codeOf(host)), nearCoast)
	}
	if c.Head == nil {
		if b.ChangeNote != "" {
			return nil, problem.Invalid("body.change_note", "facility.first-version", "the first version of a facility has no change note")
		}
	} else {
		prev, ok := c.Head.Data.(*FacilityState)
		if !ok {
			return nil, problem.Conflict("subject", "facility.kind", "%q is not a facility", c.Record.Subject)
		}
		if b.ChangeNote == "" {
			return nil, problem.Invalid("body.change_note", "facility.change-note", "a new version of a facility says what changed in change_note")
		}
		if err := requireTimeOrder(c, prev.Time); err != nil {
			return nil, err
		}
	}
	return &FacilityState{Host: host, Name: b.Name, Status: b.Status, Time: c.Record.When}, nil
}
