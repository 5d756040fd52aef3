package projects

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/kongsi/kongsi/internal/projects/oc4ids"
	"github.com/kongsi/kongsi/internal/publish"
)

// MaxPackageSize bounds the OC4IDS packages the importer reads.
const MaxPackageSize = 64 << 20

// ImportOC4IDS is kongsi import oc4ids: it validates a package against the
// official schema and refuses it, with the schema's reasons, if it fails;
// maps every project to a project record and refuses the package if any
// cannot be taken; then publishes them. Nothing is published unless the
// whole package is good.
func ImportOC4IDS(ctx context.Context, pub publish.Publisher, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("kongsi import oc4ids", flag.ContinueOnError)
	fs.SetOutput(out)
	schema := fs.String("schema", oc4ids.DefaultSchemaDir, "the directory of the official OC4IDS schema (project-package-schema.json and project-schema.json)")
	host := fs.String("host", "", "the host state of every project, by code (idn), for packages whose locations do not name their country")
	dryRun := fs.Bool("dry-run", false, "validate and map the package, and publish nothing")
	workers := fs.Int("workers", 8, "how many records to have in flight at once")
	file, err := parseImportArgs(fs, args, "kongsi import oc4ids (-data DIR | -register URL -key FILE) [flags] FILE", "give one OC4IDS package (a JSON file)")
	if err != nil {
		return err
	}
	start := time.Now()
	v, err := oc4ids.LoadValidator(*schema)
	if err != nil {
		return err
	}
	data, err := readLimited(file, MaxPackageSize)
	if err != nil {
		return err
	}
	if err := v.Validate(data); err != nil {
		return fmt.Errorf("%s is refused: %w", file, err)
	}
	pkg, err := oc4ids.Parse(data)
	if err != nil {
		return fmt.Errorf("%s is refused: %w", file, err)
	}
	info, err := readRegister(ctx, pub)
	if err != nil {
		return err
	}
	if *host != "" {
		if _, ok := info.states[*host]; !ok {
			return fmt.Errorf("-host %q is not a member state of this register", *host)
		}
	}
	opts := ImportOptions{States: info.states, Host: *host, Importer: info.isImporter(), Today: time.Now().UTC().Format("2006-01-02")}
	checker, err := newBodyChecker(New())
	if err != nil {
		return err
	}
	var items []mapped
	var problems []string
	seen := map[string]string{}
	for i := range pkg.Projects {
		what := fmt.Sprintf("/projects/%d", i)
		id, b, err := FromOC4IDS(pkg, i, opts)
		if err == nil {
			err = checker.check(b)
		}
		if err == nil && seen[id] != "" {
			err = fmt.Errorf("the project is also at %s: both would be %s", seen[id], ProjectSubject(id))
		}
		if err != nil {
			var me *MapError
			if errors.As(err, &me) {
				problems = append(problems, me.Error())
			} else {
				problems = append(problems, fmt.Sprintf("%s (id %q): %v", what, pkg.Projects[i].ID, err))
			}
			continue
		}
		seen[id] = what
		items = append(items, mapped{id: id, body: b, what: what})
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s is valid OC4IDS, but the register cannot take %d of its %d projects, so it imports none:\n  %s",
			file, len(problems), len(pkg.Projects), strings.Join(problems, "\n  "))
	}
	fmt.Fprintf(out, "%s: a valid OC4IDS %s package of %d project(s) from %s.\n", file, pkg.Version, len(pkg.Projects), pkg.Publisher.Name)
	if *dryRun {
		for _, it := range items {
			fmt.Fprintf(out, "  %s → %s (%s, %s)\n", it.what, ProjectSubject(it.id), it.body.Name, it.body.Status)
		}
		fmt.Fprintln(out, "Dry run: nothing published.")
		return nil
	}
	stats, err := publishAll(ctx, pub, items, "Updated from OC4IDS package "+pkg.URI+" of "+pkg.PublishedDate, *workers)
	if serr := settle(ctx, pub, stats); err == nil {
		err = serr
	}
	stats.report(out, "Projects", time.Since(start))
	if err != nil {
		return fmt.Errorf("the register refused %w", err)
	}
	return nil
}

// readLimited reads a file of at most limit bytes.
func readLimited(name string, limit int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("couldn't read %s: %w", name, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s is larger than %d MB", name, limit>>20)
	}
	return b, nil
}
