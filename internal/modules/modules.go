// Package modules lists the register's modules: the one place that says
// which modules a Kongsi register runs, and in which order their pages,
// sections and navigation appear.
package modules

import (
	"github.com/kongsi/kongsi/internal/accountability"
	"github.com/kongsi/kongsi/internal/declaration"
	"github.com/kongsi/kongsi/internal/module"
	"github.com/kongsi/kongsi/internal/projects"
	"github.com/kongsi/kongsi/internal/security"
	"github.com/kongsi/kongsi/internal/trade"
)

// All returns a new instance of every module, in the register's order.
func All() []module.Module {
	return []module.Module{declaration.New(), security.New(), projects.New(), accountability.New(), trade.New()}
}
