package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/kongsi/kongsi/internal/module"
	"github.com/kongsi/kongsi/internal/modules"
	"github.com/kongsi/kongsi/internal/node"
	"github.com/kongsi/kongsi/internal/tlog"
	"github.com/kongsi/kongsi/internal/web"
)

// serveFlags are the flags of the commands that serve a register.
type serveFlags struct {
	addr string
	// listener, if not nil, is already listening on addr.
	listener  net.Listener
	data      string
	publicURL string
	logJSON   bool
	verbose   bool
	addrFile  string
	db        string
	// readOnly serves the register of a writer that shares its data
	// directory and database; writer is that writer's address.
	readOnly bool
	writer   string
	// witnesses is a witness policy file (with URLs) that checkpoints must
	// satisfy besides the register's recorded policy.
	witnesses      string
	witnessTimeout time.Duration
}

func (f *serveFlags) register(fs interface {
	StringVar(*string, string, string, string)
	BoolVar(*bool, string, bool, string)
	DurationVar(*time.Duration, string, time.Duration, string)
}, dataDefault string) {
	fs.StringVar(&f.addr, "addr", "127.0.0.1:8080", "address to listen on")
	fs.StringVar(&f.data, "data", dataDefault, "the register's data directory")
	fs.StringVar(&f.publicURL, "public-url", "", "the address users reach the site at, for the commands its pages suggest (default: from each request)")
	fs.BoolVar(&f.logJSON, "log-json", false, "log in JSON")
	fs.BoolVar(&f.verbose, "v", false, "log every request")
	fs.StringVar(&f.addrFile, "addr-file", "", "write the address the server listens on to this file once it listens (useful with -addr 127.0.0.1:0)")
	fs.StringVar(&f.db, "db", "", "keep the projections in this PostgreSQL database (postgres://user@host:5432/db) instead of the SQLite file in the data directory")
	fs.StringVar(&f.witnesses, "witnesses", "", "a witness policy file (witness NAME VKEY URL lines, a group, a quorum): checkpoints are published only once it is satisfied, besides the policy the register's records set; its URLs also reach the recorded witnesses with the same keys")
	fs.DurationVar(&f.witnessTimeout, "witness-timeout", 5*time.Second, "how long to wait for the cosignatures of one checkpoint before trying again")
}

// readPolicy reads a witness policy file.
func readPolicy(path string) (*tlog.Policy, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("couldn't read the witness policy: %w", err)
	}
	p, err := tlog.ParsePolicy(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

func nodeConfig(dir string, ms []module.Module, log *slog.Logger) node.Config {
	return node.Config{
		Dir: dir, Kinds: module.Kinds(ms), Projections: module.Projections(ms),
		Logger: log, Progress: stageProgress(),
	}
}

// config is the node's configuration from the serve flags.
func (f *serveFlags) config(ms []module.Module, log *slog.Logger) node.Config {
	cfg := nodeConfig(f.data, ms, log)
	cfg.Postgres = f.db
	return cfg
}

func runServe(ctx context.Context, args []string) error {
	var f serveFlags
	fs := newFlags("serve", "[flags]")
	f.register(fs, "")
	fs.BoolVar(&f.readOnly, "read-only", false, "serve, beside the writer, the register whose data directory is -data and whose projections are in the PostgreSQL database -db, changing neither: many such nodes share the reads")
	fs.StringVar(&f.writer, "writer", "", "with -read-only: the writer's address (http://10.0.0.1:8080), to which the API's writes are passed on")
	if err := parse(fs, args); err != nil {
		return err
	}
	if f.data == "" {
		fmt.Fprintln(os.Stderr, "kongsi serve: -data is required")
		return errUsage
	}
	if f.readOnly {
		if f.db == "" {
			fmt.Fprintln(os.Stderr, "kongsi serve: -read-only needs -db, the PostgreSQL database the writer keeps its projections in")
			return errUsage
		}
		if f.witnesses != "" {
			fmt.Fprintln(os.Stderr, "kongsi serve: -witnesses is the writer's; a read-only node publishes no checkpoints")
			return errUsage
		}
		return serveShared(ctx, f)
	}
	if f.writer != "" {
		fmt.Fprintln(os.Stderr, "kongsi serve: -writer goes with -read-only")
		return errUsage
	}
	if isDemo(f.data) {
		// A demonstration register needs its witnesses: they run in this
		// process, as under kongsi demo.
		_, urls, stop, err := startDemoWitnesses(ctx, f.data, logger(f.logJSON, slog.LevelInfo))
		if err != nil {
			return err
		}
		defer stop()
		return serveWith(ctx, f, true, urls)
	}
	return serveWith(ctx, f, false, nil)
}

// serveWith opens the register in f.data and serves it until ctx ends;
// witnessURLs reach witnesses by key, in place of the URLs their records
// give.
func serveWith(ctx context.Context, f serveFlags, demo bool, witnessURLs map[string]string) (err error) {
	log := f.logger()
	ms := modules.All()
	cfg := f.config(ms, log)
	if f.witnesses != "" {
		if cfg.Witnesses, err = readPolicy(f.witnesses); err != nil {
			return err
		}
		for _, w := range cfg.Witnesses.Witnesses {
			if w.URL == "" {
				return fmt.Errorf("%s: the witness %q has no URL: the register could not ask it to cosign", f.witnesses, w.Name)
			}
		}
	}
	cfg.Log.WitnessTimeout = f.witnessTimeout
	cfg.WitnessURLs = witnessURLs
	n, err := node.Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer closeNode(n, log, "the register")
	return serveNode(ctx, f, n, ms, web.Options{Logger: log, PublicURL: f.publicURL, Demo: demo})
}

// closeNode closes a node at the end of a command, giving it 30 seconds,
// and logs what went wrong.
func closeNode(n *node.Node, log *slog.Logger, what string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := n.Close(ctx); err != nil {
		log.Error("couldn't close "+what+" cleanly", "error", err)
	}
}

// logger is the serving commands' logger, as the flags set it.
func (f *serveFlags) logger() *slog.Logger { return serverLogger(f.logJSON, f.verbose) }

// serveShared serves, read-only, the register that a writer keeps in
// f.data and the database f.db.
func serveShared(ctx context.Context, f serveFlags) error {
	log := f.logger()
	ms := modules.All()
	n, err := node.OpenShared(ctx, f.config(ms, log))
	if err != nil {
		return err
	}
	defer closeNode(n, log, "the node")
	return serveNode(ctx, f, n, ms, web.Options{Logger: log, PublicURL: f.publicURL, Demo: isDemo(f.data), Writer: f.writer, ForwardWrites: f.writer != ""})
}

// serveNode follows the log into the node's store and serves the node's
// site until ctx ends.
func serveNode(ctx context.Context, f serveFlags, n *node.Node, ms []module.Module, opts web.Options) error {
	log := opts.Logger
	n.Run(ctx)
	site, err := web.New(n, opts)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if err := m.Web(site); err != nil {
			return fmt.Errorf("couldn't add the %s module's pages: %w", m.Name(), err)
		}
	}
	ln := f.listener
	if ln == nil {
		if ln, err = net.Listen("tcp", f.addr); err != nil {
			return err
		}
	}
	if f.addrFile != "" {
		if err := os.WriteFile(f.addrFile, []byte(ln.Addr().String()), 0o644); err != nil {
			return err
		}
	}
	abs, _ := filepath.Abs(f.data)
	log.Info("serving the register", "origin", n.Origin, "url", "http://"+ln.Addr().String()+"/", "data", abs, "read_only", n.ReadOnly())
	return site.Serve(ctx, ln)
}
