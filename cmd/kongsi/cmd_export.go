package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/kongsi/kongsi/internal/module"
	"github.com/kongsi/kongsi/internal/modules"
	"github.com/kongsi/kongsi/internal/node"
	"github.com/kongsi/kongsi/internal/projector"
)

func exporters() []module.Exporter {
	var out []module.Exporter
	for _, m := range modules.All() {
		if we, ok := m.(module.WithExporters); ok {
			out = append(out, we.Exporters()...)
		}
	}
	return out
}

func runExport(ctx context.Context, args []string) error {
	usage := func() {
		fmt.Fprintln(os.Stderr, "Usage: kongsi export <format> -data DIR [-db URL] [-o FILE] [format flags]\n\nFormats:")
		for _, ex := range exporters() {
			fmt.Fprintf(os.Stderr, "  %-10s %s\n", ex.Name, ex.Summary)
		}
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		usage()
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	var ex *module.Exporter
	for _, x := range exporters() {
		if x.Name == args[0] {
			ex = &x
		}
	}
	if ex == nil {
		fmt.Fprintf(os.Stderr, "kongsi export: no format %q\n\n", args[0])
		usage()
		return errUsage
	}
	flags, rest := takeFlags(args[1:], "data", "db", "o")
	if flags["data"] == "" {
		usage()
		return errUsage
	}
	st, err := node.OpenStoreReadOnly(ctx, node.Config{Dir: flags["data"], Postgres: flags["db"]}, projector.Schemas(module.Projections(modules.All())))
	if err != nil {
		return err
	}
	defer st.Close()
	var w io.Writer = os.Stdout
	if o := flags["o"]; o != "" {
		f, err := os.Create(o)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	return ex.Run(ctx, st, w, rest)
}
