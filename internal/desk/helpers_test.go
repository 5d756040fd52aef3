package desk

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kongsi/kongsi/internal/browse"
	"github.com/kongsi/kongsi/internal/declaration"
	"github.com/kongsi/kongsi/internal/i18n"
	"github.com/kongsi/kongsi/internal/nodetest"
	"github.com/kongsi/kongsi/internal/security"
	"github.com/kongsi/kongsi/internal/signednote"
	"github.com/kongsi/kongsi/internal/web"
)

func partyDetail(id, typ, state string, roles ...string) *web.PartyDetail {
	return &web.PartyDetail{Party: &browse.Party{ID: id, Type: typ, State: state, Roles: roles}}
}

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is a running register, and a desk for its authority khm.desk (which
// holds the "declarations" role) with two accounts: ana, who may submit,
// and bo, who may only draft.
type env struct {
	t     *testing.T
	reg   *nodetest.Env
	desk  *Desk
	srv   *httptest.Server
	store *Store
	clock *fakeClock
}

const testPassword = "a long enough password"

// cheap are Argon2 costs for tests.
var cheap = &Argon2Params{Memory: 1024, Time: 1, Threads: 1}

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvWith(t, nil)
}

// newEnvWith is newEnv with a catalog of the kinds' translations.
func newEnvWith(t *testing.T, cat *i18n.Catalog) *env {
	t.Helper()
	reg := nodetest.New(t, declaration.New(), security.New())
	skey, vkey, err := signednote.GenerateKey("khm.desk")
	if err != nil {
		t.Fatal(err)
	}
	if reg.F.Signers["khm.desk"], err = signednote.NewSigner(skey); err != nil {
		t.Fatal(err)
	}
	reg.Submit(reg.F.SignBy(t, []string{"khm.mfa", "khm.desk"}, "authority.register", "parties/khm.desk",
		map[string]any{"name": "Ministry of the Desk", "roles": []string{"declarations"}, "key": vkey}))
	st, err := OpenStore(context.Background(), filepath.Join(t.TempDir(), "desk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clock := &fakeClock{t: time.Now().UTC()}
	d, err := New(Options{Register: reg.Server.URL, Key: skey, Store: st, Argon2: cheap, Clock: clock.Now, Catalog: cat})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(d.Handler())
	t.Cleanup(srv.Close)
	e := &env{t: t, reg: reg, desk: d, srv: srv, store: st, clock: clock}
	e.addAccount("ana", RoleSubmitter)
	e.addAccount("bo", RoleDrafter)
	return e
}

func (e *env) addAccount(name, role string) {
	e.t.Helper()
	hash, err := HashPassword(testPassword, *cheap)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.store.AddAccount(context.Background(), &Account{Username: name, Name: strings.ToUpper(name[:1]) + name[1:], Role: role, Hash: hash, Created: e.clock.Now()}); err != nil {
		e.t.Fatal(err)
	}
}

// client is a browser of the desk: cookies kept, redirects not followed.
type client struct {
	t    *testing.T
	base string
	c    *http.Client
	csrf string
}

func (e *env) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: e.t, base: e.srv.URL, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type answer struct {
	status   int
	location string
	body     string
	header   http.Header
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (c *client) do(req *http.Request) answer {
	c.t.Helper()
	resp, err := c.c.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	a := answer{status: resp.StatusCode, location: resp.Header.Get("Location"), body: html.UnescapeString(string(b)), header: resp.Header}
	if m := csrfField.FindStringSubmatch(string(b)); m != nil {
		c.csrf = m[1]
	}
	return a
}

func (c *client) get(path string) answer {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.base+path, nil)
	return c.do(req)
}

// post sends a form; the session's CSRF token is added unless the form has
// one.
func (c *client) post(path string, form url.Values) answer {
	c.t.Helper()
	if _, ok := form["csrf"]; !ok && c.csrf != "" {
		form.Set("csrf", c.csrf)
	}
	req, _ := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

var loginToken = regexp.MustCompile(`name="token" value="([^"]+)"`)

// login signs in and returns the answer to the sign-in form.
func (c *client) login(user, password string) answer {
	c.t.Helper()
	page := c.get("/login")
	m := loginToken.FindStringSubmatch(page.body)
	if m == nil {
		c.t.Fatalf("the sign-in page has no token:\n%s", page.body)
	}
	a := c.post("/login", url.Values{"token": {m[1]}, "username": {user}, "password": {password}, "next": {"/"}})
	if a.status == http.StatusSeeOther {
		c.get("/") // learn the session's CSRF token
	}
	return a
}

// mustLogin signs in, failing the test if it cannot.
func (c *client) mustLogin(user string) {
	c.t.Helper()
	if a := c.login(user, testPassword); a.status != http.StatusSeeOther {
		c.t.Fatalf("sign-in as %s: status %d\n%s", user, a.status, a.body)
	}
}

// declaration is a valid declaration's form.
func declarationForm(subject string) url.Values {
	return url.Values{
		"kind":              {"declaration"},
		"subject":           {subject},
		"b/topic":           {"A topic"},
		"b/category":        {"other"},
		"b/title":           {"A position"},
		"b/text":            {"The position, in full."},
		"b/stated_on":       {"2025-03-01"},
		"b/language":        {"en"},
		"b/sources/0/~":     {""},
		"b/sources/0/title": {"A statement"},
	}
}

func (e *env) audit() []*AuditEntry {
	e.t.Helper()
	es, err := e.store.AuditTrail(context.Background(), 0, 1000)
	if err != nil {
		e.t.Fatal(err)
	}
	return es
}

// hasAudit reports whether the trail has an entry by user of action.
func (e *env) hasAudit(user, action string) *AuditEntry {
	for _, a := range e.audit() {
		if a.Username == user && a.Action == action {
			return a
		}
	}
	return nil
}
