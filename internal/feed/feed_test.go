package feed

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
	"time"
)

func TestWrite(t *testing.T) {
	at := time.Date(2025, 4, 27, 9, 30, 0, 0, time.UTC)
	f := &Feed{ID: "https://r.example/feed", Title: "New records", Link: "https://r.example/", Self: "https://r.example/feed", Author: "Kongsi",
		Entries: []Entry{{ID: "https://r.example/records/1", Title: "Port call <Ream> & more", Link: "https://r.example/records/1", Updated: at, Summary: "A Vietnamese vessel docked.", Category: "portcall"}}}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	var parsed struct {
		XMLName xml.Name
		Updated string `xml:"updated"`
		Entries []struct {
			Title string `xml:"title"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(b.Bytes(), &parsed); err != nil {
		t.Fatalf("not well-formed: %v\n%s", err, b.String())
	}
	if parsed.XMLName.Space != "http://www.w3.org/2005/Atom" || parsed.Updated != "2025-04-27T09:30:00Z" || parsed.Entries[0].Title != "Port call <Ream> & more" {
		t.Errorf("parsed %+v", parsed)
	}
	if !strings.Contains(b.String(), `rel="self"`) {
		t.Error("no self link")
	}
	if err := (&Feed{ID: "x", Title: "x", Author: "x", Entries: []Entry{{Title: "no id"}}}).Write(&b); err == nil {
		t.Error("an entry without an ID was written")
	}
}
