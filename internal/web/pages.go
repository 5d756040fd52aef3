package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"

	"github.com/kongsi/kongsi/internal/bodydiff"
	"github.com/kongsi/kongsi/internal/browse"
	"github.com/kongsi/kongsi/internal/chart"
	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/tlog"
)

type homeData struct {
	Status   *LogStatus
	Latest   []*browse.Record
	Counts   []browse.KindCount
	Chart    template.HTML
	Parties  int
	States   int
	Total    int
	BaseURL  string
	Verified bool
	Sections []RenderedSection
}

func (s *Site) home(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	st, err := s.logStatus(ctx)
	if err != nil {
		return err
	}
	d := homeData{Status: st, BaseURL: s.baseURL(r)}
	if d.Latest, err = browse.Records(ctx, s.Node.Store, browse.Query{Limit: 8}); err != nil {
		return err
	}
	if d.Counts, err = s.CountByKind(ctx); err != nil {
		return err
	}
	l := s.Locale(r)
	var bars []chart.Bar
	for _, c := range d.Counts {
		d.Total += c.Count
		bars = append(bars, chart.Bar{Label: l.T(s.kindTitle(c.Kind)), Value: float64(c.Count), Href: "/records?kind=" + c.Kind})
	}
	if d.Sections, err = renderSections(r, s.homeSec, struct{}{}); err != nil {
		return err
	}
	d.Chart = chart.Bars(l.T("Records by kind"), l.T("How many records of each kind the register holds."), bars, l.Number)
	parties, err := s.Parties(ctx)
	if err != nil {
		return err
	}
	for _, p := range parties {
		d.Parties++
		if p.Type == "state" {
			d.States++
		}
	}
	return s.Render(w, r, http.StatusOK, "home", d)
}

type recordListData struct {
	Query   browse.Query
	Params  map[string]string
	Records []*browse.Record
	Count   int
	Kinds   []kindOption
	Parties []*browse.Party
	Next    string
	Error   *problem.Error
}

type kindOption struct{ Name, Title string }

func (s *Site) recordList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d := recordListData{Params: map[string]string{}}
	for _, k := range []string{"kind", "author", "subject", "q", "from", "to"} {
		d.Params[k] = r.URL.Query().Get(k)
	}
	for _, k := range s.kindsInfo() {
		d.Kinds = append(d.Kinds, kindOption{k.Name, k.Title})
	}
	var err error
	if d.Parties, err = s.Parties(ctx); err != nil {
		return err
	}
	q, err := recordQuery(r)
	status := http.StatusOK
	if err != nil {
		// Show the form again with the reason, rather than an error page.
		d.Error = problem.As(err)
		status = problem.Status(err)
		return s.Render(w, r, status, "records", d)
	}
	q.Limit = 50
	d.Query = q
	if d.Records, err = browse.Records(ctx, s.Node.Store, q); err != nil {
		return err
	}
	if d.Count, err = browse.Count(ctx, s.Node.Store, q); err != nil {
		return err
	}
	if len(d.Records) == q.Limit && d.Records[len(d.Records)-1].Index > 0 {
		d.Next = withQuery(r, "before", strconv.FormatUint(d.Records[len(d.Records)-1].Index, 10))
	}
	return s.Render(w, r, status, "records", d)
}

type recordShowData struct {
	Record     *browse.Record
	Detail     *RecordDetail
	Body       any
	BodyHTML   template.HTML // from the kind's renderer, if it has one
	Party      *browse.Party
	Refs       []refLink
	ReferredBy []*browse.Record
	Proof      *tlog.Proof
	Checkpoint *tlog.Checkpoint
	Witnesses  *WitnessCheck
	ProofErr   string
	VerifyCmd  string
	ProofCmd   string
	BaseURL    string
	Versions   int
}

type refLink struct {
	Rel    string
	ID     string
	Record *browse.Record
}

func (s *Site) recordShow(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	idx, err := parseIndex(r)
	if err != nil {
		return err
	}
	rec, err := browse.ByIndex(ctx, s.Node.Store, idx)
	if err != nil {
		return err
	}
	d := recordShowData{Record: rec, Body: decodeBody(rec.Body), BaseURL: s.baseURL(r)}
	if d.Detail, err = s.recordDetail(r, rec); err != nil {
		return err
	}
	if f := s.bodies[rec.Kind]; f != nil {
		if d.BodyHTML, err = f(r, rec); err != nil {
			return err
		}
	}
	if p, err := browse.GetParty(ctx, s.Node.Store, rec.Author); err == nil {
		d.Party = p
	}
	for _, ref := range rec.Refs {
		l := refLink{Rel: ref.Rel, ID: ref.ID.String()}
		if t, err := browse.ByID(ctx, s.Node.Store, ref.ID); err == nil {
			l.Record = t
		}
		d.Refs = append(d.Refs, l)
	}
	if d.ReferredBy, err = browse.ReferencedBy(ctx, s.Node.Store, idx); err != nil {
		return err
	}
	if d.Proof, d.Checkpoint, err = s.proof(ctx, rec); err != nil {
		d.ProofErr = problem.As(err).Detail
	} else if d.Witnesses, err = s.checkWitnesses(ctx, d.Checkpoint); err != nil {
		return err
	}
	hist, err := browse.History(ctx, s.Node.Store, rec.Subject)
	if err != nil {
		return err
	}
	d.Versions = len(hist)
	d.VerifyCmd = fmt.Sprintf("kongsi verify --log %s/log/ --log-key '%s' --index %d", d.BaseURL, s.Node.LogVKey, idx)
	d.ProofCmd = fmt.Sprintf("curl -o kongsi-%d.tlog-proof %s/api/v1/records/%d/proof\nkongsi verify --log-key '%s' kongsi-%d.tlog-proof", idx, d.BaseURL, idx, s.Node.LogVKey, idx)
	return s.Render(w, r, http.StatusOK, "record", d)
}

type historyData struct {
	Subject  string
	Versions []versionView
	Latest   *browse.Record
}

type versionView struct {
	Record  *browse.Record
	Changes []bodydiff.Change
	Added   int
	Removed int
	Changed int
}

func (s *Site) subjectHistory(w http.ResponseWriter, r *http.Request) error {
	subject := r.PathValue("subject")
	hist, err := browse.History(r.Context(), s.Node.Store, subject)
	if err != nil {
		return err
	}
	if len(hist) == 0 {
		return problem.NotFound("subject", "subject.unknown", "there are no records about %q", subject)
	}
	d := historyData{Subject: subject, Latest: hist[len(hist)-1]}
	// Newest first, each with the changes it made to the one before.
	for i := len(hist) - 1; i >= 0; i-- {
		v := versionView{Record: hist[i]}
		if i > 0 {
			if v.Changes, err = bodydiff.Diff(hist[i-1].Body, hist[i].Body, s.fieldOrder(hist[i].Kind)); err != nil {
				return err
			}
			v.Added, v.Removed, v.Changed = bodydiff.Summary(v.Changes)
		}
		d.Versions = append(d.Versions, v)
	}
	return s.Render(w, r, http.StatusOK, "history", d)
}

// fieldOrder is the order of a kind's body fields, for diffs.
func (s *Site) fieldOrder(kind string) []string {
	if k, ok := s.Node.Kinds.Get(kind); ok {
		return k.FieldOrder()
	}
	return nil
}

type partyListData struct {
	States []*stateGroup
	Orgs   []*browse.Party
}

type stateGroup struct {
	State       *browse.Party
	Authorities []*browse.Party
}

func (s *Site) partyList(w http.ResponseWriter, r *http.Request) error {
	ps, err := s.Parties(r.Context())
	if err != nil {
		return err
	}
	var d partyListData
	groups := map[string]*stateGroup{}
	for _, p := range ps {
		switch p.Type {
		case "state":
			g := &stateGroup{State: p}
			groups[p.ID] = g
			d.States = append(d.States, g)
		case "authority":
			if g := groups[p.State]; g != nil {
				g.Authorities = append(g.Authorities, p)
			}
		default:
			d.Orgs = append(d.Orgs, p)
		}
	}
	return s.Render(w, r, http.StatusOK, "parties", d)
}

type partyPage struct {
	*PartyDetail
	Sections []RenderedSection
}

func (s *Site) partyShow(w http.ResponseWriter, r *http.Request) error {
	d, err := s.partyDetail(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	secs, err := renderSections(r, s.partySec, d.Party)
	if err != nil {
		return err
	}
	return s.Render(w, r, http.StatusOK, "party", partyPage{d, secs})
}

type verifyData struct {
	BaseURL string
	VKey    string
	Origin  string
	Status  *LogStatus
}

func (s *Site) verifyPage(w http.ResponseWriter, r *http.Request) error {
	st, err := s.logStatus(r.Context())
	if err != nil {
		return err
	}
	return s.Render(w, r, http.StatusOK, "verify", verifyData{BaseURL: s.baseURL(r), VKey: s.Node.LogVKey, Origin: s.Node.Origin, Status: st})
}
