package projects

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/projector"
	"github.com/kongsi/kongsi/internal/store"
)

type projection struct{}

var tableSchema = store.Schema{
	Name: "projects",
	Tables: []string{
		"projects", "project_sectors", "project_sponsors", "project_designations",
		"project_outreach", "project_outreach_comments", "elections",
	},
	Migrations: store.Both(`
CREATE TABLE projects (
	id            TEXT PRIMARY KEY,
	host          TEXT NOT NULL,
	name          TEXT NOT NULL,
	sector        TEXT NOT NULL,  -- the first sector given
	type          TEXT NOT NULL,  -- '' when not given
	status        TEXT NOT NULL,
	halt          TEXT NOT NULL,  -- '', 'stalled' or 'suspended'
	as_of         TEXT NOT NULL,  -- of the latest record about the project
	publisher     TEXT NOT NULL,
	importer      INTEGER NOT NULL,
	dataset       TEXT NOT NULL,  -- the provenance's publisher and dataset, for imported projects
	amount_usd    REAL,           -- as reported; NULL when not reported
	in_totals     INTEGER NOT NULL,
	lon           REAL,
	lat           REAL,
	records       INTEGER NOT NULL,
	first_idx     INTEGER NOT NULL,
	desc_idx      INTEGER NOT NULL, -- the latest version of the description
	head_idx      INTEGER NOT NULL,
	updated       TEXT NOT NULL
) STRICT;
CREATE INDEX projects_host ON projects (host, name);
CREATE INDEX projects_status ON projects (status, halt);
CREATE TABLE project_sectors (
	project TEXT NOT NULL,
	sector  TEXT NOT NULL,
	PRIMARY KEY (project, sector)
) STRICT;
CREATE INDEX project_sectors_sector ON project_sectors (sector);
CREATE TABLE project_sponsors (
	project TEXT NOT NULL,
	n       INTEGER NOT NULL,
	name    TEXT NOT NULL,
	type    TEXT NOT NULL,
	role    TEXT NOT NULL,
	country TEXT NOT NULL,
	party   TEXT NOT NULL,
	PRIMARY KEY (project, n)
) STRICT;
CREATE INDEX project_sponsors_type ON project_sponsors (type, project);
CREATE TABLE project_designations (
	project        TEXT PRIMARY KEY,
	state          TEXT NOT NULL,
	rule           TEXT NOT NULL,
	claim          TEXT NOT NULL,
	claim_by       TEXT NOT NULL,
	claim_idx      INTEGER NOT NULL,
	designating    TEXT NOT NULL,
	designating_by TEXT NOT NULL,
	designating_idx INTEGER NOT NULL,
	host           TEXT NOT NULL,
	host_by        TEXT NOT NULL,
	host_idx       INTEGER NOT NULL,
	records        INTEGER NOT NULL,
	head_idx       INTEGER NOT NULL
) STRICT;
CREATE INDEX project_designations_state ON project_designations (state);
CREATE TABLE project_outreach (
	subject      TEXT PRIMARY KEY,
	project      TEXT NOT NULL,
	type         TEXT NOT NULL,
	title        TEXT NOT NULL,
	date         TEXT NOT NULL,  -- as given: YYYY-MM-DD, YYYY-MM or YYYY
	first_day    TEXT NOT NULL,  -- the first day date may mean
	last_day     TEXT NOT NULL,  -- the last day it may mean
	place        TEXT NOT NULL,
	participants INTEGER,
	conducted_by TEXT NOT NULL,
	reporter     TEXT NOT NULL,
	lon          REAL,
	lat          REAL,
	versions     INTEGER NOT NULL,
	head_idx     INTEGER NOT NULL
) STRICT;
CREATE INDEX project_outreach_project ON project_outreach (project, first_day);
CREATE TABLE project_outreach_comments (
	subject   TEXT PRIMARY KEY,
	outreach  TEXT NOT NULL,
	project   TEXT NOT NULL,
	author    TEXT NOT NULL,
	stance    TEXT NOT NULL,
	stated_on TEXT NOT NULL,
	head_idx  INTEGER NOT NULL
) STRICT;
CREATE INDEX project_outreach_comments_outreach ON project_outreach_comments (outreach);
CREATE TABLE elections (
	subject     TEXT PRIMARY KEY,
	state       TEXT NOT NULL,
	name        TEXT NOT NULL,
	level       TEXT NOT NULL,
	office      TEXT NOT NULL,
	date        TEXT NOT NULL,
	date_status TEXT NOT NULL,
	first_day   TEXT NOT NULL,
	last_day    TEXT NOT NULL,
	government_changed INTEGER,  -- NULL when not said
	author      TEXT NOT NULL,
	versions    INTEGER NOT NULL,
	head_idx    INTEGER NOT NULL
) STRICT;
CREATE INDEX elections_state ON elections (state, last_day);
`),
}

func (projection) Schema() store.Schema { return tableSchema }
func (projection) Kinds() []string {
	return []string{KindProject, KindStatus, KindDesignation, KindOutreach, KindComment, KindElection}
}

func (projection) Apply(ctx context.Context, tx *store.Tx, a *projector.Applied) error {
	switch a.Record.Kind {
	case KindProject:
		return applyProject(ctx, tx, a)
	case KindStatus:
		return applyStatus(ctx, tx, a)
	case KindDesignation:
		return applyDesignation(ctx, tx, a)
	case KindOutreach:
		return applyOutreach(ctx, tx, a)
	case KindComment:
		return applyComment(ctx, tx, a)
	case KindElection:
		return applyElection(ctx, tx, a)
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func applyProject(ctx context.Context, tx *store.Tx, a *projector.Applied) error {
	var b Body
	if err := json.Unmarshal(a.Record.Body, &b); err != nil {
		return err
	}
	st, ok := a.Head.Data.(*ProjectState)
	if !ok {
		return fmt.Errorf("logic error: project %s has state %T", a.Record.Subject, a.Head.Data)
	}
	id := projectID(a.Record.Subject)
	var usd, lon, lat any
	if v, ok := b.USD(); ok {
		usd = v
	}
	if p, ok := b.Location.Representative(); ok {
		lon, lat = p.Lon, p.Lat
	}
	dataset := ""
	if b.Provenance != nil {
		dataset = b.Provenance.Publisher + ", " + b.Provenance.Dataset + " " + b.Provenance.Version
	}
	err := tx.Exec(ctx, `INSERT INTO projects (id, host, name, sector, type, status, halt, as_of, publisher, importer, dataset, amount_usd, in_totals, lon, lat, records, first_idx, desc_idx, head_idx, updated)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18, $19)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, sector = excluded.sector, type = excluded.type, status = excluded.status, halt = excluded.halt,
			as_of = excluded.as_of, dataset = excluded.dataset, amount_usd = excluded.amount_usd, in_totals = excluded.in_totals, lon = excluded.lon, lat = excluded.lat,
			records = excluded.records, desc_idx = excluded.desc_idx, head_idx = excluded.head_idx, updated = excluded.updated`,
		id, b.Host, b.Name, b.Sector[0], b.Type, st.Status, st.Halt, b.AsOf, st.Publisher, boolInt(st.Importer), dataset, usd, boolInt(b.CountsInTotals()),
		lon, lat, a.Head.Version, int64(a.Head.Created), int64(a.Index), a.Record.Time)
	if err != nil {
		return err
	}
	if err := tx.Exec(ctx, `DELETE FROM project_sectors WHERE project = $1`, id); err != nil {
		return err
	}
	for _, s := range b.Sector {
		if err := tx.Exec(ctx, `INSERT INTO project_sectors (project, sector) VALUES ($1, $2)`, id, s); err != nil {
			return err
		}
	}
	if err := tx.Exec(ctx, `DELETE FROM project_sponsors WHERE project = $1`, id); err != nil {
		return err
	}
	for i, s := range b.Sponsors {
		if err := tx.Exec(ctx, `INSERT INTO project_sponsors (project, n, name, type, role, country, party) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			id, i, s.Name, s.Type, s.Role, s.Country, s.Party); err != nil {
			return err
		}
	}
	return nil
}

func applyStatus(ctx context.Context, tx *store.Tx, a *projector.Applied) error {
	var b StatusBody
	if err := json.Unmarshal(a.Record.Body, &b); err != nil {
		return err
	}
	st, ok := a.Head.Data.(*ProjectState)
	if !ok {
		return fmt.Errorf("logic error: project %s has state %T", a.Record.Subject, a.Head.Data)
	}
	return tx.Exec(ctx, `UPDATE projects SET status = $2, halt = $3, as_of = $4, records = $5, head_idx = $6, updated = $7 WHERE id = $1`,
		projectID(a.Record.Subject), st.Status, st.Halt, b.AsOf, a.Head.Version, int64(a.Index), a.Record.Time)
}

func applyDesignation(ctx context.Context, tx *store.Tx, a *projector.Applied) error {
	d, ok := a.Head.Data.(*Designation)
	if !ok {
		return fmt.Errorf("logic error: designation %s has state %T", a.Record.Subject, a.Head.Data)
	}
	return tx.Exec(ctx, `INSERT INTO project_designations (project, state, rule, claim, claim_by, claim_idx, designating, designating_by, designating_idx, host, host_by, host_idx, records, head_idx)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
		ON CONFLICT (project) DO UPDATE SET state = excluded.state, rule = excluded.rule, claim = excluded.claim, claim_by = excluded.claim_by, claim_idx = excluded.claim_idx,
			designating = excluded.designating, designating_by = excluded.designating_by, designating_idx = excluded.designating_idx,
			host = excluded.host, host_by = excluded.host_by, host_idx = excluded.host_idx, records = excluded.records, head_idx = excluded.head_idx`,
		projectID(a.Record.Subject), d.State, d.Rule, d.Claim.Stance, d.Claim.By, int64(d.Claim.Index), d.Designating.Stance, d.Designating.By, int64(d.Designating.Index),
		d.Host.Stance, d.Host.By, int64(d.Host.Index), a.Head.Version, int64(a.Index))
}

func applyOutreach(ctx context.Context, tx *store.Tx, a *projector.Applied) error {
	var b OutreachBody
	if err := json.Unmarshal(a.Record.Body, &b); err != nil {
		return err
	}
	st, ok := a.Head.Data.(*OutreachState)
	if !ok {
		return fmt.Errorf("logic error: outreach %s has state %T", a.Record.Subject, a.Head.Data)
	}
	first, last, _ := DateRange(b.Date)
	if b.EndDate != "" {
		_, last, _ = DateRange(b.EndDate)
	}
	var participants, lon, lat any
	if b.Participants != nil && b.Participants.Count > 0 {
		participants = b.Participants.Count
	}
	if b.Location != nil && len(b.Location.Point) == 2 {
		lon, lat = b.Location.Point[0], b.Location.Point[1]
	}
	return tx.Exec(ctx, `INSERT INTO project_outreach (subject, project, type, title, date, first_day, last_day, place, participants, conducted_by, reporter, lon, lat, versions, head_idx)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
		ON CONFLICT (subject) DO UPDATE SET type = excluded.type, title = excluded.title, date = excluded.date, first_day = excluded.first_day, last_day = excluded.last_day,
			place = excluded.place, participants = excluded.participants, conducted_by = excluded.conducted_by, lon = excluded.lon, lat = excluded.lat,
			versions = excluded.versions, head_idx = excluded.head_idx`,
		a.Record.Subject, st.Project, b.Type, b.Title, b.Date, first.Format("2006-01-02"), last.Format("2006-01-02"), b.Place, participants, b.ConductedBy, st.Reporter,
		lon, lat, a.Head.Version, int64(a.Index))
}

func applyComment(ctx context.Context, tx *store.Tx, a *projector.Applied) error {
	var b CommentBody
	if err := json.Unmarshal(a.Record.Body, &b); err != nil {
		return err
	}
	outreach := a.Record.Subject[:strings.LastIndex(a.Record.Subject, "/comments/")]
	return tx.Exec(ctx, `INSERT INTO project_outreach_comments (subject, outreach, project, author, stance, stated_on, head_idx)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (subject) DO UPDATE SET stance = excluded.stance, stated_on = excluded.stated_on, head_idx = excluded.head_idx`,
		a.Record.Subject, outreach, projectID(a.Record.Subject), a.Record.Author, b.Stance, b.StatedOn, int64(a.Index))
}

func applyElection(ctx context.Context, tx *store.Tx, a *projector.Applied) error {
	var b ElectionBody
	if err := json.Unmarshal(a.Record.Body, &b); err != nil {
		return err
	}
	first, last, _ := DateRange(b.Date)
	var changed any
	if b.GovernmentChanged != nil {
		changed = boolInt(*b.GovernmentChanged)
	}
	return tx.Exec(ctx, `INSERT INTO elections (subject, state, name, level, office, date, date_status, first_day, last_day, government_changed, author, versions, head_idx)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
		ON CONFLICT (subject) DO UPDATE SET name = excluded.name, level = excluded.level, office = excluded.office, date = excluded.date, date_status = excluded.date_status,
			first_day = excluded.first_day, last_day = excluded.last_day, government_changed = excluded.government_changed, author = excluded.author,
			versions = excluded.versions, head_idx = excluded.head_idx`,
		a.Record.Subject, ledger.SubjectSegment(a.Record.Subject, 1), b.Name, b.Level, b.Office, b.Date, b.DateStatus,
		first.Format("2006-01-02"), last.Format("2006-01-02"), changed, a.Record.Author, a.Head.Version, int64(a.Index))
}
