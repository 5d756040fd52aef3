// Command gen writes internal/geomap/outlines.json, the country outlines that
// package geomap embeds, from Natural Earth's 1:50m Admin 0 countries as the
// npm package world-atlas redistributes them (TopoJSON). Natural Earth is in
// the public domain (https://www.naturalearthdata.com/about/terms-of-use/).
//
// Run it from internal/geomap, after installing the pinned npm package:
//
//	(cd gen && npm ci)
//	go generate
//
// The program decodes the TopoJSON itself (quantized, delta-encoded arcs),
// keeps the countries of the China–ASEAN region and its neighbours, simplifies
// each shared arc once with Douglas–Peucker (so neighbours keep exactly the
// same border), rounds coordinates to 0.01°, drops islands too small to see,
// clips the outer neighbours (Russia, Central Asia) to the region's frame, and
// writes the result with delta-encoded integer coordinates. The output is
// deterministic: the same input gives the same bytes, which the test in this
// directory checks against the committed file.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
)

// Tuning. The tolerance is about a tenth of a pixel on a 1000-pixel-wide map
// of the whole region (about 90° of longitude), so coastlines look as Natural
// Earth draws them; the rounding is half of it.
const (
	tolerance     = 0.01   // Douglas–Peucker tolerance, degrees
	scale         = 100    // coordinates are stored in units of 1/scale degree
	minIslandArea = 0.0004 // square degrees (about 2 km × 2 km); smaller rings are dropped, unless a country has nothing larger
)

// frame is the part of the world the partial countries are clipped to:
// enough to fill any view of the region, from the Arabian Sea to the
// Pacific islands and from southern Australia to Siberia.
var frame = [4]float64{60, -50, 180, 62} // west, south, east, north

// country is one country to keep: its ISO 3166-1 codes (numeric as in
// world-atlas, alpha-3), its English name as the register writes it, and
// whether it is clipped to the frame.
type country struct {
	numeric, iso3, name string
	partial             bool
}

// countries lists what is kept. Names follow ASEAN's usage for its members
// and the usual short English names otherwise. The boundaries are Natural
// Earth's de facto ones and imply no position on any dispute.
var countries = []country{
	// ASEAN.
	{"096", "BRN", "Brunei Darussalam", false},
	{"116", "KHM", "Cambodia", false},
	{"360", "IDN", "Indonesia", false},
	{"418", "LAO", "Lao PDR", false},
	{"458", "MYS", "Malaysia", false},
	{"104", "MMR", "Myanmar", false},
	{"608", "PHL", "Philippines", false},
	{"702", "SGP", "Singapore", false},
	{"764", "THA", "Thailand", false},
	{"626", "TLS", "Timor-Leste", false},
	{"704", "VNM", "Viet Nam", false},
	// China, and the areas Natural Earth draws apart from it.
	{"156", "CHN", "China", false},
	{"344", "HKG", "Hong Kong", false},
	{"446", "MAC", "Macao", false},
	{"158", "TWN", "Taiwan", false},
	// South Asia.
	{"356", "IND", "India", false},
	{"050", "BGD", "Bangladesh", false},
	{"064", "BTN", "Bhutan", false},
	{"524", "NPL", "Nepal", false},
	{"144", "LKA", "Sri Lanka", false},
	{"586", "PAK", "Pakistan", false},
	{"462", "MDV", "Maldives", false},
	{"086", "IOT", "British Indian Ocean Territory", false},
	// North-east Asia.
	{"496", "MNG", "Mongolia", false},
	{"408", "PRK", "DPR Korea", false},
	{"410", "KOR", "Republic of Korea", false},
	{"392", "JPN", "Japan", false},
	// Oceania and the Pacific.
	{"598", "PNG", "Papua New Guinea", false},
	{"036", "AUS", "Australia", false},
	{"554", "NZL", "New Zealand", false},
	{"090", "SLB", "Solomon Islands", false},
	{"548", "VUT", "Vanuatu", false},
	{"540", "NCL", "New Caledonia", false},
	{"585", "PLW", "Palau", false},
	{"583", "FSM", "Micronesia", false},
	{"316", "GUM", "Guam", false},
	{"580", "MNP", "Northern Mariana Islands", false},
	// Neighbours that frame the view, clipped.
	{"643", "RUS", "Russia", true},
	{"398", "KAZ", "Kazakhstan", true},
	{"417", "KGZ", "Kyrgyzstan", true},
	{"762", "TJK", "Tajikistan", true},
	{"860", "UZB", "Uzbekistan", true},
	{"795", "TKM", "Turkmenistan", true},
	{"004", "AFG", "Afghanistan", true},
	{"364", "IRN", "Iran", true},
}

// byName attaches geometries world-atlas leaves without an id: Australia's
// Indian Ocean territories (Christmas and Cocos Islands) go with Australia.
var byName = map[string]string{"Indian Ocean Ter.": "036"}

// unattributed lists the id-less geometries drawn as land of no country, so
// the map has no hole there.
var unattributed = []string{"Siachen Glacier"}

func main() {
	in := flag.String("in", "gen/node_modules/world-atlas/countries-50m.json", "world-atlas TopoJSON file")
	out := flag.String("out", "outlines.json", "output file")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	src, err := os.ReadFile(in)
	if err != nil {
		return fmt.Errorf("couldn't read the world-atlas data (run npm ci in internal/geomap/gen): %w", err)
	}
	data, err := generate(src)
	if err != nil {
		return err
	}
	// Write to a temporary file and rename, so a failed run leaves the
	// committed file as it was.
	tmp := out + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return fmt.Errorf("couldn't write %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, out); err != nil {
		return fmt.Errorf("couldn't replace %s: %w", out, err)
	}
	return nil
}

// topology is the part of a TopoJSON document this program reads.
type topology struct {
	Type      string `json:"type"`
	Transform *struct {
		Scale     [2]float64 `json:"scale"`
		Translate [2]float64 `json:"translate"`
	} `json:"transform"`
	Arcs    [][][]float64 `json:"arcs"`
	Objects map[string]struct {
		Type       string     `json:"type"`
		Geometries []geometry `json:"geometries"`
	} `json:"objects"`
}

type geometry struct {
	Type       string          `json:"type"`
	ID         string          `json:"id"`
	Arcs       json.RawMessage `json:"arcs"`
	Properties struct {
		Name string `json:"name"`
	} `json:"properties"`
}

type pt [2]float64
type ring []pt
type polygon []ring // exterior first, then holes

// generate turns the world-atlas TopoJSON into the contents of outlines.json.
func generate(src []byte) ([]byte, error) {
	var topo topology
	if err := json.Unmarshal(src, &topo); err != nil {
		return nil, fmt.Errorf("couldn't parse the TopoJSON: %w", err)
	}
	if topo.Type != "Topology" {
		return nil, fmt.Errorf("the input is a %q, not a TopoJSON Topology", topo.Type)
	}
	obj, ok := topo.Objects["countries"]
	if !ok {
		return nil, fmt.Errorf("the topology has no countries object")
	}
	arcs, err := decodeArcs(&topo)
	if err != nil {
		return nil, err
	}

	// Group the geometries we keep.
	wanted := map[string]int{}
	for i, c := range countries {
		wanted[c.numeric] = i
	}
	parts := make([][]polygonArcs, len(countries))
	var other []polygonArcs
	for _, g := range obj.Geometries {
		id := g.ID
		if id == "" {
			id = byName[g.Properties.Name]
		}
		polys, err := geometryArcs(g)
		if err != nil {
			return nil, fmt.Errorf("couldn't read the arcs of %s (%s): %w", g.Properties.Name, g.ID, err)
		}
		if i, ok := wanted[id]; ok {
			parts[i] = append(parts[i], polys...)
		} else if slices.Contains(unattributed, g.Properties.Name) {
			other = append(other, polys...)
		}
	}
	for i, c := range countries {
		if len(parts[i]) == 0 {
			return nil, fmt.Errorf("world-atlas has no geometry with id %s (%s)", c.numeric, c.name)
		}
	}

	// Simplify each arc once, so shared borders stay shared.
	simple := make([]ring, len(arcs))
	for i, a := range arcs {
		simple[i] = roundRing(simplify(a, tolerance))
	}

	var out bytes.Buffer
	fmt.Fprintf(&out, "{\"about\":%q,\n", "Country outlines of the China–ASEAN region from Natural Earth's 1:50m Admin 0 countries (public domain; https://www.naturalearthdata.com), as redistributed by the npm package world-atlas 2.0.2 (Natural Earth 4.1.0). Boundaries are Natural Earth's de facto ones and imply no position on any dispute. Generated by internal/geomap/gen: do not edit.")
	fmt.Fprintf(&out, "\"scale\":%d,\"tolerance\":%s,\"frame\":[%s],\n", scale, num(tolerance), joinNums(frame[:]))
	out.WriteString("\"countries\":[\n")
	for i, c := range countries {
		polys := assemble(parts[i], simple)
		if c.partial {
			polys = clipAll(polys, frame)
		}
		polys = dropSmall(polys)
		if len(polys) == 0 {
			return nil, fmt.Errorf("nothing is left of %s after simplification", c.name)
		}
		label := labelPoint(polys)
		fmt.Fprintf(&out, "{\"iso3\":%q,\"numeric\":%q,\"name\":%q,\"partial\":%t,\"label\":[%s],\"polygons\":[\n",
			c.iso3, c.numeric, c.name, c.partial, joinNums([]float64{math.Round(label[0]*scale) / scale, math.Round(label[1]*scale) / scale}))
		writePolygons(&out, polys)
		out.WriteString("]}")
		if i < len(countries)-1 {
			out.WriteByte(',')
		}
		out.WriteByte('\n')
	}
	out.WriteString("],\n\"land\":[\n")
	writePolygons(&out, dropSmall(assemble(other, simple)))
	out.WriteString("]}\n")
	return out.Bytes(), nil
}

// decodeArcs undoes the quantization and delta encoding of the arcs.
func decodeArcs(topo *topology) ([]ring, error) {
	sx, sy, tx, ty := 1.0, 1.0, 0.0, 0.0
	quantized := topo.Transform != nil
	if quantized {
		sx, sy = topo.Transform.Scale[0], topo.Transform.Scale[1]
		tx, ty = topo.Transform.Translate[0], topo.Transform.Translate[1]
	}
	arcs := make([]ring, len(topo.Arcs))
	for i, a := range topo.Arcs {
		if len(a) < 2 {
			return nil, fmt.Errorf("arc %d has %d positions, want at least 2", i, len(a))
		}
		var x, y float64
		r := make(ring, len(a))
		for j, p := range a {
			if len(p) < 2 {
				return nil, fmt.Errorf("arc %d position %d has %d coordinates, want 2", i, j, len(p))
			}
			if quantized {
				x, y = x+p[0], y+p[1]
				r[j] = pt{x*sx + tx, y*sy + ty}
			} else {
				r[j] = pt{p[0], p[1]}
			}
		}
		arcs[i] = r
	}
	return arcs, nil
}

// polygonArcs is a polygon as TopoJSON gives it: rings of arc indexes, where
// ^i (that is, -i-1) means arc i reversed.
type polygonArcs [][]int

func geometryArcs(g geometry) ([]polygonArcs, error) {
	switch g.Type {
	case "Polygon":
		var p polygonArcs
		if err := json.Unmarshal(g.Arcs, &p); err != nil {
			return nil, err
		}
		return []polygonArcs{p}, nil
	case "MultiPolygon":
		var mp []polygonArcs
		if err := json.Unmarshal(g.Arcs, &mp); err != nil {
			return nil, err
		}
		return mp, nil
	}
	return nil, fmt.Errorf("unexpected geometry type %q", g.Type)
}

// assemble joins arcs into rings. Consecutive arcs share their joining
// position, which is kept once.
func assemble(polys []polygonArcs, arcs []ring) []polygon {
	var out []polygon
	for _, pa := range polys {
		var p polygon
		for _, ra := range pa {
			var r ring
			for _, i := range ra {
				a := arcs[max(i, ^i)]
				if i < 0 {
					a = slices.Clone(a)
					slices.Reverse(a)
				}
				if len(r) > 0 {
					a = a[1:]
				}
				r = append(r, a...)
			}
			p = append(p, dedupe(r))
		}
		out = append(out, p)
	}
	return out
}

// simplify applies Douglas–Peucker to a polyline, keeping its ends. A closed
// arc (an island drawn as one arc) is split at its farthest point first, so
// it keeps at least a triangle's worth of shape.
func simplify(a ring, tol float64) ring {
	if len(a) <= 2 {
		return slices.Clone(a)
	}
	keep := make([]bool, len(a))
	keep[0], keep[len(a)-1] = true, true
	if a[0] == a[len(a)-1] {
		far, best := 0, -1.0
		for i, p := range a {
			if d := dist(p, a[0]); d > best {
				far, best = i, d
			}
		}
		keep[far] = true
		dp(a, 0, far, tol, keep)
		dp(a, far, len(a)-1, tol, keep)
	} else {
		dp(a, 0, len(a)-1, tol, keep)
	}
	var out ring
	for i, p := range a {
		if keep[i] {
			out = append(out, p)
		}
	}
	return out
}

func dp(a ring, lo, hi int, tol float64, keep []bool) {
	if hi-lo < 2 {
		return
	}
	far, best := -1, tol
	for i := lo + 1; i < hi; i++ {
		if d := segDist(a[i], a[lo], a[hi]); d > best {
			far, best = i, d
		}
	}
	if far < 0 {
		return
	}
	keep[far] = true
	dp(a, lo, far, tol, keep)
	dp(a, far, hi, tol, keep)
}

func dist(p, q pt) float64 { return math.Hypot(p[0]-q[0], p[1]-q[1]) }

// segDist is the distance from p to the segment ab.
func segDist(p, a, b pt) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	l2 := dx*dx + dy*dy
	if l2 == 0 {
		return dist(p, a)
	}
	t := math.Max(0, math.Min(1, ((p[0]-a[0])*dx+(p[1]-a[1])*dy)/l2))
	return dist(p, pt{a[0] + t*dx, a[1] + t*dy})
}

func roundRing(r ring) ring {
	out := make(ring, len(r))
	for i, p := range r {
		out[i] = pt{math.Round(p[0]*scale) / scale, math.Round(p[1]*scale) / scale}
	}
	return dedupe(out)
}

// dedupe drops positions equal to the one before.
func dedupe(r ring) ring {
	out := r[:0:0]
	for i, p := range r {
		if i == 0 || p != r[i-1] {
			out = append(out, p)
		}
	}
	return out
}

// area is the signed area of a closed ring in square degrees.
func area(r ring) float64 {
	s := 0.0
	for i := 0; i+1 < len(r); i++ {
		s += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return s / 2
}

// dropSmall removes degenerate rings and, while a country keeps something
// larger, rings below minIslandArea: they would not show on any map this
// package draws, and they weigh on every page.
func dropSmall(polys []polygon) []polygon {
	largest := 0.0
	for _, p := range polys {
		if len(p[0]) >= 4 {
			largest = math.Max(largest, math.Abs(area(p[0])))
		}
	}
	var out []polygon
	for _, p := range polys {
		a := math.Abs(area(p[0]))
		if len(p[0]) < 4 || a == 0 || (a < minIslandArea && a < largest) {
			continue
		}
		q := polygon{p[0]}
		for _, h := range p[1:] {
			if len(h) >= 4 && math.Abs(area(h)) >= minIslandArea {
				q = append(q, h)
			}
		}
		out = append(out, q)
	}
	return out
}

// clipAll clips polygons to a rectangle (Sutherland–Hodgman, one edge at a
// time). A concave polygon may come out with zero-width bridges along the
// rectangle's edge; they do not show when filled.
func clipAll(polys []polygon, box [4]float64) []polygon {
	var out []polygon
	for _, p := range polys {
		var q polygon
		for j, r := range p {
			c := clipRing(r, box)
			if len(c) < 4 {
				if j == 0 {
					break
				}
				continue
			}
			q = append(q, c)
		}
		if len(q) > 0 {
			out = append(out, q)
		}
	}
	return out
}

func clipRing(r ring, box [4]float64) ring {
	// Work on the open ring; close it at the end.
	pts := slices.Clone(r[:len(r)-1])
	edges := []struct {
		inside func(pt) bool
		cross  func(a, b pt) pt
	}{
		{func(p pt) bool { return p[0] >= box[0] }, func(a, b pt) pt { return atX(a, b, box[0]) }},
		{func(p pt) bool { return p[0] <= box[2] }, func(a, b pt) pt { return atX(a, b, box[2]) }},
		{func(p pt) bool { return p[1] >= box[1] }, func(a, b pt) pt { return atY(a, b, box[1]) }},
		{func(p pt) bool { return p[1] <= box[3] }, func(a, b pt) pt { return atY(a, b, box[3]) }},
	}
	for _, e := range edges {
		var next []pt
		for i, cur := range pts {
			prev := pts[(i+len(pts)-1)%len(pts)]
			switch in, prevIn := e.inside(cur), e.inside(prev); {
			case in && prevIn:
				next = append(next, cur)
			case in:
				next = append(next, e.cross(prev, cur), cur)
			case prevIn:
				next = append(next, e.cross(prev, cur))
			}
		}
		pts = next
		if len(pts) == 0 {
			return nil
		}
	}
	out := roundRing(append(ring(pts), pts[0]))
	return out
}

func atX(a, b pt, x float64) pt {
	return pt{x, a[1] + (b[1]-a[1])*(x-a[0])/(b[0]-a[0])}
}

func atY(a, b pt, y float64) pt {
	return pt{a[0] + (b[0]-a[0])*(y-a[1])/(b[1]-a[1]), y}
}

// labelPoint finds a point well inside the country's largest polygon, far
// from its edges (an approximate pole of inaccessibility, found by refining
// a grid search), where a name can be written. Distances are measured with
// longitude scaled by the cosine of the latitude, as on a map.
func labelPoint(polys []polygon) pt {
	var big polygon
	best := -1.0
	for _, p := range polys {
		if a := math.Abs(area(p[0])); a > best {
			big, best = p, a
		}
	}
	w, s, e, n := bounds(big[0])
	k := math.Cos((s + n) / 2 * math.Pi / 180)
	score := func(p pt) float64 {
		if !inside(big, p) {
			return -1
		}
		d := math.Inf(1)
		for _, r := range big {
			for i := 0; i+1 < len(r); i++ {
				a := pt{r[i][0] * k, r[i][1]}
				b := pt{r[i+1][0] * k, r[i+1][1]}
				d = math.Min(d, segDist(pt{p[0] * k, p[1]}, a, b))
			}
		}
		return d
	}
	at, top := pt{(w + e) / 2, (s + n) / 2}, -1.0
	const steps = 24
	for range 4 {
		dx, dy := (e-w)/steps, (n-s)/steps
		for i := 0; i <= steps; i++ {
			for j := 0; j <= steps; j++ {
				p := pt{w + float64(i)*dx, s + float64(j)*dy}
				if d := score(p); d > top {
					at, top = p, d
				}
			}
		}
		w, e = at[0]-2*dx, at[0]+2*dx
		s, n = at[1]-2*dy, at[1]+2*dy
	}
	if top < 0 {
		// No grid point fell inside (a sliver): use a vertex.
		return big[0][0]
	}
	return at
}

func bounds(r ring) (w, s, e, n float64) {
	w, s, e, n = math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range r {
		w, e = math.Min(w, p[0]), math.Max(e, p[0])
		s, n = math.Min(s, p[1]), math.Max(n, p[1])
	}
	return
}

// inside is the even–odd rule over all rings of a polygon.
func inside(p polygon, q pt) bool {
	in := false
	for _, r := range p {
		for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
			a, b := r[i], r[j]
			if (a[1] > q[1]) != (b[1] > q[1]) && q[0] < (b[0]-a[0])*(q[1]-a[1])/(b[1]-a[1])+a[0] {
				in = !in
			}
		}
	}
	return in
}

// writePolygons writes one polygon a line; each ring is a flat array of
// integer coordinates in 1/scale degrees, the first position absolute and
// the others as differences from the one before. The closing position,
// equal to the first, is left out.
func writePolygons(w io.Writer, polys []polygon) {
	for i, p := range polys {
		var b []byte
		b = append(b, '[')
		for j, r := range p {
			if j > 0 {
				b = append(b, ',')
			}
			b = append(b, '[')
			var px, py int64
			for k, q := range r[:len(r)-1] {
				x, y := int64(math.Round(q[0]*scale)), int64(math.Round(q[1]*scale))
				if k > 0 {
					b = append(b, ',')
				}
				b = strconv.AppendInt(b, x-px, 10)
				b = append(b, ',')
				b = strconv.AppendInt(b, y-py, 10)
				px, py = x, y
			}
			b = append(b, ']')
		}
		b = append(b, ']')
		if i < len(polys)-1 {
			b = append(b, ',')
		}
		b = append(b, '\n')
		w.Write(b)
	}
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func joinNums(fs []float64) string {
	var b []byte
	for i, f := range fs {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendFloat(b, f, 'f', -1, 64)
	}
	return string(b)
}
