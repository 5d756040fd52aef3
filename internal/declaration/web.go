package declaration

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"time"

	"github.com/kongsi/kongsi/internal/bodydiff"
	"github.com/kongsi/kongsi/internal/browse"
	"github.com/kongsi/kongsi/internal/chart"
	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/store"
	"github.com/kongsi/kongsi/internal/web"
)

//go:embed templates/*.html
var templates embed.FS

//go:embed locales/*.json
var locales embed.FS

// Translations are the module's catalogs: the translations of its pages'
// words, of its kind's title and body labels, and of its categories.
func (*Module) Translations() fs.FS { return locales }

type handlers struct {
	site *web.Site
}

// Web adds the module's pages and API.
func (*Module) Web(s *web.Site) error {
	if err := s.AddTemplates(templates, "templates/*.html"); err != nil {
		return err
	}
	if err := s.AddTranslations(locales, "locales"); err != nil {
		return err
	}
	h := &handlers{site: s}
	s.AddNav("Declarations", "/declarations")
	s.Page("GET /declarations", h.list)
	s.Page("GET /declarations/{state}/{topic}", h.show)
	s.API("GET /api/v1/declarations", h.apiList)
	s.API("GET /api/v1/declarations/{state}/{topic}", h.apiShow)
	s.RenderBody(Kind, h.body)
	s.OpenAPIPaths(openAPIPaths())
	return nil
}

// Summary is a declaration in lists.
type Summary struct {
	Subject       string `json:"subject"`
	State         string `json:"state"`
	StateName     string `json:"state_name"`
	Topic         string `json:"topic"`
	Category      string `json:"category"`
	CategoryTitle string `json:"category_title"`
	Title         string `json:"title"`
	StatedOn      string `json:"stated_on"`
	FirstStatedOn string `json:"first_stated_on"`
	Language      string `json:"language"`
	Author        string `json:"author"`
	Withdrawn     bool   `json:"withdrawn"`
	Versions      int    `json:"versions"`
	Latest        uint64 `json:"latest_index"`
	URL           string `json:"url"`
}

// Filter selects declarations.
type Filter struct {
	State    string
	Category string
}

func filterFrom(r *http.Request) (Filter, error) {
	f := Filter{State: r.URL.Query().Get("state"), Category: r.URL.Query().Get("category")}
	if f.Category != "" && CategoryTitle(f.Category) == f.Category {
		return f, problem.Invalid("category", "param.enum", "there is no category %q", f.Category)
	}
	return f, nil
}

// List lists declarations, by state and then by date.
func List(ctx context.Context, st store.Store, f Filter) ([]*Summary, error) {
	q := `SELECT d.subject, d.state, COALESCE(p.name, d.state), d.topic, d.category, d.title, d.stated_on, d.first_stated_on, d.language, d.author, d.withdrawn, d.versions, d.head_idx
		FROM declarations d LEFT JOIN parties p ON p.id = d.state WHERE ($1 = '' OR d.state = $1) AND ($2 = '' OR d.category = $2)
		ORDER BY COALESCE(p.name, d.state), d.stated_on DESC`
	rows, err := st.Reader().QueryContext(ctx, q, f.State, f.Category)
	if err != nil {
		return nil, fmt.Errorf("couldn't list declarations: %w", err)
	}
	defer rows.Close()
	out := []*Summary{}
	for rows.Next() {
		var s Summary
		var withdrawn int
		var head int64
		if err := rows.Scan(&s.Subject, &s.State, &s.StateName, &s.Topic, &s.Category, &s.Title, &s.StatedOn, &s.FirstStatedOn, &s.Language, &s.Author, &withdrawn, &s.Versions, &head); err != nil {
			return nil, err
		}
		s.Withdrawn, s.Latest = withdrawn == 1, uint64(head)
		s.CategoryTitle = CategoryTitle(s.Category)
		s.URL = "/" + s.Subject
		out = append(out, &s)
	}
	return out, rows.Err()
}

// versionRow is one version of a declaration, for the timeline.
type versionRow struct {
	subject, title, statedOn string
	index                    uint64
	version                  int
}

// allVersions reads every version of every declaration, oldest first, in
// one query.
func allVersions(ctx context.Context, st store.Store) ([]versionRow, error) {
	rows, err := st.Reader().QueryContext(ctx, `SELECT r.subject, r.idx, r.version, r.body FROM records r WHERE r.kind = $1 ORDER BY r.idx`, Kind)
	if err != nil {
		return nil, fmt.Errorf("couldn't read the declarations' versions: %w", err)
	}
	defer rows.Close()
	var out []versionRow
	for rows.Next() {
		var v versionRow
		var idx int64
		var body string
		if err := rows.Scan(&v.subject, &idx, &v.version, &body); err != nil {
			return nil, err
		}
		var b struct {
			Title    string `json:"title"`
			StatedOn string `json:"stated_on"`
		}
		if err := json.Unmarshal([]byte(body), &b); err != nil {
			return nil, err
		}
		v.index, v.title, v.statedOn = uint64(idx), b.Title, b.StatedOn
		out = append(out, v)
	}
	return out, rows.Err()
}

type listData struct {
	Filter     Filter
	Items      []*Summary
	States     []*browse.Party
	Categories []struct{ ID, Title string }
	Timeline   template.HTML
	Changed    int
}

func (h *handlers) list(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	l := h.site.Locale(r)
	f, err := filterFrom(r)
	if err != nil {
		return err
	}
	d := listData{Filter: f, Categories: Categories}
	if d.Items, err = List(ctx, h.site.Node.Store, f); err != nil {
		return err
	}
	parties, err := h.site.Parties(ctx)
	if err != nil {
		return err
	}
	for _, p := range parties {
		if p.Type == "state" {
			d.States = append(d.States, p)
		}
	}
	// A timeline: one row per state, a dot per version when it was stated.
	versions, err := allVersions(ctx, h.site.Node.Store)
	if err != nil {
		return err
	}
	shown := map[string]*Summary{}
	for _, it := range d.Items {
		shown[it.Subject] = it
		if it.Versions > 1 {
			d.Changed++
		}
	}
	rows := map[string]*chart.Row{}
	var order []string
	for _, it := range d.Items {
		if _, ok := rows[it.State]; !ok {
			rows[it.State] = &chart.Row{Label: l.Country(it.State, it.StateName), Href: "/declarations?state=" + it.State}
			order = append(order, it.State)
		}
	}
	for _, v := range versions {
		it, ok := shown[v.subject]
		if !ok {
			continue
		}
		t, err := time.Parse("2006-01-02", v.statedOn)
		if err != nil {
			continue
		}
		class := "s1"
		if v.version > 1 {
			class = "s2"
		}
		rows[it.State].Events = append(rows[it.State].Events, chart.Event{Date: t, Label: l.T("%s: %s (version %d)", l.Country(it.State, it.StateName), v.title, v.version), Href: "/records/" + strconv.FormatUint(v.index, 10), Class: class, DateText: l.Date(t)})
	}
	var trows []chart.Row
	for _, s := range order {
		trows = append(trows, *rows[s])
	}
	d.Timeline = chart.Timeline(l.T("When positions were stated"), l.T("Each dot is a version of a declaration, placed at the date the position was stated publicly; later versions are in the second colour."), trows)
	return h.site.Render(w, r, http.StatusOK, "declarations", d)
}

// Version is one version of a declaration, with what it changed.
type Version struct {
	Index   uint64            `json:"index"`
	ID      string            `json:"id"`
	Version int               `json:"version"`
	Author  string            `json:"author"`
	Signed  string            `json:"signed"`
	Body    Body              `json:"body"`
	Changes []bodydiff.Change `json:"changes,omitempty"`
}

// Detail is a declaration with all its versions, newest first.
type Detail struct {
	Subject   string    `json:"subject"`
	State     string    `json:"state"`
	StateName string    `json:"state_name"`
	Current   Version   `json:"current"`
	Versions  []Version `json:"versions"`
}

// fieldOrder is the order in which a reader compares two versions: what the
// position is, then when and by whom it was stated, then where.
var fieldOrder = []string{"title", "text", "topic", "category", "stated_on", "stated_by", "language", "withdrawn", "change_note", "sources"}

func detail(ctx context.Context, st store.Store, subject string) (*Detail, error) {
	hist, err := browse.History(ctx, st, subject)
	if err != nil {
		return nil, err
	}
	if len(hist) == 0 || hist[0].Kind != Kind {
		return nil, problem.NotFound("subject", "declaration.unknown", "there is no declaration %q", subject)
	}
	d := &Detail{Subject: subject}
	d.State = hist[0].Subject[len("declarations/"):][:3]
	d.StateName = d.State
	if p, err := browse.GetParty(ctx, st, d.State); err == nil {
		d.StateName = p.Name
	}
	for i := len(hist) - 1; i >= 0; i-- {
		v := Version{Index: hist[i].Index, ID: hist[i].ID, Version: hist[i].Version, Author: hist[i].Author, Signed: hist[i].Time}
		if err := json.Unmarshal(hist[i].Body, &v.Body); err != nil {
			return nil, err
		}
		if i > 0 {
			if v.Changes, err = bodydiff.Diff(hist[i-1].Body, hist[i].Body, fieldOrder); err != nil {
				return nil, err
			}
		}
		d.Versions = append(d.Versions, v)
	}
	d.Current = d.Versions[0]
	return d, nil
}

type showData struct {
	*Detail
	CategoryTitle string
	Compare       *compareView
	Options       []int
}

type compareView struct {
	From, To int
	Changes  []bodydiff.Change
}

func (h *handlers) show(w http.ResponseWriter, r *http.Request) error {
	subject := "declarations/" + r.PathValue("state") + "/" + r.PathValue("topic")
	d, err := detail(r.Context(), h.site.Node.Store, subject)
	if err != nil {
		return err
	}
	sd := showData{Detail: d, CategoryTitle: CategoryTitle(d.Current.Body.Category)}
	for i := len(d.Versions); i >= 1; i-- {
		sd.Options = append(sd.Options, i)
	}
	// Compare any two versions: ?from=1&to=3.
	if fs, ts := r.URL.Query().Get("from"), r.URL.Query().Get("to"); fs != "" || ts != "" {
		from, err1 := strconv.Atoi(fs)
		to, err2 := strconv.Atoi(ts)
		n := len(d.Versions)
		if err1 != nil || err2 != nil || from < 1 || to < 1 || from > n || to > n {
			return problem.Invalid("from", "param.range", "from and to must be version numbers from 1 to %d", n)
		}
		a, _ := json.Marshal(d.Versions[n-from].Body)
		b, _ := json.Marshal(d.Versions[n-to].Body)
		changes, err := bodydiff.Diff(a, b, fieldOrder)
		if err != nil {
			return err
		}
		sd.Compare = &compareView{From: from, To: to, Changes: changes}
	}
	return h.site.Render(w, r, http.StatusOK, "declaration", sd)
}

func (h *handlers) body(r *http.Request, rec *browse.Record) (template.HTML, error) {
	var b Body
	if err := json.Unmarshal(rec.Body, &b); err != nil {
		return "", err
	}
	return h.site.RenderFragment(r, "declaration", "position", struct {
		Body          Body
		Subject       string
		CategoryTitle string
		Version       int
	}{b, rec.Subject, CategoryTitle(b.Category), rec.Version})
}

func (h *handlers) apiList(w http.ResponseWriter, r *http.Request) error {
	f, err := filterFrom(r)
	if err != nil {
		return err
	}
	items, err := List(r.Context(), h.site.Node.Store, f)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, struct {
		Declarations []*Summary `json:"declarations"`
	}{items})
}

func (h *handlers) apiShow(w http.ResponseWriter, r *http.Request) error {
	d, err := detail(r.Context(), h.site.Node.Store, "declarations/"+r.PathValue("state")+"/"+r.PathValue("topic"))
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, d)
}

func openAPIPaths() map[string]any {
	summary := map[string]any{"type": "object", "properties": map[string]any{
		"subject": web.Str, "state": web.Str, "state_name": web.Str, "topic": web.Str, "category": web.Str, "category_title": web.Str, "title": web.Str,
		"stated_on": web.Str, "first_stated_on": web.Str, "language": web.Str, "author": web.Str, "withdrawn": map[string]any{"type": "boolean"},
		"versions": web.Int, "latest_index": web.Int, "url": web.Str,
	}}
	change := map[string]any{"type": "object", "properties": map[string]any{"Path": web.Str, "Op": web.Str, "Old": web.Str, "New": web.Str, "Words": map[string]any{"type": "array"}}}
	version := map[string]any{"type": "object", "properties": map[string]any{
		"index": web.Int, "id": web.Str, "version": web.Int, "author": web.Str, "signed": web.Str,
		"body": web.Ref("body." + Kind), "changes": map[string]any{"type": "array", "items": change},
	}}
	return map[string]any{
		"/api/v1/declarations": map[string]any{"get": web.Op("Official positions, by state.", []map[string]any{
			web.Param("query", "state", "A state's code.", web.Str),
			web.Param("query", "category", "maritime-claim, alliance, strategic-intention, basing-policy, security-doctrine, trade-policy or other.", web.Str),
		}, web.JSONResponse("Declarations.", map[string]any{"type": "object", "properties": map[string]any{"declarations": map[string]any{"type": "array", "items": summary}}}))},
		"/api/v1/declarations/{state}/{topic}": map[string]any{"get": web.Op("One declaration with every version, newest first, and what each changed.", []map[string]any{
			web.Param("path", "state", "The state's code.", web.Str), web.Param("path", "topic", "The topic's slug.", web.Str),
		}, web.JSONResponse("The declaration.", map[string]any{"type": "object", "properties": map[string]any{
			"subject": web.Str, "state": web.Str, "state_name": web.Str, "current": version, "versions": map[string]any{"type": "array", "items": version},
		}}))},
	}
}
