package geomap

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"testing"
)

// capitals are the capitals of the ASEAN members and China, each with a
// neighbour's capital or city that must not fall inside it.
var capitals = []struct {
	name, iso3 string
	lon, lat   float64
	neighbour  string // a neighbouring country that must not contain the capital
}{
	{"Phnom Penh", "KHM", 104.916, 11.5564, "VNM"},
	{"Jakarta", "IDN", 106.8451, -6.2088, "MYS"},
	{"Manila", "PHL", 120.9842, 14.5995, "TWN"},
	{"Hanoi", "VNM", 105.8342, 21.0278, "CHN"},
	{"Beijing", "CHN", 116.4074, 39.9042, "MNG"},
	{"Kuala Lumpur", "MYS", 101.6869, 3.139, "IDN"},
	{"Singapore", "SGP", 103.8198, 1.3521, "MYS"},
	{"Bangkok", "THA", 100.5018, 13.7563, "KHM"},
	{"Vientiane", "LAO", 102.6331, 17.9757, "THA"},
	{"Naypyidaw", "MMR", 96.0785, 19.7633, "THA"},
	{"Bandar Seri Begawan", "BRN", 114.9398, 4.9031, "MYS"},
	{"Dili", "TLS", 125.5603, -8.5569, "IDN"},
}

func TestContainsCapitals(t *testing.T) {
	for _, c := range capitals {
		t.Run(c.name, func(t *testing.T) {
			if !Contains(c.iso3, c.lon, c.lat) {
				t.Errorf("Contains(%s, %s) = false", c.iso3, c.name)
			}
			if Contains(c.neighbour, c.lon, c.lat) {
				t.Errorf("Contains(%s, %s) = true", c.neighbour, c.name)
			}
			b, ok := CountryBounds(c.iso3)
			if !ok || !b.Contains(c.lon, c.lat) {
				t.Errorf("CountryBounds(%s) = %+v, %v; want bounds that hold %s", c.iso3, b, ok, c.name)
			}
		})
	}
}

func TestContains(t *testing.T) {
	for _, tt := range []struct {
		name     string
		iso3     string
		lon, lat float64
		want     bool
	}{
		{"Gulf of Thailand", "THA", 101.5, 10, false},
		{"South China Sea", "VNM", 112, 12, false},
		{"Keningau, Borneo", "MYS", 116.16, 5.34, true},
		{"Kuching, Borneo", "IDN", 110.34, 1.55, false},
		{"Medan, Sumatra", "IDN", 98.67, 3.59, true},
		{"Cebu, Visayas", "PHL", 123.89, 10.32, true},
		{"Malaybalay, Mindanao", "PHL", 125.13, 8.15, true},
		{"Hong Kong is drawn apart", "CHN", 114.19, 22.38, false},
		{"Sha Tin, Hong Kong", "HKG", 114.19, 22.38, true},
		{"Kunming", "CHN", 102.71, 25.04, true},
		{"Vladivostok, in the frame", "RUS", 131.89, 43.12, true},
		{"Moscow, beyond the frame", "RUS", 37.62, 55.76, false},
		{"unknown country", "XXX", 104.9, 11.56, false},
		{"lower-case code", "khm", 104.9, 11.56, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := Contains(tt.iso3, tt.lon, tt.lat); got != tt.want {
				t.Errorf("Contains(%q, %v, %v) = %v, want %v", tt.iso3, tt.lon, tt.lat, got, tt.want)
			}
		})
	}
}

func TestCountries(t *testing.T) {
	names := Names()
	for iso3, want := range map[string]string{
		"BRN": "Brunei Darussalam", "KHM": "Cambodia", "IDN": "Indonesia", "LAO": "Lao PDR",
		"MYS": "Malaysia", "MMR": "Myanmar", "PHL": "Philippines", "SGP": "Singapore",
		"THA": "Thailand", "TLS": "Timor-Leste", "VNM": "Viet Nam", "CHN": "China",
		"IND": "India", "JPN": "Japan", "AUS": "Australia", "PNG": "Papua New Guinea",
	} {
		if names[iso3] != want {
			t.Errorf("Names()[%s] = %q, want %q", iso3, names[iso3], want)
		}
	}
	cs := Countries()
	if len(cs) != len(names) {
		t.Fatalf("Countries() has %d countries, Names() %d", len(cs), len(names))
	}
	for i, c := range cs {
		if i > 0 && cs[i-1].ISO3 >= c.ISO3 {
			t.Errorf("Countries() is not sorted: %s before %s", cs[i-1].ISO3, c.ISO3)
		}
		if len(c.Numeric) != 3 || c.Bounds.IsZero() {
			t.Errorf("%s: numeric %q, bounds %+v", c.ISO3, c.Numeric, c.Bounds)
		}
		if !Contains(c.ISO3, c.Label.Lon, c.Label.Lat) {
			t.Errorf("%s: the label point %+v is outside the country", c.ISO3, c.Label)
		}
		got, ok := Lookup(c.ISO3)
		if !ok || got != c {
			t.Errorf("Lookup(%s) = %+v, %v", c.ISO3, got, ok)
		}
		if _, ok := CountryBounds(c.ISO3); ok == c.Partial {
			t.Errorf("CountryBounds(%s) ok = %v for a country with Partial = %v", c.ISO3, ok, c.Partial)
		}
	}
	if _, ok := Lookup("USA"); ok {
		t.Error("Lookup(USA) found a country that is not bundled")
	}
	// Small countries that matter must survive simplification.
	for _, iso3 := range []string{"SGP", "BRN", "TLS", "MAC"} {
		if b, ok := CountryBounds(iso3); !ok || b.East-b.West < 0.05 {
			t.Errorf("CountryBounds(%s) = %+v, %v", iso3, b, ok)
		}
	}
	// The Philippines keeps its islands.
	if o := loadAtlas().byISO3["PHL"]; len(o.polygons) < 20 {
		t.Errorf("the Philippines has %d polygons, want its main islands", len(o.polygons))
	}
}

func TestProjectionRoundTrip(t *testing.T) {
	for _, view := range []Bounds{Region(), {102, 10, 108, 15}, {103.5, 1.1, 104.1, 1.5}, {-180, -80, 180, 80}} {
		p := newProjection(view, 800)
		for _, q := range []Position{{view.West, view.South}, {view.East, view.North}, {(view.West + view.East) / 2, (view.South + view.North) / 2}, {104.916, 11.5564}} {
			x, y := p.point(q.Lon, q.Lat)
			lon, lat := p.position(x, y)
			if math.Abs(lon-q.Lon) > 1e-9 || math.Abs(lat-q.Lat) > 1e-9 {
				t.Errorf("view %+v: %+v → (%v, %v) → (%v, %v)", view, q, x, y, lon, lat)
			}
		}
		// The corners are the viewBox's corners.
		if x, y := p.point(view.West, view.North); math.Abs(x) > 1e-9 || math.Abs(y) > 1e-9 {
			t.Errorf("view %+v: north-west corner at (%v, %v)", view, x, y)
		}
		if x, y := p.point(view.East, view.South); math.Abs(x-800) > 1e-9 || math.Abs(y-float64(p.height)) > 0.5 {
			t.Errorf("view %+v: south-east corner at (%v, %v), want (800, %d)", view, x, y, p.height)
		}
	}
	// Mercator is conformal: a small square on the ground is a square on
	// the map, at the equator and at 50°N alike.
	p := newProjection(Region(), 800)
	for _, lat := range []float64{0, 50} {
		d := 0.01
		x0, y0 := p.point(100, lat)
		x1, _ := p.point(100+d, lat)
		_, y1 := p.point(100, lat+d*math.Cos(lat*math.Pi/180))
		if w, h := x1-x0, y0-y1; math.Abs(w/h-1) > 1e-3 {
			t.Errorf("at %v°: a ground square is %v × %v on the map", lat, w, h)
		}
	}
	for y := -150.0; y <= 150; y += 10 {
		if got := mercatorY(mercatorLat(y)); math.Abs(got-y) > 1e-9 {
			t.Errorf("mercatorY(mercatorLat(%v)) = %v", y, got)
		}
	}
}

func TestFit(t *testing.T) {
	if got := fit(Bounds{}); got != Region() {
		t.Errorf("fit(empty) = %+v, want the region", got)
	}
	for _, content := range []Bounds{
		{104.9, 11.5, 104.9, 11.5},   // a point
		{102.3, 8.6, 109.5, 23.4},    // Viet Nam, tall
		{70, 5, 140, 10},             // a wide band
		{175, -10, 179.9, -5},        // at the antimeridian
		{73.5, -11, 141, 53.6},       // China and ASEAN
		{103.64, 1.16, 104.09, 1.47}, // Singapore
		{-179.9, -89.9, 179.9, 89.9}, // the world
	} {
		v := fit(content)
		if v.West < -180 || v.East > 180 || v.South < -viewLat || v.North > viewLat {
			t.Errorf("fit(%+v) = %+v, outside the world", content, v)
		}
		if v.East-v.West < minSpan || v.North-v.South < minSpan {
			t.Errorf("fit(%+v) = %+v, smaller than %v°", content, v, minSpan)
		}
		inner := Bounds{max(content.West, -180), max(content.South, -viewLat), min(content.East, 180), min(content.North, viewLat)}
		if !v.Contains(inner.West, inner.South) || !v.Contains(inner.East, inner.North) {
			t.Errorf("fit(%+v) = %+v does not hold the content", content, v)
		}
		if content.East-content.West < 300 {
			w, h := v.East-v.West, mercatorY(v.North)-mercatorY(v.South)
			if h/w < minAspect-1e-9 || h/w > maxAspect+1e-9 {
				t.Errorf("fit(%+v) = %+v has aspect %v", content, v, h/w)
			}
		}
	}
}

func TestFitNearPoles(t *testing.T) {
	for _, content := range []Bounds{{10, 88, 12, 89}, {10, -90, 12, -89}, {-180, 85, 180, 90}} {
		v := fit(content)
		if v.South >= v.North || v.West >= v.East || v.South < -viewLat || v.North > viewLat {
			t.Errorf("fit(%+v) = %+v", content, v)
		}
		if p := newProjection(v, 800); p.height < 100 {
			t.Errorf("fit(%+v) = %+v, %d units high", content, v, p.height)
		}
	}
}

func TestBounds(t *testing.T) {
	a, b := Bounds{100, 0, 110, 10}, Bounds{105, -5, 120, 5}
	if got := a.Union(b); got != (Bounds{100, -5, 120, 10}) {
		t.Errorf("Union = %+v", got)
	}
	if a.Union(Bounds{}) != a || (Bounds{}).Union(a) != a {
		t.Error("the zero Bounds is not the identity of Union")
	}
	if got := (Bounds{179, 89, 180, 90}).Pad(2); got != (Bounds{177, 87, 180, 90}) {
		t.Errorf("Pad = %+v", got)
	}
	if (Bounds{}).Contains(0, 0) {
		t.Error("the zero Bounds contains a point")
	}
}

// wellFormed checks that the SVG is well-formed XML.
func wellFormed(t *testing.T, svg string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("not well-formed: %v\n%.2000s", err, svg)
		}
	}
}

func TestSVG(t *testing.T) {
	m := regionalSample()
	m.Points = append(m.Points, Point{Lon: 104, Lat: 12, Label: `Dam "A" <& B>`, Href: "/projects?a=1&b=2", Class: "s5", Size: 6})
	svg, err := m.SVG()
	if err != nil {
		t.Fatal(err)
	}
	s := string(svg)
	wellFormed(t, s)
	for _, want := range []string{
		`role="img"`, `<title id="map-`, `>China–ASEAN projects</title>`, `<desc id="map-`,
		`class="sea"`, `class="land s1" data-iso3="CHN"`, `<a href="/countries/chn">`,
		`class="land" data-iso3="IND"`, `<title>Viet Nam</title>`,
		`class="shape s4"`, `<title>Exercise area</title>`, `class="line"`,
		`class="point s5"`, `r="6"`, `Dam &#34;A&#34; &lt;&amp; B&gt;`, `href="/projects?a=1&amp;b=2"`,
		`<text class="name"`, `>China</text>`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the map lacks %q", want)
		}
	}
	// Countries far outside the view are culled; Singapore is too small to
	// hold its name.
	for _, unwanted := range []string{`data-iso3="NZL"`, `>Singapore</text>`, `>Hong Kong</text>`} {
		if strings.Contains(s, unwanted) {
			t.Errorf("the map has %q", unwanted)
		}
	}
	// Every country's path reads back, and stays within the clip band.
	var w, h float64
	if _, err := fmt.Sscanf(s[strings.Index(s, `viewBox="`):], `viewBox="0 0 %g %g"`, &w, &h); err != nil {
		t.Fatal(err)
	}
	for _, part := range strings.Split(s, `<path class="land`)[1:] {
		_, rest, _ := strings.Cut(part, ` d="`)
		data, _, _ := strings.Cut(rest, `"`)
		for _, r := range parsePath(t, data) {
			for _, q := range r {
				if q.x < -clipBand-0.1 || q.x > w+clipBand+0.1 || q.y < -clipBand-0.1 || q.y > h+clipBand+0.1 {
					t.Fatalf("position %v is outside the clip band", q)
				}
			}
		}
	}
	if n := strings.Count(s, `<circle class="point`); n != len(m.Points) {
		t.Errorf("the map has %d points, want %d", n, len(m.Points))
	}

	// Without content the map shows the region; with HideNames, no names.
	empty := &Map{Title: "Region", HideNames: true, Countries: []CountryStyle{{ISO3: "KHM"}}}
	svg, err = empty.SVG()
	if err != nil {
		t.Fatal(err)
	}
	wellFormed(t, string(svg))
	if strings.Contains(string(svg), `class="name"`) || !strings.Contains(string(svg), `class="land highlight" data-iso3="KHM"`) {
		t.Errorf("unexpected map: %.600s", svg)
	}
}

func TestSVGFraming(t *testing.T) {
	// A map of one country fits it; its height follows from its shape.
	m := &Map{Title: "Viet Nam", Countries: []CountryStyle{{ISO3: "VNM", Class: "s1"}, {ISO3: "LAO", Class: "muted"}}}
	svg, err := m.SVG()
	if err != nil {
		t.Fatal(err)
	}
	var root struct {
		ViewBox string `xml:"viewBox,attr"`
	}
	if err := xml.Unmarshal([]byte(svg), &root); err != nil {
		t.Fatal(err)
	}
	if root.ViewBox != "0 0 800 960" {
		t.Errorf("viewBox = %q, want a portrait at the tallest aspect", root.ViewBox)
	}
	// Explicit bounds are kept, and what lies outside them is left out.
	m = &Map{Title: "Singapore", Bounds: Bounds{103.5, 1.1, 104.1, 1.5}, Width: 600,
		Countries: []CountryStyle{{ISO3: "SGP", Class: "s1"}},
		Points:    []Point{{Lon: 103.85, Lat: 1.29, Label: "in"}, {Lon: 100.5, Lat: 13.75, Label: "out"}},
	}
	svg, err = m.SVG()
	if err != nil {
		t.Fatal(err)
	}
	s := string(svg)
	if !strings.Contains(s, `viewBox="0 0 600 `) || !strings.Contains(s, "<title>in</title>") || strings.Contains(s, "<title>out</title>") {
		t.Errorf("unexpected map: %.600s", s)
	}
	if strings.Contains(s, `data-iso3="CHN"`) {
		t.Error("China is drawn on a map of Singapore")
	}
}

func TestSVGErrors(t *testing.T) {
	for _, tt := range []struct {
		name string
		m    Map
		want string
	}{
		{"unknown country", Map{Countries: []CountryStyle{{ISO3: "XYZ"}}}, `country 0: "XYZ" is not a bundled country`},
		{"country twice", Map{Countries: []CountryStyle{{ISO3: "KHM"}, {ISO3: "KHM", Class: "s2"}}}, "country 1: KHM is styled twice"},
		{"latitude", Map{Points: []Point{{Lon: 100, Lat: 91, Label: "P"}}}, `point 0 ("P"): latitude 91 is outside [-90, 90]`},
		{"NaN", Map{Points: []Point{{Lon: math.NaN(), Lat: 0}}}, "not finite"},
		{"script link", Map{Points: []Point{{Lon: 100, Lat: 10, Href: "javascript:alert(1)"}}}, `scheme "javascript"`},
		{"invalid GeoJSON", Map{Shapes: []Shape{{Label: "Area", GeoJSON: []byte(`{"type":"Polygon","coordinates":[[[100,0],[101,0],[101,1],[100,0.5]]]}`)}}},
			`shape 0 ("Area"): invalid GeoJSON at coordinates[0]: ring is not closed`},
		{"bounds", Map{Bounds: Bounds{110, 0, 100, 10}}, "not a rectangle"},
		{"width", Map{Width: 100000}, "width 100000"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			svg, err := tt.m.SVG()
			if err == nil || svg != "" {
				t.Fatalf("SVG() = %.100q, %v; want an error", svg, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
		})
	}
	_, err := (&Map{Shapes: []Shape{{GeoJSON: []byte(`{}`)}}}).SVG()
	if !errors.Is(err, ErrInvalidGeoJSON) {
		t.Errorf("error %v does not wrap ErrInvalidGeoJSON", err)
	}
}

// BenchmarkRegionalMap draws the region with all its countries and 500
// points, the heaviest map a page of the register draws.
func BenchmarkRegionalMap(b *testing.B) {
	m := regionalSample()
	m.Points = nil
	for i := range 500 {
		// Spread over the region, deterministically.
		m.Points = append(m.Points, Point{
			Lon: 95 + math.Mod(float64(i)*7.31, 45), Lat: -8 + math.Mod(float64(i)*3.77, 40),
			Label: "Project", Href: "/projects/p", Class: "s" + string(rune('1'+i%6)),
		})
	}
	loadAtlas()
	b.ReportAllocs()
	var size int
	for b.Loop() {
		svg, err := m.SVG()
		if err != nil {
			b.Fatal(err)
		}
		size = len(svg)
	}
	b.ReportMetric(float64(size), "bytes/map")
}

// TestSVGNames checks that the names written on a map and its tooltips are
// the ones Names gives, and that a wide name that does not fit is left out.
func TestSVGNames(t *testing.T) {
	m := regionalSample()
	m.Names = func(iso3, name string) string {
		switch iso3 {
		case "CHN":
			return "中国"
		case "VNM":
			return "Việt Nam"
		case "THA":
			return strings.Repeat("ประเทศไทย", 20) // far wider than Thailand
		}
		return name
	}
	svg, err := m.SVG()
	if err != nil {
		t.Fatal(err)
	}
	s := string(svg)
	wellFormed(t, s)
	for _, want := range []string{`>中国</text>`, `<title>Việt Nam</title>`} {
		if !strings.Contains(s, want) {
			t.Errorf("the map lacks %q", want)
		}
	}
	for _, unwanted := range []string{`>China</text>`, `<title>Viet Nam</title>`, `ประเทศไทยประเทศไทย</text>`} {
		if strings.Contains(s, unwanted) {
			t.Errorf("the map has %q", unwanted)
		}
	}
}

func TestTextWidth(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want float64
	}{
		{"China", 5 * 0.58}, {"中国", 2}, {"ไทย", 3 * 0.58}, // ไ, ท, ย: the vowel ไ is written as a letter of its own
		{"กัมพูชา", 5 * 0.58}, // two of its seven code points are marks above and below
		{"", 0},
	} {
		if got := textWidth(tc.s); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("textWidth(%q) = %g, want %g", tc.s, got, tc.want)
		}
	}
}
