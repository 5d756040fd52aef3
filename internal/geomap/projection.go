package geomap

import "math"

// maxLat is where Web Mercator stops: the square world of web maps.
const maxLat = 85.05112878

// mercatorY is the Web Mercator ordinate of a latitude, in degrees of
// equatorial longitude so that it shares its unit with longitude: one
// projected unit north is as long on the map as one degree east.
func mercatorY(lat float64) float64 {
	lat = math.Max(-maxLat, math.Min(maxLat, lat))
	return math.Log(math.Tan(math.Pi/4+lat*math.Pi/360)) * 180 / math.Pi
}

// mercatorLat is the inverse of mercatorY.
func mercatorLat(y float64) float64 {
	return (2*math.Atan(math.Exp(y*math.Pi/180)) - math.Pi/2) * 180 / math.Pi
}

// projection maps positions to the coordinates of an SVG viewBox whose top
// left corner is the north-west corner of the view.
type projection struct {
	view          Bounds
	x0, y0        float64 // projected west and north edges
	k             float64 // viewBox units per projected unit
	width, height int     // of the viewBox
}

// newProjection fits the view to a viewBox width; the height follows from
// the view's shape.
func newProjection(view Bounds, width int) projection {
	p := projection{view: view, x0: view.West, y0: mercatorY(view.North), width: width}
	p.k = float64(width) / (view.East - view.West)
	p.height = max(1, int(math.Round(p.k*(p.y0-mercatorY(view.South)))))
	return p
}

// point returns the viewBox coordinates of a position.
func (p *projection) point(lon, lat float64) (x, y float64) {
	return (lon - p.x0) * p.k, (p.y0 - mercatorY(lat)) * p.k
}

// position returns the position at viewBox coordinates: the inverse of point.
func (p *projection) position(x, y float64) (lon, lat float64) {
	return p.x0 + x/p.k, mercatorLat(p.y0 - y/p.k)
}

// Limits of the fitted view.
const (
	minSpan   = 3.0  // degrees: a lone point shows some 300 km around it
	margin    = 0.08 // of the content's larger span, on each side
	minAspect = 0.5  // height over width, projected
	maxAspect = 1.2
	viewLat   = 80.0 // no view goes further towards a pole
)

// fit returns the view that shows content with a margin, in a shape that
// suits a page: no wider than twice its height, no taller than 1.2 times
// its width. Empty content gives Region.
func fit(content Bounds) Bounds {
	if content.IsZero() {
		return Region()
	}
	b := content.Pad(margin * max(content.East-content.West, content.North-content.South))
	if w := b.East - b.West; w < minSpan {
		b.West, b.East = b.West-(minSpan-w)/2, b.East+(minSpan-w)/2
	}
	if h := b.North - b.South; h < minSpan {
		b.South, b.North = b.South-(minSpan-h)/2, b.North+(minSpan-h)/2
	}
	// Slide content near a pole back into the views Mercator can show.
	if b.North > viewLat {
		b.South, b.North = max(b.South-(b.North-viewLat), -viewLat), viewLat
	}
	if b.South < -viewLat {
		b.South, b.North = -viewLat, min(b.North+(-viewLat-b.South), viewLat)
	}
	// Widen or heighten, in projected units, about the centre.
	w := b.East - b.West
	y0, y1 := mercatorY(b.South), mercatorY(b.North)
	h := y1 - y0
	switch {
	case h < minAspect*w:
		grow := (minAspect*w - h) / 2
		y0, y1 = y0-grow, y1+grow
		b.South, b.North = max(mercatorLat(y0), -viewLat), min(mercatorLat(y1), viewLat)
	case h > maxAspect*w:
		grow := (h/maxAspect - w) / 2
		b.West, b.East = b.West-grow, b.East+grow
	}
	// Slide the view back inside the world rather than cut it.
	if b.West < -180 {
		b.East, b.West = min(b.East-180-b.West, 180), -180
	}
	if b.East > 180 {
		b.West, b.East = max(b.West-(b.East-180), -180), 180
	}
	return b
}
