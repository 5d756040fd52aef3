// Package oc4ids reads, writes and validates project packages of the Open
// Contracting for Infrastructure Data Standard (OC4IDS, schema 0.9): the
// types of the parts the register maps, a strict parser that says where a
// package's JSON is broken (line and column), and validation against the
// official JSON Schema (draft-04), read from a directory at run time, that
// names each failure's place (a JSON pointer) and rule (the schema keyword).
package oc4ids

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Version is the OC4IDS version the register writes.
const Version = "0.9"

// Package is an OC4IDS project package.
type Package struct {
	URI               string     `json:"uri"`
	PublishedDate     string     `json:"publishedDate"`
	Version           string     `json:"version"`
	Publisher         *Publisher `json:"publisher"`
	License           string     `json:"license,omitempty"`
	PublicationPolicy string     `json:"publicationPolicy,omitempty"`
	Projects          []*Project `json:"projects"`
}

// Publisher is who publishes a package.
type Publisher struct {
	Name   string `json:"name"`
	Scheme string `json:"scheme,omitempty"`
	UID    string `json:"uid,omitempty"`
	URI    string `json:"uri,omitempty"`
}

// Project is an OC4IDS project, in the parts the register reads and
// writes.
type Project struct {
	ID                        string           `json:"id"`
	Updated                   string           `json:"updated,omitempty"`
	Language                  string           `json:"language,omitempty"`
	Identifiers               []Identifier     `json:"identifiers,omitempty"`
	Title                     string           `json:"title,omitempty"`
	Description               string           `json:"description,omitempty"`
	Status                    string           `json:"status,omitempty"`
	Type                      string           `json:"type,omitempty"`
	Sector                    []string         `json:"sector,omitempty"`
	Purpose                   string           `json:"purpose,omitempty"`
	AdditionalClassifications []Classification `json:"additionalClassifications,omitempty"`
	Period                    *Period          `json:"period,omitempty"`
	Locations                 []Location       `json:"locations,omitempty"`
	Budget                    *Budget          `json:"budget,omitempty"`
	Parties                   []Organization   `json:"parties,omitempty"`
	PublicAuthority           *OrganizationRef `json:"publicAuthority,omitempty"`
	Milestones                []Milestone      `json:"milestones,omitempty"`
	Documents                 []Document       `json:"documents,omitempty"`
	Social                    *Social          `json:"social,omitempty"`
}

// Identifier is a project identifier in a scheme.
type Identifier struct {
	ID     string `json:"id"`
	Scheme string `json:"scheme,omitempty"`
}

// Classification is a code from a scheme.
type Classification struct {
	Scheme      string `json:"scheme,omitempty"`
	ID          string `json:"id,omitempty"`
	Description string `json:"description,omitempty"`
	URI         string `json:"uri,omitempty"`
}

// Period is a span of time, as date-times.
type Period struct {
	StartDate      string `json:"startDate,omitempty"`
	EndDate        string `json:"endDate,omitempty"`
	MaxExtentDate  string `json:"maxExtentDate,omitempty"`
	DurationInDays *int   `json:"durationInDays,omitempty"`
}

// Location is where a project is.
type Location struct {
	ID          string          `json:"id,omitempty"`
	Description string          `json:"description,omitempty"`
	Geometry    json.RawMessage `json:"geometry,omitempty"`
	Address     *Address        `json:"address,omitempty"`
	URI         string          `json:"uri,omitempty"`
}

// Address is a postal address.
type Address struct {
	StreetAddress string `json:"streetAddress,omitempty"`
	Locality      string `json:"locality,omitempty"`
	Region        string `json:"region,omitempty"`
	PostalCode    string `json:"postalCode,omitempty"`
	CountryName   string `json:"countryName,omitempty"`
}

// Value is an amount in a currency.
type Value struct {
	Amount   *float64 `json:"amount,omitempty"`
	Currency string   `json:"currency,omitempty"`
}

// Budget is a project's budget and financing.
type Budget struct {
	Description string    `json:"description,omitempty"`
	Amount      *Value    `json:"amount,omitempty"`
	Finance     []Finance `json:"finance,omitempty"`
}

// Finance is a financing arrangement.
type Finance struct {
	ID                 string           `json:"id"`
	Title              string           `json:"title,omitempty"`
	Description        string           `json:"description,omitempty"`
	Value              *Value           `json:"value,omitempty"`
	FinancingParty     *OrganizationRef `json:"financingParty,omitempty"`
	FinancingPartyType string           `json:"financingPartyType,omitempty"`
	Type               string           `json:"type,omitempty"`
	Concessional       *bool            `json:"concessional,omitempty"`
	Period             *Period          `json:"period,omitempty"`
}

// Organization is a party to a project.
type Organization struct {
	ID              string           `json:"id,omitempty"`
	Name            string           `json:"name,omitempty"`
	Identifier      *OrgIdentifier   `json:"identifier,omitempty"`
	Address         *Address         `json:"address,omitempty"`
	Roles           []string         `json:"roles,omitempty"`
	Classifications []Classification `json:"classifications,omitempty"`
}

// OrgIdentifier identifies an organisation in a scheme.
type OrgIdentifier struct {
	Scheme    string `json:"scheme,omitempty"`
	ID        string `json:"id,omitempty"`
	LegalName string `json:"legalName,omitempty"`
	URI       string `json:"uri,omitempty"`
}

// OrganizationRef refers to a party.
type OrganizationRef struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

// Milestone is an event in a project's life.
type Milestone struct {
	ID          string `json:"id"`
	Title       string `json:"title,omitempty"`
	Type        string `json:"type,omitempty"`
	Description string `json:"description,omitempty"`
	Code        string `json:"code,omitempty"`
	DueDate     string `json:"dueDate,omitempty"`
	DateMet     string `json:"dateMet,omitempty"`
	Status      string `json:"status,omitempty"`
}

// Document is a project document.
type Document struct {
	ID            string `json:"id"`
	DocumentType  string `json:"documentType,omitempty"`
	Title         string `json:"title,omitempty"`
	Description   string `json:"description,omitempty"`
	URL           string `json:"url,omitempty"`
	DatePublished string `json:"datePublished,omitempty"`
	Author        string `json:"author,omitempty"`
}

// Social is a project's social impacts.
type Social struct {
	ConsultationMeetings []Meeting `json:"consultationMeetings,omitempty"`
}

// Meeting is a public consultation meeting.
type Meeting struct {
	ID                   string   `json:"id"`
	Date                 string   `json:"date,omitempty"`
	Address              *Address `json:"address,omitempty"`
	NumberOfParticipants *int     `json:"numberOfParticipants,omitempty"`
}

// ErrSyntax is wrapped by the errors Parse returns for JSON that is not
// well-formed or not shaped like a package.
var ErrSyntax = errors.New("not an OC4IDS package")

// Parse decodes a package. Errors wrap ErrSyntax and say where: "line 3,
// column 14: …". Parse does not validate against the schema; Validator
// does.
func Parse(data []byte) (*Package, error) {
	var p Package
	if err := json.Unmarshal(data, &p); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			line, col := position(data, se.Offset)
			return nil, fmt.Errorf("%w: line %d, column %d: %s", ErrSyntax, line, col, se.Error())
		case errors.As(err, &te):
			line, col := position(data, te.Offset)
			return nil, fmt.Errorf("%w: line %d, column %d: %s is %s, where %s is expected", ErrSyntax, line, col, fieldName(te.Field), te.Value, te.Type)
		}
		return nil, fmt.Errorf("%w: %v", ErrSyntax, err)
	}
	return &p, nil
}

func fieldName(f string) string {
	if f == "" {
		return "the package"
	}
	return f
}

// position turns the offset encoding/json reports (just past the offending
// byte) into the 1-based line and column (in bytes) of that byte.
func position(data []byte, offset int64) (line, col int) {
	line, col = 1, 1
	offset--
	for i := int64(0); i < offset && i < int64(len(data)); i++ {
		if data[i] == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}
