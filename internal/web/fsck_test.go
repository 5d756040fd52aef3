package web_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/kongsi/kongsi/internal/declaration"
	"github.com/kongsi/kongsi/internal/node"
	"github.com/kongsi/kongsi/internal/nodetest"
	"github.com/kongsi/kongsi/internal/tlog"
	"github.com/transparency-dev/merkle/rfc6962"
	"github.com/transparency-dev/tessera/api"
	"github.com/transparency-dev/tessera/fsck"
	"golang.org/x/mod/sumdb/note"
)

// TestTesseraFsckChecksTheLog has Tessera's own fsck, an independent
// tlog-tiles client, check the whole log as the site serves it over HTTP.
func TestTesseraFsckChecksTheLog(t *testing.T) {
	e := nodetest.New(t, declaration.New())
	var entries [][]byte
	for i := range 600 { // more than two bundles, and partial tiles
		entries = append(entries, e.F.Sign(t, "khm.mfa", declaration.Kind, fmt.Sprintf("declarations/khm/f%d", i), declBody(fmt.Sprintf("Position %d", i))))
	}
	e.Submit(entries...)
	src, err := tlog.HTTPSource(e.Server.URL+"/log/", e.Server.Client())
	if err != nil {
		t.Fatal(err)
	}
	v, _ := note.NewVerifier(e.F.LogVKey)
	leafHashes := func(bundle []byte) ([][]byte, error) {
		var b api.EntryBundle
		if err := b.UnmarshalText(bundle); err != nil {
			return nil, err
		}
		out := make([][]byte, len(b.Entries))
		for i, entry := range b.Entries {
			out[i] = rfc6962.DefaultHasher.HashLeaf(entry)
		}
		return out, nil
	}
	f := fsck.New(v.Name(), v, src, leafHashes, fsck.Opts{N: 4})
	if err := f.Check(context.Background()); err != nil {
		t.Fatalf("fsck: %v", err)
	}
	if st := f.Status(); len(st.EntryRanges) == 0 || st.ErrorsEncountered > 0 || st.ResourcesFetched < 3 {
		t.Errorf("fsck status: %+v", st)
	}
	// A log whose entries were changed on disk fails: fsck notices that the
	// entries no longer make up the tree.
	bundle := filepath.Join(e.Dir, node.LogDir, "tile", "entries", "000")
	b, err := os.ReadFile(bundle)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(b, []byte("Position 5"))
	b[i+len("Position ")] = '6'
	if err := os.WriteFile(bundle, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := fsck.New(v.Name(), v, src, leafHashes, fsck.Opts{N: 4}).Check(context.Background()); err == nil {
		t.Fatal("fsck passed a log whose entries were changed")
	}
}
