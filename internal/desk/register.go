package desk

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/publish"
	"github.com/kongsi/kongsi/internal/record"
	"github.com/kongsi/kongsi/internal/web"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Kind is a kind of record as the register describes it, ready to make
// forms of.
type Kind struct {
	web.KindJSON
	Form     *Schema
	schema   *jsonschema.Schema
	subject  *regexp.Regexp
	Likely   bool   // the party's roles fit the kind's
	Prefix   string // the start of a subject, as far as the desk can tell it
	Multisig bool   // the kind needs the signatures of several parties
}

// Catalogue is what the desk knows of its register: its origin, its kinds,
// and the party whose key the desk holds.
type Catalogue struct {
	Origin  string
	Kinds   []*Kind // the likely ones first, then by title
	byName  map[string]*Kind
	Party   *web.PartyDetail
	KeyOK   bool // the register knows the desk's key as the party's current key
	Fetched time.Time
}

// Kind finds a kind by name.
func (c *Catalogue) Kind(name string) (*Kind, bool) {
	k, ok := c.byName[name]
	return k, ok
}

// KindTitle names a kind for people, or gives its name when the register no
// longer has it.
func (c *Catalogue) KindTitle(name string) string {
	if k, ok := c.byName[name]; ok {
		return k.Title
	}
	return name
}

// LikelyKinds and OtherKinds split the kinds by whether the party's roles
// fit them.
func (c *Catalogue) LikelyKinds() []*Kind { return c.filter(true) }
func (c *Catalogue) OtherKinds() []*Kind  { return c.filter(false) }

func (c *Catalogue) filter(likely bool) []*Kind {
	var out []*Kind
	for _, k := range c.Kinds {
		if k.Likely == likely {
			out = append(out, k)
		}
	}
	return out
}

// register talks to the register the desk submits to, and keeps the
// catalogue, fetched again after a while so that new kinds appear.
type register struct {
	client *publish.Client
	author string
	vkey   string
	ttl    time.Duration

	mu  sync.Mutex
	cat *Catalogue
}

// Kinds the desk does not offer: a register has one charter, its first
// record.
var notOffered = []string{ledger.KindCharter}

// Kinds that need the signatures of other parties besides the author's,
// which the desk alone cannot gather: they are shown, and the register
// explains what is missing.
var multisig = []string{ledger.KindPartyAdmit, ledger.KindPartyUpdate}

// catalogue returns the catalogue, fetching it when it is missing or old.
func (r *register) catalogue(ctx context.Context) (*Catalogue, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cat != nil && time.Since(r.cat.Fetched) < r.ttl {
		return r.cat, nil
	}
	c, err := r.fetch(ctx)
	if err != nil {
		if r.cat != nil {
			// Keep working with what was known.
			return r.cat, nil
		}
		return nil, err
	}
	r.cat = c
	return c, nil
}

func (r *register) fetch(ctx context.Context) (*Catalogue, error) {
	c := &Catalogue{byName: map[string]*Kind{}, Fetched: time.Now()}
	var err error
	if c.Origin, err = r.client.Origin(ctx); err != nil {
		return nil, err
	}
	var kinds struct {
		Kinds []web.KindJSON `json:"kinds"`
	}
	if err := r.client.Get(ctx, "/api/v1/kinds", &kinds); err != nil {
		return nil, fmt.Errorf("couldn't read the register's kinds: %w", err)
	}
	c.Party = &web.PartyDetail{}
	if err := r.client.Get(ctx, "/api/v1/parties/"+url.PathEscape(r.author), c.Party); err != nil {
		if errors.Is(err, publish.ErrNotFound) {
			return nil, fmt.Errorf("the register has no party %q, whose key the desk holds", r.author)
		}
		return nil, fmt.Errorf("couldn't read the party %q: %w", r.author, err)
	}
	c.KeyOK = c.Party.Party != nil && c.Party.Key != nil && strings.TrimSpace(c.Party.Key.VKey) == r.vkey
	for _, kj := range kinds.Kinds {
		if slices.Contains(notOffered, kj.Name) {
			continue
		}
		k := &Kind{KindJSON: kj, Multisig: slices.Contains(multisig, kj.Name)}
		if k.Form, err = ParseSchema(kj.Schema); err != nil {
			return nil, fmt.Errorf("couldn't read the schema of kind %q: %w", kj.Name, err)
		}
		if k.schema, err = ledger.CompileSchema(kj.Name, kj.Schema); err != nil {
			return nil, err
		}
		if k.subject, err = regexp.Compile(kj.SubjectPattern); err != nil || kj.SubjectPattern == "" {
			return nil, fmt.Errorf("the register gives kind %q no usable subject pattern", kj.Name)
		}
		k.Likely = likely(k, c.Party)
		k.Prefix = subjectPrefix(kj.Subject, c.Party)
		c.Kinds = append(c.Kinds, k)
		c.byName[k.Name] = k
	}
	slices.SortStableFunc(c.Kinds, func(a, b *Kind) int {
		if a.Likely != b.Likely {
			if a.Likely {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Title, b.Title)
	})
	return c, nil
}

// likely reports whether the party's roles fit a kind's: an authority holding
// one of the kind's roles, or any party for a kind that names none. The
// register's policy is the final word.
func likely(k *Kind, p *web.PartyDetail) bool {
	if p == nil || p.Party == nil || k.Multisig {
		return false
	}
	if len(k.Roles) == 0 {
		return true
	}
	for _, r := range k.Roles {
		if slices.Contains(p.Roles, r) {
			return true
		}
	}
	return false
}

var placeholder = regexp.MustCompile(`<[^>]*>`)

// subjectPrefix is the start of a kind's subjects as far as the desk can
// fill it in: "declarations/<state>/<topic>" → "declarations/khm/" for an
// authority of Cambodia; "trade/releases/<publisher>/<name>" →
// "trade/releases/".
func subjectPrefix(help string, p *web.PartyDetail) string {
	var b strings.Builder
	rest := help
	for {
		loc := placeholder.FindStringIndex(rest)
		if loc == nil {
			b.WriteString(rest)
			return b.String()
		}
		b.WriteString(rest[:loc[0]])
		ph := rest[loc[0]:loc[1]]
		state := ""
		if p != nil && p.Party != nil {
			state = p.State
			if p.Type == "state" {
				state = p.ID
			}
		}
		if strings.Contains(ph, "state") && state != "" {
			b.WriteString(state)
			rest = rest[loc[1]:]
			continue
		}
		return b.String()
	}
}

// Head is the latest version of a subject.
type Head = web.HeadJSON

// head asks the register for the latest version of a subject.
func (r *register) head(ctx context.Context, subject string) (*Head, bool, error) {
	var h Head
	err := r.client.Get(ctx, "/api/v1/heads/"+subject, &h)
	if errors.Is(err, publish.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return &h, true, nil
}

// recordByID reads a record the register has published.
func (r *register) recordByID(ctx context.Context, id string) (*web.RecordDetail, error) {
	var rec web.RecordDetail
	if err := r.client.Get(ctx, "/api/v1/ids/"+id, &rec); err != nil {
		return nil, err
	}
	return &rec, nil
}

// recordByIDSoon reads a record the register has just admitted, waiting a
// little for its pages to catch up with its log.
func (r *register) recordByIDSoon(ctx context.Context, id string) (*web.RecordDetail, error) {
	for i := 0; ; i++ {
		rec, err := r.recordByID(ctx, id)
		if !errors.Is(err, publish.ErrNotFound) || i == 10 {
			return rec, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// submit sends a signed record and waits until a checkpoint covers it.
func (r *register) submit(ctx context.Context, entry []byte) (*web.SubmitResult, error) {
	var res web.SubmitResult
	if err := r.client.Post(ctx, "/api/v1/records?wait=published", "text/plain; charset=utf-8", entry, &res); err != nil {
		return nil, err
	}
	return &res, nil
}

// proof fetches a record's proof (C2SP tlog-proof) against the latest
// checkpoint; it fails until the register has published the record.
func (r *register) proof(ctx context.Context, index uint64) (string, error) {
	u := fmt.Sprintf("%s/api/v1/records/%d/proof", strings.TrimSuffix(r.client.Base, "/"), index)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", err
	}
	resp, err := r.client.HTTP.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return string(b), nil
}

// parseRecordID reads a record ID.
func parseRecordID(s string) (record.ID, bool) {
	id, err := record.ParseID(s)
	return id, err == nil
}
