package projects

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/kongsi/kongsi/internal/geomap"
	"github.com/kongsi/kongsi/internal/problem"
)

// Where a project may be. geomap's outlines are simplified (about 0.01°,
// 1 km), so a position is checked with two tolerances:
//
//   - inside another country's outline, it is accepted only within
//     BorderTolerance of the host's outline: border crossings, and the
//     outlines' error along land borders;
//   - at sea (in no country's outline), it is accepted within
//     CoastTolerance of the host's outline: ports, causeways, offshore works,
//     and islets the simplification leaves out.
//
// A clearly foreign position (a Malaysian city for an Indonesian project) is
// refused.
const (
	BorderTolerance = 0.02 // degrees of latitude, about 2 km
	CoastTolerance  = 0.1  // degrees of latitude, about 11 km
)

// MaxPositions bounds the positions of one location.
const MaxPositions = 2000

// geometryTypes are the GeoJSON geometries a location may be (those OC4IDS
// takes).
var geometryTypes = []string{"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"}

// Positions returns every position of a location: its point, or every
// position of its geometry (polygons' outer rings and holes alike). It
// refuses a malformed location, naming field.
func (l *Location) Positions(field string) ([]geomap.Position, error) {
	switch {
	case l.Point != nil && l.Geometry != nil:
		return nil, problem.Invalid(field, "location.form", "a location is a point or a geometry, not both")
	case l.Point != nil:
		if len(l.Point) != 2 {
			return nil, problem.Invalid(field+".point", "location.form", "a point is [longitude, latitude]")
		}
		return []geomap.Position{{Lon: l.Point[0], Lat: l.Point[1]}}, nil
	case l.Geometry != nil:
		var head struct {
			Type string `json:"type"`
		}
		json.Unmarshal(l.Geometry, &head)
		if !slices.Contains(geometryTypes, head.Type) {
			return nil, problem.Invalid(field+".geometry.type", "location.geometry", "a location's geometry is a GeoJSON %s, not %q", strings.Join(geometryTypes, ", "), head.Type)
		}
		g, err := geomap.ParseGeoJSON(l.Geometry)
		if err != nil {
			return nil, problem.Invalid(field+".geometry", "location.geojson", "%v", err)
		}
		var ps []geomap.Position
		ps = append(ps, g.Points...)
		for _, line := range g.Lines {
			ps = append(ps, line...)
		}
		for _, poly := range g.Polygons {
			for _, ring := range poly {
				ps = append(ps, ring...)
			}
		}
		if len(ps) > MaxPositions {
			return nil, problem.Invalid(field+".geometry", "location.size", "the geometry has %d positions; the register takes at most %d (simplify it)", len(ps), MaxPositions)
		}
		return ps, nil
	}
	return nil, problem.Invalid(field, "location.form", "a location needs a point or a geometry")
}

// CheckLocation refuses a location that is malformed or has a position
// outside the host state (see BorderTolerance and CoastTolerance).
func CheckLocation(host string, l *Location, field string) error {
	ps, err := l.Positions(field)
	if err != nil {
		return err
	}
	for i, p := range ps {
		if ok, where := InHost(host, p.Lon, p.Lat); !ok {
			what := "the point"
			if l.Geometry != nil {
				what = fmt.Sprintf("position %d of the geometry", i+1)
			}
			return problem.Invalid(field, "location.host", "%s (longitude %v, latitude %v) is not in %s: it lies %s", what, p.Lon, p.Lat, countryName(host), where)
		}
	}
	return nil
}

// InHost reports whether a position is in the host state, allowing for the
// outlines' simplification; if not, where says where it is instead. A host
// without a bundled outline cannot be checked, and every position passes.
func InHost(host string, lon, lat float64) (ok bool, where string) {
	iso := strings.ToUpper(host)
	if _, bundled := geomap.Lookup(iso); !bundled {
		return true, ""
	}
	if geomap.Contains(iso, lon, lat) {
		return true, ""
	}
	for _, c := range geomap.Countries() {
		if c.ISO3 != iso && geomap.Contains(c.ISO3, lon, lat) {
			if near(iso, lon, lat, BorderTolerance) {
				return true, ""
			}
			return false, fmt.Sprintf("in %s, more than about 2 km from the border", c.Name)
		}
	}
	if near(iso, lon, lat, CoastTolerance) {
		return true, ""
	}
	return false, "at sea or beyond the mapped region, more than about 11 km from its coast"
}

// near reports whether the country's outline comes within r degrees of the
// position: the position itself, or one of the points on two circles
// around it (r/2 and r, 16 points each, corrected for the convergence of
// meridians).
func near(iso string, lon, lat, r float64) bool {
	if geomap.Contains(iso, lon, lat) {
		return true
	}
	k := 1 / math.Max(math.Cos(lat*math.Pi/180), 0.1)
	for _, rr := range []float64{r / 2, r} {
		for i := range 16 {
			a := float64(i) * math.Pi / 8
			if geomap.Contains(iso, lon+rr*k*math.Cos(a), lat+rr*math.Sin(a)) {
				return true
			}
		}
	}
	return false
}

// countryName names a state by its code, from the bundled outlines.
func countryName(code string) string {
	if c, ok := geomap.Lookup(strings.ToUpper(code)); ok {
		return c.Name
	}
	return strings.ToUpper(code)
}

// Representative is one position that stands for a location on a regional
// map: the point, or the middle position of a line, or the mean of a
// polygon's or several points' positions.
func (l *Location) Representative() (geomap.Position, bool) {
	if l == nil {
		return geomap.Position{}, false
	}
	if len(l.Point) == 2 {
		return geomap.Position{Lon: l.Point[0], Lat: l.Point[1]}, true
	}
	if l.Geometry == nil {
		return geomap.Position{}, false
	}
	g, err := geomap.ParseGeoJSON(l.Geometry)
	if err != nil {
		return geomap.Position{}, false
	}
	if len(g.Lines) > 0 && len(g.Points) == 0 && len(g.Polygons) == 0 {
		line := g.Lines[0]
		return line[len(line)/2], true
	}
	var ps []geomap.Position
	ps = append(ps, g.Points...)
	for _, line := range g.Lines {
		ps = append(ps, line...)
	}
	for _, poly := range g.Polygons {
		ps = append(ps, poly[0][:len(poly[0])-1]...)
	}
	if len(ps) == 0 {
		return geomap.Position{}, false
	}
	var lon, lat float64
	for _, p := range ps {
		lon += p.Lon
		lat += p.Lat
	}
	return geomap.Position{Lon: lon / float64(len(ps)), Lat: lat / float64(len(ps))}, true
}

// GeoJSON returns the location as a GeoJSON geometry.
func (l *Location) GeoJSON() json.RawMessage {
	if l.Geometry != nil {
		var b bytes.Buffer
		if json.Compact(&b, l.Geometry) == nil {
			return b.Bytes()
		}
		return l.Geometry
	}
	b, _ := json.Marshal(map[string]any{"type": "Point", "coordinates": l.Point})
	return b
}
