package desk

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/kongsi/kongsi/internal/i18n"
)

// Cookies.
const (
	sessionCookie = "kongsi_desk"       // the session's token
	loginCookie   = "kongsi_desk_login" // the sign-in form's token, before there is a session
)

// newToken makes a random token, URL-safe.
func newToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// tokenHash is what the database keeps of a session's token, so that a copy
// of the database gives no one a session.
func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

func sameToken(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// public wraps a handler that needs no session.
func (d *Desk) public(h func(w http.ResponseWriter, r *http.Request, v *view)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v := &view{}
		if s, err := d.session(r); err == nil {
			v.Session = s
		}
		h(w, r, v)
	}
}

// signedIn wraps a handler for signed-in officials: others are sent to the
// sign-in page, and a POST must carry the session's CSRF token.
func (d *Desk) signedIn(h func(w http.ResponseWriter, r *http.Request, v *view)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s, err := d.session(r)
		if errors.Is(err, ErrNotFound) {
			if r.Method == http.MethodPost {
				d.renderError(w, r, http.StatusForbidden, "session-ended", "")
				return
			}
			// The language chosen is in its cookie by now: the page to
			// return to does not choose it again.
			next := *r.URL
			q := next.Query()
			q.Del(i18n.Param)
			next.RawQuery = q.Encode()
			http.Redirect(w, r, "/login?next="+url.QueryEscape(next.RequestURI()), http.StatusSeeOther)
			return
		}
		if err != nil {
			d.fail(w, r, err)
			return
		}
		if r.Method == http.MethodPost {
			if err := r.ParseForm(); err != nil {
				d.renderError(w, r, http.StatusBadRequest, "form-unreadable", "")
				return
			}
			if !sameToken(r.PostForm.Get("csrf"), s.CSRF) {
				d.renderError(w, r, http.StatusForbidden, "csrf", "")
				return
			}
		}
		v := &view{Session: s}
		cat, err := d.reg.catalogue(r.Context())
		if err != nil {
			v.CatErr = err.Error()
		}
		v.Cat = cat
		h(w, r, v)
	}
}

// session finds the request's session.
func (d *Desk) session(r *http.Request) (*Session, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" || len(c.Value) > 100 {
		return nil, ErrNotFound
	}
	return d.store.SessionByHash(r.Context(), tokenHash(c.Value), d.now(), d.idle)
}

func (d *Desk) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: int(maxAge.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: d.secure(r),
	})
}

type loginData struct {
	Token    string
	Username string
	Next     string
	Problem  string // a message's code
	Wait     int    // minutes, when locked out
	NoUsers  bool
}

func (d *Desk) loginForm(w http.ResponseWriter, r *http.Request, v *view) {
	if v.Session != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	d.showLogin(w, r, http.StatusOK, &loginData{Next: safeNext(r.URL.Query().Get("next"))})
}

func (d *Desk) showLogin(w http.ResponseWriter, r *http.Request, status int, ld *loginData) {
	ld.Token = newToken()
	d.setCookie(w, r, loginCookie, ld.Token, time.Hour)
	if accts, err := d.store.Accounts(r.Context()); err == nil && len(accts) == 0 {
		ld.NoUsers = true
	}
	self := "/login"
	if ld.Next != "/" {
		self += "?next=" + url.QueryEscape(ld.Next)
	}
	d.render(w, r, status, "login", &view{Data: ld, Self: self})
}

// safeNext keeps a redirect after sign-in on the desk.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n") {
		return "/"
	}
	return next
}

func (d *Desk) login(w http.ResponseWriter, r *http.Request, v *view) {
	if err := r.ParseForm(); err != nil {
		d.renderError(w, r, http.StatusBadRequest, "form-unreadable", "")
		return
	}
	username := strings.TrimSpace(r.PostForm.Get("username"))
	password := r.PostForm.Get("password")
	ld := &loginData{Username: username, Next: safeNext(r.PostForm.Get("next"))}
	c, err := r.Cookie(loginCookie)
	if err != nil || !sameToken(r.PostForm.Get("token"), c.Value) {
		ld.Problem = "login-expired"
		d.showLogin(w, r, http.StatusForbidden, ld)
		return
	}
	now := d.now()
	ip := clientIP(r)
	keys := []string{"user:" + strings.ToLower(username), "ip:" + ip}
	if wait := d.limiter.wait(keys, now); wait > 0 {
		ld.Problem, ld.Wait = "login-locked", int(wait.Minutes())+1
		d.showLogin(w, r, http.StatusTooManyRequests, ld)
		return
	}
	ok, acct, err := d.checkPassword(r.Context(), username, password)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	if !ok {
		d.limiter.fail(keys, now)
		d.audit(r.Context(), &AuditEntry{Username: username, Action: AuditSignInFailed, Detail: ip})
		ld.Problem = "login-failed"
		d.showLogin(w, r, http.StatusUnauthorized, ld)
		return
	}
	d.limiter.reset(keys[0])
	token, csrf := newToken(), newToken()
	if err := d.store.CreateSession(r.Context(), tokenHash(token), acct.ID, csrf, now, now.Add(d.max)); err != nil {
		d.fail(w, r, err)
		return
	}
	d.setCookie(w, r, sessionCookie, token, d.max)
	d.setCookie(w, r, loginCookie, "", -time.Second)
	d.audit(r.Context(), &AuditEntry{Username: acct.Username, Action: AuditSignIn, Detail: ip})
	http.Redirect(w, r, ld.Next, http.StatusSeeOther)
}

// dummyHash is checked against when there is no such account, so that the
// answer takes as long either way.
var dummyHash = "$argon2id$v=19$m=65536,t=3,p=2$c29tZXNhbHRzb21lc2FsdA$2f1kHk0pW4bq5G8V0cJv0j1H3Yc0h1m6xXK9l3vZ1cA"

// checkPassword checks a username and password; at most two hashes are
// computed at once, so that a flood of sign-ins cannot exhaust memory.
func (d *Desk) checkPassword(ctx context.Context, username, password string) (bool, *Account, error) {
	if username == "" || len(username) > 64 || len(password) > MaxPassword {
		return false, nil, nil
	}
	acct, err := d.store.AccountByUsername(ctx, username)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return false, nil, err
	}
	hash := dummyHash
	if acct != nil {
		hash = acct.Hash
	}
	select {
	case d.hashSlots <- struct{}{}:
	case <-ctx.Done():
		return false, nil, ctx.Err()
	}
	ok, err := VerifyPassword(password, hash)
	<-d.hashSlots
	if err != nil && acct != nil {
		return false, nil, fmt.Errorf("the password hash of %q is unreadable: %w", username, err)
	}
	if acct == nil || acct.Disabled || !ok {
		return false, nil, nil
	}
	return true, acct, nil
}

func (d *Desk) logout(w http.ResponseWriter, r *http.Request, v *view) {
	if err := d.store.DeleteSession(r.Context(), v.Session.hash); err != nil {
		d.fail(w, r, err)
		return
	}
	d.setCookie(w, r, sessionCookie, "", -time.Second)
	d.audit(r.Context(), &AuditEntry{Username: v.Session.Account.Username, Action: AuditSignOut})
	http.Redirect(w, r, "/login?done=signed-out", http.StatusSeeOther)
}

// audit appends to the audit trail; a failure to do so is logged loudly,
// as the trail is how a ministry knows who did what.
func (d *Desk) audit(ctx context.Context, e *AuditEntry) {
	e.At = d.now()
	if err := d.store.Log(context.WithoutCancel(ctx), e); err != nil {
		d.logger.Error("couldn't write the audit trail", "action", e.Action, "user", e.Username, "error", err)
	}
}

// clientIP is the address the request came from.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// limiter counts failed sign-ins by username and by address, and refuses
// more for a while once there are too many.
type limiter struct {
	mu     sync.Mutex
	fails  map[string][]time.Time
	window time.Duration
	limits map[string]int // by key prefix
}

func newLimiter() *limiter {
	return &limiter{fails: map[string][]time.Time{}, window: 15 * time.Minute, limits: map[string]int{"user": 5, "ip": 20}}
}

func (l *limiter) limit(key string) int {
	prefix, _, _ := strings.Cut(key, ":")
	return l.limits[prefix]
}

// wait says how long until the keys may try again; 0 if they may now.
func (l *limiter) wait(keys []string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	var longest time.Duration
	for _, k := range keys {
		recent := l.prune(k, now)
		if n := l.limit(k); len(recent) >= n {
			if w := recent[len(recent)-n].Add(l.window).Sub(now); w > longest {
				longest = w
			}
		}
	}
	return longest
}

func (l *limiter) fail(keys []string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		l.fails[k] = append(l.prune(k, now), now)
	}
	// Forget what is old, so that the map stays small.
	if len(l.fails) > 10000 {
		for k := range l.fails {
			if len(l.prune(k, now)) == 0 {
				delete(l.fails, k)
			}
		}
	}
}

func (l *limiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.fails, key)
}

// prune drops failures older than the window; l.mu is held.
func (l *limiter) prune(key string, now time.Time) []time.Time {
	ts := l.fails[key]
	i := 0
	for i < len(ts) && !ts[i].After(now.Add(-l.window)) {
		i++
	}
	ts = ts[i:]
	if len(ts) == 0 {
		delete(l.fails, key)
		return nil
	}
	l.fails[key] = ts
	return ts
}
