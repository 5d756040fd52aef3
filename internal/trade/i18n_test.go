package trade

import (
	"encoding/csv"
	"fmt"
	"os"
	"testing"

	"github.com/kongsi/kongsi/internal/i18n"
	"github.com/kongsi/kongsi/internal/i18n/i18ntest"
	"github.com/kongsi/kongsi/internal/trade/country"
	"github.com/kongsi/kongsi/internal/trade/hs"
	"github.com/kongsi/kongsi/internal/trade/tradefile"
)

// runtimeTexts are the texts the pages translate at run time: the names of
// ASEAN's members, China and ASEAN, of the HS sections, chapters and the
// headings Kongsi names itself, of the months, the releases' statuses and
// frequencies, the formats of dataset files, and the labels of the site's
// navigation and sections.
func runtimeTexts(t *testing.T) []string {
	texts := []string{
		"Trade", "Trade with China",
		StatusLoaded, StatusMissing, StatusMismatch, StatusInvalid, StatusUnavailable,
		Annual, Monthly,
		"Special and unclassified (chapters 98, 99)", hs.Builtin().Name(""),
	}
	texts = append(texts, country.NameOf(country.ASEAN), country.NameOf(China))
	for _, c := range country.MemberCodes() {
		texts = append(texts, country.NameOf(c))
	}
	names := hs.Builtin()
	for _, s := range names.Sections() {
		texts = append(texts, s.Name)
	}
	for ch := 1; ch <= 99; ch++ {
		if hs.ValidChapter(ch) {
			texts = append(texts, names.Name(fmt.Sprintf("%02d", ch)))
		}
	}
	f, err := os.Open("hs/headings.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	headings, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range headings[1:] {
		texts = append(texts, h[1])
	}
	texts = append(texts, monthNames[1:]...)
	for _, f := range tradefile.Formats {
		texts = append(texts, f.Title, f.Doc)
	}
	return texts
}

func TestTranslations(t *testing.T) {
	kinds := New().Kinds()
	extra := append(i18ntest.KindTexts(t, kinds), runtimeTexts(t)...)
	// The desk's form of a release is translated to its help texts.
	extra = append(extra, i18ntest.HelpTexts(t, kinds)...)
	i18ntest.Check(t, files, []string{"templates/*.html"}, ".", extra...)
}

func TestMoneyInEachLanguage(t *testing.T) {
	c := i18n.NewCatalog()
	for _, tc := range []struct {
		lang     string
		sum      float64
		usd      string
		tick     float64
		tickText string
	}{
		{"en", -55e9, "−US$ 55.0 bn", -50e9, "−50 bn"},
		{"zh", -55e9, "−550.0亿美元", -50e9, "−500亿"},
		{"zh", 3e6, "300.0万美元", 25e5, "250万"},
		{"id", 1234567, "US$ 1,2 juta", 1.5e6, "1,5 juta"},
		{"ms", 2.5e9, "US$ 2.5 bilion", 2e9, "2 bilion"},
		{"vi", 15e6, "15,0 triệu USD", 12.5e6, "12,5 triệu"},
		{"th", 500, "500 ดอลลาร์", 500, "0.5 พัน"},
	} {
		v := view{c.Locale(i18n.ByCode(tc.lang))}
		if got := v.usd(tc.sum); got != tc.usd {
			t.Errorf("%s: %g is %q, want %q", tc.lang, tc.sum, got, tc.usd)
		}
		if got := v.tick(tc.tick); got != tc.tickText {
			t.Errorf("%s: the tick %g is %q, want %q", tc.lang, tc.tick, got, tc.tickText)
		}
	}
	// The zero view writes as the API does.
	if got := (view{}).usd(-55e9); got != formatUSD(-55e9) {
		t.Errorf("the API's amounts changed: %q", got)
	}
}
