package trade

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/kongsi/kongsi/internal/trade/country"
	"github.com/kongsi/kongsi/internal/trade/tradefile"
)

// AlertSettings are the thresholds of the alerts.
type AlertSettings struct {
	// A deficit alert fires when a member's deficit with China grows by at
	// least DeficitGrowth (0.20 for 20%) and by at least
	// DeficitMinIncrease US$ from one year to the next.
	DeficitGrowth      float64 `json:"deficit_growth"`
	DeficitMinIncrease float64 `json:"deficit_min_increase"`
	// A mirror-gap alert fires when the unexplained gap between the two
	// sides' statements of a flow, as a share of the exporter's figure, is
	// at least GapMin in absolute value and has grown by at least
	// GapWidening (in points: 0.10 for ten) since the year before.
	GapMin      float64 `json:"gap_min"`
	GapWidening float64 `json:"gap_widening"`
	CIFFOB      float64 `json:"cif_fob_allowance"`
	// Surge alerts fire for products flagged in a year that were not
	// flagged the year before.
	Surge SurgeSettings `json:"surge"`
}

// DefaultAlertSettings are the thresholds the dashboard and the feed use.
var DefaultAlertSettings = AlertSettings{DeficitGrowth: 0.20, DeficitMinIncrease: 100e6, GapMin: 0.10, GapWidening: 0.10, CIFFOB: DefaultCIFFOB, Surge: DefaultSurgeSettings}

// Alert kinds.
const (
	AlertDeficit   = "deficit"
	AlertSurge     = "surge"
	AlertMirrorGap = "mirror-gap"
)

// Alert is a change in the data that deserves attention, with the numbers
// that raised it.
type Alert struct {
	ID         string `json:"id"` // stable: the same alert has the same ID
	Kind       string `json:"kind"`
	Member     string `json:"member"`
	MemberName string `json:"member_name"`
	Year       int    `json:"year"`
	Title      string `json:"title"`
	Detail     string `json:"detail"`
	URL        string `json:"url"`
	// Updated is when the newest release the alert rests on was signed.
	Updated  string   `json:"updated"`
	Releases []string `json:"releases"`
	// say writes the title and the detail in a view's language.
	say func(v view) (title, detail string)
}

// newAlert is an alert whose title and detail say writes; they are stated
// in English in the alert's fields.
func newAlert(a Alert, say func(v view) (title, detail string)) Alert {
	a.say = say
	a.Title, a.Detail = say(view{})
	return a
}

// alerts are alerts as a page shows them, in its language.
func (v view) alerts(as []Alert) []Alert {
	out := make([]Alert, len(as))
	for i, a := range as {
		if a.say != nil {
			a.Title, a.Detail = a.say(v)
		}
		a.MemberName = v.country(a.Member)
		out[i] = a
	}
	return out
}

// alertCache keeps the alerts computed for one state of the releases.
type alertCache struct {
	mu     sync.Mutex
	key    string
	alerts []Alert
}

// Alerts computes every alert the data raises with the default settings,
// newest year first. They are computed from the loaded releases alone, so the
// same data always gives the same alerts.
func (m *Monitor) Alerts(ctx context.Context) ([]Alert, error) {
	rels, err := Releases(ctx, m.Store, "", "")
	if err != nil {
		return nil, err
	}
	key := ""
	for _, r := range rels {
		key += r.Subject + "@" + strconv.FormatUint(r.Index, 10) + r.Status + ";"
	}
	m.alerts.mu.Lock()
	defer m.alerts.mu.Unlock()
	if m.alerts.key == key && m.alerts.alerts != nil {
		return m.alerts.alerts, nil
	}
	signed := map[string]string{}
	for _, r := range rels {
		signed[r.Subject] = r.Signed
	}
	set := DefaultAlertSettings
	var out []Alert
	for _, member := range memberCodes() {
		a, err := m.memberAlerts(ctx, member, set)
		if err != nil {
			return nil, err
		}
		out = append(out, a...)
	}
	for i := range out {
		for _, r := range out[i].Releases {
			if signed[r] > out[i].Updated {
				out[i].Updated = signed[r]
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Alert) int {
		if a.Year != b.Year {
			return b.Year - a.Year
		}
		if a.Kind != b.Kind {
			return strings.Compare(a.Kind, b.Kind)
		}
		return strings.Compare(a.ID, b.ID)
	})
	if out == nil {
		out = []Alert{}
	}
	m.alerts.key, m.alerts.alerts = key, out
	return out, nil
}

func (m *Monitor) memberAlerts(ctx context.Context, member string, set AlertSettings) ([]Alert, error) {
	var out []Alert
	name := country.NameOf(member)
	page := "/trade/" + strings.ToLower(member)
	// Deficits, as the member reports its trade; as China reports it when
	// the member gives no figures for the two years.
	own, err := BalanceSeries(ctx, m.Store, member, China, tradefile.BasisReported, false)
	if err != nil {
		return nil, err
	}
	mirror, err := BalanceSeries(ctx, m.Store, China, member, tradefile.BasisReported, false)
	if err != nil {
		return nil, err
	}
	deficit := func(b *Balance, year int, asChina bool) (float64, []string, bool) {
		p := b.Point(year, 0)
		if p == nil || p.Balance == nil {
			return 0, nil, false
		}
		if asChina {
			return *p.Balance, p.Releases, true // China's surplus is the member's deficit
		}
		return -*p.Balance, p.Releases, true
	}
	years := map[int]bool{}
	for _, p := range append(slices.Clone(own.Series), mirror.Series...) {
		years[p.Year] = true
	}
	for y := range years {
		for _, asChina := range []bool{false, true} {
			b := own
			if asChina {
				b = mirror
			}
			d1, r1, ok1 := deficit(b, y, asChina)
			d0, r0, ok0 := deficit(b, y-1, asChina)
			if !ok1 || !ok0 {
				continue
			}
			if d1 > 0 && d0 > 0 && d1 >= d0*(1+set.DeficitGrowth) && d1-d0 >= set.DeficitMinIncrease {
				reporter := member
				if asChina {
					reporter = China
				}
				out = append(out, newAlert(Alert{
					ID: fmt.Sprintf("deficit/%s/%d", strings.ToLower(member), y), Kind: AlertDeficit, Member: member, MemberName: name, Year: y,
					URL: page + "?year=" + strconv.Itoa(y), Releases: union(r0, r1),
				}, func(v view) (string, string) {
					return v.T("%s deficit with China grew %s in %s", v.of(v.country(member)), v.percent(d1/d0-1, 0), strconv.Itoa(y)),
						v.T("The deficit, as %s reports it, went from %s in %s to %s in %s (+%s). The alert fires at +%s and at least +%s.",
							v.country(reporter), v.usd(d0), strconv.Itoa(y-1), v.usd(d1), strconv.Itoa(y), v.usd(d1-d0), v.percent(set.DeficitGrowth, 0), v.usd(set.DeficitMinIncrease))
				}))
				break // the member's own figures, when they raise it, are enough
			}
		}
	}
	// Mirror gaps that widen.
	mir, err := m.Mirror(ctx, member, 0, set.CIFFOB)
	if err != nil {
		return nil, err
	}
	type dirYear struct {
		exp  string
		year int
	}
	shares := map[dirYear]MirrorFlow{}
	for _, f := range mir.Flows {
		if f.UnexplainedShare != nil {
			shares[dirYear{f.Exporter, f.Year}] = f
		}
	}
	for k, f := range shares {
		prev, ok := shares[dirYear{k.exp, k.year - 1}]
		if !ok {
			continue
		}
		s1, s0 := math.Abs(*f.UnexplainedShare), math.Abs(*prev.UnexplainedShare)
		if s1 >= set.GapMin && s1-s0 >= set.GapWidening {
			out = append(out, newAlert(Alert{
				ID: fmt.Sprintf("mirror-gap/%s/%s/%d", strings.ToLower(f.Exporter), strings.ToLower(f.Importer), f.Year), Kind: AlertMirrorGap, Member: member, MemberName: name, Year: f.Year,
				URL: "/trade/mirror?partner=" + member + "&year=" + strconv.Itoa(f.Year), Releases: union(union(f.ExporterReleases, f.ImporterReleases), union(prev.ExporterReleases, prev.ImporterReleases)),
			}, func(v view) (string, string) {
				exp, imp := v.country(f.Exporter), v.country(f.Importer)
				return v.T("The gap between %s and %s figures for %s exports to %s widened in %s", v.of(exp), v.of(imp), v.of(exp), imp, strconv.Itoa(f.Year)),
					v.T("%s reports exports of %s (f.o.b.); %s reports imports of %s (c.i.f.). Less a %s allowance for freight and insurance, the importer's figure differs from the exporter's by %s: %s of the exporter's figure, against %s in %s.",
						exp, v.usd(*f.ExportsFOB), imp, v.usd(*f.ImportsCIF), v.percent(set.CIFFOB, 0), v.usd(*f.Unexplained),
						v.pct(f.UnexplainedShare).Signed(), v.pct(prev.UnexplainedShare).Signed(), strconv.Itoa(f.Year-1))
			}))
		}
	}
	// New surges: flagged in a year, not flagged the year before.
	surges, _, err := m.pairSurges(ctx, member, China, set.Surge, func(int) bool { return true })
	if err != nil {
		return nil, err
	}
	flagged := map[string]bool{}
	for _, s := range surges {
		if s.Flagged() {
			flagged[fmt.Sprintf("%s/%d", s.Code, s.Year)] = true
		}
	}
	for _, s := range surges {
		// A surge is in value or volume; a fall of the unit value alone is
		// flagged on the surges page but raises no alert.
		if !s.ValueSurge && !s.VolumeSurge || flagged[fmt.Sprintf("%s/%d", s.Code, s.Year-1)] {
			continue
		}
		out = append(out, newAlert(Alert{
			ID: fmt.Sprintf("surge/%s/%s/%d", strings.ToLower(member), s.Code, s.Year), Kind: AlertSurge, Member: member, MemberName: name, Year: s.Year,
			URL: "/trade/surges?partner=" + member + "&year=" + strconv.Itoa(s.Year), Releases: s.Releases,
		}, func(v view) (string, string) {
			return surgeTitle(v, s), surgeDetail(v, s)
		}))
	}
	return out, nil
}

// surgeTitle names a new import surge.
func surgeTitle(v view, s Surge) string {
	name, product := v.country(s.Importer), lowerFirst(v.product(s.Name))
	switch {
	case s.Pattern:
		return v.T("New import surge in %s: HS %s (%s), in its volume, with a falling unit value", name, s.Code, product)
	case s.VolumeSurge:
		return v.T("New import surge in %s: HS %s (%s), in its volume", name, s.Code, product)
	}
	return v.T("New import surge in %s: HS %s (%s), in its value", name, s.Code, product)
}

// surgeDetail gives the figures of a new import surge.
func surgeDetail(v view, s Surge) string {
	ratio := v.T("new")
	if s.ValueRatio != nil {
		ratio = v.ratio(s.ValueRatio)
	}
	d := v.T("Imports of HS %s (%s) from China were %s in %s against an average of %s over the three years before (%s)",
		s.Code, v.product(s.Name), v.usd(s.Value), strconv.Itoa(s.Year), v.usd(s.AvgValue), ratio)
	if s.QtyRatio != nil {
		d = v.T("%s; net weight %s", d, v.ratio(s.QtyRatio))
	}
	if s.UnitValueDiff != nil {
		d = v.T("%s; unit value %s", d, v.pct(s.UnitValueDiff).Signed())
	}
	if s.Source == "exporter" {
		return v.T("%s, as China reports its exports.", d)
	}
	return v.T("%s, as %s reports its imports.", d, v.country(s.Importer))
}

func lowerFirst(s string) string {
	if s == "" || strings.HasPrefix(s, "HS ") {
		return s
	}
	r := []rune(s)
	if len(r) > 1 && unicode.IsUpper(r[1]) {
		return s // an acronym
	}
	r[0] = unicode.ToLower(r[0])
	return string(r)
}

func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, x := range b {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	slices.Sort(out)
	return out
}
