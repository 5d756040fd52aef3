package security

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// unfold undoes RFC 5545 line folding and checks the line ends.
func unfold(t testing.TB, ics string) []string {
	t.Helper()
	if !strings.HasSuffix(ics, "\r\n") {
		t.Fatalf("the calendar does not end with CRLF")
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSuffix(ics, "\r\n"), "\r\n") {
		if strings.ContainsAny(l, "\r\n") {
			t.Fatalf("a bare CR or LF in %q", l)
		}
		if len(l) > 75 {
			t.Errorf("a line of %d octets: %q", len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("a fold splits a UTF-8 sequence: %q", l)
		}
		if strings.HasPrefix(l, " ") {
			lines[len(lines)-1] += l[1:]
		} else {
			lines = append(lines, l)
		}
	}
	return lines
}

func TestWriteICS(t *testing.T) {
	d := func(s string) time.Time { t, _ := time.Parse(DateFormat, s); return t }
	c := &Calendar{ProdID: "-//Kongsi//Security calendar//EN", Name: "Security, test", Events: []Event{{
		UID: "activities/chn/acmex-2018@test.kongsi.example", Sequence: 2, Stamp: time.Date(2025, 4, 5, 9, 30, 0, 0, time.UTC),
		Start: d("2018-10-22"), End: d("2018-10-28"),
		Summary:     "ASEAN–China Maritime Exercise; 2018, Zhanjiang",
		Description: strings.Repeat("Ships from China and ASEAN, ", 8) + "\nsecond line; with \\ backslash",
		Location:    "Waters east of Zhanjiang", Geo: &Location{Lon: 110.5, Lat: 21.25},
		URL: "http://test/activities/chn/acmex-2018", Categories: []string{"Search and rescue", "a,b"}, Status: "CONFIRMED",
	}}}
	var b bytes.Buffer
	if err := c.WriteICS(&b); err != nil {
		t.Fatal(err)
	}
	lines := unfold(t, b.String())
	want := []string{
		"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Kongsi//Security calendar//EN", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
		`X-WR-CALNAME:Security\, test`, "BEGIN:VEVENT", "UID:activities/chn/acmex-2018@test.kongsi.example", "DTSTAMP:20250405T093000Z",
		"DTSTART;VALUE=DATE:20181022", "DTEND;VALUE=DATE:20181029", "SEQUENCE:2",
		`SUMMARY:ASEAN–China Maritime Exercise\; 2018\, Zhanjiang`,
		`DESCRIPTION:` + strings.Repeat(`Ships from China and ASEAN\, `, 8) + `\nsecond line\; with \\ backslash`,
		"LOCATION:Waters east of Zhanjiang", "GEO:21.25;110.5", "URL;VALUE=URI:http://test/activities/chn/acmex-2018",
		`CATEGORIES:Search and rescue,a\,b`, "STATUS:CONFIRMED", "TRANSP:TRANSPARENT", "END:VEVENT", "END:VCALENDAR",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	if !strings.Contains(b.String(), "\r\n ") {
		t.Error("the long description was not folded")
	}
}

// FuzzFold checks that any text survives escaping and folding: every line
// is at most 75 octets of valid UTF-8, and unfolding and unescaping give
// back the text (less the control characters TEXT cannot hold).
func FuzzFold(f *testing.F) {
	f.Add("plain")
	f.Add(strings.Repeat("é", 100))
	f.Add(strings.Repeat("漢字かな", 40) + ";,\\\n")
	f.Add("a\r\nb\rc\x01d")
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		var b bytes.Buffer
		c := &Calendar{ProdID: "x", Events: []Event{{UID: "u", Summary: s}}}
		if err := c.WriteICS(&b); err != nil {
			t.Fatal(err)
		}
		var got string
		for _, l := range unfold(t, b.String()) {
			if v, ok := strings.CutPrefix(l, "SUMMARY:"); ok {
				got = v
			}
		}
		un := strings.NewReplacer(`\\`, `\`, `\;`, `;`, `\,`, `,`, `\n`, "\n").Replace(got)
		var want strings.Builder
		for i := 0; i < len(s); i++ {
			if c := s[i]; c == '\n' || c == '\t' || (c >= 0x20 && c != 0x7f) {
				want.WriteByte(c)
			}
		}
		if un != want.String() {
			t.Errorf("round trip: %q, want %q", un, want.String())
		}
	})
}
