package projects

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kongsi/kongsi/internal/browse"
	"github.com/kongsi/kongsi/internal/projects/oc4ids"
	"github.com/kongsi/kongsi/internal/store"
)

// Schemes of the classifications and identifiers the register writes in
// OC4IDS packages, and reads back.
const (
	SchemeRegister    = "kongsi"
	SchemeSponsorType = "kongsi:sponsorType"
	SchemeSponsorRole = "kongsi:sponsorRole"
	SchemeDesignation = "kongsi:briDesignation"
	SchemeHalt        = "kongsi:halt"
)

// oc4idsTime writes a partial date as the first moment it may mean.
func oc4idsTime(d string) string {
	t, _, ok := DateRange(d)
	if !ok {
		return ""
	}
	return t.Format(time.RFC3339)
}

// partyRoles maps a sponsor's role to OC4IDS partyRole codes.
var partyRoles = map[string]string{
	"owner": "buyer", "developer": "buyer", "investor": "funder", "funder": "funder", "lender": "funder",
	"contractor": "supplier", "implementer": "supplier", "operator": "interestedParty",
}

// PackageOptions set what a package says of itself.
type PackageOptions struct {
	URI       string // the package's URI
	Publisher string // the publisher's name
	Prefix    string // the project identifier prefix; "kongsi" by default
}

// ToOC4IDS writes a project as an OC4IDS project.
func ToOC4IDS(s *Summary, b *Body, outreach []*Outreach, names map[string]string, prefix string) *oc4ids.Project {
	if prefix == "" {
		prefix = SchemeRegister
	}
	p := &oc4ids.Project{
		ID: prefix + "-" + s.ID, Updated: s.Updated, Language: "en",
		Identifiers: []oc4ids.Identifier{{ID: s.ID, Scheme: SchemeRegister}},
		Title:       b.Name, Description: b.Description, Status: s.Status, Type: b.Type, Sector: b.Sector,
		AdditionalClassifications: []oc4ids.Classification{{Scheme: SchemeDesignation, ID: s.Designation, Description: "Belt and Road designation: " + DesignationTitle(s.Designation)}},
	}
	if s.Halt != "" {
		p.AdditionalClassifications = append(p.AdditionalClassifications, oc4ids.Classification{Scheme: SchemeHalt, ID: s.Halt, Description: "The project is " + s.Halt})
	}
	for _, id := range b.Identifiers {
		p.Identifiers = append(p.Identifiers, oc4ids.Identifier{ID: id.ID, Scheme: id.Scheme})
	}
	if b.Period != nil {
		p.Period = &oc4ids.Period{StartDate: oc4idsTime(b.Period.Start), EndDate: oc4idsTime(b.Period.End)}
	}
	hostName := names[s.Host]
	if hostName == "" {
		hostName = s.HostName
	}
	loc := oc4ids.Location{ID: "1", Description: hostName, Address: &oc4ids.Address{CountryName: hostName}}
	if b.Location != nil {
		loc.Description = b.Location.Description
		loc.Geometry = b.Location.GeoJSON()
	}
	p.Locations = []oc4ids.Location{loc}

	sponsorID := map[string]string{}
	for i, sp := range b.Sponsors {
		o := oc4ids.Organization{
			ID: "sponsor-" + strconv.Itoa(i+1), Name: sp.Name, Roles: []string{partyRoles[sp.Role]},
			Classifications: []oc4ids.Classification{
				{Scheme: SchemeSponsorType, ID: sp.Type, Description: SponsorTypes.Title(sp.Type)},
				{Scheme: SchemeSponsorRole, ID: sp.Role, Description: SponsorRoles.Title(sp.Role)},
			},
		}
		if n := names[sp.Country]; n != "" {
			o.Address = &oc4ids.Address{CountryName: n}
		}
		p.Parties = append(p.Parties, o)
		sponsorID[sp.Name] = o.ID
	}
	if b.Budget != nil || len(b.Financing) > 0 {
		p.Budget = &oc4ids.Budget{}
		if b.Budget != nil {
			amount := b.Budget.Amount
			p.Budget.Amount = &oc4ids.Value{Amount: &amount, Currency: b.Budget.Currency}
			p.Budget.Description = b.Budget.Note
		}
		for i, f := range b.Financing {
			fin := oc4ids.Finance{ID: "finance-" + strconv.Itoa(i+1), Title: Instruments.Title(f.Instrument), Description: f.Description}
			if f.Provider != "" {
				fin.Title += " from " + f.Provider
				fin.FinancingParty = &oc4ids.OrganizationRef{Name: f.Provider, ID: sponsorID[f.Provider]}
			}
			if IsOC4IDSInstrument(f.Instrument) {
				fin.Type = f.Instrument
			}
			if f.Amount > 0 {
				amount := f.Amount
				fin.Value = &oc4ids.Value{Amount: &amount, Currency: f.Currency}
			}
			if f.Year > 0 {
				fin.Period = &oc4ids.Period{StartDate: fmt.Sprintf("%04d-01-01T00:00:00Z", f.Year)}
			}
			p.Budget.Finance = append(p.Budget.Finance, fin)
		}
	}
	for i, m := range b.Milestones {
		om := oc4ids.Milestone{ID: "milestone-" + strconv.Itoa(i+1), Title: m.Title, Type: m.Type, Description: m.Description}
		if !Precise(m.Date) {
			om.Description = strings.TrimSpace(om.Description + " (dated to the " + map[bool]string{true: "month", false: "year"}[len(m.Date) == 7] + ": " + m.Date + ")")
		}
		switch m.Status {
		case "met":
			om.Status, om.DateMet = "met", oc4idsTime(m.Date)
		case "scheduled":
			om.Status, om.DueDate = "scheduled", oc4idsTime(m.Date)
		case "not-met":
			om.Status, om.DueDate = "notMet", oc4idsTime(m.Date)
		}
		p.Milestones = append(p.Milestones, om)
	}
	for i, d := range b.Documents {
		od := oc4ids.Document{ID: "document-" + strconv.Itoa(i+1), DocumentType: d.Type, Title: d.Title, URL: d.URL, Author: d.Publisher}
		if d.Date != "" {
			od.DatePublished = oc4idsTime(d.Date)
		}
		p.Documents = append(p.Documents, od)
	}
	for i, src := range b.Sources {
		od := oc4ids.Document{ID: "source-" + strconv.Itoa(i+1), Title: src.Title, URL: src.URL, Author: src.Publisher, Description: "A source of the register's record of this project."}
		if src.Date != "" {
			od.DatePublished = oc4idsTime(src.Date)
		}
		p.Documents = append(p.Documents, od)
	}
	for _, o := range outreach {
		if o.Type != "consultation" {
			continue
		}
		m := oc4ids.Meeting{ID: o.Subject[strings.LastIndex(o.Subject, "/")+1:], Date: oc4idsTime(o.FirstDay), Address: &oc4ids.Address{Locality: o.Place, CountryName: hostName}}
		if o.Participants != nil {
			n := *o.Participants
			m.NumberOfParticipants = &n
		}
		if p.Social == nil {
			p.Social = &oc4ids.Social{}
		}
		p.Social.ConsultationMeetings = append(p.Social.ConsultationMeetings, m)
	}
	return p
}

// BuildPackage writes the projects a filter selects as an OC4IDS package.
// Its published date is the time of the latest record about them, so the
// same register gives the same package.
func BuildPackage(ctx context.Context, st store.Store, f Filter, opts PackageOptions) (*oc4ids.Package, error) {
	list, _, err := List(ctx, st, f, 0)
	if err != nil {
		return nil, err
	}
	names, err := stateNames(ctx, st)
	if err != nil {
		return nil, err
	}
	outreach, err := OutreachList(ctx, st, "")
	if err != nil {
		return nil, err
	}
	byProject := map[string][]*Outreach{}
	for _, o := range outreach {
		byProject[o.Project] = append(byProject[o.Project], o)
	}
	pkg := &oc4ids.Package{URI: opts.URI, Version: oc4ids.Version, Publisher: &oc4ids.Publisher{Name: opts.Publisher}, Projects: []*oc4ids.Project{}}
	latest := ""
	for _, s := range list {
		b, err := currentBody(ctx, st, s.ID)
		if err != nil {
			return nil, err
		}
		pkg.Projects = append(pkg.Projects, ToOC4IDS(s, b, byProject[s.ID], names, opts.Prefix))
		latest = max(latest, s.Updated)
		for _, o := range byProject[s.ID] {
			if r, err := browse.ByIndex(ctx, st, o.Index); err == nil {
				latest = max(latest, r.Time)
			}
		}
	}
	if latest == "" {
		latest = "1970-01-01T00:00:00Z"
	}
	pkg.PublishedDate = latest
	return pkg, nil
}

// currentBody reads the latest description of a project.
func currentBody(ctx context.Context, st store.Store, id string) (*Body, error) {
	var raw string
	err := st.Reader().QueryRowContext(ctx, `SELECT r.body FROM projects p JOIN records r ON r.idx = p.desc_idx WHERE p.id = $1`, id).Scan(&raw)
	if err != nil {
		return nil, fmt.Errorf("couldn't read the description of %s: %w", id, err)
	}
	var b Body
	if err := json.Unmarshal([]byte(raw), &b); err != nil {
		return nil, err
	}
	return &b, nil
}

// MapError is a project of a package the register cannot take, and why.
type MapError struct {
	Path string // a JSON pointer into the package
	Msg  string
}

func (e *MapError) Error() string { return e.Path + ": " + e.Msg }

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

// Slug makes an identifier part out of any text.
func Slug(s string) string {
	s = strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(s), "-"), "-")
	if len(s) > 70 {
		s = strings.TrimRight(s[:70], "-")
	}
	return s
}

// ImportOptions say how outside data becomes records.
type ImportOptions struct {
	// States are the register's member states' names by code.
	States map[string]string
	// Host, when set, is the host of every project.
	Host string
	// Importer marks records by an importer organisation, which name their
	// dataset in provenance.
	Importer bool
	// Today is the day of the import.
	Today string
}

// dateOf takes the date of a date-time.
func dateOf(s string) string {
	if len(s) >= 10 {
		if _, err := time.Parse("2006-01-02", s[:10]); err == nil {
			return s[:10]
		}
	}
	return ""
}

func httpURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return s
}

// FromOC4IDS maps the i-th project of a package to a project record:
// its identifier and body. It refuses what the register cannot take,
// naming the place in the package.
func FromOC4IDS(pkg *oc4ids.Package, i int, opts ImportOptions) (string, *Body, error) {
	p := pkg.Projects[i]
	if p == nil {
		return "", nil, &MapError{Path: fmt.Sprintf("/projects/%d", i), Msg: "a project is an object"}
	}
	at := func(format string, args ...any) string {
		return fmt.Sprintf("/projects/%d", i) + fmt.Sprintf(format, args...)
	}
	fail := func(path, format string, args ...any) (string, *Body, error) {
		return "", nil, &MapError{Path: path, Msg: fmt.Sprintf(format, args...)}
	}
	host := opts.Host
	if host == "" {
		for j, l := range p.Locations {
			if l.Address != nil && l.Address.CountryName != "" {
				c, ok := CountryCode(l.Address.CountryName, opts.States)
				if _, member := opts.States[c]; !ok || !member {
					return fail(at("/locations/%d/address/countryName", j), "%q is not a member state of this register", l.Address.CountryName)
				}
				if host != "" && c != host {
					return fail(at("/locations/%d/address/countryName", j), "the project's locations are in two countries (%s and %s); the register takes a project with one host", host, c)
				}
				host = c
			}
		}
	}
	if host == "" {
		return fail(at("/locations"), "no location names the host country (address.countryName); name it, or give the host for the whole package")
	}
	if _, ok := opts.States[host]; !ok {
		return fail(at(""), "the host %q is not a member state of this register", host)
	}
	b := &Body{Host: host, Name: strings.TrimSpace(p.Title), Description: strings.TrimSpace(p.Description), Status: p.Status, Type: p.Type}
	if b.Name == "" {
		return fail(at("/title"), "the register needs a project's title")
	}
	if b.Description == "" {
		b.Description = strings.TrimSpace(p.Purpose)
	}
	for _, c := range p.AdditionalClassifications {
		if c.Scheme == SchemeHalt && Halts.Has(c.ID) {
			b.Halt = &Halt{State: c.ID}
		}
	}
	if !Statuses.Has(b.Status) {
		return fail(at("/status"), "the register needs a project's status, from the OC4IDS projectStatus codelist")
	}
	for j, s := range p.Sector {
		if !Sectors.Has(s) {
			return fail(at("/sector/%d", j), "%q is not in the OC4IDS projectSector codelist, which the register takes closed", s)
		}
		if par := SectorParent(s); par != "" && !slices.Contains(b.Sector, par) && !slices.Contains(p.Sector, par) {
			b.Sector = append(b.Sector, par)
		}
		if !slices.Contains(b.Sector, s) {
			b.Sector = append(b.Sector, s)
		}
	}
	if len(b.Sector) == 0 {
		return fail(at("/sector"), "the register needs a project's sector, from the OC4IDS projectSector codelist")
	}
	// The register's own identifier, when the package came from a register.
	id := ""
	for _, ident := range p.Identifiers {
		if ident.Scheme == SchemeRegister && ValidID(ident.ID) && strings.HasPrefix(ident.ID, host+"-") {
			id = ident.ID
		} else if ident.Scheme != "" {
			b.Identifiers = append(b.Identifiers, Identifier{Scheme: ident.Scheme, ID: ident.ID})
		}
	}
	if id == "" {
		id = host + "-" + Slug(p.ID)
		b.Identifiers = append(b.Identifiers, Identifier{Scheme: "OC4IDS", ID: p.ID})
		if !ValidID(id) {
			return fail(at("/id"), "%q makes no identifier the register can use", p.ID)
		}
	}
	if len(b.Identifiers) > 10 {
		b.Identifiers = b.Identifiers[:10]
	}
	if p.Period != nil {
		per := &Period{Start: dateOf(p.Period.StartDate), End: dateOf(p.Period.EndDate)}
		if per.Start != "" || per.End != "" {
			b.Period = per
		}
	}
	for j, l := range p.Locations {
		if len(l.Geometry) == 0 {
			continue
		}
		var g struct {
			Type        string          `json:"type"`
			Coordinates json.RawMessage `json:"coordinates"`
		}
		json.Unmarshal(l.Geometry, &g)
		loc := &Location{Description: strings.TrimSpace(l.Description)}
		if loc.Description == "" {
			loc.Description = "Project location"
		}
		if g.Type == "Point" {
			var c []float64
			if json.Unmarshal(g.Coordinates, &c) != nil || len(c) < 2 {
				return fail(at("/locations/%d/geometry/coordinates", j), "a point is [longitude, latitude]")
			}
			loc.Point = c[:2]
		} else {
			var buf bytes.Buffer
			json.Compact(&buf, l.Geometry)
			loc.Geometry = buf.Bytes()
		}
		if err := CheckLocation(host, loc, "location"); err != nil {
			return fail(at("/locations/%d/geometry", j), "%v", err)
		}
		b.Location = loc
		break
	}
	for _, o := range p.Parties {
		sp := Sponsor{Name: strings.TrimSpace(o.Name), Type: "unclassified"}
		for _, c := range o.Classifications {
			switch {
			case c.Scheme == SchemeSponsorType && SponsorTypes.Has(c.ID):
				sp.Type = c.ID
			case c.Scheme == SchemeSponsorRole && SponsorRoles.Has(c.ID):
				sp.Role = c.ID
			}
		}
		if sp.Role == "" {
			for _, r := range o.Roles {
				switch r {
				case "funder":
					sp.Role = "funder"
				case "supplier":
					sp.Role = "contractor"
				case "buyer", "procuringEntity", "publicAuthority":
					sp.Role = "owner"
				}
				if sp.Role != "" {
					break
				}
			}
		}
		if sp.Role == "" || sp.Name == "" {
			continue
		}
		if o.Address != nil {
			if c, ok := CountryCode(o.Address.CountryName, opts.States); ok {
				sp.Country = c
			}
		}
		b.Sponsors = append(b.Sponsors, sp)
	}
	if len(b.Sponsors) == 0 {
		return fail(at("/parties"), "no party has the role funder, supplier, buyer, procuringEntity or publicAuthority, so the project has no sponsor to name")
	}
	if len(b.Sponsors) > 30 {
		b.Sponsors = b.Sponsors[:30]
	}
	if bu := p.Budget; bu != nil {
		if bu.Amount != nil && bu.Amount.Amount != nil && *bu.Amount.Amount > 0 {
			if !slices.Contains(Currencies, bu.Amount.Currency) {
				return fail(at("/budget/amount/currency"), "%q is not a currency in use (ISO 4217)", bu.Amount.Currency)
			}
			b.Budget = &Money{Amount: *bu.Amount.Amount, Currency: bu.Amount.Currency, Note: bu.Description}
		}
		for j, f := range bu.Finance {
			fin := Financing{Instrument: "other", Description: strings.TrimSpace(f.Description)}
			if IsOC4IDSInstrument(f.Type) {
				fin.Instrument = f.Type
			}
			if f.FinancingParty != nil {
				fin.Provider = f.FinancingParty.Name
			}
			if f.Value != nil && f.Value.Amount != nil && *f.Value.Amount > 0 {
				if !slices.Contains(Currencies, f.Value.Currency) {
					return fail(at("/budget/finance/%d/value/currency", j), "%q is not a currency in use (ISO 4217)", f.Value.Currency)
				}
				fin.Amount, fin.Currency = *f.Value.Amount, f.Value.Currency
			}
			if fin.Description == "" {
				fin.Description = f.Title
			}
			b.Financing = append(b.Financing, fin)
		}
		if len(b.Financing) > 30 {
			b.Financing = b.Financing[:30]
		}
	}
	for _, m := range p.Milestones {
		date := dateOf(m.DateMet)
		status := "met"
		if date == "" {
			date, status = dateOf(m.DueDate), "scheduled"
		}
		if date == "" {
			continue
		}
		switch m.Status {
		case "scheduled":
			status = "scheduled"
		case "notMet":
			status = "not-met"
		}
		title := firstOf(m.Title, m.Code, m.Type, "Milestone "+m.ID)
		ms := Milestone{Title: title, Date: date, Status: status, Description: m.Description}
		if m.Status == "partiallyMet" {
			ms.Description = strings.TrimSpace(ms.Description + " (partially met)")
		}
		if MilestoneTypes.Has(m.Type) {
			ms.Type = m.Type
		}
		if len(b.Milestones) < 50 {
			b.Milestones = append(b.Milestones, ms)
		}
	}
	for _, d := range p.Documents {
		title := firstOf(d.Title, d.Description, d.URL)
		if title == "" || len(b.Documents) >= 30 {
			continue
		}
		doc := Document{Title: truncate(title, 300), URL: httpURL(d.URL), Date: dateOf(d.DatePublished), Publisher: d.Author}
		if DocumentTypes.Has(d.DocumentType) {
			doc.Type = d.DocumentType
		}
		b.Documents = append(b.Documents, doc)
	}
	b.AsOf = firstOf(dateOf(p.Updated), dateOf(pkg.PublishedDate), opts.Today)
	if b.AsOf > opts.Today {
		b.AsOf = opts.Today
	}
	publisher := "an unnamed publisher"
	if pkg.Publisher != nil && pkg.Publisher.Name != "" {
		publisher = pkg.Publisher.Name
	}
	b.Sources = []Source{{Title: "OC4IDS project package " + pkg.URI, Publisher: publisher, URL: httpURL(pkg.URI), Date: dateOf(pkg.PublishedDate)}}
	if opts.Importer {
		b.Provenance = &Provenance{Publisher: publisher, Dataset: "OC4IDS project package " + pkg.URI, Version: "OC4IDS " + pkg.Version, Record: p.ID, URL: httpURL(pkg.URI), License: pkg.License}
	}
	return id, b, nil
}

func firstOf(xs ...string) string {
	for _, x := range xs {
		if strings.TrimSpace(x) != "" {
			return strings.TrimSpace(x)
		}
	}
	return ""
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
