package projects

import (
	"html/template"
	"net/http"
	"sort"
	"strconv"

	"github.com/kongsi/kongsi/internal/chart"
	"github.com/kongsi/kongsi/internal/web"
)

// ProjectIntensity is a project's outreach intensity.
type ProjectIntensity struct {
	Project   string    `json:"project"`
	Name      string    `json:"name"`
	Host      string    `json:"host"`
	HostName  string    `json:"host_name"`
	Status    string    `json:"status"`
	Intensity Intensity `json:"intensity"`
}

type outreachData struct {
	labels
	Day      string
	Projects []*ProjectIntensity
	Reports  []*Outreach
	Silent   int // active projects with no outreach in the last 12 months
	Active   int
	Chart    template.HTML
	ByType   map[string]int
	Comments int
	Disputes int
}

func (h *handlers) outreachData(r *http.Request) (*outreachData, error) {
	ctx := r.Context()
	today := h.m.now()
	l := h.site.Locale(r)
	d := &outreachData{labels: labels{l}, Day: today.UTC().Format("2006-01-02"), ByType: map[string]int{}}
	all, _, err := List(ctx, h.site.Node.Store, Filter{}, 0)
	if err != nil {
		return nil, err
	}
	if d.Reports, err = OutreachList(ctx, h.site.Node.Store, ""); err != nil {
		return nil, err
	}
	byProject := map[string][]*Outreach{}
	for _, o := range d.Reports {
		byProject[o.Project] = append(byProject[o.Project], o)
		d.ByType[o.Type]++
		d.Comments += len(o.Comments)
		for _, c := range o.Comments {
			if c.Stance == "disputes" {
				d.Disputes++
			}
		}
	}
	for _, p := range all {
		in := intensity(byProject[p.ID], today)
		if p.Status != "cancelled" && p.Status != "decommissioned" {
			d.Active++
			if in.Last12Months == 0 {
				d.Silent++
			}
		}
		if in.Total > 0 {
			d.Projects = append(d.Projects, &ProjectIntensity{Project: p.ID, Name: p.Name, Host: p.Host, HostName: p.HostName, Status: p.Status, Intensity: in})
		}
	}
	sort.SliceStable(d.Projects, func(i, j int) bool {
		a, b := d.Projects[i].Intensity, d.Projects[j].Intensity
		if a.Last12Months != b.Last12Months {
			return a.Last12Months > b.Last12Months
		}
		return a.Total > b.Total
	})
	var bars []chart.Bar
	for _, p := range d.Projects {
		bars = append(bars, chart.Bar{Label: p.Name, Value: float64(p.Intensity.Total), Href: "/projects/" + p.Project + "#outreach"})
	}
	d.Chart = chart.Bars(l.T("Outreach reported per project"), l.T("How many consultations, community programmes and CSR activities each project's sponsors reported."), bars, l.Number)
	return d, nil
}

func (h *handlers) outreach(w http.ResponseWriter, r *http.Request) error {
	d, err := h.outreachData(r)
	if err != nil {
		return err
	}
	return h.site.Render(w, r, http.StatusOK, "projects-outreach", d)
}

func (h *handlers) apiOutreach(w http.ResponseWriter, r *http.Request) error {
	d, err := h.outreachData(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, struct {
		Day      string              `json:"day"`
		Projects []*ProjectIntensity `json:"intensity"`
		Reports  []*Outreach         `json:"reports"`
	}{d.Day, d.Projects, d.Reports})
}

func (h *handlers) apiOutreachCSV(w http.ResponseWriter, r *http.Request) error {
	reports, err := OutreachList(r.Context(), h.site.Node.Store, "")
	if err != nil {
		return err
	}
	var rows [][]string
	for _, o := range reports {
		n := ""
		if o.Participants != nil {
			n = strconv.Itoa(*o.Participants)
		}
		rows = append(rows, []string{o.Subject, o.Project, o.ProjectName, o.Type, o.Title, o.Date, o.Place, n, o.ConductedBy, o.Reporter, strconv.Itoa(len(o.Comments)), strconv.FormatUint(o.Index, 10)})
	}
	return web.WriteCSV(w, "outreach.csv", []string{"subject", "project", "project_name", "type", "title", "date", "place", "participants", "conducted_by", "reporter", "comments", "index"}, rows)
}
