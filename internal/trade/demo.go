package trade

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"

	"github.com/kongsi/kongsi/internal/demo"
	"github.com/kongsi/kongsi/internal/trade/tradefile"
)

// The demo's trade data: yearly trade between China and each ASEAN member
// as each side reports it, Singapore's trade with China in ten HS chapters,
// and China's exports of graphite to six members. Every file is Kongsi's own
// restatement of public statistics, in Kongsi's trade CSV; releases.json
// names each one's publisher and source.
//
//go:embed demodata
var demoData embed.FS

type demoRelease struct {
	Author   string `json:"author"`
	Name     string `json:"name"`
	File     string `json:"file"`
	Title    string `json:"title"`
	Products string `json:"products"`
	Source   Source `json:"source"`
	Notes    string `json:"notes"`
}

// DemoReleases lists the demo's releases.
func DemoReleases() ([]demoRelease, error) {
	b, err := demoData.ReadFile("demodata/releases.json")
	if err != nil {
		return nil, err
	}
	var m struct {
		Releases []demoRelease `json:"releases"`
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(&m); err != nil {
		return nil, fmt.Errorf("couldn't read the demo's trade releases: %w", err)
	}
	return m.Releases, nil
}

// SeedDemo publishes the demo's trade data the way a statistics authority
// would: each file goes into the data directory under its checksum, then its
// publisher signs the release that names it.
func (m *Module) SeedDemo(ctx context.Context, l *demo.Loader) error {
	rels, err := DemoReleases()
	if err != nil {
		return err
	}
	for _, r := range rels {
		data, err := demoData.ReadFile("demodata/" + r.File)
		if err != nil {
			return err
		}
		csv, _ := tradefile.FormatByName("csv")
		c, err := StoreDataset(l.Node.Dir, csv, bytes.NewReader(data), 0, "")
		if err != nil {
			return fmt.Errorf("the demo's %s: %w", r.File, err)
		}
		body := Release{Title: r.Title, Source: r.Source, Basis: tradefile.BasisReported, Coverage: CoverageOf(&c.Summary, r.Products),
			Rows: c.Rows, SkippedRows: SkippedRows(&c.Summary), Notes: r.Notes,
			File: File{SHA256: c.SHA256, Size: c.Size, Name: r.File, Format: "csv"}}
		raw, err := json.Marshal(body)
		if err != nil {
			return err
		}
		if _, err := l.Submit(ctx, demo.Record{Author: r.Author, Kind: Kind, Subject: SubjectPrefix + r.Author + "/" + r.Name, Body: raw}); err != nil {
			return err
		}
	}
	return nil
}
