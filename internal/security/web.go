package security

import "github.com/kongsi/kongsi/internal/web"

// Web adds the module's pages and API.
func (m *Module) Web(s *web.Site) error { return nil }
