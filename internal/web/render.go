package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/kongsi/kongsi/internal/browse"
	"github.com/kongsi/kongsi/internal/i18n"
	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/record"
)

// View is what every page template receives.
type View struct {
	Site   *Site
	Req    *http.Request
	Nav    []NavItem
	Locale *i18n.Locale
	Data   any
}

// Langs are the languages the page can be shown in, for the switch.
func (v *View) Langs() []*i18n.Lang { return i18n.Langs }

// LangURL is the page's address in another language.
func (v *View) LangURL(code string) string { return withQuery(v.Req, i18n.Param, code) }

// matches reports how well a link's path covers the request's path: the
// length of the path when it is the path or a parent of it, 0 otherwise.
func matches(reqPath, path string) int {
	if reqPath == path || strings.HasPrefix(reqPath, strings.TrimSuffix(path, "/")+"/") {
		return len(path)
	}
	return 0
}

// Section is the main navigation entry the current page belongs to: the one
// whose path, or one of whose sub-links' paths, covers the page's path best.
func (v *View) Section() *NavItem {
	var best *NavItem
	bestLen := 0
	for i := range v.Nav {
		item := &v.Nav[i]
		for _, l := range append([]NavItem{{Path: item.Path, Also: item.Also}}, item.Sub...) {
			for _, p := range append([]string{l.Path}, l.Also...) {
				if n := matches(v.Req.URL.Path, p); n > bestLen {
					best, bestLen = item, n
				}
			}
		}
	}
	return best
}

// Active reports whether a main navigation entry is the current section.
func (v *View) Active(path string) bool {
	if sec := v.Section(); sec != nil {
		return sec.Path == path
	}
	return matches(v.Req.URL.Path, path) > 0
}

// SubActive reports whether a sub-link is the current page's: the sub-link
// of the section that covers the page's path best.
func (v *View) SubActive(path string) bool {
	sec := v.Section()
	if sec == nil {
		return false
	}
	best, bestLen := "", 0
	for _, l := range sec.Sub {
		for _, p := range append([]string{l.Path}, l.Also...) {
			if n := matches(v.Req.URL.Path, p); n > bestLen {
				best, bestLen = l.Path, n
			}
		}
	}
	return best == path
}

// CSS is the address of the stylesheet.
func (v *View) CSS() string { return v.Site.assets.url("style.css") }

// Script is the address of the small enhancement script.
func (v *View) Script() string { return v.Site.assets.url("site.js") }

// RegisterName is the register's name from its charter, or its origin.
func (v *View) RegisterName() string {
	return v.Site.Node.Origin
}

// Render renders a page template with the layout.
func (s *Site) Render(w http.ResponseWriter, r *http.Request, status int, page string, data any) error {
	l := s.Locale(r)
	t, err := s.page(l, page)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", &View{Site: s, Req: r, Nav: s.nav, Locale: l, Data: data}); err != nil {
		return fmt.Errorf("couldn't render %s: %w", page, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(status)
	_, err = w.Write(buf.Bytes())
	return err
}

type errorData struct {
	Status int
	Title  string
	Detail string
	Field  string
}

func (s *Site) errorPage(w http.ResponseWriter, r *http.Request, err error) {
	p := problem.As(err)
	status := problem.Status(p)
	if status >= 500 {
		s.Logger.Error("page failed", "path", r.URL.Path, "error", err)
	}
	d := errorData{Status: status, Title: s.Locale(r).T(http.StatusText(status)), Detail: p.Detail, Field: p.Field}
	if rerr := s.Render(w, r, status, "error", d); rerr != nil {
		s.Logger.Error("couldn't render the error page", "error", rerr)
		http.Error(w, p.Detail, status)
	}
}

var urlPattern = regexp.MustCompile(`^https?://[^\s<>"]+$`)

// summary is the template function summary: a record's summary in the
// page's language, made again from its body by its kind; in English, or
// without the body, the summary the register keeps.
func (s *Site) summary(l *i18n.Locale, v any) string {
	var r *browse.Record
	switch v := v.(type) {
	case *browse.Record:
		r = v
	case browse.Record:
		r = &v
	case RecordJSON:
		r = v.Record
	case *RecordJSON:
		r = v.Record
	default:
		return fmt.Sprint(v)
	}
	if r == nil {
		return ""
	}
	if l.Lang == i18n.English || len(r.Body) == 0 {
		return r.Summary
	}
	return s.Node.Kinds.SummaryIn(l, r.Kind, r.Subject, r.Body)
}

// countryName is the template function country: {{country .Name}} or,
// better, {{country .Code .Name}} (see i18n.Locale.Country).
func countryName(l *i18n.Locale, codeAndName []string) string {
	switch len(codeAndName) {
	case 1:
		return l.CountryName(codeAndName[0])
	case 2:
		return l.Country(codeAndName[0], codeAndName[1])
	}
	return strings.Join(codeAndName, " ")
}

// funcs are the template functions of pages in a language. Besides the
// helpers, t translates a text (and formats its arguments, if any); date,
// datetime, month and number format as the language does; humanize and
// kindTitle give field names and kinds of record in the language; country
// names a state or a country in the language.
func (s *Site) funcs(l *i18n.Locale) template.FuncMap {
	return template.FuncMap{
		"t":         l.T,
		"country":   func(codeAndName ...string) string { return countryName(l, codeAndName) },
		"summary":   func(r any) string { return s.summary(l, r) },
		"punct":     l.Punct,
		"kindTitle": func(kind string) string { return l.T(s.kindTitle(kind)) },
		"short":     func(id string) string { return shortID(id) },
		"date":      func(v any) string { return FormatDate(l, v) },
		"datetime":  func(v any) string { return FormatDateTime(l, v) },
		"month":     func(v any) string { return formatMonth(l, v) },
		"ago":       func(t time.Time) string { return ago(l, t) },
		"humanize":  func(s string) string { return l.T(humanize(s)) },
		"percent":   l.Percent,
		"sentence":  sentence,
		"isURL":     func(v any) bool { s, ok := v.(string); return ok && urlPattern.MatchString(s) },
		"isDate":    func(v any) bool { s, ok := v.(string); return ok && isDate(s) },
		"number":    func(v any) string { return formatNumber(l, v) },
		"json":      prettyJSON,
		"body":      decodeBody,
		"fields":    sortedFields,
		"kindOf":    KindOf,
		"query":     withQuery,
		"add":       func(a, b int) int { return a + b },
		"seq": func(n int) []int {
			s := make([]int, n)
			for i := range s {
				s[i] = i
			}
			return s
		},
		"join":      strings.Join,
		"lower":     strings.ToLower,
		"hasPrefix": strings.HasPrefix,
		"safeURL":   func(s string) template.URL { return template.URL(s) },
		"pathEscape": func(s string) string {
			parts := strings.Split(s, "/")
			for i, p := range parts {
				parts[i] = url.PathEscape(p)
			}
			return strings.Join(parts, "/")
		},
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},
	}
}

func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

func isDate(s string) bool {
	_, err := time.Parse("2006-01-02", s)
	return err == nil
}

// parseTime reads a day ("2025-04-27") or a record's time.
func parseTime(v any) (t time.Time, day, ok bool) {
	switch v := v.(type) {
	case string:
		if t, err := time.Parse("2006-01-02", v); err == nil {
			return t, true, true
		}
		if t, err := time.Parse(record.TimeFormat, v); err == nil {
			return t.UTC(), false, true
		}
	case time.Time:
		return v.UTC(), false, true
	}
	return time.Time{}, false, false
}

// FormatDate writes a day ("2025-04-27", a record's time or a time.Time) as
// the language does; other values as they are.
func FormatDate(l *i18n.Locale, v any) string {
	if t, _, ok := parseTime(v); ok {
		return l.Date(t)
	}
	return fmt.Sprint(v)
}

// FormatDateTime writes a moment as the language does, a day without a time.
func FormatDateTime(l *i18n.Locale, v any) string {
	t, day, ok := parseTime(v)
	switch {
	case !ok:
		return fmt.Sprint(v)
	case day:
		return l.Date(t)
	}
	return l.DateTime(t)
}

func formatMonth(l *i18n.Locale, v any) string {
	if t, _, ok := parseTime(v); ok {
		return l.Month(t)
	}
	if s, ok := v.(string); ok {
		if t, err := time.Parse("2006-01", s); err == nil {
			return l.Month(t)
		}
	}
	return fmt.Sprint(v)
}

func ago(l *i18n.Locale, t time.Time) string {
	d := time.Since(t)
	switch {
	case d < 2*time.Second:
		return l.T("just now")
	case d < time.Minute:
		return l.T("%d seconds ago", int(d.Seconds()))
	case d < 2*time.Minute:
		return l.T("a minute ago")
	case d < time.Hour:
		return l.T("%d minutes ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return l.T("%d hours ago", int(d.Hours()))
	default:
		return l.T("%d days ago", int(d.Hours()/24))
	}
}

// Humanize turns a field name into words, as the pages label fields:
// "stated_on" → "Stated on", "source_url" → "Source URL".
func Humanize(s string) string { return humanize(s) }

// humanize turns a field name into words: "stated_on" → "Stated on".
// sentence starts a text with a capital letter.
func sentence(s string) string {
	r := []rune(s)
	if len(r) > 0 {
		r[0] = unicode.ToUpper(r[0])
	}
	return string(r)
}

func humanize(s string) string {
	s = strings.NewReplacer("_", " ", "-", " ").Replace(s)
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	out := string(r)
	for _, acr := range []string{"url", "id", "iso", "hs", "bri", "csr", "api"} {
		out = replaceWord(out, acr, strings.ToUpper(acr))
	}
	return out
}

func replaceWord(s, word, with string) string {
	fields := strings.Fields(s)
	for i, f := range fields {
		if strings.EqualFold(f, word) {
			fields[i] = with
		}
	}
	return strings.Join(fields, " ")
}

// formatNumber writes a number as the language does, with at most three
// decimals; other values as they are.
func formatNumber(l *i18n.Locale, v any) string {
	var f float64
	switch v := v.(type) {
	case int:
		f = float64(v)
	case int64:
		f = float64(v)
	case uint64:
		f = float64(v)
	case float64:
		f = v
	case json.Number:
		var err error
		if f, err = v.Float64(); err != nil {
			return v.String()
		}
	default:
		return fmt.Sprint(v)
	}
	return l.Number(f)
}

func prettyJSON(v any) string {
	var b []byte
	var err error
	if raw, ok := v.(json.RawMessage); ok {
		var buf bytes.Buffer
		if err = json.Indent(&buf, raw, "", "  "); err == nil {
			return buf.String()
		}
	}
	b, err = json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// decodeBody decodes a record's body for the generic renderer.
func decodeBody(raw json.RawMessage) any {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil
	}
	return v
}

// Field is one member of an object, for templates.
type Field struct {
	Key   string
	Value any
}

// sortedFields lists an object's members, the short scalar ones first, then
// by name.
func sortedFields(v any) []Field {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	var fs []Field
	for k, e := range m {
		fs = append(fs, Field{k, e})
	}
	rank := func(f Field) int {
		switch x := f.Value.(type) {
		case string:
			if f.Key == "title" || f.Key == "name" {
				return 0
			}
			if len(x) > 200 {
				return 3
			}
			return 1
		case map[string]any, []any:
			return 4
		default:
			return 1
		}
	}
	sort.SliceStable(fs, func(i, j int) bool {
		ri, rj := rank(fs[i]), rank(fs[j])
		if ri != rj {
			return ri < rj
		}
		return fs[i].Key < fs[j].Key
	})
	return fs
}

// KindOf names the JSON type of a decoded value for templates: "object",
// "array", "string", "bool", "null", "number", or "other" for a value
// JSON does not have.
func KindOf(v any) string {
	switch v.(type) {
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case bool:
		return "bool"
	case nil:
		return "null"
	case json.Number, float64, int, int64:
		return "number"
	}
	return "other"
}

// withQuery returns the request's URL with query parameters changed
// ("key", "value" pairs; an empty value removes the key).
func withQuery(r *http.Request, kv ...string) string {
	q := r.URL.Query()
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			q.Del(kv[i])
		} else {
			q.Set(kv[i], kv[i+1])
		}
	}
	u := *r.URL
	u.RawQuery = q.Encode()
	return u.RequestURI()
}
