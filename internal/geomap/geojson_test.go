package geomap

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestParseGeoJSON(t *testing.T) {
	for _, tt := range []struct {
		name                   string
		in                     string
		points, lines, polygon int
		bounds                 Bounds
	}{
		{"point", `{"type":"Point","coordinates":[104.9,11.55]}`, 1, 0, 0, Bounds{104.9, 11.55, 104.9, 11.55}},
		{"point with altitude", `{"type":"Point","coordinates":[104.9,11.55,12]}`, 1, 0, 0, Bounds{104.9, 11.55, 104.9, 11.55}},
		{"multipoint", `{"type":"MultiPoint","coordinates":[[100,1],[101,2]]}`, 2, 0, 0, Bounds{100, 1, 101, 2}},
		{"linestring", `{"type":"LineString","coordinates":[[100,1],[101,2],[102,0]]}`, 0, 1, 0, Bounds{100, 0, 102, 2}},
		{"multilinestring", `{"type":"MultiLineString","coordinates":[[[100,1],[101,2]],[[110,5],[111,6]]]}`, 0, 2, 0, Bounds{100, 1, 111, 6}},
		{"polygon with hole", `{"type":"Polygon","coordinates":[[[100,0],[110,0],[110,10],[100,10],[100,0]],[[102,2],[103,2],[103,3],[102,2]]]}`, 0, 0, 1, Bounds{100, 0, 110, 10}},
		{"multipolygon", `{"type":"MultiPolygon","coordinates":[[[[100,0],[101,0],[101,1],[100,0]]],[[[120,5],[121,5],[121,6],[120,5]]]]}`, 0, 0, 2, Bounds{100, 0, 121, 6}},
		{"geometry collection", `{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[100,0]},{"type":"LineString","coordinates":[[101,0],[102,1]]}]}`, 1, 1, 0, Bounds{100, 0, 102, 1}},
		{"feature", `{"type":"Feature","id":7,"properties":{"name":"Ream"},"bbox":[1,2,3,4],"geometry":{"type":"Point","coordinates":[103.64,10.51]}}`, 1, 0, 0, Bounds{103.64, 10.51, 103.64, 10.51}},
		{"feature collection", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":null,"geometry":{"type":"Point","coordinates":[100,0]}},{"type":"Feature","geometry":{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[101,1]}]}}]}`, 2, 0, 0, Bounds{100, 0, 101, 1}},
		{"foreign members", `{"type":"Point","coordinates":[100,0],"title":"x","crs":null}`, 1, 0, 0, Bounds{100, 0, 100, 0}},
		{"extremes", `{"type":"LineString","coordinates":[[-180,-90],[180,90]]}`, 0, 1, 0, Bounds{-180, -90, 180, 90}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			g, err := ParseGeoJSON([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if len(g.Points) != tt.points || len(g.Lines) != tt.lines || len(g.Polygons) != tt.polygon {
				t.Errorf("got %d points, %d lines, %d polygons; want %d, %d, %d", len(g.Points), len(g.Lines), len(g.Polygons), tt.points, tt.lines, tt.polygon)
			}
			if b := g.Bounds(); b != tt.bounds {
				t.Errorf("Bounds() = %+v, want %+v", b, tt.bounds)
			}
		})
	}
}

func TestParseGeoJSONErrors(t *testing.T) {
	for _, tt := range []struct {
		name, in, want string
	}{
		{"not JSON", `{"type":`, "invalid GeoJSON: want a JSON object"},
		{"array", `[1,2]`, "invalid GeoJSON: want a JSON object"},
		{"null", `null`, "invalid GeoJSON: want a JSON object"},
		{"trailing data", `{"type":"Point","coordinates":[1,2]} x`, "want a JSON object"},
		{"no type", `{"coordinates":[1,2]}`, `invalid GeoJSON: no "type" member`},
		{"type is case-sensitive", `{"Type":"Point","coordinates":[1,2]}`, `no "type" member`},
		{"type not a string", `{"type":1}`, "invalid GeoJSON at type: want a string"},
		{"unknown type", `{"type":"Circle","coordinates":[1,2],"radius":3}`, `invalid GeoJSON at type: unknown type "Circle"`},
		{"type in wrong case", `{"type":"polygon","coordinates":[]}`, `unknown type "polygon"`},
		{"no coordinates", `{"type":"Point"}`, `invalid GeoJSON: no "coordinates" member`},
		{"position too short", `{"type":"Point","coordinates":[1]}`, "at coordinates: position has 1 numbers, want 2"},
		{"position too long", `{"type":"Point","coordinates":[1,2,3,4]}`, "position has 4 numbers"},
		{"position not numbers", `{"type":"Point","coordinates":["1","2"]}`, "at coordinates: want a position"},
		{"latitude", `{"type":"Point","coordinates":[100,95]}`, "at coordinates: latitude 95 is outside [-90, 90]"},
		{"longitude", `{"type":"Point","coordinates":[-181,0]}`, "longitude -181 is outside [-180, 180]"},
		{"huge number", `{"type":"Point","coordinates":[1e400,0]}`, "want a position"},
		{"empty multipoint", `{"type":"MultiPoint","coordinates":[]}`, "at coordinates: has no points"},
		{"short line", `{"type":"LineString","coordinates":[[1,2]]}`, "at coordinates: has 1 positions, want at least 2"},
		{"line of non-positions", `{"type":"LineString","coordinates":[1,2]}`, "at coordinates[0]: want a position"},
		{"empty polygon", `{"type":"Polygon","coordinates":[]}`, "at coordinates: has no rings"},
		{"short ring", `{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}`, "at coordinates[0]: has 3 positions, want at least 4"},
		{"open ring", `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}`, "at coordinates[0]: ring is not closed"},
		{"bad hole", `{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]],[[0,0],[1,0],[1,1],[0,200],[0,0]]]]}`, "at coordinates[0][1][3]: latitude 200"},
		{"feature without geometry", `{"type":"Feature","geometry":null,"properties":{}}`, "at geometry: the feature has no geometry"},
		{"feature missing geometry", `{"type":"Feature","properties":{}}`, "at geometry: the feature has no geometry"},
		{"feature in feature", `{"type":"Feature","geometry":{"type":"Feature","geometry":{"type":"Point","coordinates":[0,0]}}}`, "at geometry: a Feature cannot stand here"},
		{"bad feature geometry", `{"type":"Feature","geometry":{"type":"Point","coordinates":[0]}}`, "at geometry.coordinates: position has 1 numbers"},
		{"geometry in feature collection", `{"type":"FeatureCollection","features":[{"type":"Point","coordinates":[0,0]}]}`, "at features[0]: want a Feature, not a Point"},
		{"empty feature collection", `{"type":"FeatureCollection","features":[]}`, "at features: has no features"},
		{"features not an array", `{"type":"FeatureCollection","features":{}}`, "at features: want an array"},
		{"nested collection", `{"type":"FeatureCollection","features":[{"type":"FeatureCollection","features":[]}]}`, "at features[0]: a FeatureCollection cannot stand here"},
		{"bad feature in collection", `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[0,0]}},{"type":"Feature","geometry":{"type":"LineString","coordinates":[[0,0]]}}]}`, "at features[1].geometry.coordinates: has 1 positions"},
		{"nested geometry collection", `{"type":"GeometryCollection","geometries":[{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[0,0]}]}]}`, "at geometries[0]: GeometryCollections cannot nest"},
		{"feature in geometry collection", `{"type":"GeometryCollection","geometries":[{"type":"Feature","geometry":{"type":"Point","coordinates":[0,0]}}]}`, "at geometries[0]: a Feature cannot stand here"},
		{"empty geometry collection", `{"type":"GeometryCollection","geometries":[]}`, "at geometries: has no geometries"},
		{"no geometries", `{"type":"GeometryCollection"}`, `no "geometries" member`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			g, err := ParseGeoJSON([]byte(tt.in))
			if err == nil {
				t.Fatalf("ParseGeoJSON(%s) = %+v, want an error", tt.in, g)
			}
			if !errors.Is(err, ErrInvalidGeoJSON) {
				t.Errorf("error %v does not wrap ErrInvalidGeoJSON", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
		})
	}
}

// FuzzParseGeoJSON checks that any input is either refused with an
// ErrInvalidGeoJSON or gives a geometry that keeps every promise of the
// Geometry type, and that the map draws it as well-formed SVG.
func FuzzParseGeoJSON(f *testing.F) {
	for _, s := range []string{
		`{"type":"Point","coordinates":[104.9,11.55]}`,
		`{"type":"Polygon","coordinates":[[[100,0],[110,0],[110,10],[100,10],[100,0]],[[102,2],[103,2],[103,3],[102,2]]]}`,
		`{"type":"MultiPolygon","coordinates":[[[[100,0],[101,0],[101,1],[100,0]]]]}`,
		`{"type":"MultiLineString","coordinates":[[[100,1],[101,2]],[[110,5],[111,6]]]}`,
		`{"type":"Feature","properties":{"a":1},"geometry":{"type":"LineString","coordinates":[[1,2],[3,4]]}}`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"GeometryCollection","geometries":[{"type":"MultiPoint","coordinates":[[1,2]]}]}}]}`,
		`{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}`,
		`{"type":"Point","coordinates":[1e400,0]}`,
		`{"type":"GeometryCollection","geometries":[{"type":"GeometryCollection","geometries":[]}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := ParseGeoJSON(data)
		if err != nil {
			if !errors.Is(err, ErrInvalidGeoJSON) {
				t.Fatalf("error %v does not wrap ErrInvalidGeoJSON", err)
			}
			return
		}
		if !json.Valid(data) {
			t.Fatalf("accepted invalid JSON %q", data)
		}
		if len(g.Points)+len(g.Lines)+len(g.Polygons) == 0 {
			t.Fatalf("accepted an empty geometry from %q", data)
		}
		check := func(p Position) {
			if msg := validPosition(p.Lon, p.Lat); msg != "" {
				t.Fatalf("accepted a position where %s: %q", msg, data)
			}
		}
		for _, p := range g.Points {
			check(p)
		}
		for _, l := range g.Lines {
			if len(l) < 2 {
				t.Fatalf("accepted a line of %d positions: %q", len(l), data)
			}
			for _, p := range l {
				check(p)
			}
		}
		for _, poly := range g.Polygons {
			if len(poly) == 0 {
				t.Fatalf("accepted a polygon without rings: %q", data)
			}
			for _, r := range poly {
				if len(r) < 4 || r[0] != r[len(r)-1] {
					t.Fatalf("accepted a bad ring %v: %q", r, data)
				}
				for _, p := range r {
					check(p)
				}
			}
		}
		b := g.Bounds()
		if b.West > b.East || b.South > b.North {
			t.Fatalf("Bounds() = %+v", b)
		}
		m := Map{Title: "fuzz", Shapes: []Shape{{GeoJSON: data, Label: "shape"}}}
		svg, err := m.SVG()
		if err != nil {
			t.Fatalf("SVG() refused a shape ParseGeoJSON accepts: %v", err)
		}
		wellFormed(t, string(svg))
	})
}
