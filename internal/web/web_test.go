package web_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/kongsi/kongsi/internal/declaration"
	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/ledger/ledgertest"
	"github.com/kongsi/kongsi/internal/modules"
	"github.com/kongsi/kongsi/internal/nodetest"
	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/record"
	"github.com/kongsi/kongsi/internal/tlog"
	"github.com/kongsi/kongsi/internal/web"
	"golang.org/x/mod/sumdb/note"
)

func declBody(title string) map[string]any {
	return map[string]any{
		"topic": "Ream Naval Base", "category": "basing-policy", "title": title,
		"text": "Ships of all friendly nations may request to dock.", "stated_on": "2025-04-05",
		"language": "en", "sources": []any{map[string]any{"title": "A source", "url": "https://example.org/a"}},
	}
}

func TestAPI(t *testing.T) {
	nodetest.Backends(t, func(t *testing.T, open nodetest.Opener) {
		e := open(t, declaration.New())
		f := e.F
		v1 := f.Sign(t, "khm.mfa", declaration.Kind, "declarations/khm/ream", declBody("Ream is open to all"))
		e.Submit(v1)
		v2body := declBody("Ream is open to all friendly navies")
		v2body["change_note"] = "Narrowed to friendly navies."
		v2 := f.Sign(t, "khm.mfa", declaration.Kind, "declarations/khm/ream", v2body, ledgertest.Prev(t, v1))
		stale := f.Sign(t, "khm.mfa", declaration.Kind, "declarations/khm/ream", declBody("Stale"), ledgertest.Prev(t, v1))
		wrongState := f.Sign(t, "vnm.mfa", declaration.Kind, "declarations/khm/ream2", declBody("Not yours"))
		bad := f.Sign(t, "khm.mfa", declaration.Kind, "declarations/khm/x", map[string]any{"title": "no text"})
		forged := strings.Replace(string(f.Sign(t, "khm.mfa", declaration.Kind, "declarations/khm/y", declBody("honest"))), "honest", "forged", 1)

		e.Run(t, []nodetest.Scenario{
			{Name: "submit", Method: "POST", Path: "/api/v1/records", Body: string(v2), Status: 201, Contains: []string{`"index":2`, `"subject":"declarations/khm/ream"`}},
			{Name: "replay", Method: "POST", Path: "/api/v1/records", Body: string(v2), Status: 409, Contains: []string{`"rule":"replay"`, `"index":2`}},
			{Name: "stale", Method: "POST", Path: "/api/v1/records", Body: string(stale), Status: 409, Contains: []string{`"rule":"stale"`}},
			{Name: "unauthorised", Method: "POST", Path: "/api/v1/records", Body: string(wrongState), Status: 403, Contains: []string{`"rule":"policy.author-state"`, `"field":"author"`}},
			{Name: "schema", Method: "POST", Path: "/api/v1/records", Body: string(bad), Status: 422, Contains: []string{`"rule":"schema.required"`, `"field":"body.`}},
			{Name: "forged", Method: "POST", Path: "/api/v1/records", Body: forged, Status: 403, Contains: []string{`"rule":"signature.invalid"`}},
			{Name: "not a note", Method: "POST", Path: "/api/v1/records", Body: "hello", Status: 422, Contains: []string{`"code":"invalid"`}},
			{Name: "empty", Method: "POST", Path: "/api/v1/records", Body: "", Status: 422},
			{Name: "too large", Method: "POST", Path: "/api/v1/records", Body: strings.Repeat("x", record.MaxEntrySize+10), Status: 413, Contains: []string{`"code":"too_large"`}},
			{Name: "bad wait", Method: "POST", Path: "/api/v1/records?wait=later", Body: string(v1), Status: 422, Contains: []string{`"field":"wait"`}},
		})
		e.Wait(3)

		e.Run(t, []nodetest.Scenario{
			{Name: "list", Path: "/api/v1/records", Contains: []string{`"kind":"declaration"`, `"kind_title":"Declaration"`}},
			{Name: "filter kind", Path: "/api/v1/records?kind=charter", Contains: []string{`"kind":"charter"`}, NotContains: []string{`"kind":"declaration"`}},
			{Name: "search", Path: "/api/v1/records?q=friendly", Contains: []string{"friendly navies"}, NotContains: []string{`"kind":"charter"`}},
			{Name: "bad date", Path: "/api/v1/records?from=yesterday", Status: 422, Contains: []string{`"field":"from"`}},
			{Name: "bad limit", Path: "/api/v1/records?limit=0", Status: 422, Contains: []string{`"field":"limit"`}},
			{Name: "csv", Path: "/api/v1/records.csv?author=khm", ContentType: "text/csv", Contains: []string{"index,id,time,kind,author,subject,version,summary,body", "declarations/khm/ream"}},
			{Name: "record", Path: "/api/v1/records/2", Contains: []string{`"verified":true`, `"version":2`, `"entry":"{`}},
			{Name: "record missing", Path: "/api/v1/records/99", Status: 404, Contains: []string{`"code":"not_found"`}},
			{Name: "record bad index", Path: "/api/v1/records/x", Status: 422},
			{Name: "proof", Path: "/api/v1/records/1/proof", ContentType: "text/plain", Contains: []string{tlog.ProofHeader, "index 1\n", ledgertest.Origin}},
			{Name: "subject", Path: "/api/v1/subjects/declarations/khm/ream", Contains: []string{`"version":1`, `"version":2`}},
			{Name: "parties", Path: "/api/v1/parties", Contains: []string{`"id":"khm.mnd"`, `"vkey":"khm.mnd+`}},
			{Name: "parties csv", Path: "/api/v1/parties.csv", ContentType: "text/csv", Contains: []string{"khm.mnd,authority"}},
			{Name: "party", Path: "/api/v1/parties/khm", Contains: []string{`"authorities"`, `"khm.mnd"`}},
			{Name: "unknown party", Path: "/api/v1/parties/xyz", Status: 404},
			{Name: "kinds", Path: "/api/v1/kinds", Contains: []string{`"name":"declaration"`, `"name":"charter"`, `"schema"`, `"subject_pattern":"^charter$"`, `"roles":["governance"]`}},
			{Name: "log", Path: "/api/v1/log", Contains: []string{`"origin":"` + ledgertest.Origin, `"size":3`}},
			{Name: "declarations", Path: "/api/v1/declarations?state=khm", Contains: []string{`"versions":2`}},
			{Name: "declaration", Path: "/api/v1/declarations/khm/ream", Contains: []string{`"changes"`, "Narrowed"}},
			{Name: "bad category", Path: "/api/v1/declarations?category=nonsense", Status: 422},
			{Name: "metrics", Path: "/metrics", Contains: []string{"kongsi_records_accepted_total 2", "kongsi_records_refused_total", "kongsi_projection_applied 3"}},
			{Name: "tile checkpoint", Path: "/log/checkpoint", Contains: []string{ledgertest.Origin + "\n3\n"}},
			{Name: "log key", Path: "/log/key", Contains: []string{f.LogVKey}},
			{Name: "no state files", Path: "/log/.state/treeState", Status: 404},
			{Name: "no traversal", Path: "/log/tile/../../log.key", Status: 404, NotContains: []string{"PRIVATE"}},
		})
	})
}

func TestSubmitWaitPublished(t *testing.T) {
	e := nodetest.New(t)
	f := e.F
	_, newKey := f.NewKey(t, "sgp.mfa.x")
	_ = newKey
	rec := f.Sign(t, "khm.mfa", ledger.KindKeyRevoke, "parties/khm.mnd", map[string]any{"key": f.VKeys["khm.mnd"], "reason": "test"}, ledgertest.Prev(t, f.CharterEntry))
	status, _, body := e.Do(http.MethodPost, "/api/v1/records?wait=published", string(rec))
	if status != 201 {
		t.Fatalf("status %d: %s", status, body)
	}
	var res web.SubmitResult
	if err := json.Unmarshal([]byte(body), &res); err != nil {
		t.Fatal(err)
	}
	p, err := tlog.ParseProof([]byte(res.Proof))
	if err != nil {
		t.Fatal(err)
	}
	v, _ := note.NewVerifier(f.LogVKey)
	if _, err := p.Verify(rec, v); err != nil || p.Index != res.Index {
		t.Fatalf("the proof returned does not verify: %v", err)
	}
}

// TestOpenAPIDocumentsEveryRoute checks that the OpenAPI description has
// every API route the site serves.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	e := nodetest.New(t, modules.All()...)
	_, _, body := e.Do(http.MethodGet, "/api/v1/openapi.json", "")
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
		Comps   struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q", doc.OpenAPI)
	}
	for _, route := range e.Site.APIRoutes() {
		method, path, _ := strings.Cut(route, " ")
		path = strings.ReplaceAll(path, "{subject...}", "{subject}")
		item, ok := doc.Paths[path]
		if !ok {
			t.Errorf("%s is served but not documented", route)
			continue
		}
		if _, ok := item[strings.ToLower(method)]; !ok {
			t.Errorf("%s: the %s operation is not documented", path, method)
		}
	}
	for _, k := range []string{"body.declaration", "body.commitment", "body.action", "body.programme.confirmation", "body.trade.release", "body.project", "body.election", "body.charter", "Error", "Record"} {
		if doc.Comps.Schemas[k] == nil {
			t.Errorf("components.schemas lacks %s", k)
		}
	}
}

func TestPages(t *testing.T) {
	nodetest.Backends(t, func(t *testing.T, open nodetest.Opener) {
		e := open(t, declaration.New())
		f := e.F
		v1 := f.Sign(t, "khm.mfa", declaration.Kind, "declarations/khm/ream", declBody("Ream is open to all"))
		b2 := declBody("Ream is open to all friendly navies")
		b2["change_note"] = "Narrowed."
		e.Submit(v1, f.Sign(t, "khm.mfa", declaration.Kind, "declarations/khm/ream", b2, ledgertest.Prev(t, v1)))
		e.Run(t, []nodetest.Scenario{
			{Name: "home", Path: "/", ContentType: "text/html", Contains: []string{"<h1>", "Latest records", "Ream is open to all friendly navies", `role="img"`}},
			{Name: "records", Path: "/records", Contains: []string{`<label for="f-kind">`, "3 records"}},
			{Name: "records filtered", Path: "/records?author=khm.mfa&kind=declaration", Contains: []string{"2 records"}},
			{Name: "records search", Path: "/records?q=navies", Contains: []string{"1 record."}},
			{Name: "records bad date keeps the form", Path: "/records?from=notadate", Status: 422, Contains: []string{"from must be a date", `<form class="filters"`}},
			{Name: "record", Path: "/records/2", Contains: []string{"✓ Verified", "Proof that it is in the log", "kongsi verify", "Narrowed."}},
			{Name: "record 404", Path: "/records/42", Status: 404, Contains: []string{"no record at index 42"}},
			{Name: "history", Path: "/subjects/declarations/khm/ream", Contains: []string{"2 versions", "<ins>", "friendly navies"}},
			{Name: "parties", Path: "/parties", Contains: []string{"khm.mnd", "Organisations"}},
			{Name: "party", Path: "/parties/khm.mnd", Contains: []string{"Keys over time", "current"}},
			{Name: "verify", Path: "/verify", Contains: []string{"kongsi audit", strings.Split(f.LogVKey, "+")[2]}},
			{Name: "declarations", Path: "/declarations", Contains: []string{"Ream is open to all friendly navies", "1 declaration"}},
			{Name: "declaration", Path: "/declarations/khm/ream", Contains: []string{"version 2 of 2", "Compare version"}},
			{Name: "declaration compare", Path: "/declarations/khm/ream?from=1&to=2", Contains: []string{"Version 1 compared with version 2", "friendly navies</ins>"}},
			{Name: "declaration compare out of range", Path: "/declarations/khm/ream?from=1&to=9", Status: 422},
			{Name: "declaration 404", Path: "/declarations/khm/none", Status: 404},
			{Name: "unknown page", Path: "/nowhere", Status: 404},
		})
		// Security headers and the asset cache.
		_, hdr, body := e.Do(http.MethodGet, "/", "")
		if !strings.Contains(hdr.Get("Content-Security-Policy"), "default-src 'self'") || hdr.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("security headers: %v", hdr)
		}
		i := strings.Index(body, `href="/static/style.`)
		css := body[i+6 : i+6+strings.Index(body[i+6:], `"`)]
		_, hdr, _ = e.Do(http.MethodGet, css, "")
		if !strings.Contains(hdr.Get("Cache-Control"), "immutable") {
			t.Errorf("%s: Cache-Control %q", css, hdr.Get("Cache-Control"))
		}
	})
}

func TestPagesWorkWithManyRecords(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	e := nodetest.New(t, declaration.New())
	var entries [][]byte
	for i := range 120 {
		entries = append(entries, e.F.Sign(t, "vnm.mfa", declaration.Kind, fmt.Sprintf("declarations/vnm/t%d", i), declBody(fmt.Sprintf("Position %d", i))))
	}
	e.Submit(entries...)
	e.Run(t, []nodetest.Scenario{
		{Name: "first page has a next link", Path: "/records", Contains: []string{"121 records", `rel="next"`, "?before=71"}},
		{Name: "second page", Path: "/records?before=71", Contains: []string{"Position 69"}, NotContains: []string{"Position 70<"}},
		{Name: "api next", Path: "/api/v1/records?limit=10", Contains: []string{`"next":"`}},
	})
}

func TestPushbackAnswers503(t *testing.T) {
	e := nodetest.New(t)
	e.Node.Sequencer.SetMaxOutstanding(0)
	rec := e.F.Sign(t, "khm.mfa", ledger.KindKeyRevoke, "parties/khm.mnd", map[string]any{"key": e.F.VKeys["khm.mnd"], "reason": "test"}, ledgertest.Prev(t, e.F.CharterEntry))
	status, hdr, body := e.Do(http.MethodPost, "/api/v1/records", string(rec))
	if status != http.StatusServiceUnavailable || hdr.Get("Retry-After") == "" || !strings.Contains(body, `"rule":"pushback"`) {
		t.Fatalf("status %d, Retry-After %q: %s", status, hdr.Get("Retry-After"), body)
	}
	// Nothing changed: the record is accepted once the register has room.
	e.Node.Sequencer.SetMaxOutstanding(10)
	if status, _, body := e.Do(http.MethodPost, "/api/v1/records", string(rec)); status != http.StatusCreated {
		t.Fatalf("after pushback: %d %s", status, body)
	}
}

// TestUploadLimits checks that an upload route takes bodies up to its own
// limit, and every other route up to web.MaxBodySize.
func TestUploadLimits(t *testing.T) {
	e := nodetest.New(t)
	read := func(w http.ResponseWriter, r *http.Request) error {
		n, err := io.Copy(io.Discard, r.Body)
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return problem.TooLarge("body", "size", "at most %d bytes", mbe.Limit)
		}
		if err != nil {
			return err
		}
		return web.WriteJSON(w, http.StatusOK, map[string]int64{"read": n})
	}
	e.Site.APIUpload("POST /api/v1/test-upload", 3<<20, read)
	for _, tc := range []struct {
		path   string
		size   int
		status int
	}{
		{"/api/v1/test-upload", 2 << 20, 200},
		{"/api/v1/test-upload", 4 << 20, 413},
		{"/api/v1/records", web.MaxBodySize + 10, 413},
	} {
		status, _, body := e.Do(http.MethodPost, tc.path, strings.Repeat("x", tc.size))
		if status != tc.status {
			t.Errorf("POST %s with %d bytes: status %d, want %d: %s", tc.path, tc.size, status, tc.status, body)
		}
	}
}
