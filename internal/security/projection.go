package security

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/kongsi/kongsi/internal/projector"
	"github.com/kongsi/kongsi/internal/store"
)

type projection struct{}

var tableSchema = store.Schema{
	Name:   "security",
	Tables: []string{"sec_facilities", "sec_portcalls", "sec_activities", "sec_activity_participants", "sec_observations", "sec_postures"},
	Migrations: store.Both(`
CREATE TABLE sec_facilities (
	subject       TEXT PRIMARY KEY,
	host          TEXT NOT NULL,
	name          TEXT NOT NULL,
	type          TEXT NOT NULL,
	lon           REAL NOT NULL,
	lat           REAL NOT NULL,
	loc_precision TEXT NOT NULL,
	place         TEXT NOT NULL,
	operator      TEXT NOT NULL,
	role          TEXT NOT NULL,
	access        TEXT NOT NULL,
	access_policy TEXT NOT NULL,
	status        TEXT NOT NULL,
	opened_on     TEXT NOT NULL,
	author        TEXT NOT NULL,
	versions      INTEGER NOT NULL,
	first_idx     INTEGER NOT NULL,
	head_idx      INTEGER NOT NULL
) STRICT;
CREATE INDEX sec_facilities_host ON sec_facilities (host, name);
CREATE TABLE sec_portcalls (
	subject      TEXT PRIMARY KEY,
	host         TEXT NOT NULL,
	facility     TEXT NOT NULL,
	requester    TEXT NOT NULL,
	channel      TEXT NOT NULL,
	status       TEXT NOT NULL,
	decision     TEXT NOT NULL,
	arrival      TEXT NOT NULL,
	departure    TEXT NOT NULL,
	vessels      TEXT NOT NULL,
	purposes     TEXT NOT NULL,
	personnel    INTEGER NOT NULL,
	requested_on TEXT NOT NULL,
	decided_on   TEXT NOT NULL,
	recorded_on  TEXT NOT NULL,
	reason       TEXT NOT NULL,
	requested_by TEXT NOT NULL,
	versions     INTEGER NOT NULL,
	first_idx    INTEGER NOT NULL,
	head_idx     INTEGER NOT NULL,
	updated      TEXT NOT NULL
) STRICT;
CREATE INDEX sec_portcalls_facility ON sec_portcalls (facility, arrival);
CREATE INDEX sec_portcalls_requester ON sec_portcalls (requester, arrival);
CREATE INDEX sec_portcalls_arrival ON sec_portcalls (arrival);
CREATE TABLE sec_activities (
	subject          TEXT PRIMARY KEY,
	state            TEXT NOT NULL,
	title            TEXT NOT NULL,
	types            TEXT NOT NULL,
	framework        TEXT NOT NULL,
	start_on         TEXT NOT NULL,
	end_on           TEXT NOT NULL,
	participants     TEXT NOT NULL,
	area             TEXT NOT NULL,
	area_description TEXT NOT NULL,
	size             TEXT NOT NULL,
	notified_on      TEXT NOT NULL,
	cancelled        INTEGER NOT NULL,
	cancel_reason    TEXT NOT NULL,
	versions         INTEGER NOT NULL,
	first_idx        INTEGER NOT NULL,
	head_idx         INTEGER NOT NULL,
	updated          TEXT NOT NULL
) STRICT;
CREATE INDEX sec_activities_start ON sec_activities (start_on);
CREATE INDEX sec_activities_state ON sec_activities (state, start_on);
CREATE TABLE sec_activity_participants (
	subject TEXT NOT NULL,
	state   TEXT NOT NULL,
	role    TEXT NOT NULL,
	PRIMARY KEY (subject, state)
) STRICT;
CREATE INDEX sec_activity_participants_state ON sec_activity_participants (state);
CREATE TABLE sec_observations (
	subject          TEXT PRIMARY KEY,
	observer         TEXT NOT NULL,
	title            TEXT NOT NULL,
	conducting       TEXT NOT NULL,
	types            TEXT NOT NULL,
	start_on         TEXT NOT NULL,
	end_on           TEXT NOT NULL,
	area             TEXT NOT NULL,
	area_description TEXT NOT NULL,
	size             TEXT NOT NULL,
	description      TEXT NOT NULL,
	answered_by      TEXT NOT NULL,
	versions         INTEGER NOT NULL,
	first_idx        INTEGER NOT NULL,
	head_idx         INTEGER NOT NULL
) STRICT;
CREATE TABLE sec_postures (
	subject    TEXT PRIMARY KEY,
	state      TEXT NOT NULL,
	year       INTEGER NOT NULL,
	summary    TEXT NOT NULL,
	facilities TEXT NOT NULL,
	versions   INTEGER NOT NULL,
	head_idx   INTEGER NOT NULL
) STRICT;
`),
}

func (projection) Schema() store.Schema { return tableSchema }

func (projection) Kinds() []string {
	return []string{KindFacility, KindPortCallRequest, KindPortCallDecision, KindPortCallAmendment, KindPortCallReport,
		KindActivityNotify, KindActivityAmend, KindActivityCancel, KindActivityObserved, KindPosture}
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "null"
	}
	return string(b)
}

func (projection) Apply(ctx context.Context, tx *store.Tx, a *projector.Applied) error {
	r := a.Record
	decode := func(v any) error {
		if err := json.Unmarshal(r.Body, v); err != nil {
			return fmt.Errorf("couldn't decode the body of %s %s: %w", r.Kind, r.Subject, err)
		}
		return nil
	}
	idx, date := int64(a.Index), r.When.UTC().Format(DateFormat)
	switch r.Kind {
	case KindFacility:
		var b FacilityBody
		if err := decode(&b); err != nil {
			return err
		}
		return tx.Exec(ctx, `INSERT INTO sec_facilities (subject, host, name, type, lon, lat, loc_precision, place, operator, role, access, access_policy, status, opened_on, author, versions, first_idx, head_idx)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17)
			ON CONFLICT (subject) DO UPDATE SET name = excluded.name, type = excluded.type, lon = excluded.lon, lat = excluded.lat, loc_precision = excluded.loc_precision,
				place = excluded.place, operator = excluded.operator, role = excluded.role, access = excluded.access, access_policy = excluded.access_policy,
				status = excluded.status, opened_on = excluded.opened_on, author = excluded.author, versions = excluded.versions, head_idx = excluded.head_idx`,
			r.Subject, hostOf(r.Subject), b.Name, b.Type, b.Location.Lon, b.Location.Lat, b.Location.Precision, b.Place, b.Operator, b.Role, b.Access,
			b.AccessPolicy, b.Status, b.OpenedOn, r.Author, a.Head.Version, idx)

	case KindPortCallRequest:
		var b RequestBody
		if err := decode(&b); err != nil {
			return err
		}
		pc := a.Head.Data.(*PortCallState)
		// A request recorded on or before the arrival was made then, unless
		// it says otherwise; one recorded later is a record after the fact,
		// whose request date is known only if stated.
		requested := b.RequestedOn
		if requested == "" && date <= b.Arrival {
			requested = date
		}
		return tx.Exec(ctx, `INSERT INTO sec_portcalls (subject, host, facility, requester, channel, status, decision, arrival, departure, vessels, purposes, personnel,
			requested_on, decided_on, recorded_on, reason, requested_by, versions, first_idx, head_idx, updated)
			VALUES ($1, $2, $3, $4, $5, $6, '', $7, $8, $9, $10, $11, $12, '', $13, '', $14, 1, $15, $15, $16)`,
			r.Subject, pc.Host, b.Facility, b.RequestingState, pc.Channel, pc.Status, b.Arrival, b.Departure, jsonText(b.Vessels), jsonText(b.Purposes), b.Personnel,
			requested, date, r.Author, idx, r.Time)

	case KindPortCallDecision:
		var b DecisionBody
		if err := decode(&b); err != nil {
			return err
		}
		// The decision's date: as stated, or this record's date when the
		// request was made in the register before the visit (so that the
		// register saw the request and the decision as they happened).
		decided := b.DecidedOn
		if decided == "" {
			var recorded, arrival string
			if err := tx.QueryRow(ctx, `SELECT recorded_on, arrival FROM sec_portcalls WHERE subject = $1`, r.Subject).Scan(&recorded, &arrival); err != nil {
				return fmt.Errorf("couldn't read port call %s: %w", r.Subject, err)
			}
			if recorded <= arrival {
				decided = date
			}
		}
		return tx.Exec(ctx, `UPDATE sec_portcalls SET status = $2, decision = $3, decided_on = $4, reason = $5, versions = $6, head_idx = $7, updated = $8 WHERE subject = $1`,
			r.Subject, b.Decision, b.Decision, decided, b.Reason, a.Head.Version, idx, r.Time)

	case KindPortCallAmendment:
		var b AmendmentBody
		if err := decode(&b); err != nil {
			return err
		}
		pc := a.Head.Data.(*PortCallState)
		if err := tx.Exec(ctx, `UPDATE sec_portcalls SET arrival = $2, departure = $3, versions = $4, head_idx = $5, updated = $6 WHERE subject = $1`,
			r.Subject, pc.Arrival, pc.Departure, a.Head.Version, idx, r.Time); err != nil {
			return err
		}
		if b.Vessels != nil {
			if err := tx.Exec(ctx, `UPDATE sec_portcalls SET vessels = $2 WHERE subject = $1`, r.Subject, jsonText(b.Vessels)); err != nil {
				return err
			}
		}
		if b.Purposes != nil {
			return tx.Exec(ctx, `UPDATE sec_portcalls SET purposes = $2 WHERE subject = $1`, r.Subject, jsonText(b.Purposes))
		}
		return nil

	case KindPortCallReport:
		var b ReportBody
		if err := decode(&b); err != nil {
			return err
		}
		pc := a.Head.Data.(*PortCallState)
		if b.Outcome == PortCallCancelled {
			return tx.Exec(ctx, `UPDATE sec_portcalls SET status = $2, reason = $3, versions = $4, head_idx = $5, updated = $6 WHERE subject = $1`,
				r.Subject, pc.Status, b.Reason, a.Head.Version, idx, r.Time)
		}
		return tx.Exec(ctx, `UPDATE sec_portcalls SET status = $2, arrival = $3, departure = $4, versions = $5, head_idx = $6, updated = $7 WHERE subject = $1`,
			r.Subject, pc.Status, pc.Arrival, pc.Departure, a.Head.Version, idx, r.Time)

	case KindActivityNotify, KindActivityAmend:
		var b ActivityBody
		if err := decode(&b); err != nil {
			return err
		}
		st := a.Head.Data.(*ActivityState)
		if err := tx.Exec(ctx, `INSERT INTO sec_activities (subject, state, title, types, framework, start_on, end_on, participants, area, area_description, size,
			notified_on, cancelled, cancel_reason, versions, first_idx, head_idx, updated)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 0, '', $13, $14, $14, $15)
			ON CONFLICT (subject) DO UPDATE SET title = excluded.title, types = excluded.types, framework = excluded.framework, start_on = excluded.start_on, end_on = excluded.end_on,
				participants = excluded.participants, area = excluded.area, area_description = excluded.area_description, size = excluded.size,
				versions = excluded.versions, head_idx = excluded.head_idx, updated = excluded.updated`,
			r.Subject, st.State, b.Title, jsonText(b.Types), b.Framework, b.Start, b.End, jsonText(b.Participants), string(b.Area), b.AreaDescription,
			jsonText(b.Size), date, a.Head.Version, idx, r.Time); err != nil {
			return err
		}
		if err := tx.Exec(ctx, `DELETE FROM sec_activity_participants WHERE subject = $1`, r.Subject); err != nil {
			return err
		}
		for _, p := range b.Participants {
			if err := tx.Exec(ctx, `INSERT INTO sec_activity_participants (subject, state, role) VALUES ($1, $2, $3)`, r.Subject, p.State, p.Role); err != nil {
				return err
			}
		}
		for _, o := range b.Answers {
			if err := tx.Exec(ctx, `UPDATE sec_observations SET answered_by = $2 WHERE subject = $1`, o, r.Subject); err != nil {
				return err
			}
		}
		return nil

	case KindActivityCancel:
		var b CancelBody
		if err := decode(&b); err != nil {
			return err
		}
		return tx.Exec(ctx, `UPDATE sec_activities SET cancelled = 1, cancel_reason = $2, versions = $3, head_idx = $4, updated = $5 WHERE subject = $1`,
			r.Subject, b.Reason, a.Head.Version, idx, r.Time)

	case KindActivityObserved:
		var b ObservedBody
		if err := decode(&b); err != nil {
			return err
		}
		return tx.Exec(ctx, `INSERT INTO sec_observations (subject, observer, title, conducting, types, start_on, end_on, area, area_description, size, description, answered_by, versions, first_idx, head_idx)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, '', $12, $13, $13)
			ON CONFLICT (subject) DO UPDATE SET title = excluded.title, conducting = excluded.conducting, types = excluded.types, start_on = excluded.start_on, end_on = excluded.end_on,
				area = excluded.area, area_description = excluded.area_description, size = excluded.size, description = excluded.description,
				versions = excluded.versions, head_idx = excluded.head_idx`,
			r.Subject, hostOf(r.Subject), b.Title, jsonText(b.ConductingStates), jsonText(b.Types), b.Start, b.End, string(b.Area), b.AreaDescription,
			jsonText(b.Size), b.Description, a.Head.Version, idx)

	case KindPosture:
		var b PostureBody
		if err := decode(&b); err != nil {
			return err
		}
		return tx.Exec(ctx, `INSERT INTO sec_postures (subject, state, year, summary, facilities, versions, head_idx) VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (subject) DO UPDATE SET summary = excluded.summary, facilities = excluded.facilities, versions = excluded.versions, head_idx = excluded.head_idx`,
			r.Subject, hostOf(r.Subject), b.Year, b.Summary, jsonText(b.FacilitiesAbroad), a.Head.Version, idx)
	}
	return nil
}
