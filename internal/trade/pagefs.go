package trade

import (
	"bytes"
	"io"
	"io/fs"
	"path"
	"time"
)

// pageFS serves the module's page templates with the shared fragments of
// templates/_fragments.html appended to each, since the site parses every
// page file on its own.
type pageFS map[string][]byte

func newPageFS(src fs.FS) (pageFS, error) {
	shared, err := fs.ReadFile(src, "templates/_fragments.html")
	if err != nil {
		return nil, err
	}
	pages, err := fs.Glob(src, "templates/[a-z]*.html")
	if err != nil {
		return nil, err
	}
	out := pageFS{}
	for _, p := range pages {
		b, err := fs.ReadFile(src, p)
		if err != nil {
			return nil, err
		}
		out[p] = append(append(b, '\n'), shared...)
	}
	return out, nil
}

func (p pageFS) ReadFile(name string) ([]byte, error) {
	b, ok := p[name]
	if !ok {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fs.ErrNotExist}
	}
	return b, nil
}

func (p pageFS) Glob(pattern string) ([]string, error) {
	var out []string
	for name := range p {
		if ok, err := path.Match(pattern, name); err != nil {
			return nil, err
		} else if ok {
			out = append(out, name)
		}
	}
	return out, nil
}

func (p pageFS) Open(name string) (fs.File, error) {
	b, ok := p[name]
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return &pageFile{Reader: bytes.NewReader(b), name: path.Base(name), size: int64(len(b))}, nil
}

type pageFile struct {
	*bytes.Reader
	name string
	size int64
}

func (f *pageFile) Stat() (fs.FileInfo, error) { return f, nil }
func (f *pageFile) Close() error               { return nil }
func (f *pageFile) Name() string               { return f.name }
func (f *pageFile) Size() int64                { return f.size }
func (f *pageFile) Mode() fs.FileMode          { return 0o444 }
func (f *pageFile) ModTime() time.Time         { return time.Time{} }
func (f *pageFile) IsDir() bool                { return false }
func (f *pageFile) Sys() any                   { return nil }

var (
	_ fs.ReadFileFS = pageFS{}
	_ fs.GlobFS     = pageFS{}
	_ io.Reader     = (*pageFile)(nil)
)
