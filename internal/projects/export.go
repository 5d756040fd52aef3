package projects

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/kongsi/kongsi/internal/browse"
	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/module"
	"github.com/kongsi/kongsi/internal/projects/oc4ids"
	"github.com/kongsi/kongsi/internal/store"
	"github.com/kongsi/kongsi/internal/web"
)

// Exporters are the module's exporters: kongsi export oc4ids, kongsi
// export iati.
func (m *Module) Exporters() []module.Exporter {
	return []module.Exporter{
		{Name: "oc4ids", Summary: "the projects as an OC4IDS project package (JSON), checked against the official schema", Run: ExportOC4IDS},
		{Name: "iati", Summary: "the projects as IATI 2.03 activities (XML)", Run: ExportIATI},
	}
}

// registerName reads the register's name and origin from its charter.
func registerName(ctx context.Context, st store.Store) (name, origin string, err error) {
	rec, err := browse.ByIndex(ctx, st, 0)
	if err != nil {
		return "", "", fmt.Errorf("couldn't read the register's charter: %w", err)
	}
	var c ledger.CharterBody
	if err := json.Unmarshal(rec.Body, &c); err != nil {
		return "", "", err
	}
	return c.Name, c.Origin, nil
}

// parseWithFilter adds the list filters to a flag set, parses args, and
// returns the filter they give.
func parseWithFilter(fs *flag.FlagSet, args []string) (Filter, error) {
	v := map[string]*string{}
	for _, k := range []string{"country", "sector", "status", "halt", "designation", "sponsor_type", "reported"} {
		v[k] = fs.String(k, "", "only projects with this "+strings.ReplaceAll(k, "_", " ")+" (as in the API's filters)")
	}
	if err := fs.Parse(args); err != nil {
		return Filter{}, err
	}
	q := url.Values{}
	for k, s := range v {
		if *s != "" {
			q.Set(k, *s)
		}
	}
	return FilterFrom(q)
}

// ExportOC4IDS is kongsi export oc4ids. The package is checked against the
// official schema before it is written; without the schema it is not
// written, unless -validate=false.
func ExportOC4IDS(ctx context.Context, st store.Store, w io.Writer, args []string) error {
	fs := flag.NewFlagSet("kongsi export oc4ids", flag.ContinueOnError)
	schema := fs.String("schema", oc4ids.DefaultSchemaDir, "the directory of the official OC4IDS schema")
	validate := fs.Bool("validate", true, "check the package against the official schema before writing it")
	uri := fs.String("uri", "", "the package's URI (default: https://<origin>/api/v1/projects.oc4ids.json)")
	prefix := fs.String("prefix", SchemeRegister, "the prefix of project identifiers: your registered OC4IDS project identifier prefix")
	f, err := parseWithFilter(fs, args)
	if err != nil {
		return err
	}
	var v *oc4ids.Validator
	if *validate {
		if v, err = oc4ids.LoadValidator(*schema); err != nil {
			return fmt.Errorf("couldn't check the package: %w; or write it unchecked with -validate=false", err)
		}
	}
	name, origin, err := registerName(ctx, st)
	if err != nil {
		return err
	}
	if *uri == "" {
		*uri = "https://" + origin + "/api/v1/projects.oc4ids.json"
	}
	pkg, err := BuildPackage(ctx, st, f, PackageOptions{URI: *uri, Publisher: name, Prefix: *prefix})
	if err != nil {
		return err
	}
	if len(pkg.Projects) == 0 {
		return errors.New("no project to export: an OC4IDS package holds at least one")
	}
	data, err := json.MarshalIndent(pkg, "", "  ")
	if err != nil {
		return err
	}
	if v != nil {
		if err := v.Validate(data); err != nil {
			return fmt.Errorf("the package the register made fails the schema, which is a fault of the register: %w", err)
		}
	}
	if _, err := w.Write(append(data, '\n')); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "%d projects written as OC4IDS %s%s.\n", len(pkg.Projects), pkg.Version, map[bool]string{true: ", valid against the official schema", false: ", not checked"}[v != nil])
	return nil
}

// apiPackage serves the projects a filter selects as an OC4IDS package.
func (h *handlers) apiPackage(w http.ResponseWriter, r *http.Request) error {
	f, err := FilterFrom(r.URL.Query())
	if err != nil {
		return err
	}
	name, _, err := registerName(r.Context(), h.site.Node.Store)
	if err != nil {
		return err
	}
	pkg, err := BuildPackage(r.Context(), h.site.Node.Store, f, PackageOptions{URI: h.site.BaseURL(r) + r.URL.RequestURI(), Publisher: name})
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, pkg)
}

// apiProjectPackage serves one project as an OC4IDS package.
func (h *handlers) apiProjectPackage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id := r.PathValue("id")
	s, err := Get(ctx, h.site.Node.Store, id)
	if err != nil {
		return err
	}
	name, _, err := registerName(ctx, h.site.Node.Store)
	if err != nil {
		return err
	}
	pkg, err := BuildPackage(ctx, h.site.Node.Store, Filter{ID: s.ID}, PackageOptions{URI: h.site.BaseURL(r) + r.URL.RequestURI(), Publisher: name})
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, pkg)
}
