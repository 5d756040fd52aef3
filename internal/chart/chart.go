// Package chart draws charts as inline SVG on the server: they need no
// JavaScript and no network, print well, and carry a title and a text
// description for screen readers. Every chart has its data table beside it
// (see the Table fields), for those who would rather read than look.
package chart

import (
	"fmt"
	"hash/fnv"
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
	const rowH, valueW, plotMin = 26, 80, 210
	// The labels' column is as wide as the longest label needs, within
	// bounds; longer labels are cut to fit it.
	longest := 0
	for _, b := range bars {
		longest = max(longest, len([]rune(b.Label)))
	}
	labelW := min(max(longest*labelCharW+16, 120), maxLabelW)
	labelChars := (labelW - 16) / labelCharW
	width := labelW + plotMin + valueW
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
		label := truncate(bar.Label, labelChars)
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

// labelCharW is the width of an average character of a label (13px
// system font), and maxLabelW the widest labels' column of a bar chart.
const labelCharW, maxLabelW = 7, 300

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

// open starts a chart. Its title and description get IDs derived from
// their text, so that several charts on one page label themselves apart.
func open(b *strings.Builder, title, desc string, width, height int) {
	h := fnv.New32a()
	h.Write([]byte(title + "\x00" + desc))
	id := fmt.Sprintf("chart-%08x", h.Sum32())
	fmt.Fprintf(b, `<svg class="chart" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-t %s-d" xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMinYMin meet">`, width, height, width, height, id, id)
	fmt.Fprintf(b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, html.EscapeString(title), id, html.EscapeString(desc))
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
	// DateText is the date as the page's language writes it, for the
	// event's tooltip; empty means "2 January 2006".
	DateText string
}

func (e Event) dateText() string {
	if e.DateText != "" {
		return e.DateText
	}
	return e.Date.Format("2 January 2006")
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
				class, px(e.Date), y, html.EscapeString(e.Label), html.EscapeString(e.dateText()))
			if e.Href != "" {
				b.WriteString(`</a>`)
			}
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// StackRow is one bar of a stacked bar chart: a value per series, and an
// optional target the bar is measured against.
type StackRow struct {
	Label  string
	Href   string    // optional link
	Values []float64 // one per series, in the order of the series; negative values count as 0
	Target float64   // drawn as a mark when above 0
}

// StackSeries names one segment of every stacked bar.
type StackSeries struct {
	Name  string
	Class string // "s1" … "s6", "neg"; by default the series' place
}

// SeriesNamed makes series with the given names and the default colours.
func SeriesNamed(names ...string) []StackSeries {
	out := make([]StackSeries, len(names))
	for i, n := range names {
		out[i] = StackSeries{Name: n}
	}
	return out
}

// Stacked draws horizontal stacked bars: each row's values laid end to end,
// one colour per series, with a mark at the row's target when it has one
// (delivered against promised, done against owed). A legend follows.
func Stacked(title, desc string, series []StackSeries, rows []StackRow, format func(float64) string) template.HTML {
	if len(rows) == 0 || len(series) == 0 {
		return ""
	}
	if format == nil {
		format = Number
	}
	const rowH, labelW, valueW, width = 26, 230, 110, 620
	height := rowH*len(rows) + 8
	hi := 0.0
	totals := make([]float64, len(rows))
	for i, r := range rows {
		for j := range series {
			if j < len(r.Values) && r.Values[j] > 0 {
				totals[i] += r.Values[j]
			}
		}
		hi = math.Max(hi, math.Max(totals[i], r.Target))
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
		fmt.Fprintf(&b, `<text class="label" x="%d" y="%d" text-anchor="end">%s</text>`, labelW-8, y+17, html.EscapeString(truncate(r.Label, 32)))
		x := float64(labelW)
		for j, s := range series {
			if j >= len(r.Values) || r.Values[j] <= 0 {
				continue
			}
			w := plotW * r.Values[j] / hi
			class := s.Class
			if class == "" {
				class = "s" + strconv.Itoa(j%6+1)
			}
			fmt.Fprintf(&b, `<rect class="bar %s" x="%.1f" y="%d" width="%.1f" height="%d"><title>%s, %s: %s</title></rect>`,
				class, x, y+3, math.Max(w, 1), rowH-8, html.EscapeString(r.Label), html.EscapeString(s.Name), html.EscapeString(format(r.Values[j])))
			x += w
		}
		value := format(totals[i])
		if r.Target > 0 {
			tx := float64(labelW) + plotW*r.Target/hi
			fmt.Fprintf(&b, `<line class="target" x1="%.1f" x2="%.1f" y1="%d" y2="%d"><title>%s, target: %s</title></line>`,
				tx, tx, y, y+rowH-2, html.EscapeString(r.Label), html.EscapeString(format(r.Target)))
			value += " / " + format(r.Target)
		}
		fmt.Fprintf(&b, `<text class="value" x="%d" y="%d">%s</text>`, width-valueW+6, y+17, html.EscapeString(value))
		if r.Href != "" {
			b.WriteString(`</a>`)
		}
	}
	b.WriteString(`</svg><ul class="legend">`)
	for j, s := range series {
		class := s.Class
		if class == "" {
			class = "s" + strconv.Itoa(j%6+1)
		}
		fmt.Fprintf(&b, `<li><span class="swatch %s"></span>%s</li>`, class, html.EscapeString(s.Name))
	}
	for _, r := range rows {
		if r.Target > 0 {
			b.WriteString(`<li><span class="swatch target"></span>target</li>`)
			break
		}
	}
	b.WriteString(`</ul>`)
	return template.HTML(b.String())
}
