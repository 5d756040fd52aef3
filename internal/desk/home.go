package desk

import (
	"net/http"
	"strconv"
)

// homePage is the desk's front page: what to write, the drafts, the records
// submitted.
type homePage struct {
	Drafts    []*Draft
	Submitted []*Draft
}

func (d *Desk) home(w http.ResponseWriter, r *http.Request, v *view) {
	p := &homePage{}
	var err error
	if p.Drafts, err = d.store.Drafts(r.Context(), DraftOpen, 200); err != nil {
		d.fail(w, r, err)
		return
	}
	if p.Submitted, err = d.store.Drafts(r.Context(), DraftSubmitted, 50); err != nil {
		d.fail(w, r, err)
		return
	}
	v.Data = p
	d.render(w, r, http.StatusOK, "home", v)
}

// auditPage is a page of the audit trail.
type auditPage struct {
	Entries []*AuditEntry
	Next    int64 // the ID to page from, 0 at the end
}

const auditPageSize = 100

func (d *Desk) auditTrail(w http.ResponseWriter, r *http.Request, v *view) {
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	es, err := d.store.AuditTrail(r.Context(), before, auditPageSize)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	p := &auditPage{Entries: es}
	if len(es) == auditPageSize {
		p.Next = es[len(es)-1].ID
	}
	v.Data = p
	d.render(w, r, http.StatusOK, "audit", v)
}
