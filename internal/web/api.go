package web

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/kongsi/kongsi/internal/browse"
	"github.com/kongsi/kongsi/internal/problem"
)

// WriteJSON writes v as the JSON response.
func WriteJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if w.Header().Get("Cache-Control") == "" {
		w.Header().Set("Cache-Control", "no-cache")
	}
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

// ErrorBody is the JSON body of every API error.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail says what went wrong, where and under which rule.
type ErrorDetail struct {
	Code    string  `json:"code"`            // invalid, forbidden, conflict, not_found, too_large, unavailable, internal
	Message string  `json:"message"`         // for people
	Field   string  `json:"field,omitempty"` // where in the input
	Rule    string  `json:"rule,omitempty"`  // which rule
	Index   *uint64 `json:"index,omitempty"` // a log index the error refers to
}

func (s *Site) apiError(w http.ResponseWriter, r *http.Request, err error) {
	p := problem.As(err)
	status := problem.Status(p)
	if status >= 500 && status != http.StatusServiceUnavailable {
		s.Logger.Error("API request failed", "path", r.URL.Path, "error", err)
	}
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	WriteJSON(w, status, ErrorBody{ErrorDetail{Code: problem.Code(p), Message: p.Detail, Field: p.Field, Rule: p.Rule, Index: p.Index}})
}

// WriteCSV writes a CSV download.
func WriteCSV(w http.ResponseWriter, filename string, header []string, rows [][]string) error {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// recordQuery reads a records query from URL parameters: kind, author,
// subject, q, from, to (dates or times), before, limit.
func recordQuery(r *http.Request) (browse.Query, error) {
	v := r.URL.Query()
	q := browse.Query{
		Kind:    strings.TrimSpace(v.Get("kind")),
		Author:  strings.TrimSpace(v.Get("author")),
		Subject: strings.TrimSpace(v.Get("subject")),
		Text:    strings.TrimSpace(v.Get("q")),
	}
	var err error
	if q.From, err = parseTimeParam("from", v.Get("from"), false); err != nil {
		return q, err
	}
	if q.To, err = parseTimeParam("to", v.Get("to"), true); err != nil {
		return q, err
	}
	if b := v.Get("before"); b != "" {
		n, err := strconv.ParseUint(b, 10, 64)
		if err != nil {
			return q, problem.Invalid("before", "param.integer", "before must be a log index")
		}
		q.Before = n
	}
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > browse.MaxLimit {
			return q, problem.Invalid("limit", "param.range", "limit must be a number from 1 to %d", browse.MaxLimit)
		}
		q.Limit = n
	}
	if len(q.Text) > 200 {
		return q, problem.Invalid("q", "param.length", "a search is at most 200 characters")
	}
	return q, nil
}

// parseTimeParam reads a date (2025-04-27) or a time (2025-04-27T09:00:00Z).
// A date as the end of a range includes the whole day.
func parseTimeParam(name, s string, end bool) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		if end {
			t = t.AddDate(0, 0, 1)
		}
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, problem.Invalid(name, "param.time", "%s must be a date like 2025-04-27 or a time like 2025-04-27T09:30:00Z", name)
}

// parseIndex reads the {index} path parameter.
func parseIndex(r *http.Request) (uint64, error) {
	n, err := strconv.ParseUint(r.PathValue("index"), 10, 64)
	if err != nil {
		return 0, problem.Invalid("index", "param.integer", "%q is not a log index", r.PathValue("index"))
	}
	return n, nil
}
