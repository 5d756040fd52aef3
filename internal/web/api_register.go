package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/kongsi/kongsi/internal/browse"
	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/tlog"
)

func (s *Site) apiParties(w http.ResponseWriter, r *http.Request) error {
	ps, err := s.Parties(r.Context())
	if err != nil {
		return err
	}
	return WriteJSON(w, http.StatusOK, struct {
		Parties []*browse.Party `json:"parties"`
	}{ps})
}

func (s *Site) apiPartiesCSV(w http.ResponseWriter, r *http.Request) error {
	ps, err := s.Parties(r.Context())
	if err != nil {
		return err
	}
	var rows [][]string
	for _, p := range ps {
		vkey := ""
		if p.Key != nil {
			vkey = p.Key.VKey
		}
		rows = append(rows, []string{p.ID, p.Type, p.Name, p.State, strings.Join(p.Roles, " "), strconv.FormatUint(p.Since, 10), vkey})
	}
	return WriteCSV(w, "kongsi-parties.csv", []string{"id", "type", "name", "state", "roles", "since_index", "key"}, rows)
}

// PartyDetail is a party with its key history.
type PartyDetail struct {
	*browse.Party
	Keys        []*browse.Key      `json:"keys"`
	Authorities []*browse.Party    `json:"authorities,omitempty"`
	Recent      []RecordJSON       `json:"recent_records"`
	Counts      []browse.KindCount `json:"record_counts"`
}

func (s *Site) partyDetail(r *http.Request, id string) (*PartyDetail, error) {
	ctx := r.Context()
	p, err := browse.GetParty(ctx, s.Node.Store, id)
	if err != nil {
		return nil, err
	}
	d := &PartyDetail{Party: p, Keys: []*browse.Key{}, Recent: []RecordJSON{}}
	if d.Keys, err = browse.Keys(ctx, s.Node.Store, id); err != nil {
		return nil, err
	}
	if p.Type == "state" {
		all, err := s.Parties(ctx)
		if err != nil {
			return nil, err
		}
		for _, a := range all {
			if a.Type == "authority" && a.State == id {
				d.Authorities = append(d.Authorities, a)
			}
		}
	}
	recs, err := browse.Records(ctx, s.Node.Store, browse.Query{Author: id, Limit: 20})
	if err != nil {
		return nil, err
	}
	for _, rec := range recs {
		d.Recent = append(d.Recent, s.recordJSON(r, rec))
	}
	if d.Counts, err = browse.CountByAuthor(ctx, s.Node.Store, id); err != nil {
		return nil, err
	}
	return d, nil
}

func (s *Site) apiParty(w http.ResponseWriter, r *http.Request) error {
	d, err := s.partyDetail(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	return WriteJSON(w, http.StatusOK, d)
}

// KindJSON describes a kind.
type KindJSON struct {
	Name    string `json:"name"`
	Title   string `json:"title"`
	Doc     string `json:"doc"`
	Subject string `json:"subject"`
	// SubjectPattern is the regular expression (RE2 syntax) every subject
	// of the kind matches.
	SubjectPattern string `json:"subject_pattern"`
	// Roles are the roles of which an authority authoring the kind usually
	// holds one: a hint, the kind's policy decides.
	Roles  []string        `json:"roles"`
	Schema json.RawMessage `json:"schema"`
}

func kindJSON(k *ledger.Kind) KindJSON {
	roles := k.Roles
	if roles == nil {
		roles = []string{}
	}
	return KindJSON{Name: k.Name, Title: k.Title, Doc: k.Doc, Subject: k.SubjectHelp, SubjectPattern: k.Subject.String(), Roles: roles, Schema: k.SchemaJSON()}
}

func (s *Site) apiKinds(w http.ResponseWriter, r *http.Request) error {
	var out []KindJSON
	for _, k := range s.kindsInfo() {
		out = append(out, kindJSON(k))
	}
	return WriteJSON(w, http.StatusOK, struct {
		Kinds []KindJSON `json:"kinds"`
	}{out})
}

func (s *Site) apiKind(w http.ResponseWriter, r *http.Request) error {
	k, ok := s.Node.Kinds.Get(r.PathValue("kind"))
	if !ok {
		return problem.NotFound("kind", "kind.unknown", "this register has no kind %q", r.PathValue("kind"))
	}
	return WriteJSON(w, http.StatusOK, kindJSON(k))
}

// LogStatus is the state of the log and of this node.
type LogStatus struct {
	Origin         string    `json:"origin"`
	VKey           string    `json:"vkey"`
	Checkpoint     string    `json:"checkpoint,omitempty"`
	Size           uint64    `json:"size"`
	RootHash       []byte    `json:"root_hash,omitempty"`
	IntegratedSize uint64    `json:"integrated_size"`
	Projected      uint64    `json:"projected"`
	Outstanding    int64     `json:"outstanding"`
	CheckedAt      time.Time `json:"checked_at"`
	// Witnesses is the check of the checkpoint's cosignatures.
	Witnesses *WitnessCheck `json:"witnesses,omitempty"`
	// WitnessContacts says how the last request of this node to each
	// witness went (on the register's writer only).
	WitnessContacts []tlog.WitnessContact `json:"witness_contacts,omitempty"`
}

func (s *Site) logStatus(ctx context.Context) (*LogStatus, error) {
	st := &LogStatus{Origin: s.Node.Origin, VKey: s.Node.LogVKey, Projected: s.Node.Projector.Applied(), CheckedAt: time.Now().UTC()}
	var err error
	if cp := s.Node.Projector.Checkpoint(); cp != nil {
		st.Checkpoint, st.Size, st.RootHash = string(cp.Raw), cp.Size, cp.Hash
		if st.Witnesses, err = s.checkWitnesses(ctx, cp); err != nil {
			return nil, err
		}
	}
	if s.Node.Log != nil {
		if st.IntegratedSize, err = s.Node.Log.IntegratedSize(ctx); err != nil {
			return nil, err
		}
	} else {
		st.IntegratedSize = st.Size
	}
	if s.Node.Sequencer != nil {
		st.Outstanding = s.Node.Sequencer.Outstanding()
	}
	if s.Node.Log != nil {
		st.WitnessContacts = s.Node.Log.WitnessContacts()
	}
	return st, nil
}

func (s *Site) apiLog(w http.ResponseWriter, r *http.Request) error {
	st, err := s.logStatus(r.Context())
	if err != nil {
		return err
	}
	return WriteJSON(w, http.StatusOK, st)
}

func (s *Site) apiOpenAPI(w http.ResponseWriter, r *http.Request) error {
	return WriteJSON(w, http.StatusOK, s.openapi.document(s.baseURL(r)))
}
