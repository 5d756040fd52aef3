package geomap

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// ErrInvalidGeoJSON is wrapped by every error ParseGeoJSON returns.
var ErrInvalidGeoJSON = errors.New("invalid GeoJSON")

// Geometry is a parsed GeoJSON object (RFC 7946), flattened into its parts:
// what a map draws and a validator checks.
type Geometry struct {
	Points   []Position
	Lines    [][]Position   // each with at least two positions
	Polygons [][][]Position // each an exterior ring, then holes; each ring closed, with at least four positions
}

// Bounds returns the bounds of all the geometry's positions, or the zero
// Bounds if it has none.
func (g Geometry) Bounds() Bounds {
	var b Bounds
	for _, p := range g.Points {
		b = b.extend(p)
	}
	for _, l := range g.Lines {
		for _, p := range l {
			b = b.extend(p)
		}
	}
	for _, poly := range g.Polygons {
		for _, p := range poly[0] {
			b = b.extend(p)
		}
	}
	return b
}

// ParseGeoJSON reads a GeoJSON geometry (Point, MultiPoint, LineString,
// MultiLineString, Polygon, MultiPolygon, or a GeometryCollection of them),
// a Feature with such a geometry, or a FeatureCollection of Features. It is
// strict, because what it accepts ends up in signed records: member names
// are case-sensitive; every position has two or three finite numbers, with
// longitude in [-180, 180] and latitude in [-90, 90]; a LineString has at
// least two positions; a polygon ring is closed and has at least four; no
// geometry is empty; a Feature's geometry is not null; and
// GeometryCollections do not nest. Other members (properties, bbox, id,
// foreign members) are ignored.
//
// Errors wrap ErrInvalidGeoJSON and say where the problem is, as a path
// from the root: "invalid GeoJSON at features[2].geometry.coordinates[0]:
// ring is not closed".
func ParseGeoJSON(data []byte) (Geometry, error) {
	var g Geometry
	if err := g.object(data, "", topLevel); err != nil {
		return Geometry{}, err
	}
	return g, nil
}

// What an object may be, where it is.
const (
	geometryOnly         = iota // inside a GeometryCollection
	geometryOrCollection        // a Feature's geometry
	featureOnly                 // a FeatureCollection's member
	topLevel                    // anything
)

func invalid(path, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if path == "" {
		return fmt.Errorf("%w: %s", ErrInvalidGeoJSON, msg)
	}
	return fmt.Errorf("%w at %s: %s", ErrInvalidGeoJSON, path, msg)
}

func member(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

func (g *Geometry) object(data []byte, path string, allowed int) error {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(data, &obj); err != nil || obj == nil {
		return invalid(path, "want a JSON object")
	}
	rawType, ok := obj["type"]
	if !ok {
		return invalid(path, `no "type" member`)
	}
	var typ string
	if err := json.Unmarshal(rawType, &typ); err != nil {
		return invalid(member(path, "type"), "want a string")
	}
	switch typ {
	case "Feature":
		if allowed != topLevel && allowed != featureOnly {
			return invalid(path, "a Feature cannot stand here, only a geometry")
		}
		raw, ok := obj["geometry"]
		if !ok || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
			return invalid(member(path, "geometry"), "the feature has no geometry")
		}
		return g.object(raw, member(path, "geometry"), geometryOrCollection)
	case "FeatureCollection":
		if allowed != topLevel {
			return invalid(path, "a FeatureCollection cannot stand here")
		}
		items, err := array(obj, "features", path)
		if err != nil {
			return err
		}
		for i, raw := range items {
			if err := g.object(raw, index(member(path, "features"), i), featureOnly); err != nil {
				return err
			}
		}
		return nil
	case "GeometryCollection":
		switch allowed {
		case geometryOnly:
			return invalid(path, "GeometryCollections cannot nest")
		case featureOnly:
			return invalid(path, "want a Feature, not a GeometryCollection")
		}
		items, err := array(obj, "geometries", path)
		if err != nil {
			return err
		}
		for i, raw := range items {
			if err := g.object(raw, index(member(path, "geometries"), i), geometryOnly); err != nil {
				return err
			}
		}
		return nil
	}
	switch typ {
	case "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon":
	default:
		return invalid(member(path, "type"), "unknown type %q", typ)
	}
	if allowed == featureOnly {
		return invalid(path, "want a Feature, not a %s", typ)
	}
	raw, ok := obj["coordinates"]
	if !ok {
		return invalid(path, `no "coordinates" member`)
	}
	path = member(path, "coordinates")
	switch typ {
	case "Point":
		p, err := position(raw, path)
		if err != nil {
			return err
		}
		g.Points = append(g.Points, p)
	case "MultiPoint":
		ps, err := positions(raw, path, 1, "points")
		if err != nil {
			return err
		}
		g.Points = append(g.Points, ps...)
	case "LineString":
		l, err := positions(raw, path, 2, "positions")
		if err != nil {
			return err
		}
		g.Lines = append(g.Lines, l)
	case "MultiLineString":
		items, err := elements(raw, path, "lines")
		if err != nil {
			return err
		}
		for i, item := range items {
			l, err := positions(item, index(path, i), 2, "positions")
			if err != nil {
				return err
			}
			g.Lines = append(g.Lines, l)
		}
	case "Polygon":
		p, err := polygonRings(raw, path)
		if err != nil {
			return err
		}
		g.Polygons = append(g.Polygons, p)
	case "MultiPolygon":
		items, err := elements(raw, path, "polygons")
		if err != nil {
			return err
		}
		for i, item := range items {
			p, err := polygonRings(item, index(path, i))
			if err != nil {
				return err
			}
			g.Polygons = append(g.Polygons, p)
		}
	}
	return nil
}

// array returns the elements of a required, non-empty array member.
func array(obj map[string]json.RawMessage, name, path string) ([]json.RawMessage, error) {
	raw, ok := obj[name]
	if !ok {
		return nil, invalid(path, "no %q member", name)
	}
	return elements(raw, member(path, name), name)
}

// elements returns the elements of a non-empty JSON array.
func elements(raw json.RawMessage, path, what string) ([]json.RawMessage, error) {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil || items == nil {
		return nil, invalid(path, "want an array")
	}
	if len(items) == 0 {
		return nil, invalid(path, "has no %s", what)
	}
	return items, nil
}

func position(raw json.RawMessage, path string) (Position, error) {
	var nums []float64
	if err := json.Unmarshal(raw, &nums); err != nil || nums == nil {
		return Position{}, invalid(path, "want a position, an array of numbers")
	}
	if len(nums) != 2 && len(nums) != 3 {
		return Position{}, invalid(path, "position has %d numbers, want 2 (longitude, latitude) or 3 (and altitude)", len(nums))
	}
	if msg := validPosition(nums[0], nums[1]); msg != "" {
		return Position{}, invalid(path, "%s", msg)
	}
	return Position{nums[0], nums[1]}, nil
}

func positions(raw json.RawMessage, path string, least int, what string) ([]Position, error) {
	items, err := elements(raw, path, what)
	if err != nil {
		return nil, err
	}
	if len(items) < least {
		return nil, invalid(path, "has %d %s, want at least %d", len(items), what, least)
	}
	out := make([]Position, len(items))
	for i, item := range items {
		if out[i], err = position(item, index(path, i)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func polygonRings(raw json.RawMessage, path string) ([][]Position, error) {
	items, err := elements(raw, path, "rings")
	if err != nil {
		return nil, err
	}
	rings := make([][]Position, len(items))
	for i, item := range items {
		p := index(path, i)
		r, err := positions(item, p, 4, "positions")
		if err != nil {
			return nil, err
		}
		if r[0] != r[len(r)-1] {
			return nil, invalid(p, "ring is not closed: its last position differs from its first")
		}
		rings[i] = r
	}
	return rings, nil
}
