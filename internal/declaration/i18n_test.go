package declaration_test

import (
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/kongsi/kongsi/internal/declaration"
	"github.com/kongsi/kongsi/internal/i18n/i18ntest"
	"github.com/kongsi/kongsi/internal/ledger/ledgertest"
	"github.com/kongsi/kongsi/internal/nodetest"
)

func TestTranslations(t *testing.T) {
	kinds := declaration.New().Kinds()
	extra := append(i18ntest.KindTexts(t, kinds), "Declarations")
	// The desk's form of a declaration is translated to its help texts.
	extra = append(extra, i18ntest.HelpTexts(t, kinds)...)
	for _, c := range declaration.Categories {
		extra = append(extra, c.Title)
	}
	i18ntest.Check(t, os.DirFS("."), []string{"templates/*.html"}, ".", extra...)
}

// TestPagesInOtherLanguages renders the declarations' pages in Chinese and
// Thai: their words are translated, and their dates written as each
// language writes them.
func TestPagesInOtherLanguages(t *testing.T) {
	e := nodetest.New(t, declaration.New())
	f := e.F
	v1body := body("Three nos")
	v1body["category"] = "security-doctrine"
	v1 := f.Sign(t, "vnm.mfa", declaration.Kind, "declarations/vnm/defence-policy", v1body)
	v2body := body("Four nos")
	v2body["category"] = "security-doctrine"
	v2body["stated_on"] = "2019-11-25"
	v2body["change_note"] = "Adds a fourth no."
	e.Submit(v1, f.Sign(t, "vnm.mfa", declaration.Kind, "declarations/vnm/defence-policy", v2body, ledgertest.Prev(t, v1)))

	get := func(path, lang string) string {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, e.Server.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Accept-Language", lang)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s in %s: status %d", path, lang, resp.StatusCode)
		}
		return string(b)
	}
	for _, tc := range []struct {
		path, lang string
		want       []string
	}{
		{"/declarations", "zh-CN", []string{"<h1>声明</h1>", "1 项声明，其中 1 项经过修订。", "安全学说", "2019年11月25日", "<title>声明 · Kongsi</title>"}},
		{"/declarations", "th", []string{"<h1>คำประกาศ</h1>", "หลักนิยมด้านความมั่นคง", "25 พฤศจิกายน 2562", "ฉบับที่ 2"}},
		{"/declarations/vnm/defence-policy?from=1&to=2", "zh", []string{"第 2 版，共 2 版", "版本 1 与版本 2 的比较", "2009年12月8日", "变更内容：", "Adds a fourth no."}},
		{"/records/2", "vi", []string{"<dt>Lĩnh vực</dt><dd>Học thuyết an ninh</dd>", "25 tháng 11, 2019", "Four nos"}},
	} {
		body := get(tc.path, tc.lang)
		for _, want := range tc.want {
			if !strings.Contains(body, want) {
				t.Errorf("%s in %s lacks %q", tc.path, tc.lang, want)
			}
		}
	}
}
