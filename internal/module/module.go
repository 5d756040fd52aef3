// Package module defines what a module brings to a register: its kinds of
// record (schemas and policy), its projections, and its pages and API. The
// core never imports a module; cmd/kongsi wires the modules in.
package module

import (
	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/projector"
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
