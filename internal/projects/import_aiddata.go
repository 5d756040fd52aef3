package projects

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/kongsi/kongsi/internal/projects/aiddata"
	"github.com/kongsi/kongsi/internal/publish"
)

// AidData's dataset, as the importer names it in provenance.
const (
	AidDataPublisher = "AidData, a research lab at William & Mary"
	AidDataDataset   = "Global Chinese Development Finance Dataset (geocoded projects)"
	AidDataVersion   = "2.0 (geospatial release of 29 September 2021)"
	AidDataAsOf      = "2021-09-29"
	AidDataLicense   = "ODC-By 1.0 (AidData's data); ODbL 1.0 (geometry derived from OpenStreetMap)"
	AidDataURL       = "https://github.com/aiddata/china-osm-geodata"
)

// aidDataSectors maps AidData's sector names (OECD CRS sectors) to OC4IDS
// projectSector codes. The mapping is approximate where CRS and OC4IDS cut
// differently; the body's description keeps AidData's own sector.
var aidDataSectors = map[string]string{
	"ACTION RELATING TO DEBT":                                "economy",
	"AGRICULTURE, FORESTRY, FISHING":                         "economy",
	"BUSINESS AND OTHER SERVICES":                            "economy",
	"COMMUNICATIONS":                                         "communications",
	"DEVELOPMENTAL FOOD AID/FOOD SECURITY ASSISTANCE":        "economy",
	"DISASTER PREVENTION AND PREPAREDNESS":                   "governance",
	"EDUCATION":                                              "education",
	"EMERGENCY RESPONSE":                                     "governance",
	"ENERGY":                                                 "energy",
	"GENERAL ENVIRONMENTAL PROTECTION":                       "naturalResources",
	"GOVERNMENT AND CIVIL SOCIETY":                           "governance",
	"HEALTH":                                                 "health",
	"INDUSTRY, MINING, CONSTRUCTION":                         "economy",
	"OTHER COMMODITY ASSISTANCE":                             "economy",
	"OTHER MULTISECTOR":                                      "economy",
	"OTHER SOCIAL INFRASTRUCTURE AND SERVICES":               "cultureSportsAndRecreation",
	"POPULATION POLICIES/PROGRAMMES AND REPRODUCTIVE HEALTH": "health",
	"RECONSTRUCTION RELIEF AND REHABILITATION":               "governance",
	"TRADE POLICIES AND REGULATIONS":                         "economy",
	"TRANSPORT AND STORAGE":                                  "transport",
	"UNALLOCATED/UNSPECIFIED":                                "economy",
	"WATER SUPPLY AND SANITATION":                            "waterAndWaste",
}

// aidDataStatuses maps AidData's statuses to OC4IDS ones. A suspended
// project keeps the stage it stopped at and is marked halted.
var aidDataStatuses = map[string]string{
	"Completion": "completion", "Implementation": "implementation", "Pipeline: Commitment": "preparation",
	"Pipeline: Pledge": "identification", "Cancelled": "cancelled", "Suspended": "implementation",
}

// aidDataInstruments maps AidData's flow types to instruments.
var aidDataInstruments = map[string]string{
	"Loan": "loan", "Export Buyer's Credit": "loan", "Supplier's Credit/Export Seller's Credit": "loan", "Grant": "grant",
	"Free-standing technical assistance": "technical-assistance", "Scholarships/training in the donor country": "technical-assistance",
	"Debt rescheduling": "other", "Debt forgiveness": "other", "Vague TBD": "other",
}

// Chinese financiers and builders whose type is a matter of public record.
// Names are matched exactly, or by the prefixes of the groups below.
var (
	policyBanks = []string{"Export-Import Bank of China", "China Development Bank (CDB)"}
	stateBanks  = []string{
		"Agricultural Bank of China", "Bank of China (BOC)", "China Construction Bank Corporation (CCB)", "Industrial and Commercial Bank of China (ICBC)",
		"China Bank of Communications (BoCom or BoComm)", "China CITIC Bank", "China Everbright Bank", "Silk Road Fund",
	}
	// Central state-owned groups, whose subsidiaries' names begin alike.
	stateGroups = []string{
		"China Railway", "China Communications Construction", "China Harbour Engineering", "China Road and Bridge", "Sinohydro", "SinoHydro", "PowerChina",
		"Power Construction Corporation of China", "China Energy Engineering", "China Gezhouba", "State Grid", "China Southern Power Grid",
		"China National Machinery", "Sinomach", "China Machinery Engineering", "China National Petroleum", "China Petroleum & Chemical", "Sinopec",
		"China State Construction", "China Metallurgical", "MCC-", "China Three Gorges", "China International Water and Electric", "China Huadian",
		"China Datang", "China Huaneng", "State Power Investment", "China General Nuclear", "China National Nuclear", "China Civil Engineering Construction",
		"CITIC Construction", "CITIC Group", "China Merchants Group", "China Nonferrous Metal", "CNMC International", "Aluminum Corporation of China",
		"China Overseas Engineering", "China National Construction & Agricultural Machinery", "China Electric Power Equipment and Technology",
		"Poly Technologies", "China Poly Group", "China Union of WISCO", "CBMI Construction", "Shanghai Electric Group", "COSCO",
	}
	privateCompanies = []string{"Huawei Technologies Co., Ltd."}
	// Parts of names that mark a government body.
	governmentMarks = []string{
		"Ministry of", "Government", "Embassy", "Hanban", "National Development and Reform Commission", "People's Congress", "Political Consultative",
		"People's Bank of China", "People's Liberation Army", "General Administration of", "State Council", "Health Commission", "Health Department",
		"Overseas Chinese Affairs Office", "Commission of Health", "Center for Disease Control", "Radio and Television Administration", "Xinhua News Agency",
		"International Center for Economic and Technical Exchanges", "Satellite Launch and Tracking Control",
	}
)

// classifyChinese gives the type of a Chinese financier or builder named by
// AidData, or "unclassified" when its type is not a matter the register can
// settle from the name.
func classifyChinese(name string) string {
	switch {
	case slices.Contains(policyBanks, name):
		return "policy-bank"
	case slices.Contains(stateBanks, name):
		return "state-owned-enterprise"
	case slices.Contains(privateCompanies, name):
		return "private-company"
	}
	for _, g := range stateGroups {
		if strings.HasPrefix(name, g) {
			return "state-owned-enterprise"
		}
	}
	for _, m := range governmentMarks {
		if strings.Contains(name, m) {
			return "government"
		}
	}
	return "unclassified"
}

// AidDataOptions say how rows become records.
type AidDataOptions struct {
	States  map[string]string // the register's member states by code
	Version string            // the dataset's version, for provenance
	AsOf    string            // the date the dataset speaks as of
}

// ErrNotMember marks a row whose recipient is not a member state.
var ErrNotMember = errors.New("the recipient is not a member state of this register")

// FromAidData maps a row to a project record reported by an importer. The
// location is the centre of the project's bounding box when the file gives
// it and it lies in the host state (see CheckLocation); moved is true when
// a centre was left out because it did not.
func FromAidData(r *aiddata.Row, opts AidDataOptions) (id string, b *Body, moved bool, err error) {
	host := strings.ToLower(r.RecipientISO3)
	if host == "" {
		host, _ = CountryCode(r.Recipient, opts.States)
	}
	if _, ok := opts.States[host]; !ok || host == "" {
		return "", nil, false, fmt.Errorf("%w: %q", ErrNotMember, r.Recipient)
	}
	id = host + "-aiddata-" + r.ID
	b = &Body{
		Name: truncate(r.Title, 300), Host: host, Sector: []string{aidDataSectors[r.Sector]}, Status: aidDataStatuses[r.Status], AsOf: opts.AsOf,
		Identifiers: []Identifier{{Scheme: "AidData GCDF 2.0", ID: r.ID}},
		Sources:     []Source{{Title: "AidData's Global Chinese Development Finance Dataset, Version 2.0", Publisher: "AidData at William & Mary", URL: AidDataURL}},
		Provenance:  &Provenance{Publisher: AidDataPublisher, Dataset: AidDataDataset, Version: opts.Version, Record: r.ID, URL: httpURL(r.URL), License: AidDataLicense},
	}
	if r.Status == "Suspended" {
		if r.ActualStart == "" {
			b.Status = "preparation"
		}
		b.Halt = &Halt{State: "suspended", Reason: "AidData records the project as suspended."}
	}
	if !r.Recommended {
		f := false
		b.InTotals = &f
	}
	var desc []string
	desc = append(desc, fmt.Sprintf("AidData records official finance from China: %s", strings.ToLower(r.FlowType)))
	if r.FlowClass != "" {
		desc[0] += fmt.Sprintf(" (%s)", r.FlowClass)
	}
	if r.CommitmentYear > 0 {
		desc[0] += fmt.Sprintf(", committed in %d", r.CommitmentYear)
	}
	desc[0] += "."
	desc = append(desc, fmt.Sprintf("AidData's sector: %s; its status: %s.", strings.ToLower(r.Sector), r.Status))
	if r.Umbrella {
		desc = append(desc, "AidData marks it as an umbrella project, which groups others.")
	}
	if !r.Recommended {
		desc = append(desc, "AidData does not recommend it for aggregate totals (it may overlap another record), so sums leave it out.")
	}
	b.Description = strings.Join(desc, " ")

	add := func(s Sponsor) {
		if len(b.Sponsors) >= 30 {
			return
		}
		for _, x := range b.Sponsors {
			if x.Name == s.Name && x.Role == s.Role {
				return
			}
		}
		s.Name = truncate(s.Name, 300)
		b.Sponsors = append(b.Sponsors, s)
	}
	for _, f := range r.Funders {
		add(Sponsor{Name: f, Type: classifyChinese(f), Role: "funder", Country: "chn"})
	}
	for _, f := range r.Receivers {
		s := Sponsor{Name: f, Type: "unclassified", Role: "owner"}
		if strings.HasPrefix(f, "Government of") {
			s.Type, s.Country = "government", host
		}
		add(s)
	}
	for _, f := range r.Implementers {
		s := Sponsor{Name: f, Type: classifyChinese(f), Role: "implementer"}
		if s.Type == "government" {
			// A government body among implementers may be the host's:
			// the name does not say which.
			s.Type = "unclassified"
		}
		if s.Type == "state-owned-enterprise" || s.Type == "private-company" {
			s.Country = "chn"
		}
		add(s)
	}
	if len(b.Sponsors) == 0 {
		add(Sponsor{Name: "Unspecified Chinese Government Institution", Type: "government", Role: "funder", Country: "chn"})
	}
	fin := Financing{Instrument: aidDataInstruments[r.FlowType], Provider: truncate(strings.Join(r.Funders, ", "), 300), Year: r.CommitmentYear,
		Description: r.FlowType + "; AidData's amount, in constant 2017 US dollars."}
	if r.AmountUSD2017 != nil && *r.AmountUSD2017 > 0 {
		fin.Amount, fin.Currency, fin.USD = *r.AmountUSD2017, "USD", *r.AmountUSD2017
	} else {
		fin.Description = r.FlowType + "; AidData gives no amount."
	}
	b.Financing = []Financing{fin}

	// Milestones: what happened by the dataset's date is met; the rest is
	// scheduled.
	milestone := func(title, date, typ string) {
		if date == "" {
			return
		}
		status := "met"
		if first, _, _ := DateRange(date); first.Format("2006-01-02") > opts.AsOf {
			status = "scheduled"
		}
		b.Milestones = append(b.Milestones, Milestone{Title: title, Date: date, Status: status, Type: typ})
	}
	if r.CommitmentYear > 0 {
		milestone("Financing committed", fmt.Sprintf("%04d", r.CommitmentYear), "financing")
	}
	if r.ActualStart != "" {
		milestone("Implementation started", r.ActualStart, "delivery")
	} else if r.PlannedStart != "" {
		b.Milestones = append(b.Milestones, Milestone{Title: "Planned start of implementation", Date: r.PlannedStart, Status: "scheduled", Type: "delivery"})
	}
	if r.ActualEnd != "" {
		milestone("Completed", r.ActualEnd, "delivery")
	} else if r.PlannedEnd != "" {
		b.Milestones = append(b.Milestones, Milestone{Title: "Planned completion", Date: r.PlannedEnd, Status: "scheduled", Type: "delivery"})
	}
	start, end := firstOf(r.ActualStart, r.PlannedStart), firstOf(r.ActualEnd, r.PlannedEnd)
	if start != "" || end != "" {
		if start != "" && end != "" && end < start {
			end = ""
		}
		b.Period = &Period{Start: start, End: end}
	}
	if r.Center != nil {
		loc := &Location{Description: "Centre of the area AidData geocodes for the project (from OpenStreetMap features)", Point: []float64{r.Center[0], r.Center[1]}, Approximate: true}
		if CheckLocation(host, loc, "location") == nil {
			b.Location = loc
		} else {
			moved = true
		}
	}
	return id, b, moved, nil
}

// ImportAidData is kongsi import aiddata: it reads AidData's CSV twice,
// streaming: first to check every row (a malformed row refuses the file,
// naming its line and column, and nothing is published), then to publish
// each project whose recipient is a member state.
func ImportAidData(ctx context.Context, pub publish.Publisher, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("kongsi import aiddata", flag.ContinueOnError)
	fs.SetOutput(out)
	version := fs.String("version", AidDataVersion, "the dataset's version, as the records name it")
	asOf := fs.String("as-of", AidDataAsOf, "the date the dataset speaks as of")
	dryRun := fs.Bool("dry-run", false, "check and map the rows, and publish nothing")
	workers := fs.Int("workers", 64, "how many records to have in flight at once")
	limit := fs.Int("limit", 0, "import at most this many projects (0: all)")
	file, err := parseImportArgs(fs, args, "kongsi import aiddata (-data DIR | -register URL -key FILE) [flags] FILE.csv", "give one AidData CSV file")
	if err != nil {
		return err
	}
	if _, _, ok := DateRange(*asOf); !ok || !Precise(*asOf) {
		return fmt.Errorf("-as-of %q is not a date (YYYY-MM-DD)", *asOf)
	}
	start := time.Now()
	info, err := readRegister(ctx, pub)
	if err != nil {
		return err
	}
	if !info.isImporter() {
		return fmt.Errorf("%q does not hold the %q role: AidData's records are published by an importer organisation, which names the dataset", pub.Author(), RoleImporter)
	}
	opts := AidDataOptions{States: info.states, Version: *version, AsOf: *asOf}
	checker, err := newBodyChecker(New())
	if err != nil {
		return err
	}
	// Pass 1: check every row.
	var problems []string
	rows, members, moved := 0, 0, 0
	err = eachRow(file, func(r *aiddata.Row, rerr error) error {
		if rerr != nil {
			problems = append(problems, rerr.Error())
		} else {
			rows++
			_, b, m, err := FromAidData(r, opts)
			switch {
			case errors.Is(err, ErrNotMember):
				return nil
			case err == nil:
				err = checker.check(b)
			}
			if err != nil {
				problems = append(problems, fmt.Sprintf("line %d (project %s): %v", r.Line, r.ID, err))
			}
			members++
			if m {
				moved++
			}
		}
		if len(problems) >= 20 {
			return errStop
		}
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		return err
	}
	if len(problems) > 0 {
		more := ""
		if errors.Is(err, errStop) {
			more = "\n  (stopped at 20 problems)"
		}
		return fmt.Errorf("%s is refused, and nothing was imported:\n  %s%s", file, strings.Join(problems, "\n  "), more)
	}
	fmt.Fprintf(out, "%s: %d rows, all well formed; %d in member states of this register.", file, rows, members)
	if moved > 0 {
		fmt.Fprintf(out, " %d projects have no location: the centre of their area lies outside their host state's outline.", moved)
	}
	fmt.Fprintln(out)
	if *dryRun {
		fmt.Fprintln(out, "Dry run: nothing published.")
		return nil
	}
	// Pass 2: map and publish, streaming.
	items := make(chan mapped)
	var perr error
	done := make(chan struct{})
	var stats *importStats
	go func() {
		defer close(done)
		stats, perr = publishStream(ctx, pub, items, "Updated from "+AidDataDataset+" "+*version, *workers)
	}()
	n := 0
	err = eachRow(file, func(r *aiddata.Row, rerr error) error {
		if rerr != nil {
			return fmt.Errorf("%s changed while it was imported: %w", file, rerr)
		}
		id, b, _, err := FromAidData(r, opts)
		if errors.Is(err, ErrNotMember) {
			return nil
		}
		if err != nil {
			return err
		}
		if *limit > 0 && n >= *limit {
			return errStop
		}
		n++
		select {
		case items <- mapped{id: id, body: b, what: fmt.Sprintf("line %d", r.Line)}:
			return nil
		case <-done:
			return errStop
		}
	})
	close(items)
	<-done
	if serr := settle(ctx, pub, stats); perr == nil {
		perr = serr
	}
	stats.report(out, "AidData projects", time.Since(start))
	if err != nil && !errors.Is(err, errStop) {
		return err
	}
	if perr != nil {
		return fmt.Errorf("the register refused %w", perr)
	}
	return nil
}

var errStop = errors.New("stop")

// eachRow streams the rows of an AidData CSV file to f, with the error of
// each malformed row.
func eachRow(file string, f func(*aiddata.Row, error) error) error {
	fh, err := os.Open(file)
	if err != nil {
		return err
	}
	defer fh.Close()
	rd, err := aiddata.NewReader(fh)
	if err != nil {
		return fmt.Errorf("%s is refused: %w", file, err)
	}
	for {
		r, err := rd.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		var ae *aiddata.Error
		if err != nil && !errors.As(err, &ae) {
			return err
		}
		if err := f(r, err); err != nil {
			return err
		}
	}
}
