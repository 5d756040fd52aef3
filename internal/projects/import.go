package projects

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"reflect"
	"slices"
	"sync"
	"time"

	"github.com/kongsi/kongsi/internal/browse"
	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/module"
	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/publish"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// DemoImporter is the organisation that signs imported projects on the
// demonstration register.
const DemoImporter = "org.kongsi-importer"

// Importers are the module's importers: kongsi import oc4ids, kongsi
// import aiddata.
func (m *Module) Importers() []module.Importer {
	return []module.Importer{
		{
			Name: "oc4ids", Summary: "an OC4IDS project package (JSON), validated against the official schema first",
			DemoAuthor: DemoImporter,
			Run: func(ctx context.Context, pub publish.Publisher, args []string) error {
				return ImportOC4IDS(ctx, pub, args, os.Stdout)
			},
		},
		{
			Name: "aiddata", Summary: "AidData's Global Chinese Development Finance dataset (CSV), as projects reported by the importer",
			DemoAuthor: DemoImporter,
			Run: func(ctx context.Context, pub publish.Publisher, args []string) error {
				return ImportAidData(ctx, pub, args, os.Stdout)
			},
		},
	}
}

// parseImportArgs parses an importer's flags and its one argument, a file;
// usage is the command line, and missing says what the file must be.
func parseImportArgs(fs *flag.FlagSet, args []string, usage, missing string) (string, error) {
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: "+usage+"\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return "", err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return "", errors.New(missing)
	}
	return fs.Arg(0), nil
}

// registerInfo is what an import needs to know of the register.
type registerInfo struct {
	states map[string]string // member states' names by code
	author *browse.Party     // the signing party
}

// readRegister learns the member states and the signer's party, from the
// local store (once the projections have caught up with the log) or the
// remote register's API.
func readRegister(ctx context.Context, pub publish.Publisher) (*registerInfo, error) {
	var parties []*browse.Party
	if n := pub.Node(); n != nil {
		size, err := n.Log.IntegratedSize(ctx)
		if err != nil {
			return nil, err
		}
		wctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		if err := n.Projector.WaitFor(wctx, size); err != nil {
			return nil, fmt.Errorf("couldn't catch up with the register's log: %w", err)
		}
		if parties, err = browse.Parties(ctx, n.Store); err != nil {
			return nil, err
		}
	} else {
		r, ok := pub.(*publish.Remote)
		if !ok {
			return nil, fmt.Errorf("logic error: a publisher of type %T", pub)
		}
		var out struct {
			Parties []*browse.Party `json:"parties"`
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.Base+"/api/v1/parties", nil)
		if err != nil {
			return nil, err
		}
		if err := r.Do(req, &out); err != nil {
			return nil, fmt.Errorf("couldn't read the register's parties: %w", err)
		}
		parties = out.Parties
	}
	info := &registerInfo{states: map[string]string{}}
	for _, p := range parties {
		if p.Type == ledger.TypeState {
			info.states[p.ID] = p.Name
		}
		if p.ID == pub.Author() {
			info.author = p
		}
	}
	if info.author == nil {
		return nil, fmt.Errorf("%q, whose key signs, is not a party of this register", pub.Author())
	}
	return info, nil
}

// isImporter reports whether the signer publishes as an importer
// organisation.
func (ri *registerInfo) isImporter() bool {
	return ri.author.Type == ledger.TypeOrganisation && slices.Contains(ri.author.Roles, RoleImporter)
}

// current returns the body and author of a subject's latest record; ok is
// false when the subject has none.
func current(ctx context.Context, pub publish.Publisher, subject string) (body json.RawMessage, author string, ok bool, err error) {
	if n := pub.Node(); n != nil {
		h, err := n.Sequencer.Head(ctx, subject)
		if errors.Is(err, problem.ErrNotFound) {
			return nil, "", false, nil
		}
		if err != nil {
			return nil, "", false, err
		}
		if err := n.Projector.WaitFor(ctx, h.Index+1); err != nil {
			return nil, "", false, err
		}
		rec, err := browse.ByIndex(ctx, n.Store, h.Index)
		if err != nil {
			return nil, "", false, err
		}
		return rec.Body, rec.Author, true, nil
	}
	id, ok, err := pub.Head(ctx, subject)
	if err != nil || !ok {
		return nil, "", false, err
	}
	r := pub.(*publish.Remote)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.Base+"/api/v1/ids/"+id.String(), nil)
	if err != nil {
		return nil, "", false, err
	}
	var rec struct {
		Body   json.RawMessage `json:"body"`
		Author string          `json:"author"`
	}
	if err := r.Do(req, &rec); err != nil {
		return nil, "", false, fmt.Errorf("couldn't read the latest record of %s: %w", subject, err)
	}
	return rec.Body, rec.Author, true, nil
}

// sameBody reports whether two project bodies say the same, change notes
// aside.
func sameBody(a json.RawMessage, b *Body) bool {
	var x, y map[string]any
	if json.Unmarshal(a, &x) != nil {
		return false
	}
	raw, _ := json.Marshal(b)
	json.Unmarshal(raw, &y)
	delete(x, "change_note")
	delete(y, "change_note")
	return reflect.DeepEqual(x, y)
}

// otherDataset reports whether an existing project restates another
// dataset than b: an import updates the projects of its own dataset only,
// so that importing a register's export into it, or two datasets that name
// the same project, does not overwrite one source with another.
func otherDataset(existing json.RawMessage, b *Body) bool {
	var old struct {
		Provenance *Provenance `json:"provenance"`
	}
	if json.Unmarshal(existing, &old) != nil || old.Provenance == nil || b.Provenance == nil {
		return false
	}
	return old.Provenance.Publisher != b.Provenance.Publisher || old.Provenance.Dataset != b.Provenance.Dataset
}

// bodyChecker checks mapped bodies against the project kind's schema and
// the location rule, before anything is published.
type bodyChecker struct {
	kind *ledger.Kind
}

func newBodyChecker(m *Module) (*bodyChecker, error) {
	kinds, err := ledger.NewKinds(m.Kinds()...)
	if err != nil {
		return nil, err
	}
	k, _ := kinds.Get(KindProject)
	return &bodyChecker{kind: k}, nil
}

func (c *bodyChecker) check(b *Body) error {
	raw, err := json.Marshal(b)
	if err != nil {
		return err
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return err
	}
	if err := c.kind.Validate(v); err != nil {
		return err
	}
	if b.Location != nil {
		return CheckLocation(b.Host, b.Location, "body.location")
	}
	return nil
}

// mapped is a project ready to publish.
type mapped struct {
	id   string
	body *Body
	what string // where it came from, for messages: "row 12", "/projects/3"
}

// importStats counts what an import did.
type importStats struct {
	mu                          sync.Mutex
	created, updated, unchanged int
	skipped                     []string
	firstIndex, lastIndex       uint64
	published                   bool
}

func (s *importStats) index(i uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.published || i < s.firstIndex {
		s.firstIndex = i
	}
	if !s.published || i > s.lastIndex {
		s.lastIndex = i
	}
	s.published = true
}

// publishAll publishes mapped projects (see publishStream).
func publishAll(ctx context.Context, pub publish.Publisher, items []mapped, note string, workers int) (*importStats, error) {
	ch := make(chan mapped)
	go func() {
		defer close(ch)
		for _, it := range items {
			select {
			case ch <- it:
			case <-ctx.Done():
				return
			}
		}
	}()
	stats, err := publishStream(ctx, pub, ch, note, workers)
	// Let the feeder finish if publishing stopped early.
	for range ch {
	}
	return stats, err
}

// publishStream publishes the mapped projects it receives, with a few at a
// time in flight: a new project as its first version; a project the signer
// published before as a new version when it changed (with note as its
// change note); others are left alone. It stops at the first refusal, and
// returns when items is closed or it has stopped.
func publishStream(ctx context.Context, pub publish.Publisher, items <-chan mapped, note string, workers int) (*importStats, error) {
	stats := &importStats{}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var wg sync.WaitGroup
	for range max(1, workers) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case it, ok := <-items:
					if !ok {
						return
					}
					if err := publishOne(ctx, pub, it, note, stats); err != nil {
						cancel(fmt.Errorf("%s (project %s): %w", it.what, it.id, err))
						return
					}
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return stats, err
	}
	return stats, nil
}

func publishOne(ctx context.Context, pub publish.Publisher, it mapped, note string, stats *importStats) error {
	subject := ProjectSubject(it.id)
	body, author, exists, err := current(ctx, pub, subject)
	if err != nil {
		return err
	}
	b := *it.body
	switch {
	case exists && author != pub.Author():
		stats.mu.Lock()
		stats.skipped = append(stats.skipped, fmt.Sprintf("%s: %s is published by %s, not updated", it.what, subject, author))
		stats.mu.Unlock()
		return nil
	case exists && otherDataset(body, &b):
		stats.mu.Lock()
		stats.skipped = append(stats.skipped, fmt.Sprintf("%s: %s restates another dataset, not updated from this one", it.what, subject))
		stats.mu.Unlock()
		return nil
	case exists && sameBody(body, &b):
		stats.mu.Lock()
		stats.unchanged++
		stats.mu.Unlock()
		return nil
	case exists:
		b.ChangeNote = note
	}
	idx, err := pub.Publish(ctx, KindProject, subject, &b)
	if err != nil {
		return err
	}
	stats.index(idx)
	stats.mu.Lock()
	if exists {
		stats.updated++
	} else {
		stats.created++
	}
	stats.mu.Unlock()
	return nil
}

// settle waits, on a local register, until the projections show what
// was published, so that the import's records are on the pages when the
// command returns.
func settle(ctx context.Context, pub publish.Publisher, s *importStats) error {
	n := pub.Node()
	if n == nil || s == nil || !s.published {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := n.Projector.WaitFor(ctx, s.lastIndex+1); err != nil {
		return fmt.Errorf("couldn't wait for the projections to show the import: %w", err)
	}
	return nil
}

func (s *importStats) report(w io.Writer, what string, took time.Duration) {
	fmt.Fprintf(w, "%s: %d new, %d updated, %d unchanged, in %s", what, s.created, s.updated, s.unchanged, took.Round(time.Millisecond))
	if s.published {
		fmt.Fprintf(w, " (log indexes %d to %d)", s.firstIndex, s.lastIndex)
	}
	fmt.Fprintln(w, ".")
	for _, sk := range s.skipped {
		fmt.Fprintln(w, "  skipped:", sk)
	}
}
