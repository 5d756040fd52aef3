package chart

import (
	"encoding/xml"
	"strings"
	"testing"
)

// wellFormed checks that the chart is well-formed XML.
func wellFormed(t *testing.T, svg string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	for {
		_, err := d.Token()
		if err != nil {
			if err.Error() == "EOF" {
				return
			}
			t.Fatalf("not well-formed: %v\n%s", err, svg)
		}
	}
}

func TestBars(t *testing.T) {
	svg := string(Bars("Balance", "Trade balance by member", []Bar{{Label: "Viet Nam <x>", Value: -50}, {Label: "Malaysia", Value: 20, Href: "/m?a=1&b=2"}}, nil))
	wellFormed(t, "<div>"+svg+"</div>")
	for _, want := range []string{`role="img"`, `">Balance</title>`, "Viet Nam &lt;x&gt;", "−50", `class="bar neg"`, `class="axis"`, `href="/m?a=1&amp;b=2"`} {
		if !strings.Contains(svg, want) {
			t.Errorf("chart lacks %q", want)
		}
	}
}

// TestBarLabels checks that the labels' column fits the labels, and that
// labels too long for the widest column are cut.
func TestBarLabels(t *testing.T) {
	width := func(svg string) string {
		i := strings.Index(svg, `viewBox="0 0 `) + len(`viewBox="0 0 `)
		return strings.Fields(svg[i:])[0]
	}
	short := string(Bars("t", "d", []Bar{{Label: "VN", Value: 1}}, nil))
	long := string(Bars("t", "d", []Bar{{Label: strings.Repeat("x", 40), Value: 1}}, nil))
	huge := string(Bars("t", "d", []Bar{{Label: strings.Repeat("x", 200), Value: 1}}, nil))
	if width(short) != "410" || width(long) != "586" || width(huge) != "590" {
		t.Errorf("widths %s, %s, %s", width(short), width(long), width(huge))
	}
	if !strings.Contains(huge, strings.Repeat("x", 39)+"…<") || strings.Contains(huge, strings.Repeat("x", 41)+"<") {
		t.Error("a long label is not cut to fit")
	}
}

func TestLines(t *testing.T) {
	svg := string(Lines("Exports", "by year", []Series{
		{Name: "China", Points: []Point{{2018, "2018", 10}, {2019, "2019", 12.5}, {2020, "2020", -3}}},
		{Name: "ASEAN", Points: []Point{{2018, "2018", 4}, {2020, "2020", 9}}},
	}, nil))
	wellFormed(t, "<div>"+svg+"</div>")
	if strings.Count(svg, "<path") != 2 || strings.Count(svg, "<circle") != 5 || !strings.Contains(svg, `class="legend"`) {
		t.Errorf("unexpected chart: %s", svg)
	}
	if Lines("x", "y", nil, nil) != "" {
		t.Error("a chart without points should be empty")
	}
}

func TestNumber(t *testing.T) {
	for v, want := range map[float64]string{0: "0", 1234567.891: "1,234,567.89", -42: "−42", 999: "999", 1000: "1,000"} {
		if got := Number(v); got != want {
			t.Errorf("Number(%v) = %q, want %q", v, got, want)
		}
	}
}

func TestStacked(t *testing.T) {
	series := []StackSeries{{Name: "Confirmed", Class: "s5"}, {Name: "Unconfirmed <yet>"}}
	svg := string(Stacked("Delivery", "Delivered against targets", series, []StackRow{
		{Label: "Cambodia", Values: []float64{30, 10}, Target: 100, Href: "/p?r=khm&x=1"},
		{Label: "Lao PDR", Values: []float64{0, 50}},
		{Label: "Viet Nam", Values: []float64{-5}},
	}, nil))
	wellFormed(t, "<div>"+svg+"</div>")
	for _, want := range []string{`role="img"`, `class="bar s5"`, `class="bar s2"`, `class="target"`, "40 / 100", "Unconfirmed &lt;yet&gt;", `href="/p?r=khm&amp;x=1"`, `class="swatch target"`} {
		if !strings.Contains(svg, want) {
			t.Errorf("chart lacks %q", want)
		}
	}
	// Zero and negative values draw no segment: three bars in all.
	if n := strings.Count(svg, "<rect"); n != 3 {
		t.Errorf("%d bars drawn, want 3", n)
	}
	// The widest row (the target, 100) spans the plot: a bar of 50 is half of it.
	if !strings.Contains(svg, `width="140.0"`) {
		t.Errorf("the bar of 50 against a scale of 100 is not half the plot width:\n%s", svg)
	}
	if Stacked("x", "y", series, nil, nil) != "" || Stacked("x", "y", nil, []StackRow{{Label: "a"}}, nil) != "" {
		t.Error("a chart without rows or series should be empty")
	}
}

func TestChartsLabelThemselvesApart(t *testing.T) {
	a := string(Bars("One", "first", []Bar{{Label: "x", Value: 1}}, nil))
	b := string(Bars("Two", "second", []Bar{{Label: "x", Value: 1}}, nil))
	idOf := func(svg string) string {
		i := strings.Index(svg, `aria-labelledby="`)
		rest := svg[i+len(`aria-labelledby="`):]
		return rest[:strings.Index(rest, "-t ")]
	}
	if idOf(a) == idOf(b) {
		t.Errorf("two charts share the ID %s", idOf(a))
	}
	for _, svg := range []string{a, b} {
		id := idOf(svg)
		if !strings.Contains(svg, `<title id="`+id+`-t">`) || !strings.Contains(svg, `<desc id="`+id+`-d">`) {
			t.Errorf("the chart's label IDs do not name its title and description: %s", svg)
		}
	}
}
