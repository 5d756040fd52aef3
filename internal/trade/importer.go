package trade

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/kongsi/kongsi/internal/module"
	"github.com/kongsi/kongsi/internal/publish"
	"github.com/kongsi/kongsi/internal/trade/hs"
	"github.com/kongsi/kongsi/internal/trade/tradefile"
)

// DemoPublisher is the party that publishes imported compilations on the
// demonstration register: the ASEAN Secretariat, whose ASEANstats office
// publishes the region's trade statistics.
const DemoPublisher = "org.asean-secretariat"

// sourceDefaults name the usual source of each format.
var sourceDefaults = map[string]Source{
	"dots":     {Title: "IMF Direction of Trade Statistics (DOTS)", Publisher: "International Monetary Fund", URL: "https://data.imf.org/"},
	"comtrade": {Title: "UN Comtrade", Publisher: "United Nations Statistics Division", URL: "https://comtradeplus.un.org/"},
	"baci":     {Title: "BACI: international trade database at the product level", Publisher: "CEPII", URL: "https://www.cepii.fr/CEPII/en/bdd_modele/bdd_modele_item.asp?id=37"},
	"wits":     {Title: "World Integrated Trade Solution (WITS)", Publisher: "World Bank", URL: "https://wits.worldbank.org/"},
}

// Importers are `kongsi import dots|comtrade|baci|wits|csv FILE`.
func (m *Module) Importers() []module.Importer {
	var out []module.Importer
	for _, f := range tradefile.Formats {
		f := f
		out = append(out, module.Importer{
			Name: f.Name, Summary: "publish a trade dataset: " + f.Title, DemoAuthor: DemoPublisher,
			Run: func(ctx context.Context, pub publish.Publisher, args []string) error {
				return runImport(ctx, pub, f, args, os.Stdout)
			},
		})
	}
	return out
}

// RunImport runs the importer of a format with command-line arguments,
// writing what it does to out.
func RunImport(ctx context.Context, pub publish.Publisher, format string, args []string, out io.Writer) error {
	f, ok := tradefile.FormatByName(format)
	if !ok {
		return fmt.Errorf("no format %q", format)
	}
	return runImport(ctx, pub, f, args, out)
}

var namePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,79}$`)

// importOptions are an import's flags.
type importOptions struct {
	name, title, notes, change, products, hsFile string
	source                                       Source
	wait                                         time.Duration
}

func runImport(ctx context.Context, pub publish.Publisher, f *tradefile.Format, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("import "+f.Name, flag.ContinueOnError)
	var o importOptions
	def := sourceDefaults[f.Name]
	fs.StringVar(&o.name, "name", "", "the release's name, under the publisher's: trade/releases/<publisher>/<name> (default: from the format and coverage)")
	fs.StringVar(&o.title, "title", "", "what the dataset is, in a line (default: from the format and coverage)")
	fs.StringVar(&o.source.Title, "source", def.Title, "where the figures come from")
	fs.StringVar(&o.source.Publisher, "source-publisher", def.Publisher, "who publishes the source")
	fs.StringVar(&o.source.URL, "source-url", def.URL, "the source's address")
	fs.StringVar(&o.source.Date, "source-date", "", "when the source was published or retrieved (YYYY-MM-DD)")
	fs.StringVar(&o.products, "products", ProductsAll, "all: the rows cover all products, so their sums are totals; listed: only the products in the file")
	fs.StringVar(&o.notes, "notes", "", "what a reader should know about the figures")
	fs.StringVar(&o.change, "change-note", "", "for a new version of a release: what changed and why")
	fs.StringVar(&o.hsFile, "hs", "", "the HS 2022 nomenclature (CSV with hscode and description columns), to check that every heading and subheading exists")
	fs.DurationVar(&o.wait, "wait", 10*time.Minute, "how long to wait for the register to load the rows")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: kongsi import %s (-data DIR | -register URL -key FILE) [flags] FILE\n\n%s: %s\n\nFlags:\n", f.Name, f.Title, f.Doc)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("give one file to import")
	}
	if o.source.Title == "" {
		return errors.New("say where the figures come from: -source TITLE (and -source-url, -source-publisher)")
	}
	if o.products != ProductsAll && o.products != ProductsListed {
		return errors.New("-products is all or listed")
	}
	if o.name != "" && !namePattern.MatchString(o.name) {
		return fmt.Errorf("-name %q: a release's name is lower-case letters, digits and hyphens", o.name)
	}
	path := fs.Arg(0)
	// Read every row first: a malformed file is refused before anything
	// is uploaded or signed.
	check, err := checkFile(f, path, o.hsFile)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	fmt.Fprintf(out, "Read %s: %s (%d left out), %s, %s, %d–%d, SHA-256 %s.\n", filepath.Base(path), plural(int(check.Rows), "row"),
		SkippedRows(&check.Summary), plural(len(check.Reporters), "reporter"), plural(len(check.Partners), "partner"), check.YearFrom, check.YearTo, check.SHA256)
	for _, sk := range check.Skipped {
		ex := ""
		if len(sk.Examples) > 0 {
			ex = " (" + strings.Join(sk.Examples, ", ") + "…)"
		}
		fmt.Fprintf(out, "  left out: %s, %s%s\n", plural(sk.Rows, "row"), sk.Reason, ex)
	}
	body := releaseBody(f, check, filepath.Base(path), &o)
	name := o.name
	if name == "" {
		name = defaultName(f, check)
	}
	subject := SubjectPrefix + pub.Author() + "/" + name
	if _, exists, err := pub.Head(ctx, subject); err != nil {
		return err
	} else if exists && o.change == "" {
		return fmt.Errorf("the release %s exists: a new version replaces its data, so say what changed with -change-note", subject)
	} else if !exists && o.change != "" {
		return fmt.Errorf("the release %s is new: -change-note is for new versions", subject)
	}
	// The file first, then the record that names it.
	if err := storeFile(ctx, pub, f, path, check); err != nil {
		return err
	}
	idx, err := pub.Publish(ctx, Kind, subject, body)
	if err != nil {
		return fmt.Errorf("the register refused the release: %w", err)
	}
	fmt.Fprintf(out, "Published %s as record %d, signed by %s.\n", subject, idx, pub.Author())
	rel, err := waitLoaded(ctx, pub, subject, idx, o.wait)
	if err != nil {
		return err
	}
	if rel.Status != StatusLoaded {
		return fmt.Errorf("the register did not load the release's data (%s): %s", rel.Status, rel.StatusDetail)
	}
	fmt.Fprintf(out, "The register loaded %d rows.\n", rel.LoadedRows)
	return nil
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// checkFile reads a whole file, and checks its product codes against the
// nomenclature when one is given.
func checkFile(f *tradefile.Format, path, hsFile string) (*tradefile.Checked, error) {
	var names *hs.Names
	if hsFile != "" {
		nf, err := os.Open(hsFile)
		if err != nil {
			return nil, err
		}
		names, err = hs.LoadNomenclature(nf)
		nf.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", hsFile, err)
		}
	}
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	var fn func(*tradefile.Row) error
	if names != nil {
		fn = func(r *tradefile.Row) error {
			if code := hs.Format(r.HS, int(r.Level)); r.Level > 2 && !names.Known(code) {
				return &tradefile.Error{Rule: "hs.unknown", Msg: fmt.Sprintf("HS %s is not in the HS 2022 nomenclature", code)}
			}
			return nil
		}
	}
	return tradefile.Check(f, file, fn)
}

func releaseBody(f *tradefile.Format, c *tradefile.Checked, fileName string, o *importOptions) Release {
	b := Release{
		Title: o.title, Source: o.source, Basis: f.Basis, Coverage: CoverageOf(&c.Summary, o.products), Rows: c.Rows, SkippedRows: SkippedRows(&c.Summary),
		File: File{SHA256: c.SHA256, Size: c.Size, Name: fileName, Format: f.Name}, Notes: o.notes, ChangeNote: o.change,
	}
	if b.Title == "" {
		who := fmt.Sprintf("%d reporters", len(c.Reporters))
		if len(c.Reporters) == 1 {
			who = c.Reporters[0]
		}
		b.Title = fmt.Sprintf("%s: %s's trade with %d partners, %d–%d", f.Title, who, len(c.Partners), c.YearFrom, c.YearTo)
		if len(c.Reporters) > 1 {
			b.Title = fmt.Sprintf("%s: the trade of %s with %d partners, %d–%d", f.Title, who, len(c.Partners), c.YearFrom, c.YearTo)
		}
		if len(b.Title) > 200 {
			b.Title = b.Title[:200]
		}
	}
	return b
}

func defaultName(f *tradefile.Format, c *tradefile.Checked) string {
	who := "multi"
	if len(c.Reporters) == 1 {
		who = strings.ToLower(c.Reporters[0])
	}
	return fmt.Sprintf("%s-%s-%d-%d", f.Name, who, c.YearFrom, c.YearTo)
}

// storeFile puts the file where the register keeps datasets: in its data
// directory, or by upload.
func storeFile(ctx context.Context, pub publish.Publisher, f *tradefile.Format, path string, c *tradefile.Checked) error {
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	if n := pub.Node(); n != nil {
		_, err := StoreDataset(n.Dir, f, file, 0, c.SHA256)
		return err
	}
	remote, ok := pub.(*publish.Remote)
	if !ok {
		return errors.New("this publisher cannot upload files")
	}
	// A register that already holds the file needs no upload.
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, remote.Base+"/api/v1/trade/datasets/"+c.SHA256, nil)
	if err != nil {
		return err
	}
	if err := remote.Do(req, nil); err == nil {
		return nil
	} else if !errors.Is(err, publish.ErrNotFound) {
		return fmt.Errorf("couldn't ask the register for the dataset: %w", err)
	}
	auth, err := UploadAuthorization(remote.Signer, remote.Origin(), f.Name, c.SHA256, c.Size)
	if err != nil {
		return err
	}
	req, err = http.NewRequestWithContext(ctx, http.MethodPost, remote.Base+"/api/v1/trade/datasets?format="+f.Name, file)
	if err != nil {
		return err
	}
	req.ContentLength = c.Size
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set(UploadHeader, auth)
	var res UploadResult
	if err := remote.Do(req, &res); err != nil {
		return fmt.Errorf("the register refused the file: %w", err)
	}
	if res.SHA256 != c.SHA256 {
		return fmt.Errorf("the register stored a file with the SHA-256 %s, not %s", res.SHA256, c.SHA256)
	}
	return nil
}

// waitLoaded waits until the register has projected the release record at
// idx, and returns the release as it stands.
func waitLoaded(ctx context.Context, pub publish.Publisher, subject string, idx uint64, wait time.Duration) (*ReleaseSummary, error) {
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	if n := pub.Node(); n != nil {
		if err := n.Projector.WaitFor(ctx, idx+1); err != nil {
			return nil, fmt.Errorf("waiting for the register to load the release: %w", err)
		}
		return GetRelease(ctx, n.Store, subject)
	}
	remote := pub.(*publish.Remote)
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, remote.Base+"/api/v1/"+subject, nil)
		if err != nil {
			return nil, err
		}
		var rel ReleaseSummary
		err = remote.Do(req, &rel)
		if err == nil && rel.Index >= idx {
			return &rel, nil
		}
		if err != nil && !errors.Is(err, publish.ErrNotFound) {
			return nil, err
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("the register has not loaded the release yet (%w); see %s/%s", ctx.Err(), remote.Base, subject)
		case <-time.After(250 * time.Millisecond):
		}
	}
}
