package security

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/kongsi/kongsi/internal/i18n"
)

// PortCallFact is what openness metrics need of a port call.
type PortCallFact struct {
	Subject   string `json:"subject"`
	Facility  string `json:"facility"`
	Requester string `json:"requesting_state"`
	Status    string `json:"status"`
	Decision  string `json:"decision,omitempty"` // approved, declined, or "" if undecided
	Arrival   string `json:"arrival"`
	// RequestedOn and DecidedOn are the dates the request and the decision
	// were made, where known ("" otherwise): stated in the records, or the
	// records' own dates when they were made before the visit.
	RequestedOn string `json:"requested_on,omitempty"`
	DecidedOn   string `json:"decided_on,omitempty"`
}

// ResponseDays is the number of days from request to decision, and whether
// it is known.
func (f *PortCallFact) ResponseDays() (int, bool) {
	r, ok1 := parseDate(f.RequestedOn)
	d, ok2 := parseDate(f.DecidedOn)
	if !ok1 || !ok2 || f.Decision == "" {
		return 0, false
	}
	return int(d.Sub(r).Hours() / 24), true
}

// StateVisits is one visiting state's visits.
type StateVisits struct {
	State  string  `json:"state"`
	Name   string  `json:"name"`
	Visits int     `json:"visits"`
	Share  float64 `json:"share"` // of all visits, from 0 to 1
}

// StateRequests is how one requesting state's requests were treated.
type StateRequests struct {
	State    string `json:"state"`
	Name     string `json:"name"`
	Requests int    `json:"requests"`
	Pending  int    `json:"pending"`
	Decided  int    `json:"decided"`
	Approved int    `json:"approved"`
	Declined int    `json:"declined"`
	// ApprovalRate is Approved / Decided; nil when nothing was decided.
	ApprovalRate *float64 `json:"approval_rate"`
	// ResponseDays are the known times from request to decision, sorted;
	// MedianResponseDays their median, nil when none is known.
	ResponseDays       []int    `json:"response_days"`
	MedianResponseDays *float64 `json:"median_response_days"`
}

// Openness measures how open a facility (or the region) is from its port
// calls with arrival dates in a window.
type Openness struct {
	Facility string `json:"facility,omitempty"` // "" for the region
	From     string `json:"from,omitempty"`
	To       string `json:"to,omitempty"`

	// Visits are the completed port calls; ByState counts them per
	// visiting state, most first.
	Visits         int           `json:"visits"`
	DistinctStates int           `json:"distinct_states"`
	ByState        []StateVisits `json:"visits_by_state"`
	// HHI is the Herfindahl–Hirschman index of visits by state: the sum of
	// the squared shares in percent, from 10,000/N (N states visiting
	// equally) to 10,000 (one state made every visit). Nil with no visits.
	HHI        *float64 `json:"hhi"`
	HHIFormula string   `json:"hhi_formula,omitempty"`
	TopState   string   `json:"top_state,omitempty"`
	TopShare   *float64 `json:"top_share"`
	// TopTied is how many other states made as many visits as TopState.
	TopTied int `json:"top_tied"`

	// Requests treats every port call in the window by requesting state.
	Requests           []StateRequests `json:"requests_by_state"`
	RequestCount       int             `json:"requests"`
	ApprovalRate       *float64        `json:"approval_rate"`
	MedianResponseDays *float64        `json:"median_response_days"`

	// Inputs are the port calls measured.
	Inputs []PortCallFact `json:"inputs"`
}

// Measure computes the openness metrics of the given port calls, which the
// caller has selected (by facility and window).
func Measure(facts []PortCallFact) *Openness {
	o := &Openness{Inputs: facts}
	if o.Inputs == nil {
		o.Inputs = []PortCallFact{}
	}
	visits := map[string]int{}
	reqs := map[string]*StateRequests{}
	var allDays []int
	approved, decided := 0, 0
	for i := range facts {
		f := &facts[i]
		if f.Status == PortCallCompleted {
			visits[f.Requester]++
			o.Visits++
		}
		r := reqs[f.Requester]
		if r == nil {
			r = &StateRequests{State: f.Requester, Name: StateName(f.Requester), ResponseDays: []int{}}
			reqs[f.Requester] = r
		}
		r.Requests++
		o.RequestCount++
		switch f.Decision {
		case PortCallApproved:
			r.Decided++
			r.Approved++
		case PortCallDeclined:
			r.Decided++
			r.Declined++
		default:
			if f.Status == PortCallRequested {
				r.Pending++
			}
		}
		if d, ok := f.ResponseDays(); ok {
			r.ResponseDays = append(r.ResponseDays, d)
			allDays = append(allDays, d)
		}
	}
	for s, n := range visits {
		o.ByState = append(o.ByState, StateVisits{State: s, Name: StateName(s), Visits: n, Share: float64(n) / float64(o.Visits)})
	}
	slices.SortFunc(o.ByState, func(a, b StateVisits) int {
		return cmp.Or(cmp.Compare(b.Visits, a.Visits), cmp.Compare(a.State, b.State))
	})
	o.DistinctStates = len(o.ByState)
	if o.Visits > 0 {
		hhi := 0.0
		var terms []string
		for _, v := range o.ByState {
			p := 100 * v.Share
			hhi += p * p
			terms = append(terms, fmt.Sprintf("%s² (%s)", trim(p), v.State))
		}
		o.HHI = &hhi
		o.HHIFormula = fmt.Sprintf("HHI = %s = %s", strings.Join(terms, " + "), group(int(math.Round(hhi))))
		o.TopState = o.ByState[0].State
		top := o.ByState[0].Share
		o.TopShare = &top
		for _, v := range o.ByState[1:] {
			if v.Visits == o.ByState[0].Visits {
				o.TopTied++
			}
		}
	}
	for _, r := range reqs {
		slices.Sort(r.ResponseDays)
		r.MedianResponseDays = median(r.ResponseDays)
		if r.Decided > 0 {
			rate := float64(r.Approved) / float64(r.Decided)
			r.ApprovalRate = &rate
		}
		approved += r.Approved
		decided += r.Decided
		o.Requests = append(o.Requests, *r)
	}
	slices.SortFunc(o.Requests, func(a, b StateRequests) int {
		return cmp.Or(cmp.Compare(b.Requests, a.Requests), cmp.Compare(a.State, b.State))
	})
	if decided > 0 {
		rate := float64(approved) / float64(decided)
		o.ApprovalRate = &rate
	}
	slices.Sort(allDays)
	o.MedianResponseDays = median(allDays)
	return o
}

// median of sorted values; nil for none.
func median(xs []int) *float64 {
	if len(xs) == 0 {
		return nil
	}
	m := float64(xs[len(xs)/2])
	if len(xs)%2 == 0 {
		m = float64(xs[len(xs)/2-1]+xs[len(xs)/2]) / 2
	}
	return &m
}

// trim writes a percentage with at most one decimal.
func trim(p float64) string {
	s := fmt.Sprintf("%.1f", p)
	return strings.TrimSuffix(s, ".0")
}

// Display helpers, for templates: figures in the reader's language.

func pctOf(l *i18n.Locale, p *float64) string {
	if p == nil {
		return "—"
	}
	return percentText(l, *p)
}

func daysOf(l *i18n.Locale, p *float64) string {
	if p == nil {
		return "—"
	}
	return daysText(l, *p)
}

// Percent is the state's share of visits, in percent.
func (v StateVisits) Percent(l *i18n.Locale) string { return percentText(l, v.Share) }

// Squared is the state's term in the HHI: its share in percent, squared.
func (v StateVisits) Squared(l *i18n.Locale) string {
	p := 100 * v.Share
	return l.Number(math.Round(p * p))
}

// ApprovalPct is the approval rate in percent, or a dash.
func (r StateRequests) ApprovalPct(l *i18n.Locale) string { return pctOf(l, r.ApprovalRate) }

// MedianDays is the median response time in words, or a dash.
func (r StateRequests) MedianDays(l *i18n.Locale) string { return daysOf(l, r.MedianResponseDays) }

// ResponseList lists the known response times.
func (r StateRequests) ResponseList(l *i18n.Locale) string {
	if len(r.ResponseDays) == 0 {
		return l.T("none known")
	}
	s := make([]string, len(r.ResponseDays))
	for i, d := range r.ResponseDays {
		s[i] = l.Number(float64(d))
	}
	return listText(l, s)
}

// HHIText is the HHI rounded, or a dash.
func (o *Openness) HHIText(l *i18n.Locale) string {
	if o.HHI == nil {
		return "—"
	}
	return l.Number(math.Round(*o.HHI))
}

// HHIFloor is the lowest HHI the number of visiting states allows.
func (o *Openness) HHIFloor(l *i18n.Locale) string {
	if o.DistinctStates == 0 {
		return "—"
	}
	return l.Number(math.Round(10000 / float64(o.DistinctStates)))
}

// FormulaText is HHIFormula with the numbers as the reader's language
// writes them.
func (o *Openness) FormulaText(l *i18n.Locale) string {
	if o.HHI == nil {
		return ""
	}
	var terms []string
	for _, v := range o.ByState {
		terms = append(terms, fmt.Sprintf("%s² (%s)", l.Number(math.Round(1000*v.Share)/10), v.State))
	}
	return fmt.Sprintf("HHI = %s = %s", strings.Join(terms, " + "), o.HHIText(l))
}

// TopSharePct is the top visitor's share in percent, or a dash.
func (o *Openness) TopSharePct(l *i18n.Locale) string { return pctOf(l, o.TopShare) }

// TopName names the top visitor.
func (o *Openness) TopName() string { return StateName(o.TopState) }

// ApprovalPct is the overall approval rate in percent, or a dash.
func (o *Openness) ApprovalPct(l *i18n.Locale) string { return pctOf(l, o.ApprovalRate) }

// MedianDays is the overall median response time, or a dash.
func (o *Openness) MedianDays(l *i18n.Locale) string { return daysOf(l, o.MedianResponseDays) }
