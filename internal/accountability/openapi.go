package accountability

import "github.com/kongsi/kongsi/internal/web"

func openAPIPaths() map[string]any {
	obj := func(props map[string]any) map[string]any {
		return map[string]any{"type": "object", "properties": props}
	}
	arr := func(items map[string]any) map[string]any { return map[string]any{"type": "array", "items": items} }
	enum := func(vs ...string) map[string]any { return map[string]any{"type": "string", "enum": vs} }
	boolean := map[string]any{"type": "boolean"}
	num := map[string]any{"type": "number"}
	strs := arr(web.Str)
	party := obj(map[string]any{"id": web.Str, "name": web.Str})
	parties := arr(party)
	option := obj(map[string]any{"id": web.Str, "title": web.Str})
	statuses := []string{StatusOverdue, StatusAtRisk, StatusPending, StatusOnTrack, StatusMet, StatusWithdrawn}
	derived := map[string]any{
		"status": enum(statuses...), "status_title": web.Str, "as_of": web.Str, "days_overdue": web.Int, "days_left": map[string]any{"type": "integer"},
		"met_late": boolean, "contested": boolean, "reasons": strs,
	}
	milestone := obj(map[string]any{"id": web.Str, "title": web.Str, "due_on": web.Str, "met_on": web.Str, "overdue": boolean})
	rating := obj(map[string]any{"assessor": web.Str, "assessor_name": web.Str, "rating": enum("on-track", "at-risk", "overdue", "met"), "assessed_on": web.Str, "index": web.Int})
	commitmentProps := map[string]any{
		"subject": web.Str, "slug": web.Str, "title": web.Str, "made_in": web.Str, "made_on": web.Str, "due_on": web.Str, "first_due_on": web.Str,
		"pledgers": parties, "related": parties, "withdrawn": boolean, "versions": web.Int, "latest_index": web.Int, "reports": web.Int,
		"last_reported_on": web.Str, "last_report_status": web.Str, "met_on": web.Str, "milestones": arr(milestone), "milestones_met": web.Int,
		"latest_assessments": arr(rating), "rescheduled": boolean, "url": web.Str,
	}
	for k, v := range derived {
		commitmentProps[k] = v
	}
	commitment := obj(commitmentProps)
	detailProps := map[string]any{
		"body": web.Ref("body." + KindCommitment),
		"reports": arr(obj(map[string]any{"subject": web.Str, "pledger": party, "author": web.Str, "reported_on": web.Str, "status": enum("in-progress", "at-risk", "met"),
			"met_on": web.Str, "summary": web.Str, "milestones_met": arr(obj(map[string]any{"milestone": web.Str, "met_on": web.Str})), "versions": web.Int, "latest_index": web.Int})),
		"assessments": arr(obj(map[string]any{"subject": web.Str, "assessor": party, "author": web.Str, "assessed_on": web.Str, "rating": web.Str, "reasons": web.Str,
			"current": boolean, "versions": web.Int, "latest_index": web.Int})),
		"programmes": arr(obj(map[string]any{"subject": web.Str, "title": web.Str})),
	}
	for k, v := range commitmentProps {
		detailProps[k] = v
	}
	initiativeProps := map[string]any{
		"subject": web.Str, "slug": web.Str, "title": web.Str, "description": web.Str, "pillars": arr(option), "domains": arr(option), "mechanism": option,
		"mechanism_detail": web.Str, "participants": parties, "started_on": web.Str, "ended_on": web.Str, "versions": web.Int, "latest_index": web.Int,
		"actions": web.Int, "actions_open": web.Int, "actions_overdue": web.Int, "url": web.Str,
	}
	action := obj(map[string]any{
		"subject": web.Str, "initiative": web.Str, "initiative_title": web.Str, "slug": web.Str, "title": web.Str, "description": web.Str,
		"owner": party, "owner_home": web.Str, "owed_to": parties, "due_on": web.Str, "first_due_on": web.Str, "status": enum("open", "in-progress", "blocked", "done", "cancelled"),
		"status_title": web.Str, "status_note": web.Str, "done_on": web.Str, "depends_on": strs, "waiting_on": strs, "illustrative": boolean,
		"overdue": boolean, "days_overdue": web.Int, "days_left": map[string]any{"type": "integer"}, "done_late": boolean,
		"signed": web.Str, "versions": web.Int, "latest_index": web.Int, "url": web.Str,
	})
	initiativeDetail := map[string]any{"body": web.Ref("body." + KindInitiative), "action_items": arr(action)}
	for k, v := range initiativeProps {
		initiativeDetail[k] = v
	}
	target := obj(map[string]any{"measure": web.Str, "unit": web.Str, "value": num, "recipient": party, "by": web.Str,
		"delivered": num, "confirmed": num, "unconfirmed": num, "disputed": num})
	delivery := obj(map[string]any{
		"subject": web.Str, "programme": web.Str, "programme_title": web.Str, "provider": party, "provider_home": web.Str, "recipient": party, "recipient_home": web.Str,
		"measure": web.Str, "value": num, "period_from": web.Str, "delivered_on": web.Str, "description": web.Str, "author": web.Str, "latest_index": web.Int,
		"confirmation": enum(Unconfirmed, Confirmed, Disputed, Revised), "confirmation_title": web.Str, "confirmed_value": num, "confirmed_on": web.Str,
		"confirmed_by": web.Str, "confirmation_note": web.Str, "confirmation_index": web.Int,
	})
	programmeProps := map[string]any{
		"subject": web.Str, "slug": web.Str, "title": web.Str, "description": web.Str, "provider": party, "recipients": parties, "announced_in": web.Str,
		"announced_on": web.Str, "commitment": web.Str, "commitment_title": web.Str, "targets": arr(target), "deliveries": web.Int, "unconfirmed_deliveries": web.Int,
		"versions": web.Int, "latest_index": web.Int, "url": web.Str,
	}
	programmeDetail := map[string]any{"body": web.Ref("body." + KindProgramme), "deliveries": arr(delivery)}
	for k, v := range programmeProps {
		programmeDetail[k] = v
	}
	exchanges := obj(map[string]any{
		"tourism": arr(obj(map[string]any{"subject": web.Str, "origin": party, "destination": party, "year": web.Int, "arrivals": web.Int, "rounded_to": web.Int,
			"definition": web.Str, "source": web.Str, "author": web.Str, "latest_index": web.Int})),
		"visits": arr(obj(map[string]any{"subject": web.Str, "visitor": party, "visitor_title": web.Str, "host": party, "kind": option, "start_on": web.Str,
			"end_on": web.Str, "summary": web.Str, "author": web.Str, "latest_index": web.Int})),
		"events": arr(obj(map[string]any{"subject": web.Str, "title": web.Str, "track": option, "organisers": strs, "country": party, "place": web.Str,
			"start_on": web.Str, "end_on": web.Str, "summary": web.Str, "author": web.Str, "latest_index": web.Int})),
	})
	counts := map[string]any{"type": "object", "additionalProperties": web.Int}
	scorecard := obj(map[string]any{
		"party": party, "as_of": web.Str, "url": web.Str,
		"commitments": obj(map[string]any{"pledged": web.Int, "by_status": counts, "met_on_time": web.Int, "met_late": web.Int, "rescheduled": web.Int,
			"reports_made": web.Int, "last_reported_on": web.Str, "assessments_made": web.Int, "assessments_received": counts, "items": arr(commitment)}),
		"actions": obj(map[string]any{"owned": web.Int, "open": web.Int, "overdue": web.Int, "done": web.Int, "done_late": web.Int, "cancelled": web.Int, "owing": arr(action)}),
		"deliveries": obj(map[string]any{"provided": web.Int, "provided_confirmed": web.Int, "provided_unconfirmed": web.Int, "provided_disputed": web.Int,
			"received": web.Int, "awaiting_its_confirmation": web.Int, "items": arr(delivery)}),
	})

	partyParam := func(desc string) map[string]any { return web.Param("query", "party", desc, web.Str) }
	commitmentParams := []map[string]any{
		partyParam("Commitments pledged by this party; a state's code selects those of its authorities too."),
		web.Param("query", "status", "The status today: overdue, at-risk, pending, on-track, met or withdrawn.", enum(statuses...)),
	}
	initiativeParams := []map[string]any{
		web.Param("query", "pillar", "political-security, economic or socio-cultural.", web.Str),
		web.Param("query", "domain", "A domain: law-enforcement, emergency-management, public-health, maritime, education…", web.Str),
		web.Param("query", "mechanism", "asean-china, admm-plus, arf, east-asia-summit, asean-plus-three, lancang-mekong, minilateral, bilateral, track-2 or other.", web.Str),
		partyParam("Initiatives this party takes part in."),
	}
	actionParams := []map[string]any{
		web.Param("query", "owner", "Items owed by this party; a state's code selects those of its authorities too.", web.Str),
		web.Param("query", "status", "open, in-progress, blocked, done, cancelled; pending (neither done nor cancelled); or overdue (pending and past due today).", web.Str),
		web.Param("query", "initiative", "The slug of an initiative.", web.Str),
	}
	deliveryParams := []map[string]any{
		web.Param("query", "programme", "The slug of a programme.", web.Str),
		partyParam("Deliveries this party provided or received."),
		web.Param("query", "pending", "true: only deliveries awaiting the recipient's confirmation.", boolean),
	}
	exchangeParams := []map[string]any{
		web.Param("query", "type", "tourism, visits or events.", enum("tourism", "visits", "events")),
		web.Param("query", "country", "Exchanges involving this state (or asean, for tourist flows).", web.Str),
	}
	slugParam := func(what string) []map[string]any {
		return []map[string]any{web.Param("path", "slug", "The "+what+"'s slug, the last part of its subject.", web.Str)}
	}
	asOf := func(key string, items map[string]any) map[string]any {
		return obj(map[string]any{"as_of": web.Str, key: arr(items)})
	}
	return map[string]any{
		"/api/v1/commitments": map[string]any{"get": web.Op("Commitments with their status today (derived from reports, assessments and due dates), the most pressing first.",
			commitmentParams, web.JSONResponse("Commitments.", asOf("commitments", commitment)))},
		"/api/v1/commitments.csv": map[string]any{"get": web.Op("The same list as a CSV download.", commitmentParams,
			web.CSVResponse("subject, title, pledgers, made_in, made_on, due_on, first_due_on, status, as_of, days_overdue, reports, last_reported_on, met_on, milestones, milestones_met, assessors, latest_index"))},
		"/api/v1/commitments/{slug}": map[string]any{"get": web.Op("One commitment: its text, milestones, status today and why, every progress report and assessment.",
			slugParam("commitment"), web.JSONResponse("The commitment.", obj(detailProps)))},
		"/api/v1/commitments/{slug}/milestones.csv": map[string]any{"get": web.Op("A commitment's milestones as a CSV download, with whether each is past due today.", slugParam("commitment"),
			web.CSVResponse("commitment, milestone, title, due_on, met_on, overdue"))},
		"/api/v1/commitments/{slug}/reports.csv": map[string]any{"get": web.Op("A commitment's progress reports as a CSV download, newest first.", slugParam("commitment"),
			web.CSVResponse("subject, pledger, author, reported_on, status, met_on, milestones_met, summary, latest_index"))},
		"/api/v1/commitments/{slug}/assessments.csv": map[string]any{"get": web.Op("A commitment's assessments by other parties as a CSV download, newest first.", slugParam("commitment"),
			web.CSVResponse("subject, assessor, author, assessed_on, rating, current, reasons, latest_index"))},
		"/api/v1/initiatives": map[string]any{"get": web.Op("Cooperation initiatives, tagged by pillar, domain and mechanism, with how their action items stand today.",
			initiativeParams, web.JSONResponse("Initiatives.", asOf("initiatives", obj(initiativeProps))))},
		"/api/v1/initiatives.csv": map[string]any{"get": web.Op("The same list as a CSV download.", initiativeParams,
			web.CSVResponse("subject, title, pillars, domains, mechanism, mechanism_detail, participants, started_on, ended_on, action_items, action_items_open, action_items_overdue, latest_index"))},
		"/api/v1/initiatives/{slug}": map[string]any{"get": web.Op("One initiative with its action items.", slugParam("initiative"),
			web.JSONResponse("The initiative.", obj(initiativeDetail)))},
		"/api/v1/actions": map[string]any{"get": web.Op("The coordination board: action items by due date, with whether each is overdue today.", actionParams,
			web.JSONResponse("Action items.", asOf("actions", action)))},
		"/api/v1/actions.csv": map[string]any{"get": web.Op("The same list as a CSV download.", actionParams,
			web.CSVResponse("subject, initiative, title, owner, owed_to, due_on, first_due_on, status, overdue, days_overdue, done_on, depends_on, waiting_on, illustrative, latest_index"))},
		"/api/v1/programmes": map[string]any{"get": web.Op("Capacity-building programmes, each target with what was delivered against it, confirmed or not by the recipient.",
			[]map[string]any{partyParam("Programmes this party provides or receives.")}, web.JSONResponse("Programmes.", obj(map[string]any{"programmes": arr(obj(programmeProps))})))},
		"/api/v1/programmes.csv": map[string]any{"get": web.Op("Programme targets and delivery as a CSV download, one row per target.",
			[]map[string]any{partyParam("Programmes this party provides or receives."), web.Param("query", "programme", "The slug of one programme.", web.Str)},
			web.CSVResponse("programme, title, provider, measure, unit, recipient, target, by, delivered, confirmed, unconfirmed, disputed"))},
		"/api/v1/programmes/{slug}": map[string]any{"get": web.Op("One programme with its deliveries and their confirmation.", slugParam("programme"),
			web.JSONResponse("The programme.", obj(programmeDetail)))},
		"/api/v1/deliveries": map[string]any{"get": web.Op("Deliveries under programmes, the latest first, with the recipient's confirmation.", deliveryParams,
			web.JSONResponse("Deliveries.", obj(map[string]any{"deliveries": arr(delivery)})))},
		"/api/v1/deliveries.csv": map[string]any{"get": web.Op("The same list as a CSV download.", deliveryParams,
			web.CSVResponse("subject, programme, provider, recipient, measure, value, period_from, delivered_on, confirmation, confirmed_value, confirmed_on, confirmed_by, latest_index"))},
		"/api/v1/exchanges": map[string]any{"get": web.Op("People-to-people exchanges: tourist arrivals by year in each direction, official visits and Track 2 events.", exchangeParams,
			web.JSONResponse("Exchanges.", exchanges))},
		"/api/v1/exchanges.csv": map[string]any{"get": web.Op("One type of exchange as a CSV download (tourism by default).", exchangeParams,
			web.CSVResponse("tourism: subject, origin, destination, year, arrivals, rounded_to, definition, source, latest_index; visits and events have their own columns"))},
		"/api/v1/scorecards": map[string]any{"get": web.Op("The scorecard of every state and organisation, today.", nil,
			web.JSONResponse("Scorecards.", asOf("scorecards", scorecard)))},
		"/api/v1/scorecards.csv": map[string]any{"get": web.Op("The scorecards as a CSV download, one row per party.", nil,
			web.CSVResponse("party, name, as_of, pledged, commitments by status, reports, assessments, action items, deliveries"))},
		"/api/v1/parties/{id}/scorecard": map[string]any{"get": web.Op("What a party has pledged, owes and delivered, today: its commitments by status, the action items it owes, its deliveries and their confirmation. A state's scorecard includes its authorities'.",
			[]map[string]any{web.Param("path", "id", "A party such as khm, khm.mfaic or org.iseas.", web.Str)}, web.JSONResponse("The scorecard.", scorecard))},
	}
}
