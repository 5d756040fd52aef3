// Package module defines what a module brings to a register: its kinds of
// record (schemas and policy), its projections, and its pages and API. The
// core never imports a module; cmd/kongsi wires the modules in.
package module

import (
	"context"
	"fmt"
	"io"
	"io/fs"

	"github.com/kongsi/kongsi/internal/i18n"

	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/projector"
	"github.com/kongsi/kongsi/internal/publish"
	"github.com/kongsi/kongsi/internal/store"
	"github.com/kongsi/kongsi/internal/web"
)

// Module is a vertical slice of the register.
type Module interface {
	// Name identifies the module: "declarations".
	Name() string
	// Kinds are the kinds of record the module defines.
	Kinds() []*ledger.Kind
	// Projections derive the module's tables from the log.
	Projections() []projector.Projection
	// Web adds the module's pages, API routes and templates to a site.
	Web(s *web.Site) error
}

// Kinds collects the kinds of several modules.
func Kinds(ms []Module) []*ledger.Kind {
	var ks []*ledger.Kind
	for _, m := range ms {
		ks = append(ks, m.Kinds()...)
	}
	return ks
}

// Projections collects the projections of several modules.
func Projections(ms []Module) []projector.Projection {
	var ps []projector.Projection
	for _, m := range ms {
		ps = append(ps, m.Projections()...)
	}
	return ps
}

// Importer loads outside data into a register: `kongsi import <name> FILE`.
// It signs what it publishes as the publisher's party.
type Importer struct {
	Name    string // "dots", "oc4ids"
	Summary string // one line for kongsi import -h
	// DemoAuthor is the party the importer signs as on the demonstration
	// register when no key is given.
	DemoAuthor string
	// Run parses its own flags from args (the file among them) and imports.
	Run func(ctx context.Context, pub publish.Publisher, args []string) error
}

// Exporter writes a register's data in an outside format: `kongsi export
// <name>`.
type Exporter struct {
	Name    string
	Summary string
	// Run parses its own flags from args and writes the export to w.
	Run func(ctx context.Context, st store.Store, w io.Writer, args []string) error
}

// WithImporters is a module that has importers.
type WithImporters interface {
	Importers() []Importer
}

// WithTranslations is a module whose pages are translated: its catalogs
// (see i18n.Catalog) are the files locales/<language>.json of the file
// system. Its Web adds them to the site; the desk, which shows forms for
// the module's kinds, reads them from here.
type WithTranslations interface {
	Translations() fs.FS
}

// AddTranslations adds the catalogs of the modules that have them.
func AddTranslations(c *i18n.Catalog, ms []Module) error {
	for _, m := range ms {
		if wt, ok := m.(WithTranslations); ok {
			if err := c.Add(wt.Translations(), "locales"); err != nil {
				return fmt.Errorf("module %s: %w", m.Name(), err)
			}
		}
	}
	return nil
}

// WithExporters is a module that has exporters.
type WithExporters interface {
	Exporters() []Exporter
}
