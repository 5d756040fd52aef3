package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed static
var staticFiles embed.FS

// assets serves the embedded static files under content-hashed names
// (/static/style.3f2a1c9e.css), so they can be cached forever and a new
// version is fetched as soon as it exists.
type assets struct {
	byHashed map[string][]byte // hashed name → content
	hashed   map[string]string // plain name → hashed name
}

func newAssets() (*assets, error) {
	a := &assets{byHashed: map[string][]byte{}, hashed: map[string]string{}}
	err := fs.WalkDir(staticFiles, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFiles.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		name := strings.TrimPrefix(p, "static/")
		ext := path.Ext(name)
		h := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:4]) + ext
		a.byHashed[h] = b
		a.hashed[name] = h
		return nil
	})
	return a, err
}

// Static returns the site's static files (its stylesheet and script) as a
// handler for GET /static/ and a function giving a file's address
// ("style.css" → "/static/style.3f2a1c9e.css"), for other servers that
// should look like the site: the desk.
func Static() (http.Handler, func(name string) string, error) {
	a, err := newAssets()
	if err != nil {
		return nil, nil, err
	}
	return a, a.url, nil
}

// url is the address of a static file.
func (a *assets) url(name string) string { return "/static/" + a.hashed[name] }

func (a *assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/static/")
	b, ok := a.byHashed[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(b)
}
