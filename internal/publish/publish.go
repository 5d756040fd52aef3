// Package publish signs records as one party and appends them to a register,
// either a local one (its data directory, through the node's write path) or a
// running one (through its HTTP API). Importers use it, so that imported
// records are signed and checked like any other.
package publish

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/kongsi/kongsi/internal/node"
	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/record"
	"golang.org/x/mod/sumdb/note"
)

// Publisher signs and appends records as one party.
type Publisher interface {
	// Author is the signing party.
	Author() string
	// Origin is the register's origin.
	Origin() string
	// Head returns the ID of a subject's latest version.
	Head(ctx context.Context, subject string) (record.ID, bool, error)
	// Publish signs a record about subject, naming the subject's latest
	// version as prev, and appends it. It returns the record's index.
	Publish(ctx context.Context, kind, subject string, body any, refs ...record.Ref) (uint64, error)
	// Node is the local node, or nil for a remote register.
	Node() *node.Node
	// URL is the remote register's address, or "" for a local one.
	URL() string
}

// Local publishes to a node in this process.
type Local struct {
	N      *node.Node
	Signer note.Signer
	// Clock gives signing times; time.Now by default.
	Clock func() time.Time
}

func (l *Local) Author() string   { return l.Signer.Name() }
func (l *Local) Origin() string   { return l.N.Origin }
func (l *Local) Node() *node.Node { return l.N }
func (l *Local) URL() string      { return "" }
func (l *Local) now() time.Time {
	if l.Clock != nil {
		return l.Clock()
	}
	return time.Now()
}

// Head asks the sequencer, which knows records not yet projected.
func (l *Local) Head(ctx context.Context, subject string) (record.ID, bool, error) {
	h, err := l.N.Sequencer.Head(ctx, subject)
	if errors.Is(err, problem.ErrNotFound) {
		return record.ID{}, false, nil
	}
	if err != nil {
		return record.ID{}, false, err
	}
	return h.ID, true, nil
}

func (l *Local) Publish(ctx context.Context, kind, subject string, body any, refs ...record.Ref) (uint64, error) {
	entry, err := sign(ctx, l, l.Signer, l.now(), kind, subject, body, refs)
	if err != nil {
		return 0, err
	}
	res, err := l.N.Sequencer.Submit(ctx, entry)
	if err != nil {
		return 0, err
	}
	return res.Index, nil
}

// Client talks to a register's API.
type Client struct {
	Base string // the register's address: "http://127.0.0.1:8080"
	HTTP *http.Client
}

// ErrNotFound is returned for a missing resource.
var ErrNotFound = errors.New("not found")

// APIError is a refusal by a register: what, in which field, under which
// rule.
type APIError struct {
	Status  int     `json:"-"`
	Code    string  `json:"code"`
	Message string  `json:"message"`
	Field   string  `json:"field"`
	Rule    string  `json:"rule"`
	Index   *uint64 `json:"index"`
}

func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString(e.Message)
	switch {
	case e.Field != "" && e.Rule != "":
		fmt.Fprintf(&b, " (field %s, rule %s)", e.Field, e.Rule)
	case e.Field != "":
		fmt.Fprintf(&b, " (field %s)", e.Field)
	case e.Rule != "":
		fmt.Fprintf(&b, " (rule %s)", e.Rule)
	}
	return b.String()
}

// Get fetches path and decodes its JSON answer into out.
func (c *Client) Get(ctx context.Context, path string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(c.Base, "/")+path, nil)
	if err != nil {
		return err
	}
	return c.Do(req, out)
}

// Post sends body to path and decodes the JSON answer into out.
func (c *Client) Post(ctx context.Context, path, contentType string, body []byte, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(c.Base, "/")+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", contentType)
	return c.Do(req, out)
}

// Do sends a request and decodes its JSON answer into out (if not nil).
// A 404 is ErrNotFound; other refusals come back as *APIError.
func (c *Client) Do(req *http.Request, out any) error {
	req.Header.Set("Accept", "application/json")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		var eb struct {
			Error APIError `json:"error"`
		}
		if json.Unmarshal(b, &eb) == nil && eb.Error.Message != "" {
			eb.Error.Status = resp.StatusCode
			if resp.StatusCode == http.StatusNotFound {
				return fmt.Errorf("%w: %s", ErrNotFound, &eb.Error)
			}
			return &eb.Error
		}
		if resp.StatusCode == http.StatusNotFound {
			return fmt.Errorf("%w: %s %s", ErrNotFound, req.Method, req.URL)
		}
		return fmt.Errorf("%s %s: %s", req.Method, req.URL, resp.Status)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("couldn't read the answer of %s: %w", req.URL, err)
		}
	}
	return nil
}

// Origin asks a register for its origin.
func (c *Client) Origin(ctx context.Context) (string, error) {
	var st struct {
		Origin string `json:"origin"`
	}
	if err := c.Get(ctx, "/api/v1/log", &st); err != nil {
		return "", fmt.Errorf("couldn't reach the register at %s: %w", c.Base, err)
	}
	return st.Origin, nil
}

// Head asks the register's writer for the latest version of a subject,
// published or not.
func (c *Client) Head(ctx context.Context, subject string) (record.ID, bool, error) {
	var out struct {
		ID string `json:"id"`
	}
	err := c.Get(ctx, "/api/v1/heads/"+subject, &out)
	if errors.Is(err, ErrNotFound) {
		return record.ID{}, false, nil
	}
	if err != nil {
		return record.ID{}, false, err
	}
	id, err := record.ParseID(out.ID)
	return id, err == nil, err
}

// Remote publishes to a register over HTTP.
type Remote struct {
	Client
	Signer note.Signer
	origin string
}

// NewRemote reaches a register and learns its origin.
func NewRemote(ctx context.Context, base string, s note.Signer, c *http.Client) (*Remote, error) {
	r := &Remote{Client: Client{Base: strings.TrimSuffix(base, "/"), HTTP: c}, Signer: s}
	var err error
	if r.origin, err = r.Client.Origin(ctx); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *Remote) Author() string   { return r.Signer.Name() }
func (r *Remote) Origin() string   { return r.origin }
func (r *Remote) Node() *node.Node { return nil }
func (r *Remote) URL() string      { return r.Base }

func (r *Remote) Head(ctx context.Context, subject string) (record.ID, bool, error) {
	return r.Client.Head(ctx, subject)
}

func (r *Remote) Publish(ctx context.Context, kind, subject string, body any, refs ...record.Ref) (uint64, error) {
	entry, err := sign(ctx, r, r.Signer, time.Now(), kind, subject, body, refs)
	if err != nil {
		return 0, err
	}
	var res struct {
		Index uint64 `json:"index"`
	}
	if err := r.Post(ctx, "/api/v1/records", "text/plain; charset=utf-8", entry, &res); err != nil {
		return 0, err
	}
	return res.Index, nil
}

func sign(ctx context.Context, p Publisher, s note.Signer, at time.Time, kind, subject string, body any, refs []record.Ref) ([]byte, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("couldn't encode the body: %w", err)
	}
	env := &record.Envelope{Register: p.Origin(), Kind: kind, Subject: subject, Author: s.Name(), Time: record.FormatTime(at), Body: raw, Refs: append([]record.Ref(nil), refs...)}
	id, ok, err := p.Head(ctx, subject)
	if err != nil {
		return nil, err
	}
	if ok {
		env.Refs = append([]record.Ref{{Rel: record.RelPrev, ID: id}}, env.Refs...)
	}
	return record.Sign(env, s)
}
