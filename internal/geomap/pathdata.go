package geomap

import (
	"math"
	"strconv"
)

// Rings become SVG path data in three steps: clip to the viewBox (with a
// band around it), simplify to the drawing's resolution, and write the
// positions relative to each other in tenths of a unit. A regional map
// comes out at a fraction of the size of the bundled outlines, with no
// visible difference.

// xy is a position in viewBox units.
type xy struct{ x, y float64 }

// box is a rectangle in viewBox units.
type box struct{ x0, y0, x1, y1 float64 }

// Drawing resolution, in viewBox units.
const (
	simplifyTolerance = 0.3 // Douglas–Peucker, less than a pixel at the default width
	clipBand          = 8   // drawn beyond the viewBox's edges, so no border shows there
)

// ringPath is the scratch space of ring drawing, reused from ring to ring.
type ringPath struct {
	pts, tmp []xy
	keep     []bool
	stack    [][2]int
}

// ring appends a closed ring as path data ("M x,y l dx,dy … z"), or nothing
// if less than a triangle of it is left after clipping and simplification.
// clip says whether the ring may cross the clip box.
func (rp *ringPath) ring(data []byte, r []Position, p *projection, clip bool, b box) []byte {
	rp.pts = rp.pts[:0]
	for _, q := range r[:len(r)-1] {
		x, y := p.point(q.Lon, q.Lat)
		rp.pts = append(rp.pts, xy{x, y})
	}
	if clip {
		rp.pts, rp.tmp = clipRing(rp.pts, rp.tmp, b)
	}
	if len(rp.pts) < 3 {
		return data
	}
	rp.simplifyClosed()
	n := 0
	for _, k := range rp.keep {
		if k {
			n++
		}
	}
	if n < 3 {
		return data
	}
	var px, py int64
	first := true
	for i, q := range rp.pts {
		if !rp.keep[i] {
			continue
		}
		tx, ty := int64(math.Round(q.x*10)), int64(math.Round(q.y*10))
		switch {
		case first:
			data = append(data, 'M')
			data = appendTenthsInt(data, tx)
			data = append(data, ',')
			data = appendTenthsInt(data, ty)
			data = append(data, 'l')
			first = false
		case tx == px && ty == py:
			continue
		default:
			if data[len(data)-1] != 'l' && tx-px >= 0 {
				data = append(data, ' ')
			}
			data = appendTenthsInt(data, tx-px)
			if ty-py >= 0 {
				data = append(data, ',')
			}
			data = appendTenthsInt(data, ty-py)
		}
		px, py = tx, ty
	}
	return append(data, 'z')
}

// simplifyClosed marks in rp.keep the points of the closed ring rp.pts that
// Douglas–Peucker keeps: the ring is split at the point farthest from its
// first, and each half simplified.
func (rp *ringPath) simplifyClosed() {
	n := len(rp.pts)
	rp.keep = append(rp.keep[:0], make([]bool, n)...)
	far, best := 0, -1.0
	for i, q := range rp.pts {
		if d := math.Hypot(q.x-rp.pts[0].x, q.y-rp.pts[0].y); d > best {
			far, best = i, d
		}
	}
	rp.keep[0], rp.keep[far] = true, true
	// Indexes run to n, which stands for the first point again.
	at := func(i int) xy { return rp.pts[i%n] }
	rp.stack = append(rp.stack[:0], [2]int{0, far}, [2]int{far, n})
	for len(rp.stack) > 0 {
		s := rp.stack[len(rp.stack)-1]
		rp.stack = rp.stack[:len(rp.stack)-1]
		lo, hi := s[0], s[1]
		if hi-lo < 2 {
			continue
		}
		a, b := at(lo), at(hi)
		idx, top := -1, simplifyTolerance
		for i := lo + 1; i < hi; i++ {
			if d := segmentDistance(at(i), a, b); d > top {
				idx, top = i, d
			}
		}
		if idx < 0 {
			continue
		}
		rp.keep[idx%n] = true
		rp.stack = append(rp.stack, [2]int{lo, idx}, [2]int{idx, hi})
	}
}

// segmentDistance is the distance from p to the segment ab.
func segmentDistance(p, a, b xy) float64 {
	dx, dy := b.x-a.x, b.y-a.y
	l2 := dx*dx + dy*dy
	if l2 == 0 {
		return math.Hypot(p.x-a.x, p.y-a.y)
	}
	t := math.Max(0, math.Min(1, ((p.x-a.x)*dx+(p.y-a.y)*dy)/l2))
	return math.Hypot(p.x-a.x-t*dx, p.y-a.y-t*dy)
}

// clipRing clips an open ring to a box (Sutherland–Hodgman, an edge at a
// time), using tmp as the other buffer; it returns the result and the
// buffer left over. A concave ring may come out with zero-width bridges
// along the box's edges; they lie outside the viewBox, so they do not show.
func clipRing(pts, tmp []xy, b box) (out, spare []xy) {
	for edge := range 4 {
		inside := func(q xy) bool {
			switch edge {
			case 0:
				return q.x >= b.x0
			case 1:
				return q.x <= b.x1
			case 2:
				return q.y >= b.y0
			}
			return q.y <= b.y1
		}
		cross := func(p, q xy) xy {
			switch edge {
			case 0, 1:
				x := b.x0
				if edge == 1 {
					x = b.x1
				}
				return xy{x, p.y + (q.y-p.y)*(x-p.x)/(q.x-p.x)}
			}
			y := b.y0
			if edge == 3 {
				y = b.y1
			}
			return xy{p.x + (q.x-p.x)*(y-p.y)/(q.y-p.y), y}
		}
		tmp = tmp[:0]
		for i, cur := range pts {
			prev := pts[(i+len(pts)-1)%len(pts)]
			switch in, prevIn := inside(cur), inside(prev); {
			case in && prevIn:
				tmp = append(tmp, cur)
			case in:
				tmp = append(tmp, cross(prev, cur), cur)
			case prevIn:
				tmp = append(tmp, cross(prev, cur))
			}
		}
		pts, tmp = tmp, pts
		if len(pts) == 0 {
			break
		}
	}
	return pts, tmp
}

// appendTenths writes v rounded to one decimal, without a trailing ".0".
func appendTenths(b []byte, v float64) []byte {
	return appendTenthsInt(b, int64(math.Round(v*10)))
}

// appendTenthsInt writes t tenths as a decimal: 12 as "1.2", -5 as "-0.5",
// 30 as "3".
func appendTenthsInt(b []byte, t int64) []byte {
	if t < 0 {
		b = append(b, '-')
		t = -t
	}
	b = strconv.AppendInt(b, t/10, 10)
	if t%10 != 0 {
		b = append(b, '.', byte('0'+t%10))
	}
	return b
}
