// Package feed writes Atom 1.0 feeds (RFC 4287), so that people can follow
// new records, alerts and obligations in a feed reader.
package feed

import (
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Feed is an Atom feed.
type Feed struct {
	ID      string // a permanent, unique IRI: the feed's URL will do
	Title   string
	Link    string // the HTML page the feed follows
	Self    string // the feed's own URL
	Updated time.Time
	Author  string
	Entries []Entry
}

// Entry is one entry of a feed.
type Entry struct {
	ID        string // permanent and unique: the record's URL will do
	Title     string
	Link      string
	Updated   time.Time
	Published time.Time // optional
	Author    string    // optional; the feed's author otherwise
	Summary   string    // plain text
	Category  string    // optional
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomText struct {
	Type string `xml:"type,attr,omitempty"`
	Body string `xml:",chardata"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

type atomEntry struct {
	ID        string        `xml:"id"`
	Title     atomText      `xml:"title"`
	Link      atomLink      `xml:"link"`
	Updated   string        `xml:"updated"`
	Published string        `xml:"published,omitempty"`
	Author    *atomPerson   `xml:"author,omitempty"`
	Summary   *atomText     `xml:"summary,omitempty"`
	Category  *atomCategory `xml:"category,omitempty"`
}

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string      `xml:"id"`
	Title   atomText    `xml:"title"`
	Links   []atomLink  `xml:"link"`
	Updated string      `xml:"updated"`
	Author  atomPerson  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Write writes the feed as Atom XML.
func (f *Feed) Write(w io.Writer) error {
	if f.ID == "" || f.Title == "" || f.Author == "" {
		return fmt.Errorf("a feed needs an ID, a title and an author")
	}
	updated := f.Updated
	a := atomFeed{
		ID: f.ID, Title: atomText{Body: f.Title}, Author: atomPerson{f.Author},
		Links: []atomLink{{Href: f.Link, Rel: "alternate", Type: "text/html"}},
	}
	if f.Self != "" {
		a.Links = append(a.Links, atomLink{Href: f.Self, Rel: "self", Type: "application/atom+xml"})
	}
	for _, e := range f.Entries {
		if e.ID == "" || e.Title == "" || e.Updated.IsZero() {
			return fmt.Errorf("a feed entry needs an ID, a title and a time")
		}
		ae := atomEntry{ID: e.ID, Title: atomText{Body: e.Title}, Link: atomLink{Href: e.Link, Rel: "alternate"}, Updated: stamp(e.Updated)}
		if !e.Published.IsZero() {
			ae.Published = stamp(e.Published)
		}
		if e.Author != "" {
			ae.Author = &atomPerson{e.Author}
		}
		if e.Summary != "" {
			ae.Summary = &atomText{Type: "text", Body: e.Summary}
		}
		if e.Category != "" {
			ae.Category = &atomCategory{e.Category}
		}
		if e.Updated.After(updated) {
			updated = e.Updated
		}
		a.Entries = append(a.Entries, ae)
	}
	if updated.IsZero() {
		updated = time.Unix(0, 0)
	}
	a.Updated = stamp(updated)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	return enc.Encode(a)
}

// Serve writes the feed as an HTTP answer.
func (f *Feed) Serve(w http.ResponseWriter) error {
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	return f.Write(w)
}
