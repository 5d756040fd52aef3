// Package aiddata reads AidData's Global Chinese Development Finance
// dataset (GCDF, version 2.0) in its CSV form: the geocoded release's
// final_df.csv, and the ASEAN subset of it that adds recipient codes and
// the centres of the projects' bounding boxes. Rows are read one at a time
// (the file is streamed), and every field is checked: a malformed row is
// an error naming its line and column.
package aiddata

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Columns the reader needs.
const (
	ColID                 = "id"
	ColRecommended        = "Recommended For Aggregates"
	ColUmbrella           = "Umbrella"
	ColTitle              = "Title"
	ColStatus             = "Status"
	ColFlowType           = "Flow Type"
	ColFlowClass          = "Flow Class"
	ColSector             = "AidData Sector Name"
	ColCommitmentYear     = "Commitment Year"
	ColFunders            = "Funding Agencies"
	ColReceivers          = "Receiving Agencies"
	ColImplementers       = "Implementing Agencies"
	ColRecipient          = "Recipient"
	ColAmount             = "Amount (Constant USD2017)"
	ColPlannedStart       = "Planned Implementation Start Date (MM/DD/YYYY)"
	ColPlannedEnd         = "Planned Completion Date (MM/DD/YYYY)"
	ColActualStart        = "Actual Implementation Start Date (MM/DD/YYYY)"
	ColActualEnd          = "Actual Completion Date (MM/DD/YYYY)"
	ColFinanceType        = "finance_type"
	ColURL                = "viz_geojson_url"
	ColRecipientISO3      = "recipient_iso3"  // the ASEAN subset only
	ColCenterLon          = "bbox_center_lon" // the ASEAN subset only
	ColCenterLat          = "bbox_center_lat"
	ColImplementationYear = "Implementation Start Year"
	ColCompletionYear     = "Completion Year"
)

// required are the columns every file must have.
var required = []string{
	ColID, ColRecommended, ColUmbrella, ColTitle, ColStatus, ColFlowType, ColFlowClass, ColSector, ColCommitmentYear,
	ColFunders, ColReceivers, ColImplementers, ColRecipient, ColAmount, ColPlannedStart, ColPlannedEnd, ColActualStart, ColActualEnd, ColFinanceType,
}

// The values the dataset's coded columns take.
var (
	Statuses     = []string{"Completion", "Implementation", "Pipeline: Commitment", "Pipeline: Pledge", "Cancelled", "Suspended"}
	FlowTypes    = []string{"Loan", "Export Buyer's Credit", "Supplier's Credit/Export Seller's Credit", "Grant", "Free-standing technical assistance", "Scholarships/training in the donor country", "Debt rescheduling", "Debt forgiveness", "Vague TBD"}
	FlowClasses  = []string{"ODA-like", "OOF-like", "Vague (Official Finance)", "CA", "Military"}
	FinanceTypes = []string{"development", "military", "huawei"}
	Sectors      = []string{
		"ACTION RELATING TO DEBT", "AGRICULTURE, FORESTRY, FISHING", "BUSINESS AND OTHER SERVICES", "COMMUNICATIONS",
		"DEVELOPMENTAL FOOD AID/FOOD SECURITY ASSISTANCE", "DISASTER PREVENTION AND PREPAREDNESS", "EDUCATION", "EMERGENCY RESPONSE", "ENERGY",
		"GENERAL ENVIRONMENTAL PROTECTION", "GOVERNMENT AND CIVIL SOCIETY", "HEALTH", "INDUSTRY, MINING, CONSTRUCTION", "OTHER COMMODITY ASSISTANCE",
		"OTHER MULTISECTOR", "OTHER SOCIAL INFRASTRUCTURE AND SERVICES", "POPULATION POLICIES/PROGRAMMES AND REPRODUCTIVE HEALTH",
		"RECONSTRUCTION RELIEF AND REHABILITATION", "TRADE POLICIES AND REGULATIONS", "TRANSPORT AND STORAGE", "UNALLOCATED/UNSPECIFIED",
		"WATER SUPPLY AND SANITATION",
	}
)

// Row is one project of the dataset.
type Row struct {
	Line           int // where the row starts in the file
	ID             string
	Recommended    bool // recommended for aggregates (sums)
	Umbrella       bool
	Title          string
	Status         string
	FlowType       string
	FlowClass      string
	Sector         string
	CommitmentYear int // 0 when not given
	Funders        []string
	Receivers      []string
	Implementers   []string
	Recipient      string
	RecipientISO3  string   // upper case, "" when the file has no such column
	AmountUSD2017  *float64 // nil when not given
	PlannedStart   string   // YYYY-MM-DD or ""
	PlannedEnd     string
	ActualStart    string
	ActualEnd      string
	FinanceType    string
	URL            string
	Center         *[2]float64 // [lon, lat] of the bounding box's centre, when given
}

// Error is a malformed row or header: where, and what is wrong.
type Error struct {
	Line, Column int
	Field        string // the column's name, when known
	Msg          string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("line %d, column %d (%s): %s", e.Line, e.Column, e.Field, e.Msg)
	}
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Msg)
}

// Reader reads rows.
type Reader struct {
	r    *csv.Reader
	cols map[string]int
	last int // index of the last column
}

// NewReader reads and checks the header.
func NewReader(r io.Reader) (*Reader, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, csvError(err)
	}
	rd := &Reader{r: cr, cols: map[string]int{}}
	for i, h := range header {
		h = strings.TrimPrefix(h, "\ufeff")
		if _, dup := rd.cols[h]; dup {
			return nil, &Error{Line: 1, Column: i + 1, Field: h, Msg: "the column appears twice"}
		}
		rd.cols[h] = i
	}
	for _, c := range required {
		if _, ok := rd.cols[c]; !ok {
			return nil, &Error{Line: 1, Column: 1, Msg: fmt.Sprintf("the header has no column %q: is this AidData's GCDF 2.0 CSV?", c)}
		}
	}
	_, lon := rd.cols[ColCenterLon]
	_, lat := rd.cols[ColCenterLat]
	if lon != lat {
		return nil, &Error{Line: 1, Column: 1, Msg: "the header has one of bbox_center_lon and bbox_center_lat without the other"}
	}
	rd.last = len(header) - 1
	return rd, nil
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &Error{Line: pe.Line, Column: pe.Column, Msg: pe.Err.Error()}
	}
	if errors.Is(err, io.EOF) {
		return &Error{Line: 1, Column: 1, Msg: "the file is empty"}
	}
	return err
}

// Read returns the next row, or io.EOF after the last. A malformed row is
// an *Error; reading may go on after it.
func (rd *Reader) Read() (*Row, error) {
	rec, err := rd.r.Read()
	if errors.Is(err, io.EOF) {
		return nil, io.EOF
	}
	if err != nil {
		return nil, csvError(err)
	}
	line, _ := rd.r.FieldPos(0)
	row := &Row{Line: line}
	p := parser{rd: rd, rec: rec}
	row.ID = p.text(ColID, true)
	if row.ID != "" {
		if _, err := strconv.ParseUint(row.ID, 10, 64); err != nil {
			p.fail(ColID, "an AidData project id is a number, not %q", row.ID)
		}
	}
	row.Recommended = p.yesNo(ColRecommended)
	row.Umbrella = p.yesNo(ColUmbrella)
	row.Title = p.text(ColTitle, true)
	row.Status = p.oneOf(ColStatus, Statuses, true)
	row.FlowType = p.oneOf(ColFlowType, FlowTypes, true)
	row.FlowClass = p.oneOf(ColFlowClass, FlowClasses, false)
	row.Sector = p.oneOf(ColSector, Sectors, true)
	row.CommitmentYear = p.year(ColCommitmentYear)
	row.Funders = p.list(ColFunders)
	row.Receivers = p.list(ColReceivers)
	row.Implementers = p.list(ColImplementers)
	row.Recipient = p.text(ColRecipient, true)
	row.AmountUSD2017 = p.amount(ColAmount)
	row.PlannedStart = p.date(ColPlannedStart)
	row.PlannedEnd = p.date(ColPlannedEnd)
	row.ActualStart = p.date(ColActualStart)
	row.ActualEnd = p.date(ColActualEnd)
	row.FinanceType = p.oneOf(ColFinanceType, FinanceTypes, true)
	if _, ok := rd.cols[ColURL]; ok {
		row.URL = p.text(ColURL, false)
	}
	if _, ok := rd.cols[ColRecipientISO3]; ok {
		row.RecipientISO3 = p.text(ColRecipientISO3, false)
		if row.RecipientISO3 != "" && (len(row.RecipientISO3) != 3 || strings.ToUpper(row.RecipientISO3) != row.RecipientISO3 || strings.ToLower(row.RecipientISO3) == row.RecipientISO3) {
			p.fail(ColRecipientISO3, "%q is not an ISO 3166-1 alpha-3 code", row.RecipientISO3)
		}
	}
	if _, ok := rd.cols[ColCenterLon]; ok {
		lon, okLon := p.number(ColCenterLon, -180, 180)
		lat, okLat := p.number(ColCenterLat, -90, 90)
		if okLon && okLat {
			row.Center = &[2]float64{lon, lat}
		}
	}
	if p.err != nil {
		return nil, p.err
	}
	return row, nil
}

// parser reads the fields of one record, keeping the first error.
type parser struct {
	rd  *Reader
	rec []string
	err *Error
}

func (p *parser) fail(col, format string, args ...any) {
	if p.err != nil {
		return
	}
	i := p.rd.cols[col]
	line, column := p.rd.r.FieldPos(i)
	p.err = &Error{Line: line, Column: column, Field: col, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) field(col string) string {
	i, ok := p.rd.cols[col]
	if !ok || i >= len(p.rec) {
		return ""
	}
	return strings.TrimSpace(p.rec[i])
}

func (p *parser) text(col string, need bool) string {
	s := p.field(col)
	if need && s == "" {
		p.fail(col, "is empty")
	}
	return s
}

func (p *parser) yesNo(col string) bool {
	switch s := p.field(col); s {
	case "Yes":
		return true
	case "No":
		return false
	default:
		p.fail(col, "is Yes or No, not %q", s)
		return false
	}
}

func (p *parser) oneOf(col string, values []string, need bool) string {
	s := p.field(col)
	if s == "" && !need {
		return ""
	}
	if !slices.Contains(values, s) {
		p.fail(col, "%q is not one of the dataset's values (%s)", s, strings.Join(values, "; "))
		return ""
	}
	return s
}

func (p *parser) year(col string) int {
	s := p.field(col)
	if s == "" {
		return 0
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || f < 1950 || f > 2100 {
		p.fail(col, "%q is not a year", s)
		return 0
	}
	return int(f)
}

func (p *parser) list(col string) []string {
	var out []string
	for _, s := range strings.Split(p.field(col), "|") {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func (p *parser) amount(col string) *float64 {
	s := p.field(col)
	if s == "" {
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > 1e13 {
		p.fail(col, "%q is not an amount in US dollars", s)
		return nil
	}
	return &f
}

func (p *parser) date(col string) string {
	s := p.field(col)
	if s == "" {
		return ""
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02", "01/02/2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format("2006-01-02")
		}
	}
	p.fail(col, "%q is not a date (2006-01-02T00:00:00 or 01/02/2006)", s)
	return ""
}

func (p *parser) number(col string, lo, hi float64) (float64, bool) {
	s := p.field(col)
	if s == "" {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || f < lo || f > hi {
		p.fail(col, "%q is not a number from %v to %v", s, lo, hi)
		return 0, false
	}
	return f, true
}
