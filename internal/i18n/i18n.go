// Package i18n puts the register's pages in the region's languages: it
// chooses a reader's language (from the page's address, a cookie or the
// browser's preference), translates the pages' words from catalogs that each
// package keeps beside its templates, and formats dates and numbers as the
// language does. Records are never translated: a body stays in the language
// it was signed in.
package i18n

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
	"golang.org/x/text/message"
	"golang.org/x/text/number"
)

// Lang is a language the pages are written in.
type Lang struct {
	// Code is the language's code in addresses, cookies and catalog
	// file names: "zh".
	Code string
	// Tag is its BCP 47 tag, for the lang attribute: "zh-Hans".
	Tag language.Tag
	// Name is the language's name in itself: "简体中文".
	Name string
}

// Langs are the languages of the pages, English (the source) first.
var Langs = []*Lang{
	{"en", language.English, "English"},
	{"zh", language.MustParse("zh-Hans"), "简体中文"},
	{"id", language.Indonesian, "Bahasa Indonesia"},
	{"ms", language.Malay, "Bahasa Melayu"},
	{"vi", language.Vietnamese, "Tiếng Việt"},
	{"th", language.Thai, "ไทย"},
}

// English is the source language.
var English = Langs[0]

// ByCode finds a language by its code; nil if the pages are not written in it.
func ByCode(code string) *Lang {
	for _, l := range Langs {
		if l.Code == code {
			return l
		}
	}
	return nil
}

var matcher = func() language.Matcher {
	tags := make([]language.Tag, len(Langs))
	for i, l := range Langs {
		tags[i] = l.Tag
	}
	return language.NewMatcher(tags)
}()

// Cookie is the name of the cookie that keeps a reader's choice.
const Cookie = "lang"

// Param is the query parameter that chooses a language: "?lang=th".
const Param = "lang"

// Choose picks a request's language: the one its address names (?lang=),
// else the one its cookie keeps, else the best match for the browser's
// Accept-Language, else English. chosen reports whether the address named
// it, so that the caller can keep the choice in a cookie.
func Choose(r *http.Request) (l *Lang, chosen bool) {
	if l := ByCode(r.URL.Query().Get(Param)); l != nil {
		return l, true
	}
	if c, err := r.Cookie(Cookie); err == nil {
		if l := ByCode(c.Value); l != nil {
			return l, false
		}
	}
	if h := r.Header.Get("Accept-Language"); h != "" {
		tags, _, err := language.ParseAcceptLanguage(h)
		if err == nil && len(tags) > 0 {
			_, i, conf := matcher.Match(tags...)
			if conf != language.No {
				return Langs[i], false
			}
		}
	}
	return English, false
}

// Remember sets the cookie that keeps a reader's choice of language for a year.
func Remember(w http.ResponseWriter, l *Lang) {
	http.SetCookie(w, &http.Cookie{
		Name: Cookie, Value: l.Code, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode,
	})
}

// Catalog holds the translations of the pages' words, by language. A
// package's translations are JSON files beside its templates, one per
// language but English: "locales/zh.json" maps each English text to its
// translation. Texts with fmt verbs ("%d records") keep the same verbs.
type Catalog struct {
	mu   sync.RWMutex
	msgs map[string]map[string]string // language code → English → translation
}

// NewCatalog makes an empty catalog.
func NewCatalog() *Catalog {
	return &Catalog{msgs: map[string]map[string]string{}}
}

// Add reads the translations in dir of fsys: a file <code>.json for each
// language but English. A file for a language the pages are not written in,
// or an entry whose verbs differ from its English text's, is refused, and
// nothing is added. Where two packages translate the same text, the
// translation added first (the core pages' are) is the one shown, so that a
// word reads the same on every page.
func (c *Catalog) Add(fsys fs.FS, dir string) error {
	files, err := fs.Glob(fsys, path.Join(dir, "*.json"))
	if err != nil {
		return err
	}
	add := map[string]map[string]string{}
	for _, f := range files {
		code := strings.TrimSuffix(path.Base(f), ".json")
		if l := ByCode(code); l == nil || l == English {
			return fmt.Errorf("%s: the pages are not translated into %q (the languages are %s)", f, code, codes())
		}
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return err
		}
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		for k, v := range m {
			if err := SameVerbs(k, v); err != nil {
				return fmt.Errorf("%s: %q: %w", f, k, err)
			}
		}
		add[code] = m
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for code, m := range add {
		if c.msgs[code] == nil {
			c.msgs[code] = map[string]string{}
		}
		for k, v := range m {
			if _, ok := c.msgs[code][k]; !ok {
				c.msgs[code][k] = v
			}
		}
	}
	return nil
}

// Has reports whether the catalog translates text into a language.
func (c *Catalog) Has(code, text string) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	_, ok := c.msgs[code][text]
	return ok
}

func codes() string {
	var cs []string
	for _, l := range Langs {
		cs = append(cs, l.Code)
	}
	return strings.Join(cs, ", ")
}

var verbPattern = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z%]`)

// verbs lists a text's fmt verbs without their argument indexes, sorted.
func verbs(s string) []string {
	var vs []string
	for _, m := range verbPattern.FindAllString(s, -1) {
		if m == "%%" {
			continue
		}
		vs = append(vs, m[len(m)-1:])
	}
	sort.Strings(vs)
	return vs
}

// SameVerbs checks that a translation formats the same arguments as its
// English text.
func SameVerbs(english, translation string) error {
	if a, b := verbs(english), verbs(translation); !slices.Equal(a, b) {
		return fmt.Errorf("the translation's verbs %v are not the English text's %v", b, a)
	}
	return nil
}

// Locale is a language with its catalog: what a page is rendered with.
type Locale struct {
	Lang    *Lang
	catalog *Catalog
	printer *message.Printer
	regions display.Namer
}

// Locale makes the locale of a language.
func (c *Catalog) Locale(l *Lang) *Locale {
	return &Locale{Lang: l, catalog: c, printer: message.NewPrinter(l.Tag), regions: display.Regions(l.Tag)}
}

// T translates a text and, given arguments, formats them into it as fmt
// does, numbers as the language writes them. A text the catalog does not
// translate is shown as it is.
func (l *Locale) T(text string, args ...any) string {
	if l.Lang != English {
		l.catalog.mu.RLock()
		if tr, ok := l.catalog.msgs[l.Lang.Code][text]; ok && tr != "" {
			text = tr
		}
		l.catalog.mu.RUnlock()
	}
	if len(args) == 0 {
		return text
	}
	return l.printer.Sprintf(text, args...)
}

// Punct writes a punctuation mark as the language writes it between the
// pieces of a page (a link, then the rest of the sentence): "." ends a
// sentence, ":" introduces what follows, "," and ";" separate the items of
// a list; each with the space the language puts after it within a line.
// Chinese writes full-width marks and no space, Thai ends a sentence with
// no mark.
func (l *Locale) Punct(mark string) string {
	switch l.Lang.Code {
	case "zh":
		switch mark {
		case ".":
			return "。"
		case ":":
			return "："
		case ",":
			return "，"
		case ";":
			return "；"
		}
	case "th":
		if mark == "." {
			return ""
		}
	}
	if mark == "." {
		return mark
	}
	return mark + " "
}

// Country names a state or a country, given its ISO 3166 code (alpha-3, as
// the register's states and the datasets name them, or alpha-2) and the
// name the register or the dataset gives it. In English that is the name;
// in another language, the catalogs' translation of the name, or else the
// name CLDR gives the country in the language. A code that is not a
// country's (an authority's, "khm.mnd") names nothing: then the name is
// looked up as CountryName does.
func (l *Locale) Country(code, name string) string {
	if l.Lang == English {
		return name
	}
	if tr := l.T(name); tr != name {
		return tr
	}
	if countryCode(code) {
		if r, err := language.ParseRegion(code); err == nil && r.IsCountry() {
			if n := l.regions.Name(r); n != "" {
				return n
			}
		}
	}
	return l.CountryName(name)
}

// CountryName is Country for a name without its code: a name that is not
// the catalogs' is looked up among the English names CLDR gives countries
// ("Japan", "United States"). Any other name is returned as it is.
func (l *Locale) CountryName(name string) string {
	if l.Lang == English {
		return name
	}
	if tr := l.T(name); tr != name {
		return tr
	}
	if r, ok := englishRegions()[name]; ok {
		if n := l.regions.Name(r); n != "" {
			return n
		}
	}
	return name
}

// englishRegions maps the English names CLDR gives countries to their
// regions.
var englishRegions = sync.OnceValue(func() map[string]language.Region {
	m := map[string]language.Region{}
	n := display.Regions(language.English)
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			r, err := language.ParseRegion(string([]rune{a, b}))
			if err != nil || !r.IsCountry() {
				continue
			}
			if name := n.Name(r); name != "" {
				m[name] = r
			}
		}
	}
	return m
})

// countryCode reports whether code has the form of an ISO 3166 alpha-2 or
// alpha-3 code, in either case.
func countryCode(code string) bool {
	if len(code) != 2 && len(code) != 3 {
		return false
	}
	for _, c := range code {
		if (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') {
			return false
		}
	}
	return true
}

// Number writes a number as the language does, with at most three
// decimals: "1,234.5", "1.234,5".
func (l *Locale) Number(f float64) string {
	return l.printer.Sprint(number.Decimal(f, number.MaxFractionDigits(3)))
}

// Decimal writes a number with exactly the given number of decimals.
func (l *Locale) Decimal(f float64, decimals int) string {
	return l.printer.Sprint(number.Decimal(f, number.MinFractionDigits(decimals), number.MaxFractionDigits(decimals)))
}

// Percent writes a share (0.25) as a percentage with the given decimals.
func (l *Locale) Percent(share float64, decimals int) string {
	return l.printer.Sprint(number.Percent(share, number.MinFractionDigits(decimals), number.MaxFractionDigits(decimals)))
}

// months are the months' names, by language, January first.
var months = map[string][12]string{
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	"id": {"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"},
	"ms": {"Januari", "Februari", "Mac", "April", "Mei", "Jun", "Julai", "Ogos", "September", "Oktober", "November", "Disember"},
	"th": {"มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"},
}

var shortMonths = map[string][12]string{
	"en": {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
	"id": {"Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"},
	"ms": {"Jan", "Feb", "Mac", "Apr", "Mei", "Jun", "Jul", "Ogo", "Sep", "Okt", "Nov", "Dis"},
	"th": {"ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."},
}

// Date writes a day as the language does (CLDR's long date; Thai years in
// the Buddhist era, as Thailand writes them): "27 April 2025",
// "2025年4月27日", "27 tháng 4, 2025", "27 เมษายน 2568".
func (l *Locale) Date(t time.Time) string {
	y, m, d := t.Date()
	switch l.Lang.Code {
	case "zh":
		return fmt.Sprintf("%d年%d月%d日", y, m, d)
	case "vi":
		return fmt.Sprintf("%d tháng %d, %d", d, m, y)
	case "th":
		return fmt.Sprintf("%d %s %d", d, months["th"][m-1], y+543)
	}
	return fmt.Sprintf("%d %s %d", d, months[l.Lang.Code][m-1], y)
}

// Month writes a month of a year: "April 2025", "2025年4月".
func (l *Locale) Month(t time.Time) string {
	y, m, _ := t.Date()
	switch l.Lang.Code {
	case "zh":
		return fmt.Sprintf("%d年%d月", y, m)
	case "vi":
		return fmt.Sprintf("tháng %d năm %d", m, y)
	case "th":
		return fmt.Sprintf("%s %d", months["th"][m-1], y+543)
	}
	return fmt.Sprintf("%s %d", months[l.Lang.Code][m-1], y)
}

// ShortDate writes a day briefly: "27 Apr 2025", "2025/4/27", "27/4/2025".
func (l *Locale) ShortDate(t time.Time) string {
	y, m, d := t.Date()
	switch l.Lang.Code {
	case "zh":
		return fmt.Sprintf("%d/%d/%d", y, m, d)
	case "vi":
		return fmt.Sprintf("%d/%d/%d", d, m, y)
	case "th":
		return fmt.Sprintf("%d %s %d", d, shortMonths["th"][m-1], y+543)
	}
	return fmt.Sprintf("%d %s %d", d, shortMonths[l.Lang.Code][m-1], y)
}

// DateTime writes a moment in UTC: "27 Apr 2025, 14:05 UTC".
func (l *Locale) DateTime(t time.Time) string {
	t = t.UTC()
	return l.ShortDate(t) + ", " + t.Format("15:04") + " UTC"
}
