package security

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kongsi/kongsi/internal/i18n"
	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/record"
	"github.com/kongsi/kongsi/internal/store"
)

// Facility is a facility as lists and the API show it.
type Facility struct {
	Subject           string   `json:"subject"`
	Host              string   `json:"host"`
	HostName          string   `json:"host_name"`
	Name              string   `json:"name"`
	Type              string   `json:"type"`
	TypeTitle         string   `json:"type_title"`
	Location          Location `json:"location"`
	Place             string   `json:"place,omitempty"`
	Operator          string   `json:"operator"`
	Role              string   `json:"role"`
	Access            string   `json:"access"`
	AccessPolicy      string   `json:"access_policy"`
	AccessPolicyTitle string   `json:"access_policy_title"`
	Status            string   `json:"status"`
	OpenedOn          string   `json:"opened_on,omitempty"`
	Author            string   `json:"author"`
	Versions          int      `json:"versions"`
	Latest            uint64   `json:"latest_index"`
	PortCalls         int      `json:"port_calls"`
	Visits            int      `json:"visits"`
	VisitingStates    int      `json:"visiting_states"`
	LastVisit         string   `json:"last_visit,omitempty"`
	URL               string   `json:"url"`
}

// Facilities lists the facilities, of one host state if host is set.
func Facilities(ctx context.Context, st store.Store, host string) ([]*Facility, error) {
	return queryFacilities(ctx, st, `WHERE ($1 = '' OR f.host = $1)`, host)
}

// GetFacility returns one facility.
func GetFacility(ctx context.Context, st store.Store, subject string) (*Facility, error) {
	fs, err := queryFacilities(ctx, st, `WHERE f.subject = $1`, subject)
	if err != nil {
		return nil, err
	}
	if len(fs) == 0 {
		return nil, problem.NotFound("facility", "facility.unknown", "there is no facility %q", subject)
	}
	return fs[0], nil
}

func queryFacilities(ctx context.Context, st store.Store, where string, arg string) ([]*Facility, error) {
	q := `SELECT f.subject, f.host, COALESCE(p.name, f.host), f.name, f.type, f.lon, f.lat, f.loc_precision, f.place, f.operator, f.role, f.access,
		f.access_policy, f.status, f.opened_on, f.author, f.versions, f.head_idx,
		(SELECT COUNT(*) FROM sec_portcalls c WHERE c.facility = f.subject),
		(SELECT COUNT(*) FROM sec_portcalls c WHERE c.facility = f.subject AND c.status = 'completed'),
		(SELECT COUNT(DISTINCT c.requester) FROM sec_portcalls c WHERE c.facility = f.subject AND c.status = 'completed'),
		(SELECT COALESCE(MAX(c.arrival), '') FROM sec_portcalls c WHERE c.facility = f.subject AND c.status = 'completed')
		FROM sec_facilities f LEFT JOIN parties p ON p.id = f.host ` + where + ` ORDER BY COALESCE(p.name, f.host), f.name`
	rows, err := st.Reader().QueryContext(ctx, q, arg)
	if err != nil {
		return nil, fmt.Errorf("couldn't list facilities: %w", err)
	}
	defer rows.Close()
	out := []*Facility{}
	for rows.Next() {
		var f Facility
		var head int64
		if err := rows.Scan(&f.Subject, &f.Host, &f.HostName, &f.Name, &f.Type, &f.Location.Lon, &f.Location.Lat, &f.Location.Precision, &f.Place, &f.Operator,
			&f.Role, &f.Access, &f.AccessPolicy, &f.Status, &f.OpenedOn, &f.Author, &f.Versions, &head, &f.PortCalls, &f.Visits, &f.VisitingStates, &f.LastVisit); err != nil {
			return nil, err
		}
		f.Latest = uint64(head)
		f.TypeTitle, f.AccessPolicyTitle = title(FacilityTypes, f.Type), title(AccessPolicies, f.AccessPolicy)
		f.URL = "/" + f.Subject
		out = append(out, &f)
	}
	return out, rows.Err()
}

// PortCall is a port call as lists and the API show it.
type PortCall struct {
	Subject       string   `json:"subject"`
	Host          string   `json:"host"`
	HostName      string   `json:"host_name"`
	Facility      string   `json:"facility"`
	FacilityName  string   `json:"facility_name"`
	Requester     string   `json:"requesting_state"`
	RequesterName string   `json:"requesting_state_name"`
	Channel       string   `json:"channel"`
	Status        string   `json:"status"`
	Decision      string   `json:"decision,omitempty"`
	Arrival       string   `json:"arrival"`
	Departure     string   `json:"departure,omitempty"`
	Vessels       []Vessel `json:"vessels"`
	Purposes      []string `json:"purposes"`
	Personnel     int      `json:"personnel,omitempty"`
	RequestedOn   string   `json:"requested_on,omitempty"`
	DecidedOn     string   `json:"decided_on,omitempty"`
	RecordedOn    string   `json:"recorded_on"`
	Reason        string   `json:"reason,omitempty"`
	RequestedBy   string   `json:"requested_by"`
	Versions      int      `json:"versions"`
	Latest        uint64   `json:"latest_index"`
	Updated       string   `json:"updated"`
	ResponseDays  *int     `json:"response_days"`
	// Attention is computed when the answer is made: "decision overdue"
	// (requested, and the arrival date has passed), "report overdue"
	// (approved, and the last day has passed), or "".
	Attention string `json:"attention,omitempty"`
	URL       string `json:"url"`
}

// Fact is the port call as openness metrics see it.
func (p *PortCall) Fact() PortCallFact {
	return PortCallFact{Subject: p.Subject, Facility: p.Facility, Requester: p.Requester, Status: p.Status, Decision: p.Decision,
		Arrival: p.Arrival, RequestedOn: p.RequestedOn, DecidedOn: p.DecidedOn}
}

// measureCalls measures the openness of the port calls that keep selects,
// or of all of them when keep is nil.
func measureCalls(calls []*PortCall, keep func(*PortCall) bool) *Openness {
	var facts []PortCallFact
	for _, c := range calls {
		if keep == nil || keep(c) {
			facts = append(facts, c.Fact())
		}
	}
	return Measure(facts)
}

// PortCallFilter selects port calls. From and To bound the arrival date.
type PortCallFilter struct {
	Facility string `json:"facility,omitempty"`
	Host     string `json:"host,omitempty"`
	State    string `json:"state,omitempty"` // the visiting state's code
	From     string `json:"from,omitempty"`
	To       string `json:"to,omitempty"`
	Status   string `json:"status,omitempty"`
	// Subject selects one port call; pages and API set it from the path.
	Subject string `json:"-"`
}

// PortCalls lists port calls, newest arrival first, with what needs
// attention as of today.
func PortCalls(ctx context.Context, st store.Store, f PortCallFilter, today time.Time) ([]*PortCall, error) {
	q := `SELECT c.subject, c.host, COALESCE(p.name, c.host), c.facility, COALESCE(f.name, c.facility), c.requester, c.channel, c.status, c.decision,
		c.arrival, c.departure, c.vessels, c.purposes, c.personnel, c.requested_on, c.decided_on, c.recorded_on, c.reason, c.requested_by,
		c.versions, c.head_idx, c.updated
		FROM sec_portcalls c LEFT JOIN parties p ON p.id = c.host LEFT JOIN sec_facilities f ON f.subject = c.facility
		WHERE ($1 = '' OR c.facility = $1) AND ($2 = '' OR c.host = $2) AND ($3 = '' OR c.requester = $3)
			AND ($4 = '' OR c.arrival >= $4) AND ($5 = '' OR c.arrival <= $5) AND ($6 = '' OR c.status = $6) AND ($7 = '' OR c.subject = $7)
		ORDER BY c.arrival DESC, c.subject`
	rows, err := st.Reader().QueryContext(ctx, q, f.Facility, f.Host, f.State, f.From, f.To, f.Status, f.Subject)
	if err != nil {
		return nil, fmt.Errorf("couldn't list port calls: %w", err)
	}
	defer rows.Close()
	out := []*PortCall{}
	day := today.Format(DateFormat)
	for rows.Next() {
		var c PortCall
		var vessels, purposes string
		var head int64
		if err := rows.Scan(&c.Subject, &c.Host, &c.HostName, &c.Facility, &c.FacilityName, &c.Requester, &c.Channel, &c.Status, &c.Decision,
			&c.Arrival, &c.Departure, &vessels, &purposes, &c.Personnel, &c.RequestedOn, &c.DecidedOn, &c.RecordedOn, &c.Reason, &c.RequestedBy,
			&c.Versions, &head, &c.Updated); err != nil {
			return nil, err
		}
		c.Latest = uint64(head)
		if err := json.Unmarshal([]byte(vessels), &c.Vessels); err != nil {
			return nil, fmt.Errorf("couldn't read the vessels of %s: %w", c.Subject, err)
		}
		if err := json.Unmarshal([]byte(purposes), &c.Purposes); err != nil {
			return nil, fmt.Errorf("couldn't read the purposes of %s: %w", c.Subject, err)
		}
		c.RequesterName = StateName(c.Requester)
		c.URL = "/" + c.Subject
		fact := c.Fact()
		if d, ok := fact.ResponseDays(); ok {
			c.ResponseDays = &d
		}
		switch {
		case c.Status == PortCallRequested && c.Arrival < day:
			c.Attention = "decision overdue"
		case c.Status == PortCallApproved && lastDay(c.Arrival, c.Departure) < day:
			c.Attention = "report overdue"
		}
		out = append(out, &c)
	}
	return out, rows.Err()
}

// ChannelTitle says how a request reached the register.
func ChannelTitle(ch string) string {
	if ch == ChannelMember {
		return "requested by the member state"
	}
	return "recorded by the host"
}

// Activity is an activity as lists and the API show it.
type Activity struct {
	Subject         string          `json:"subject"`
	State           string          `json:"state"`
	StateName       string          `json:"state_name"`
	Title           string          `json:"title"`
	Types           []string        `json:"types"`
	TypeTitles      []string        `json:"type_titles"`
	Framework       string          `json:"framework,omitempty"`
	Start           string          `json:"start"`
	End             string          `json:"end"`
	Participants    []Participant   `json:"participants"`
	Area            json.RawMessage `json:"area"`
	AreaDescription string          `json:"area_description"`
	Size            Size            `json:"size"`
	NotifiedOn      string          `json:"notified_on"`
	Cancelled       bool            `json:"cancelled"`
	CancelReason    string          `json:"cancel_reason,omitempty"`
	Versions        int             `json:"versions"`
	Latest          uint64          `json:"latest_index"`
	Updated         string          `json:"updated"`
	Assessment      Assessment      `json:"notice"`
	// When is computed when the answer is made: "upcoming", "in progress"
	// or "past".
	When string `json:"when"`
	URL  string `json:"url"`
}

// StateNames lists the names of the participants with a role.
func (a *Activity) StateNames(role string) []string {
	var out []string
	for _, p := range a.Participants {
		if p.Role == role {
			out = append(out, StateName(p.State))
		}
	}
	return out
}

// ActivityFilter selects activities: those that overlap [From, To], in
// which State takes part, of a Type, of a notice class.
type ActivityFilter struct {
	From   string `json:"from,omitempty"`
	To     string `json:"to,omitempty"`
	State  string `json:"state,omitempty"`
	Type   string `json:"type,omitempty"`
	Notice string `json:"notice,omitempty"`
	// Subject selects one activity; pages and API set it from the path.
	Subject string `json:"-"`
}

// Founded is the date of the register's charter.
func Founded(ctx context.Context, st store.Store) (time.Time, error) {
	var ts string
	err := st.Reader().QueryRowContext(ctx, `SELECT time FROM records WHERE idx = 0`).Scan(&ts)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("couldn't read the charter's date: %w", err)
	}
	t, err := time.Parse(record.TimeFormat, ts)
	if err != nil {
		return time.Time{}, err
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), nil
}

// Activities lists activities by start date, the latest first, each
// assessed against the norms; today places them in time.
func Activities(ctx context.Context, st store.Store, f ActivityFilter, norms Norms, today time.Time) ([]*Activity, error) {
	founded, err := Founded(ctx, st)
	if err != nil {
		return nil, err
	}
	q := `SELECT a.subject, a.state, COALESCE(p.name, a.state), a.title, a.types, a.framework, a.start_on, a.end_on, a.participants, a.area,
		a.area_description, a.size, a.notified_on, a.cancelled, a.cancel_reason, a.versions, a.head_idx, a.updated
		FROM sec_activities a LEFT JOIN parties p ON p.id = a.state
		WHERE ($1 = '' OR a.end_on >= $1) AND ($2 = '' OR a.start_on <= $2)
			AND ($3 = '' OR EXISTS (SELECT 1 FROM sec_activity_participants x WHERE x.subject = a.subject AND x.state = $3))
			AND ($4 = '' OR a.subject = $4)
		ORDER BY a.start_on DESC, a.subject`
	rows, err := st.Reader().QueryContext(ctx, q, f.From, f.To, f.State, f.Subject)
	if err != nil {
		return nil, fmt.Errorf("couldn't list activities: %w", err)
	}
	defer rows.Close()
	out := []*Activity{}
	day := today.Format(DateFormat)
	for rows.Next() {
		var a Activity
		var types, participants, area, size string
		var cancelled int
		var head int64
		if err := rows.Scan(&a.Subject, &a.State, &a.StateName, &a.Title, &types, &a.Framework, &a.Start, &a.End, &participants, &area,
			&a.AreaDescription, &size, &a.NotifiedOn, &cancelled, &a.CancelReason, &a.Versions, &head, &a.Updated); err != nil {
			return nil, err
		}
		a.Latest, a.Cancelled, a.Area = uint64(head), cancelled == 1, json.RawMessage(area)
		for _, x := range []struct {
			s string
			v any
		}{{types, &a.Types}, {participants, &a.Participants}, {size, &a.Size}} {
			if err := json.Unmarshal([]byte(x.s), x.v); err != nil {
				return nil, fmt.Errorf("couldn't read activity %s: %w", a.Subject, err)
			}
		}
		if f.Type != "" && !slices.Contains(a.Types, f.Type) {
			continue
		}
		for _, t := range a.Types {
			a.TypeTitles = append(a.TypeTitles, title(ActivityTypes, t))
		}
		notified, _ := parseDate(a.NotifiedOn)
		start, _ := parseDate(a.Start)
		observers := false
		for _, p := range a.Participants {
			observers = observers || p.Role == RoleObserver
		}
		a.Assessment = norms.Assess(notified, start, founded, a.Size, observers)
		if f.Notice != "" && a.Assessment.Class != f.Notice {
			continue
		}
		switch {
		case a.Start > day:
			a.When = "upcoming"
		case a.End >= day:
			a.When = "in progress"
		default:
			a.When = "past"
		}
		a.URL = "/" + a.Subject
		out = append(out, &a)
	}
	return out, rows.Err()
}

// Observation is an activity reported by a state that observed it.
type Observation struct {
	Subject          string          `json:"subject"`
	Observer         string          `json:"observer"`
	ObserverName     string          `json:"observer_name"`
	Title            string          `json:"title"`
	ConductingStates []string        `json:"conducting_states"`
	Types            []string        `json:"types"`
	Start            string          `json:"start"`
	End              string          `json:"end,omitempty"`
	Area             json.RawMessage `json:"area,omitempty"`
	AreaDescription  string          `json:"area_description,omitempty"`
	Size             Size            `json:"size"`
	Description      string          `json:"description"`
	// AnsweredBy is the notification that answers the report; "" while the
	// activity is unnotified.
	AnsweredBy string `json:"answered_by,omitempty"`
	Versions   int    `json:"versions"`
	Latest     uint64 `json:"latest_index"`
	URL        string `json:"url"`
}

// Observations lists reports of observed activities overlapping [from, to],
// the unanswered first.
func Observations(ctx context.Context, st store.Store, from, to string) ([]*Observation, error) {
	rows, err := st.Reader().QueryContext(ctx, `SELECT o.subject, o.observer, COALESCE(p.name, o.observer), o.title, o.conducting, o.types, o.start_on, o.end_on,
		o.area, o.area_description, o.size, o.description, o.answered_by, o.versions, o.head_idx
		FROM sec_observations o LEFT JOIN parties p ON p.id = o.observer
		WHERE ($1 = '' OR o.end_on >= $1 OR (o.end_on = '' AND o.start_on >= $1)) AND ($2 = '' OR o.start_on <= $2)
		ORDER BY o.answered_by != '', o.start_on DESC, o.subject`, from, to)
	if err != nil {
		return nil, fmt.Errorf("couldn't list observed activities: %w", err)
	}
	defer rows.Close()
	out := []*Observation{}
	for rows.Next() {
		var o Observation
		var conducting, types, area, size string
		var head int64
		if err := rows.Scan(&o.Subject, &o.Observer, &o.ObserverName, &o.Title, &conducting, &types, &o.Start, &o.End, &area, &o.AreaDescription,
			&size, &o.Description, &o.AnsweredBy, &o.Versions, &head); err != nil {
			return nil, err
		}
		o.Latest = uint64(head)
		if area != "" {
			o.Area = json.RawMessage(area)
		}
		for _, x := range []struct {
			s string
			v any
		}{{conducting, &o.ConductingStates}, {types, &o.Types}, {size, &o.Size}} {
			if err := json.Unmarshal([]byte(x.s), x.v); err != nil {
				return nil, fmt.Errorf("couldn't read observation %s: %w", o.Subject, err)
			}
		}
		o.URL = "/subjects/" + o.Subject
		out = append(out, &o)
	}
	return out, rows.Err()
}

// Posture is a posture disclosure.
type Posture struct {
	Subject    string           `json:"subject"`
	State      string           `json:"state"`
	StateName  string           `json:"state_name"`
	Year       int              `json:"year"`
	Summary    string           `json:"summary"`
	Facilities []FacilityAbroad `json:"facilities_abroad"`
	Versions   int              `json:"versions"`
	Latest     uint64           `json:"latest_index"`
	URL        string           `json:"url"`
}

// Postures lists the latest posture disclosure of each state (or every
// year's, with all), newest first.
func Postures(ctx context.Context, st store.Store, state string, all bool) ([]*Posture, error) {
	rows, err := st.Reader().QueryContext(ctx, `SELECT d.subject, d.state, COALESCE(p.name, d.state), d.year, d.summary, d.facilities, d.versions, d.head_idx
		FROM sec_postures d LEFT JOIN parties p ON p.id = d.state
		WHERE ($1 = '' OR d.state = $1) AND ($2 = 1 OR d.year = (SELECT MAX(y.year) FROM sec_postures y WHERE y.state = d.state))
		ORDER BY COALESCE(p.name, d.state), d.year DESC`, state, boolInt(all))
	if err != nil {
		return nil, fmt.Errorf("couldn't list posture disclosures: %w", err)
	}
	defer rows.Close()
	out := []*Posture{}
	for rows.Next() {
		var p Posture
		var facilities string
		var head int64
		if err := rows.Scan(&p.Subject, &p.State, &p.StateName, &p.Year, &p.Summary, &facilities, &p.Versions, &head); err != nil {
			return nil, err
		}
		p.Latest = uint64(head)
		if err := json.Unmarshal([]byte(facilities), &p.Facilities); err != nil {
			return nil, fmt.Errorf("couldn't read posture %s: %w", p.Subject, err)
		}
		p.URL = "/subjects/" + p.Subject
		out = append(out, &p)
	}
	return out, rows.Err()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// normalizeState reads a state code from a parameter: "jpn" or "JPN".
func normalizeState(param, s string) (string, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if s == "" {
		return "", nil
	}
	if !KnownState(s) {
		return "", problem.Invalid(param, "param.state", "%q is not a state code this register knows (ISO 3166-1 alpha-3)", s)
	}
	return s, nil
}

// ChannelText says in English how the request reached the register; the
// pages translate it.
func (p *PortCall) ChannelText() string { return ChannelTitle(p.Channel) }

// VesselText lists the vessels, as the records name them.
func (p *PortCall) VesselText() string { return vesselList(p.Vessels) }

// PurposeText lists the purposes in the reader's language.
func (p *PortCall) PurposeText(l *i18n.Locale) string { return purposeWords(l, p.Purposes) }

// ResponseText is the time from request to decision, or why it is not
// known, in the reader's language.
func (p *PortCall) ResponseText(l *i18n.Locale) string {
	switch {
	case p.ResponseDays != nil:
		return dayCount(l, *p.ResponseDays)
	case p.Decision == "":
		return l.T("not decided")
	default:
		return l.T("not known")
	}
}

// ParticipantText lists the participants and their roles in the reader's
// language.
func (a *Activity) ParticipantText(l *i18n.Locale) string { return participantWords(l, a.Participants) }

// SizeText writes the activity's size in the reader's language.
func (a *Activity) SizeText(l *i18n.Locale) string { return sizeWords(l, a.Size) }

// TypeText lists the activity's types in the reader's language.
func (a *Activity) TypeText(l *i18n.Locale) string { return typeWords(l, a.Types) }

// sizeText writes a size in English words, for CSV files.
func sizeText(s Size) string {
	var parts []string
	add := func(v int, what string) {
		if v > 0 {
			parts = append(parts, group(v)+" "+what)
		}
	}
	add(s.Personnel, "personnel")
	add(s.LandingPersonnel, "personnel landing")
	add(s.Vessels, "vessels")
	add(s.Aircraft, "aircraft")
	add(s.BattleTanks, "battle tanks")
	add(s.ArmouredCombatVehicles, "armoured combat vehicles")
	add(s.ArtilleryPieces, "artillery pieces")
	if len(parts) == 0 {
		return "not stated"
	}
	return strings.Join(parts, ", ")
}

// Names lists the conducting states' names.
func (o *Observation) Names() string {
	n := make([]string, len(o.ConductingStates))
	for i, s := range o.ConductingStates {
		n[i] = StateName(s)
	}
	return strings.Join(n, ", ")
}

// StateName names a participant's state.
func (p Participant) StateName() string { return StateName(p.State) }

// HostStateName names a facility abroad's host.
func (f FacilityAbroad) HostStateName() string { return StateName(f.HostState) }

// NotifyText writes the notification thresholds in the reader's language.
func (n Norms) NotifyText(l *i18n.Locale) string { return thresholdWords(l, n.Notify) }

// ObserveText writes the observation thresholds in the reader's language.
func (n Norms) ObserveText(l *i18n.Locale) string { return thresholdWords(l, n.Observe) }

// HostCode is the host state's code.
func (f *Facility) HostCode() string { return codeOf(f.Host) }

// StateCode is the notifying state's code.
func (a *Activity) StateCode() string { return codeOf(a.State) }
