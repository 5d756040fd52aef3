package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/kongsi/kongsi/internal/browse"
	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/record"
	"github.com/kongsi/kongsi/internal/signednote"
	"github.com/kongsi/kongsi/internal/tlog"
)

// SubmitResult answers a submission.
type SubmitResult struct {
	Index   uint64 `json:"index"`
	ID      string `json:"id"`
	Kind    string `json:"kind"`
	Subject string `json:"subject"`
	Author  string `json:"author"`
	URL     string `json:"url"`
	// With ?wait=published: the checkpoint covering the record, and the
	// record's proof in the C2SP tlog-proof format.
	Checkpoint string `json:"checkpoint,omitempty"`
	Proof      string `json:"proof,omitempty"`
}

// maxWait bounds ?wait=published.
const maxWait = 20 * time.Second

func (s *Site) apiSubmit(w http.ResponseWriter, r *http.Request) error {
	if s.Node.Sequencer == nil {
		return s.readOnly("submit records")
	}
	entry, err := io.ReadAll(io.LimitReader(r.Body, record.MaxEntrySize+1))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) || len(entry) > record.MaxEntrySize {
		return problem.TooLarge("", "size", "a record is at most %d bytes, signatures included", record.MaxEntrySize)
	}
	if err != nil {
		return problem.Invalid("", "body", "couldn't read the request body: %v", err)
	}
	if len(entry) == 0 {
		return problem.Invalid("", "body", "the request body must be a signed record (a C2SP signed note)")
	}
	wait := r.URL.Query().Get("wait")
	if wait != "" && wait != "published" {
		return problem.Invalid("wait", "param.enum", "wait may only be \"published\"")
	}
	res, err := s.Node.Sequencer.Submit(r.Context(), entry)
	if err != nil {
		return err
	}
	out := SubmitResult{
		Index: res.Index, ID: res.Record.ID.String(), Kind: res.Record.Kind, Subject: res.Record.Subject,
		Author: res.Record.Author, URL: s.baseURL(r) + "/records/" + strconv.FormatUint(res.Index, 10),
	}
	if wait == "published" {
		ctx, cancel := context.WithTimeout(r.Context(), maxWait)
		defer cancel()
		raw, err := s.Node.Log.AwaitPublished(ctx, res.Index)
		if err != nil {
			return problem.Unavailable("publish-timeout", "the record is stored at index %d, but no checkpoint covered it within %s; fetch its proof later", res.Index, maxWait)
		}
		cp, err := tlog.ParseCheckpoint(raw, s.Node.Verifier)
		if err != nil {
			return err
		}
		p, err := tlog.BuildProof(ctx, s.Node.Log.Reader(), cp, res.Index, entry)
		if err != nil {
			return err
		}
		out.Checkpoint, out.Proof = string(raw), string(p.Marshal())
		// And in the tables, which every node sharing them reads: the
		// record's page answers on any node once this returns. The record
		// is published either way, so a projection that lags is no error.
		s.Node.Projector.WaitFor(ctx, res.Index+1)
	}
	w.Header().Set("Location", out.URL)
	return WriteJSON(w, http.StatusCreated, out)
}

// RecordJSON is a record in API answers.
type RecordJSON struct {
	*browse.Record
	KindTitle string `json:"kind_title"`
	URL       string `json:"url"`
}

// RecordDetail is one record with what is needed to check it.
type RecordDetail struct {
	RecordJSON
	Entry      string     `json:"entry"` // the signed note, as logged
	Signatures []SigCheck `json:"signatures"`
	ProofURL   string     `json:"proof_url"`
	History    string     `json:"history_url"`
}

// SigCheck is the verification of one signature line of a record.
type SigCheck struct {
	Signer      string `json:"signer"`
	Fingerprint string `json:"key_fingerprint,omitempty"`
	Verified    bool   `json:"verified"`
	Note        string `json:"note"`
	// KeyFrom is the index from which the log gave the signer the key
	// that made the signature, and RevokedAt the index of the key's
	// revocation, if it was revoked; the pages say so in their language.
	KeyFrom   uint64 `json:"-"`
	RevokedAt uint64 `json:"-"`
}

func (s *Site) recordJSON(r *http.Request, rec *browse.Record) RecordJSON {
	if rec.Refs == nil {
		rec.Refs = []record.Ref{}
	}
	return RecordJSON{Record: rec, KindTitle: s.kindTitle(rec.Kind), URL: s.baseURL(r) + "/records/" + strconv.FormatUint(rec.Index, 10)}
}

// checkSignatures verifies each signature of a record against the keys the
// log gave its signers at the record's index.
// The outcome of the Ed25519 check of a record's signature never changes
// (the record and the key it names are fixed), so it is cached; what the
// log says of the key later (a revocation) is looked up each time.
func (s *Site) checkSignatures(ctx context.Context, rec *browse.Record) ([]SigCheck, error) {
	n, err := signednote.Parse(rec.Entry)
	if err != nil {
		return nil, fmt.Errorf("couldn't parse record %d: %w", rec.Index, err)
	}
	var out []SigCheck
	for i, sig := range n.Sigs {
		c := SigCheck{Signer: sig.Name, Note: "no key of this party was valid at this index"}
		keys, err := browse.Keys(ctx, s.Node.Store, sig.Name)
		if err != nil {
			return nil, err
		}
		for _, k := range keys {
			if k.From > rec.Index || (k.Until != nil && *k.Until < rec.Index) {
				continue
			}
			key, err := signednote.ParseKey(k.VKey)
			if err != nil || !key.Matches(sig) {
				continue
			}
			c.Fingerprint, c.KeyFrom = k.Fingerprint, k.From
			cacheKey := [2]uint64{rec.Index, uint64(i)}
			verified, ok := s.sigCache.get(cacheKey)
			if !ok {
				verified = key.Verify(n.Text, sig)
				s.sigCache.put(cacheKey, verified)
			}
			c.Verified = verified
			if c.Verified {
				c.Note = "verified with the key the log gave " + sig.Name + " at index " + strconv.FormatUint(k.From, 10)
				if k.Until != nil && k.Ended == "revoked" {
					c.Note += fmt.Sprintf("; the key was revoked later, at index %d", *k.Until)
					c.RevokedAt = *k.Until
				}
			} else {
				c.Note = "does not verify"
			}
			break
		}
		out = append(out, c)
	}
	return out, nil
}

func (s *Site) apiRecords(w http.ResponseWriter, r *http.Request) error {
	q, err := recordQuery(r)
	if err != nil {
		return err
	}
	if q.Limit == 0 {
		q.Limit = 100
	}
	recs, err := browse.Records(r.Context(), s.Node.Store, q)
	if err != nil {
		return err
	}
	out := struct {
		Records []RecordJSON `json:"records"`
		Next    string       `json:"next,omitempty"`
	}{Records: []RecordJSON{}}
	for _, rec := range recs {
		out.Records = append(out.Records, s.recordJSON(r, rec))
	}
	if len(recs) == q.Limit && recs[len(recs)-1].Index > 0 {
		out.Next = s.baseURL(r) + withQuery(r, "before", strconv.FormatUint(recs[len(recs)-1].Index, 10))
	}
	return WriteJSON(w, http.StatusOK, out)
}

func (s *Site) apiRecordsCSV(w http.ResponseWriter, r *http.Request) error {
	q, err := recordQuery(r)
	if err != nil {
		return err
	}
	if q.Limit == 0 {
		q.Limit = browse.MaxLimit
	}
	recs, err := browse.Records(r.Context(), s.Node.Store, q)
	if err != nil {
		return err
	}
	rows := make([][]string, 0, len(recs))
	for _, rec := range recs {
		rows = append(rows, []string{strconv.FormatUint(rec.Index, 10), rec.ID, rec.Time, rec.Kind, rec.Author, rec.Subject, strconv.Itoa(rec.Version), rec.Summary, string(rec.Body)})
	}
	return WriteCSV(w, "kongsi-records.csv", []string{"index", "id", "time", "kind", "author", "subject", "version", "summary", "body"}, rows)
}

func (s *Site) recordDetail(r *http.Request, rec *browse.Record) (*RecordDetail, error) {
	sigs, err := s.checkSignatures(r.Context(), rec)
	if err != nil {
		return nil, err
	}
	base := s.baseURL(r)
	return &RecordDetail{
		RecordJSON: s.recordJSON(r, rec), Entry: string(rec.Entry), Signatures: sigs,
		ProofURL: fmt.Sprintf("%s/api/v1/records/%d/proof", base, rec.Index),
		History:  base + "/api/v1/subjects/" + rec.Subject,
	}, nil
}

func (s *Site) apiRecord(w http.ResponseWriter, r *http.Request) error {
	idx, err := parseIndex(r)
	if err != nil {
		return err
	}
	return s.writeRecordDetail(w, r, func() (*browse.Record, error) { return browse.ByIndex(r.Context(), s.Node.Store, idx) })
}

func (s *Site) apiRecordByID(w http.ResponseWriter, r *http.Request) error {
	id, err := record.ParseID(r.PathValue("id"))
	if err != nil {
		return problem.Invalid("id", "param.id", "%v", err)
	}
	return s.writeRecordDetail(w, r, func() (*browse.Record, error) { return browse.ByID(r.Context(), s.Node.Store, id) })
}

// writeRecordDetail answers with the record get finds, and the check of it.
func (s *Site) writeRecordDetail(w http.ResponseWriter, r *http.Request, get func() (*browse.Record, error)) error {
	rec, err := get()
	if err != nil {
		return err
	}
	d, err := s.recordDetail(r, rec)
	if err != nil {
		return err
	}
	return WriteJSON(w, http.StatusOK, d)
}

// proof builds the proof of a record against the latest checkpoint.
func (s *Site) proof(ctx context.Context, rec *browse.Record) (*tlog.Proof, *tlog.Checkpoint, error) {
	cp := s.Node.Projector.Checkpoint()
	if cp == nil || cp.Size <= rec.Index {
		return nil, nil, problem.NotFound("index", "proof.unpublished", "record %d is not covered by a published checkpoint yet; try again in a moment", rec.Index)
	}
	key := [2]uint64{rec.Index, cp.Size}
	if p, ok := s.proofs.get(key); ok {
		return p, cp, nil
	}
	p, err := tlog.BuildProof(ctx, s.Node.Source(), cp, rec.Index, rec.Entry)
	if err != nil {
		return nil, nil, err
	}
	s.proofs.put(key, p)
	return p, cp, nil
}

func (s *Site) apiProof(w http.ResponseWriter, r *http.Request) error {
	idx, err := parseIndex(r)
	if err != nil {
		return err
	}
	rec, err := browse.ByIndex(r.Context(), s.Node.Store, idx)
	if err != nil {
		return err
	}
	p, _, err := s.proof(r.Context(), rec)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="kongsi-%d.tlog-proof"`, idx))
	w.Header().Set("Cache-Control", "no-cache")
	_, err = w.Write(p.Marshal())
	return err
}

func (s *Site) apiSubject(w http.ResponseWriter, r *http.Request) error {
	subject := r.PathValue("subject")
	recs, err := browse.History(r.Context(), s.Node.Store, subject)
	if err != nil {
		return err
	}
	if len(recs) == 0 {
		return problem.NotFound("subject", "subject.unknown", "there are no records about %q", subject)
	}
	out := struct {
		Subject  string       `json:"subject"`
		Versions []RecordJSON `json:"versions"`
	}{Subject: subject}
	for _, rec := range recs {
		out.Versions = append(out.Versions, s.recordJSON(r, rec))
	}
	return WriteJSON(w, http.StatusOK, out)
}

// HeadJSON is the latest version of a subject as the write path knows it.
type HeadJSON struct {
	Subject string `json:"subject"`
	ID      string `json:"id"`
	Index   uint64 `json:"index"`
	Version int    `json:"version"`
	Kind    string `json:"kind"`
	Author  string `json:"author"`
}

func (s *Site) apiHead(w http.ResponseWriter, r *http.Request) error {
	if s.Node.Sequencer == nil {
		return s.readOnly("ask for the latest version of a subject")
	}
	subject := r.PathValue("subject")
	h, err := s.Node.Sequencer.Head(r.Context(), subject)
	if err != nil {
		return err
	}
	return WriteJSON(w, http.StatusOK, HeadJSON{Subject: subject, ID: h.ID.String(), Index: h.Index, Version: h.Version, Kind: h.Kind, Author: h.Author})
}

// readOnly refuses a request that only the register's writer answers.
func (s *Site) readOnly(what string) error {
	if s.Writer != "" {
		return problem.Forbidden("", "read-only", "this node is a read-only mirror; %s to the register's writer, %s", what, s.Writer)
	}
	return problem.Forbidden("", "read-only", "this node is read-only; %s to the register's writer", what)
}
