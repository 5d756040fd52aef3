// Package chart draws charts as inline SVG on the server: they need no
// JavaScript and no network, print well, and carry a title and a text
// description for screen readers. Every chart has its data table beside it
// (see the Table fields), for those who would rather read than look.
package chart

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"
	"time"
)

// Bar is one bar of a bar chart.
type Bar struct {
	Label string
	Value float64
	Href  string // optional link
	Class string // optional CSS class (series colour): "s1" … "s6", "neg"
}

// Bars draws a horizontal bar chart. Values may be negative.
func Bars(title, desc string, bars []Bar, format func(float64) string) template.HTML {
	if format == nil {
		format = Number
	}
	const rowH, labelW, valueW, width = 26, 170, 80, 460
	height := rowH*len(bars) + 8
	lo, hi := 0.0, 0.0
	for _, b := range bars {
		lo, hi = math.Min(lo, b.Value), math.Max(hi, b.Value)
	}
	span := hi - lo
	if span == 0 {
		span = 1
	}
	plotW := float64(width - labelW - valueW)
	x0 := float64(labelW) + plotW*(-lo/span)
	var b strings.Builder
	open(&b, title, desc, width, height)
	for i, bar := range bars {
		y := 4 + i*rowH
		w := plotW * math.Abs(bar.Value) / span
		x := x0
		if bar.Value < 0 {
			x = x0 - w
		}
		class := bar.Class
		if class == "" {
			class = "s1"
			if bar.Value < 0 {
				class = "neg"
			}
		}
		label := truncate(bar.Label, 22) // what fits in labelW at the chart's font size
		if bar.Href != "" {
			fmt.Fprintf(&b, `<a href="%s">`, html.EscapeString(bar.Href))
		}
		fmt.Fprintf(&b, `<text class="label" x="%d" y="%d" text-anchor="end">%s</text>`, labelW-8, y+17, html.EscapeString(label))
		fmt.Fprintf(&b, `<rect class="bar %s" x="%.1f" y="%d" width="%.1f" height="%d" rx="2"><title>%s: %s</title></rect>`,
			class, x, y+3, math.Max(w, 1), rowH-8, html.EscapeString(bar.Label), html.EscapeString(format(bar.Value)))
		fmt.Fprintf(&b, `<text class="value" x="%d" y="%d">%s</text>`, width-valueW+6, y+17, html.EscapeString(format(bar.Value)))
		if bar.Href != "" {
			b.WriteString(`</a>`)
		}
	}
	if lo < 0 {
		fmt.Fprintf(&b, `<line class="axis" x1="%.1f" x2="%.1f" y1="0" y2="%d"/>`, x0, x0, height)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// Series is one line of a time series chart.
type Series struct {
	Name   string
	Class  string // "s1" … "s6"
	Points []Point
}

// Point is a value at an x position (a year, a month number…).
type Point struct {
	X     float64
	Label string // how the x value is written: "2020", "Apr 2025"
	Y     float64
}

// Lines draws a line chart of one or more series over a shared x axis.
func Lines(title, desc string, series []Series, format func(float64) string) template.HTML {
	if format == nil {
		format = Number
	}
	const width, height, left, right, top, bottom = 640, 280, 64, 16, 12, 40
	xmin, xmax := math.Inf(1), math.Inf(-1)
	ymin, ymax := 0.0, 0.0
	labels := map[float64]string{}
	for _, s := range series {
		for _, p := range s.Points {
			xmin, xmax = math.Min(xmin, p.X), math.Max(xmax, p.X)
			ymin, ymax = math.Min(ymin, p.Y), math.Max(ymax, p.Y)
			labels[p.X] = p.Label
		}
	}
	if math.IsInf(xmin, 0) {
		return ""
	}
	if xmax == xmin {
		xmax = xmin + 1
	}
	ticks := niceTicks(ymin, ymax, 5)
	ymin, ymax = math.Min(ymin, ticks[0]), math.Max(ymax, ticks[len(ticks)-1])
	if ymax == ymin {
		ymax = ymin + 1
	}
	px := func(x float64) float64 { return left + (x-xmin)/(xmax-xmin)*float64(width-left-right) }
	py := func(y float64) float64 { return top + (ymax-y)/(ymax-ymin)*float64(height-top-bottom) }
	var b strings.Builder
	open(&b, title, desc, width, height)
	for _, t := range ticks {
		fmt.Fprintf(&b, `<line class="grid" x1="%d" x2="%d" y1="%.1f" y2="%.1f"/>`, left, width-right, py(t), py(t))
		fmt.Fprintf(&b, `<text class="tick" x="%d" y="%.1f" text-anchor="end">%s</text>`, left-6, py(t)+4, html.EscapeString(format(t)))
	}
	if ymin < 0 {
		fmt.Fprintf(&b, `<line class="axis" x1="%d" x2="%d" y1="%.1f" y2="%.1f"/>`, left, width-right, py(0), py(0))
	}
	// At most about eight x labels.
	var xs []float64
	for x := range labels {
		xs = append(xs, x)
	}
	sortFloats(xs)
	step := max(1, (len(xs)+7)/8)
	for i, x := range xs {
		if i%step == 0 || i == len(xs)-1 {
			fmt.Fprintf(&b, `<text class="tick" x="%.1f" y="%d" text-anchor="middle">%s</text>`, px(x), height-bottom+18, html.EscapeString(labels[x]))
		}
	}
	for i, s := range series {
		class := s.Class
		if class == "" {
			class = "s" + strconv.Itoa(i%6+1)
		}
		var d strings.Builder
		for j, p := range s.Points {
			cmd := "L"
			if j == 0 {
				cmd = "M"
			}
			fmt.Fprintf(&d, "%s%.1f %.1f ", cmd, px(p.X), py(p.Y))
		}
		fmt.Fprintf(&b, `<path class="line %s" d="%s"/>`, class, strings.TrimSpace(d.String()))
		for _, p := range s.Points {
			fmt.Fprintf(&b, `<circle class="dot %s" cx="%.1f" cy="%.1f" r="3"><title>%s, %s: %s</title></circle>`,
				class, px(p.X), py(p.Y), html.EscapeString(s.Name), html.EscapeString(p.Label), html.EscapeString(format(p.Y)))
		}
	}
	b.WriteString(`</svg>`)
	if len(series) > 1 {
		b.WriteString(`<ul class="legend">`)
		for i, s := range series {
			class := s.Class
			if class == "" {
				class = "s" + strconv.Itoa(i%6+1)
			}
			fmt.Fprintf(&b, `<li><span class="swatch %s"></span>%s</li>`, class, html.EscapeString(s.Name))
		}
		b.WriteString(`</ul>`)
	}
	return template.HTML(b.String())
}

func open(b *strings.Builder, title, desc string, width, height int) {
	fmt.Fprintf(b, `<svg class="chart" viewBox="0 0 %d %d" role="img" xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMinYMin meet">`, width, height)
	fmt.Fprintf(b, `<title>%s</title><desc>%s</desc>`, html.EscapeString(title), html.EscapeString(desc))
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// niceTicks returns about n round values spanning [lo, hi].
func niceTicks(lo, hi float64, n int) []float64 {
	if hi == lo {
		hi = lo + 1
	}
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	start := math.Floor(lo/step) * step
	var out []float64
	for v := start; v <= hi+step*0.5; v += step {
		out = append(out, math.Round(v/step)*step)
	}
	return out
}

func sortFloats(xs []float64) {
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && xs[j] < xs[j-1]; j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
}

// Number formats a value with thousands separators and at most two decimals.
func Number(v float64) string {
	neg := v < 0
	v = math.Abs(v)
	s := strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	out := b.String()
	if frac != "" {
		out += "." + frac
	}
	if neg {
		out = "−" + out
	}
	return out
}

// Row is one row of a timeline.
type Row struct {
	Label  string
	Href   string
	Events []Event
}

// Event is a dated mark on a timeline.
type Event struct {
	Date  time.Time
	Label string
	Href  string
	Class string // "s1" … "s6"
}

// Timeline draws rows of dated events on a shared time axis: when each party
// said or did what.
func Timeline(title, desc string, rows []Row) template.HTML {
	const rowH, labelW, right, width, axisH = 28, 170, 16, 640, 28
	var lo, hi time.Time
	for _, r := range rows {
		for _, e := range r.Events {
			if lo.IsZero() || e.Date.Before(lo) {
				lo = e.Date
			}
			if hi.IsZero() || e.Date.After(hi) {
				hi = e.Date
			}
		}
	}
	if lo.IsZero() {
		return ""
	}
	// Whole years, with a little room.
	lo = time.Date(lo.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	hi = time.Date(hi.Year()+1, 1, 1, 0, 0, 0, 0, time.UTC)
	height := rowH*len(rows) + axisH
	plotW := float64(width - labelW - right)
	px := func(t time.Time) float64 {
		return float64(labelW) + plotW*float64(t.Sub(lo))/float64(hi.Sub(lo))
	}
	var b strings.Builder
	open(&b, title, desc, width, height)
	years := hi.Year() - lo.Year()
	step := max(1, (years+9)/10)
	for y := lo.Year(); y <= hi.Year(); y += step {
		x := px(time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC))
		fmt.Fprintf(&b, `<line class="grid" x1="%.1f" x2="%.1f" y1="0" y2="%d"/>`, x, x, height-axisH)
		fmt.Fprintf(&b, `<text class="tick" x="%.1f" y="%d" text-anchor="middle">%d</text>`, x, height-axisH+18, y)
	}
	for i, r := range rows {
		y := i*rowH + rowH/2
		label := html.EscapeString(truncate(r.Label, 24))
		if r.Href != "" {
			fmt.Fprintf(&b, `<a href="%s"><text class="label" x="%d" y="%d" text-anchor="end">%s</text></a>`, html.EscapeString(r.Href), labelW-8, y+5, label)
		} else {
			fmt.Fprintf(&b, `<text class="label" x="%d" y="%d" text-anchor="end">%s</text>`, labelW-8, y+5, label)
		}
		fmt.Fprintf(&b, `<line class="grid" x1="%d" x2="%d" y1="%d" y2="%d"/>`, labelW, width-right, y, y)
		for _, e := range r.Events {
			class := e.Class
			if class == "" {
				class = "s1"
			}
			if e.Href != "" {
				fmt.Fprintf(&b, `<a href="%s">`, html.EscapeString(e.Href))
			}
			fmt.Fprintf(&b, `<circle class="dot %s" cx="%.1f" cy="%d" r="6"><title>%s, %s</title></circle>`,
				class, px(e.Date), y, html.EscapeString(e.Label), e.Date.Format("2 January 2006"))
			if e.Href != "" {
				b.WriteString(`</a>`)
			}
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// StackedRow is one bar of a stacked bar chart: its segments' values, in
// the order of the chart's series.
type StackedRow struct {
	Label  string
	Href   string // optional link
	Values []float64
}

// StackedBars draws horizontal bars made of segments, one per series (for
// a total and its parts), with a legend. Values must not be negative; the
// value written at the end of each bar is the total.
func StackedBars(title, desc string, series []string, rows []StackedRow, format func(float64) string) template.HTML {
	if len(rows) == 0 || len(series) == 0 {
		return ""
	}
	if format == nil {
		format = Number
	}
	const rowH, labelW, valueW, width = 26, 230, 60, 640
	height := rowH*len(rows) + 8
	hi := 0.0
	for _, r := range rows {
		sum := 0.0
		for _, v := range r.Values {
			sum += math.Max(v, 0)
		}
		hi = math.Max(hi, sum)
	}
	if hi == 0 {
		hi = 1
	}
	plotW := float64(width - labelW - valueW)
	var b strings.Builder
	open(&b, title, desc, width, height)
	for i, r := range rows {
		y := 4 + i*rowH
		if r.Href != "" {
			fmt.Fprintf(&b, `<a href="%s">`, html.EscapeString(r.Href))
		}
		fmt.Fprintf(&b, `<text class="label" x="%d" y="%d" text-anchor="end">%s</text>`, labelW-8, y+17, html.EscapeString(truncate(r.Label, 30)))
		x, sum := float64(labelW), 0.0
		for j, v := range r.Values {
			if j >= len(series) || v <= 0 {
				continue
			}
			w := plotW * v / hi
			fmt.Fprintf(&b, `<rect class="bar s%d" x="%.1f" y="%d" width="%.1f" height="%d"><title>%s, %s: %s</title></rect>`,
				j%6+1, x, y+3, w, rowH-8, html.EscapeString(r.Label), html.EscapeString(series[j]), html.EscapeString(format(v)))
			x += w
			sum += v
		}
		fmt.Fprintf(&b, `<text class="value" x="%.1f" y="%d">%s</text>`, x+6, y+17, html.EscapeString(format(sum)))
		if r.Href != "" {
			b.WriteString(`</a>`)
		}
	}
	b.WriteString(`</svg><ul class="legend">`)
	for j, s := range series {
		fmt.Fprintf(&b, `<li><span class="swatch s%d"></span>%s</li>`, j%6+1, html.EscapeString(s))
	}
	b.WriteString(`</ul>`)
	return template.HTML(b.String())
}
