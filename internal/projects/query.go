package projects

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/kongsi/kongsi/internal/browse"
	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/store"
)

// Filter selects projects. Zero fields select everything.
type Filter struct {
	Country     string // host state
	Sector      string // an OC4IDS sector code; a sector selects its subsectors' projects too, since they carry it
	Status      string // an OC4IDS status code
	Halt        string // stalled, suspended, or "any" for either
	Designation string // a designation state
	SponsorType string
	Reported    string // "authority" or "importer": who published the project
	Q           string // words in the name
	Page        int    // 1-based
	// ID selects one project; it is not read from URL parameters.
	ID string
}

// PageSize is how many projects a page lists.
const PageSize = 100

var countryParam = regexp.MustCompile(`^[a-z]{3}$`)

// FilterFrom reads a filter from URL parameters, refusing unknown values
// with the parameter's name.
func FilterFrom(v url.Values) (Filter, error) {
	f := Filter{
		Country: strings.TrimSpace(v.Get("country")), Sector: strings.TrimSpace(v.Get("sector")), Status: strings.TrimSpace(v.Get("status")),
		Halt: strings.TrimSpace(v.Get("halt")), Designation: strings.TrimSpace(v.Get("designation")), SponsorType: strings.TrimSpace(v.Get("sponsor_type")),
		Reported: strings.TrimSpace(v.Get("reported")), Q: strings.TrimSpace(v.Get("q")), Page: 1,
	}
	switch {
	case f.Country != "" && !countryParam.MatchString(f.Country):
		return f, problem.Invalid("country", "param.country", "country is a state's code, three lower-case letters such as idn")
	case f.Sector != "" && !Sectors.Has(f.Sector):
		return f, problem.Invalid("sector", "param.enum", "there is no OC4IDS sector %q", f.Sector)
	case f.Status != "" && !Statuses.Has(f.Status):
		return f, problem.Invalid("status", "param.enum", "there is no OC4IDS project status %q; the statuses are %s", f.Status, strings.Join(Statuses.Codes(), ", "))
	case f.Halt != "" && f.Halt != "any" && !Halts.Has(f.Halt):
		return f, problem.Invalid("halt", "param.enum", "halt is stalled, suspended or any")
	case f.Designation != "" && DesignationTitle(f.Designation) == f.Designation:
		return f, problem.Invalid("designation", "param.enum", "there is no designation state %q; they are confirmed, claimed, disputed, withdrawn, denied and none", f.Designation)
	case f.SponsorType != "" && !SponsorTypes.Has(f.SponsorType):
		return f, problem.Invalid("sponsor_type", "param.enum", "there is no sponsor type %q; they are %s", f.SponsorType, strings.Join(SponsorTypes.Codes(), ", "))
	case f.Reported != "" && f.Reported != "authority" && f.Reported != "importer":
		return f, problem.Invalid("reported", "param.enum", "reported is authority or importer")
	case len(f.Q) > 200:
		return f, problem.Invalid("q", "param.length", "a search is at most 200 characters")
	}
	if p := v.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 100000 {
			return f, problem.Invalid("page", "param.range", "page is a number from 1")
		}
		f.Page = n
	}
	return f, nil
}

// Values writes the filter back as URL parameters, without the page.
func (f Filter) Values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"country": f.Country, "sector": f.Sector, "status": f.Status, "halt": f.Halt, "designation": f.Designation, "sponsor_type": f.SponsorType, "reported": f.Reported, "q": f.Q} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// IsZero reports whether the filter selects everything.
func (f Filter) IsZero() bool { return len(f.Values()) == 0 }

// SponsorRef is a sponsor in lists.
type SponsorRef struct {
	Name    string `json:"name"`
	Type    string `json:"type"`
	Role    string `json:"role"`
	Country string `json:"country,omitempty"`
	Party   string `json:"party,omitempty"`
}

// Summary is a project in lists.
type Summary struct {
	ID               string       `json:"id"`
	Name             string       `json:"name"`
	Host             string       `json:"host"`
	HostName         string       `json:"host_name"`
	Sector           string       `json:"sector"`
	Sectors          []string     `json:"sectors"`
	Type             string       `json:"type,omitempty"`
	Status           string       `json:"status"`
	StatusTitle      string       `json:"status_title"`
	Halt             string       `json:"halt,omitempty"`
	Designation      string       `json:"designation"`
	DesignationTitle string       `json:"designation_title"`
	SponsorTypes     []string     `json:"sponsor_types"`
	Sponsors         []SponsorRef `json:"sponsors"`
	AmountUSD        *float64     `json:"amount_usd,omitempty"`
	InTotals         bool         `json:"in_totals"`
	Publisher        string       `json:"publisher"`
	ReportedBy       string       `json:"reported_by,omitempty"` // the importer, for an imported project
	Dataset          string       `json:"dataset,omitempty"`
	AsOf             string       `json:"as_of"`
	Lon              *float64     `json:"lon,omitempty"`
	Lat              *float64     `json:"lat,omitempty"`
	Records          int          `json:"records"`
	Updated          string       `json:"updated"`
	HeadIndex        uint64       `json:"head_index"`
	URL              string       `json:"url"`
}

// BadgeClass is the badge style of the project's designation.
func (s *Summary) BadgeClass() string { return badgeClass(s.Designation) }

const summaryColumns = `p.id, p.name, p.host, COALESCE(h.name, p.host), p.sector, p.type, p.status, p.halt, COALESCE(d.state, 'none'),
	p.amount_usd, p.in_totals, p.publisher, p.importer, p.dataset, p.as_of, p.lon, p.lat, p.records, p.updated, p.head_idx`

const summaryFrom = ` FROM projects p LEFT JOIN project_designations d ON d.project = p.id LEFT JOIN parties h ON h.id = p.host`

func scanSummary(rows interface{ Scan(...any) error }) (*Summary, error) {
	var s Summary
	var amount, lon, lat sql.NullFloat64
	var inTotals, importer int
	var head int64
	if err := rows.Scan(&s.ID, &s.Name, &s.Host, &s.HostName, &s.Sector, &s.Type, &s.Status, &s.Halt, &s.Designation,
		&amount, &inTotals, &s.Publisher, &importer, &s.Dataset, &s.AsOf, &lon, &lat, &s.Records, &s.Updated, &head); err != nil {
		return nil, err
	}
	if amount.Valid {
		s.AmountUSD = &amount.Float64
	}
	if lon.Valid && lat.Valid {
		s.Lon, s.Lat = &lon.Float64, &lat.Float64
	}
	s.InTotals, s.HeadIndex = inTotals == 1, uint64(head)
	if importer == 1 {
		s.ReportedBy = s.Publisher
	}
	s.StatusTitle = Statuses.Title(s.Status)
	s.DesignationTitle = DesignationTitle(s.Designation)
	s.URL = "/projects/" + s.ID
	return &s, nil
}

func (f Filter) where() (string, []any) {
	q := ""
	if f.Q != "" {
		q = "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(f.Q)) + "%"
	}
	halt := f.Halt
	reported := map[string]int{"": -1, "authority": 0, "importer": 1}[f.Reported]
	return ` WHERE ($1 = '' OR p.host = $1)
		AND ($2 = '' OR EXISTS (SELECT 1 FROM project_sectors s WHERE s.project = p.id AND s.sector = $2))
		AND ($3 = '' OR p.status = $3)
		AND ($4 = '' OR ($4 = 'any' AND p.halt <> '') OR p.halt = $4)
		AND ($5 = '' OR COALESCE(d.state, 'none') = $5)
		AND ($6 = '' OR EXISTS (SELECT 1 FROM project_sponsors sp WHERE sp.project = p.id AND sp.type = $6))
		AND ($7 < 0 OR p.importer = $7)
		AND ($8 = '' OR LOWER(p.name) LIKE $8 ESCAPE '\')
		AND ($9 = '' OR p.id = $9)`,
		[]any{f.Country, f.Sector, f.Status, halt, f.Designation, f.SponsorType, reported, q, f.ID}
}

// List lists the projects a filter selects, by host and name; limit 0
// means all of them (the filter's page is then ignored). It also returns
// how many the filter selects in all.
func List(ctx context.Context, st store.Store, f Filter, limit int) ([]*Summary, int, error) {
	where, args := f.where()
	var total int
	if err := st.Reader().QueryRowContext(ctx, `SELECT COUNT(*)`+summaryFrom+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("couldn't count projects: %w", err)
	}
	q := `SELECT ` + summaryColumns + summaryFrom + where + ` ORDER BY COALESCE(h.name, p.host), p.name, p.id`
	if limit > 0 {
		q += fmt.Sprintf(` LIMIT %d OFFSET %d`, limit, (max(f.Page, 1)-1)*limit)
	}
	rows, err := st.Reader().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("couldn't list projects: %w", err)
	}
	defer rows.Close()
	out := []*Summary{}
	byID := map[string]*Summary{}
	for rows.Next() {
		s, err := scanSummary(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, s)
		byID[s.ID] = s
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	if err := fillSummaries(ctx, st, byID); err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// fillSummaries adds sectors and sponsors to summaries.
func fillSummaries(ctx context.Context, st store.Store, byID map[string]*Summary) error {
	if len(byID) == 0 {
		return nil
	}
	one := ""
	if len(byID) == 1 {
		for id := range byID {
			one = id
		}
	}
	rows, err := st.Reader().QueryContext(ctx, `SELECT project, sector FROM project_sectors WHERE ($1 = '' OR project = $1) ORDER BY project, sector`, one)
	if err != nil {
		return fmt.Errorf("couldn't read project sectors: %w", err)
	}
	for rows.Next() {
		var id, sector string
		if err := rows.Scan(&id, &sector); err != nil {
			rows.Close()
			return err
		}
		if s := byID[id]; s != nil {
			s.Sectors = append(s.Sectors, sector)
		}
	}
	rows.Close()
	rows, err = st.Reader().QueryContext(ctx, `SELECT project, name, type, role, country, party FROM project_sponsors WHERE ($1 = '' OR project = $1) ORDER BY project, n`, one)
	if err != nil {
		return fmt.Errorf("couldn't read project sponsors: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var sp SponsorRef
		if err := rows.Scan(&id, &sp.Name, &sp.Type, &sp.Role, &sp.Country, &sp.Party); err != nil {
			return err
		}
		if s := byID[id]; s != nil {
			s.Sponsors = append(s.Sponsors, sp)
			if !slices.Contains(s.SponsorTypes, sp.Type) {
				s.SponsorTypes = append(s.SponsorTypes, sp.Type)
			}
		}
	}
	for _, s := range byID {
		if s.Sectors == nil {
			s.Sectors = []string{}
		}
		if s.SponsorTypes == nil {
			s.SponsorTypes = []string{}
			s.Sponsors = []SponsorRef{}
		}
		// The sponsor types in the codelist's order.
		sort.Slice(s.SponsorTypes, func(i, j int) bool {
			return slices.Index(SponsorTypes.Codes(), s.SponsorTypes[i]) < slices.Index(SponsorTypes.Codes(), s.SponsorTypes[j])
		})
	}
	return rows.Err()
}

// Get returns one project's summary.
func Get(ctx context.Context, st store.Store, id string) (*Summary, error) {
	row := st.Reader().QueryRowContext(ctx, `SELECT `+summaryColumns+summaryFrom+` WHERE p.id = $1`, id)
	s, err := scanSummary(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, problem.NotFound("id", "project.unknown", "there is no project %q", id)
	}
	if err != nil {
		return nil, fmt.Errorf("couldn't read project %s: %w", id, err)
	}
	return s, fillSummaries(ctx, st, map[string]*Summary{id: s})
}

// DesignationView is a project's designation for pages and the API.
type DesignationView struct {
	State       string       `json:"state"`
	Title       string       `json:"title"`
	Rule        string       `json:"rule"`
	Claim       Voice        `json:"claim"`
	Designating Voice        `json:"designating"`
	Host        Voice        `json:"host"`
	Records     []RecordLine `json:"records"`
}

// RecordLine is one record in a history.
type RecordLine struct {
	Index     uint64          `json:"index"`
	Time      string          `json:"time"`
	Kind      string          `json:"kind"`
	Subject   string          `json:"subject"`
	Author    string          `json:"author"`
	Version   int             `json:"version"`
	Summary   string          `json:"summary"`
	Date      string          `json:"date,omitempty"` // the date the record speaks of
	Body      json.RawMessage `json:"body"`
	URL       string          `json:"url"`
	KindTitle string          `json:"kind_title"`
}

// factDate is the date a record's body speaks of.
func factDate(kind string, body json.RawMessage) string {
	var m map[string]any
	json.Unmarshal(body, &m)
	for _, k := range []string{"as_of", "stated_on", "date"} {
		if s, ok := m[k].(string); ok {
			return s
		}
	}
	return ""
}

func recordLines(recs []*browse.Record, title func(string) string) []RecordLine {
	out := make([]RecordLine, 0, len(recs))
	for _, r := range recs {
		out = append(out, RecordLine{Index: r.Index, Time: r.Time, Kind: r.Kind, Subject: r.Subject, Author: r.Author, Version: r.Version, Summary: r.Summary,
			Date: factDate(r.Kind, r.Body), Body: r.Body, URL: "/records/" + strconv.FormatUint(r.Index, 10), KindTitle: title(r.Kind)})
	}
	return out
}

// Designation returns a project's designation, or one in state "none".
func designationOf(ctx context.Context, st store.Store, id string, title func(string) string) (*DesignationView, error) {
	v := &DesignationView{State: DesignationNone, Title: DesignationTitle(DesignationNone), Rule: "Nobody has claimed or attested the label.", Records: []RecordLine{}}
	var claimIdx, desIdx, hostIdx int64
	err := st.Reader().QueryRowContext(ctx, `SELECT state, rule, claim, claim_by, claim_idx, designating, designating_by, designating_idx, host, host_by, host_idx FROM project_designations WHERE project = $1`, id).
		Scan(&v.State, &v.Rule, &v.Claim.Stance, &v.Claim.By, &claimIdx, &v.Designating.Stance, &v.Designating.By, &desIdx, &v.Host.Stance, &v.Host.By, &hostIdx)
	if errors.Is(err, sql.ErrNoRows) {
		return v, nil
	}
	if err != nil {
		return nil, fmt.Errorf("couldn't read the designation of %s: %w", id, err)
	}
	v.Claim.Index, v.Designating.Index, v.Host.Index = uint64(claimIdx), uint64(desIdx), uint64(hostIdx)
	v.Title = DesignationTitle(v.State)
	hist, err := browse.History(ctx, st, DesignationSubject(id))
	if err != nil {
		return nil, err
	}
	v.Records = recordLines(hist, title)
	return v, nil
}

// Outreach is an outreach report in lists.
type Outreach struct {
	Subject      string        `json:"subject"`
	Project      string        `json:"project"`
	ProjectName  string        `json:"project_name,omitempty"`
	Type         string        `json:"type"`
	TypeTitle    string        `json:"type_title"`
	Title        string        `json:"title"`
	Date         string        `json:"date"`
	FirstDay     string        `json:"first_day"`
	LastDay      string        `json:"last_day"`
	Place        string        `json:"place"`
	Participants *int          `json:"participants,omitempty"`
	ConductedBy  string        `json:"conducted_by"`
	Reporter     string        `json:"reporter"`
	Versions     int           `json:"versions"`
	Index        uint64        `json:"index"`
	Comments     []Comment     `json:"comments"`
	Body         *OutreachBody `json:"body,omitempty"`
}

// Comment is a host authority's comment on outreach.
type Comment struct {
	Subject  string `json:"subject"`
	Author   string `json:"author"`
	Stance   string `json:"stance"`
	StatedOn string `json:"stated_on"`
	Text     string `json:"text"`
	Index    uint64 `json:"index"`
}

// OutreachList lists outreach reports, of one project or of all, newest
// first, with their comments.
func OutreachList(ctx context.Context, st store.Store, project string) ([]*Outreach, error) {
	rows, err := st.Reader().QueryContext(ctx, `SELECT o.subject, o.project, COALESCE(p.name, ''), o.type, o.title, o.date, o.first_day, o.last_day, o.place, o.participants, o.conducted_by, o.reporter, o.versions, o.head_idx
		FROM project_outreach o LEFT JOIN projects p ON p.id = o.project WHERE ($1 = '' OR o.project = $1) ORDER BY o.first_day DESC, o.subject`, project)
	if err != nil {
		return nil, fmt.Errorf("couldn't list outreach: %w", err)
	}
	defer rows.Close()
	out := []*Outreach{}
	bySubject := map[string]*Outreach{}
	for rows.Next() {
		var o Outreach
		var participants sql.NullInt64
		var idx int64
		if err := rows.Scan(&o.Subject, &o.Project, &o.ProjectName, &o.Type, &o.Title, &o.Date, &o.FirstDay, &o.LastDay, &o.Place, &participants, &o.ConductedBy, &o.Reporter, &o.Versions, &idx); err != nil {
			return nil, err
		}
		if participants.Valid {
			n := int(participants.Int64)
			o.Participants = &n
		}
		o.Index, o.TypeTitle, o.Comments = uint64(idx), OutreachTypes.Title(o.Type), []Comment{}
		out = append(out, &o)
		bySubject[o.Subject] = &o
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	crows, err := st.Reader().QueryContext(ctx, `SELECT c.subject, c.outreach, c.author, c.stance, c.stated_on, c.head_idx, r.body FROM project_outreach_comments c JOIN records r ON r.idx = c.head_idx
		WHERE ($1 = '' OR c.project = $1) ORDER BY c.stated_on, c.subject`, project)
	if err != nil {
		return nil, fmt.Errorf("couldn't list comments: %w", err)
	}
	defer crows.Close()
	for crows.Next() {
		var c Comment
		var outreach, body string
		var idx int64
		if err := crows.Scan(&c.Subject, &outreach, &c.Author, &c.Stance, &c.StatedOn, &idx, &body); err != nil {
			return nil, err
		}
		var b CommentBody
		json.Unmarshal([]byte(body), &b)
		c.Text, c.Index = b.Text, uint64(idx)
		if o := bySubject[outreach]; o != nil {
			o.Comments = append(o.Comments, c)
		}
	}
	return out, crows.Err()
}

// Election is an election in lists, with where it stands today.
type Election struct {
	Subject           string `json:"subject"`
	State             string `json:"state"`
	StateName         string `json:"state_name"`
	Name              string `json:"name"`
	Level             string `json:"level"`
	Office            string `json:"office"`
	Date              string `json:"date"`
	DateStatus        string `json:"date_status"`
	FirstDay          string `json:"first_day"`
	LastDay           string `json:"last_day"`
	GovernmentChanged *bool  `json:"government_changed,omitempty"`
	Author            string `json:"author"`
	Index             uint64 `json:"index"`
	// Upcoming and DaysUntil are computed for the day of the answer.
	Upcoming  bool `json:"upcoming"`
	DaysUntil *int `json:"days_until,omitempty"`
}

// ChangedText says whether the government changed hands.
func (e *Election) ChangedText() string {
	switch {
	case e.GovernmentChanged == nil:
		return "not said"
	case *e.GovernmentChanged:
		return "yes"
	}
	return "no"
}

// Elections lists the elections of one state or all, by date.
func Elections(ctx context.Context, st store.Store, state string) ([]*Election, error) {
	rows, err := st.Reader().QueryContext(ctx, `SELECT e.subject, e.state, COALESCE(p.name, e.state), e.name, e.level, e.office, e.date, e.date_status, e.first_day, e.last_day, e.government_changed, e.author, e.head_idx
		FROM elections e LEFT JOIN parties p ON p.id = e.state WHERE ($1 = '' OR e.state = $1) ORDER BY e.last_day, e.subject`, state)
	if err != nil {
		return nil, fmt.Errorf("couldn't list elections: %w", err)
	}
	defer rows.Close()
	out := []*Election{}
	for rows.Next() {
		var e Election
		var changed sql.NullInt64
		var idx int64
		if err := rows.Scan(&e.Subject, &e.State, &e.StateName, &e.Name, &e.Level, &e.Office, &e.Date, &e.DateStatus, &e.FirstDay, &e.LastDay, &changed, &e.Author, &idx); err != nil {
			return nil, err
		}
		if changed.Valid {
			b := changed.Int64 == 1
			e.GovernmentChanged = &b
		}
		e.Index = uint64(idx)
		out = append(out, &e)
	}
	return out, rows.Err()
}

// outreachDays returns, by project, the last day of each outreach
// activity.
func outreachDays(ctx context.Context, st store.Store) (map[string][]string, error) {
	rows, err := st.Reader().QueryContext(ctx, `SELECT project, last_day FROM project_outreach ORDER BY project, last_day`)
	if err != nil {
		return nil, fmt.Errorf("couldn't read outreach dates: %w", err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var p, d string
		if err := rows.Scan(&p, &d); err != nil {
			return nil, err
		}
		out[p] = append(out[p], d)
	}
	return out, rows.Err()
}

// stateNames returns the member states' names by code.
func stateNames(ctx context.Context, st store.Store) (map[string]string, error) {
	rows, err := st.Reader().QueryContext(ctx, `SELECT id, name FROM parties WHERE type = 'state' ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("couldn't read the member states: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		out[id] = name
	}
	return out, rows.Err()
}
