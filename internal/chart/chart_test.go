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
	for _, want := range []string{`role="img"`, "<title>Balance</title>", "Viet Nam &lt;x&gt;", "−50", `class="bar neg"`, `class="axis"`, `href="/m?a=1&amp;b=2"`} {
		if !strings.Contains(svg, want) {
			t.Errorf("chart lacks %q", want)
		}
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

func TestStackedBars(t *testing.T) {
	svg := string(StackedBars("Risk", "Scores and their parts", []string{"Elections", "Status <now>"}, []StackedRow{
		{Label: "Railway & port", Href: "/p?a=1&b=2", Values: []float64{12.5, 20}},
		{Label: "Dam", Values: []float64{0, 5}},
	}, nil))
	wellFormed(t, "<div>"+svg+"</div>")
	for _, want := range []string{`role="img"`, "<title>Risk</title>", "Railway &amp; port", `href="/p?a=1&amp;b=2"`, ">32.5<", ">5<", "Status &lt;now&gt;", `class="legend"`} {
		if !strings.Contains(svg, want) {
			t.Errorf("chart lacks %q", want)
		}
	}
	// A zero segment draws nothing: three rectangles in all.
	if n := strings.Count(svg, "<rect"); n != 3 {
		t.Errorf("%d segments drawn, want 3", n)
	}
	if StackedBars("x", "y", []string{"a"}, nil, nil) != "" {
		t.Error("a chart without rows should be empty")
	}
}
