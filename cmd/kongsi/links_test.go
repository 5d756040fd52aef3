package main

import (
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestLinks follows every link and form of the demonstration register's
// pages, from the home page and from the filtered pages of each module, and
// checks that each answers. A link that the page builds wrongly (a filter
// escaped into the path, a missing record) fails here.
func TestLinks(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls the whole demo site")
	}
	demo := startKongsi(t, "demo", "-data", t.TempDir()+"/demo", "-addr", "127.0.0.1:0")
	base, _ := url.Parse(demo.addr)
	seeds := []string{
		"/",
		"/records?kind=declaration", "/records?q=Ream",
		"/portcalls?state=JPN", "/activities?state=khm", "/openness?facility=facilities/khm/ream",
		"/projects?country=khm", "/projects/map?status=maintenance", "/projects/report?sponsor_type=state-owned-enterprise", "/projects/risk?country=idn",
		"/commitments?party=khm.mfaic", "/board?owner=chn.mofcom", "/initiatives?state=vnm",
		"/trade/surges?partner=THA&year=2005", "/trade/alerts?member=tha",
	}
	c := &crawler{base: base, seen: map[string]string{}, paths: map[string]int{}}
	for _, s := range seeds {
		c.add(s, "(seed)")
	}
	var broken []string
	for len(c.queue) > 0 {
		u := c.queue[0]
		c.queue = c.queue[1:]
		if status, err := c.visit(u); err != nil {
			broken = append(broken, u+" ← "+c.seen[u]+": "+err.Error())
		} else if status >= 400 {
			broken = append(broken, u+" ← "+c.seen[u]+": "+http.StatusText(status))
		}
	}
	if len(c.seen) < 500 {
		t.Errorf("only %d pages and files reached from the home page; the crawl lost its way", len(c.seen))
	}
	if len(broken) > 0 {
		t.Errorf("%d of %d links are broken:\n%s", len(broken), len(c.seen), strings.Join(broken, "\n"))
	}
	t.Logf("%d links followed", len(c.seen))
}

type crawler struct {
	base  *url.URL
	seen  map[string]string // URL → the page that links to it
	paths map[string]int    // path → how many of its queries are queued
	queue []string
}

// queriesPerPath bounds the filters, pages and sorts followed on one path:
// enough to try each kind of link, not every combination.
const queriesPerPath = 30

// add queues a link found on page, if it is the site's own and new.
func (c *crawler) add(link, page string) {
	u, err := c.base.Parse(link)
	if err != nil || u.Host != c.base.Host || u.Scheme != c.base.Scheme {
		return
	}
	u.Fragment = ""
	// The log's tiles are many and checked by the log's own tests; the
	// checkpoint and key are links of the pages.
	if strings.HasPrefix(u.Path, "/log/tile/") {
		return
	}
	s := u.RequestURI()
	if _, ok := c.seen[s]; ok || (u.RawQuery != "" && c.paths[u.Path] >= queriesPerPath) {
		return
	}
	c.paths[u.Path]++
	c.seen[s] = page
	c.queue = append(c.queue, s)
}

// visit fetches a URL and, for a page, queues its links and the GET forms
// as they would be sent untouched.
func (c *crawler) visit(u string) (int, error) {
	resp, err := http.Get(c.base.Scheme + "://" + c.base.Host + u)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, nil
	}
	doc, err := html.Parse(resp.Body)
	if err != nil {
		return 0, err
	}
	var form *url.Values
	var action string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "a", "link":
				if h := attr(n, "href"); h != "" {
					c.add(h, u)
				}
			case "img", "script":
				if s := attr(n, "src"); s != "" {
					c.add(s, u)
				}
			case "form":
				if m := strings.ToLower(attr(n, "method")); m == "" || m == "get" {
					action = attr(n, "action")
					if action == "" {
						action, _, _ = strings.Cut(u, "?")
					}
					form = &url.Values{}
					for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
						walk(ch)
					}
					c.add(action+"?"+form.Encode(), u)
					form = nil
					return
				}
			case "input":
				if form != nil && attr(n, "name") != "" {
					switch attr(n, "type") {
					case "checkbox", "radio":
						if hasAttr(n, "checked") {
							form.Add(attr(n, "name"), valueOr(attr(n, "value"), "on"))
						}
					case "submit", "button", "image":
					default:
						form.Add(attr(n, "name"), attr(n, "value"))
					}
				}
			case "select":
				if form != nil && attr(n, "name") != "" {
					form.Add(attr(n, "name"), selected(n))
				}
			}
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch)
		}
	}
	walk(doc)
	return resp.StatusCode, nil
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, name string) bool {
	return slices.ContainsFunc(n.Attr, func(a html.Attribute) bool { return a.Key == name })
}

func valueOr(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// selected is the value a select sends: its selected option's, or its
// first's.
func selected(n *html.Node) string {
	var first, sel *html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "option" {
			if first == nil {
				first = n
			}
			if sel == nil && hasAttr(n, "selected") {
				sel = n
			}
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch)
		}
	}
	walk(n)
	if sel == nil {
		sel = first
	}
	if sel == nil {
		return ""
	}
	if hasAttr(sel, "value") {
		return attr(sel, "value")
	}
	if sel.FirstChild != nil {
		return strings.TrimSpace(sel.FirstChild.Data)
	}
	return ""
}
