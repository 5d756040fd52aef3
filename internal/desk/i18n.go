package desk

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/kongsi/kongsi/internal/i18n"
)

// locale is a language of the desk's pages. The desk's own words are
// translated from its catalog; the words of the register's kinds (their
// titles, the labels of their fields, their options and help) from the
// modules' catalogs, which the public pages use too. Each catalog is
// preferred for its own words, so that the two need not agree on a word
// both translate.
type locale struct {
	Lang  *i18n.Lang
	own   *i18n.Locale
	kinds *i18n.Locale
	// ownCat and kindCat are the catalogs, to ask which translates a text.
	ownCat, kindCat *i18n.Catalog
}

// T translates one of the desk's texts and formats its arguments into it,
// numbers as the language writes them (see i18n.Locale.T).
func (l *locale) T(text string, args ...any) string {
	if l.Lang != i18n.English && !l.ownCat.Has(l.Lang.Code, text) && l.kindCat.Has(l.Lang.Code, text) {
		return l.kinds.T(text, args...)
	}
	return l.own.T(text, args...)
}

// Label translates a text that comes from a kind of record: a title, a
// field's label, an option, a help text.
func (l *locale) Label(text string) string {
	if l.Lang != i18n.English && l.kindCat.Has(l.Lang.Code, text) {
		return l.kinds.T(text)
	}
	return l.own.T(text)
}

// typeNames names the JSON types a value should have ("string or number"),
// for people.
func (l *locale) typeNames(types string) string {
	var out []string
	for _, t := range strings.Split(types, " or ") {
		out = append(out, l.typeName(t))
	}
	return strings.Join(out, " / ")
}

func (l *locale) typeName(t string) string {
	switch t {
	case "string":
		return l.T("text")
	case "integer":
		return l.T("a whole number")
	case "number":
		return l.T("a number")
	case "boolean":
		return l.T("yes or no")
	case "object":
		return l.T("a group of fields")
	case "array":
		return l.T("a list")
	case "null":
		return l.T("nothing")
	}
	return t
}

// newLocales makes the desk's locales from its catalog and the modules'.
func newLocales(own, kinds *i18n.Catalog) map[string]*locale {
	ls := map[string]*locale{}
	for _, lang := range i18n.Langs {
		ls[lang.Code] = &locale{Lang: lang, own: own.Locale(lang), kinds: kinds.Locale(lang), ownCat: own, kindCat: kinds}
	}
	return ls
}

type localeKey struct{}

// chooseLanguage picks the language of a request's pages (i18n.Choose), and
// keeps an official's explicit choice in a cookie.
func (d *Desk) chooseLanguage(w http.ResponseWriter, r *http.Request) *http.Request {
	lang, chosen := i18n.Choose(r)
	if chosen {
		i18n.Remember(w, lang)
	}
	w.Header().Add("Vary", "Accept-Language, Cookie")
	w.Header().Set("Content-Language", lang.Tag.String())
	return r.WithContext(context.WithValue(r.Context(), localeKey{}, d.locales[lang.Code]))
}

// locale is the language a request's pages are shown in.
func (d *Desk) locale(r *http.Request) *locale {
	if l, ok := r.Context().Value(localeKey{}).(*locale); ok {
		return l
	}
	lang, _ := i18n.Choose(r)
	return d.locales[lang.Code]
}

// page is a page's template set in a language: the parsed set, cloned with
// the language's functions the first time the page is shown in it. The
// parsed set itself never runs: html/template cannot clone a set that has.
func (d *Desk) page(l *locale, name string) (*template.Template, error) {
	d.pagesMu.Lock()
	defer d.pagesMu.Unlock()
	t, ok := d.pages[name]
	if !ok {
		return nil, fmt.Errorf("no page template %q", name)
	}
	key := [2]string{l.Lang.Code, name}
	if lt, ok := d.localized[key]; ok {
		return lt, nil
	}
	lt, err := t.Clone()
	if err != nil {
		return nil, err
	}
	lt.Funcs(d.funcs(l))
	d.localized[key] = lt
	return lt, nil
}

// Langs are the languages the page can be shown in, for the switch.
func (v *view) Langs() []*i18n.Lang { return i18n.Langs }

// LangURL is the page's address in another language. A page shown in answer
// to a form has the address of the page it stands for (a draft's, the
// sign-in page's), or the desk's front page: the switch is a link, which
// neither sends a form again nor needs the form's token.
func (v *view) LangURL(code string) string {
	u := &url.URL{Path: "/"}
	switch {
	case v.Self != "":
		if s, err := url.Parse(v.Self); err == nil {
			u = s
		}
	case v.Req.Method == http.MethodGet || v.Req.Method == http.MethodHead:
		u = v.Req.URL
	}
	q := u.Query()
	// A message about what was just done is not said again.
	q.Del("done")
	q.Set(i18n.Param, code)
	return (&url.URL{Path: u.Path, RawQuery: q.Encode()}).RequestURI()
}
