package projects

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/kongsi/kongsi/internal/projects/iati"
	"github.com/kongsi/kongsi/internal/store"
)

// IATI codes the exporter writes (IATI 2.03 codelists).
var (
	// iatiStatus maps OC4IDS statuses to ActivityStatus codes: 1
	// pipeline/identification, 2 implementation, 3 finalisation, 4 closed,
	// 5 cancelled (6, suspended, is for halted projects).
	iatiStatus = map[string]string{
		"identification": "1", "preparation": "1", "implementation": "2", "completion": "3",
		"maintenance": "4", "decommissioning": "4", "decommissioned": "4", "cancelled": "5",
	}
	// iatiRole maps sponsor roles to OrganisationRole codes: 1 funding,
	// 2 accountable, 4 implementing.
	iatiRole = map[string]string{
		"funder": "1", "lender": "1", "investor": "1", "owner": "2", "developer": "2",
		"contractor": "4", "operator": "4", "implementer": "4",
	}
	// iatiOrgType maps sponsor types to OrganisationType codes: 10
	// government, 15 other public sector, 70 private sector.
	iatiOrgType = map[string]string{"government": "10", "policy-bank": "15", "state-owned-enterprise": "15", "private-company": "70"}
)

// sectorVocabularyURI is where the OC4IDS sector codes the exporter writes
// (IATI sector vocabulary 99, the reporting organisation's) are defined.
const sectorVocabularyURI = "https://standard.open-contracting.org/infrastructure/latest/en/reference/codelists/#projectsector"

// IATIOptions set the reporting organisation.
type IATIOptions struct {
	Ref, Type, Name string
}

// ToIATI writes a project as an IATI activity; ok is false when the
// project has no date IATI can take as its start or end (an activity needs
// one).
func ToIATI(s *Summary, b *Body, opts IATIOptions) (a iati.Activity, ok bool, err error) {
	iso2, known := ISO2[s.Host]
	if !known {
		return a, false, fmt.Errorf("project %s: the register has no ISO 3166-1 alpha-2 code for %q", s.ID, s.Host)
	}
	a = iati.Activity{
		LastUpdated: s.Updated, Lang: "en",
		Identifier:       opts.Ref + "-" + s.ID,
		ReportingOrg:     iati.ReportingOrg{Ref: opts.Ref, Type: opts.Type, Narratives: []iati.Narrative{{Text: opts.Name}}},
		Title:            iati.T(b.Name),
		Descriptions:     []iati.Description{{Type: "1", Narratives: []iati.Narrative{{Text: firstOf(b.Description, b.Name)}}}},
		OtherIdentifiers: []iati.OtherIdentifier{{Ref: s.ID, Type: "A1"}},
		Status:           iati.Code{Code: iatiStatus[s.Status]},
		Countries:        []iati.RecipientCountry{{Code: iso2, Percentage: "100"}},
	}
	if s.Halt == "suspended" {
		a.Status.Code = "6"
	}
	for _, id := range b.Identifiers {
		a.OtherIdentifiers = append(a.OtherIdentifiers, iati.OtherIdentifier{Ref: id.Scheme + ": " + id.ID, Type: "A9"})
	}
	for _, sp := range b.Sponsors {
		a.ParticipatingOrgs = append(a.ParticipatingOrgs, iati.ParticipatingOrg{Role: iatiRole[sp.Role], Type: iatiOrgType[sp.Type], Narratives: []iati.Narrative{{Text: sp.Name}}})
	}
	// Dates: the period, or else the milestones of starting and finishing.
	started := s.Status != "identification" && s.Status != "preparation"
	finished := s.Status == "completion" || s.Status == "maintenance" || s.Status == "decommissioning" || s.Status == "decommissioned"
	startDate, endDate := "", ""
	if b.Period != nil {
		startDate, endDate = b.Period.Start, b.Period.End
	}
	if startDate != "" {
		first, _, _ := DateRange(startDate)
		typ := "1"
		if started {
			typ = "2"
		}
		a.Dates = append(a.Dates, iati.ActivityDate{Type: typ, ISODate: first.Format("2006-01-02")})
	}
	if endDate != "" {
		_, last, _ := DateRange(endDate)
		typ := "3"
		if finished {
			typ = "4"
		}
		a.Dates = append(a.Dates, iati.ActivityDate{Type: typ, ISODate: last.Format("2006-01-02")})
	}
	if len(a.Dates) == 0 {
		for _, m := range b.Milestones {
			first, _, ok := DateRange(m.Date)
			if !ok {
				continue
			}
			typ := "1"
			if m.Status == "met" {
				typ = "2"
			}
			a.Dates = append(a.Dates, iati.ActivityDate{Type: typ, ISODate: first.Format("2006-01-02")})
			break
		}
	}
	if len(a.Dates) == 0 {
		return a, false, nil
	}
	if s.Lon != nil && s.Lat != nil {
		loc := iati.Location{Point: &iati.Point{SRSName: iati.WGS84, Pos: strconv.FormatFloat(*s.Lat, 'f', -1, 64) + " " + strconv.FormatFloat(*s.Lon, 'f', -1, 64)}, Exactness: &iati.Code{Code: "1"}}
		if b.Location != nil {
			name := iati.T(b.Location.Description)
			loc.Name = &name
			if b.Location.Approximate || b.Location.Geometry != nil {
				loc.Exactness.Code = "2"
			}
		}
		a.Locations = []iati.Location{loc}
	}
	// The most specific sectors, sharing 100 per cent.
	var sectors []string
	for _, c := range b.Sector {
		specific := true
		for _, d := range b.Sector {
			if SectorParent(d) == c {
				specific = false
			}
		}
		if specific {
			sectors = append(sectors, c)
		}
	}
	for i, c := range sectors {
		share := 100 / len(sectors)
		if i == len(sectors)-1 {
			share = 100 - share*(len(sectors)-1)
		}
		a.Sectors = append(a.Sectors, iati.Sector{Vocabulary: "99", VocabularyURI: sectorVocabularyURI, Code: c, Percentage: strconv.Itoa(share), Narratives: []iati.Narrative{{Text: Sectors.Title(c)}}})
	}
	if s.Designation != DesignationNone {
		a.Tags = append(a.Tags, iati.Tag{Vocabulary: "99", Code: "bri-" + s.Designation, Narratives: []iati.Narrative{{Text: "Belt and Road designation: " + DesignationTitle(s.Designation)}}})
	}
	for _, f := range b.Financing {
		if f.Amount <= 0 || f.Year == 0 {
			continue
		}
		date := fmt.Sprintf("%04d-01-01", f.Year)
		t := iati.Transaction{
			Type: iati.Code{Code: "11"}, Date: iati.DateElem{ISODate: date},
			Value: iati.Value{Currency: f.Currency, ValueDate: date, Amount: strconv.FormatFloat(f.Amount, 'f', -1, 64)},
		}
		desc := Instruments.Title(f.Instrument)
		if f.Description != "" {
			desc += ": " + f.Description
		}
		d := iati.T(desc)
		t.Description = &d
		if f.Provider != "" {
			t.Provider = &iati.Org{Narratives: []iati.Narrative{{Text: f.Provider}}}
		}
		a.Transactions = append(a.Transactions, t)
	}
	for _, d := range b.Documents {
		if d.URL == "" {
			continue
		}
		cat := "A12"
		switch d.Type {
		case "feasibilityStudy", "environmentalImpact", "socialImpact", "landAndSettlementImpact", "costBenefitAnalysis":
			cat = "A01"
		case "contractSigned", "contractSummary":
			cat = "A11"
		}
		a.DocumentLinks = append(a.DocumentLinks, iati.DocumentLink{Format: "text/html", URL: d.URL, Title: iati.T(d.Title), Category: []iati.Code{{Code: cat}}})
	}
	for _, src := range b.Sources {
		if src.URL != "" {
			a.DocumentLinks = append(a.DocumentLinks, iati.DocumentLink{Format: "text/html", URL: src.URL, Title: iati.T(src.Title), Category: []iati.Code{{Code: "A12"}}})
		}
	}
	return a, true, nil
}

// BuildIATI writes the projects a filter selects as IATI activities. It
// returns how many were left out for want of a date.
func BuildIATI(ctx context.Context, st store.Store, f Filter, opts IATIOptions) (*iati.Activities, int, error) {
	list, _, err := List(ctx, st, f, 0)
	if err != nil {
		return nil, 0, err
	}
	out := &iati.Activities{Version: iati.Version}
	skipped := 0
	for _, s := range list {
		b, err := currentBody(ctx, st, s.ID)
		if err != nil {
			return nil, 0, err
		}
		a, ok, err := ToIATI(s, b, opts)
		if err != nil {
			return nil, 0, err
		}
		if !ok {
			skipped++
			continue
		}
		out.Activities = append(out.Activities, a)
		out.Generated = max(out.Generated, s.Updated)
	}
	return out, skipped, nil
}

// ExportIATI is kongsi export iati.
func ExportIATI(ctx context.Context, st store.Store, w io.Writer, args []string) error {
	fs := flag.NewFlagSet("kongsi export iati", flag.ContinueOnError)
	ref := fs.String("reporting-org-ref", "XX-KONGSI", "the reporting organisation's IATI organisation identifier (prefixes every activity identifier)")
	typ := fs.String("reporting-org-type", "90", "the reporting organisation's IATI OrganisationType code")
	name := fs.String("reporting-org-name", "", "the reporting organisation's name (default: the register's name)")
	f, err := parseWithFilter(fs, args)
	if err != nil {
		return err
	}
	if strings.TrimSpace(*ref) == "" {
		return errors.New("-reporting-org-ref is empty")
	}
	if *name == "" {
		if *name, _, err = registerName(ctx, st); err != nil {
			return err
		}
	}
	acts, skipped, err := BuildIATI(ctx, st, f, IATIOptions{Ref: *ref, Type: *typ, Name: *name})
	if err != nil {
		return err
	}
	if len(acts.Activities) == 0 {
		return errors.New("no project to export: an IATI activities file holds at least one activity")
	}
	if err := iati.Write(w, acts); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "%d projects written as IATI %s activities", len(acts.Activities), iati.Version)
	if skipped > 0 {
		fmt.Fprintf(os.Stderr, "; %d left out: they have no start or end date", skipped)
	}
	fmt.Fprintln(os.Stderr, ".")
	return nil
}
