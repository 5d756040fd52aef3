package projects

import "github.com/kongsi/kongsi/internal/web"

func openAPIPaths() map[string]any {
	str, integer, num, boolean := web.Str, web.Int, map[string]any{"type": "number"}, map[string]any{"type": "boolean"}
	arr := func(items map[string]any) map[string]any { return map[string]any{"type": "array", "items": items} }
	obj := func(props map[string]any) map[string]any {
		return map[string]any{"type": "object", "properties": props}
	}
	filters := []map[string]any{
		web.Param("query", "country", "The host state's code (idn).", str),
		web.Param("query", "sector", "An OC4IDS projectSector code; a sector also selects its subsectors' projects.", str),
		web.Param("query", "status", "An OC4IDS projectStatus code.", str),
		web.Param("query", "halt", "stalled, suspended, or any for either.", str),
		web.Param("query", "designation", "confirmed, claimed, disputed, withdrawn, denied or none.", str),
		web.Param("query", "sponsor_type", "state-owned-enterprise, private-company, government, policy-bank or unclassified.", str),
		web.Param("query", "reported", "authority (published by an authority) or importer (reported from an outside dataset).", str),
		web.Param("query", "q", "Words in the project's name.", str),
	}
	paged := append(append([]map[string]any{}, filters...), web.Param("query", "page", "A page of 100 projects; without it, all of them.", integer))
	sponsor := obj(map[string]any{"name": str, "type": str, "role": str, "country": str, "party": str})
	summary := obj(map[string]any{
		"id": str, "name": str, "host": str, "host_name": str, "sector": str, "sectors": arr(str), "type": str, "status": str, "status_title": str,
		"halt": str, "designation": str, "designation_title": str, "sponsor_types": arr(str), "sponsors": arr(sponsor), "amount_usd": num,
		"in_totals": boolean, "publisher": str, "reported_by": str, "dataset": str, "as_of": str, "lon": num, "lat": num,
		"records": integer, "updated": str, "head_index": integer, "url": str,
	})
	voice := obj(map[string]any{"stance": str, "by": str, "index": integer})
	line := obj(map[string]any{"index": integer, "time": str, "kind": str, "kind_title": str, "subject": str, "author": str, "version": integer, "summary": str, "date": str, "body": map[string]any{"type": "object"}, "url": str})
	part := obj(map[string]any{"code": str, "name": str, "points": num, "max": num, "explanation": str})
	score := obj(map[string]any{"project": str, "project_name": str, "host": str, "host_name": str, "score": num, "closed": boolean, "day": str, "parts": arr(part)})
	comment := obj(map[string]any{"subject": str, "author": str, "stance": str, "stated_on": str, "text": str, "index": integer})
	outreach := obj(map[string]any{"subject": str, "project": str, "project_name": str, "type": str, "type_title": str, "title": str, "date": str, "first_day": str,
		"last_day": str, "place": str, "participants": integer, "conducted_by": str, "reporter": str, "versions": integer, "index": integer, "comments": arr(comment),
		"body": web.Ref("body." + KindOutreach)})
	intensity := obj(map[string]any{"last_12_months": integer, "total": integer, "participants": integer, "consultations": integer, "community_programmes": integer, "csr": integer, "last_date": str})
	election := obj(map[string]any{"subject": str, "state": str, "state_name": str, "name": str, "level": str, "office": str, "date": str, "date_status": str,
		"first_day": str, "last_day": str, "government_changed": boolean, "author": str, "index": integer, "upcoming": boolean, "days_until": integer})
	detail := obj(map[string]any{
		"id": str, "name": str, "host": str, "status": str, "designation": str, "body": web.Ref("body." + KindProject), "body_index": integer,
		"designation_detail": obj(map[string]any{"state": str, "title": str, "rule": str, "claim": voice, "designating": voice, "host": voice, "records": arr(line)}),
		"outreach":           arr(outreach), "outreach_intensity": intensity, "risk": score, "upcoming_elections": arr(election), "records": arr(line), "oc4ids_url": str,
	})
	row := obj(map[string]any{"sponsor_type": str, "title": str, "projects": integer, "confirmed": integer, "unconfirmed_claims": integer, "disputed": integer,
		"withdrawn": integer, "denied": integer, "stalled": integer, "suspended": integer, "cancelled": integer})
	oc4idsPackage := map[string]any{"type": "object", "description": "An OC4IDS 0.9 project package; see https://standard.open-contracting.org/infrastructure/."}
	id := web.Param("path", "id", "The project's identifier: its host's code, a hyphen and a name (idn-jakarta-bandung-hsr).", str)
	country := []map[string]any{web.Param("query", "country", "A member state's code.", str)}
	return map[string]any{
		"/api/v1/projects": map[string]any{"get": web.Op("Projects, by host and name, with the filters of the project list.", paged,
			web.JSONResponse("The projects and how many the filters select.", obj(map[string]any{"total": integer, "projects": arr(summary)})))},
		"/api/v1/projects.csv": map[string]any{"get": web.Op("The same list as a CSV download.", filters,
			web.CSVResponse("id, name, host, host_name, sectors, type, status, halt, designation, sponsor_types, sponsors, amount_usd, in_totals, publisher, reported_by, dataset, as_of, lon, lat, updated, head_index"))},
		"/api/v1/projects.oc4ids.json": map[string]any{"get": web.Op("The projects the filters select, as an OC4IDS project package.", filters, web.JSONResponse("An OC4IDS package.", oc4idsPackage))},
		"/api/v1/projects/report": map[string]any{"get": web.Op("The designation report: unconfirmed and disputed claims of the Belt and Road label, and stalled, suspended and cancelled projects, by sponsor type.", filters,
			web.JSONResponse("The report.", obj(map[string]any{"by_sponsor_type": arr(row), "unconfirmed_claims": arr(summary), "disputed": arr(summary), "stalled_suspended_cancelled": arr(summary)})))},
		"/api/v1/projects/report.csv": map[string]any{"get": web.Op("The report's counts by sponsor type as a CSV download.", filters,
			web.CSVResponse("sponsor_type, projects, confirmed, unconfirmed_claims, disputed, withdrawn, denied, stalled, suspended, cancelled"))},
		"/api/v1/projects/{id}": map[string]any{"get": web.Op("One project: its current description, designation (with how its state is derived), outreach, political risk today, and every record about it.",
			[]map[string]any{id}, web.JSONResponse("The project.", detail))},
		"/api/v1/projects/{id}/oc4ids": map[string]any{"get": web.Op("One project as an OC4IDS project package.", []map[string]any{id}, web.JSONResponse("An OC4IDS package of one project.", oc4idsPackage))},
		"/api/v1/risk": map[string]any{"get": web.Op("Political risk scores of the projects, computed for today, highest first; each with its parts and their reasons.", filters,
			web.JSONResponse("The scores.", obj(map[string]any{"day": str, "scores": arr(score)})))},
		"/api/v1/risk.csv": map[string]any{"get": web.Op("The scores as a CSV download.", filters,
			web.CSVResponse("project, name, host, day, closed, score, elections, status, outreach, designation, sponsors, explanation"))},
		"/api/v1/outreach": map[string]any{"get": web.Op("Outreach intensity per project (for today), and every outreach report with its comments.", nil,
			web.JSONResponse("Outreach.", obj(map[string]any{"day": str, "intensity": arr(obj(map[string]any{"project": str, "name": str, "host": str, "host_name": str, "status": str, "intensity": intensity})), "reports": arr(outreach)})))},
		"/api/v1/outreach.csv": map[string]any{"get": web.Op("Every outreach report as a CSV download.", nil,
			web.CSVResponse("subject, project, project_name, type, title, date, place, participants, conducted_by, reporter, comments, index"))},
		"/api/v1/elections": map[string]any{"get": web.Op("The election calendar, by date, with whether each election is upcoming today.", country,
			web.JSONResponse("Elections.", obj(map[string]any{"day": str, "elections": arr(election)})))},
		"/api/v1/elections.csv": map[string]any{"get": web.Op("The election calendar as a CSV download.", country,
			web.CSVResponse("subject, state, state_name, name, level, office, date, date_status, last_day, upcoming, days_until, government_changed, author, index"))},
	}
}
