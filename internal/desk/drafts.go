package desk

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/kongsi/kongsi/internal/publish"
	"github.com/kongsi/kongsi/internal/record"
	"github.com/kongsi/kongsi/internal/signednote"
)

// reviewTTL is how long what was shown for confirmation may be signed: the
// record carries the time it was shown.
const reviewTTL = 15 * time.Minute

// changeNote is the field in which the register's kinds say what a new
// version changes, by convention.
const changeNote = "change_note"

// refsName is the name of the references' rows in the form.
const refsName = "r"

// maxRefRows bounds the references a draft may carry, as a record does.
const maxRefRows = record.MaxRefs - 1

// draftPage is what the draft form shows.
type draftPage struct {
	Draft       *Draft // nil for a draft not saved yet
	Kind        *Kind
	Subject     string
	SubjectErrs []Problem
	BaseID      string
	BaseVersion int
	Head        *Head // the subject's latest version, when the draft began from it
	Prefilled   bool
	Missing     bool // the current version could not be read to fill the form
	Body        *Field
	Refs        []*refRow
	CanAddRef   bool
	RefErrs     []Problem // about the references as a whole
	Other       []Problem // about the record as a whole
	Refusal     *Refusal
	Changed     *Head // the subject changed since the draft began
	Checked     bool  // the draft was checked and has problems
}

// HasProblems reports whether the page shows any problem.
func (p *draftPage) HasProblems() bool {
	if len(p.SubjectErrs) > 0 || len(p.RefErrs) > 0 || len(p.Other) > 0 || p.Changed != nil {
		return true
	}
	for _, r := range p.Refs {
		if len(r.Problems) > 0 {
			return true
		}
	}
	return p.Body != nil && len(p.Body.AllProblems()) > 0
}

// refRow is one reference of a draft: a relation, and a record ID or a
// subject whose latest version is meant.
type refRow struct {
	N        int
	Name     string
	Rel, To  string
	Remove   string
	Problems []Problem
}

// formOf keeps the values of a posted form that belong to the draft: the
// body's fields and the references.
func formOf(posted url.Values) url.Values {
	form := url.Values{}
	for k, v := range posted {
		if k == bodyName || strings.HasPrefix(k, bodyName+"/") || strings.HasPrefix(k, refsName+"/") {
			form[k] = v
		}
	}
	return form
}

var relPattern = regexp.MustCompile(`^[a-z][a-z-]{0,31}$`)

// refRows reads the references of a form.
func refRows(form url.Values) []*refRow {
	var out []*refRow
	for n, i := range rowsOf(form, refsName) {
		name := rowName(refsName, i)
		out = append(out, &refRow{N: n + 1, Name: name, Rel: strings.TrimSpace(form.Get(name + "/rel")), To: strings.TrimSpace(form.Get(name + "/to")), Remove: "remove:" + name})
	}
	return out
}

func (d *Desk) newDraft(w http.ResponseWriter, r *http.Request, v *view) {
	if v.Cat == nil {
		d.renderError(w, r, http.StatusBadGateway, "register-unreachable", v.CatErr)
		return
	}
	q := r.URL.Query()
	k, ok := v.Cat.Kind(q.Get("kind"))
	if !ok {
		d.renderError(w, r, http.StatusNotFound, "kind-unknown", q.Get("kind"))
		return
	}
	p := &draftPage{Kind: k, Subject: strings.TrimSpace(q.Get("subject"))}
	form := url.Values{}
	if p.Subject != "" {
		h, ok, err := d.reg.head(r.Context(), p.Subject)
		if err != nil {
			d.renderError(w, r, http.StatusBadGateway, "register-unreachable", err.Error())
			return
		}
		if ok {
			p.Head, p.BaseID, p.BaseVersion = h, h.ID, h.Version
			if h.Kind == k.Name {
				rec, err := d.reg.recordByIDSoon(r.Context(), h.ID)
				var body map[string]any
				if err == nil {
					err = decodeJSON(rec.Body, &body)
				}
				if err == nil {
					// A change note says what the next version changes:
					// the current one's does not carry over.
					delete(body, changeNote)
					form, p.Prefilled = EncodeForm(k.Form, body), true
				} else {
					// Not projected yet, most likely: the form starts
					// blank and the draft still follows that version.
					p.Missing = true
				}
			}
		}
	} else {
		p.Subject = k.Prefix
	}
	p.Body = BuildForm(k.Form, form, nil)
	p.Refs = refRows(form)
	p.CanAddRef = len(p.Refs) < maxRefRows
	v.Data = p
	d.render(w, r, http.StatusOK, "draft", v)
}

func decodeJSON(b []byte, out any) error {
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	return dec.Decode(out)
}

func (d *Desk) postNew(w http.ResponseWriter, r *http.Request, v *view) {
	if v.Cat == nil {
		d.renderError(w, r, http.StatusBadGateway, "register-unreachable", v.CatErr)
		return
	}
	k, ok := v.Cat.Kind(r.PostForm.Get("kind"))
	if !ok {
		d.renderError(w, r, http.StatusNotFound, "kind-unknown", r.PostForm.Get("kind"))
		return
	}
	d.applyPost(w, r, v, k, nil)
}

// loadDraft reads the draft the path names.
func (d *Desk) loadDraft(w http.ResponseWriter, r *http.Request) (*Draft, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		d.renderError(w, r, http.StatusNotFound, "draft-unknown", "")
		return nil, false
	}
	dr, err := d.store.GetDraft(r.Context(), id)
	if errors.Is(err, ErrNotFound) {
		d.renderError(w, r, http.StatusNotFound, "draft-unknown", "")
		return nil, false
	}
	if err != nil {
		d.fail(w, r, err)
		return nil, false
	}
	return dr, true
}

// kindOf finds a draft's kind in the catalogue.
func (d *Desk) kindOf(w http.ResponseWriter, r *http.Request, v *view, dr *Draft) (*Kind, bool) {
	if v.Cat == nil {
		d.renderError(w, r, http.StatusBadGateway, "register-unreachable", v.CatErr)
		return nil, false
	}
	k, ok := v.Cat.Kind(dr.Kind)
	if !ok {
		d.renderError(w, r, http.StatusNotFound, "kind-unknown", dr.Kind)
		return nil, false
	}
	return k, true
}

func (d *Desk) postDraft(w http.ResponseWriter, r *http.Request, v *view) {
	dr, ok := d.loadDraft(w, r)
	if !ok {
		return
	}
	if dr.Status != DraftOpen {
		d.renderError(w, r, http.StatusConflict, "draft-submitted", "")
		return
	}
	k, ok := d.kindOf(w, r, v, dr)
	if !ok {
		return
	}
	d.applyPost(w, r, v, k, dr)
}

// isList reports whether name is a list of the draft's form (the body's or
// the references).
func isList(k *Kind, form url.Values, name string) bool {
	if name == refsName {
		return true
	}
	found := false
	BuildForm(k.Form, form, nil).walk(func(f *Field) {
		if f.Name == name && f.Widget == wRows {
			found = true
		}
	})
	return found
}

// applyPost saves a posted draft (new when dr is nil) and does what the
// button pressed asks: save, add or remove a row, check and review, delete.
func (d *Desk) applyPost(w http.ResponseWriter, r *http.Request, v *view, k *Kind, dr *Draft) {
	ctx := r.Context()
	user := v.Session.Account.Username
	form := formOf(r.PostForm)
	subject := strings.TrimSpace(r.PostForm.Get("subject"))
	action := r.PostForm.Get("action")
	anchor := ""
	switch {
	case action == "delete":
		if dr == nil {
			http.Redirect(w, r, "/", http.StatusSeeOther)
			return
		}
		if err := d.store.DeleteDraft(ctx, dr.ID); err != nil {
			d.fail(w, r, err)
			return
		}
		d.audit(ctx, &AuditEntry{Username: user, Action: AuditDraftDelete, DraftID: dr.ID, Kind: dr.Kind, Subject: dr.Subject})
		http.Redirect(w, r, "/?done=deleted", http.StatusSeeOther)
		return
	case strings.HasPrefix(action, "add:"):
		name := strings.TrimPrefix(action, "add:")
		if !isList(k, form, name) {
			d.renderError(w, r, http.StatusBadRequest, "form-unreadable", "")
			return
		}
		if name == refsName && len(rowsOf(form, refsName)) >= maxRefRows {
			break
		}
		addRow(form, name)
		rows := rowsOf(form, name)
		anchor = "row-" + fieldID(rowName(name, rows[len(rows)-1]))
	case strings.HasPrefix(action, "remove:"):
		row := strings.TrimPrefix(action, "remove:")
		i := strings.LastIndexByte(row, '/')
		n, ok := -1, false
		if i > 0 {
			n, ok = rowNumber(row[i+1:])
		}
		if !ok || !isList(k, form, row[:i]) {
			d.renderError(w, r, http.StatusBadRequest, "form-unreadable", "")
			return
		}
		removeRow(form, row[:i], n)
		anchor = fieldID(row[:i])
	case action == "save", action == "review", action == "rebase":
	default:
		d.renderError(w, r, http.StatusBadRequest, "form-unreadable", "")
		return
	}
	now := d.now()
	if dr == nil {
		dr = &Draft{Kind: k.Name, Subject: subject, Form: form, CreatedBy: user, CreatedAt: now}
		if base := r.PostForm.Get("base"); base != "" {
			if _, ok := parseRecordID(base); !ok {
				d.renderError(w, r, http.StatusBadRequest, "form-unreadable", "")
				return
			}
			dr.BaseID = base
			dr.BaseVersion, _ = strconv.Atoi(r.PostForm.Get("base_version"))
		}
		if err := d.store.CreateDraft(ctx, dr); err != nil {
			d.fail(w, r, err)
			return
		}
		d.audit(ctx, &AuditEntry{Username: user, Action: AuditDraftCreate, DraftID: dr.ID, Kind: dr.Kind, Subject: dr.Subject})
	} else {
		if subject != dr.Subject {
			// The version the draft began from was of another subject.
			dr.BaseID, dr.BaseVersion = "", 0
		}
		dr.Subject, dr.Form, dr.UpdatedBy, dr.UpdatedAt = subject, form, user, now
		if action == "rebase" {
			h, ok, err := d.reg.head(ctx, subject)
			if err != nil {
				d.renderError(w, r, http.StatusBadGateway, "register-unreachable", err.Error())
				return
			}
			dr.BaseID, dr.BaseVersion = "", 0
			if ok {
				dr.BaseID, dr.BaseVersion = h.ID, h.Version
			}
		}
		if err := d.store.UpdateDraft(ctx, dr); err != nil {
			d.fail(w, r, err)
			return
		}
		if action != "" && !strings.Contains(action, ":") {
			d.audit(ctx, &AuditEntry{Username: user, Action: AuditDraftEdit, DraftID: dr.ID, Kind: dr.Kind, Subject: dr.Subject})
		}
	}
	to := fmt.Sprintf("/drafts/%d", dr.ID)
	switch action {
	case "save":
		http.Redirect(w, r, to+"?done=saved", http.StatusSeeOther)
		return
	case "review", "rebase":
	default:
		http.Redirect(w, r, to+"#"+anchor, http.StatusSeeOther)
		return
	}
	p, prep, err := d.check(ctx, k, dr)
	if err != nil {
		d.renderError(w, r, http.StatusBadGateway, "register-unreachable", err.Error())
		return
	}
	if p.HasProblems() {
		p.Checked = true
		v.Data, v.Self = p, to
		d.render(w, r, http.StatusUnprocessableEntity, "draft", v)
		return
	}
	if err := d.store.SetPending(ctx, dr.ID, prep, now); err != nil {
		d.fail(w, r, err)
		return
	}
	http.Redirect(w, r, to+"/review", http.StatusSeeOther)
}

// check checks a draft as the register will, as far as the desk can: the
// body against the kind's schema, the subject against its pattern, the
// references, the envelope's rules, its size, and whether the subject moved
// on since the draft began. With no problem, it returns the note text to
// sign. It fails only when the register cannot be reached.
func (d *Desk) check(ctx context.Context, k *Kind, dr *Draft) (*draftPage, string, error) {
	p := &draftPage{Draft: dr, Kind: k, Subject: dr.Subject, BaseID: dr.BaseID, BaseVersion: dr.BaseVersion}
	body, problems := DecodeForm(k.Form, dr.Form)
	bad := map[string]bool{}
	for _, pr := range problems {
		bad[pr.Pointer] = true
	}
	for _, pr := range validate(k.schema, body) {
		// A value that could not be read is reported once, as such.
		if !bad[pr.Pointer] {
			problems = append(problems, pr)
		}
	}
	p.Body = BuildForm(k.Form, dr.Form, problems)
	p.Refs = refRows(dr.Form)
	p.CanAddRef = len(p.Refs) < maxRefRows
	switch {
	case dr.Subject == "":
		p.SubjectErrs = append(p.SubjectErrs, Problem{Rule: "required"})
	case !k.subject.MatchString(dr.Subject):
		p.SubjectErrs = append(p.SubjectErrs, Problem{Rule: "subject", Want: k.Subject, Got: dr.Subject})
	}
	env := &record.Envelope{Register: "", Kind: k.Name, Subject: dr.Subject, Author: d.author, Time: record.FormatTime(d.now())}
	cat, err := d.reg.catalogue(ctx)
	if err != nil {
		return nil, "", err
	}
	env.Register = cat.Origin
	var head *Head
	if len(p.SubjectErrs) == 0 {
		h, ok, err := d.reg.head(ctx, dr.Subject)
		if err != nil {
			return nil, "", err
		}
		if ok {
			head = h
			id, _ := parseRecordID(h.ID)
			env.Refs = append(env.Refs, record.Ref{Rel: record.RelPrev, ID: id})
			if dr.BaseID != "" && dr.BaseID != h.ID {
				p.Changed = h
			}
		}
		p.Head = head
	}
	for _, row := range p.Refs {
		if row.Rel == "" && row.To == "" {
			continue
		}
		switch {
		case !relPattern.MatchString(row.Rel):
			row.Problems = append(row.Problems, Problem{Pointer: "rel", Rule: "rel", Got: row.Rel})
		case row.Rel == record.RelPrev:
			row.Problems = append(row.Problems, Problem{Pointer: "rel", Rule: "rel-prev"})
		}
		if row.To == "" {
			row.Problems = append(row.Problems, Problem{Pointer: "to", Rule: "required"})
			continue
		}
		id, ok := parseRecordID(row.To)
		if !ok {
			h, found, err := d.reg.head(ctx, row.To)
			if err != nil {
				return nil, "", err
			}
			if !found {
				row.Problems = append(row.Problems, Problem{Pointer: "to", Rule: "ref-unknown", Got: row.To})
				continue
			}
			id, _ = parseRecordID(h.ID)
		}
		env.Refs = append(env.Refs, record.Ref{Rel: row.Rel, ID: id})
	}
	if p.HasProblems() {
		return p, "", nil
	}
	if env.Body, err = json.Marshal(body); err != nil {
		return nil, "", fmt.Errorf("couldn't encode the body: %w", err)
	}
	if err := env.Check(); err != nil {
		p.Other = append(p.Other, Problem{Rule: "register", Detail: err.Error()})
		return p, "", nil
	}
	text, err := env.Text()
	if err != nil {
		p.Other = append(p.Other, Problem{Rule: "register", Detail: err.Error()})
		return p, "", nil
	}
	// The signature line adds the author's name, a key hash and a
	// signature: about 100 bytes.
	if size := len(text) + len(d.author) + 100; size > record.MaxEntrySize {
		p.Other = append(p.Other, Problem{Rule: "size", Got: strconv.Itoa(size), Want: strconv.Itoa(record.MaxEntrySize)})
		return p, "", nil
	}
	return p, string(text), nil
}

// refusalProblems places a register's refusal on the fields it names.
func refusalProblems(p *draftPage, rf *Refusal) {
	if rf == nil || rf.Unreachable {
		return
	}
	pr := Problem{Rule: "register", Want: rf.Rule, Detail: rf.Message}
	switch {
	case rf.Field == "subject":
		p.SubjectErrs = append(p.SubjectErrs, pr)
	case rf.Field == "refs" || strings.HasPrefix(rf.Field, "refs["):
		p.RefErrs = append(p.RefErrs, pr)
	case rf.Field == "body" || strings.HasPrefix(rf.Field, "body.") || strings.HasPrefix(rf.Field, "body["):
		if ptr, ok := fieldPointer(rf.Field); ok {
			pr.Pointer = ptr
			p.Body = addProblems(p.Body, pr)
			return
		}
		p.Other = append(p.Other, pr)
	default:
		p.Other = append(p.Other, pr)
	}
}

// addProblems attaches more problems to a built form.
func addProblems(f *Field, prs ...Problem) *Field {
	byPointer := map[string]*Field{}
	f.walk(func(g *Field) { byPointer[pointerOf(g.Name)] = g })
	for _, pr := range prs {
		ptr := pr.Pointer
		for {
			if g, ok := byPointer[ptr]; ok {
				g.Problems = append(g.Problems, pr)
				break
			}
			i := strings.LastIndexByte(ptr, '/')
			if i < 0 {
				f.Problems = append(f.Problems, pr)
				break
			}
			ptr = ptr[:i]
		}
	}
	return f
}

// fieldPointer turns a field as the register names it ("body.sources[0].title")
// into a JSON Pointer into the body ("/sources/0/title").
func fieldPointer(field string) (string, bool) {
	rest, ok := strings.CutPrefix(field, "body")
	if !ok {
		return "", false
	}
	var b strings.Builder
	for rest != "" {
		switch rest[0] {
		case '.':
			rest = rest[1:]
			end := strings.IndexAny(rest, ".[")
			if end < 0 {
				end = len(rest)
			}
			if end == 0 {
				return "", false
			}
			b.WriteString("/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(rest[:end]))
			rest = rest[end:]
		case '[':
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				return "", false
			}
			if _, ok := rowNumber(rest[1:end]); !ok {
				return "", false
			}
			b.WriteString("/" + rest[1:end])
			rest = rest[end+1:]
		default:
			return "", false
		}
	}
	return b.String(), true
}

func (d *Desk) showDraft(w http.ResponseWriter, r *http.Request, v *view) {
	dr, ok := d.loadDraft(w, r)
	if !ok {
		return
	}
	if dr.Status == DraftSubmitted {
		d.showSubmitted(w, r, v, dr)
		return
	}
	k, ok := d.kindOf(w, r, v, dr)
	if !ok {
		return
	}
	p := &draftPage{Draft: dr, Kind: k, Subject: dr.Subject, BaseID: dr.BaseID, BaseVersion: dr.BaseVersion, Refusal: dr.Refusal}
	p.Body = BuildForm(k.Form, dr.Form, nil)
	p.Refs = refRows(dr.Form)
	p.CanAddRef = len(p.Refs) < maxRefRows
	refusalProblems(p, dr.Refusal)
	v.Data = p
	d.render(w, r, http.StatusOK, "draft", v)
}

// reviewPage is what the review page shows: the record exactly as it will
// be signed.
type reviewPage struct {
	Draft    *Draft
	Kind     *Kind
	Env      *record.Envelope
	Body     any
	Text     string
	Digest   string
	RecordID string
	Head     *Head
	Expires  time.Time
}

func (d *Desk) review(w http.ResponseWriter, r *http.Request, v *view) {
	dr, ok := d.loadDraft(w, r)
	if !ok {
		return
	}
	to := fmt.Sprintf("/drafts/%d", dr.ID)
	if dr.Status == DraftSubmitted {
		http.Redirect(w, r, to, http.StatusSeeOther)
		return
	}
	if dr.Pending == "" {
		http.Redirect(w, r, to+"?done=review-first", http.StatusSeeOther)
		return
	}
	if d.now().Sub(dr.PendingAt) > reviewTTL && dr.Signed == "" {
		http.Redirect(w, r, to+"?done=review-expired", http.StatusSeeOther)
		return
	}
	k, ok := d.kindOf(w, r, v, dr)
	if !ok {
		return
	}
	p := &reviewPage{Draft: dr, Kind: k, Text: dr.Pending, Digest: digest(dr.Pending), Expires: dr.PendingAt.Add(reviewTTL)}
	p.Env = &record.Envelope{}
	if err := json.Unmarshal([]byte(strings.TrimSuffix(dr.Pending, "\n")), p.Env); err != nil {
		d.fail(w, r, fmt.Errorf("couldn't read the pending record of draft %d: %w", dr.ID, err))
		return
	}
	var body any
	decodeJSON(p.Env.Body, &body)
	p.Body = body
	sum := sha256.Sum256([]byte(dr.Pending))
	p.RecordID = hex.EncodeToString(sum[:])
	if prev, ok := p.Env.Prev(); ok {
		p.Head = &Head{ID: prev.String(), Subject: dr.Subject, Version: dr.BaseVersion}
		if h, ok, err := d.reg.head(r.Context(), dr.Subject); err == nil && ok && h.ID == prev.String() {
			p.Head = h
		}
	}
	v.Data = p
	d.render(w, r, http.StatusOK, "review", v)
}

func digest(text string) string {
	sum := sha256.Sum256([]byte("desk-review\n" + text))
	return hex.EncodeToString(sum[:])
}

func (d *Desk) submit(w http.ResponseWriter, r *http.Request, v *view) {
	ctx := r.Context()
	dr, ok := d.loadDraft(w, r)
	if !ok {
		return
	}
	to := fmt.Sprintf("/drafts/%d", dr.ID)
	user := v.Session.Account.Username
	switch {
	case !v.Session.Account.MaySubmit():
		d.renderError(w, r, http.StatusForbidden, "may-not-submit", "")
		return
	case dr.Status != DraftOpen:
		http.Redirect(w, r, to, http.StatusSeeOther)
		return
	case dr.Pending == "" || r.PostForm.Get("digest") != digest(dr.Pending):
		http.Redirect(w, r, to+"?done=review-changed", http.StatusSeeOther)
		return
	case d.now().Sub(dr.PendingAt) > reviewTTL && dr.Signed == "":
		http.Redirect(w, r, to+"?done=review-expired", http.StatusSeeOther)
		return
	}
	var env record.Envelope
	if err := json.Unmarshal([]byte(strings.TrimSuffix(dr.Pending, "\n")), &env); err != nil {
		d.fail(w, r, fmt.Errorf("couldn't read the pending record of draft %d: %w", dr.ID, err))
		return
	}
	entry := []byte(dr.Signed)
	if dr.Signed == "" {
		// The subject may have moved on since the review: the register
		// would refuse the record as stale; say so before signing.
		h, ok, err := d.reg.head(ctx, dr.Subject)
		if err != nil {
			d.renderError(w, r, http.StatusBadGateway, "register-unreachable", err.Error())
			return
		}
		prev, hasPrev := env.Prev()
		if ok != hasPrev || (ok && h.ID != prev.String()) {
			if err := d.store.SetPending(ctx, dr.ID, "", time.Time{}); err != nil {
				d.fail(w, r, err)
				return
			}
			http.Redirect(w, r, to+"?done=changed", http.StatusSeeOther)
			return
		}
		n, err := signednote.Sign([]byte(dr.Pending), nil, d.signer)
		if err != nil {
			d.fail(w, r, fmt.Errorf("couldn't sign draft %d: %w", dr.ID, err))
			return
		}
		entry = n.Marshal()
		if err := d.store.SetSigned(ctx, dr.ID, string(entry)); err != nil {
			d.fail(w, r, err)
			return
		}
	}
	rec, err := record.Parse(entry)
	if err != nil {
		d.fail(w, r, fmt.Errorf("the desk signed a record it cannot parse (draft %d): %w", dr.ID, err))
		return
	}
	if dr.Signed == "" {
		d.audit(ctx, &AuditEntry{Username: user, Action: AuditSign, DraftID: dr.ID, Kind: dr.Kind, Subject: dr.Subject, RecordID: rec.ID.String()})
	}
	res, err := d.reg.submit(ctx, entry)
	var ae *publish.APIError
	switch {
	case err == nil:
		d.submitted(ctx, dr, user, entry, res.Index, res.ID, res.Checkpoint, res.Proof)
		http.Redirect(w, r, to+"?done=submitted", http.StatusSeeOther)
		return
	case errors.As(err, &ae) && ae.Rule == "replay" && ae.Index != nil:
		// The same record is already in the log: an earlier submission
		// got there without its answer getting back.
		d.submitted(ctx, dr, user, entry, *ae.Index, rec.ID.String(), "", "")
		http.Redirect(w, r, to+"?done=submitted", http.StatusSeeOther)
		return
	case errors.As(err, &ae) && ae.Status == http.StatusServiceUnavailable:
		// Stored but not yet published, or the register is busy: ask
		// which by the subject's latest version.
		if h, ok, herr := d.reg.head(ctx, dr.Subject); herr == nil && ok && h.ID == rec.ID.String() {
			d.submitted(ctx, dr, user, entry, h.Index, h.ID, "", "")
			http.Redirect(w, r, to+"?done=submitted", http.StatusSeeOther)
			return
		}
		rf := &Refusal{Status: ae.Status, Code: ae.Code, Message: ae.Message, Field: ae.Field, Rule: ae.Rule, Unreachable: true, At: d.now()}
		d.unanswered(ctx, w, r, dr, user, rec, rf)
		return
	case errors.As(err, &ae):
		rf := &Refusal{Status: ae.Status, Code: ae.Code, Message: ae.Message, Field: ae.Field, Rule: ae.Rule, At: d.now()}
		if err := d.store.SetRefusal(ctx, dr.ID, rf); err != nil {
			d.fail(w, r, err)
			return
		}
		d.audit(ctx, &AuditEntry{Username: user, Action: AuditRefused, DraftID: dr.ID, Kind: dr.Kind, Subject: dr.Subject, RecordID: rec.ID.String(),
			Detail: strings.TrimSpace(fmt.Sprintf("%d %s %s: %s", ae.Status, ae.Rule, ae.Field, ae.Message))})
		http.Redirect(w, r, to+"?done=refused", http.StatusSeeOther)
		return
	default:
		d.unanswered(ctx, w, r, dr, user, rec, &Refusal{Message: err.Error(), Unreachable: true, At: d.now()})
	}
}

// unanswered records a submission that got no answer: the signed record is
// kept, to be submitted again as it is.
func (d *Desk) unanswered(ctx context.Context, w http.ResponseWriter, r *http.Request, dr *Draft, user string, rec *record.Record, rf *Refusal) {
	if err := d.store.SetRefusal(ctx, dr.ID, rf); err != nil {
		d.fail(w, r, err)
		return
	}
	d.audit(ctx, &AuditEntry{Username: user, Action: AuditUnanswered, DraftID: dr.ID, Kind: dr.Kind, Subject: dr.Subject, RecordID: rec.ID.String(), Detail: rf.Message})
	http.Redirect(w, r, fmt.Sprintf("/drafts/%d/review", dr.ID), http.StatusSeeOther)
}

// submitted records that the register took a draft's record.
func (d *Desk) submitted(ctx context.Context, dr *Draft, user string, entry []byte, index uint64, id, checkpoint, proof string) {
	dr.Index, dr.RecordID, dr.Entry, dr.Checkpoint, dr.Proof = &index, id, string(entry), checkpoint, proof
	dr.SubmittedBy, dr.SubmittedAt = user, d.now()
	if err := d.store.MarkSubmitted(context.WithoutCancel(ctx), dr); err != nil {
		d.logger.Error("couldn't record a submitted record", "draft", dr.ID, "index", index, "error", err)
	}
	d.audit(ctx, &AuditEntry{Username: user, Action: AuditSubmit, DraftID: dr.ID, Kind: dr.Kind, Subject: dr.Subject, RecordID: id, Index: &index})
}

// submittedPage shows a submitted record and its proof.
type submittedPage struct {
	Draft   *Draft
	Kind    *Kind
	Title   string
	Body    any
	Proof   string
	ProofOK bool // the register has published the record
}

func (d *Desk) showSubmitted(w http.ResponseWriter, r *http.Request, v *view, dr *Draft) {
	p := &submittedPage{Draft: dr, Proof: dr.Proof, ProofOK: dr.Proof != ""}
	if v.Cat != nil {
		p.Kind, _ = v.Cat.Kind(dr.Kind)
	}
	if !p.ProofOK && dr.Index != nil {
		if proof, err := d.reg.proof(r.Context(), *dr.Index); err == nil {
			p.Proof, p.ProofOK = proof, true
			if err := d.store.SetProof(r.Context(), dr.ID, "", proof); err != nil {
				d.logger.Warn("couldn't keep a proof", "draft", dr.ID, "error", err)
			}
		}
	}
	if rec, err := record.Parse([]byte(dr.Entry)); err == nil {
		var body any
		decodeJSON(rec.Body, &body)
		p.Body = body
	}
	v.Data = p
	d.render(w, r, http.StatusOK, "submitted", v)
}

func (d *Desk) proofFile(w http.ResponseWriter, r *http.Request, v *view) {
	dr, ok := d.loadDraft(w, r)
	if !ok {
		return
	}
	if dr.Status != DraftSubmitted || dr.Proof == "" || dr.Index == nil {
		d.renderError(w, r, http.StatusNotFound, "proof-missing", "")
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="kongsi-%d.tlog-proof"`, *dr.Index))
	w.Write([]byte(dr.Proof))
}
