// Package trade is the trade monitor: statistics authorities publish trade
// datasets as signed data releases, their rows are loaded into the register's
// trade store, and the module answers the questions the China–ASEAN trade
// relationship raises: each member's balance with China as each side reports
// it, the products driving it, the gaps between what China reports exporting
// and what its partners report importing (mirror statistics), surges of
// imports in value, volume and unit value, and alerts when a deficit grows,
// a surge appears or a mirror gap widens.
//
// A release's record carries the dataset's SHA-256, not its rows: the file is
// kept in the data directory under its checksum (datasets/<sha256>), and the
// projection loads it when it applies the release, so that a rebuild loads it
// again. The rows go to a segment file (package segment), built for queries
// by reporter and partner; the totals go to SQL tables.
package trade

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/kongsi/kongsi/internal/i18n"
	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/projector"
	"github.com/kongsi/kongsi/internal/trade/country"
	"github.com/kongsi/kongsi/internal/trade/hs"
	"github.com/kongsi/kongsi/internal/trade/tradefile"
)

// Kind is the data release's kind.
const Kind = "trade.release"

// RoleStatistics is the role that may publish trade data.
const RoleStatistics = "statistics"

//go:embed schema.json
var schema []byte

// SubjectPrefix starts every release's subject.
const SubjectPrefix = "trade/releases/"

var subjectPattern = regexp.MustCompile(`^trade/releases/[a-z]{3}(\.[a-z0-9][a-z0-9-]*)?/[a-z0-9][a-z0-9-]{0,79}$`)

// Release is a data release's body.
type Release struct {
	Title       string   `json:"title"`
	Source      Source   `json:"source"`
	File        File     `json:"file"`
	Basis       string   `json:"basis"`
	Coverage    Coverage `json:"coverage"`
	Rows        int64    `json:"rows"`
	SkippedRows int64    `json:"skipped_rows,omitempty"`
	Notes       string   `json:"notes,omitempty"`
	ChangeNote  string   `json:"change_note,omitempty"`
}

// Source is where a dataset's figures come from.
type Source struct {
	Title     string `json:"title"`
	Publisher string `json:"publisher,omitempty"`
	URL       string `json:"url,omitempty"`
	Date      string `json:"date,omitempty"`
}

// File names a dataset file.
type File struct {
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
	Name   string `json:"name,omitempty"`
	Format string `json:"format"`
}

// Coverage is what a dataset covers.
type Coverage struct {
	Reporters      []string `json:"reporters"`
	Partners       []string `json:"partners"`
	Years          Years    `json:"years"`
	Frequency      string   `json:"frequency"`
	Flows          []string `json:"flows"`
	Level          int      `json:"hs_level"`
	Products       string   `json:"products"`
	Classification string   `json:"classification,omitempty"`
}

// Years is a range of years.
type Years struct {
	From int `json:"from"`
	To   int `json:"to"`
}

// Frequencies.
const (
	Annual  = "annual"
	Monthly = "monthly"
)

// Products coverage.
const (
	ProductsAll    = "all"
	ProductsListed = "listed"
)

// CoverageOf states the coverage of a file as its rows show it.
func CoverageOf(s *tradefile.Summary, products string) Coverage {
	c := Coverage{Reporters: s.Reporters, Partners: s.Partners, Years: Years{s.YearFrom, s.YearTo}, Frequency: Annual,
		Flows: s.Flows, Level: s.Level, Products: products, Classification: s.Classification}
	if s.Monthly {
		c.Frequency = Monthly
	}
	if c.Level == hs.Total {
		c.Products = ProductsAll // a file of totals covers all products
	}
	return c
}

// SkippedRows counts the rows a summary says were left out.
func SkippedRows(s *tradefile.Summary) int64 {
	var n int64
	for _, sk := range s.Skipped {
		n += int64(sk.Rows)
	}
	return n
}

// State is what the ledger keeps of a release between versions.
type State struct {
	SHA256 string
	Format string
}

func check(c *ledger.Context) (any, error) {
	var b Release
	if err := c.Decode(&b); err != nil {
		return nil, err
	}
	a := c.Author()
	if !a.HasRole(RoleStatistics) {
		return nil, problem.Forbidden("author", "trade.role", "%q does not hold the %q role: trade data is published by statistics offices, customs and statistical organisations", a.ID, RoleStatistics)
	}
	if pub := ledger.SubjectSegment(c.Record.Subject, 2); pub != a.ID {
		return nil, problem.Forbidden("subject", "trade.publisher", "a release is published under its publisher's name: %s%s/…, not %s", SubjectPrefix, a.ID, c.Record.Subject)
	}
	f, _ := tradefile.FormatByName(b.File.Format)
	if b.Basis != f.Basis {
		return nil, problem.Invalid("body.basis", "trade.basis", "a %s file holds %s figures, not %s ones", f.Title, f.Basis, b.Basis)
	}
	for field, codes := range map[string][]string{"reporters": b.Coverage.Reporters, "partners": b.Coverage.Partners} {
		for i, code := range codes {
			if _, ok := country.ByAlpha3(code); !ok {
				return nil, problem.Invalid(fmt.Sprintf("body.coverage.%s[%d]", field, i), "trade.country", "%q is not the ISO 3166 alpha-3 code of a country", code)
			}
		}
	}
	if b.Coverage.Years.From > b.Coverage.Years.To {
		return nil, problem.Invalid("body.coverage.years", "trade.years", "the years run from %d to %d: from comes first", b.Coverage.Years.From, b.Coverage.Years.To)
	}
	if b.Coverage.Level == hs.Total && b.Coverage.Products != ProductsAll {
		return nil, problem.Invalid("body.coverage.products", "trade.products", "figures for all products together cover all products")
	}
	// A state's statistics office or customs speaks for its own state's
	// statistics; compilations of several reporters, and reconciled data,
	// are published by organisations.
	if a.Type == ledger.TypeAuthority {
		own := strings.ToUpper(a.State)
		if b.Basis != tradefile.BasisReported {
			return nil, problem.Forbidden("body.basis", "trade.own-statistics", "reconciled data is not any one state's statistics: an organisation publishes it, not %q", a.ID)
		}
		for i, r := range b.Coverage.Reporters {
			if r != own {
				return nil, problem.Forbidden(fmt.Sprintf("body.coverage.reporters[%d]", i), "trade.own-statistics", "%q publishes %s's statistics, not those %s reports; compilations of several reporters are published by an organisation", a.ID, own, r)
			}
		}
	}
	if c.Head == nil && b.ChangeNote != "" {
		return nil, problem.Invalid("body.change_note", "trade.first-version", "the first version of a release has no change note")
	}
	if c.Head != nil && b.ChangeNote == "" {
		return nil, problem.Invalid("body.change_note", "trade.change-note", "a new version replaces the release's data: say what changed in change_note")
	}
	return &State{SHA256: b.File.SHA256, Format: b.File.Format}, nil
}

// Module is the trade monitor.
type Module struct {
	segs  *segments
	names *hs.Names
}

// New returns the module.
func New() *Module { return &Module{segs: newSegments(), names: hs.Builtin()} }

// Name is the module's name.
func (*Module) Name() string { return "trade" }

// Kinds are the module's kinds.
func (*Module) Kinds() []*ledger.Kind {
	return []*ledger.Kind{{
		Name: Kind, Title: "Trade data release",
		Doc:         "A trade dataset published by a statistics authority: the record names the file by its SHA-256 and states its source and coverage; the register keeps the file and loads its rows. A state's statistics office or customs publishes its own state's figures; organisations with the \"statistics\" role publish compilations and reconciled data. A new version replaces the release's data and says why.",
		Schema:      schema,
		Subject:     subjectPattern,
		SubjectHelp: "trade/releases/<publisher>/<name>",
		Check:       check,
		Roles:       []string{RoleStatistics},
		Summary: func(_ *i18n.Locale, b json.RawMessage) string {
			var r Release
			json.Unmarshal(b, &r)
			return r.Title
		},
	}}
}

// Projections are the module's projections.
func (m *Module) Projections() []projector.Projection {
	return []projector.Projection{&projection{segs: m.segs}}
}

// sortedCopy returns a sorted copy.
func sortedCopy(xs []string) []string {
	out := slices.Clone(xs)
	slices.Sort(out)
	return out
}
