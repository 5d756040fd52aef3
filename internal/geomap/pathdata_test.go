package geomap

import (
	"math"
	"strconv"
	"strings"
	"testing"
)

// parsePath reads back path data as ring writes it: "Mx,y l dx,dy dx,dy z",
// with numbers separated by a comma, a space, or the minus sign of the next.
func parsePath(t *testing.T, d string) [][]xy {
	t.Helper()
	var rings [][]xy
	for _, sub := range strings.Split(d, "z") {
		if sub == "" {
			continue
		}
		abs, rel, ok := strings.Cut(sub, "l")
		if !ok || abs[0] != 'M' {
			t.Fatalf("unexpected subpath %q", sub)
		}
		nums := numbers(t, abs[1:])
		nums = append(nums, numbers(t, rel)...)
		if len(nums)%2 != 0 {
			t.Fatalf("odd count of numbers in %q", sub)
		}
		r := []xy{{nums[0], nums[1]}}
		for i := 2; i < len(nums); i += 2 {
			last := r[len(r)-1]
			r = append(r, xy{last.x + nums[i], last.y + nums[i+1]})
		}
		rings = append(rings, r)
	}
	return rings
}

func numbers(t *testing.T, s string) []float64 {
	t.Helper()
	s = strings.NewReplacer(",", " ", "-", " -").Replace(s)
	var out []float64
	for _, f := range strings.Fields(s) {
		v, err := strconv.ParseFloat(f, 64)
		if err != nil {
			t.Fatalf("bad number %q in path data", f)
		}
		out = append(out, v)
	}
	return out
}

func TestRingPath(t *testing.T) {
	p := newProjection(Bounds{100, 0, 110, 10}, 800)
	var rp ringPath
	clip := box{-clipBand, -clipBand, 800 + clipBand, float64(p.height + clipBand)}

	// A detailed ring inside the view: a circle of 200 positions comes back
	// with fewer positions, none of them off the circle by more than the
	// tolerance and the rounding.
	var circle []Position
	for i := range 200 {
		a := 2 * math.Pi * float64(i) / 200
		circle = append(circle, Position{105 + 3*math.Cos(a), 5 + 3*math.Sin(a)})
	}
	circle = append(circle, circle[0])
	d := string(rp.ring(nil, circle, &p, false, clip))
	rings := parsePath(t, d)
	if len(rings) != 1 || len(rings[0]) < 20 || len(rings[0]) >= 200 {
		t.Fatalf("the circle came back with %d rings of %d positions: %s", len(rings), len(rings[0]), d)
	}
	cx, cy := p.point(105, 5)
	r0 := math.Hypot(rings[0][0].x-cx, rings[0][0].y-cy)
	for _, q := range rings[0] {
		if r := math.Hypot(q.x-cx, q.y-cy); math.Abs(r-r0) > r0*0.01+simplifyTolerance+0.1 {
			t.Errorf("position %v is %v from the centre, want about %v", q, r, r0)
		}
	}

	// A ring across the view's edge is clipped to the band around it.
	across := []Position{{95, 2}, {105, 2}, {105, 8}, {95, 8}, {95, 2}}
	rings = parsePath(t, string(rp.ring(nil, across, &p, true, clip)))
	if len(rings) != 1 {
		t.Fatalf("got %d rings", len(rings))
	}
	for _, q := range rings[0] {
		if q.x < clip.x0-0.1 || q.x > clip.x1+0.1 {
			t.Errorf("position %v is outside the clip box %+v", q, clip)
		}
	}

	// A ring outside the view, or smaller than the tolerance, is left out.
	for _, r := range [][]Position{
		{{120, 2}, {121, 2}, {121, 3}, {120, 2}},
		{{105, 5}, {105.0001, 5}, {105.0001, 5.0001}, {105, 5}},
	} {
		if got := rp.ring(nil, r, &p, true, clip); len(got) != 0 {
			t.Errorf("ring %v drew %q", r, got)
		}
	}
}

func TestAppendTenths(t *testing.T) {
	for v, want := range map[float64]string{0: "0", 1.04: "1", 1.06: "1.1", -0.04: "0", -0.5: "-0.5", -2.35: "-2.4", 799.96: "800", 12.5: "12.5"} {
		if got := string(appendTenths(nil, v)); got != want {
			t.Errorf("appendTenths(%v) = %q, want %q", v, got, want)
		}
	}
}
