package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/kongsi/kongsi/internal/demo"
	"github.com/kongsi/kongsi/internal/modules"
	"github.com/kongsi/kongsi/internal/node"
	"github.com/kongsi/kongsi/internal/witness"
)

func runDemo(ctx context.Context, args []string) error {
	var f serveFlags
	fs := newFlags("demo", "[flags]")
	f.register(fs, "kongsi-demo")
	if err := parse(fs, args); err != nil {
		return err
	}
	log := logger(f.logJSON, slog.LevelInfo)
	// Take the address first: founding takes a while, and a busy address
	// is better said at once.
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return fmt.Errorf("couldn't listen on %s (stop what uses it, or choose another -addr): %w", f.addr, err)
	}
	defer ln.Close()
	f.listener = ln
	// The demo's witnesses run in this process, for as long as the
	// register does: they must cosign its checkpoints, from the founding on.
	ws, urls, stop, err := startDemoWitnesses(ctx, f.data, log)
	if err != nil {
		return err
	}
	defer stop()
	if !node.Exists(f.data) {
		fmt.Fprintf(os.Stderr, "Founding a demonstration register in %s (its keys are demo keys, in %s/%s).\n", f.data, f.data, demo.KeysDir)
		p := newProgress("loading the demo's records")
		ms := modules.All()
		cfg := f.config(ms, logger(f.logJSON, 4))
		cfg.WitnessURLs = urls
		err := demo.Found(ctx, cfg, ms, ws, func(done, total int) {
			p.update(uint64(done), uint64(total))
		})
		if err != nil {
			return fmt.Errorf("couldn't found the demo register (remove %s to start again): %w", f.data, err)
		}
	} else {
		fmt.Fprintf(os.Stderr, "Using the demonstration register in %s.\n", f.data)
	}
	return serveWith(ctx, f, true, urls)
}

// startDemoWitnesses runs the demo's witnesses on loopback, each with its
// state in DIR/witnesses/<id>, for the demo's log. It returns them, the URLs
// that reach them (by key), and a function that stops them.
func startDemoWitnesses(ctx context.Context, dir string, log *slog.Logger) ([]demo.Witness, map[string]string, func(), error) {
	logVKey, err := demo.LogVKey(dir)
	if err != nil {
		return nil, nil, nil, err
	}
	ws, err := demo.Witnesses(dir)
	if err != nil {
		return nil, nil, nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	var closers []func() error
	stop := func() {
		cancel()
		wg.Wait()
		for _, c := range closers {
			c()
		}
	}
	origin, _, _ := strings.Cut(logVKey, "+")
	urls := map[string]string{}
	for _, w := range ws {
		wdir := filepath.Join(dir, demo.WitnessesDir, w.ID)
		if err := os.MkdirAll(wdir, 0o700); err != nil {
			stop()
			return nil, nil, nil, err
		}
		st, err := witness.OpenSQLite(ctx, filepath.Join(wdir, witnessStateFile))
		if err != nil {
			stop()
			return nil, nil, nil, err
		}
		closers = append(closers, st.Close)
		if err := st.SetLogs(ctx, map[string][]string{origin: {logVKey}}); err != nil {
			stop()
			return nil, nil, nil, err
		}
		wlog := log.With("witness", w.ID)
		wit, err := witness.New(w.SKey, st, wlog)
		if err != nil {
			stop()
			return nil, nil, nil, err
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			stop()
			return nil, nil, nil, err
		}
		urls[w.VKey] = "http://" + ln.Addr().String() + "/"
		wg.Go(func() {
			if err := serveHTTP(ctx, ln, http.MaxBytesHandler(wit.Handler(), witness.MaxRequestSize+1<<10), wlog); err != nil {
				wlog.Error("the demo witness stopped", "error", err)
			}
		})
	}
	return ws, urls, stop, nil
}

// isDemo reports whether dir holds a demonstration register with witnesses.
func isDemo(dir string) bool {
	m, _ := filepath.Glob(filepath.Join(dir, demo.KeysDir, "witness-*.key"))
	return len(m) > 0
}
