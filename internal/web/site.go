// Package web serves a register node over HTTP: server-rendered pages that
// work without JavaScript, the JSON API under /api/v1/ (with CSV downloads and
// an OpenAPI description), the log's tiles under /log/, and Prometheus
// metrics. Modules add their own pages, API routes and templates.
package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kongsi/kongsi/internal/browse"
	"github.com/kongsi/kongsi/internal/i18n"
	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/mirror"
	"github.com/kongsi/kongsi/internal/node"
	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/tlog"
)

//go:embed templates/*.html
var coreTemplates embed.FS

//go:embed locales/*.json
var coreLocales embed.FS

// Translations are the site's own catalogs (locales/*.json): its pages'
// words, and the titles, labels and help texts of the core kinds of record,
// which the desk's forms take too.
func Translations() fs.FS { return coreLocales }

// NavItem is a link in the site's main navigation. A module's entry may
// carry the links between its own pages, shown under the header on them.
type NavItem struct {
	Label string
	Path  string
	Sub   []NavItem
	// Also lists other paths whose pages belong to this entry, though it
	// does not link to them: "/actions" under the coordination board.
	Also []string
}

// Site serves one node.
type Site struct {
	Node   *node.Node
	Logger *slog.Logger
	// PublicURL is the site's address as users reach it, for the commands
	// the pages suggest ("http://127.0.0.1:8080"). Empty means: from the
	// request.
	PublicURL string
	// Demo marks a register founded with demo keys.
	Demo bool
	// Writer is the address of the register's writer, for the answers of
	// a read-only node.
	Writer string
	// Mirror is the mirror whose copy a read-only node serves, if any.
	Mirror Mirror

	mux        *http.ServeMux
	base       *template.Template
	pages      map[string]*template.Template
	pagesMu    sync.Mutex
	catalog    *i18n.Catalog
	locales    map[string]*i18n.Locale          // by language code
	localized  map[[2]string]*template.Template // by language code and page; pages holds the sets parsed, never run
	nav        []NavItem
	assets     *assets
	metrics    *metrics
	openapi    *openAPI
	bodies     map[string]BodyRenderer // by kind
	partySec   []Section[*browse.Party]
	sigCache   *lru[[2]uint64, bool]        // by record index and signature line
	proofs     *lru[[2]uint64, *tlog.Proof] // by index and tree size
	parties    versioned[[]*browse.Party]
	kindCounts versioned[[]browse.KindCount]
	homeSec    []Section[struct{}]
	routes     []string         // API patterns, for the OpenAPI check
	limits     map[string]int64 // request body limits of upload routes, by pattern
	// witnessCache is the last check of a checkpoint's cosignatures.
	witnessCache atomic.Pointer[witnessCheckCache]
	// forward passes writes on to the writer; nil on the writer.
	forward http.Handler
}

// MaxBodySize is the largest request body a route takes, unless it is an
// upload route (APIUpload).
const MaxBodySize = 1 << 20

// Options configure a Site.
type Options struct {
	Logger    *slog.Logger
	PublicURL string
	Demo      bool
	// Writer and Mirror are set on a mirror's node: the upstream's
	// address, and the mirror, whose status and evidence of split views
	// the site shows.
	Writer string
	Mirror Mirror
	// ForwardWrites, on a read-only node that shares the writer's store,
	// passes the API's writes (and the heads that signing reads) on to
	// Writer, so that every node answers every request.
	ForwardWrites bool
}

// Mirror is a mirror as the site shows it.
type Mirror interface {
	Status() mirror.Status
}

// New makes a site for a node, with the core pages and API.
func New(n *node.Node, opts Options) (*Site, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	s := &Site{
		Node: n, Logger: opts.Logger, PublicURL: strings.TrimSuffix(opts.PublicURL, "/"), Demo: opts.Demo,
		Writer: strings.TrimSuffix(opts.Writer, "/"), Mirror: opts.Mirror,
		mux: http.NewServeMux(), pages: map[string]*template.Template{}, bodies: map[string]BodyRenderer{},
		limits: map[string]int64{}, catalog: i18n.NewCatalog(), locales: map[string]*i18n.Locale{},
		localized: map[[2]string]*template.Template{},
	}
	for _, l := range i18n.Langs {
		s.locales[l.Code] = s.catalog.Locale(l)
	}
	if err := s.catalog.Add(coreLocales, "locales"); err != nil {
		return nil, err
	}
	if opts.ForwardWrites && n.ReadOnly() && s.Writer != "" {
		u, err := url.Parse(s.Writer)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("the writer's address %q is not an http or https URL", opts.Writer)
		}
		s.forward = &httputil.ReverseProxy{
			Rewrite: func(r *httputil.ProxyRequest) {
				r.SetURL(u)
				r.SetXForwarded()
				// The addresses the writer answers with are this node's,
				// which serves the same register.
				r.Out.Host = r.In.Host
			},
			ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
				s.Logger.Warn("couldn't reach the writer", "writer", s.Writer, "error", err)
				s.apiError(w, r, problem.Unavailable("writer", "the register's writer could not be reached; try again shortly"))
			},
		}
	}
	s.sigCache = newLRU[[2]uint64, bool](50000)
	s.proofs = newLRU[[2]uint64, *tlog.Proof](5000)
	var err error
	if s.assets, err = newAssets(); err != nil {
		return nil, err
	}
	s.base = template.New("base").Funcs(s.funcs(s.locales[i18n.English.Code]))
	if _, err := s.base.ParseFS(coreTemplates, "templates/_*.html"); err != nil {
		return nil, fmt.Errorf("couldn't parse the layout: %w", err)
	}
	if err := s.AddTemplates(coreTemplates, "templates/[a-z]*.html"); err != nil {
		return nil, err
	}
	s.metrics = newMetrics(n)
	s.openapi = newOpenAPI(n)
	s.nav = []NavItem{{Label: "Records", Path: "/records"}, {Label: "Parties", Path: "/parties"}}
	s.routesCore()
	return s, nil
}

// AddNav adds a module's entry to the main navigation, before the core
// links, with the links between the module's pages, if it has several.
func (s *Site) AddNav(label, path string, sub ...NavItem) {
	s.nav = slices.Insert(s.nav, len(s.nav)-2, NavItem{Label: label, Path: path, Sub: sub})
}

// AddTemplates parses page templates. Each file is one page, named after
// the file without ".html", rendered inside the site's layout; it defines
// the blocks "title" and "content".
func (s *Site) AddTemplates(fsys fs.FS, patterns ...string) error {
	var files []string
	for _, p := range patterns {
		m, err := fs.Glob(fsys, p)
		if err != nil {
			return err
		}
		files = append(files, m...)
	}
	for _, f := range files {
		t, err := s.base.Clone()
		if err != nil {
			return err
		}
		if _, err := t.ParseFS(fsys, f); err != nil {
			return fmt.Errorf("couldn't parse %s: %w", f, err)
		}
		name := strings.TrimSuffix(f[strings.LastIndex(f, "/")+1:], ".html")
		s.pagesMu.Lock()
		if _, dup := s.pages[name]; dup {
			s.pagesMu.Unlock()
			return fmt.Errorf("two page templates are called %q", name)
		}
		s.pages[name] = t
		s.pagesMu.Unlock()
	}
	return nil
}

// AddTranslations adds a package's translations of its pages' words: the
// files <language>.json in dir of fsys (see i18n.Catalog).
func (s *Site) AddTranslations(fsys fs.FS, dir string) error {
	return s.catalog.Add(fsys, dir)
}

// page is a page's template set in a language: the parsed set, cloned with
// the language's functions the first time the page is shown in it. The
// parsed set itself never runs: html/template cannot clone a set that has.
func (s *Site) page(l *i18n.Locale, page string) (*template.Template, error) {
	s.pagesMu.Lock()
	defer s.pagesMu.Unlock()
	t, ok := s.pages[page]
	if !ok {
		return nil, fmt.Errorf("no page template %q", page)
	}
	key := [2]string{l.Lang.Code, page}
	if lt, ok := s.localized[key]; ok {
		return lt, nil
	}
	lt, err := t.Clone()
	if err != nil {
		return nil, err
	}
	lt.Funcs(s.funcs(l))
	s.localized[key] = lt
	return lt, nil
}

// BodyRenderer renders the body of a record of one kind for the record page,
// in place of the generic rendering.
type BodyRenderer func(r *http.Request, rec *browse.Record) (template.HTML, error)

// Section is a titled part of a core page that a module adds.
type Section[T any] struct {
	Title  string
	Render func(r *http.Request, about T) (template.HTML, error) // "" for nothing to show
}

// RenderedSection is a section ready to show.
type RenderedSection struct {
	Title string
	HTML  template.HTML
}

// AddPartySection adds a section to every party's page: what the party has
// pledged, owes, notified…
func (s *Site) AddPartySection(title string, f func(r *http.Request, p *browse.Party) (template.HTML, error)) {
	s.partySec = append(s.partySec, Section[*browse.Party]{title, f})
}

// AddHomeSection adds a section to the home page.
func (s *Site) AddHomeSection(title string, f func(r *http.Request) (template.HTML, error)) {
	s.homeSec = append(s.homeSec, Section[struct{}]{title, func(r *http.Request, _ struct{}) (template.HTML, error) { return f(r) }})
}

func renderSections[T any](r *http.Request, secs []Section[T], about T) ([]RenderedSection, error) {
	var out []RenderedSection
	for _, sec := range secs {
		h, err := sec.Render(r, about)
		if err != nil {
			return nil, err
		}
		if h != "" {
			out = append(out, RenderedSection{sec.Title, h})
		}
	}
	return out, nil
}

// RenderBody makes the record page render bodies of a kind with f.
func (s *Site) RenderBody(kind string, f BodyRenderer) { s.bodies[kind] = f }

// RenderFragment renders a template of a page set (not the layout) to HTML,
// in the request's language.
func (s *Site) RenderFragment(r *http.Request, page, name string, data any) (template.HTML, error) {
	t, err := s.page(s.Locale(r), page)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if err := t.ExecuteTemplate(&b, name, data); err != nil {
		return "", fmt.Errorf("couldn't render %s/%s: %w", page, name, err)
	}
	return template.HTML(b.String()), nil
}

// Page registers a page handler. The handler returns an error to show an
// error page; *problem.Error values choose the status.
func (s *Site) Page(pattern string, h func(w http.ResponseWriter, r *http.Request) error) {
	s.mux.Handle(pattern, s.metrics.instrument(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.errorPage(w, r, err)
		}
	})))
}

// API registers a JSON API handler, and notes the route for the OpenAPI
// description, which MUST document it (a test checks).
func (s *Site) API(pattern string, h func(w http.ResponseWriter, r *http.Request) error) {
	s.routes = append(s.routes, pattern)
	s.mux.Handle(pattern, s.metrics.instrument(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.apiError(w, r, err)
		}
	})))
}

// APIUpload registers a JSON API handler whose request body may be up to
// limit bytes, instead of MaxBodySize: for uploads of the files that records
// publish by reference. The handler MUST stream the body rather than hold it
// in memory.
func (s *Site) APIUpload(pattern string, limit int64, h func(w http.ResponseWriter, r *http.Request) error) {
	s.limits[pattern] = limit
	s.API(pattern, h)
}

// Handle registers a plain handler.
func (s *Site) Handle(pattern string, h http.Handler) {
	s.mux.Handle(pattern, s.metrics.instrument(pattern, h))
}

// OpenAPIPaths adds path items to the OpenAPI description: a map from path
// to its path item object, as in the specification.
func (s *Site) OpenAPIPaths(paths map[string]any) { s.openapi.addPaths(paths) }

// Handler returns the site's handler, with its middleware.
func (s *Site) Handler() http.Handler {
	var h http.Handler = s.mux
	if s.forward != nil {
		h = s.forwardWrites(h)
	}
	h = s.limitBodies(h)
	h = s.chooseLanguage(h)
	h = s.secure(h)
	h = s.recover(h)
	h = s.logRequests(h)
	return h
}

// forwardWrites passes the API's writes on to the writer, and the heads of
// subjects, which a record about to be signed must follow and which the
// writer knows first.
func (s *Site) forwardWrites(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		write := r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodOptions
		if strings.HasPrefix(r.URL.Path, "/api/") && (write || strings.HasPrefix(r.URL.Path, "/api/v1/heads/")) {
			s.metrics.forwarded.Inc()
			s.forward.ServeHTTP(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
}

type localeKey struct{}

// chooseLanguage picks the language of each request's pages (i18n.Choose),
// and keeps a reader's explicit choice in a cookie.
func (s *Site) chooseLanguage(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l, chosen := i18n.Choose(r)
		if chosen {
			i18n.Remember(w, l)
		}
		w.Header().Add("Vary", "Accept-Language, Cookie")
		w.Header().Set("Content-Language", l.Tag.String())
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), localeKey{}, s.locales[l.Code])))
	})
}

// Locale is the language a request's pages are shown in, with the site's
// translations: modules translate the words they make in Go with its T.
func (s *Site) Locale(r *http.Request) *i18n.Locale {
	if l, ok := r.Context().Value(localeKey{}).(*i18n.Locale); ok {
		return l
	}
	if l, _ := i18n.Choose(r); l != nil {
		return s.locales[l.Code]
	}
	return s.locales[i18n.English.Code]
}

// limitBodies holds every request body to MaxBodySize, or to the limit of
// the upload route it is for.
func (s *Site) limitBodies(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := int64(MaxBodySize)
		if len(s.limits) > 0 {
			if _, pattern := s.mux.Handler(r); pattern != "" {
				if l, ok := s.limits[pattern]; ok {
					limit = l
				}
			}
		}
		r2 := *r
		r2.Body = http.MaxBytesReader(w, r.Body, limit)
		h.ServeHTTP(w, &r2)
	})
}

func (s *Site) routesCore() {
	s.Handle("GET /log/", http.StripPrefix("/log", tlog.Handler(s.Node.LogDir, s.Node.LogVKey)))
	s.Handle("GET /static/", s.assets)
	s.Handle("GET /metrics", s.metrics.handler())
	s.Handle("GET /healthz", http.HandlerFunc(s.healthz))

	s.Page("GET /{$}", s.home)
	s.Page("GET /records", s.recordList)
	s.Page("GET /records/{index}", s.recordShow)
	s.Page("GET /subjects/{subject...}", s.subjectHistory)
	s.Page("GET /parties", s.partyList)
	s.Page("GET /parties/{id}", s.partyShow)
	s.Page("GET /verify", s.verifyPage)
	s.Page("GET /witnesses", s.witnessesPage)

	s.API("POST /api/v1/records", s.apiSubmit)
	s.API("GET /api/v1/records", s.apiRecords)
	s.API("GET /api/v1/records.csv", s.apiRecordsCSV)
	s.API("GET /api/v1/records/{index}", s.apiRecord)
	s.API("GET /api/v1/records/{index}/proof", s.apiProof)
	s.API("GET /api/v1/ids/{id}", s.apiRecordByID)
	s.API("GET /api/v1/subjects/{subject...}", s.apiSubject)
	s.API("GET /api/v1/heads/{subject...}", s.apiHead)
	s.API("GET /api/v1/parties", s.apiParties)
	s.API("GET /api/v1/parties.csv", s.apiPartiesCSV)
	s.API("GET /api/v1/parties/{id}", s.apiParty)
	s.API("GET /api/v1/kinds", s.apiKinds)
	s.API("GET /api/v1/kinds/{kind}", s.apiKind)
	s.API("GET /api/v1/log", s.apiLog)
	s.API("GET /api/v1/witnesses", s.apiWitnesses)
	s.API("GET /api/v1/witnesses/policy", s.apiWitnessPolicy)
	s.API("GET /api/v1/openapi.json", s.apiOpenAPI)
	if s.Mirror != nil {
		s.Page("GET /mirror", s.mirrorPage)
		s.API("GET /api/v1/mirror", s.apiMirror)
		s.OpenAPIPaths(mirrorPaths())
	}
}

func (s *Site) healthz(w http.ResponseWriter, r *http.Request) {
	if err := s.Node.Projector.Err(); err != nil {
		http.Error(w, "projector stopped", http.StatusServiceUnavailable)
		return
	}
	if s.Mirror != nil && s.Mirror.Status().SplitView != nil {
		http.Error(w, "split view detected: see /mirror", http.StatusServiceUnavailable)
		return
	}
	w.Write([]byte("ok\n"))
}

// kindTitle returns the human name of a kind.
func (s *Site) kindTitle(kind string) string {
	if k, ok := s.Node.Kinds.Get(kind); ok {
		return k.Title
	}
	return kind
}

// kindsInfo lists the kinds for forms and filters.
func (s *Site) kindsInfo() []*ledger.Kind {
	var ks []*ledger.Kind
	for _, n := range s.Node.Kinds.Names() {
		k, _ := s.Node.Kinds.Get(n)
		ks = append(ks, k)
	}
	return ks
}

// baseURL is the site's public address.
func (s *Site) baseURL(r *http.Request) string {
	if s.PublicURL != "" {
		return s.PublicURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// BaseURL is the site's public address, for absolute links such as those
// of feeds: PublicURL if set, otherwise the address the request came to.
func (s *Site) BaseURL(r *http.Request) string { return s.baseURL(r) }

// Serve serves the site on ln until ctx ends, then shuts down gracefully.
func (s *Site) Serve(ctx context.Context, ln net.Listener) error {
	return ServeUntil(ctx, NewServer(s.Handler(), s.Logger), ln)
}

// NewServer is an HTTP server for h with the timeouts and limits of every
// Kongsi server; its own errors go to log.
func NewServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// ServeUntil serves ln with srv until ctx ends, then shuts the server down
// gracefully, giving requests under way 15 seconds to finish.
func ServeUntil(ctx context.Context, srv *http.Server, ln net.Listener) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("couldn't shut the server down: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// statusWriter remembers the status written.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (s *Site) logRequests(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r)
		level := slog.LevelDebug
		if sw.status >= 500 {
			level = slog.LevelError
		} else if sw.status >= 400 && sw.status != 404 {
			level = slog.LevelInfo
		}
		s.Logger.Log(r.Context(), level, "request", "method", r.Method, "path", r.URL.Path, "status", sw.status, "duration", time.Since(start).Round(time.Microsecond))
	})
}

func (s *Site) recover(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.Logger.Error("panic serving a request", "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		h.ServeHTTP(w, r)
	})
}

func (s *Site) secure(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		h.ServeHTTP(w, r)
	})
}

// APIRoutes lists the API routes the site serves ("GET /api/v1/records").
func (s *Site) APIRoutes() []string { return slices.Clone(s.routes) }
