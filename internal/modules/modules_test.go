package modules_test

import (
	"encoding/json"
	"io/fs"
	"testing"

	"github.com/kongsi/kongsi/internal/i18n"
	"github.com/kongsi/kongsi/internal/module"
	"github.com/kongsi/kongsi/internal/modules"
	"github.com/kongsi/kongsi/internal/web"
)

// TestCatalogsAgree checks that where the site's catalog and the modules'
// translate the same English text, they translate it alike: a site-wide
// catalog keeps the first translation of a text, so a second one would
// show on another module's pages in the first one's words.
func TestCatalogsAgree(t *testing.T) {
	catalogs := map[string]fs.FS{"web": web.Translations()}
	order := []string{"web"}
	for _, m := range modules.All() {
		if wt, ok := m.(module.WithTranslations); ok {
			catalogs[m.Name()] = wt.Translations()
			order = append(order, m.Name())
		}
	}
	for _, l := range i18n.Langs[1:] {
		first := map[string]string{} // text → the first catalog that translates it
		words := map[string]string{}
		for _, name := range order {
			b, err := fs.ReadFile(catalogs[name], "locales/"+l.Code+".json")
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			var m map[string]string
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatalf("%s locales/%s.json: %v", name, l.Code, err)
			}
			for text, tr := range m {
				if w, ok := words[text]; ok && w != tr {
					t.Errorf("%s: %q is %q in %s but %q in %s", l.Code, text, w, first[text], tr, name)
					continue
				}
				words[text], first[text] = tr, name
			}
		}
	}
}
