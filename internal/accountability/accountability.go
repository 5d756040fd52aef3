package accountability

import (
	"embed"
	"time"

	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/projector"
)

//go:embed schemas/*.json
var schemaFiles embed.FS

func schema(kind string) []byte {
	b, err := schemaFiles.ReadFile("schemas/" + kind + ".json")
	if err != nil {
		panic(err) // embedded at build time
	}
	return b
}

// Module is the accountability and coordination module.
type Module struct {
	now func() time.Time
}

// New returns the module. Pages and API answers judge what is overdue
// against the current date.
func New() *Module { return &Module{now: time.Now} }

// WithClock returns the module judging what is overdue against the dates
// now returns, for tests and for looking at a register as of a past day.
func (m *Module) WithClock(now func() time.Time) *Module { return &Module{now: now} }

// Name is the module's name.
func (*Module) Name() string { return "accountability" }

// Kinds are the module's kinds.
func (*Module) Kinds() []*ledger.Kind {
	var ks []*ledger.Kind
	ks = append(ks, commitmentKinds()...)
	ks = append(ks, cooperationKinds()...)
	ks = append(ks, programmeKinds()...)
	ks = append(ks, exchangeKinds()...)
	return ks
}

// Projections are the module's projections.
func (*Module) Projections() []projector.Projection {
	return []projector.Projection{commitmentProjection{}, cooperationProjection{}, programmeProjection{}, exchangeProjection{}}
}
