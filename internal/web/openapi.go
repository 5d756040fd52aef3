package web

import (
	"encoding/json"
	"maps"
	"sync"

	"github.com/kongsi/kongsi/internal/node"
	"github.com/kongsi/kongsi/internal/record"
)

// openAPI builds the OpenAPI 3.1 description of the API.
type openAPI struct {
	n     *node.Node
	mu    sync.Mutex
	paths map[string]any
}

func newOpenAPI(n *node.Node) *openAPI {
	o := &openAPI{n: n, paths: map[string]any{}}
	o.addPaths(corePaths())
	o.addPaths(witnessPaths())
	return o
}

func (o *openAPI) addPaths(p map[string]any) {
	o.mu.Lock()
	defer o.mu.Unlock()
	maps.Copy(o.paths, p)
}

// Helpers for writing path items tersely.

// Ref refers to a component schema.
func Ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }

// Param is a query or path parameter.
func Param(in, name, desc string, schema map[string]any) map[string]any {
	p := map[string]any{"name": name, "in": in, "description": desc, "schema": schema}
	if in == "path" {
		p["required"] = true
	}
	return p
}

// Str, Int and Date are parameter schemas.
var (
	Str  = map[string]any{"type": "string"}
	Int  = map[string]any{"type": "integer", "minimum": 0}
	Date = map[string]any{"type": "string", "description": "a date (2025-04-27) or an RFC 3339 time"}
)

// JSONResponse describes a JSON response.
func JSONResponse(desc string, schema map[string]any) map[string]any {
	return map[string]any{"description": desc, "content": map[string]any{"application/json": map[string]any{"schema": schema}}}
}

// CSVResponse describes a CSV download.
func CSVResponse(desc string) map[string]any {
	return map[string]any{"description": desc, "content": map[string]any{"text/csv": map[string]any{"schema": Str}}}
}

// Op describes a GET operation answering JSON, with the usual errors.
func Op(summary string, params []map[string]any, ok map[string]any) map[string]any {
	return map[string]any{
		"summary": summary, "parameters": params,
		"responses": map[string]any{"200": ok, "4XX": JSONResponse("A refusal: which field, which rule.", Ref("Error"))},
	}
}

var recordFilters = []map[string]any{
	Param("query", "kind", "A kind, or a prefix ending in a dot (key.).", Str),
	Param("query", "author", "A party; a state's code selects all its authorities.", Str),
	Param("query", "subject", "A subject, or a prefix ending in a slash.", Str),
	Param("query", "q", "Words that must all appear (full-text search).", Str),
	Param("query", "from", "Records signed at or after this.", Date),
	Param("query", "to", "Records signed before this (a date includes the whole day).", Date),
	Param("query", "before", "Only records with a smaller index: for paging.", Int),
	Param("query", "limit", "At most this many (1000 at most).", Int),
}

func obj(props map[string]any) map[string]any {
	return map[string]any{"type": "object", "properties": props}
}

func corePaths() map[string]any {
	index := Param("path", "index", "The record's index in the log.", Int)
	return map[string]any{
		"/api/v1/records": map[string]any{
			"get": Op("List and search records, newest first.", recordFilters, JSONResponse("Records, and the address of the next page.", map[string]any{
				"type": "object", "properties": map[string]any{"records": map[string]any{"type": "array", "items": Ref("Record")}, "next": Str},
			})),
			"post": map[string]any{
				"summary":     "Submit a signed record.",
				"description": "The body is a signed record: canonical JSON (RFC 8785) of the envelope and a newline, signed as a C2SP signed note by the author. The answer comes once the record is durably stored. With wait=published it comes once a checkpoint covers the record, with the record's C2SP tlog-proof.",
				"parameters":  []map[string]any{Param("query", "wait", "published: wait for a checkpoint and return the proof.", map[string]any{"enum": []string{"published"}})},
				"requestBody": map[string]any{"required": true, "content": map[string]any{"text/plain": map[string]any{"schema": map[string]any{"type": "string", "maxLength": record.MaxEntrySize}}}},
				"responses": map[string]any{
					"201": JSONResponse("Stored.", Ref("SubmitResult")),
					"403": JSONResponse("The author may not say this, or a signature is missing or wrong.", Ref("Error")),
					"409": JSONResponse("A replay (the error's index says where the record already is), or an update of a version that is not the latest.", Ref("Error")),
					"413": JSONResponse("Over the size limit.", Ref("Error")),
					"422": JSONResponse("Malformed, or against the kind's schema.", Ref("Error")),
					"503": JSONResponse("The register is busy (see Retry-After), or could not store the record.", Ref("Error")),
				},
			},
		},
		"/api/v1/records.csv":           map[string]any{"get": Op("The same list as a CSV download (1000 records at most per page).", recordFilters, CSVResponse("index, id, time, kind, author, subject, version, summary, body"))},
		"/api/v1/records/{index}":       map[string]any{"get": Op("One record, with its signed note and the check of its signatures.", []map[string]any{index}, JSONResponse("The record.", Ref("RecordDetail")))},
		"/api/v1/records/{index}/proof": map[string]any{"get": Op("The record's proof of inclusion in the C2SP tlog-proof format, against the latest checkpoint; the extra line carries the record itself.", []map[string]any{index}, map[string]any{"description": "A tlog-proof.", "content": map[string]any{"text/plain": map[string]any{"schema": Str}}})},
		"/api/v1/ids/{id}":              map[string]any{"get": Op("A record by its ID (the SHA-256 of its note text, in hex).", []map[string]any{Param("path", "id", "64 hex digits.", Str)}, JSONResponse("The record.", Ref("RecordDetail")))},
		"/api/v1/subjects/{subject}":    map[string]any{"get": Op("Every version of a subject, oldest first. The subject may contain slashes.", []map[string]any{Param("path", "subject", "A subject such as declarations/vnm/defence-policy.", Str)}, JSONResponse("The versions.", map[string]any{"type": "object", "properties": map[string]any{"subject": Str, "versions": map[string]any{"type": "array", "items": Ref("Record")}}}))},
		"/api/v1/heads/{subject}":       map[string]any{"get": Op("The latest version of a subject that the register has admitted, published or not: what an update must name as prev. Answered by the register's writer, so a writer sees its own records at once.", []map[string]any{Param("path", "subject", "A subject; it may contain slashes.", Str)}, JSONResponse("The latest version.", obj(map[string]any{"subject": Str, "id": Str, "index": Int, "version": Int, "kind": Str, "author": Str})))},
		"/api/v1/parties":               map[string]any{"get": Op("The member states, their authorities and the organisations, with their current keys.", nil, JSONResponse("Parties.", map[string]any{"type": "object", "properties": map[string]any{"parties": map[string]any{"type": "array", "items": Ref("Party")}}}))},
		"/api/v1/parties.csv":           map[string]any{"get": Op("The parties as a CSV download.", nil, CSVResponse("id, type, name, state, roles, since_index, key"))},
		"/api/v1/parties/{id}":          map[string]any{"get": Op("One party: its keys over time, its authorities (for a state), its recent records.", []map[string]any{Param("path", "id", "A party such as khm or khm.mnd.", Str)}, JSONResponse("The party.", Ref("PartyDetail")))},
		"/api/v1/kinds":                 map[string]any{"get": Op("The kinds of record this register takes, with the JSON Schema of each body.", nil, JSONResponse("Kinds.", map[string]any{"type": "object", "properties": map[string]any{"kinds": map[string]any{"type": "array", "items": Ref("Kind")}}}))},
		"/api/v1/kinds/{kind}":          map[string]any{"get": Op("One kind.", []map[string]any{Param("path", "kind", "A kind such as declaration.", Str)}, JSONResponse("The kind.", Ref("Kind")))},
		"/api/v1/log":                   map[string]any{"get": Op("The log's latest checkpoint, its key, and this node's progress.", nil, JSONResponse("Status.", Ref("LogStatus")))},
		"/api/v1/openapi.json":          map[string]any{"get": Op("This description.", nil, JSONResponse("OpenAPI 3.1.", map[string]any{"type": "object"}))},
	}
}

func (o *openAPI) schemas() map[string]any {
	obj := func(props map[string]any, required ...string) map[string]any { // with required fields
		m := map[string]any{"type": "object", "properties": props}
		if len(required) > 0 {
			m["required"] = required
		}
		return m
	}
	ref := map[string]any{"type": "object", "properties": map[string]any{"rel": Str, "id": Str}}
	recordProps := map[string]any{
		"index": Int, "id": Str, "kind": Str, "kind_title": Str, "subject": Str, "author": Str,
		"time": Str, "version": Int, "summary": Str, "body": map[string]any{"type": "object"},
		"refs": map[string]any{"type": "array", "items": ref}, "url": Str,
	}
	detailProps := maps.Clone(recordProps)
	detailProps["entry"] = Str
	detailProps["proof_url"] = Str
	detailProps["history_url"] = Str
	detailProps["signatures"] = map[string]any{"type": "array", "items": obj(map[string]any{"signer": Str, "key_fingerprint": Str, "verified": map[string]any{"type": "boolean"}, "note": Str})}
	key := obj(map[string]any{"party": Str, "vkey": Str, "fingerprint": Str, "from_index": Int, "until_index": Int, "ended": Str})
	partyProps := map[string]any{"id": Str, "type": map[string]any{"enum": []string{"state", "authority", "organisation"}}, "name": Str, "state": Str,
		"roles": map[string]any{"type": "array", "items": Str}, "since_index": Int, "updated_index": Int, "has_key": map[string]any{"type": "boolean"}, "key": key}
	detailParty := maps.Clone(partyProps)
	detailParty["keys"] = map[string]any{"type": "array", "items": key}
	detailParty["authorities"] = map[string]any{"type": "array", "items": Ref("Party")}
	detailParty["recent_records"] = map[string]any{"type": "array", "items": Ref("Record")}
	s := map[string]any{
		"Error": obj(map[string]any{"error": obj(map[string]any{
			"code":    map[string]any{"enum": []string{"invalid", "forbidden", "conflict", "not_found", "too_large", "unavailable", "internal"}},
			"message": Str, "field": Str, "rule": Str, "index": Int,
		}, "code", "message")}, "error"),
		"Record":       obj(recordProps),
		"RecordDetail": obj(detailProps),
		"SubmitResult": obj(map[string]any{"index": Int, "id": Str, "kind": Str, "subject": Str, "author": Str, "url": Str, "checkpoint": Str, "proof": Str}, "index", "id"),
		"Party":        obj(partyProps),
		"PartyDetail":  obj(detailParty),
		"Kind":         obj(map[string]any{"name": Str, "title": Str, "doc": Str, "subject": Str, "subject_pattern": Str, "roles": map[string]any{"type": "array", "items": Str}, "schema": map[string]any{"type": "object"}}),
		"LogStatus": obj(map[string]any{"origin": Str, "vkey": Str, "checkpoint": Str, "size": Int, "root_hash": Str, "integrated_size": Int, "projected": Int, "outstanding": Int, "checked_at": Str, "witnesses": Ref("WitnessCheck"),
			"witness_contacts": map[string]any{"type": "array", "items": obj(map[string]any{"name": Str, "url": Str, "time": Str, "status": Int, "error": Str})}}),
		"Witness": obj(map[string]any{"id": Str, "name": Str, "key": Str, "key_fingerprint": Str, "url": Str, "description": Str, "operator": Str, "operator_name": Str,
			"since_index": Int, "updated_index": Int, "retired": map[string]any{"type": "boolean"}}),
		"WitnessPolicy": obj(map[string]any{"index": Int, "quorum": Int, "witnesses": map[string]any{"type": "array", "items": Str}}),
		"WitnessCheck": obj(map[string]any{"policy": Ref("WitnessPolicy"), "policy_text": Str, "counted": Int, "met": map[string]any{"type": "boolean"},
			"cosignatures": map[string]any{"type": "array", "items": obj(map[string]any{"key_name": Str, "witness": Str, "witness_name": Str, "operator": Str, "operator_name": Str,
				"time": Str, "verified": map[string]any{"type": "boolean"}, "in_policy": map[string]any{"type": "boolean"}, "note": Str})}}),
		"Witnesses": obj(map[string]any{"witnesses": map[string]any{"type": "array", "items": Ref("Witness")}, "policy": Ref("WitnessPolicy"), "checkpoint": Str, "check": Ref("WitnessCheck")}),
	}
	for _, name := range o.n.Kinds.Names() {
		k, _ := o.n.Kinds.Get(name)
		var sch map[string]any
		if err := json.Unmarshal(k.Schema, &sch); err == nil {
			sch["$id"] = "urn:kongsi:body:" + name
			s["body."+name] = sch
		}
	}
	return s
}

func (o *openAPI) document(base string) map[string]any {
	o.mu.Lock()
	paths := maps.Clone(o.paths)
	o.mu.Unlock()
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       "Kongsi register API",
			"version":     "1",
			"description": "The public API of a Kongsi register (origin " + o.n.Origin + "). Reading needs no account. Every record is signed by its author; check it against the log yourself with `kongsi verify`. Errors name the field and the rule that refused the request. Lists are newest first and page with `before`.",
		},
		"servers":    []map[string]any{{"url": base}},
		"paths":      paths,
		"components": map[string]any{"schemas": o.schemas()},
	}
}
