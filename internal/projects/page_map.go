package projects

import (
	"html/template"
	"net/http"
	"strings"

	"github.com/kongsi/kongsi/internal/geomap"
	"github.com/kongsi/kongsi/internal/i18n"
	"github.com/kongsi/kongsi/internal/problem"
)

// legendItem is one colour of a map's legend.
type legendItem struct{ Class, Label string }

type mapData struct {
	labels
	Filter     Filter
	Query      template.URL
	Color      string
	Map        template.HTML
	Legend     []legendItem
	Items      []*Summary // those on the map
	NoLocation int
	Total      int
}

// statusClass is the colour of a project's status on maps.
func statusClass(p *Summary) string {
	if p.Halt != "" {
		return "s6"
	}
	switch p.Status {
	case "identification", "preparation":
		return "s3"
	case "implementation":
		return "s2"
	case "completion", "maintenance":
		return "s5"
	case "cancelled":
		return "neg"
	}
	return "s4"
}

// statusLegend is the legend of the map coloured by status.
func statusLegend(l *i18n.Locale) []legendItem {
	return []legendItem{
		{"s3", l.T("Identification or preparation")}, {"s2", l.T("Implementation")}, {"s6", l.T("Stalled or suspended")},
		{"s5", l.T("Completed or in operation")}, {"s4", l.T("Decommissioning or decommissioned")}, {"neg", l.T("Cancelled")},
	}
}

func designationLegend(l *i18n.Locale) []legendItem {
	var out []legendItem
	for _, s := range DesignationStates {
		out = append(out, legendItem{designationClass(s.Code), l.T(s.Title)})
	}
	return out
}

func (h *handlers) mapPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	f, err := FilterFrom(r.URL.Query())
	if err != nil {
		return err
	}
	l := h.site.Locale(r)
	d := mapData{labels: labels{l}, Filter: f, Query: template.URL(f.Values().Encode()), Color: r.URL.Query().Get("color")}
	switch d.Color {
	case "", "designation":
		d.Color, d.Legend = "designation", designationLegend(l)
	case "status":
		d.Legend = statusLegend(l)
	default:
		return problem.Invalid("color", "param.enum", "color is designation or status")
	}
	all, _, err := List(ctx, h.site.Node.Store, f, 0)
	if err != nil {
		return err
	}
	d.Total = len(all)
	m := &geomap.Map{Title: l.T("Projects in the region"), Width: 960, Names: l.Country}
	hosts := map[string]bool{}
	for _, p := range all {
		if p.Lon == nil || p.Lat == nil {
			d.NoLocation++
			continue
		}
		d.Items = append(d.Items, p)
		class := designationClass(p.Designation)
		if d.Color == "status" {
			class = statusClass(p)
		}
		m.Points = append(m.Points, geomap.Point{Lon: *p.Lon, Lat: *p.Lat, Href: p.URL, Class: class, Size: 6,
			Label: l.T("%s (%s): %s; Belt and Road %s", p.Name, p.HostName, d.StatusOf(p), strings.ToLower(d.Label("designation", p.Designation)))})
		hosts[p.Host] = true
	}
	for _, c := range geomap.Countries() {
		if hosts[strings.ToLower(c.ISO3)] {
			m.Countries = append(m.Countries, geomap.CountryStyle{ISO3: c.ISO3, Class: "highlight", Href: "/projects/map?" + withParam(f, "country", strings.ToLower(c.ISO3), d.Color)})
		}
	}
	if d.Color == "status" {
		m.Desc = l.T("A map of China and Southeast Asia with %d projects as dots, coloured by status; the table below lists the same projects.", len(d.Items))
	} else {
		m.Desc = l.T("A map of China and Southeast Asia with %d projects as dots, coloured by designation; the table below lists the same projects.", len(d.Items))
	}
	if d.Map, err = m.SVG(); err != nil {
		return err
	}
	return h.site.Render(w, r, http.StatusOK, "projects-map", d)
}

func withParam(f Filter, key, value, color string) string {
	v := f.Values()
	v.Set(key, value)
	if color != "" && color != "designation" {
		v.Set("color", color)
	}
	return v.Encode()
}
