package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kongsi/kongsi/internal/signednote"
	"github.com/kongsi/kongsi/internal/web"
	"github.com/kongsi/kongsi/internal/witness"
)

// listFlag is a flag that may be given several times.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ", ") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

// witnessStateFile is the witness's state inside its data directory.
const witnessStateFile = "witness.db"

func runWitness(ctx context.Context, args []string) error {
	fs := newFlags("witness", "-data DIR -key FILE (-log VKEY | -logs FILE)... [-addr ADDR]")
	data := fs.String("data", "", "the witness's data directory: it keeps the latest checkpoint it cosigned of each log in "+witnessStateFile)
	keyFile := fs.String("key", "", "the witness's private key (make one with kongsi keygen -witness); default DIR/witness.key")
	var logs, logFiles listFlag
	fs.Var(&logs, "log", "the verifier key (vkey) of a log to witness, or a file holding it; may be repeated")
	fs.Var(&logFiles, "logs", "a file listing the vkeys of logs to witness, one a line (# starts a comment); may be repeated")
	addr := fs.String("addr", "127.0.0.1:7380", "address to listen on")
	addrFile := fs.String("addr-file", "", "write the address the witness listens on to this file once it listens")
	logJSON := fs.Bool("log-json", false, "log in JSON")
	verbose := fs.Bool("v", false, "log every request")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *data == "" || fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	log := serverLogger(*logJSON, *verbose)
	if *keyFile == "" {
		*keyFile = filepath.Join(*data, "witness.key")
	}
	skey, err := os.ReadFile(*keyFile)
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("no witness key in %s: make one with kongsi keygen -witness -name NAME -out %s", *keyFile, *keyFile)
	}
	if err != nil {
		return fmt.Errorf("couldn't read the witness's key: %w", err)
	}
	keys, err := witnessedLogs(logs, logFiles)
	if err != nil {
		return err
	}
	if len(keys) == 0 {
		return errors.New("give the logs to witness with -log VKEY or -logs FILE")
	}
	if err := os.MkdirAll(*data, 0o755); err != nil {
		return err
	}
	st, err := witness.OpenSQLite(ctx, filepath.Join(*data, witnessStateFile))
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.SetLogs(ctx, keys); err != nil {
		return err
	}
	w, err := witness.New(string(skey), st, log)
	if err != nil {
		return fmt.Errorf("%s: %w", *keyFile, err)
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
	for origin := range keys {
		log.Info("witnessing", "origin", origin)
	}
	log.Info("serving the witness", "name", w.Key().Name, "vkey", w.Key().String(), "url", "http://"+ln.Addr().String()+"/")
	return serveHTTP(ctx, ln, http.MaxBytesHandler(requestLogger(log, w.Handler()), witness.MaxRequestSize+1<<10), log)
}

// witnessedLogs reads the vkeys of the logs to witness, by origin.
func witnessedLogs(logs, files []string) (map[string][]string, error) {
	var vkeys []string
	for _, l := range logs {
		if b, err := os.ReadFile(l); err == nil {
			l = strings.TrimSpace(string(b))
		}
		vkeys = append(vkeys, l)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("couldn't read the list of logs: %w", err)
		}
		sc := bufio.NewScanner(strings.NewReader(string(b)))
		for sc.Scan() {
			line, _, _ := strings.Cut(sc.Text(), "#")
			if line = strings.TrimSpace(line); line != "" {
				vkeys = append(vkeys, line)
			}
		}
	}
	keys := map[string][]string{}
	for _, v := range vkeys {
		k, err := signednote.ParseKey(v)
		if err != nil {
			return nil, fmt.Errorf("the log key %q: %w", v, err)
		}
		keys[k.Name] = append(keys[k.Name], k.String())
	}
	return keys, nil
}

// serveHTTP serves h on ln with the timeouts every server here has, until
// ctx ends.
func serveHTTP(ctx context.Context, ln net.Listener, h http.Handler, log *slog.Logger) error {
	return web.ServeUntil(ctx, web.NewServer(h, log), ln)
}

// requestLogger logs each request at debug level.
func requestLogger(log *slog.Logger, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		h.ServeHTTP(w, r)
		log.Debug("request", "method", r.Method, "path", r.URL.Path, "duration", time.Since(start).Round(time.Microsecond))
	})
}
