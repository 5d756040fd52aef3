package accountability

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/projector"
	"github.com/kongsi/kongsi/internal/store"
)

// The projections keep what the log says and nothing that depends on the
// day: a commitment's due date and its reports are here, whether it is
// overdue is not (see Derive).

type commitmentProjection struct{}

var commitmentSchema = store.Schema{
	Name:   "commitments",
	Tables: []string{"commitments", "commitment_parties", "commitment_milestones", "commitment_reports", "commitment_assessments"},
	Migrations: store.Both(`
CREATE TABLE commitments (
	subject            TEXT PRIMARY KEY,
	slug               TEXT NOT NULL,
	title              TEXT NOT NULL,
	made_in            TEXT NOT NULL,
	made_on            TEXT NOT NULL,
	due_on             TEXT NOT NULL,
	first_due_on       TEXT NOT NULL,
	pledgers           TEXT NOT NULL,
	related            TEXT NOT NULL,
	withdrawn          INTEGER NOT NULL,
	author             TEXT NOT NULL,
	versions           INTEGER NOT NULL,
	first_idx          INTEGER NOT NULL,
	head_idx           INTEGER NOT NULL,
	reports            INTEGER NOT NULL,
	last_reported_on   TEXT NOT NULL,
	last_report_status TEXT NOT NULL,
	met_on             TEXT NOT NULL
) STRICT;
CREATE INDEX commitments_due ON commitments (due_on);
CREATE TABLE commitment_parties (
	commitment TEXT NOT NULL,
	party      TEXT NOT NULL,
	home       TEXT NOT NULL,
	role       TEXT NOT NULL,
	PRIMARY KEY (commitment, role, party)
) STRICT;
CREATE INDEX commitment_parties_home ON commitment_parties (home, role);
CREATE TABLE commitment_milestones (
	commitment TEXT NOT NULL,
	milestone  TEXT NOT NULL,
	position   INTEGER NOT NULL,
	title      TEXT NOT NULL,
	due_on     TEXT NOT NULL,
	met_on     TEXT NOT NULL,
	PRIMARY KEY (commitment, milestone)
) STRICT;
CREATE TABLE commitment_reports (
	subject        TEXT PRIMARY KEY,
	commitment     TEXT NOT NULL,
	pledger        TEXT NOT NULL,
	pledger_home   TEXT NOT NULL,
	author         TEXT NOT NULL,
	reported_on    TEXT NOT NULL,
	status         TEXT NOT NULL,
	met_on         TEXT NOT NULL,
	summary        TEXT NOT NULL,
	milestones_met TEXT NOT NULL,
	versions       INTEGER NOT NULL,
	head_idx       INTEGER NOT NULL
) STRICT;
CREATE INDEX commitment_reports_commitment ON commitment_reports (commitment, reported_on, head_idx);
CREATE INDEX commitment_reports_home ON commitment_reports (pledger_home);
CREATE TABLE commitment_assessments (
	subject     TEXT PRIMARY KEY,
	commitment  TEXT NOT NULL,
	assessor    TEXT NOT NULL,
	author      TEXT NOT NULL,
	assessed_on TEXT NOT NULL,
	rating      TEXT NOT NULL,
	reasons     TEXT NOT NULL,
	versions    INTEGER NOT NULL,
	head_idx    INTEGER NOT NULL
) STRICT;
CREATE INDEX commitment_assessments_commitment ON commitment_assessments (commitment, assessed_on, head_idx);
CREATE INDEX commitment_assessments_assessor ON commitment_assessments (assessor);
`),
}

func (commitmentProjection) Schema() store.Schema { return commitmentSchema }
func (commitmentProjection) Kinds() []string {
	return []string{KindCommitment, KindReport, KindAssessment}
}

func (commitmentProjection) Apply(ctx context.Context, tx *store.Tx, a *projector.Applied) error {
	r := a.Record
	switch r.Kind {
	case KindCommitment:
		var b Commitment
		if err := json.Unmarshal(r.Body, &b); err != nil {
			return err
		}
		pledgers, _ := json.Marshal(b.Pledgers)
		related, _ := json.Marshal(orEmpty(b.Related))
		if err := tx.Exec(ctx, `INSERT INTO commitments (subject, slug, title, made_in, made_on, due_on, first_due_on, pledgers, related, withdrawn, author, versions, first_idx, head_idx,
				reports, last_reported_on, last_report_status, met_on)
			VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8, $9, $10, $11, $12, $13, 0, '', '', '')
			ON CONFLICT (subject) DO UPDATE SET title = excluded.title, made_in = excluded.made_in, made_on = excluded.made_on, due_on = excluded.due_on,
				pledgers = excluded.pledgers, related = excluded.related, withdrawn = excluded.withdrawn, author = excluded.author,
				versions = excluded.versions, head_idx = excluded.head_idx`,
			r.Subject, ledger.SubjectSegment(r.Subject, 1), b.Title, b.MadeIn, b.MadeOn, b.DueOn, string(pledgers), string(related), boolInt(b.Withdrawn),
			r.Author, a.Head.Version, int64(a.Head.Created), int64(a.Index)); err != nil {
			return err
		}
		if err := tx.Exec(ctx, `DELETE FROM commitment_parties WHERE commitment = $1`, r.Subject); err != nil {
			return err
		}
		for _, g := range []struct {
			role string
			ids  []string
		}{{"pledger", b.Pledgers}, {"related", b.Related}} {
			for _, id := range g.ids {
				if err := tx.Exec(ctx, `INSERT INTO commitment_parties (commitment, party, home, role) VALUES ($1, $2, $3, $4)`, r.Subject, id, homeIn(a.State, id), g.role); err != nil {
					return err
				}
			}
		}
		if err := tx.Exec(ctx, `DELETE FROM commitment_milestones WHERE commitment = $1`, r.Subject); err != nil {
			return err
		}
		for i, m := range b.Milestones {
			if err := tx.Exec(ctx, `INSERT INTO commitment_milestones (commitment, milestone, position, title, due_on, met_on) VALUES ($1, $2, $3, $4, $5, '')`,
				r.Subject, m.ID, i, m.Title, m.DueOn); err != nil {
				return err
			}
		}
		return recomputeCommitment(ctx, tx, r.Subject)
	case KindReport:
		var b Report
		if err := json.Unmarshal(r.Body, &b); err != nil {
			return err
		}
		pledger := a.Head.Data.(*ReportState).Pledger
		met, _ := json.Marshal(orEmpty(b.MilestonesMet))
		commitment := "commitments/" + ledger.SubjectSegment(r.Subject, 1)
		if err := tx.Exec(ctx, `INSERT INTO commitment_reports (subject, commitment, pledger, pledger_home, author, reported_on, status, met_on, summary, milestones_met, versions, head_idx)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
			ON CONFLICT (subject) DO UPDATE SET author = excluded.author, reported_on = excluded.reported_on, status = excluded.status, met_on = excluded.met_on,
				summary = excluded.summary, milestones_met = excluded.milestones_met, versions = excluded.versions, head_idx = excluded.head_idx`,
			r.Subject, commitment, pledger, homeIn(a.State, pledger), r.Author, b.ReportedOn, b.Status, b.MetOn, b.Summary, string(met), a.Head.Version, int64(a.Index)); err != nil {
			return err
		}
		return recomputeCommitment(ctx, tx, commitment)
	case KindAssessment:
		var b Assessment
		if err := json.Unmarshal(r.Body, &b); err != nil {
			return err
		}
		return tx.Exec(ctx, `INSERT INTO commitment_assessments (subject, commitment, assessor, author, assessed_on, rating, reasons, versions, head_idx)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT (subject) DO UPDATE SET author = excluded.author, assessed_on = excluded.assessed_on, rating = excluded.rating, reasons = excluded.reasons,
				versions = excluded.versions, head_idx = excluded.head_idx`,
			r.Subject, "commitments/"+ledger.SubjectSegment(r.Subject, 1), a.Head.Data.(*AssessmentState).Assessor, r.Author, b.AssessedOn, b.Rating, b.Reasons, a.Head.Version, int64(a.Index))
	}
	return fmt.Errorf("the commitments projection got a record of kind %q", r.Kind)
}

// recomputeCommitment derives from the current version of every report on
// a commitment what the commitment row and its milestones say of them: how
// many reports, the latest (by date reported, then log order), whether it
// says the pledge was met, and when each milestone was first reported met.
func recomputeCommitment(ctx context.Context, tx *store.Tx, commitment string) error {
	rows, err := tx.Query(ctx, `SELECT reported_on, status, met_on, milestones_met FROM commitment_reports WHERE commitment = $1 ORDER BY reported_on, head_idx`, commitment)
	if err != nil {
		return err
	}
	var n int
	var lastOn, lastStatus, metOn string
	milestoneMet := map[string]string{}
	for rows.Next() {
		var on, status, met, ms string
		if err := rows.Scan(&on, &status, &met, &ms); err != nil {
			rows.Close()
			return err
		}
		n++
		lastOn, lastStatus, metOn = on, status, met
		var list []MilestoneMet
		if err := json.Unmarshal([]byte(ms), &list); err != nil {
			rows.Close()
			return err
		}
		for _, m := range list {
			if prev, ok := milestoneMet[m.Milestone]; !ok || m.MetOn < prev {
				milestoneMet[m.Milestone] = m.MetOn
			}
		}
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return err
	}
	rows.Close()
	if err := tx.Exec(ctx, `UPDATE commitments SET reports = $2, last_reported_on = $3, last_report_status = $4, met_on = $5 WHERE subject = $1`,
		commitment, n, lastOn, lastStatus, metOn); err != nil {
		return err
	}
	mrows, err := tx.Query(ctx, `SELECT milestone FROM commitment_milestones WHERE commitment = $1`, commitment)
	if err != nil {
		return err
	}
	var ids []string
	for mrows.Next() {
		var id string
		if err := mrows.Scan(&id); err != nil {
			mrows.Close()
			return err
		}
		ids = append(ids, id)
	}
	mrows.Close()
	slices.Sort(ids)
	for _, id := range ids {
		if err := tx.Exec(ctx, `UPDATE commitment_milestones SET met_on = $3 WHERE commitment = $1 AND milestone = $2`, commitment, id, milestoneMet[id]); err != nil {
			return err
		}
	}
	return nil
}

type cooperationProjection struct{}

var cooperationSchema = store.Schema{
	Name:   "cooperation",
	Tables: []string{"initiatives", "initiative_tags", "action_items"},
	Migrations: store.Both(`
CREATE TABLE initiatives (
	subject          TEXT PRIMARY KEY,
	slug             TEXT NOT NULL,
	title            TEXT NOT NULL,
	description      TEXT NOT NULL,
	pillars          TEXT NOT NULL,
	domains          TEXT NOT NULL,
	mechanism        TEXT NOT NULL,
	mechanism_detail TEXT NOT NULL,
	participants     TEXT NOT NULL,
	started_on       TEXT NOT NULL,
	ended_on         TEXT NOT NULL,
	author           TEXT NOT NULL,
	versions         INTEGER NOT NULL,
	first_idx        INTEGER NOT NULL,
	head_idx         INTEGER NOT NULL
) STRICT;
CREATE TABLE initiative_tags (
	initiative TEXT NOT NULL,
	tag        TEXT NOT NULL,
	value      TEXT NOT NULL,
	PRIMARY KEY (initiative, tag, value)
) STRICT;
CREATE INDEX initiative_tags_value ON initiative_tags (tag, value);
CREATE TABLE action_items (
	subject      TEXT PRIMARY KEY,
	initiative   TEXT NOT NULL,
	slug         TEXT NOT NULL,
	title        TEXT NOT NULL,
	description  TEXT NOT NULL,
	owner        TEXT NOT NULL,
	owner_home   TEXT NOT NULL,
	owed_to      TEXT NOT NULL,
	due_on       TEXT NOT NULL,
	first_due_on TEXT NOT NULL,
	status       TEXT NOT NULL,
	status_note  TEXT NOT NULL,
	done_on      TEXT NOT NULL,
	depends_on   TEXT NOT NULL,
	illustrative INTEGER NOT NULL,
	author       TEXT NOT NULL,
	signed       TEXT NOT NULL,
	versions     INTEGER NOT NULL,
	first_idx    INTEGER NOT NULL,
	head_idx     INTEGER NOT NULL
) STRICT;
CREATE INDEX action_items_owner ON action_items (owner_home, due_on);
CREATE INDEX action_items_initiative ON action_items (initiative, due_on);
CREATE INDEX action_items_due ON action_items (due_on);
`),
}

func (cooperationProjection) Schema() store.Schema { return cooperationSchema }
func (cooperationProjection) Kinds() []string      { return []string{KindInitiative, KindAction} }

func (cooperationProjection) Apply(ctx context.Context, tx *store.Tx, a *projector.Applied) error {
	r := a.Record
	switch r.Kind {
	case KindInitiative:
		var b Initiative
		if err := json.Unmarshal(r.Body, &b); err != nil {
			return err
		}
		pillars, _ := json.Marshal(b.Pillars)
		domains, _ := json.Marshal(b.Domains)
		participants, _ := json.Marshal(b.Participants)
		if err := tx.Exec(ctx, `INSERT INTO initiatives (subject, slug, title, description, pillars, domains, mechanism, mechanism_detail, participants, started_on, ended_on, author, versions, first_idx, head_idx)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
			ON CONFLICT (subject) DO UPDATE SET title = excluded.title, description = excluded.description, pillars = excluded.pillars, domains = excluded.domains,
				mechanism = excluded.mechanism, mechanism_detail = excluded.mechanism_detail, participants = excluded.participants, started_on = excluded.started_on,
				ended_on = excluded.ended_on, author = excluded.author, versions = excluded.versions, head_idx = excluded.head_idx`,
			r.Subject, ledger.SubjectSegment(r.Subject, 1), b.Title, b.Description, string(pillars), string(domains), b.Mechanism, b.MechanismDetail, string(participants),
			b.StartedOn, b.EndedOn, r.Author, a.Head.Version, int64(a.Head.Created), int64(a.Index)); err != nil {
			return err
		}
		if err := tx.Exec(ctx, `DELETE FROM initiative_tags WHERE initiative = $1`, r.Subject); err != nil {
			return err
		}
		for _, t := range []struct {
			tag    string
			values []string
		}{{"pillar", b.Pillars}, {"domain", b.Domains}, {"participant", b.Participants}} {
			for _, v := range t.values {
				if err := tx.Exec(ctx, `INSERT INTO initiative_tags (initiative, tag, value) VALUES ($1, $2, $3)`, r.Subject, t.tag, v); err != nil {
					return err
				}
			}
		}
		return nil
	case KindAction:
		var b Action
		if err := json.Unmarshal(r.Body, &b); err != nil {
			return err
		}
		owedTo, _ := json.Marshal(orEmpty(b.OwedTo))
		deps, _ := json.Marshal(orEmpty(b.DependsOn))
		return tx.Exec(ctx, `INSERT INTO action_items (subject, initiative, slug, title, description, owner, owner_home, owed_to, due_on, first_due_on, status, status_note, done_on,
				depends_on, illustrative, author, signed, versions, first_idx, head_idx)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
			ON CONFLICT (subject) DO UPDATE SET title = excluded.title, description = excluded.description, owner = excluded.owner, owner_home = excluded.owner_home,
				owed_to = excluded.owed_to, due_on = excluded.due_on, status = excluded.status, status_note = excluded.status_note, done_on = excluded.done_on,
				depends_on = excluded.depends_on, illustrative = excluded.illustrative, author = excluded.author, signed = excluded.signed,
				versions = excluded.versions, head_idx = excluded.head_idx`,
			r.Subject, "initiatives/"+ledger.SubjectSegment(r.Subject, 1), ledger.SubjectSegment(r.Subject, 2), b.Title, b.Description, b.Owner, homeIn(a.State, b.Owner),
			string(owedTo), b.DueOn, b.Status, b.StatusNote, b.DoneOn, string(deps), boolInt(b.Illustrative), r.Author, r.Time,
			a.Head.Version, int64(a.Head.Created), int64(a.Index))
	}
	return fmt.Errorf("the cooperation projection got a record of kind %q", r.Kind)
}

type programmeProjection struct{}

var programmeSchema = store.Schema{
	Name:   "programmes",
	Tables: []string{"programmes", "programme_targets", "programme_deliveries"},
	Migrations: store.Both(`
CREATE TABLE programmes (
	subject       TEXT PRIMARY KEY,
	slug          TEXT NOT NULL,
	title         TEXT NOT NULL,
	description   TEXT NOT NULL,
	provider      TEXT NOT NULL,
	provider_home TEXT NOT NULL,
	recipients    TEXT NOT NULL,
	announced_in  TEXT NOT NULL,
	announced_on  TEXT NOT NULL,
	commitment    TEXT NOT NULL,
	author        TEXT NOT NULL,
	versions      INTEGER NOT NULL,
	first_idx     INTEGER NOT NULL,
	head_idx      INTEGER NOT NULL
) STRICT;
CREATE TABLE programme_targets (
	programme TEXT NOT NULL,
	position  INTEGER NOT NULL,
	measure   TEXT NOT NULL,
	unit      TEXT NOT NULL,
	value     REAL NOT NULL,
	recipient TEXT NOT NULL,
	by_date   TEXT NOT NULL,
	PRIMARY KEY (programme, position)
) STRICT;
CREATE TABLE programme_deliveries (
	subject           TEXT PRIMARY KEY,
	programme         TEXT NOT NULL,
	slug              TEXT NOT NULL,
	recipient         TEXT NOT NULL,
	recipient_home    TEXT NOT NULL,
	measure           TEXT NOT NULL,
	value             REAL NOT NULL,
	period_from       TEXT NOT NULL,
	delivered_on      TEXT NOT NULL,
	description       TEXT NOT NULL,
	author            TEXT NOT NULL,
	versions          INTEGER NOT NULL,
	head_idx          INTEGER NOT NULL,
	confirmation      TEXT NOT NULL,
	confirmed_value   REAL,
	confirmed_on      TEXT NOT NULL,
	confirmed_by      TEXT NOT NULL,
	confirmation_note TEXT NOT NULL,
	confirmation_idx  INTEGER
) STRICT;
CREATE INDEX programme_deliveries_programme ON programme_deliveries (programme, delivered_on);
CREATE INDEX programme_deliveries_recipient ON programme_deliveries (recipient_home);
`),
}

// Confirmation states of a delivery, as the projection keeps them.
const (
	Unconfirmed = ""          // the recipient has not confirmed it
	Confirmed   = "confirmed" // the recipient confirmed it
	Disputed    = "disputed"  // the recipient says it was not delivered as reported
	Revised     = "revised"   // the provider revised it after the recipient confirmed or disputed it
)

func (programmeProjection) Schema() store.Schema { return programmeSchema }
func (programmeProjection) Kinds() []string {
	return []string{KindProgramme, KindDelivery, KindConfirmation}
}

func (programmeProjection) Apply(ctx context.Context, tx *store.Tx, a *projector.Applied) error {
	r := a.Record
	switch r.Kind {
	case KindProgramme:
		var b Programme
		if err := json.Unmarshal(r.Body, &b); err != nil {
			return err
		}
		recipients, _ := json.Marshal(b.Recipients)
		if err := tx.Exec(ctx, `INSERT INTO programmes (subject, slug, title, description, provider, provider_home, recipients, announced_in, announced_on, commitment, author, versions, first_idx, head_idx)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
			ON CONFLICT (subject) DO UPDATE SET title = excluded.title, description = excluded.description, recipients = excluded.recipients,
				announced_in = excluded.announced_in, announced_on = excluded.announced_on, commitment = excluded.commitment, author = excluded.author,
				versions = excluded.versions, head_idx = excluded.head_idx`,
			r.Subject, ledger.SubjectSegment(r.Subject, 1), b.Title, b.Description, b.Provider, homeIn(a.State, b.Provider), string(recipients),
			b.AnnouncedIn, b.AnnouncedOn, b.Commitment, r.Author, a.Head.Version, int64(a.Head.Created), int64(a.Index)); err != nil {
			return err
		}
		if err := tx.Exec(ctx, `DELETE FROM programme_targets WHERE programme = $1`, r.Subject); err != nil {
			return err
		}
		for i, t := range b.Targets {
			if err := tx.Exec(ctx, `INSERT INTO programme_targets (programme, position, measure, unit, value, recipient, by_date) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
				r.Subject, i, t.Measure, t.Unit, t.Value, t.Recipient, t.By); err != nil {
				return err
			}
		}
		return nil
	case KindDelivery:
		var b Delivery
		if err := json.Unmarshal(r.Body, &b); err != nil {
			return err
		}
		// A new version of a delivery is not what the recipient confirmed:
		// it shows as revised until the recipient confirms it again.
		return tx.Exec(ctx, `INSERT INTO programme_deliveries (subject, programme, slug, recipient, recipient_home, measure, value, period_from, delivered_on, description, author, versions, head_idx,
				confirmation, confirmed_value, confirmed_on, confirmed_by, confirmation_note, confirmation_idx)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, '', NULL, '', '', '', NULL)
			ON CONFLICT (subject) DO UPDATE SET measure = excluded.measure, value = excluded.value, period_from = excluded.period_from, delivered_on = excluded.delivered_on,
				description = excluded.description, author = excluded.author, versions = excluded.versions, head_idx = excluded.head_idx,
				confirmation = CASE WHEN programme_deliveries.confirmation = '' THEN '' ELSE 'revised' END`,
			r.Subject, "programmes/"+ledger.SubjectSegment(r.Subject, 1), ledger.SubjectSegment(r.Subject, 3), b.Recipient, homeIn(a.State, b.Recipient),
			b.Measure, b.Value, b.PeriodFrom, b.DeliveredOn, b.Description, r.Author, a.Head.Version, int64(a.Index))
	case KindConfirmation:
		var b Confirmation
		if err := json.Unmarshal(r.Body, &b); err != nil {
			return err
		}
		state := Confirmed
		if !b.Confirmed {
			state = Disputed
		}
		var value any
		if b.ConfirmedValue != nil {
			value = *b.ConfirmedValue
		}
		delivery := "programmes/" + ledger.SubjectSegment(r.Subject, 1) + "/deliveries/" + ledger.SubjectSegment(r.Subject, 3)
		return tx.Exec(ctx, `UPDATE programme_deliveries SET confirmation = $2, confirmed_value = $3, confirmed_on = $4, confirmed_by = $5, confirmation_note = $6, confirmation_idx = $7
			WHERE subject = $1`, delivery, state, value, b.ConfirmedOn, r.Author, b.Note, int64(a.Index))
	}
	return fmt.Errorf("the programmes projection got a record of kind %q", r.Kind)
}

type exchangeProjection struct{}

var exchangeSchema = store.Schema{
	Name:   "exchanges",
	Tables: []string{"tourism_arrivals", "official_visits", "track2_events"},
	Migrations: store.Both(`
CREATE TABLE tourism_arrivals (
	subject      TEXT PRIMARY KEY,
	origin       TEXT NOT NULL,
	destination  TEXT NOT NULL,
	year         INTEGER NOT NULL,
	arrivals     INTEGER NOT NULL,
	rounded_to   INTEGER NOT NULL,
	definition   TEXT NOT NULL,
	source       TEXT NOT NULL,
	author       TEXT NOT NULL,
	versions     INTEGER NOT NULL,
	head_idx     INTEGER NOT NULL
) STRICT;
CREATE INDEX tourism_arrivals_pair ON tourism_arrivals (origin, destination, year);
CREATE TABLE official_visits (
	subject       TEXT PRIMARY KEY,
	slug          TEXT NOT NULL,
	visitor       TEXT NOT NULL,
	visitor_title TEXT NOT NULL,
	host          TEXT NOT NULL,
	kind          TEXT NOT NULL,
	start_on      TEXT NOT NULL,
	end_on        TEXT NOT NULL,
	summary       TEXT NOT NULL,
	author        TEXT NOT NULL,
	versions      INTEGER NOT NULL,
	head_idx      INTEGER NOT NULL
) STRICT;
CREATE INDEX official_visits_start ON official_visits (start_on);
CREATE TABLE track2_events (
	subject    TEXT PRIMARY KEY,
	slug       TEXT NOT NULL,
	title      TEXT NOT NULL,
	track      TEXT NOT NULL,
	organisers TEXT NOT NULL,
	country    TEXT NOT NULL,
	place      TEXT NOT NULL,
	start_on   TEXT NOT NULL,
	end_on     TEXT NOT NULL,
	summary    TEXT NOT NULL,
	author     TEXT NOT NULL,
	versions   INTEGER NOT NULL,
	head_idx   INTEGER NOT NULL
) STRICT;
CREATE INDEX track2_events_start ON track2_events (start_on);
`),
}

func (exchangeProjection) Schema() store.Schema { return exchangeSchema }
func (exchangeProjection) Kinds() []string      { return []string{KindTourism, KindVisit, KindEvent} }

func (exchangeProjection) Apply(ctx context.Context, tx *store.Tx, a *projector.Applied) error {
	r := a.Record
	switch r.Kind {
	case KindTourism:
		var b Tourism
		if err := json.Unmarshal(r.Body, &b); err != nil {
			return err
		}
		source := ""
		if len(b.Sources) > 0 {
			source = b.Sources[0].Title
			if b.Sources[0].Publisher != "" {
				source += ", " + b.Sources[0].Publisher
			}
		}
		return tx.Exec(ctx, `INSERT INTO tourism_arrivals (subject, origin, destination, year, arrivals, rounded_to, definition, source, author, versions, head_idx)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
			ON CONFLICT (subject) DO UPDATE SET arrivals = excluded.arrivals, rounded_to = excluded.rounded_to, definition = excluded.definition, source = excluded.source,
				author = excluded.author, versions = excluded.versions, head_idx = excluded.head_idx`,
			r.Subject, b.Origin, b.Destination, b.Year, b.Arrivals, b.RoundedTo, b.Definition, source, r.Author, a.Head.Version, int64(a.Index))
	case KindVisit:
		var b Visit
		if err := json.Unmarshal(r.Body, &b); err != nil {
			return err
		}
		return tx.Exec(ctx, `INSERT INTO official_visits (subject, slug, visitor, visitor_title, host, kind, start_on, end_on, summary, author, versions, head_idx)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
			ON CONFLICT (subject) DO UPDATE SET visitor = excluded.visitor, visitor_title = excluded.visitor_title, host = excluded.host, kind = excluded.kind,
				start_on = excluded.start_on, end_on = excluded.end_on, summary = excluded.summary, author = excluded.author, versions = excluded.versions, head_idx = excluded.head_idx`,
			r.Subject, ledger.SubjectSegment(r.Subject, 2), b.Visitor, b.VisitorTitle, b.Host, b.Kind, b.StartOn, b.EndOn, b.Summary, r.Author, a.Head.Version, int64(a.Index))
	case KindEvent:
		var b Event
		if err := json.Unmarshal(r.Body, &b); err != nil {
			return err
		}
		organisers, _ := json.Marshal(b.Organisers)
		return tx.Exec(ctx, `INSERT INTO track2_events (subject, slug, title, track, organisers, country, place, start_on, end_on, summary, author, versions, head_idx)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
			ON CONFLICT (subject) DO UPDATE SET title = excluded.title, track = excluded.track, organisers = excluded.organisers, country = excluded.country,
				place = excluded.place, start_on = excluded.start_on, end_on = excluded.end_on, summary = excluded.summary, author = excluded.author,
				versions = excluded.versions, head_idx = excluded.head_idx`,
			r.Subject, ledger.SubjectSegment(r.Subject, 2), b.Title, b.Track, string(organisers), b.Country, b.Place, b.StartOn, b.EndOn, b.Summary, r.Author, a.Head.Version, int64(a.Index))
	}
	return fmt.Errorf("the exchanges projection got a record of kind %q", r.Kind)
}

// homeIn is home for a party ID, as the ledger state after the record knows
// it.
func homeIn(s *ledger.State, id string) string {
	if p, ok := s.Party(id); ok {
		return home(p)
	}
	return id
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// orEmpty makes a nil slice an empty one, so that it encodes as [].
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
