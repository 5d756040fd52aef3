package desk

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/kongsi/kongsi/internal/i18n"
	"github.com/kongsi/kongsi/internal/i18n/i18ntest"
	"github.com/kongsi/kongsi/internal/record"
)

func TestTranslations(t *testing.T) {
	i18ntest.Check(t, templateFiles, []string{"templates/*.html"}, ".")
}

// kindCatalog translates the declaration kind's title, one of its labels
// and two of its options (one by its label, one by its value, as pages
// translate values), as the module's catalog would.
func kindCatalog(t *testing.T) *i18n.Catalog {
	t.Helper()
	c := i18n.NewCatalog()
	err := c.Add(fstest.MapFS{
		"locales/zh.json": {Data: []byte(`{"Declaration": "声明", "Stated on": "表态日期", "Maritime claim": "海洋主张", "alliance": "同盟"}`)},
		"locales/th.json": {Data: []byte(`{"Declaration": "แถลงการณ์", "Stated on": "วันที่แถลง"}`)},
	}, "locales")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustContain(t *testing.T, what string, a answer, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(a.body, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

func TestPagesInTheReadersLanguage(t *testing.T) {
	e := newEnvWith(t, kindCatalog(t))
	c := e.client()

	// The sign-in page in English first: a page that has been shown must
	// still be made in another language.
	if a := c.get("/login?lang=en"); a.status != http.StatusOK {
		t.Fatalf("sign-in page in English: status %d", a.status)
	}
	// The sign-in page, in Chinese: the choice is kept in a cookie.
	a := c.get("/login?lang=zh")
	if a.status != http.StatusOK {
		t.Fatalf("sign-in page: status %d", a.status)
	}
	mustContain(t, "the Chinese sign-in page", a, `<html lang="zh-Hans">`, "<h1>登录工作台</h1>", `<label for="password">密码</label>`, `href="/login?lang=th"`)
	if got := a.header.Get("Content-Language"); got != "zh-Hans" {
		t.Errorf("Content-Language %q", got)
	}
	if !strings.Contains(a.header.Get("Vary"), "Accept-Language") {
		t.Errorf("Vary %q", a.header.Get("Vary"))
	}
	if !strings.Contains(strings.Join(a.header.Values("Set-Cookie"), "\n"), i18n.Cookie+"=zh") {
		t.Error("the choice of Chinese is not kept in a cookie")
	}
	a = c.get("/login?next=%2Faudit")
	mustContain(t, "the sign-in page after choosing Chinese", a, "<h1>登录工作台</h1>", `href="/login?lang=vi&next=%2Faudit"`)

	// A browser that prefers Vietnamese, without a choice, gets Vietnamese.
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/login", nil)
	req.Header.Set("Accept-Language", "vi-VN, vi;q=0.9, en;q=0.5")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("Content-Language"); got != "vi" {
		t.Errorf("Accept-Language vi: Content-Language %q", got)
	}

	// A page that needs a session sends to the sign-in page, keeping the
	// choice in the cookie rather than in the page to return to.
	other := e.client()
	a = other.get("/audit?lang=th")
	if a.status != http.StatusSeeOther || a.location != "/login?next=%2Faudit" || !strings.Contains(strings.Join(a.header.Values("Set-Cookie"), "\n"), i18n.Cookie+"=th") {
		t.Errorf("a visitor choosing Thai: %d %s %q", a.status, a.location, a.header.Values("Set-Cookie"))
	}
	mustContain(t, "the Thai sign-in page", other.get(a.location), `<html lang="th">`, "<h1>เข้าสู่ระบบโต๊ะทำงาน</h1>")

	c.mustLogin("ana")

	// A form in Chinese: the kind's title and its labels come from the
	// modules' catalog, the desk's own words from its own.
	a = c.get("/new?kind=declaration")
	mustContain(t, "the Chinese form", a, "<h1>声明</h1>", "表态日期", ">海洋主张</option>", ">同盟</option>", "保存草稿", "检查并显示将要签署的内容", "（必填）", `value="declarations/khm/"`, `href="/new?kind=declaration&lang=th"`)

	// The desk's checks speak Chinese too; the switch of a page that
	// answers a form links to the draft, not to the form's address.
	bad := declarationForm("declarations/khm/thai")
	bad.Del("b/title")
	bad.Set("action", "review")
	a = c.post("/new", bad)
	if a.status != http.StatusUnprocessableEntity {
		t.Fatalf("a draft with a problem: status %d", a.status)
	}
	mustContain(t, "the Chinese problems", a, "草稿存在问题", "此项为必填。")
	ds, err := e.store.Drafts(context.Background(), DraftOpen, 10)
	if err != nil || len(ds) != 1 {
		t.Fatalf("drafts: %v %v", ds, err)
	}
	draft := "/drafts/" + strconv.FormatInt(ds[0].ID, 10)
	mustContain(t, "the page answering the form", a, `href="`+draft+`?lang=th"`)

	// The switch is a link: following it to Thai keeps the session, and
	// the form sent from the Thai page is signed as it was written.
	a = c.get(draft + "?lang=th")
	mustContain(t, "the Thai draft", a, `<html lang="th">`, "วันที่แถลง", "บันทึกฉบับร่าง")
	form := declarationForm("declarations/khm/thai")
	form.Set("b/title", "จุดยืนของกัมพูชา")
	_, page := review(t, c, draft, form)
	mustContain(t, "the Thai review", page, "<h1>สิ่งที่จะลงนาม</h1>", `"title":"จุดยืนของกัมพูชา"`, `"category":"other"`, `"stated_on":"2025-03-01"`, "ลงนามในนาม khm.desk และส่ง")
	if a := c.post(draft+"/submit", url.Values{"digest": {digestField.FindStringSubmatch(page.body)[1]}}); !strings.Contains(a.location, "done=submitted") {
		t.Fatalf("submitting from the Thai page: %d %s", a.status, a.location)
	}
	a = c.get(draft)
	th := i18n.NewCatalog().Locale(i18n.ByCode("th"))
	mustContain(t, "the Thai record page", a, "ทะเบียนรับบันทึกนี้ไว้ที่ลำดับ", th.DateTime(e.clock.Now())+" โดย ana")

	// The same form sent from an English page signs the same body.
	if a := c.get("/?lang=en"); !strings.Contains(a.body, "<h1>Records and drafts of khm.desk</h1>") {
		t.Fatal("back to English: the home page is not in English")
	}
	form = declarationForm("declarations/khm/english")
	form.Set("b/title", "จุดยืนของกัมพูชา")
	english, page := review(t, c, "/new", form)
	if a := c.post(english+"/submit", url.Values{"digest": {digestField.FindStringSubmatch(page.body)[1]}}); !strings.Contains(a.location, "done=submitted") {
		t.Fatalf("submitting from the English page: %d %s", a.status, a.location)
	}
	done, err := e.store.Drafts(context.Background(), DraftSubmitted, 10)
	if err != nil || len(done) != 2 {
		t.Fatalf("submitted drafts: %v %v", done, err)
	}
	var recs []*record.Record
	for _, d := range done {
		r, err := record.Parse([]byte(d.Entry))
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, r)
	}
	if !bytes.Equal(recs[0].Body, recs[1].Body) || recs[0].Kind != recs[1].Kind || recs[0].Author != recs[1].Author {
		t.Errorf("the records signed from Thai and English pages differ:\n%s\n%s", recs[0].Body, recs[1].Body)
	}
}
