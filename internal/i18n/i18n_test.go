package i18n

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestChoose(t *testing.T) {
	for _, c := range []struct {
		name, query, cookie, accept string
		want                        string
		chosen                      bool
	}{
		{name: "nothing", want: "en"},
		{name: "parameter", query: "lang=th", want: "th", chosen: true},
		{name: "parameter over cookie and header", query: "lang=vi", cookie: "zh", accept: "id", want: "vi", chosen: true},
		{name: "unknown parameter", query: "lang=xx", want: "en"},
		{name: "cookie", cookie: "ms", accept: "zh-CN", want: "ms"},
		{name: "unknown cookie, header", cookie: "fr", accept: "id-ID,id;q=0.9", want: "id"},
		{name: "Chinese in China", accept: "zh-CN,zh;q=0.9,en;q=0.8", want: "zh"},
		{name: "Chinese in Singapore", accept: "zh-SG", want: "zh"},
		{name: "Thai in Thailand", accept: "th-TH,th;q=0.9", want: "th"},
		{name: "Vietnamese first by weight", accept: "en;q=0.5,vi;q=0.9", want: "vi"},
		{name: "Malay in Brunei", accept: "ms-BN", want: "ms"},
		{name: "a language the pages lack", accept: "fr-FR", want: "en"},
		{name: "malformed header", accept: ";;;q=x", want: "en"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/records?"+c.query, nil)
			if c.cookie != "" {
				r.AddCookie(&http.Cookie{Name: Cookie, Value: c.cookie})
			}
			if c.accept != "" {
				r.Header.Set("Accept-Language", c.accept)
			}
			l, chosen := Choose(r)
			if l.Code != c.want || chosen != c.chosen {
				t.Errorf("Choose = %s, chosen %v; want %s, %v", l.Code, chosen, c.want, c.chosen)
			}
		})
	}
}

func TestRemember(t *testing.T) {
	w := httptest.NewRecorder()
	Remember(w, ByCode("th"))
	c := w.Result().Cookies()
	if len(c) != 1 || c[0].Name != Cookie || c[0].Value != "th" || c[0].MaxAge <= 0 || !c[0].HttpOnly {
		t.Fatalf("cookies = %+v", c)
	}
}

func TestCatalog(t *testing.T) {
	fsys := fstest.MapFS{
		"locales/zh.json": {Data: []byte(`{"Records": "记录", "%d records": "%d 条记录"}`)},
		"locales/th.json": {Data: []byte(`{"Records": "บันทึก"}`)},
	}
	c := NewCatalog()
	if err := c.Add(fsys, "locales"); err != nil {
		t.Fatal(err)
	}
	zh, th, id := c.Locale(ByCode("zh")), c.Locale(ByCode("th")), c.Locale(ByCode("id"))
	for _, tc := range []struct{ got, want string }{
		{zh.T("Records"), "记录"},
		{zh.T("%d records", 12345), "12,345 条记录"},
		{th.T("Records"), "บันทึก"},
		{th.T("%d records", 3), "3 records"}, // not translated: the English text
		{id.T("%d records", 12345), "12.345 records"},
		{c.Locale(English).T("Records"), "Records"},
		{zh.T("100% sure"), "100% sure"}, // no arguments: not formatted
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	if !c.Has("zh", "Records") || c.Has("id", "Records") {
		t.Error("Has is wrong")
	}
}

func TestCatalogRefuses(t *testing.T) {
	for _, c := range []struct {
		name string
		fsys fstest.MapFS
		want string
	}{
		{"a language the pages lack", fstest.MapFS{"locales/fr.json": {Data: []byte(`{}`)}}, `not translated into "fr"`},
		{"English", fstest.MapFS{"locales/en.json": {Data: []byte(`{}`)}}, `not translated into "en"`},
		{"bad JSON", fstest.MapFS{"locales/zh.json": {Data: []byte(`{"a": 1}`)}}, "zh.json"},
		{"other verbs", fstest.MapFS{"locales/vi.json": {Data: []byte(`{"%d records": "%s bản ghi"}`)}}, "verbs"},
		{"a lost verb", fstest.MapFS{"locales/vi.json": {Data: []byte(`{"%d of %d": "%d"}`)}}, "verbs"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cat := NewCatalog()
			err := cat.Add(c.fsys, "locales")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Add = %v, want an error about %q", err, c.want)
			}
		})
	}
	// Where two packages translate a text, the first translation stays;
	// the rest of the second package's catalog is added.
	cat := NewCatalog()
	if err := cat.Add(fstest.MapFS{"locales/zh.json": {Data: []byte(`{"Records": "记录"}`)}}, "locales"); err != nil {
		t.Fatal(err)
	}
	if err := cat.Add(fstest.MapFS{
		"locales/zh.json": {Data: []byte(`{"Records": "档案"}`)},
		"locales/th.json": {Data: []byte(`{"Records": "บันทึก"}`)},
	}, "locales"); err != nil {
		t.Fatal(err)
	}
	if !cat.Has("th", "Records") || cat.Locale(ByCode("zh")).T("Records") != "记录" {
		t.Error("the first translation did not stay, or the rest was not added")
	}
	// A refused catalog changes nothing.
	if err := cat.Add(fstest.MapFS{
		"locales/vi.json": {Data: []byte(`{"Records": "Bản ghi"}`)},
		"locales/id.json": {Data: []byte(`{"%d records": "%s catatan"}`)},
	}, "locales"); err == nil {
		t.Fatal("a catalog with other verbs was accepted")
	}
	if cat.Has("vi", "Records") {
		t.Error("a refused catalog changed the catalog")
	}
	// Reordered arguments are the same verbs.
	if err := SameVerbs("%s signed %d records", "%[2]d 条记录由 %[1]s 签署"); err != nil {
		t.Error(err)
	}
}

func TestFormats(t *testing.T) {
	day := time.Date(2025, 4, 27, 14, 5, 0, 0, time.UTC)
	c := NewCatalog()
	for _, tc := range []struct {
		code                        string
		date, month, short, dt, num string
		pct                         string
	}{
		{"en", "27 April 2025", "April 2025", "27 Apr 2025", "27 Apr 2025, 14:05 UTC", "1,234,567.5", "12.5%"},
		{"zh", "2025年4月27日", "2025年4月", "2025/4/27", "2025/4/27, 14:05 UTC", "1,234,567.5", "12.5%"},
		{"id", "27 April 2025", "April 2025", "27 Apr 2025", "27 Apr 2025, 14:05 UTC", "1.234.567,5", "12,5%"},
		{"ms", "27 April 2025", "April 2025", "27 Apr 2025", "27 Apr 2025, 14:05 UTC", "1,234,567.5", "12.5%"},
		{"vi", "27 tháng 4, 2025", "tháng 4 năm 2025", "27/4/2025", "27/4/2025, 14:05 UTC", "1.234.567,5", "12,5%"},
		{"th", "27 เมษายน 2568", "เมษายน 2568", "27 เม.ย. 2568", "27 เม.ย. 2568, 14:05 UTC", "1,234,567.5", "12.5%"},
	} {
		l := c.Locale(ByCode(tc.code))
		for _, f := range []struct{ what, got, want string }{
			{"Date", l.Date(day), tc.date},
			{"Month", l.Month(day), tc.month},
			{"ShortDate", l.ShortDate(day), tc.short},
			{"DateTime", l.DateTime(day), tc.dt},
			{"Number", l.Number(1234567.5), tc.num},
			{"Percent", strings.ReplaceAll(l.Percent(0.125, 1), "\u00a0", ""), tc.pct},
		} {
			if f.got != f.want {
				t.Errorf("%s %s = %q, want %q", tc.code, f.what, f.got, f.want)
			}
		}
	}
}

// FuzzChoose feeds Choose arbitrary headers, cookies and parameters: it
// always picks one of the pages' languages.
func FuzzChoose(f *testing.F) {
	f.Add("zh-CN,zh;q=0.9", "th", "vi")
	f.Add(";;q=", "", "")
	f.Add("*", "x", "en")
	f.Fuzz(func(t *testing.T, accept, cookie, param string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Accept-Language", accept)
		if (&http.Cookie{Name: Cookie, Value: cookie}).Valid() == nil {
			r.AddCookie(&http.Cookie{Name: Cookie, Value: cookie})
		}
		q := r.URL.Query()
		q.Set(Param, param)
		r.URL.RawQuery = q.Encode()
		l, chosen := Choose(r)
		if l == nil || ByCode(l.Code) != l {
			t.Fatalf("Choose gave %v", l)
		}
		if chosen != (ByCode(param) != nil) {
			t.Fatalf("chosen = %v for parameter %q", chosen, param)
		}
	})
}

// FuzzCatalog feeds Add arbitrary catalog files: it accepts them or refuses
// them whole, and what it accepts translates with the same verbs.
func FuzzCatalog(f *testing.F) {
	f.Add(`{"%d records": "%d 条记录"}`)
	f.Add(`{"a": "b", "%s": "%d"}`)
	f.Add(`[1,2]`)
	f.Fuzz(func(t *testing.T, data string) {
		c := NewCatalog()
		if err := c.Add(fstest.MapFS{"locales/zh.json": {Data: []byte(data)}}, "locales"); err != nil {
			if len(c.msgs) != 0 {
				t.Fatal("a refused catalog changed the catalog")
			}
			return
		}
		for k, v := range c.msgs["zh"] {
			if err := SameVerbs(k, v); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func TestCountry(t *testing.T) {
	c := NewCatalog()
	if err := c.Add(fstest.MapFS{"locales/zh.json": {Data: []byte(`{"Lao PDR": "老挝人民民主共和国", "ASEAN Secretariat": "东盟秘书处"}`)}}, "locales"); err != nil {
		t.Fatal(err)
	}
	zh, th, vi, en := c.Locale(ByCode("zh")), c.Locale(ByCode("th")), c.Locale(ByCode("vi")), c.Locale(English)
	for _, tc := range []struct{ got, want string }{
		{en.Country("khm", "Cambodia"), "Cambodia"},                         // English: the register's name
		{en.Country("lao", "Lao PDR"), "Lao PDR"},                           // not CLDR's "Laos"
		{zh.Country("lao", "Lao PDR"), "老挝人民民主共和国"},                         // the catalog first
		{zh.Country("khm", "Cambodia"), "柬埔寨"},                              // then CLDR, by the code
		{th.Country("VNM", "Viet Nam"), "เวียดนาม"},                         // either case
		{vi.Country("cn", "China"), "Trung Quốc"},                           // alpha-2
		{zh.Country("org.asean-secretariat", "ASEAN Secretariat"), "东盟秘书处"}, // not a country: the catalog only
		{zh.Country("khm.mnd", "Ministry of National Defence"), "Ministry of National Defence"},
		{zh.Country("xqz", "Nowhere"), "Nowhere"}, // no such country
		{zh.Country("", "Somewhere"), "Somewhere"},
		{zh.CountryName("Japan"), "日本"}, // CLDR's English name
		{th.CountryName("United States"), "สหรัฐอเมริกา"},
		{zh.CountryName("Lao PDR"), "老挝人民民主共和国"},
		{zh.CountryName("Atlantis"), "Atlantis"},
		{en.CountryName("Japan"), "Japan"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestPunct(t *testing.T) {
	c := NewCatalog()
	for _, tc := range []struct{ lang, mark, want string }{
		{"en", ".", "."}, {"en", ":", ": "}, {"en", ",", ", "}, {"vi", ";", "; "},
		{"zh", ".", "。"}, {"zh", ":", "："}, {"zh", ",", "，"}, {"zh", ";", "；"},
		{"th", ".", ""}, {"th", ":", ": "},
	} {
		if got := c.Locale(ByCode(tc.lang)).Punct(tc.mark); got != tc.want {
			t.Errorf("%s %q: got %q, want %q", tc.lang, tc.mark, got, tc.want)
		}
	}
}
