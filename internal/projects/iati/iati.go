// Package iati writes IATI activity files, version 2.03: the elements of
// an iati-activity the register fills, in the order the schema requires
// (iati-activities-schema.xsd). It checks nothing against the schema itself
// (no pure-Go XML Schema validator is usable); the tests validate its
// output with xmllint and the official schema.
package iati

import (
	"encoding/xml"
	"fmt"
	"io"
)

// Version is the IATI standard version written.
const Version = "2.03"

// Activities is an iati-activities file.
type Activities struct {
	XMLName    xml.Name   `xml:"iati-activities"`
	Version    string     `xml:"version,attr"`
	Generated  string     `xml:"generated-datetime,attr,omitempty"`
	Activities []Activity `xml:"iati-activity"`
}

// Activity is one iati-activity. Field order is the schema's sequence.
type Activity struct {
	LastUpdated       string             `xml:"last-updated-datetime,attr,omitempty"`
	Lang              string             `xml:"xml:lang,attr,omitempty"`
	DefaultCurrency   string             `xml:"default-currency,attr,omitempty"`
	Identifier        string             `xml:"iati-identifier"`
	ReportingOrg      ReportingOrg       `xml:"reporting-org"`
	Title             Text               `xml:"title"`
	Descriptions      []Description      `xml:"description"`
	ParticipatingOrgs []ParticipatingOrg `xml:"participating-org"`
	OtherIdentifiers  []OtherIdentifier  `xml:"other-identifier"`
	Status            Code               `xml:"activity-status"`
	Dates             []ActivityDate     `xml:"activity-date"`
	Countries         []RecipientCountry `xml:"recipient-country"`
	Locations         []Location         `xml:"location"`
	Sectors           []Sector           `xml:"sector"`
	Tags              []Tag              `xml:"tag"`
	Transactions      []Transaction      `xml:"transaction"`
	DocumentLinks     []DocumentLink     `xml:"document-link"`
}

// Narrative is a text in a language.
type Narrative struct {
	Lang string `xml:"xml:lang,attr,omitempty"`
	Text string `xml:",chardata"`
}

// Text is an element of narratives.
type Text struct {
	Narratives []Narrative `xml:"narrative"`
}

// T is a Text of one narrative in the activity's language.
func T(s string) Text { return Text{Narratives: []Narrative{{Text: s}}} }

// Description is an activity's description.
type Description struct {
	Type       string      `xml:"type,attr,omitempty"`
	Narratives []Narrative `xml:"narrative"`
}

// ReportingOrg is who reports the activity.
type ReportingOrg struct {
	Ref        string      `xml:"ref,attr"`
	Type       string      `xml:"type,attr"`
	Narratives []Narrative `xml:"narrative"`
}

// ParticipatingOrg is an organisation taking part.
type ParticipatingOrg struct {
	Role       string      `xml:"role,attr"`
	Type       string      `xml:"type,attr,omitempty"`
	Narratives []Narrative `xml:"narrative"`
}

// OtherIdentifier is another identifier of the activity.
type OtherIdentifier struct {
	Ref  string `xml:"ref,attr"`
	Type string `xml:"type,attr"`
}

// Code is an element with a code.
type Code struct {
	Code string `xml:"code,attr"`
}

// ActivityDate is a planned or actual start or end.
type ActivityDate struct {
	Type    string `xml:"type,attr"`
	ISODate string `xml:"iso-date,attr"`
}

// RecipientCountry is a country the activity benefits.
type RecipientCountry struct {
	Code       string `xml:"code,attr"`
	Percentage string `xml:"percentage,attr,omitempty"`
}

// Location is a place of the activity.
type Location struct {
	Name      *Text `xml:"name,omitempty"`
	Point     *Point
	Exactness *Code `xml:"exactness,omitempty"`
}

// Point is a position: pos is "latitude longitude".
type Point struct {
	XMLName xml.Name `xml:"point"`
	SRSName string   `xml:"srsName,attr"`
	Pos     string   `xml:"pos"`
}

// WGS84 is the srsName of WGS 84 positions.
const WGS84 = "http://www.opengis.net/def/crs/EPSG/0/4326"

// Sector is a sector of the activity, in a vocabulary.
type Sector struct {
	Vocabulary    string      `xml:"vocabulary,attr,omitempty"`
	VocabularyURI string      `xml:"vocabulary-uri,attr,omitempty"`
	Code          string      `xml:"code,attr"`
	Percentage    string      `xml:"percentage,attr,omitempty"`
	Narratives    []Narrative `xml:"narrative"`
}

// Tag is a label from a vocabulary.
type Tag struct {
	Vocabulary    string      `xml:"vocabulary,attr"`
	VocabularyURI string      `xml:"vocabulary-uri,attr,omitempty"`
	Code          string      `xml:"code,attr"`
	Narratives    []Narrative `xml:"narrative"`
}

// Transaction is a financial transaction.
type Transaction struct {
	Type        Code     `xml:"transaction-type"`
	Date        DateElem `xml:"transaction-date"`
	Value       Value    `xml:"value"`
	Description *Text    `xml:"description,omitempty"`
	Provider    *Org     `xml:"provider-org,omitempty"`
}

// DateElem is an element with an iso-date.
type DateElem struct {
	ISODate string `xml:"iso-date,attr"`
}

// Value is an amount.
type Value struct {
	Currency  string `xml:"currency,attr,omitempty"`
	ValueDate string `xml:"value-date,attr"`
	Amount    string `xml:",chardata"`
}

// Org is an organisation named in a transaction.
type Org struct {
	Type       string      `xml:"type,attr,omitempty"`
	Narratives []Narrative `xml:"narrative"`
}

// DocumentLink is a linked document.
type DocumentLink struct {
	Format   string `xml:"format,attr"`
	URL      string `xml:"url,attr"`
	Title    Text   `xml:"title"`
	Category []Code `xml:"category"`
}

// Write writes an activities file, with its XML declaration.
func Write(w io.Writer, a *Activities) error {
	if a.Version == "" {
		a.Version = Version
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(a); err != nil {
		return fmt.Errorf("couldn't write the IATI activities: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}
