// Package desk is a party's own web application for writing records: it
// holds the party's private key, offers a form for every kind of record the
// party may author (made from the kinds' JSON Schemas, so that a new kind
// gets its form without new code), checks a body as the register will, shows
// exactly what will be signed, signs it locally and submits it to the
// register, then shows the record's proof. Several officials of one ministry
// may share a desk: each signs in with an account, drafts are kept until they
// are submitted, and an audit trail says who drafted, signed and submitted
// what. The key never leaves the desk's process and is never logged.
package desk

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"path"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/kongsi/kongsi/internal/i18n"
	"github.com/kongsi/kongsi/internal/publish"
	"github.com/kongsi/kongsi/internal/signednote"
	"github.com/kongsi/kongsi/internal/web"
	"golang.org/x/mod/sumdb/note"
)

//go:embed templates/*.html locales/*.json
var templateFiles embed.FS

//go:embed static/desk.css
var deskCSS []byte

// Options configure a desk.
type Options struct {
	// Register is the register's address: "https://register.example.org".
	Register string
	// Key is the party's private key (from kongsi keygen). Its name is the
	// party's ID.
	Key string
	// Store holds the accounts, sessions, drafts and audit trail.
	Store *Store
	// PublicURL is the desk's address as officials reach it, when it is not
	// the address it listens on (behind a TLS proxy): it sets the allowed
	// Host, and https makes cookies Secure.
	PublicURL string
	// Listen is the address the desk listens on, for the Host check.
	Listen string
	// HTTP reaches the register; a client with a timeout by default.
	HTTP   *http.Client
	Logger *slog.Logger
	// Argon2 are the costs of password hashes; DefaultArgon2 by default.
	Argon2 *Argon2Params
	// SessionIdle and SessionMax bound sessions: 30 minutes without a
	// request, 12 hours in all, by default.
	SessionIdle, SessionMax time.Duration
	// Clock gives the time; time.Now by default.
	Clock func() time.Time
	// Catalog translates the words of the register's kinds (their titles,
	// the labels of their fields): the modules' catalogs (see
	// module.AddTranslations). The desk translates its own words from its
	// own catalog; without Catalog, kinds are shown in English.
	Catalog *i18n.Catalog
}

// Desk serves a party's desk.
type Desk struct {
	store     *Store
	reg       *register
	signer    note.Signer
	author    string
	regURL    string
	publicURL *url.URL
	hosts     map[string]bool // allowed Host headers; empty for any
	logger    *slog.Logger
	argon     Argon2Params
	idle, max time.Duration
	now       func() time.Time
	limiter   *limiter
	hashSlots chan struct{}                 // bounds concurrent password hashing
	pages     map[string]*template.Template // in English, by name
	pagesMu   sync.Mutex
	localized map[[2]string]*template.Template // by language code and name
	locales   map[string]*locale               // by language code
	static    http.Handler
	assetURL  func(string) string
	deskCSS   string // the address of desk.css
	mux       *http.ServeMux
}

// New makes a desk.
func New(opts Options) (*Desk, error) {
	signer, err := signednote.NewSigner(opts.Key)
	if err != nil {
		return nil, err
	}
	vkey, err := signednote.VerifierKey(opts.Key)
	if err != nil {
		return nil, err
	}
	if opts.Store == nil {
		return nil, errors.New("the desk needs a store")
	}
	u, err := url.Parse(opts.Register)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("the register's address %q is not an http or https URL", opts.Register)
	}
	d := &Desk{
		store: opts.Store, signer: signer, author: signer.Name(), regURL: strings.TrimSuffix(opts.Register, "/"),
		logger: opts.Logger, idle: opts.SessionIdle, max: opts.SessionMax, now: opts.Clock,
		limiter: newLimiter(), hashSlots: make(chan struct{}, 2), hosts: map[string]bool{},
	}
	if d.logger == nil {
		d.logger = slog.Default()
	}
	if d.idle == 0 {
		d.idle = 30 * time.Minute
	}
	if d.max == 0 {
		d.max = 12 * time.Hour
	}
	if d.now == nil {
		d.now = time.Now
	}
	d.argon = DefaultArgon2
	if opts.Argon2 != nil {
		d.argon = *opts.Argon2
	}
	httpc := opts.HTTP
	if httpc == nil {
		httpc = &http.Client{Timeout: 60 * time.Second}
	}
	d.reg = &register{client: &publish.Client{Base: d.regURL, HTTP: httpc}, author: d.author, vkey: strings.TrimSpace(vkey), ttl: 5 * time.Minute}
	if opts.PublicURL != "" {
		if d.publicURL, err = url.Parse(opts.PublicURL); err != nil || d.publicURL.Host == "" {
			return nil, fmt.Errorf("the desk's public address %q is not a URL", opts.PublicURL)
		}
		d.hosts[d.publicURL.Host] = true
	}
	if opts.Listen != "" {
		if host, port, err := net.SplitHostPort(opts.Listen); err == nil {
			d.hosts[opts.Listen] = true
			if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
				d.hosts["localhost:"+port] = true
			}
		}
	}
	own := i18n.NewCatalog()
	if err := own.Add(templateFiles, "locales"); err != nil {
		return nil, err
	}
	kinds := opts.Catalog
	if kinds == nil {
		kinds = i18n.NewCatalog()
	}
	d.locales, d.localized = newLocales(own, kinds), map[[2]string]*template.Template{}
	if d.static, d.assetURL, err = web.Static(); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(deskCSS)
	d.deskCSS = "/desk/desk." + hex.EncodeToString(sum[:4]) + ".css"
	if err := d.parseTemplates(); err != nil {
		return nil, err
	}
	d.routes()
	return d, nil
}

// Author is the party the desk signs for.
func (d *Desk) Author() string { return d.author }

// Check reaches the register and reads its kinds and the party, so that a
// misconfigured desk says so at start-up.
func (d *Desk) Check(ctx context.Context) (*Catalogue, error) {
	return d.reg.catalogue(ctx)
}

func (d *Desk) parseTemplates() error {
	base := template.New("base").Funcs(d.funcs(d.locales[i18n.English.Code]))
	if _, err := base.ParseFS(templateFiles, "templates/_*.html"); err != nil {
		return fmt.Errorf("couldn't parse the desk's layout: %w", err)
	}
	files, err := fs.Glob(templateFiles, "templates/[a-z]*.html")
	if err != nil {
		return err
	}
	d.pages = map[string]*template.Template{}
	for _, f := range files {
		t, err := base.Clone()
		if err != nil {
			return err
		}
		if _, err := t.ParseFS(templateFiles, f); err != nil {
			return fmt.Errorf("couldn't parse %s: %w", f, err)
		}
		d.pages[strings.TrimSuffix(path.Base(f), ".html")] = t
	}
	return nil
}

func (d *Desk) routes() {
	m := http.NewServeMux()
	m.Handle("GET /static/", d.static)
	m.HandleFunc("GET "+d.deskCSS, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		w.Write(deskCSS)
	})
	m.HandleFunc("GET /login", d.public(d.loginForm))
	m.HandleFunc("POST /login", d.public(d.login))
	m.HandleFunc("POST /logout", d.signedIn(d.logout))
	m.HandleFunc("GET /{$}", d.signedIn(d.home))
	m.HandleFunc("GET /new", d.signedIn(d.newDraft))
	m.HandleFunc("POST /new", d.signedIn(d.postNew))
	m.HandleFunc("GET /drafts/{id}", d.signedIn(d.showDraft))
	m.HandleFunc("POST /drafts/{id}", d.signedIn(d.postDraft))
	m.HandleFunc("GET /drafts/{id}/review", d.signedIn(d.review))
	m.HandleFunc("POST /drafts/{id}/submit", d.signedIn(d.submit))
	m.HandleFunc("GET /drafts/{id}/proof", d.signedIn(d.proofFile))
	m.HandleFunc("GET /audit", d.signedIn(d.auditTrail))
	d.mux = m
}

// MaxBodySize bounds request bodies: a record is at most 64 KiB, and its
// form a little more.
const MaxBodySize = 1 << 20

// Handler returns the desk's handler, with its middleware.
func (d *Desk) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				d.logger.Error("panic serving a request", "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		if len(d.hosts) > 0 && !d.hosts[r.Host] {
			// A page elsewhere that resolves its own name to this
			// machine (DNS rebinding) gets nothing.
			http.Error(w, "this desk is not served under that name", http.StatusMisdirectedRequest)
			return
		}
		r = d.chooseLanguage(w, r)
		if r.Method == http.MethodPost {
			if o := r.Header.Get("Origin"); o != "" && o != "null" && o != d.origin(r) {
				d.renderError(w, r, http.StatusForbidden, "csrf", "")
				return
			}
		}
		r.Body = http.MaxBytesReader(w, r.Body, MaxBodySize)
		d.mux.ServeHTTP(w, r)
	})
}

// origin is the desk's origin as the browser sees it.
func (d *Desk) origin(r *http.Request) string {
	if d.publicURL != nil {
		return d.publicURL.Scheme + "://" + d.publicURL.Host
	}
	if r.TLS != nil {
		return "https://" + r.Host
	}
	return "http://" + r.Host
}

// secure reports whether cookies must be Secure: when officials reach the
// desk over TLS.
func (d *Desk) secure(r *http.Request) bool {
	return r.TLS != nil || (d.publicURL != nil && d.publicURL.Scheme == "https")
}

// Serve serves the desk on ln until ctx ends, then shuts down gracefully.
func (d *Desk) Serve(ctx context.Context, ln net.Listener) error {
	srv := web.NewServer(d.Handler(), d.logger)
	// Submitting waits for the register to publish the record.
	srv.WriteTimeout = 90 * time.Second
	go d.sweepSessions(ctx)
	return web.ServeUntil(ctx, srv, ln)
}

// sweepSessions deletes ended sessions now and then.
func (d *Desk) sweepSessions(ctx context.Context) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		if err := d.store.DeleteExpiredSessions(ctx, d.now(), d.idle); err != nil && ctx.Err() == nil {
			d.logger.Warn("couldn't delete ended sessions", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// view is what every page template receives.
type view struct {
	Desk    *Desk
	Req     *http.Request
	Session *Session
	Cat     *Catalogue // nil when the register could not be reached
	CatErr  string
	Flash   string // a message's code, from the query
	Locale  *locale
	// Self is the address of the page shown, when it answers a form: the
	// language switch links to it.
	Self string
	Data any
}

// CSS are the stylesheets' addresses.
func (v *view) CSS() []string { return []string{v.Desk.assetURL("style.css"), v.Desk.deskCSS} }

// Author is the party the desk signs for.
func (v *view) Author() string { return v.Desk.author }

// Register is the register's address.
func (v *view) Register() string { return v.Desk.regURL }

// CSRF is the session's token for forms.
func (v *view) CSRF() string {
	if v.Session == nil {
		return ""
	}
	return v.Session.CSRF
}

// Active reports whether a navigation link is the current page's.
func (v *view) Active(p string) bool {
	if p == "/" {
		return v.Req.URL.Path == "/"
	}
	return strings.HasPrefix(v.Req.URL.Path, p)
}

// render renders a page.
func (d *Desk) render(w http.ResponseWriter, r *http.Request, status int, page string, v *view) {
	l := d.locale(r)
	t, err := d.page(l, page)
	if err != nil {
		d.logger.Error("couldn't find a page template", "page", page, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	v.Desk, v.Req, v.Locale = d, r, l
	if v.Flash == "" {
		v.Flash = r.URL.Query().Get("done")
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		d.logger.Error("couldn't render a page", "page", page, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// errorData is what the error page shows: a message's code, and a detail
// from elsewhere (the register, the network) when there is one.
type errorData struct {
	Status int
	Code   string
	Detail string
}

func (d *Desk) renderError(w http.ResponseWriter, r *http.Request, status int, code, detail string) {
	d.render(w, r, status, "error", &view{Data: errorData{Status: status, Code: code, Detail: detail}})
}

// fail shows an internal failure without its text, which is logged.
func (d *Desk) fail(w http.ResponseWriter, r *http.Request, err error) {
	d.logger.Error("request failed", "path", r.URL.Path, "error", err)
	d.renderError(w, r, http.StatusInternalServerError, "internal", "")
}
