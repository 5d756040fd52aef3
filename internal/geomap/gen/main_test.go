package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"testing"
)

const source = "node_modules/world-atlas/countries-50m.json"

// TestOutlinesUpToDate checks that the committed outlines.json is what this
// program writes from the pinned world-atlas package.
func TestOutlinesUpToDate(t *testing.T) {
	src, err := os.ReadFile(source)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skip("world-atlas is not installed, so the committed outlines.json cannot be checked: run npm ci in internal/geomap/gen")
	}
	if err != nil {
		t.Fatal(err)
	}
	want, err := generate(src)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../outlines.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("internal/geomap/outlines.json is out of date: run go generate in internal/geomap")
	}
}

// TestTopology decodes a small topology: two unit squares side by side
// that share their middle edge, quantized and delta-encoded, one of them
// using the shared arc reversed.
func TestTopology(t *testing.T) {
	// Arc 0: the shared edge, (1,0) up to (1,1). Arc 1: the left square's
	// other edges, from (1,1) round to (1,0). Arc 2: the right square's,
	// from (1,0) round to (1,1). Quantized with scale 0.5, translate 100, 10.
	topo := `{"type":"Topology","transform":{"scale":[0.5,0.5],"translate":[100,10]},
		"arcs":[[[2,0],[0,2]],[[2,2],[-2,0],[0,-2],[2,0]],[[2,0],[2,0],[0,2],[-2,0]]],
		"objects":{"countries":{"type":"GeometryCollection","geometries":[
			{"type":"Polygon","id":"1","arcs":[[0,1]]},
			{"type":"MultiPolygon","id":"2","arcs":[[[2,-1]]]}]}}}`
	var tp topology
	if err := json.Unmarshal([]byte(topo), &tp); err != nil {
		t.Fatal(err)
	}
	arcs, err := decodeArcs(&tp)
	if err != nil {
		t.Fatal(err)
	}
	if want := (ring{{101, 10}, {101, 11}}); !equal(arcs[0], want) {
		t.Errorf("arc 0 = %v, want %v", arcs[0], want)
	}
	geoms := tp.Objects["countries"].Geometries
	left, err := geometryArcs(geoms[0])
	if err != nil {
		t.Fatal(err)
	}
	right, err := geometryArcs(geoms[1])
	if err != nil {
		t.Fatal(err)
	}
	l := assemble(left, arcs)
	r := assemble(right, arcs)
	if want := (ring{{101, 10}, {101, 11}, {100, 11}, {100, 10}, {101, 10}}); !equal(l[0][0], want) {
		t.Errorf("left square = %v, want %v", l[0][0], want)
	}
	if want := (ring{{101, 10}, {102, 10}, {102, 11}, {101, 11}, {101, 10}}); !equal(r[0][0], want) {
		t.Errorf("right square = %v, want %v", r[0][0], want)
	}
	if a := area(l[0][0]); a != -1 && a != 1 {
		t.Errorf("area of the left square = %v", a)
	}
}

func TestSimplify(t *testing.T) {
	// A nearly straight line loses its middle; a corner stays.
	line := ring{{0, 0}, {1, 0.001}, {2, 0}, {2, 1}}
	if got, want := simplify(line, 0.01), (ring{{0, 0}, {2, 0}, {2, 1}}); !equal(got, want) {
		t.Errorf("simplify = %v, want %v", got, want)
	}
	// A small closed island keeps at least a triangle.
	island := ring{{0, 0}, {0.001, 0}, {0.001, 0.001}, {0, 0.001}, {0, 0}}
	if got := simplify(island, 0.01); len(got) < 3 {
		t.Errorf("simplify(island) = %v", got)
	}
}

func TestClip(t *testing.T) {
	square := ring{{50, 0}, {70, 0}, {70, 10}, {50, 10}, {50, 0}}
	got := clipRing(square, frame)
	if want := (ring{{60, 0}, {70, 0}, {70, 10}, {60, 10}, {60, 0}}); len(got) != 5 || area(got) != area(want) {
		t.Errorf("clipRing = %v, want the part east of 60°E, %v", got, want)
	}
	if got := clipRing(ring{{0, 0}, {1, 0}, {1, 1}, {0, 0}}, frame); got != nil {
		t.Errorf("clipRing of a ring outside the frame = %v", got)
	}
}

func equal(a, b ring) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
