package tlog

import (
	"bytes"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/transparency-dev/tessera/api/layout"
)

// Handler serves a log's files as C2SP tlog-tiles says, for requests whose
// path has had the log's prefix stripped: "checkpoint", "tile/...", and
// "tile/entries/...". Tiles and bundles never change, and are cached for a
// year; the checkpoint is never cached. Tessera's private state is not served.
// The log's verifier key is served at "key".
func Handler(dir, vkey string) http.Handler {
	root, err := os.OpenRoot(dir)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		p := strings.TrimPrefix(r.URL.Path, "/")
		switch {
		case p == "key":
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Header().Set("Cache-Control", "public, max-age=3600")
			w.Write([]byte(vkey + "\n"))
			return
		case p == layout.CheckpointPath:
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Header().Set("Cache-Control", "no-store")
		case validTilePath(p):
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		default:
			http.NotFound(w, r)
			return
		}
		if err != nil {
			http.Error(w, "the log is unavailable", http.StatusServiceUnavailable)
			return
		}
		b, rerr := root.ReadFile(p)
		if errors.Is(rerr, fs.ErrNotExist) {
			w.Header().Del("Cache-Control")
			http.NotFound(w, r)
			return
		}
		if rerr != nil {
			http.Error(w, "couldn't read the log", http.StatusInternalServerError)
			return
		}
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(b))
	})
}

// validTilePath accepts tile/<L>/<N> and tile/entries/<N> paths, with an
// optional .p/<W> suffix, where <N> is in the x001/x234/067 form.
func validTilePath(p string) bool {
	rest, ok := strings.CutPrefix(p, "tile/")
	if !ok {
		return false
	}
	level, index, ok := strings.Cut(rest, "/")
	if !ok {
		return false
	}
	if level != "entries" {
		if _, err := layout.ParseTileLevel(level); err != nil {
			return false
		}
	}
	_, _, err := layout.ParseTileIndexPartial(index)
	return err == nil
}
