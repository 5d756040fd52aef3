package web_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/kongsi/kongsi/internal/declaration"
	"github.com/kongsi/kongsi/internal/i18n"
	"github.com/kongsi/kongsi/internal/i18n/i18ntest"
	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/mirror"
	"github.com/kongsi/kongsi/internal/nodetest"
	"github.com/kongsi/kongsi/internal/web"
)

// runTimeTexts are the texts the core pages translate at run time: the
// main navigation's labels, the titles of error pages, the types, roles
// and key endings of parties, a relation between records, and the titles
// and body labels of the core kinds.
func runTimeTexts(t *testing.T) []string {
	t.Helper()
	texts := []string{"Records", "Parties", "State", "Authority", "Organisation", "Governance", "Witness",
		"Rotated", "Revoked", "Replaced", "Retired", "About"}
	for _, status := range []int{http.StatusUnprocessableEntity, http.StatusForbidden, http.StatusConflict, http.StatusNotFound,
		http.StatusRequestEntityTooLarge, http.StatusServiceUnavailable, http.StatusInternalServerError} {
		texts = append(texts, http.StatusText(status))
	}
	kinds, err := ledger.NewKinds()
	if err != nil {
		t.Fatal(err)
	}
	var core []*ledger.Kind
	for _, name := range kinds.Names() {
		k, _ := kinds.Get(name)
		core = append(core, k)
	}
	// The core kinds' forms in the desk take their help texts from here.
	texts = append(texts, i18ntest.HelpTexts(t, core)...)
	return append(texts, i18ntest.KindTexts(t, core)...)
}

func TestTranslations(t *testing.T) {
	texts := runTimeTexts(t)
	// The core kinds' summaries are translated with the site's words.
	for _, s := range i18ntest.GoTexts(t, "../ledger") {
		texts = append(texts, s.Text)
	}
	i18ntest.Check(t, os.DirFS("."), []string{"templates/*.html"}, ".", texts...)
}

// fetch gets a page with the given request headers.
func fetch(t *testing.T, url string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// TestLanguages checks how a reader's language is chosen and kept, and that
// the pages are translated and format dates and numbers in it.
func TestLanguages(t *testing.T) {
	e := nodetest.New(t, declaration.New())
	e.Submit(e.F.Sign(t, "khm.mfa", declaration.Kind, "declarations/khm/ream", declBody("Ream is open to all")))
	url := e.Server.URL

	// The address chooses Vietnamese, which a cookie keeps.
	resp, body := fetch(t, url+"/records?lang=vi")
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "lang" {
			cookie = c
		}
	}
	if cookie == nil || cookie.Value != "vi" {
		t.Fatalf("?lang=vi sets no lang cookie: %v", resp.Header["Set-Cookie"])
	}
	if got := resp.Header.Get("Content-Language"); got != "vi" {
		t.Errorf("?lang=vi: Content-Language %q", got)
	}
	for _, want := range []string{`<html lang="vi">`, "<h1>Bản ghi</h1>", "2 bản ghi.", `placeholder="Tìm bản ghi"`} {
		if !strings.Contains(body, want) {
			t.Errorf("?lang=vi: the records page lacks %q", want)
		}
	}
	resp, body = fetch(t, url+"/records", "Cookie", "lang=vi", "Accept-Language", "th")
	if got := resp.Header.Get("Content-Language"); got != "vi" || !strings.Contains(body, "<h1>Bản ghi</h1>") {
		t.Errorf("with the lang cookie: Content-Language %q, Vietnamese heading %v", got, strings.Contains(body, "<h1>Bản ghi</h1>"))
	}
	if len(resp.Cookies()) != 0 {
		t.Errorf("a page without ?lang= sets cookies: %v", resp.Header["Set-Cookie"])
	}

	// The browser's preference chooses Thai.
	resp, body = fetch(t, url+"/records", "Accept-Language", "th-TH,th;q=0.9")
	if got := resp.Header.Get("Content-Language"); got != "th" || !strings.Contains(body, `<html lang="th">`) || !strings.Contains(body, "<h1>บันทึก</h1>") {
		t.Errorf("Accept-Language th-TH: Content-Language %q, Thai page %v", got, strings.Contains(body, "<h1>บันทึก</h1>"))
	}

	// An unknown language is ignored.
	resp, body = fetch(t, url+"/records?lang=xx")
	if got := resp.Header.Get("Content-Language"); got != "en" || !strings.Contains(body, `<html lang="en">`) || !strings.Contains(body, "<h1>Records</h1>") {
		t.Errorf("?lang=xx: Content-Language %q, English page %v", got, strings.Contains(body, "<h1>Records</h1>"))
	}
	if len(resp.Cookies()) != 0 {
		t.Errorf("?lang=xx sets cookies: %v", resp.Header["Set-Cookie"])
	}

	// Dates are written as each language writes them: the day a position
	// was stated, and the time a record was signed (the fixture's clock
	// starts on 1 January 2025).
	for _, tc := range []struct {
		lang string
		want []string
	}{
		{"zh", []string{`<html lang="zh-Hans">`, "<h2>记录内容</h2>", "2025年4月5日", "2025/1/1, 00:00 UTC"}},
		{"vi", []string{"<h2>Nội dung</h2>", "5 tháng 4, 2025", "1/1/2025, 00:00 UTC"}},
		{"th", []string{"<h2>เนื้อหา</h2>", "5 เมษายน 2568", "1 ม.ค. 2568, 00:00 UTC"}},
		{"id", []string{"<h2>Isi catatan</h2>", "✓ Terverifikasi", "5 April 2025", "1 Jan 2025, 00:00 UTC"}},
	} {
		_, body := fetch(t, url+"/records/1?lang="+tc.lang)
		for _, want := range tc.want {
			if !strings.Contains(body, want) {
				t.Errorf("?lang=%s: the record page lacks %q", tc.lang, want)
			}
		}
	}
	_, body = fetch(t, url+"/?lang=ms")
	for _, want := range []string{"Daftar tentang apa yang dikatakan", "<h2>Rekod terkini</h2>", "Rekod mengikut jenis"} {
		if !strings.Contains(body, want) {
			t.Errorf("?lang=ms: the home page lacks %q", want)
		}
	}

	// States are named in the reader's language, by their codes; the
	// authorities keep the names the register gives them.
	_, en := fetch(t, url+"/parties/khm")
	_, zh := fetch(t, url+"/parties/khm?lang=zh")
	_, list := fetch(t, url+"/parties?lang=th")
	if !strings.Contains(zh, "<h1>柬埔寨</h1>") || strings.Contains(en, "柬埔寨") || !strings.Contains(list, `<a href="/parties/khm">กัมพูชา</a>`) || !strings.Contains(list, ">Ministry of National Defence</a>") {
		t.Errorf("the state is not named in the reader's language:\n%.2000s", zh)
	}

	// A record's summary is made again in the reader's language, where its
	// kind adds words to what the record says; the API keeps the English.
	_, zh = fetch(t, url+"/records/0?lang=zh")
	_, en = fetch(t, url+"/records/0")
	_, api := fetch(t, url+"/api/v1/records/0?lang=zh")
	_, list = fetch(t, url+"/records?lang=th")
	if !strings.Contains(zh, "<h1>章程：") || !strings.Contains(en, "<h1>Charter: ") || !strings.Contains(api, `"summary":"Charter: `) || !strings.Contains(list, ">กฎบัตร: ") {
		t.Errorf("the charter's summary is not in the reader's language:\n%.3000s", zh)
	}
}

// TestNumbersByLanguage checks that the pages group digits as each
// language does: a mirror's count of records, on every page.
func TestNumbersByLanguage(t *testing.T) {
	e := nodetest.New(t)
	m := &fakeMirror{status: mirror.Status{Upstream: "https://register.example.org", Size: 1234567, UpstreamSize: 1234567, Seen: 1200, LastCheck: time.Now()}}
	site, err := web.New(e.Node, web.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Writer: "https://register.example.org/", Mirror: m})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(site.Handler())
	defer srv.Close()
	for _, tc := range []struct{ lang, path, want string }{
		{"en", "/", "Checked as it is copied: 1,234,567 records."},
		{"id", "/", "Diperiksa saat disalin: 1.234.567 catatan."},
		{"ms", "/records", "Disemak semasa disalin: 1,234,567 rekod."},
		{"zh", "/mirror", "1,234,567 条记录"},
		{"vi", "/mirror", "<dd>1.200</dd>"},
	} {
		_, body := fetch(t, srv.URL+tc.path+"?lang="+tc.lang)
		if !strings.Contains(body, tc.want) {
			t.Errorf("%s?lang=%s lacks %q", tc.path, tc.lang, tc.want)
		}
	}
}

// TestPageInLanguagesInAnyOrder shows a page in English first, then in the
// other languages, then in English again: a template set that has run must
// not stop the page from being made in another language.
func TestPageInLanguagesInAnyOrder(t *testing.T) {
	e := nodetest.New(t)
	for _, code := range []string{"en", "vi", "th", "en", "zh", "id", "ms"} {
		resp, body := fetch(t, e.Server.URL+"/parties?lang="+code)
		if resp.StatusCode != 200 {
			t.Fatalf("/parties in %s: status %d: %.300s", code, resp.StatusCode, body)
		}
		if !strings.Contains(body, `<html lang="`+i18n.ByCode(code).Tag.String()+`"`) {
			t.Errorf("/parties in %s: not in that language", code)
		}
	}
}
