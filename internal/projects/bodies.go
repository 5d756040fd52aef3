package projects

import (
	"embed"
	"encoding/json"
	"fmt"
	"time"
)

//go:embed schemas/*.json
var schemas embed.FS

func schemaFile(kind string) []byte {
	b, err := schemas.ReadFile("schemas/" + kind + ".json")
	if err != nil {
		panic(fmt.Sprintf("projects: the schema of %s is not embedded: %v", kind, err))
	}
	return b
}

// Body is a project's body: the record of kind "project".
type Body struct {
	Name        string       `json:"name"`
	Description string       `json:"description,omitempty"`
	Host        string       `json:"host"`
	Sector      []string     `json:"sector"`
	Type        string       `json:"type,omitempty"`
	Status      string       `json:"status"`
	Halt        *Halt        `json:"halt,omitempty"`
	AsOf        string       `json:"as_of"`
	Location    *Location    `json:"location,omitempty"`
	Sponsors    []Sponsor    `json:"sponsors"`
	Financing   []Financing  `json:"financing,omitempty"`
	Budget      *Money       `json:"budget,omitempty"`
	InTotals    *bool        `json:"in_totals,omitempty"`
	Period      *Period      `json:"period,omitempty"`
	Milestones  []Milestone  `json:"milestones,omitempty"`
	Documents   []Document   `json:"documents,omitempty"`
	Identifiers []Identifier `json:"identifiers,omitempty"`
	Provenance  *Provenance  `json:"provenance,omitempty"`
	Sources     []Source     `json:"sources"`
	ChangeNote  string       `json:"change_note,omitempty"`
}

// CountsInTotals reports whether the project's amounts belong in sums.
func (b *Body) CountsInTotals() bool { return b.InTotals == nil || *b.InTotals }

// USD is the project's amount in US dollars as reported: its budget's, or
// else the sum of its financing's; ok is false when none is reported.
func (b *Body) USD() (float64, bool) {
	if b.Budget != nil && b.Budget.USD > 0 {
		return b.Budget.USD, true
	}
	if b.Budget != nil && b.Budget.Currency == "USD" {
		return b.Budget.Amount, true
	}
	sum, ok := 0.0, false
	for _, f := range b.Financing {
		switch {
		case f.USD > 0:
			sum, ok = sum+f.USD, true
		case f.Currency == "USD" && f.Amount > 0:
			sum, ok = sum+f.Amount, true
		}
	}
	return sum, ok
}

// Halt says that a project is stalled or suspended.
type Halt struct {
	State  string `json:"state"`
	Since  string `json:"since,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// Location is where a project or an activity is: a point or a GeoJSON
// geometry.
type Location struct {
	Description string          `json:"description,omitempty"`
	Point       []float64       `json:"point,omitempty"`
	Geometry    json.RawMessage `json:"geometry,omitempty"`
	Approximate bool            `json:"approximate,omitempty"`
}

// Sponsor is who owns, develops, finances or builds a project.
type Sponsor struct {
	Name    string `json:"name"`
	Type    string `json:"type"`
	Role    string `json:"role"`
	Country string `json:"country,omitempty"`
	Party   string `json:"party,omitempty"`
}

// Financing is one source of a project's money.
type Financing struct {
	Instrument  string  `json:"instrument"`
	Provider    string  `json:"provider,omitempty"`
	Amount      float64 `json:"amount,omitempty"`
	Currency    string  `json:"currency,omitempty"`
	USD         float64 `json:"usd,omitempty"`
	Year        int     `json:"year,omitempty"`
	Description string  `json:"description,omitempty"`
}

// Money is an amount in a currency.
type Money struct {
	Amount   float64 `json:"amount"`
	Currency string  `json:"currency"`
	USD      float64 `json:"usd,omitempty"`
	Note     string  `json:"note,omitempty"`
}

// Period is when a project runs; dates as precise as known.
type Period struct {
	Start string `json:"start,omitempty"`
	End   string `json:"end,omitempty"`
}

// Milestone is an event in a project's life.
type Milestone struct {
	Title       string `json:"title"`
	Date        string `json:"date"`
	Status      string `json:"status"`
	Type        string `json:"type,omitempty"`
	Description string `json:"description,omitempty"`
}

// Document is a project document.
type Document struct {
	Title     string `json:"title"`
	Type      string `json:"type,omitempty"`
	URL       string `json:"url,omitempty"`
	Date      string `json:"date,omitempty"`
	Publisher string `json:"publisher,omitempty"`
}

// Identifier is a project's identifier in another scheme.
type Identifier struct {
	Scheme string `json:"scheme"`
	ID     string `json:"id"`
}

// Provenance names the dataset an importer restates.
type Provenance struct {
	Publisher string `json:"publisher"`
	Dataset   string `json:"dataset"`
	Version   string `json:"version"`
	Record    string `json:"record"`
	URL       string `json:"url,omitempty"`
	License   string `json:"license,omitempty"`
}

// Source is where facts were published.
type Source struct {
	Title     string `json:"title"`
	Publisher string `json:"publisher,omitempty"`
	URL       string `json:"url,omitempty"`
	Date      string `json:"date,omitempty"`
}

// StatusBody is the body of a project.status record.
type StatusBody struct {
	Status  string   `json:"status"`
	Halt    *Halt    `json:"halt,omitempty"`
	AsOf    string   `json:"as_of"`
	Note    string   `json:"note"`
	Sources []Source `json:"sources"`
}

// DesignationBody is the body of a project.designation record.
type DesignationBody struct {
	Action    string   `json:"action"`
	Statement string   `json:"statement"`
	StatedOn  string   `json:"stated_on"`
	StatedBy  string   `json:"stated_by,omitempty"`
	Sources   []Source `json:"sources"`
}

// OutreachBody is the body of a project.outreach record.
type OutreachBody struct {
	Type         string        `json:"type"`
	Title        string        `json:"title"`
	Date         string        `json:"date"`
	EndDate      string        `json:"end_date,omitempty"`
	Place        string        `json:"place"`
	Location     *Location     `json:"location,omitempty"`
	Participants *Participants `json:"participants,omitempty"`
	ConductedBy  string        `json:"conducted_by"`
	Activities   string        `json:"activities"`
	Sources      []Source      `json:"sources"`
	ChangeNote   string        `json:"change_note,omitempty"`
}

// Participants are who took part in an outreach activity.
type Participants struct {
	Count       int    `json:"count,omitempty"`
	Description string `json:"description,omitempty"`
}

// CommentBody is the body of a project.outreach.comment record.
type CommentBody struct {
	Stance   string   `json:"stance"`
	Text     string   `json:"text"`
	StatedOn string   `json:"stated_on"`
	Sources  []Source `json:"sources,omitempty"`
}

// ElectionBody is the body of an election record.
type ElectionBody struct {
	Name              string   `json:"name"`
	Level             string   `json:"level"`
	Office            string   `json:"office"`
	Date              string   `json:"date"`
	DateStatus        string   `json:"date_status"`
	Description       string   `json:"description,omitempty"`
	Outcome           string   `json:"outcome,omitempty"`
	GovernmentChanged *bool    `json:"government_changed,omitempty"`
	Sources           []Source `json:"sources"`
}

// Changed reports whether the election is said to have changed the
// government.
func (b *ElectionBody) Changed() bool { return b.GovernmentChanged != nil && *b.GovernmentChanged }

// Partial dates: "2023-10-17", "2023-10" or "2023".

// DateRange returns the first and last day a partial date may mean, and
// whether it is a valid date at all.
func DateRange(s string) (first, last time.Time, ok bool) {
	switch len(s) {
	case 4:
		t, err := time.Parse("2006", s)
		if err != nil {
			return first, last, false
		}
		return t, t.AddDate(1, 0, -1), true
	case 7:
		t, err := time.Parse("2006-01", s)
		if err != nil {
			return first, last, false
		}
		return t, t.AddDate(0, 1, -1), true
	case 10:
		t, err := time.Parse("2006-01-02", s)
		if err != nil {
			return first, last, false
		}
		return t, t, true
	}
	return first, last, false
}

// Precise reports whether a partial date names a day.
func Precise(s string) bool { return len(s) == 10 }
