package projects_test

import (
	"testing"

	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/ledger/ledgertest"
	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/projects"
)

// register is a test register with the parties projects need: China's
// designating authority chn.ndrc (bri-designation, development), Indonesia's
// development authority idn.bappenas, a provincial government idn.jabar (no
// project role), and a sponsor's representative org.sponsor. The fixture's
// org.observer holds "importer".
type register struct {
	f *ledgertest.Fixture
	s *ledger.State
	// entries are the records that set the parties up, after the charter.
	entries [][]byte
}

func newRegister(t *testing.T) *register {
	t.Helper()
	kinds, err := ledger.NewKinds(projects.New().Kinds()...)
	if err != nil {
		t.Fatal(err)
	}
	f := ledgertest.New(t)
	r := &register{f: f, s: ledger.NewState(kinds)}
	ledgertest.MustAppend(t, r.s, f.CharterEntry)
	authority := func(id, name string, roles ...string) {
		_, vk := f.NewKey(t, id)
		st := id[:3]
		e := f.SignBy(t, []string{st + ".mfa", id}, ledger.KindAuthorityRegister, ledger.PartySubject(id), map[string]any{"name": name, "roles": roles, "key": vk})
		r.add(t, e)
	}
	authority("chn.ndrc", "National Development and Reform Commission", projects.RoleBRIDesignation, projects.RoleDevelopment)
	authority("idn.bappenas", "Bappenas", projects.RoleDevelopment)
	authority("idn.jabar", "Provincial Government of West Java", "local-government")
	authority("mys.ekonomi", "Ministry of Economy", projects.RoleDevelopment)
	_, vk := f.NewKey(t, "org.sponsor")
	admit := map[string]any{"party": map[string]any{"type": "organisation", "id": "org.sponsor", "name": "A railway company", "roles": []string{projects.RoleSponsor}, "key": vk}, "reason": "test"}
	r.add(t, f.SignBy(t, []string{"chn.mfa", "khm.mfa", "vnm.mfa", "phl.mfa", "org.sponsor"}, ledger.KindPartyAdmit, ledger.PartySubject("org.sponsor"), admit))
	_, vk = f.NewKey(t, "org.elections")
	admit = map[string]any{"party": map[string]any{"type": "organisation", "id": "org.elections", "name": "An election observer", "roles": []string{projects.RoleElections}, "key": vk}, "reason": "test"}
	r.add(t, f.SignBy(t, []string{"chn.mfa", "khm.mfa", "vnm.mfa", "phl.mfa", "org.elections"}, ledger.KindPartyAdmit, ledger.PartySubject("org.elections"), admit))
	return r
}

func (r *register) add(t *testing.T, entries ...[]byte) {
	t.Helper()
	ledgertest.MustAppend(t, r.s, entries...)
	r.entries = append(r.entries, entries...)
}

// refuse checks that an entry is refused with the rule, and that the
// register's state did not change.
func (r *register) refuse(t *testing.T, entry []byte, kind error, rule string) {
	t.Helper()
	ledgertest.MustRefuse(t, r.s, entry, kind, rule)
}

// railway is a valid body of an Indonesian railway project.
func railway() map[string]any {
	return map[string]any{
		"name": "Jakarta–Bandung high-speed railway", "host": "idn",
		"sector": []any{"transport", "transport.rail"}, "type": "construction", "status": "maintenance", "as_of": "2024-12-31",
		"location": map[string]any{"description": "Halim, Jakarta, to Tegalluar, Bandung", "geometry": map[string]any{
			"type": "LineString", "coordinates": []any{[]any{106.8855, -6.2645}, []any{107.4957, -6.8424}, []any{107.704, -6.9756}},
		}},
		"sponsors": []any{
			map[string]any{"name": "PT Kereta Cepat Indonesia China", "type": "state-owned-enterprise", "role": "owner", "country": "idn"},
			map[string]any{"name": "China Railway Group", "type": "state-owned-enterprise", "role": "contractor", "country": "chn", "party": "org.sponsor"},
			map[string]any{"name": "China Development Bank", "type": "policy-bank", "role": "lender", "country": "chn"},
		},
		"financing":  []any{map[string]any{"instrument": "loan", "provider": "China Development Bank", "amount": 4.5e9, "currency": "USD", "year": 2015}},
		"milestones": []any{map[string]any{"title": "Groundbreaking", "date": "2016-01-21", "status": "met"}},
		"sources":    []any{map[string]any{"title": "A source"}},
	}
}

func with(b map[string]any, kv ...any) map[string]any {
	out := map[string]any{}
	for k, v := range b {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(out, kv[i].(string))
		} else {
			out[kv[i].(string)] = kv[i+1]
		}
	}
	return out
}

func statusBody(status string) map[string]any {
	return map[string]any{"status": status, "as_of": "2024-06-01", "note": "Works resumed.", "sources": []any{map[string]any{"title": "A source"}}}
}

func designation(action string) map[string]any {
	return map[string]any{"action": action, "statement": "Stated.", "stated_on": "2024-01-02", "sources": []any{map[string]any{"title": "A source"}}}
}

const subj = "projects/idn-jakarta-bandung-hsr"

func TestProjectPolicy(t *testing.T) {
	r := newRegister(t)
	f := r.f
	v1 := f.Sign(t, "idn.bappenas", projects.KindProject, subj, railway())
	r.add(t, v1)

	foreignPoint := with(railway(), "location", map[string]any{"description": "Kuala Lumpur", "point": []any{101.69, 3.14}})
	seaPoint := with(railway(), "location", map[string]any{"description": "Java Sea", "point": []any{107.5, -4.5}})
	notClosed := with(railway(), "location", map[string]any{"description": "x", "geometry": map[string]any{"type": "Polygon", "coordinates": []any{[]any{[]any{106.8, -6.2}, []any{106.9, -6.2}, []any{106.9, -6.3}}}}})
	feature := with(railway(), "location", map[string]any{"description": "x", "geometry": map[string]any{"type": "Feature", "geometry": map[string]any{"type": "Point", "coordinates": []any{106.8, -6.2}}}})
	both := with(railway(), "location", map[string]any{"description": "x", "point": []any{106.8, -6.2}, "geometry": map[string]any{"type": "Point", "coordinates": []any{106.8, -6.2}}})
	badSector := with(railway(), "sector", []any{"transport", "railways"})
	noParent := with(railway(), "sector", []any{"transport.rail"})
	badStatus := with(railway(), "status", "operational")
	badCurrency := with(railway(), "financing", []any{map[string]any{"instrument": "loan", "amount": 1, "currency": "XYZ"}})
	amountNoCurrency := with(railway(), "financing", []any{map[string]any{"instrument": "loan", "amount": 1}})
	haltCancelled := with(railway(), "status", "cancelled", "halt", map[string]any{"state": "suspended", "since": "2020"})
	futureAsOf := with(railway(), "as_of", "2030-01-01")
	futureMet := with(railway(), "milestones", []any{map[string]any{"title": "Opening", "date": "2026-01", "status": "met"}})
	badDay := with(railway(), "milestones", []any{map[string]any{"title": "Opening", "date": "2023-02-30", "status": "met"}})
	backwards := with(railway(), "period", map[string]any{"start": "2020", "end": "2019-05"})
	provenance := with(railway(), "provenance", map[string]any{"publisher": "AidData", "dataset": "GCDF", "version": "2.0", "record": "1"})
	badParty := with(railway(), "sponsors", []any{map[string]any{"name": "X", "type": "private-company", "role": "investor", "party": "org.observer"}})
	changed := with(railway(), "status", "implementation", "change_note", "Back under construction.")
	hostChange := with(railway(), "host", "mys", "change_note", "Moved.")
	noNote := with(railway(), "status", "implementation")
	withNote := with(railway(), "change_note", "First.")
	wrongPrefix := with(railway(), "host", "mys", "location", nil)
	notMember := with(railway(), "host", "jpn", "location", nil)
	vnmProject := with(railway(), "host", "vnm", "location", nil)

	for _, tc := range []struct {
		name  string
		entry []byte
		kind  error
		rule  string
	}{
		{"location in another country", f.Sign(t, "idn.bappenas", projects.KindProject, "projects/idn-kl", foreignPoint), problem.ErrInvalid, "location.host"},
		{"location far at sea", f.Sign(t, "idn.bappenas", projects.KindProject, "projects/idn-sea", seaPoint), problem.ErrInvalid, "location.host"},
		{"unclosed polygon", f.Sign(t, "idn.bappenas", projects.KindProject, "projects/idn-poly", notClosed), problem.ErrInvalid, "location.geojson"},
		{"feature, not geometry", f.Sign(t, "idn.bappenas", projects.KindProject, "projects/idn-feature", feature), problem.ErrInvalid, "location.geometry"},
		{"point and geometry", f.Sign(t, "idn.bappenas", projects.KindProject, "projects/idn-both", both), problem.ErrInvalid, "location.form"},
		{"unknown sector code", f.Sign(t, "idn.bappenas", projects.KindProject, "projects/idn-sector", badSector), problem.ErrInvalid, "schema.enum"},
		{"subsector without its sector", f.Sign(t, "idn.bappenas", projects.KindProject, "projects/idn-sector2", noParent), problem.ErrInvalid, "project.sector-parent"},
		{"unknown status code", f.Sign(t, "idn.bappenas", projects.KindProject, "projects/idn-status", badStatus), problem.ErrInvalid, "schema.enum"},
		{"unknown currency", f.Sign(t, "idn.bappenas", projects.KindProject, "projects/idn-cur", badCurrency), problem.ErrInvalid, "schema.enum"},
		{"amount without currency", f.Sign(t, "idn.bappenas", projects.KindProject, "projects/idn-cur2", amountNoCurrency), problem.ErrInvalid, "project.amount-currency"},
		{"cancelled and suspended", f.Sign(t, "idn.bappenas", projects.KindProject, "projects/idn-halt", haltCancelled), problem.ErrInvalid, "project.halt-status"},
		{"as of the future", f.Sign(t, "idn.bappenas", projects.KindProject, "projects/idn-future", futureAsOf), problem.ErrInvalid, "project.as-of-future"},
		{"met in the future", f.Sign(t, "idn.bappenas", projects.KindProject, "projects/idn-met", futureMet), problem.ErrInvalid, "project.milestone-future"},
		{"not a calendar date", f.Sign(t, "idn.bappenas", projects.KindProject, "projects/idn-day", badDay), problem.ErrInvalid, "date.calendar"},
		{"period backwards", f.Sign(t, "idn.bappenas", projects.KindProject, "projects/idn-period", backwards), problem.ErrInvalid, "project.period"},
		{"authority giving provenance", f.Sign(t, "idn.bappenas", projects.KindProject, "projects/idn-prov", provenance), problem.ErrInvalid, "project.provenance"},
		{"importer without provenance", f.Sign(t, "org.observer", projects.KindProject, "projects/idn-imp", railway()), problem.ErrInvalid, "project.provenance"},
		{"sponsor party without the role", f.Sign(t, "idn.bappenas", projects.KindProject, "projects/idn-party", badParty), problem.ErrInvalid, "project.sponsor-party"},
		{"identifier of another host", f.Sign(t, "mys.ekonomi", projects.KindProject, "projects/idn-x", wrongPrefix), problem.ErrInvalid, "project.id-host"},
		{"host not a member", f.Sign(t, "idn.bappenas", projects.KindProject, "projects/jpn-x", notMember), problem.ErrInvalid, "project.host"},
		{"another state's authority", f.Sign(t, "mys.ekonomi", projects.KindProject, "projects/vnm-x", vnmProject), problem.ErrForbidden, "project.publisher"},
		{"host authority without a project role", f.Sign(t, "idn.jabar", projects.KindProject, "projects/idn-x", railway()), problem.ErrForbidden, "project.publisher"},
		{"change note on a first version", f.Sign(t, "idn.bappenas", projects.KindProject, "projects/idn-note", withNote), problem.ErrInvalid, "project.first-version"},
		{"revision without a note", f.Sign(t, "idn.bappenas", projects.KindProject, subj, noNote, ledgertest.Prev(t, v1)), problem.ErrInvalid, "project.change-note"},
		{"revision moving the host", f.Sign(t, "idn.bappenas", projects.KindProject, subj, hostChange, ledgertest.Prev(t, v1)), problem.ErrInvalid, "project.host-change"},
		{"revision by the sponsor side", f.Sign(t, "chn.ndrc", projects.KindProject, subj, changed, ledgertest.Prev(t, v1)), problem.ErrForbidden, "project.revise-author"},
		{"new version without prev", f.Sign(t, "idn.bappenas", projects.KindProject, subj, changed), problem.ErrConflict, "prev.missing"},
		{"subject form", f.Sign(t, "idn.bappenas", projects.KindProject, "projects/jakarta", railway()), problem.ErrInvalid, "kind.subject"},
	} {
		t.Run(tc.name, func(t *testing.T) { r.refuse(t, tc.entry, tc.kind, tc.rule) })
	}

	// Accepted: a coastal port, a border town, a revision by another
	// authority of the publisher's state, a Chinese publisher for a project
	// with a Chinese sponsor, an importer with provenance.
	port := with(railway(), "name", "Kuantan Port", "sector", []any{"transport", "transport.water"},
		"location", map[string]any{"description": "Kuantan Port", "point": []any{103.43, 3.97}})
	r.add(t, f.Sign(t, "mys.ekonomi", projects.KindProject, "projects/mys-kuantan-port", with(port, "host", "mys")))
	r.add(t, f.Sign(t, "chn.ndrc", projects.KindProject, "projects/idn-by-china", with(railway(), "location", nil)))
	r.add(t, f.Sign(t, "org.observer", projects.KindProject, "projects/idn-imported", with(provenance, "location", nil)))
	v2 := f.Sign(t, "idn.mfa", projects.KindProject, subj, changed, ledgertest.Prev(t, v1))
	r.add(t, v2)
	h, _ := r.s.Head(subj)
	if st := h.Data.(*projects.ProjectState); st.Status != "implementation" || st.Publisher != "idn.bappenas" || h.Version != 2 {
		t.Errorf("after the revision: version %d, state %+v", h.Version, st)
	}
	if h, _ := r.s.Head("projects/idn-imported"); !h.Data.(*projects.ProjectState).Importer {
		t.Error("an importer's project is not marked as reported by an importer")
	}
}

func TestStatusPolicy(t *testing.T) {
	r := newRegister(t)
	f := r.f
	v1 := f.Sign(t, "idn.bappenas", projects.KindProject, subj, railway())
	r.add(t, v1)
	suspended := with(statusBody("implementation"), "halt", map[string]any{"state": "suspended", "since": "2024-05", "reason": "Land disputes."})
	for _, tc := range []struct {
		name  string
		entry []byte
		kind  error
		rule  string
	}{
		{"an unrelated state", f.Sign(t, "vnm.mfa", projects.KindStatus, subj, statusBody("cancelled"), ledgertest.Prev(t, v1)), problem.ErrForbidden, "project.status-author"},
		{"the designating authority of another project's country", f.Sign(t, "mys.ekonomi", projects.KindStatus, subj, statusBody("cancelled"), ledgertest.Prev(t, v1)), problem.ErrForbidden, "project.status-author"},
		{"an organisation not named", f.Sign(t, "org.observer", projects.KindStatus, subj, statusBody("cancelled"), ledgertest.Prev(t, v1)), problem.ErrForbidden, "project.status-author"},
		{"a host authority without a project role", f.Sign(t, "idn.jabar", projects.KindStatus, subj, statusBody("cancelled"), ledgertest.Prev(t, v1)), problem.ErrForbidden, "project.status-author"},
		{"unknown status", f.Sign(t, "idn.bappenas", projects.KindStatus, subj, statusBody("paused"), ledgertest.Prev(t, v1)), problem.ErrInvalid, "schema.enum"},
		{"no project", f.Sign(t, "idn.bappenas", projects.KindStatus, "projects/idn-nothing", statusBody("cancelled")), problem.ErrInvalid, "project.unknown"},
		{"halt after the status date", f.Sign(t, "idn.bappenas", projects.KindStatus, subj, with(suspended, "halt", map[string]any{"state": "stalled", "since": "2025"}), ledgertest.Prev(t, v1)), problem.ErrInvalid, "project.halt-since"},
		{"stale", f.Sign(t, "idn.bappenas", projects.KindStatus, subj, statusBody("cancelled")), problem.ErrConflict, "prev.missing"},
	} {
		t.Run(tc.name, func(t *testing.T) { r.refuse(t, tc.entry, tc.kind, tc.rule) })
	}
	// The sponsor side (China's development authority, the named sponsor
	// organisation) and the host government may update it.
	s1 := f.Sign(t, "org.sponsor", projects.KindStatus, subj, suspended, ledgertest.Prev(t, v1))
	r.add(t, s1)
	h, _ := r.s.Head(subj)
	if st := h.Data.(*projects.ProjectState); st.Status != "implementation" || st.Halt != "suspended" {
		t.Errorf("after suspension: %+v", st)
	}
	s2 := f.Sign(t, "chn.ndrc", projects.KindStatus, subj, statusBody("implementation"), ledgertest.Prev(t, s1))
	s3 := f.Sign(t, "idn.mfa", projects.KindStatus, subj, statusBody("completion"), ledgertest.Prev(t, s2))
	r.add(t, s2, s3)
	h, _ = r.s.Head(subj)
	if st := h.Data.(*projects.ProjectState); st.Status != "completion" || st.Halt != "" || h.Version != 4 {
		t.Errorf("after resumption and completion: version %d, %+v", h.Version, st)
	}
}

func TestDesignationPolicy(t *testing.T) {
	r := newRegister(t)
	f := r.f
	r.add(t, f.Sign(t, "idn.bappenas", projects.KindProject, subj, railway()))
	ds := "projects/idn-jakarta-bandung-hsr/designation"
	state := func() *projects.Designation {
		h, ok := r.s.Head(ds)
		if !ok {
			return &projects.Designation{State: projects.DesignationNone}
		}
		return h.Data.(*projects.Designation)
	}
	var last []byte
	attempt := func(author, action string) []byte {
		if last == nil {
			return f.Sign(t, author, projects.KindDesignation, ds, designation(action))
		}
		return f.Sign(t, author, projects.KindDesignation, ds, designation(action), ledgertest.Prev(t, last))
	}
	step := func(author, action string) {
		t.Helper()
		e := attempt(author, action)
		r.add(t, e)
		last = e
	}

	for _, tc := range []struct {
		name   string
		author string
		action string
		kind   error
		rule   string
	}{
		{"a confirmation by an unrelated state", "vnm.mfa", "confirm", problem.ErrForbidden, "designation.attester"},
		{"a confirmation by China's foreign ministry", "chn.mfa", "confirm", problem.ErrForbidden, "designation.attester"},
		{"a confirmation by the sponsor", "org.sponsor", "confirm", problem.ErrForbidden, "designation.attester"},
		{"a confirmation by a local authority", "idn.jabar", "confirm", problem.ErrForbidden, "designation.attester"},
		{"a claim by an attester", "chn.ndrc", "claim", problem.ErrForbidden, "designation.claim-by-attester"},
		{"a claim by the host", "idn.bappenas", "claim", problem.ErrForbidden, "designation.claim-by-attester"},
		{"a claim by an unrelated organisation", "org.observer", "claim", problem.ErrForbidden, "designation.claimant"},
		{"withdrawing what was not confirmed", "chn.ndrc", "withdraw", problem.ErrInvalid, "designation.transition"},
		{"withdrawing a claim never made", "org.sponsor", "withdraw-claim", problem.ErrInvalid, "designation.transition"},
	} {
		t.Run(tc.name, func(t *testing.T) { r.refuse(t, attempt(tc.author, tc.action), tc.kind, tc.rule) })
	}
	r.refuse(t, f.Sign(t, "chn.ndrc", projects.KindDesignation, "projects/idn-none/designation", designation("confirm")), problem.ErrInvalid, "project.unknown")

	// The life of a label: claimed, confirmed by China, confirmed by the
	// host, withdrawn by the host (disputed), re-confirmed, withdrawn by
	// both.
	for _, s := range []struct {
		author, action, want string
	}{
		{"org.sponsor", "claim", projects.DesignationClaimed},
		{"idn.bappenas", "deny", projects.DesignationDisputed},
		{"idn.mfa", "confirm", projects.DesignationClaimed},
		{"chn.ndrc", "confirm", projects.DesignationConfirmed},
		{"idn.bappenas", "withdraw", projects.DesignationDisputed},
		{"idn.bappenas", "confirm", projects.DesignationConfirmed},
		{"org.sponsor", "withdraw-claim", projects.DesignationConfirmed},
		{"chn.ndrc", "withdraw", projects.DesignationDisputed},
		{"idn.mfa", "withdraw", projects.DesignationWithdrawn},
	} {
		step(s.author, s.action)
		if got := state(); got.State != s.want {
			t.Fatalf("after %s %s: %s (%s), want %s", s.author, s.action, got.State, got.Rule, s.want)
		}
	}
	r.refuse(t, attempt("chn.ndrc", "withdraw"), problem.ErrInvalid, "designation.transition")
	r.refuse(t, attempt("idn.bappenas", "withdraw"), problem.ErrInvalid, "designation.transition")
	d := state()
	if d.Designating.By != "chn.ndrc" || d.Host.By != "idn.mfa" || d.Claim.Stance != projects.StanceWithdrawn {
		t.Errorf("voices: %+v", d)
	}
}

func TestDerive(t *testing.T) {
	const (
		n = projects.StanceNone
		c = projects.StanceConfirmed
		d = projects.StanceDenied
		w = projects.StanceWithdrawn
		k = projects.StanceClaimed
	)
	for _, tc := range []struct{ claim, china, host, want string }{
		{n, n, n, projects.DesignationNone},
		{k, n, n, projects.DesignationClaimed},
		{k, c, n, projects.DesignationClaimed},
		{n, n, c, projects.DesignationClaimed},
		{n, c, c, projects.DesignationConfirmed},
		{w, c, c, projects.DesignationConfirmed},
		{k, c, d, projects.DesignationDisputed},
		{n, w, c, projects.DesignationDisputed},
		{k, n, d, projects.DesignationDisputed},
		{n, d, n, projects.DesignationDenied},
		{n, d, d, projects.DesignationDenied},
		{w, d, n, projects.DesignationDenied},
		{k, w, w, projects.DesignationWithdrawn},
		{w, n, n, projects.DesignationWithdrawn},
		{n, w, d, projects.DesignationWithdrawn},
	} {
		if got, rule := projects.Derive(tc.claim, tc.china, tc.host); got != tc.want || rule == "" {
			t.Errorf("Derive(%q, %q, %q) = %s (%q), want %s", tc.claim, tc.china, tc.host, got, rule, tc.want)
		}
	}
}
