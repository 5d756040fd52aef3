package geomap

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"html"
	"html/template"
	"math"
	"net/url"
	"strconv"
	"strings"
	"unicode"
)

// Map is a map to draw. The zero value (with a title) draws the region.
type Map struct {
	Title string // the map's accessible name
	Desc  string // what it shows, in a sentence or two, for screen readers

	// Bounds is the area shown, exactly. The zero Bounds fits the content
	// (points, shapes, and the countries styled with a class other than
	// "muted") with a margin, in a shape between 2:1 and 1:1.2; with no
	// content it shows Region.
	Bounds Bounds
	// Width is the width of the SVG viewBox; the height follows from the
	// view. Zero means 800. The SVG scales to its container anyway: the
	// width sets the size of strokes, points and text relative to the map.
	Width int
	// HideNames leaves out the names written on the styled countries large
	// enough to hold them.
	HideNames bool
	// Names gives the name of a country (by its ISO 3166 alpha-3 code and
	// its bundled English name) in the page's language, for the names
	// written on the map and the tooltips; nil keeps the English names.
	Names func(iso3, name string) string

	Countries []CountryStyle // countries drawn apart from the plain land, each once
	Shapes    []Shape        // areas, routes and places in GeoJSON, drawn over the land
	Points    []Point        // drawn last, on top
}

// CountryStyle sets how one bundled country is drawn.
type CountryStyle struct {
	ISO3 string // a bundled country (see Lookup)
	// Class is the CSS class of its fill: "s1" … "s6" (series colours),
	// "highlight" (the default) or "muted" (in scope, but not the subject).
	Class string
	Href  string // optional link
	Label string // tooltip; defaults to the country's name
}

// Point is a place drawn as a circle.
type Point struct {
	Lon, Lat float64 // WGS 84 degrees
	Label    string  // tooltip
	Href     string  // optional link
	Class    string  // CSS class: "s1" … "s6"; default "s2"
	Size     float64 // radius in viewBox units; default 4
}

// Shape is a GeoJSON object drawn over the land: polygons as
// semi-transparent areas, lines as strokes, points as small circles.
type Shape struct {
	// GeoJSON is a geometry, a Feature or a FeatureCollection, as
	// ParseGeoJSON reads them.
	GeoJSON json.RawMessage
	Label   string // tooltip
	Href    string // optional link
	Class   string // CSS class: "s1" … "s6"; default "s3"
}

// Default sizes, in viewBox units.
const (
	defaultWidth = 800
	maxWidth     = 8000
	pointRadius  = 4
	shapeRadius  = 3
	nameSize     = 12 // font size of country names
)

// SVG draws the map. It returns an error, and no SVG, if a country is not
// bundled or styled twice, a point's position is invalid, a shape's GeoJSON
// is invalid (the error wraps ErrInvalidGeoJSON), or a link is not an http,
// https or relative URL. Points and shapes outside an explicit Bounds are
// left out.
//
// The SVG's elements have these classes, for the style sheet: "map" (the
// svg element), "sea", "land" (every country, with the style's class when
// styled), "shape" (a group per shape, with its class; "line" on its
// lines), "point" (with its class) and "name" (country names).
func (m *Map) SVG() (template.HTML, error) {
	a := loadAtlas()
	width := m.Width
	if width <= 0 {
		width = defaultWidth
	}
	if width > maxWidth {
		return "", fmt.Errorf("couldn't draw the map: width %d is more than %d", width, maxWidth)
	}

	// Check everything before drawing anything.
	styles := make(map[string]CountryStyle, len(m.Countries))
	var content Bounds
	for i, s := range m.Countries {
		o, ok := a.byISO3[s.ISO3]
		if !ok {
			return "", fmt.Errorf("couldn't draw country %d: %q is not a bundled country", i, s.ISO3)
		}
		if _, dup := styles[s.ISO3]; dup {
			return "", fmt.Errorf("couldn't draw country %d: %s is styled twice", i, s.ISO3)
		}
		if err := checkHref(s.Href); err != nil {
			return "", fmt.Errorf("couldn't draw country %d (%s): %w", i, s.ISO3, err)
		}
		if s.Class == "" {
			s.Class = "highlight"
		}
		styles[s.ISO3] = s
		if s.Class != "muted" {
			content = content.Union(o.Bounds)
		}
	}
	for i, p := range m.Points {
		if msg := validPosition(p.Lon, p.Lat); msg != "" {
			return "", fmt.Errorf("couldn't draw point %d (%q): %s", i, p.Label, msg)
		}
		if err := checkHref(p.Href); err != nil {
			return "", fmt.Errorf("couldn't draw point %d (%q): %w", i, p.Label, err)
		}
		content = content.extend(Position{p.Lon, p.Lat})
	}
	shapes := make([]Geometry, len(m.Shapes))
	for i, s := range m.Shapes {
		g, err := ParseGeoJSON(s.GeoJSON)
		if err != nil {
			return "", fmt.Errorf("couldn't draw shape %d (%q): %w", i, s.Label, err)
		}
		if err := checkHref(s.Href); err != nil {
			return "", fmt.Errorf("couldn't draw shape %d (%q): %w", i, s.Label, err)
		}
		shapes[i] = g
		content = content.Union(g.Bounds())
	}
	view := m.Bounds
	if view.IsZero() {
		view = fit(content)
	} else if view.West >= view.East || view.South >= view.North || validPosition(view.West, view.South) != "" || validPosition(view.East, view.North) != "" {
		return "", fmt.Errorf("couldn't draw the map: bounds %+v are not a rectangle of valid longitudes and latitudes", view)
	}

	d := drawing{proj: newProjection(view, width), names: m.Names}
	if d.names == nil {
		d.names = func(_, name string) string { return name }
	}
	d.clip = box{-clipBand, -clipBand, float64(width + clipBand), float64(d.proj.height + clipBand)}
	west, north := d.proj.position(d.clip.x0, d.clip.y0)
	east, south := d.proj.position(d.clip.x1, d.clip.y1)
	d.cull = Bounds{West: west, South: south, East: east, North: north}
	b := &d.b
	b.Grow(64 << 10)
	id := mapID(m.Title, m.Desc)
	fmt.Fprintf(b, `<svg class="map" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-t %s-d" xmlns="http://www.w3.org/2000/svg">`, width, d.proj.height, id, id)
	fmt.Fprintf(b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, html.EscapeString(m.Title), id, html.EscapeString(m.Desc))
	fmt.Fprintf(b, `<rect class="sea" width="%d" height="%d"/>`, width, d.proj.height)

	// Plain land first, then the styled countries, so their borders are on
	// top. Every country has its name as a tooltip.
	b.WriteString(`<g class="countries">`)
	for _, poly := range a.land {
		if d.path("land", []polygon{poly}, "") {
			b.WriteString(`/>`)
		}
	}
	for _, o := range a.countries {
		if _, styled := styles[o.ISO3]; !styled {
			d.country(o, CountryStyle{})
		}
	}
	for _, s := range m.Countries {
		d.country(a.byISO3[s.ISO3], styles[s.ISO3])
	}
	b.WriteString(`</g>`)

	if len(shapes) > 0 {
		b.WriteString(`<g class="shapes">`)
		for i, g := range shapes {
			d.shape(g, m.Shapes[i])
		}
		b.WriteString(`</g>`)
	}
	if !m.HideNames {
		d.writeNames(m.Countries, a)
	}
	if len(m.Points) > 0 {
		b.WriteString(`<g class="points">`)
		for _, p := range m.Points {
			d.point(p)
		}
		b.WriteString(`</g>`)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()), nil
}

// textWidth estimates the width of a text in ems of the sans-serif font
// the maps use: about 0.58 em a Latin letter, one em a Han character, and
// nothing for the marks (Thai vowels and tones above and below the line,
// Vietnamese accents written apart) that sit on another letter.
func textWidth(s string) float64 {
	narrow, wide := 0, 0
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hangul, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r):
			wide++
		default:
			narrow++
		}
	}
	return 0.58*float64(narrow) + float64(wide)
}

// mapID names the map's title and description for aria-labelledby. Two maps
// on a page with the same title and description get the same id, which is
// harmless: they say the same.
func mapID(title, desc string) string {
	h := fnv.New32a()
	h.Write([]byte(title))
	h.Write([]byte{0})
	h.Write([]byte(desc))
	return fmt.Sprintf("map-%08x", h.Sum32())
}

// checkHref refuses links that could run script or leave the web:
// only http, https and relative URLs are drawn.
func checkHref(href string) error {
	if href == "" {
		return nil
	}
	u, err := url.Parse(href)
	if err != nil {
		return fmt.Errorf("link %q is not a URL: %w", href, err)
	}
	switch strings.ToLower(u.Scheme) {
	case "", "http", "https":
		return nil
	}
	return fmt.Errorf("link %q has scheme %q; only http, https and relative links are drawn", href, u.Scheme)
}

// drawing is the state of one SVG being written.
type drawing struct {
	b      strings.Builder
	proj   projection
	cull   Bounds // what is drawn: the view and a band around it
	placed []box  // where country names are written
	clip   box    // what is drawn, in viewBox units
	buf    []byte // scratch for elements
	data   []byte // scratch for path data
	rings  ringPath
	names  func(iso3, name string) string
}

func (d *drawing) country(o *outline, s CountryStyle) {
	if !o.Bounds.intersects(d.cull) {
		return
	}
	class := "land"
	if s.Class != "" {
		class += " " + s.Class
	}
	tip := s.Label
	if tip == "" {
		tip = d.names(o.ISO3, o.Name)
	}
	if s.Href != "" {
		fmt.Fprintf(&d.b, `<a href="%s">`, html.EscapeString(s.Href))
	}
	if d.path(class, o.polygons, o.ISO3) {
		fmt.Fprintf(&d.b, `><title>%s</title></path>`, html.EscapeString(tip))
	}
	if s.Href != "" {
		d.b.WriteString(`</a>`)
	}
}

// path opens a path element with the visible rings of the polygons, and
// reports whether it did; the caller closes it. Rings smaller than a pixel
// are left out.
func (d *drawing) path(class string, polys []polygon, iso3 string) bool {
	data := d.data[:0]
	for _, p := range polys {
		if !p.bounds.intersects(d.cull) {
			continue
		}
		x0, y1 := d.proj.point(p.bounds.West, p.bounds.South)
		x1, y0 := d.proj.point(p.bounds.East, p.bounds.North)
		clip := x0 < d.clip.x0 || y0 < d.clip.y0 || x1 > d.clip.x1 || y1 > d.clip.y1
		for _, r := range p.rings {
			data = d.rings.ring(data, r, &d.proj, clip, d.clip)
		}
	}
	d.data = data
	if len(data) == 0 {
		return false
	}
	d.b.WriteString(`<path class="`)
	d.b.WriteString(html.EscapeString(class))
	d.b.WriteString(`"`)
	if iso3 != "" {
		d.b.WriteString(` data-iso3="`)
		d.b.WriteString(iso3) // three letters from the embedded data
		d.b.WriteString(`"`)
	}
	d.b.WriteString(` d="`)
	d.b.Write(data)
	d.b.WriteString(`"`)
	return true
}

func (d *drawing) shape(g Geometry, s Shape) {
	if !g.Bounds().intersects(d.cull) {
		return
	}
	class := s.Class
	if class == "" {
		class = "s3"
	}
	if s.Href != "" {
		fmt.Fprintf(&d.b, `<a href="%s">`, html.EscapeString(s.Href))
	}
	fmt.Fprintf(&d.b, `<g class="shape %s">`, html.EscapeString(class))
	if s.Label != "" {
		fmt.Fprintf(&d.b, `<title>%s</title>`, html.EscapeString(s.Label))
	}
	if len(g.Polygons) > 0 {
		var data []byte
		for _, p := range g.Polygons {
			for _, r := range p {
				data = d.line(data, r, true)
			}
		}
		fmt.Fprintf(&d.b, `<path d="%s"/>`, data)
	}
	if len(g.Lines) > 0 {
		var data []byte
		for _, l := range g.Lines {
			data = d.line(data, l, false)
		}
		fmt.Fprintf(&d.b, `<path class="line" d="%s"/>`, data)
	}
	for _, p := range g.Points {
		x, y := d.proj.point(p.Lon, p.Lat)
		d.buf = append(d.buf[:0], `<circle cx="`...)
		d.buf = appendTenths(d.buf, x)
		d.buf = append(d.buf, `" cy="`...)
		d.buf = appendTenths(d.buf, y)
		d.buf = append(d.buf, `" r="`...)
		d.buf = strconv.AppendInt(d.buf, shapeRadius, 10)
		d.buf = append(d.buf, `"/>`...)
		d.b.Write(d.buf)
	}
	d.b.WriteString(`</g>`)
	if s.Href != "" {
		d.b.WriteString(`</a>`)
	}
}

// line appends a shape's ring or line as path data, every position kept:
// shapes are few and their detail is the point. At least a dot shows for a
// shape smaller than a unit.
func (d *drawing) line(data []byte, r []Position, closed bool) []byte {
	for i, p := range r {
		if closed && i == len(r)-1 {
			break
		}
		x, y := d.proj.point(p.Lon, p.Lat)
		if i == 0 {
			data = append(data, 'M')
		} else {
			data = append(data, ' ')
		}
		data = appendTenths(data, x)
		data = append(data, ',')
		data = appendTenths(data, y)
	}
	if closed {
		data = append(data, 'Z')
	}
	return data
}

func (d *drawing) point(p Point) {
	if !d.cull.Contains(p.Lon, p.Lat) {
		return
	}
	class := p.Class
	if class == "" {
		class = "s2"
	}
	r := p.Size
	if r <= 0 || math.IsNaN(r) || math.IsInf(r, 0) {
		r = pointRadius
	}
	x, y := d.proj.point(p.Lon, p.Lat)
	d.buf = d.buf[:0]
	if p.Href != "" {
		d.buf = append(d.buf, `<a href="`...)
		d.buf = append(d.buf, html.EscapeString(p.Href)...)
		d.buf = append(d.buf, `">`...)
	}
	d.buf = append(d.buf, `<circle class="point `...)
	d.buf = append(d.buf, html.EscapeString(class)...)
	d.buf = append(d.buf, `" cx="`...)
	d.buf = appendTenths(d.buf, x)
	d.buf = append(d.buf, `" cy="`...)
	d.buf = appendTenths(d.buf, y)
	d.buf = append(d.buf, `" r="`...)
	d.buf = appendTenths(d.buf, r)
	d.buf = append(d.buf, '"')
	if p.Label != "" {
		d.buf = append(d.buf, `><title>`...)
		d.buf = append(d.buf, html.EscapeString(p.Label)...)
		d.buf = append(d.buf, `</title></circle>`...)
	} else {
		d.buf = append(d.buf, `/>`...)
	}
	if p.Href != "" {
		d.buf = append(d.buf, `</a>`...)
	}
	d.b.Write(d.buf)
}

// writeNames writes the names of the styled countries (other than muted
// ones) where they fit: inside the view, not wider than the country's part
// that holds the label point, and not over a name already written.
func (d *drawing) writeNames(styles []CountryStyle, a *atlas) {
	opened := false
	for _, s := range styles {
		o := a.byISO3[s.ISO3]
		if s.Class == "muted" || !d.proj.view.Contains(o.Label.Lon, o.Label.Lat) {
			continue
		}
		x, y := d.proj.point(o.Label.Lon, o.Label.Lat)
		name := d.names(o.ISO3, o.Name)
		w := nameSize * textWidth(name)
		px0, py1 := d.proj.point(o.labelBounds.West, o.labelBounds.South)
		px1, py0 := d.proj.point(o.labelBounds.East, o.labelBounds.North)
		if w > 1.1*(px1-px0) || nameSize > py1-py0 {
			continue
		}
		r := box{x - w/2, y - nameSize, x + w/2, y + nameSize/2}
		if r.x0 < 0 || r.y0 < 0 || r.x1 > float64(d.proj.width) || r.y1 > float64(d.proj.height) || d.overlaps(r) {
			continue
		}
		d.placed = append(d.placed, r)
		if !opened {
			d.b.WriteString(`<g class="names" aria-hidden="true">`)
			opened = true
		}
		d.buf = append(d.buf[:0], `<text class="name" x="`...)
		d.buf = appendTenths(d.buf, x)
		d.buf = append(d.buf, `" y="`...)
		d.buf = appendTenths(d.buf, y+nameSize/3)
		d.buf = append(d.buf, `" text-anchor="middle">`...)
		d.buf = append(d.buf, html.EscapeString(name)...)
		d.buf = append(d.buf, `</text>`...)
		d.b.Write(d.buf)
	}
	if opened {
		d.b.WriteString(`</g>`)
	}
}

func (d *drawing) overlaps(r box) bool {
	for _, q := range d.placed {
		if r.x0 < q.x1 && q.x0 < r.x1 && r.y0 < q.y1 && q.y0 < r.y1 {
			return true
		}
	}
	return false
}
