// Package geomap draws maps of the China–ASEAN region as inline SVG on the
// server, from country outlines bundled in the binary: maps need no
// JavaScript, no tile server and no network, and they print well. It also
// answers the geographic questions records raise: is this project location
// inside its host country (Contains, CountryBounds), is this GeoJSON area
// well formed (ParseGeoJSON).
//
// A map carries a title and a text description for screen readers, and, like
// a chart, is never the only way to read its data: the page that shows a map
// MUST list the same countries, points and areas in a table beside it.
//
// # The outlines
//
// The outlines are Natural Earth's 1:50m Admin 0 countries (public domain,
// https://www.naturalearthdata.com), taken from the npm package world-atlas
// 2.0.2 and reduced by the program in gen/ to outlines.json: the eleven
// ASEAN members, China (with Hong Kong, Macao and Taiwan, which Natural Earth
// draws apart), South Asia, North-east Asia, Australia and the Pacific
// islands near the region, simplified with Douglas–Peucker at 0.01° and
// rounded to 0.01°. Russia and the Central Asian countries frame the view
// and are bundled only in part, clipped to the frame (see Country.Partial).
// Boundaries are Natural Earth's de facto ones and imply no position on any
// dispute. Country codes are ISO 3166-1 alpha-3.
//
// To regenerate outlines.json (needs Node.js and npm):
//
//	cd internal/geomap/gen && npm ci && cd .. && go generate
//
// The test in gen/ checks that the committed file is what the generator
// writes, whenever gen/node_modules is installed.
//
// # The projection
//
// Maps use the Web Mercator projection. The region spans from about 45°S
// (Tasmania) to 55°N (northern China), and Mercator is conformal: every
// country keeps the shape readers know from web maps, at every latitude of
// the region, where a plate carrée scaled for one latitude would squash
// Mongolia or stretch Indonesia. Its growth of areas towards the poles is
// modest this close to the equator (about 2.4 times at 50°N).
package geomap

//go:generate go run ./gen

import (
	"cmp"
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sync"
)

// Position is a place in WGS 84 degrees.
type Position struct {
	Lon, Lat float64
}

// Bounds is a rectangle of longitude and latitude in degrees, with
// West <= East and South <= North; it does not cross the antimeridian. The
// zero Bounds is empty.
type Bounds struct {
	West, South, East, North float64
}

// IsZero reports whether b is the zero Bounds, which means "empty" (or, in
// Map.Bounds, "fit the content").
func (b Bounds) IsZero() bool { return b == Bounds{} }

// Contains reports whether the position lies in b, edges included.
func (b Bounds) Contains(lon, lat float64) bool {
	return !b.IsZero() && lon >= b.West && lon <= b.East && lat >= b.South && lat <= b.North
}

// Union returns the smallest Bounds that covers b and c. The zero Bounds is
// the identity.
func (b Bounds) Union(c Bounds) Bounds {
	switch {
	case b.IsZero():
		return c
	case c.IsZero():
		return b
	}
	return Bounds{min(b.West, c.West), min(b.South, c.South), max(b.East, c.East), max(b.North, c.North)}
}

// Pad returns b grown by deg degrees on each side, limited to the valid
// ranges of longitude and latitude. The zero Bounds stays zero.
func (b Bounds) Pad(deg float64) Bounds {
	if b.IsZero() {
		return b
	}
	return Bounds{
		West: max(b.West-deg, -180), South: max(b.South-deg, -90),
		East: min(b.East+deg, 180), North: min(b.North+deg, 90),
	}
}

// extend grows b to cover a position.
func (b Bounds) extend(p Position) Bounds {
	if b.IsZero() {
		return Bounds{p.Lon, p.Lat, p.Lon, p.Lat}
	}
	return Bounds{min(b.West, p.Lon), min(b.South, p.Lat), max(b.East, p.Lon), max(b.North, p.Lat)}
}

// intersects reports whether b and c overlap, edges included.
func (b Bounds) intersects(c Bounds) bool {
	return b.West <= c.East && c.West <= b.East && b.South <= c.North && c.South <= b.North
}

// Region returns the default frame of a map with nothing to fit: China and
// the ASEAN members, from the Arabian Sea's edge to Japan.
func Region() Bounds {
	return Bounds{West: 68, South: -12, East: 146, North: 54}
}

// Country describes one bundled country.
type Country struct {
	ISO3    string // ISO 3166-1 alpha-3
	Numeric string // ISO 3166-1 numeric, three digits
	Name    string // English name as the register writes it ("Viet Nam", "Lao PDR")
	// Partial is true for the neighbours bundled only where they frame the
	// region (Russia, Central Asia): their outline stops at the frame's
	// edge, so Bounds is only that part's and Contains is false beyond it.
	Partial bool
	Bounds  Bounds   // of the bundled outline
	Label   Position // a point well inside the largest part, where the name is written
}

// outline is a country (or unattributed land) with its polygons.
type outline struct {
	Country
	polygons    []polygon
	labelBounds Bounds // of the polygon that holds Label
}

// polygon is an exterior ring followed by its holes. Rings are closed: the
// last position equals the first.
type polygon struct {
	rings  [][]Position
	bounds Bounds
}

//go:embed outlines.json
var outlinesJSON []byte

// atlas is the decoded outlines.json.
type atlas struct {
	countries []*outline // sorted by ISO3
	byISO3    map[string]*outline
	land      []polygon // land of no bundled country (Siachen Glacier)
}

// loadAtlas decodes the embedded outlines once. The file is generated and
// checked by tests, so a failure is a build defect, not a runtime condition.
var loadAtlas = sync.OnceValue(func() *atlas {
	a, err := decodeAtlas(outlinesJSON)
	if err != nil {
		panic(fmt.Sprintf("geomap: the embedded outlines.json is corrupt: %v", err))
	}
	return a
})

// decodeAtlas reads the format gen/main.go writes: coordinates are integers
// in 1/scale degrees, each ring's first position absolute and the others
// differences from the one before, without the closing position.
func decodeAtlas(data []byte) (*atlas, error) {
	var file struct {
		Scale     float64 `json:"scale"`
		Countries []struct {
			ISO3     string      `json:"iso3"`
			Numeric  string      `json:"numeric"`
			Name     string      `json:"name"`
			Partial  bool        `json:"partial"`
			Label    [2]float64  `json:"label"`
			Polygons [][][]int64 `json:"polygons"`
		} `json:"countries"`
		Land [][][]int64 `json:"land"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		return nil, fmt.Errorf("couldn't parse: %w", err)
	}
	if file.Scale <= 0 {
		return nil, fmt.Errorf("scale %v is not positive", file.Scale)
	}
	a := &atlas{byISO3: map[string]*outline{}}
	for i, c := range file.Countries {
		if len(c.ISO3) != 3 || c.Name == "" {
			return nil, fmt.Errorf("country %d has no ISO3 code or name", i)
		}
		if _, dup := a.byISO3[c.ISO3]; dup {
			return nil, fmt.Errorf("country %s appears twice", c.ISO3)
		}
		polys, err := decodePolygons(c.Polygons, file.Scale)
		if err != nil {
			return nil, fmt.Errorf("couldn't decode %s: %w", c.ISO3, err)
		}
		if len(polys) == 0 {
			return nil, fmt.Errorf("country %s has no polygons", c.ISO3)
		}
		o := &outline{
			Country: Country{
				ISO3: c.ISO3, Numeric: c.Numeric, Name: c.Name, Partial: c.Partial,
				Label: Position{c.Label[0], c.Label[1]},
			},
			polygons: polys,
		}
		for _, p := range polys {
			o.Bounds = o.Bounds.Union(p.bounds)
			if o.labelBounds.IsZero() && p.contains(o.Label.Lon, o.Label.Lat) {
				o.labelBounds = p.bounds
			}
		}
		if o.labelBounds.IsZero() {
			return nil, fmt.Errorf("the label point of %s is not inside it", c.ISO3)
		}
		a.countries = append(a.countries, o)
		a.byISO3[c.ISO3] = o
	}
	slices.SortFunc(a.countries, func(x, y *outline) int { return cmp.Compare(x.ISO3, y.ISO3) })
	land, err := decodePolygons(file.Land, file.Scale)
	if err != nil {
		return nil, fmt.Errorf("couldn't decode the unattributed land: %w", err)
	}
	a.land = land
	return a, nil
}

func decodePolygons(in [][][]int64, scale float64) ([]polygon, error) {
	polys := make([]polygon, 0, len(in))
	for i, p := range in {
		if len(p) == 0 {
			return nil, fmt.Errorf("polygon %d has no rings", i)
		}
		var poly polygon
		for j, r := range p {
			if len(r)%2 != 0 || len(r) < 6 {
				return nil, fmt.Errorf("polygon %d ring %d has %d numbers, want an even number of at least 6", i, j, len(r))
			}
			ring := make([]Position, 0, len(r)/2+1)
			var x, y int64
			for k := 0; k < len(r); k += 2 {
				x, y = x+r[k], y+r[k+1]
				ring = append(ring, Position{float64(x) / scale, float64(y) / scale})
			}
			ring = append(ring, ring[0])
			if j == 0 {
				for _, q := range ring {
					poly.bounds = poly.bounds.extend(q)
				}
			}
			poly.rings = append(poly.rings, ring)
		}
		polys = append(polys, poly)
	}
	return polys, nil
}

// Countries returns the bundled countries, sorted by ISO3 code.
func Countries() []Country {
	a := loadAtlas()
	out := make([]Country, len(a.countries))
	for i, o := range a.countries {
		out[i] = o.Country
	}
	return out
}

// Lookup returns the bundled country with the given ISO 3166-1 alpha-3 code
// (upper case), and whether there is one.
func Lookup(iso3 string) (Country, bool) {
	o, ok := loadAtlas().byISO3[iso3]
	if !ok {
		return Country{}, false
	}
	return o.Country, true
}

// Names returns the English names of the bundled countries by ISO3 code. The
// map is the caller's to keep or change.
func Names() map[string]string {
	a := loadAtlas()
	out := make(map[string]string, len(a.countries))
	for _, o := range a.countries {
		out[o.ISO3] = o.Name
	}
	return out
}

// CountryBounds returns the bounds of a country's outline, islands included,
// and whether the country is bundled in full. For a country bundled in part
// (Country.Partial) or not at all it returns false: no bounds would be
// right.
func CountryBounds(iso3 string) (Bounds, bool) {
	o, ok := loadAtlas().byISO3[iso3]
	if !ok || o.Partial {
		return Bounds{}, false
	}
	return o.Bounds, true
}

// Contains reports whether the position (WGS 84 degrees) lies inside the
// country's bundled outline, by the even–odd rule (ray casting). It is false
// for a country that is not bundled, and, for a country bundled in part,
// beyond the frame it was clipped to.
//
// The outlines are simplified (see the package documentation): within about
// 0.02° (2 km) of a coast or border the answer may differ from the ground.
// Validation of a location SHOULD allow for that, for example by accepting a
// position that is within CountryBounds padded by a little, or by warning
// rather than refusing.
func Contains(iso3 string, lon, lat float64) bool {
	o, ok := loadAtlas().byISO3[iso3]
	if !ok || !o.Bounds.Contains(lon, lat) {
		return false
	}
	for _, p := range o.polygons {
		if p.bounds.Contains(lon, lat) && p.contains(lon, lat) {
			return true
		}
	}
	return false
}

// contains is the even–odd rule over all rings of the polygon.
func (p polygon) contains(lon, lat float64) bool {
	in := false
	for _, r := range p.rings {
		if ringCrossings(r, lon, lat)%2 == 1 {
			in = !in
		}
	}
	return in
}

// ringCrossings counts the edges of a closed ring that a ray from the
// position towards the east crosses.
func ringCrossings(r []Position, lon, lat float64) int {
	n := 0
	for i := 1; i < len(r); i++ {
		a, b := r[i-1], r[i]
		if (a.Lat > lat) != (b.Lat > lat) && lon < (b.Lon-a.Lon)*(lat-a.Lat)/(b.Lat-a.Lat)+a.Lon {
			n++
		}
	}
	return n
}

// validPosition reports what is wrong with a position, or "".
func validPosition(lon, lat float64) string {
	switch {
	case math.IsNaN(lon) || math.IsNaN(lat) || math.IsInf(lon, 0) || math.IsInf(lat, 0):
		return "coordinates are not finite numbers"
	case lon < -180 || lon > 180:
		return fmt.Sprintf("longitude %v is outside [-180, 180]", lon)
	case lat < -90 || lat > 90:
		return fmt.Sprintf("latitude %v is outside [-90, 90]", lat)
	}
	return ""
}
