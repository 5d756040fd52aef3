package geomap

import (
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"testing"
)

// TestPreview writes sample maps to look at, when GEOMAP_PREVIEW names a
// directory:
//
//	GEOMAP_PREVIEW=/tmp go test -run Preview ./internal/geomap
//
// writes geomap.html (linking the site's style sheet), and geomap.svg, the
// regional map alone. Open geomap.html in a browser, or screenshot it with
// headless Chromium.
func TestPreview(t *testing.T) {
	dir := os.Getenv("GEOMAP_PREVIEW")
	if dir == "" {
		t.Skip("set GEOMAP_PREVIEW to a directory to write sample maps there")
	}
	css, err := filepath.Abs("../web/static/style.css")
	if err != nil {
		t.Fatal(err)
	}
	maps := []*Map{regionalSample(), {
		Title:     "Cambodia",
		Desc:      "Cambodia and its neighbours, with Phnom Penh and Ream.",
		Countries: []CountryStyle{{ISO3: "KHM", Class: "highlight"}, {ISO3: "THA", Class: "muted"}, {ISO3: "VNM", Class: "muted"}, {ISO3: "LAO", Class: "muted"}},
		Points:    []Point{{Lon: 104.92, Lat: 11.56, Label: "Phnom Penh"}, {Lon: 103.64, Lat: 10.51, Label: "Ream", Class: "s1"}},
	}, {
		Title:     "Singapore",
		Desc:      "Singapore, within explicit bounds.",
		Bounds:    Bounds{West: 103.2, South: 0.9, East: 104.4, North: 1.8},
		Width:     400,
		Countries: []CountryStyle{{ISO3: "SGP", Class: "s1"}},
		Points:    []Point{{Lon: 103.85, Lat: 1.29, Label: "Singapore"}},
	}}
	page := fmt.Sprintf(`<!doctype html><html lang="en"><meta charset="utf-8"><title>geomap preview</title><link rel="stylesheet" href="file://%s"><body><div class="wrap">`, css)
	for i, m := range maps {
		svg, err := m.SVG()
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			if err := os.WriteFile(filepath.Join(dir, "geomap.svg"), []byte(svg), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		page += fmt.Sprintf("<figure><h2>%s</h2>%s</figure>", template.HTMLEscapeString(m.Title), svg)
	}
	if err := os.WriteFile(filepath.Join(dir, "geomap.html"), []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
}

// regionalSample is the map the preview and the benchmark draw: the region,
// the members in series colours, a few places and an exercise area.
func regionalSample() *Map {
	m := &Map{
		Title: "China–ASEAN projects",
		Desc:  "Where the register's projects are, with an exercise area in the South China Sea.",
		Countries: []CountryStyle{
			{ISO3: "CHN", Class: "s1", Href: "/countries/chn"},
			{ISO3: "KHM", Class: "s2"}, {ISO3: "LAO", Class: "s2"}, {ISO3: "MMR", Class: "s2"},
			{ISO3: "THA", Class: "s2"}, {ISO3: "VNM", Class: "s2"}, {ISO3: "MYS", Class: "s3"},
			{ISO3: "SGP", Class: "s3"}, {ISO3: "IDN", Class: "s3"}, {ISO3: "BRN", Class: "s3"},
			{ISO3: "PHL", Class: "s3"}, {ISO3: "TLS", Class: "s3"},
		},
		Shapes: []Shape{{
			Label: "Exercise area",
			Class: "s4",
			GeoJSON: []byte(`{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":
				[[[111,12],[114,12],[114,15],[111,15],[111,12]]]}}`),
		}, {
			Label:   "Laos–China Railway",
			Class:   "s6",
			GeoJSON: []byte(`{"type":"LineString","coordinates":[[102.6,17.97],[102.14,19.89],[101.4,20.85],[101.06,21.88],[102.7,25.04]]}`),
		}},
	}
	for _, c := range capitals {
		m.Points = append(m.Points, Point{Lon: c.lon, Lat: c.lat, Label: c.name, Href: "/places/" + c.iso3})
	}
	return m
}
