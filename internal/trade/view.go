package trade

import (
	"fmt"
	"io/fs"
	"math"
	"math/bits"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/kongsi/kongsi/internal/i18n"
	"github.com/kongsi/kongsi/internal/trade/country"
)

// Translations are the module's catalogs: locales/<language>.json.
func (*Module) Translations() fs.FS { return files }

// view writes the words and figures of a page in its reader's language.
// The zero view writes them in English as the API and the feed state them,
// which must not change with the pages' language.
type view struct{ l *i18n.Locale }

// view is the view of a request's pages.
func (h *handlers) view(r *http.Request) view { return view{h.site.Locale(r)} }

// T translates a text and formats its arguments into it (i18n.Locale.T).
// Years and codes are given as strings, so that they are not written with
// a thousands separator.
func (v view) T(text string, args ...any) string {
	if v.l == nil {
		if len(args) == 0 {
			return text
		}
		return fmt.Sprintf(text, args...)
	}
	return v.l.T(text, args...)
}

// tr translates a text made at run time: a name, a status. The catalogs
// hold every text it may be given.
func (v view) tr(text string) string {
	if v.l == nil {
		return text
	}
	return v.l.T(text)
}

// english reports whether the view writes English.
func (v view) english() bool { return v.l == nil || v.l.Lang == i18n.English }

// code is the language's code, "en" for the zero view.
func (v view) code() string {
	if v.l == nil {
		return i18n.English.Code
	}
	return v.l.Lang.Code
}

// moneyScale is a power of ten at which a language writes large sums, and
// how it writes a sum of US$ and a chart's tick at it.
type moneyScale struct {
	size      float64
	usd, tick string
}

// moneyScales are each language's scales, largest first, then units. Chinese
// counts in 亿 (10⁸) and 万 (10⁴) rather than in thousands.
var moneyScales = map[string][]moneyScale{
	"en": {{1e9, "US$ %s bn", "%s bn"}, {1e6, "US$ %s m", "%s m"}, {1e3, "US$ %s k", "%s k"}, {1, "US$ %s", "%s"}},
	"zh": {{1e8, "%s亿美元", "%s亿"}, {1e4, "%s万美元", "%s万"}, {1, "%s美元", "%s"}},
	"id": {{1e9, "US$ %s miliar", "%s miliar"}, {1e6, "US$ %s juta", "%s juta"}, {1e3, "US$ %s ribu", "%s ribu"}, {1, "US$ %s", "%s"}},
	"ms": {{1e9, "US$ %s bilion", "%s bilion"}, {1e6, "US$ %s juta", "%s juta"}, {1e3, "US$ %s ribu", "%s ribu"}, {1, "US$ %s", "%s"}},
	"vi": {{1e9, "%s tỷ USD", "%s tỷ"}, {1e6, "%s triệu USD", "%s triệu"}, {1e3, "%s nghìn USD", "%s nghìn"}, {1, "%s USD", "%s"}},
	"th": {{1e9, "%s พันล้านดอลลาร์", "%s พันล้าน"}, {1e6, "%s ล้านดอลลาร์", "%s ล้าน"}, {1e3, "%s พันดอลลาร์", "%s พัน"}, {1, "%s ดอลลาร์", "%s"}},
}

// minus writes a number's sign as a minus sign rather than a hyphen.
func minus(s string) string { return strings.Replace(s, "-", "−", 1) }

// usd writes an amount of US$ for people: "US$ 114.2 bn", "1142亿美元".
func (v view) usd(x float64) string {
	if v.l == nil {
		return formatUSD(x)
	}
	scales := moneyScales[v.code()]
	if scales == nil {
		scales = moneyScales["en"]
	}
	a, sign := math.Abs(x), ""
	if x < 0 {
		sign = "−"
	}
	for _, s := range scales {
		if a >= s.size {
			if s.size == 1 {
				return sign + fmt.Sprintf(s.usd, v.l.Decimal(a, 0))
			}
			return sign + fmt.Sprintf(s.usd, v.l.Decimal(a/s.size, 1))
		}
	}
	return sign + fmt.Sprintf(scales[len(scales)-1].usd, v.l.Decimal(a, 0))
}

// tick writes a chart's tick of US$, without the currency, which the chart
// states: "1.5 bn", "15亿".
func (v view) tick(x float64) string {
	if v.l == nil {
		return billions(x)
	}
	if x == 0 {
		return "0"
	}
	scales := moneyScales[v.code()]
	if scales == nil {
		scales = moneyScales["en"]
	}
	// The smallest scale but units serves for small values too.
	s := scales[len(scales)-2]
	for _, sc := range scales[:len(scales)-1] {
		if math.Abs(x) >= sc.size {
			s = sc
			break
		}
	}
	return minus(fmt.Sprintf(s.tick, v.l.Number(math.Round(x/s.size*10)/10)))
}

// percentTick writes a chart's tick of percentage points: "12.5%".
func (v view) percentTick(x float64) string {
	if v.l == nil {
		return minus(strconv.FormatFloat(x, 'f', 1, 64)) + "%"
	}
	return minus(v.l.Percent(x/100, 1))
}

// sum is an amount known to the page.
func (v view) sum(x float64) Amount { return Amount{V: x, OK: true, v: v} }

// amt is an optional amount.
func (v view) amt(p *float64) Amount {
	if p == nil {
		return Amount{v: v}
	}
	return v.sum(*p)
}

// pct is an optional share or change.
func (v view) pct(p *float64) Pct {
	if p == nil || math.IsNaN(*p) || math.IsInf(*p, 0) {
		return Pct{v: v}
	}
	return Pct{V: *p, OK: true, v: v}
}

// percent writes a share with a number of decimals: "12.5%".
func (v view) percent(share float64, decimals int) string {
	if v.l == nil {
		return strconv.FormatFloat(share*100, 'f', decimals, 64) + "%"
	}
	return v.l.Percent(share, decimals)
}

// share writes a setting's share with the decimals it has: "10%", "12.5%".
func (v view) share(f float64) string {
	if v.l == nil {
		return strconv.FormatFloat(f*100, 'f', -1, 64) + "%"
	}
	return v.l.Percent(f, decimals(f*100))
}

// points writes a number of percentage points with the decimals it has.
func (v view) points(f float64) string {
	if v.l == nil {
		return strconv.FormatFloat(f*100, 'f', -1, 64)
	}
	return v.l.Decimal(f*100, decimals(f*100))
}

// decimals is how many decimals, up to three, a setting needs.
func decimals(x float64) int {
	d := 0
	for d < 3 && math.Abs(x-math.Round(x)) > 1e-9 {
		x *= 10
		d++
	}
	return d
}

// ratio writes a multiple: "×1.35", or "new" when there was nothing before.
func (v view) ratio(p *float64) string {
	if p == nil {
		return v.T("new")
	}
	if v.l == nil {
		return "×" + strconv.FormatFloat(*p, 'f', 2, 64)
	}
	return "×" + v.l.Decimal(*p, 2)
}

// decimal writes a number with a number of decimals.
func (v view) decimal(x float64, decimals int) string {
	if v.l == nil {
		return strconv.FormatFloat(x, 'f', decimals, 64)
	}
	return v.l.Decimal(x, decimals)
}

// kg writes a net weight.
func (v view) kg(p *float64) string {
	if p == nil {
		return "—"
	}
	x := *p
	switch {
	case x >= 1e9:
		return v.T("%s Mt", v.decimal(x/1e9, 1))
	case x >= 1e6:
		return v.T("%s kt", v.decimal(x/1e6, 1))
	case x >= 1e3:
		return v.T("%s t", v.decimal(x/1e3, 1))
	}
	return v.T("%s kg", v.decimal(x, 0))
}

// perKg writes a unit value.
func (v view) perKg(p *float64) string {
	if p == nil {
		return "—"
	}
	return v.T("US$ %s/kg", v.decimal(*p, 2))
}

// country names a country, or ASEAN, by its code. The catalogs translate
// the names of ASEAN's members and China's; others keep their English name.
func (v view) country(code string) string { return v.tr(country.NameOf(code)) }

// of is a name as a page's text takes it where English writes the
// possessive: "Viet Nam's" and "Philippines'" in English, the name itself
// in the other languages, whose texts say whose it is.
func (v view) of(name string) string {
	if v.english() {
		return possessive(name)
	}
	return name
}

// list joins names as the language does.
func (v view) list(names []string) string {
	switch v.code() {
	case "zh":
		return strings.Join(names, "、")
	case "th":
		return strings.Join(names, " ")
	}
	return strings.Join(names, ", ")
}

// product names a product: Kongsi's own names of the HS sections and
// chapters (and of a few headings) are translated; names from the full
// nomenclature, which is others' data, are shown as they are.
func (v view) product(name string) string {
	if v.english() {
		return name
	}
	if tr := v.tr(name); tr != name {
		return tr
	}
	// A heading or subheading named after its chapter.
	if ch, ok := strings.CutPrefix(name, "in "); ok {
		return v.T("in %s", v.tr(ch))
	}
	return name
}

// monthNames are the months' short names, which the catalogs translate.
var monthNames = [13]string{"", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// months describes the months of a mask (bits 1 to 12) as monthsLabel does:
// "Jan–Oct", "Jan, Mar", "7 months".
func (v view) months(mask uint16) string {
	if v.l == nil {
		return monthsLabel(mask)
	}
	var ms []int
	for m := 1; m <= 12; m++ {
		if mask&(1<<m) != 0 {
			ms = append(ms, m)
		}
	}
	switch {
	case len(ms) == 0:
		return ""
	case len(ms) == 1:
		return v.tr(monthNames[ms[0]])
	case ms[len(ms)-1]-ms[0] == len(ms)-1:
		return v.tr(monthNames[ms[0]]) + "–" + v.tr(monthNames[ms[len(ms)-1]])
	case bits.OnesCount16(mask) > 4:
		return v.T("%d months", len(ms))
	}
	var names []string
	for _, m := range ms {
		names = append(names, v.tr(monthNames[m]))
	}
	return v.list(names)
}

// month writes a month of a year, for charts: "Jan 2020", "2020年1月".
func (v view) month(year, month int) string {
	if v.english() {
		return fmt.Sprintf("%s %d", monthNames[month], year)
	}
	return v.l.Month(time.Date(year, time.Month(month), 1, 0, 0, 0, 0, time.UTC))
}

// figures are a point's exports, imports and balance, for pages.
type figures struct{ X, M, B Amount }

// figures are a point's figures, or nil.
func (v view) figures(p *BalancePoint) *figures {
	if p == nil {
		return nil
	}
	return &figures{v.amt(p.Exports), v.amt(p.Imports), v.amt(p.Balance)}
}
