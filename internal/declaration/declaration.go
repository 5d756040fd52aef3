// Package declaration is the module of official positions: a state's
// signed, versioned statement of where it stands on a maritime claim, an
// alliance, a strategic intention or a basing policy, with the history of
// its versions and a readable diff between them. Mistrust stems from
// ambiguity about claims, alliances and intentions; a declaration removes
// the ambiguity about what was said, by whom, and when it changed.
package declaration

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"

	"github.com/kongsi/kongsi/internal/i18n"
	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/projector"
	"github.com/kongsi/kongsi/internal/record"
	"github.com/kongsi/kongsi/internal/store"
)

// Kind is the kind's name.
const Kind = "declaration"

// Roles that may publish a state's declarations.
const RoleDeclarations = "declarations"

//go:embed schema.json
var schema []byte

// Body is a declaration's body.
type Body struct {
	Topic      string   `json:"topic"`
	Category   string   `json:"category"`
	Title      string   `json:"title"`
	Text       string   `json:"text"`
	StatedOn   string   `json:"stated_on"`
	StatedBy   string   `json:"stated_by,omitempty"`
	Language   string   `json:"language"`
	Sources    []Source `json:"sources"`
	ChangeNote string   `json:"change_note,omitempty"`
	Withdrawn  bool     `json:"withdrawn,omitempty"`
}

// Source is where a position was published.
type Source struct {
	Title     string `json:"title"`
	Publisher string `json:"publisher,omitempty"`
	URL       string `json:"url,omitempty"`
	Date      string `json:"date,omitempty"`
}

// Categories, with their names for people.
var Categories = []struct{ ID, Title string }{
	{"maritime-claim", "Maritime claim"},
	{"alliance", "Alliances and alignment"},
	{"strategic-intention", "Strategic intention"},
	{"basing-policy", "Basing policy"},
	{"security-doctrine", "Security doctrine"},
	{"trade-policy", "Trade policy"},
	{"other", "Other"},
}

// CategoryTitle names a category.
func CategoryTitle(id string) string {
	for _, c := range Categories {
		if c.ID == id {
			return c.Title
		}
	}
	return id
}

// Module is the declarations module.
type Module struct{}

// New returns the module.
func New() *Module { return &Module{} }

// Name is the module's name.
func (*Module) Name() string { return "declarations" }

// Kinds are the module's kinds.
func (*Module) Kinds() []*ledger.Kind {
	return []*ledger.Kind{{
		Name: Kind, Title: "Declaration",
		Doc:         "A state's official position on a topic, versioned. Published by an authority of that state holding the \"declarations\" or \"governance\" role; each new version names the previous one.",
		Schema:      schema,
		Subject:     regexp.MustCompile(`^declarations/[a-z]{3}/[a-z0-9][a-z0-9-]{0,79}$`),
		SubjectHelp: "declarations/<state>/<topic>",
		Check:       check,
		Roles:       []string{RoleDeclarations, ledger.RoleGovernance},
		Summary: func(_ *i18n.Locale, b json.RawMessage) string {
			var d Body
			json.Unmarshal(b, &d)
			return d.Title
		},
	}}
}

// State is what the ledger keeps of a declaration between versions.
type State struct {
	Topic    string
	Category string
}

func check(c *ledger.Context) (any, error) {
	var b Body
	if err := c.Decode(&b); err != nil {
		return nil, err
	}
	state := ledger.SubjectSegment(c.Record.Subject, 1)
	if err := c.RequireAuthorOfState(state, "a state's positions are declared by its own authorities"); err != nil {
		return nil, err
	}
	a := c.Author()
	if !a.HasRole(RoleDeclarations) && !a.HasRole(ledger.RoleGovernance) {
		return nil, problem.Forbidden("author", "declaration.role", "%q does not hold the %q or %q role, so it does not speak for %q", a.ID, RoleDeclarations, ledger.RoleGovernance, state)
	}
	if c.Head == nil {
		if b.ChangeNote != "" {
			return nil, problem.Invalid("body.change_note", "declaration.first-version", "the first version of a declaration has no change note")
		}
		if b.Withdrawn {
			return nil, problem.Invalid("body.withdrawn", "declaration.first-version", "a position is withdrawn by a new version of the declaration that states it")
		}
	} else if prev, ok := c.Head.Data.(*State); ok && prev.Topic != b.Topic && b.ChangeNote == "" {
		return nil, problem.Invalid("body.change_note", "declaration.topic-change", "the topic changes from %q to %q: say why in change_note", prev.Topic, b.Topic)
	}
	return &State{Topic: b.Topic, Category: b.Category}, nil
}

// Projections are the module's projections.
func (*Module) Projections() []projector.Projection { return []projector.Projection{projection{}} }

type projection struct{}

var tableSchema = store.Schema{
	Name:   "declarations",
	Tables: []string{"declarations"},
	Migrations: store.Both(`
CREATE TABLE declarations (
	subject     TEXT PRIMARY KEY,
	state       TEXT NOT NULL,
	topic       TEXT NOT NULL,
	category    TEXT NOT NULL,
	title       TEXT NOT NULL,
	stated_on   TEXT NOT NULL,
	language    TEXT NOT NULL,
	author      TEXT NOT NULL,
	withdrawn   INTEGER NOT NULL,
	versions    INTEGER NOT NULL,
	first_idx   INTEGER NOT NULL,
	head_idx    INTEGER NOT NULL,
	first_stated_on TEXT NOT NULL
) STRICT;
`),
	Indexes: store.BothIndexes(
		`CREATE INDEX IF NOT EXISTS declarations_state ON declarations (state, stated_on)`,
		`CREATE INDEX IF NOT EXISTS declarations_category ON declarations (category, stated_on)`,
	),
}

func (projection) Schema() store.Schema { return tableSchema }
func (projection) Kinds() []string      { return []string{Kind} }

// Prepare decodes the body ahead of Apply.
func (projection) Prepare(r *record.Record) (any, error) {
	var b Body
	if err := json.Unmarshal(r.Body, &b); err != nil {
		return nil, err
	}
	return &b, nil
}

func (projection) Apply(ctx context.Context, tx *store.Tx, a *projector.Applied) error {
	b, ok := a.Prepared.(*Body)
	if !ok {
		return fmt.Errorf("declaration %d was not prepared", a.Index)
	}
	withdrawn := 0
	if b.Withdrawn {
		withdrawn = 1
	}
	return tx.Exec(ctx, `INSERT INTO declarations (subject, state, topic, category, title, stated_on, language, author, withdrawn, versions, first_idx, head_idx, first_stated_on)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $6)
		ON CONFLICT (subject) DO UPDATE SET topic = excluded.topic, category = excluded.category, title = excluded.title, stated_on = excluded.stated_on,
			language = excluded.language, author = excluded.author, withdrawn = excluded.withdrawn, versions = excluded.versions, head_idx = excluded.head_idx`,
		a.Record.Subject, ledger.SubjectSegment(a.Record.Subject, 1), b.Topic, b.Category, b.Title, b.StatedOn, b.Language, a.Record.Author,
		withdrawn, a.Head.Version, int64(a.Head.Created), int64(a.Index))
}
