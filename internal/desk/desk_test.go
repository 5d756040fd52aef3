package desk

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kongsi/kongsi/internal/record"
	"github.com/kongsi/kongsi/internal/signednote"
)

func TestSignIn(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	if a := c.get("/"); a.status != http.StatusSeeOther || !strings.HasPrefix(a.location, "/login") {
		t.Fatalf("a visitor is not sent to sign in: %d %s", a.status, a.location)
	}
	a := c.login("ana", "the wrong password")
	if a.status != http.StatusUnauthorized || !strings.Contains(a.body, "The username or the password is wrong") {
		t.Errorf("wrong password: status %d", a.status)
	}
	if a := c.login("nobody", testPassword); a.status != http.StatusUnauthorized {
		t.Errorf("unknown user: status %d", a.status)
	}
	if e.hasAudit("ana", AuditSignInFailed) == nil {
		t.Error("the failed sign-in is not in the audit trail")
	}
	c.mustLogin("ana")
	if a := c.get("/"); a.status != http.StatusOK || !strings.Contains(a.body, "Signed in as") || !strings.Contains(a.body, "Declaration") {
		t.Errorf("home: status %d", a.status)
	}
	if e.hasAudit("ana", AuditSignIn) == nil {
		t.Error("the sign-in is not in the audit trail")
	}
	if a := c.post("/logout", url.Values{}); a.status != http.StatusSeeOther {
		t.Errorf("sign out: status %d", a.status)
	}
	if a := c.get("/"); a.status != http.StatusSeeOther {
		t.Errorf("after signing out, home answers %d", a.status)
	}
}

func TestSessionCookieAttributes(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	page := c.get("/login")
	token := loginToken.FindStringSubmatch(page.body)[1]
	form := url.Values{"token": {token}, "username": {"ana"}, "password": {testPassword}}
	req, _ := http.NewRequest(http.MethodPost, c.base+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var set string
	for _, h := range resp.Header.Values("Set-Cookie") {
		if strings.HasPrefix(h, sessionCookie+"=") {
			set = h
		}
	}
	for _, want := range []string{"HttpOnly", "SameSite=Strict", "Path=/"} {
		if !strings.Contains(set, want) {
			t.Errorf("the session cookie lacks %s: %s", want, set)
		}
	}
	// The database keeps the token's hash, not the token.
	var n int
	token = strings.TrimPrefix(strings.Split(set, ";")[0], sessionCookie+"=")
	e.store.db.QueryRow("SELECT count(*) FROM sessions WHERE token_hash = $1", []byte(token)).Scan(&n)
	if n != 0 {
		t.Error("the session token is stored as it is")
	}
}

func TestSignInRateLimit(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	for i := 0; i < 5; i++ {
		if a := c.login("ana", "wrong password number"); a.status != http.StatusUnauthorized {
			t.Fatalf("attempt %d: status %d", i, a.status)
		}
	}
	a := c.login("ana", testPassword)
	if a.status != http.StatusTooManyRequests || !strings.Contains(a.body, "too many failed attempts") {
		t.Fatalf("the sixth attempt, with the right password: status %d", a.status)
	}
	// Another official is not locked out by ana's failures.
	e.client().mustLogin("bo")
	// After the window, ana may try again.
	e.clock.Add(16 * time.Minute)
	e.client().mustLogin("ana")
}

func TestCSRF(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.mustLogin("ana")
	other := e.client()
	other.mustLogin("ana")
	for name, token := range map[string]string{"none": "", "wrong": "not-the-token", "another session's": other.csrf} {
		form := declarationForm("declarations/khm/csrf")
		form.Set("action", "save")
		form.Set("csrf", token)
		if token == "" {
			form.Del("csrf")
			c.csrf, other.csrf = "", c.csrf
		}
		a := c.post("/new", form)
		if a.status != http.StatusForbidden || !strings.Contains(a.body, "Nothing was changed") {
			t.Errorf("%s token: status %d", name, a.status)
		}
		if token == "" {
			c.csrf, other.csrf = other.csrf, c.csrf
		}
	}
	// A form from another site is refused by its Origin too.
	form := declarationForm("declarations/khm/csrf")
	form.Set("action", "save")
	form.Set("csrf", c.csrf)
	req, _ := http.NewRequest(http.MethodPost, c.base+"/new", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://elsewhere.example")
	if a := c.do(req); a.status != http.StatusForbidden {
		t.Errorf("a foreign origin: status %d", a.status)
	}
	if ds, _ := e.store.Drafts(context.Background(), DraftOpen, 10); len(ds) != 0 {
		t.Errorf("a refused form made %d drafts", len(ds))
	}
	// With the token, it works.
	if a := c.post("/new", form); a.status != http.StatusSeeOther {
		t.Errorf("with the token: status %d", a.status)
	}
}

func TestSessionExpiry(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.mustLogin("ana")
	e.clock.Add(29 * time.Minute)
	if a := c.get("/"); a.status != http.StatusOK {
		t.Fatalf("a session used within 30 minutes ended: %d", a.status)
	}
	e.clock.Add(31 * time.Minute)
	if a := c.get("/"); a.status != http.StatusSeeOther || !strings.HasPrefix(a.location, "/login") {
		t.Errorf("an idle session still works: %d", a.status)
	}
	form := declarationForm("declarations/khm/late")
	form.Set("action", "save")
	if a := c.post("/new", form); a.status != http.StatusForbidden || !strings.Contains(a.body, "Your session has ended") {
		t.Errorf("a form after the session ended: %d", a.status)
	}
	// However busy, a session ends after 12 hours.
	c.mustLogin("ana")
	for i := 0; i < 25; i++ {
		e.clock.Add(29 * time.Minute)
		c.get("/")
	}
	if a := c.get("/"); a.status != http.StatusSeeOther {
		t.Errorf("a session lasted over 12 hours: %d", a.status)
	}
}

var digestField = regexp.MustCompile(`name="digest" value="([0-9a-f]+)"`)

// review checks a draft and returns the review page and its digest.
func review(t *testing.T, c *client, path string, form url.Values) (string, answer) {
	t.Helper()
	form.Set("action", "review")
	a := c.post(path, form)
	if a.status != http.StatusSeeOther || !strings.HasSuffix(a.location, "/review") {
		t.Fatalf("checking the draft: status %d, location %q\n%s", a.status, a.location, a.body)
	}
	page := c.get(a.location)
	m := digestField.FindStringSubmatch(page.body)
	if m == nil {
		t.Fatalf("the review page has no sign button:\n%s", page.body)
	}
	return strings.TrimSuffix(a.location, "/review"), page
}

func TestComposeSignSubmit(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.mustLogin("ana")
	if a := c.get("/new?kind=declaration"); a.status != http.StatusOK || !strings.Contains(a.body, `value="declarations/khm/"`) {
		t.Fatalf("the declaration form: status %d, no subject prefilled", a.status)
	}
	draft, page := review(t, c, "/new", declarationForm("declarations/khm/desk"))
	for _, want := range []string{`"author":"khm.desk"`, `"kind":"declaration"`, `"register":"test.kongsi.example/register"`, `"refs":[]`, "Sign as khm.desk and submit"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("the review page lacks %s", want)
		}
	}
	digest := digestField.FindStringSubmatch(page.body)[1]
	a := c.post(draft+"/submit", url.Values{"digest": {digest}})
	if a.status != http.StatusSeeOther || !strings.Contains(a.location, "done=submitted") {
		t.Fatalf("submit: status %d, location %s\n%s", a.status, a.location, a.body)
	}
	a = c.get(draft)
	if !strings.Contains(a.body, "Published") || !strings.Contains(a.body, "c2sp.org/tlog-proof@v1") || !strings.Contains(a.body, "kongsi verify") {
		t.Errorf("the submitted page lacks the proof:\n%s", a.body)
	}
	// The register has it, signed by the desk's key.
	var head struct {
		ID    string `json:"id"`
		Index uint64 `json:"index"`
	}
	_, _, body := e.reg.Do("GET", "/api/v1/heads/declarations/khm/desk", "")
	json.Unmarshal([]byte(body), &head)
	sub := e.hasAudit("ana", AuditSubmit)
	if sub == nil || sub.RecordID != head.ID || sub.Index == nil || *sub.Index != head.Index {
		t.Errorf("the audit trail's submission %+v does not name the record %+v", sub, head)
	}
	for _, action := range []string{AuditDraftCreate, AuditSign} {
		if e.hasAudit("ana", action) == nil {
			t.Errorf("no %s in the audit trail", action)
		}
	}
	if a := c.get("/audit"); !strings.Contains(a.body, "the register took it") || !strings.Contains(a.body, head.ID[:12]) {
		t.Error("the audit page does not show the submission")
	}
	proof := c.get(draft + "/proof")
	if proof.status != http.StatusOK || !strings.HasPrefix(proof.body, "c2sp.org/tlog-proof@v1") {
		t.Errorf("the proof download: %d %.40q", proof.status, proof.body)
	}
	// A submitted draft is done: it changes no more.
	if a := c.post(draft, declarationForm("declarations/khm/desk")); a.status != http.StatusConflict {
		t.Errorf("changing a submitted draft: status %d", a.status)
	}

	// A new version starts from the current one and follows it.
	a = c.get("/new?kind=declaration&subject=declarations/khm/desk")
	if !strings.Contains(a.body, `value="A position"`) || !strings.Contains(a.body, "It follows version 1.") {
		t.Fatalf("the new version does not start from the current one:\n%s", a.body)
	}
	form := declarationForm("declarations/khm/desk")
	form.Set("b/title", "A position, revised")
	form.Set("b/change_note", "Revised.")
	form.Set("base", head.ID)
	form.Set("base_version", "1")
	_, page = review(t, c, "/new", form)
	if !strings.Contains(page.body, `"refs":[{"id":"`+head.ID+`","rel":"prev"}]`) {
		t.Errorf("the new version does not name the current one as prev")
	}
}

func TestRefusedSubmissionKeepsTheDraft(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.mustLogin("ana")
	// Cambodia's desk may not declare Viet Nam's positions: the desk
	// cannot know, the register refuses.
	draft, page := review(t, c, "/new", declarationForm("declarations/vnm/not-ours"))
	digest := digestField.FindStringSubmatch(page.body)[1]
	a := c.post(draft+"/submit", url.Values{"digest": {digest}})
	if a.status != http.StatusSeeOther || !strings.Contains(a.location, "done=refused") {
		t.Fatalf("submit: status %d, location %s", a.status, a.location)
	}
	a = c.get(draft)
	for _, want := range []string{"The register refused this record", "policy.author-state", `"khm.desk" is not an authority of "vnm"`, `value="A position"`} {
		if !strings.Contains(a.body, want) {
			t.Errorf("the draft page lacks %q", want)
		}
	}
	ds, _ := e.store.Drafts(context.Background(), DraftOpen, 10)
	if len(ds) != 1 || ds[0].Refusal == nil || ds[0].Refusal.Rule != "policy.author-state" || ds[0].Signed != "" {
		t.Errorf("the draft after the refusal: %+v", ds)
	}
	if ref := e.hasAudit("ana", AuditRefused); ref == nil || !strings.Contains(ref.Detail, "policy.author-state") {
		t.Errorf("the refusal is not in the audit trail: %+v", ref)
	}
	// Corrected, it goes through.
	form := declarationForm("declarations/khm/ours")
	draft2, page := review(t, c, draft, form)
	if draft2 != draft {
		t.Errorf("the corrected draft is %s, not %s", draft2, draft)
	}
	if a := c.post(draft+"/submit", url.Values{"digest": {digestField.FindStringSubmatch(page.body)[1]}}); !strings.Contains(a.location, "done=submitted") {
		t.Errorf("the corrected draft: %d %s", a.status, a.location)
	}
}

func TestProblemsShownBeforeSigning(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.mustLogin("ana")
	form := declarationForm("Declarations/KHM/x")
	form.Set("b/stated_on", "1 March")
	form.Del("b/title")
	form.Set("r/0/rel", "about")
	form.Set("r/0/to", "declarations/khm/nothing-here")
	form.Set("action", "review")
	a := c.post("/new", form)
	if a.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", a.status)
	}
	for _, want := range []string{"The draft has problems", "A subject of this kind has the form", "This should be a date", "This is required", "The register has no record about “declarations/khm/nothing-here”", `aria-invalid="true"`} {
		if !strings.Contains(a.body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if e.hasAudit("ana", AuditSign) != nil {
		t.Error("a draft with problems was signed")
	}
	ds, _ := e.store.Drafts(context.Background(), DraftOpen, 10)
	if len(ds) != 1 || ds[0].Pending != "" {
		t.Errorf("the draft is not kept, or is marked ready to sign: %+v", ds)
	}
}

func TestDrafterMayNotSubmit(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.mustLogin("bo")
	form := declarationForm("declarations/khm/bo")
	form.Set("action", "review")
	a := c.post("/new", form)
	draft := strings.TrimSuffix(a.location, "/review")
	page := c.get(a.location)
	if page.status != http.StatusOK || strings.Contains(page.body, "Sign as") || !strings.Contains(page.body, "may write drafts but not sign") {
		t.Errorf("a drafter is offered to sign (status %d)", page.status)
	}
	d, _ := e.store.GetDraft(context.Background(), 1)
	a = c.post(draft+"/submit", url.Values{"digest": {digest(d.Pending)}})
	if a.status != http.StatusForbidden {
		t.Errorf("a drafter submitted: status %d", a.status)
	}
	// A colleague who may sign does.
	ana := e.client()
	ana.mustLogin("ana")
	page = ana.get(draft + "/review")
	if a := ana.post(draft+"/submit", url.Values{"digest": {digestField.FindStringSubmatch(page.body)[1]}}); !strings.Contains(a.location, "done=submitted") {
		t.Errorf("ana's submission: %d %s", a.status, a.location)
	}
	d, _ = e.store.GetDraft(context.Background(), 1)
	if d.CreatedBy != "bo" || d.SubmittedBy != "ana" {
		t.Errorf("drafted by %s, submitted by %s", d.CreatedBy, d.SubmittedBy)
	}
}

func TestReviewRefusedAfterChange(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.mustLogin("ana")
	draft, page := review(t, c, "/new", declarationForm("declarations/khm/twice"))
	digest := digestField.FindStringSubmatch(page.body)[1]
	// The draft changes after it was shown: what was shown is not signed.
	form := declarationForm("declarations/khm/twice")
	form.Set("b/title", "Something else")
	form.Set("action", "save")
	c.post(draft, form)
	if a := c.post(draft+"/submit", url.Values{"digest": {digest}}); !strings.Contains(a.location, "done=review") {
		t.Errorf("a stale review was signed: %d %s", a.status, a.location)
	}
	// What was shown expires.
	_, page = review(t, c, draft, declarationForm("declarations/khm/twice"))
	e.clock.Add(16 * time.Minute)
	c.get("/") // keep the session
	if a := c.post(draft+"/submit", url.Values{"digest": {digestField.FindStringSubmatch(page.body)[1]}}); !strings.Contains(a.location, "done=review-expired") {
		t.Errorf("an old review was signed: %d %s", a.status, a.location)
	}
	if e.hasAudit("ana", AuditSign) != nil {
		t.Error("something was signed")
	}
}

func TestSubjectChangedSinceDraftBegan(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.mustLogin("ana")
	subject := "declarations/khm/moving"
	first := e.reg.Submit(e.reg.F.Sign(t, "khm.mfa", "declaration", subject, map[string]any{
		"topic": "Moving", "category": "other", "title": "One", "text": "One.", "stated_on": "2025-01-01", "language": "en", "sources": []any{map[string]any{"title": "S"}}}))
	_ = first
	var head struct{ ID string }
	_, _, body := e.reg.Do("GET", "/api/v1/heads/"+subject, "")
	json.Unmarshal([]byte(body), &head)
	form := declarationForm(subject)
	form.Set("b/change_note", "Mine.")
	form.Set("base", head.ID)
	form.Set("base_version", "1")
	form.Set("action", "save")
	a := c.post("/new", form)
	draft := strings.Split(a.location, "?")[0]
	// Someone else publishes version 2 meanwhile.
	id, _ := record.ParseID(head.ID)
	e.reg.Submit(e.reg.F.Sign(t, "khm.mfa", "declaration", subject, map[string]any{
		"topic": "Moving", "category": "other", "title": "Two", "text": "Two.", "stated_on": "2025-01-02", "language": "en", "sources": []any{map[string]any{"title": "S"}}, "change_note": "Two."},
		record.Ref{Rel: record.RelPrev, ID: id}))
	form.Del("base")
	form.Set("action", "review")
	a = c.post(draft, form)
	if a.status != http.StatusUnprocessableEntity || !strings.Contains(a.body, "The subject changed since this draft began") {
		t.Fatalf("the change is not shown: %d", a.status)
	}
	form.Set("action", "rebase")
	if a := c.post(draft, form); a.status != http.StatusSeeOther || !strings.HasSuffix(a.location, "/review") {
		t.Errorf("continuing from the latest version: %d %s\n%s", a.status, a.location, a.body)
	}
}

func TestRowsWithoutJavaScript(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.mustLogin("ana")
	form := declarationForm("declarations/khm/rows")
	form.Set("action", "add:b/sources")
	a := c.post("/new", form)
	if a.status != http.StatusSeeOther {
		t.Fatalf("adding a row: %d", a.status)
	}
	page := c.get(strings.Split(a.location, "#")[0])
	if n := strings.Count(page.body, `name="b/sources/`) - strings.Count(page.body, `name="b/sources/0/`); n < 4 {
		t.Errorf("the new row is not shown (%d fields)", n)
	}
	if !strings.Contains(page.body, `value="A statement"`) {
		t.Error("adding a row lost what was typed")
	}
	draft := strings.Split(a.location, "#")[0]
	form.Set("action", "remove:b/sources/0")
	c.post(draft, form)
	d, _ := e.store.GetDraft(context.Background(), 1)
	if _, ok := d.Form["b/sources/0/title"]; ok {
		t.Errorf("the row was not removed: %v", d.Form)
	}
	for _, bad := range []string{"add:b/topic", "add:b/nothing", "remove:b/sources", "remove:b/sources/x", "explode"} {
		form.Set("action", bad)
		if a := c.post(draft, form); a.status != http.StatusBadRequest {
			t.Errorf("action %q: status %d", bad, a.status)
		}
	}
}

func TestHostCheck(t *testing.T) {
	st, err := OpenStore(context.Background(), t.TempDir()+"/desk.db")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	skey, _, err := signednote.GenerateKey("khm.x")
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(Options{Register: "http://127.0.0.1:1", Key: skey, Store: st, Listen: "127.0.0.1:8121"})
	if err != nil {
		t.Fatal(err)
	}
	for host, want := range map[string]int{"127.0.0.1:8121": http.StatusSeeOther, "localhost:8121": http.StatusSeeOther, "evil.example:8121": http.StatusMisdirectedRequest} {
		req := httptest.NewRequest(http.MethodGet, "http://"+host+"/", nil)
		w := httptest.NewRecorder()
		d.Handler().ServeHTTP(w, req)
		if w.Code != want {
			t.Errorf("Host %s: status %d, want %d", host, w.Code, want)
		}
	}
}

func TestPasswords(t *testing.T) {
	h, err := HashPassword("correct horse battery", *cheap)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Errorf("hash %s", h)
	}
	h2, _ := HashPassword("correct horse battery", *cheap)
	if h == h2 {
		t.Error("two hashes of one password are equal: no salt")
	}
	if ok, err := VerifyPassword("correct horse battery", h); !ok || err != nil {
		t.Errorf("the right password: %v %v", ok, err)
	}
	if ok, _ := VerifyPassword("correct horse batterY", h); ok {
		t.Error("a wrong password verifies")
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA", "$argon2id$v=19$m=999999999,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA", strings.Replace(h, "$v=19$", "$v=16$", 1)} {
		if _, err := VerifyPassword("x", bad); err == nil {
			t.Errorf("VerifyPassword took the hash %q", bad)
		}
	}
	if _, err := VerifyPassword("x", dummyHash); err != nil {
		t.Errorf("the dummy hash is unreadable: %v", err)
	}
	if CheckPassword("short") == nil || CheckPassword(strings.Repeat("x", 300)) == nil || CheckPassword("twelve chars") != nil {
		t.Error("the password rules are wrong")
	}
}
