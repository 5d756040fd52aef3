package trade

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"slices"
	"strings"

	"github.com/kongsi/kongsi/internal/projector"
	"github.com/kongsi/kongsi/internal/store"
	"github.com/kongsi/kongsi/internal/trade/segment"
	"github.com/kongsi/kongsi/internal/trade/tradefile"
)

// The states a release's data can be in.
const (
	StatusLoaded      = "loaded"      // the rows are in the trade store
	StatusMissing     = "missing"     // the register does not hold the file
	StatusMismatch    = "mismatch"    // the file is not the one the release describes
	StatusInvalid     = "invalid"     // the file does not read
	StatusUnavailable = "unavailable" // the register keeps no data directory
)

type projection struct {
	segs *segments
}

var tableSchema = store.Schema{
	Name:   "trade",
	Tables: []string{"trade_releases", "trade_totals"},
	Migrations: store.Both(`
CREATE TABLE trade_releases (
	subject          TEXT PRIMARY KEY,
	publisher        TEXT NOT NULL,
	title            TEXT NOT NULL,
	format           TEXT NOT NULL,
	basis            TEXT NOT NULL,
	source_title     TEXT NOT NULL,
	source_publisher TEXT NOT NULL,
	source_url       TEXT NOT NULL,
	dataset          TEXT NOT NULL,
	size             INTEGER NOT NULL,
	file_name        TEXT NOT NULL,
	rows             INTEGER NOT NULL,
	skipped_rows     INTEGER NOT NULL,
	reporters        TEXT NOT NULL,
	partners         TEXT NOT NULL,
	year_from        INTEGER NOT NULL,
	year_to          INTEGER NOT NULL,
	frequency        TEXT NOT NULL,
	flows            TEXT NOT NULL,
	hs_level         INTEGER NOT NULL,
	products         TEXT NOT NULL,
	classification   TEXT NOT NULL,
	notes            TEXT NOT NULL,
	status           TEXT NOT NULL,
	status_detail    TEXT NOT NULL,
	loaded_rows      INTEGER NOT NULL,
	version          INTEGER NOT NULL,
	first_idx        INTEGER NOT NULL,
	head_idx         INTEGER NOT NULL,
	signed           TEXT NOT NULL
) STRICT;
CREATE INDEX trade_releases_publisher ON trade_releases (publisher, head_idx);
CREATE TABLE trade_totals (
	release   TEXT NOT NULL,
	rank      INTEGER NOT NULL,
	basis     TEXT NOT NULL,
	complete  INTEGER NOT NULL,
	reporter  TEXT NOT NULL,
	partner   TEXT NOT NULL,
	year      INTEGER NOT NULL,
	month     INTEGER NOT NULL,
	flow      TEXT NOT NULL,
	value     REAL NOT NULL,
	qty       REAL,
	rows      INTEGER NOT NULL,
	months    INTEGER NOT NULL,
	mirrored  INTEGER NOT NULL,
	PRIMARY KEY (release, reporter, partner, year, month, flow)
) STRICT;
CREATE INDEX trade_totals_pair ON trade_totals (reporter, partner, basis, complete, year, month, flow, rank);
`),
}

func (*projection) Schema() store.Schema { return tableSchema }
func (*projection) Kinds() []string      { return []string{Kind} }

// Apply loads a release: it finds the dataset file in the data directory,
// checks it against the release, builds (or reuses) its segment, and writes
// the release and its totals. A release whose file is missing or is not the
// one it describes is recorded with that status and no data; it does not
// stop the projector, since the record itself is valid.
func (p *projection) Apply(ctx context.Context, tx *store.Tx, a *projector.Applied) error {
	var b Release
	if err := json.Unmarshal(a.Record.Body, &b); err != nil {
		return err
	}
	subject := a.Record.Subject
	// The new version replaces the data of the previous one, whatever
	// becomes of its own.
	if err := tx.Exec(ctx, `DELETE FROM trade_totals WHERE release = $1`, subject); err != nil {
		return err
	}
	status, detail, seg := p.load(a.DataDir, &b)
	var loaded int64
	if status == StatusLoaded {
		loaded = seg.Rows()
		complete := 0
		if b.Coverage.Products == ProductsAll {
			complete = 1
		}
		for _, t := range seg.Totals() {
			var qty any
			if !math.IsNaN(t.Qty) {
				qty = t.Qty
			}
			mirrored := 0
			if t.Mirrored {
				mirrored = 1
			}
			if err := tx.Exec(ctx, `INSERT INTO trade_totals (release, rank, basis, complete, reporter, partner, year, month, flow, value, qty, rows, months, mirrored)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
				subject, int64(a.Index), b.Basis, complete, t.Reporter, t.Partner, t.Year, t.Month, t.Flow.String(), t.Value, qty, t.Rows, int(t.Months), mirrored); err != nil {
				return err
			}
		}
	}
	version, first := 1, int64(a.Index)
	if a.Head != nil {
		version, first = a.Head.Version, int64(a.Head.Created)
	}
	return tx.Exec(ctx, `INSERT INTO trade_releases (subject, publisher, title, format, basis, source_title, source_publisher, source_url, dataset, size, file_name,
			rows, skipped_rows, reporters, partners, year_from, year_to, frequency, flows, hs_level, products, classification, notes, status, status_detail, loaded_rows,
			version, first_idx, head_idx, signed)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30)
		ON CONFLICT (subject) DO UPDATE SET title = excluded.title, format = excluded.format, basis = excluded.basis, source_title = excluded.source_title,
			source_publisher = excluded.source_publisher, source_url = excluded.source_url, dataset = excluded.dataset, size = excluded.size,
			file_name = excluded.file_name, rows = excluded.rows, skipped_rows = excluded.skipped_rows, reporters = excluded.reporters,
			partners = excluded.partners, year_from = excluded.year_from, year_to = excluded.year_to, frequency = excluded.frequency,
			flows = excluded.flows, hs_level = excluded.hs_level, products = excluded.products, classification = excluded.classification,
			notes = excluded.notes, status = excluded.status, status_detail = excluded.status_detail, loaded_rows = excluded.loaded_rows,
			version = excluded.version, head_idx = excluded.head_idx, signed = excluded.signed`,
		subject, a.Record.Author, b.Title, b.File.Format, b.Basis, b.Source.Title, b.Source.Publisher, b.Source.URL, b.File.SHA256, b.File.Size, b.File.Name,
		b.Rows, b.SkippedRows, strings.Join(b.Coverage.Reporters, " "), strings.Join(b.Coverage.Partners, " "), b.Coverage.Years.From, b.Coverage.Years.To,
		b.Coverage.Frequency, strings.Join(b.Coverage.Flows, " "), b.Coverage.Level, b.Coverage.Products, b.Coverage.Classification, b.Notes,
		status, detail, loaded, version, first, int64(a.Index), a.Record.Time)
}

// load brings a release's dataset into a segment, and says how it went.
func (p *projection) load(dataDir string, b *Release) (status, detail string, seg *segment.Segment) {
	if dataDir == "" {
		return StatusUnavailable, "this register keeps no data directory, so it cannot hold datasets", nil
	}
	f, ok := tradefile.FormatByName(b.File.Format)
	if !ok || !shaPattern.MatchString(b.File.SHA256) {
		return StatusInvalid, "the release names no dataset this register can read", nil
	}
	data := DatasetPath(dataDir, b.File.SHA256)
	file, err := os.Open(data)
	if errors.Is(err, fs.ErrNotExist) {
		return StatusMissing, fmt.Sprintf("this register does not hold the dataset %s; its publisher uploads it with kongsi import before publishing the release", b.File.SHA256), nil
	}
	if err != nil {
		return StatusMissing, "this register could not open the dataset", nil
	}
	defer file.Close()
	path := segmentPath(dataDir, b.File.SHA256, f.Name)
	seg, err = p.reuse(path, b.File.SHA256, f.Name, file)
	switch {
	case errors.Is(err, segment.ErrChecksum):
		return StatusMismatch, fmt.Sprintf("the file kept as %s is not the dataset the release names: %v", b.File.SHA256, err), nil
	case err != nil:
		p.segs.forget(path)
		if _, err := file.Seek(0, io.SeekStart); err != nil {
			return StatusMissing, "this register could not read the dataset", nil
		}
		_, err = segment.Build(path, f, file, b.File.SHA256)
		var fe *tradefile.Error
		switch {
		case errors.Is(err, segment.ErrChecksum):
			return StatusMismatch, fmt.Sprintf("the file kept as %s is not the dataset the release names: %v", b.File.SHA256, err), nil
		case errors.As(err, &fe):
			return StatusInvalid, "the dataset does not read as " + f.Title + ": " + fe.Error(), nil
		case err != nil:
			return StatusUnavailable, "this register could not build the dataset's trade store", nil
		}
		if seg, err = p.segs.get(path); err != nil {
			return StatusUnavailable, "this register could not open the dataset's trade store", nil
		}
	}
	info := seg.Info()
	if d := coverageMismatch(b, &info.Summary); d != "" {
		return StatusMismatch, "the file does not hold what the release says: " + d, nil
	}
	return StatusLoaded, "", seg
}

// reuse returns an existing segment for the dataset if it is whole and was
// built from this very file; it checks the file's checksum either way.
func (p *projection) reuse(path, sha, format string, file *os.File) (*segment.Segment, error) {
	seg, err := p.segs.get(path)
	if err != nil {
		return nil, err
	}
	if seg.Info().Dataset != sha || seg.Info().Summary.Format != format {
		return nil, errors.New("the segment is of another dataset")
	}
	h := sha256.New()
	if _, err := io.Copy(h, file); err != nil {
		return nil, err
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != sha {
		return nil, fmt.Errorf("%w: it is %s", segment.ErrChecksum, got)
	}
	if err := seg.Verify(); err != nil {
		return nil, err
	}
	return seg, nil
}

// coverageMismatch compares what a release says of its file with what the
// file holds, and describes the first difference.
func coverageMismatch(b *Release, s *tradefile.Summary) string {
	c := CoverageOf(s, b.Coverage.Products)
	switch {
	case s.Rows != b.Rows:
		return fmt.Sprintf("it has %d rows, the release says %d", s.Rows, b.Rows)
	case SkippedRows(s) != b.SkippedRows:
		return fmt.Sprintf("%d of its rows are left out, the release says %d", SkippedRows(s), b.SkippedRows)
	case !slices.Equal(c.Reporters, sortedCopy(b.Coverage.Reporters)):
		return fmt.Sprintf("its reporters are %s, the release says %s", strings.Join(c.Reporters, " "), strings.Join(b.Coverage.Reporters, " "))
	case !slices.Equal(c.Partners, sortedCopy(b.Coverage.Partners)):
		return fmt.Sprintf("its partners are %s, the release says %s", abbreviate(c.Partners), abbreviate(b.Coverage.Partners))
	case c.Years != b.Coverage.Years:
		return fmt.Sprintf("it covers %d–%d, the release says %d–%d", c.Years.From, c.Years.To, b.Coverage.Years.From, b.Coverage.Years.To)
	case c.Frequency != b.Coverage.Frequency:
		return fmt.Sprintf("its figures are %s, the release says %s", c.Frequency, b.Coverage.Frequency)
	case !slices.Equal(c.Flows, sortedFlows(b.Coverage.Flows)):
		return fmt.Sprintf("its flows are %s, the release says %s", strings.Join(c.Flows, " "), strings.Join(b.Coverage.Flows, " "))
	case c.Level != b.Coverage.Level:
		return fmt.Sprintf("its products are at HS level %d, the release says %d", c.Level, b.Coverage.Level)
	}
	return ""
}

func sortedFlows(fs []string) []string {
	var out []string
	for _, f := range []string{"X", "M"} {
		if slices.Contains(fs, f) {
			out = append(out, f)
		}
	}
	return out
}

func abbreviate(codes []string) string {
	if len(codes) > 12 {
		return strings.Join(codes[:12], " ") + fmt.Sprintf(" and %d more", len(codes)-12)
	}
	return strings.Join(codes, " ")
}

// releaseCountries reads the space-separated codes of a release row.
func releaseCountries(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Fields(s)
}
