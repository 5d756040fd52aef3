package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/kongsi/kongsi/internal/node"
	"github.com/kongsi/kongsi/internal/tlog"
	"golang.org/x/mod/sumdb/note"
)

// logFlags name a log to read: a URL and its key, or a local data
// directory.
type logFlags struct {
	url  string
	vkey string
	data string
}

func (l *logFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&l.url, "log", "", "the log's URL (the register's address followed by /log/)")
	fs.StringVar(&l.vkey, "log-key", "", "the log's verifier key (vkey), or a file holding it; the register serves it at /log/key, but check it against a source you trust")
	fs.StringVar(&l.data, "data", "", "read the log from a local data directory instead")
}

// open returns the log's source and verifier.
func (l *logFlags) open() (tlog.Source, note.Verifier, error) {
	vkey := l.vkey
	if b, err := os.ReadFile(vkey); err == nil {
		vkey = strings.TrimSpace(string(b))
	}
	var src tlog.Source
	switch {
	case l.data != "":
		src = tlog.DirSource(filepath.Join(l.data, node.LogDir))
		if vkey == "" {
			_, vk, err := node.ReadLogKey(l.data)
			if err != nil {
				return nil, nil, err
			}
			vkey = vk
		}
	case l.url != "":
		u := l.url
		if !strings.HasSuffix(u, "/") {
			u += "/"
		}
		// Given a register's address rather than its log's, use the log
		// it serves under /log/.
		if !strings.HasSuffix(u, "/log/") && !found(u+"checkpoint") && found(u+"log/checkpoint") {
			u += "log/"
		}
		s, err := tlog.HTTPSource(u, httpClient)
		if err != nil {
			return nil, nil, err
		}
		src = s
	}
	if vkey == "" {
		return src, nil, fmt.Errorf("give the log's key with -log-key")
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, nil, fmt.Errorf("-log-key: %w", err)
	}
	return src, v, nil
}

// found reports whether a GET of url answers 200.
func found(url string) bool {
	resp, err := httpClient.Get(url)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == 200
}
