package security

import (
	"bufio"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// This file writes iCalendar (RFC 5545): enough of it for a calendar of
// all-day events that a calendar application subscribes to.

// Event is an all-day event of a calendar.
type Event struct {
	UID         string    // stable for the thing the event is about
	Sequence    int       // how many times it changed
	Stamp       time.Time // when the information was last changed
	Start       time.Time // first day
	End         time.Time // last day (inclusive)
	Summary     string
	Description string
	Location    string
	Geo         *Location
	URL         string
	Categories  []string
	Status      string // TENTATIVE, CONFIRMED or CANCELLED
}

// Calendar is an iCalendar object.
type Calendar struct {
	ProdID string
	Name   string
	Events []Event
}

// WriteICS writes the calendar as iCalendar text: CRLF line ends, content
// lines folded at 75 octets (never inside a UTF-8 sequence), text values
// escaped.
func (c *Calendar) WriteICS(w io.Writer) error {
	bw := bufio.NewWriter(w)
	line := func(name, value string) { writeLine(bw, name+":"+value) }
	line("BEGIN", "VCALENDAR")
	line("VERSION", "2.0")
	line("PRODID", escapeText(c.ProdID))
	line("CALSCALE", "GREGORIAN")
	line("METHOD", "PUBLISH")
	if c.Name != "" {
		line("X-WR-CALNAME", escapeText(c.Name))
	}
	for _, e := range c.Events {
		line("BEGIN", "VEVENT")
		line("UID", escapeText(e.UID))
		line("DTSTAMP", e.Stamp.UTC().Format("20060102T150405Z"))
		line("DTSTART;VALUE=DATE", e.Start.Format("20060102"))
		// DTEND of an all-day event is exclusive: the day after the last.
		line("DTEND;VALUE=DATE", e.End.AddDate(0, 0, 1).Format("20060102"))
		if e.Sequence > 0 {
			line("SEQUENCE", itoa(e.Sequence))
		}
		line("SUMMARY", escapeText(e.Summary))
		if e.Description != "" {
			line("DESCRIPTION", escapeText(e.Description))
		}
		if e.Location != "" {
			line("LOCATION", escapeText(e.Location))
		}
		if e.Geo != nil {
			line("GEO", ftoa(e.Geo.Lat)+";"+ftoa(e.Geo.Lon))
		}
		if e.URL != "" {
			line("URL;VALUE=URI", e.URL)
		}
		if len(e.Categories) > 0 {
			cats := make([]string, len(e.Categories))
			for i, c := range e.Categories {
				cats[i] = escapeText(c)
			}
			line("CATEGORIES", strings.Join(cats, ","))
		}
		if e.Status != "" {
			line("STATUS", e.Status)
		}
		line("TRANSP", "TRANSPARENT")
		line("END", "VEVENT")
	}
	line("END", "VCALENDAR")
	return bw.Flush()
}

// escapeText escapes a TEXT value (RFC 5545 §3.3.11): backslash,
// semicolon, comma and newline.
func escapeText(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			b.WriteString(`\\`)
		case ';':
			b.WriteString(`\;`)
		case ',':
			b.WriteString(`\,`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			// A CRLF becomes one newline; a lone CR is dropped.
		default:
			if (c < 0x20 && c != '\t') || c == 0x7f {
				continue // control characters are not allowed in TEXT
			}
			b.WriteByte(c)
		}
	}
	return b.String()
}

// writeLine writes a content line folded at 75 octets: a longer line goes
// on in continuation lines that start with a space (RFC 5545 §3.1). A fold
// never splits a UTF-8 sequence.
func writeLine(w *bufio.Writer, s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		w.WriteString(s[:cut])
		w.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	w.WriteString(s)
	w.WriteString("\r\n")
}

func itoa(n int) string { return strconv.Itoa(n) }

// ftoa writes a GEO coordinate with at most six decimals (about 0.1 m).
func ftoa(f float64) string {
	s := strings.TrimRight(strings.TrimRight(strconv.FormatFloat(f, 'f', 6, 64), "0"), ".")
	if s == "" || s == "-" || s == "-0" {
		return "0"
	}
	return s
}
