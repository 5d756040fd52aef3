package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kongsi/kongsi/internal/mirror"
	"github.com/kongsi/kongsi/internal/modules"
	"github.com/kongsi/kongsi/internal/node"
	"github.com/kongsi/kongsi/internal/signednote"
	"github.com/kongsi/kongsi/internal/tlog"
	"github.com/kongsi/kongsi/internal/web"
	"golang.org/x/mod/sumdb/note"
)

// exitSplitView is the exit status of kongsi mirror -exit-on-split-view when
// it detects a split view.
const exitSplitView = 4

// mirrorKeyFile keeps the log's key in a mirror's data directory.
const mirrorKeyFile = "log.vkey"

func runMirror(ctx context.Context, args []string) error {
	fs := newFlags("mirror", "-from URL -data DIR [-addr ADDR]")
	from := fs.String("from", "", "the register to copy (its address, as https://register.example.org)")
	data := fs.String("data", "", "the mirror's data directory")
	addr := fs.String("addr", "127.0.0.1:8081", "address to listen on")
	logKey := fs.String("log-key", "", "the log's verifier key (vkey), or a file holding it; by default the key kept in DIR/"+mirrorKeyFile+", or on the first run the one the register serves at /log/key (check it against a source you trust)")
	witnesses := fs.String("witnesses", "", "a witness policy file that every checkpoint must satisfy, besides the policy the register's records set")
	interval := fs.Duration("interval", time.Second, "how often to read the register's checkpoint")
	exitOnSplit := fs.Bool("exit-on-split-view", false, fmt.Sprintf("exit with status %d when a split view is detected, instead of serving the evidence", exitSplitView))
	publicURL := fs.String("public-url", "", "the address users reach the mirror at (default: from each request)")
	addrFile := fs.String("addr-file", "", "write the address the mirror listens on to this file once it listens")
	logJSON := fs.Bool("log-json", false, "log in JSON")
	verbose := fs.Bool("v", false, "log every request")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *from == "" || *data == "" || fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	log := serverLogger(*logJSON, *verbose)
	base := strings.TrimSuffix(*from, "/")
	src, err := tlog.HTTPSource(base+"/log/", httpClient)
	if err != nil {
		return fmt.Errorf("-from: %w", err)
	}
	if node.Exists(*data) {
		return fmt.Errorf("%s holds a register written by kongsi serve, not a mirror's copy: give the mirror a directory of its own", *data)
	}
	if err := os.MkdirAll(*data, 0o755); err != nil {
		return err
	}
	vkey, err := mirrorLogKey(ctx, *data, *logKey, base, log)
	if err != nil {
		return err
	}
	opts := mirror.Options{Dir: *data, Upstream: src, UpstreamURL: base, Interval: *interval, Logger: log}
	if opts.Verifier, err = noteVerifier(vkey); err != nil {
		return err
	}
	if *witnesses != "" {
		if opts.Witnesses, err = readPolicy(*witnesses); err != nil {
			return err
		}
	}
	ms := modules.All()
	n, err := node.OpenReadOnly(ctx, nodeConfig(*data, ms, log), vkey)
	if err != nil {
		return err
	}
	defer closeNode(n, log, "the mirror")
	m, err := mirror.Open(ctx, opts)
	if err != nil {
		return err
	}
	defer m.Close()
	n.Run(ctx)
	site, err := web.New(n, web.Options{Logger: log, PublicURL: *publicURL, Writer: base, Mirror: m})
	if err != nil {
		return err
	}
	for _, md := range ms {
		if err := md.Web(site); err != nil {
			return fmt.Errorf("couldn't add the %s module's pages: %w", md.Name(), err)
		}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	if *addrFile != "" {
		if err := os.WriteFile(*addrFile, []byte(ln.Addr().String()), 0o644); err != nil {
			return err
		}
	}
	abs, _ := filepath.Abs(*data)
	log.Info("serving a mirror", "upstream", base, "origin", n.Origin, "url", "http://"+ln.Addr().String()+"/", "data", abs)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	splitView := make(chan error, 1)
	go func() {
		if err := m.Run(ctx); errors.Is(err, mirror.ErrSplitView) {
			splitView <- err
		}
	}()
	served := make(chan error, 1)
	go func() { served <- site.Serve(ctx, ln) }()
	for {
		select {
		case err := <-served:
			return err
		case err := <-splitView:
			if *exitOnSplit {
				cancel()
				<-served
				fmt.Fprintf(os.Stderr, "kongsi mirror: %v\nThe evidence is kept in %s.\n", err, filepath.Join(abs, mirror.StateFile))
				return exitCode(exitSplitView)
			}
			log.Error("the mirror stopped copying; it serves what it held, and the evidence at /mirror", "error", err)
		}
	}
}

// mirrorLogKey decides the log's key: the one given, which must match the
// one kept; else the one kept; else, on a first run, the one the register
// serves, which is then kept.
func mirrorLogKey(ctx context.Context, dir, given, base string, log *slog.Logger) (string, error) {
	if b, err := os.ReadFile(given); err == nil {
		given = strings.TrimSpace(string(b))
	}
	path := filepath.Join(dir, mirrorKeyFile)
	kept := ""
	if b, err := os.ReadFile(path); err == nil {
		kept = strings.TrimSpace(string(b))
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", err
	}
	switch {
	case given != "" && kept != "" && given != kept:
		return "", fmt.Errorf("-log-key %q is not the key this mirror follows (%q, in %s)", given, kept, path)
	case kept != "":
		return kept, nil
	case given == "":
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/log/key", nil)
		if err != nil {
			return "", err
		}
		resp, err := httpClient.Do(req)
		if err != nil {
			return "", fmt.Errorf("couldn't fetch the log's key: %w", err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(io.LimitReader(resp.Body, 4096))
		if err != nil || resp.StatusCode != http.StatusOK {
			return "", fmt.Errorf("couldn't fetch the log's key from %s/log/key (HTTP %d); give it with -log-key", base, resp.StatusCode)
		}
		given = strings.TrimSpace(string(b))
		log.Warn("trusting the log key the register serves, on this first run; check it against a source you trust", "vkey", given)
	}
	if _, err := signednote.ParseKey(given); err != nil {
		return "", fmt.Errorf("the log's key: %w", err)
	}
	if err := os.WriteFile(path, []byte(given+"\n"), 0o644); err != nil {
		return "", fmt.Errorf("couldn't keep the log's key: %w", err)
	}
	return given, nil
}

func noteVerifier(vkey string) (note.Verifier, error) {
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, fmt.Errorf("the log's key: %w", err)
	}
	return v, nil
}
