package projects

import (
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"github.com/kongsi/kongsi/internal/geomap"
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

var statusLegend = []legendItem{
	{"s3", "Identification or preparation"}, {"s2", "Implementation"}, {"s6", "Stalled or suspended"},
	{"s5", "Completed or in operation"}, {"s4", "Decommissioning or decommissioned"}, {"neg", "Cancelled"},
}

func designationLegend() []legendItem {
	var out []legendItem
	for _, s := range DesignationStates {
		out = append(out, legendItem{designationClass(s.Code), s.Title})
	}
	return out
}

func (h *handlers) mapPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	f, err := FilterFrom(r.URL.Query())
	if err != nil {
		return err
	}
	d := mapData{Filter: f, Query: template.URL(f.Values().Encode()), Color: r.URL.Query().Get("color")}
	switch d.Color {
	case "", "designation":
		d.Color, d.Legend = "designation", designationLegend()
	case "status":
		d.Legend = statusLegend
	default:
		return problem.Invalid("color", "param.enum", "color is designation or status")
	}
	all, _, err := List(ctx, h.site.Node.Store, f, 0)
	if err != nil {
		return err
	}
	d.Total = len(all)
	m := &geomap.Map{Title: "Projects in the region", Width: 960}
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
			Label: fmt.Sprintf("%s (%s): %s; Belt and Road %s", p.Name, p.HostName, p.StatusLabel(), strings.ToLower(p.DesignationTitle))})
		hosts[p.Host] = true
	}
	for _, c := range geomap.Countries() {
		if hosts[strings.ToLower(c.ISO3)] {
			m.Countries = append(m.Countries, geomap.CountryStyle{ISO3: c.ISO3, Class: "highlight", Href: "/projects/map?" + withParam(f, "country", strings.ToLower(c.ISO3), d.Color)})
		}
	}
	m.Desc = fmt.Sprintf("A map of China and Southeast Asia with %d projects as dots, coloured by %s; the table below lists the same projects.", len(d.Items), d.Color)
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
