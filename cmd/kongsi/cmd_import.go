package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kongsi/kongsi/internal/demo"
	"github.com/kongsi/kongsi/internal/module"
	"github.com/kongsi/kongsi/internal/modules"
	"github.com/kongsi/kongsi/internal/node"
	"github.com/kongsi/kongsi/internal/publish"
	"github.com/kongsi/kongsi/internal/signednote"
	"golang.org/x/mod/sumdb/note"
)

func importers() []module.Importer {
	var out []module.Importer
	for _, m := range modules.All() {
		if wi, ok := m.(module.WithImporters); ok {
			out = append(out, wi.Importers()...)
		}
	}
	return out
}

// takeFlags removes the named flags (and their values) from args.
func takeFlags(args []string, names ...string) (map[string]string, []string) {
	got := map[string]string{}
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || a == "-" || !contains(names, name) {
			rest = append(rest, a)
			continue
		}
		if !hasVal && i+1 < len(args) {
			i++
			val = args[i]
		}
		got[name] = val
	}
	return got, rest
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func importUsage() {
	fmt.Fprintln(os.Stderr, "Usage: kongsi import <format> (-data DIR | -register URL -key FILE) [-key FILE] [format flags] FILE\n\nFormats:")
	for _, im := range importers() {
		fmt.Fprintf(os.Stderr, "  %-10s %s\n", im.Name, im.Summary)
	}
	fmt.Fprintln(os.Stderr, "\nWith -data, the register must not be running (import through its API with -register instead).\nOn the demonstration register, -key defaults to the demo key of the party that publishes such data.")
}

func runImport(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		importUsage()
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	var im *module.Importer
	for _, x := range importers() {
		if x.Name == args[0] {
			im = &x
		}
	}
	if im == nil {
		fmt.Fprintf(os.Stderr, "kongsi import: no format %q\n\n", args[0])
		importUsage()
		return errUsage
	}
	flags, rest := takeFlags(args[1:], "data", "register", "key")
	for _, a := range rest {
		if a == "-h" || a == "-help" || a == "--help" {
			// The importer says its own flags, before it needs a register.
			if err := im.Run(ctx, nil, []string{"-h"}); !errors.Is(err, flag.ErrHelp) {
				return err
			}
			return nil
		}
	}
	var signer note.Signer
	if k := flags["key"]; k != "" {
		b, err := os.ReadFile(k)
		if err != nil {
			return err
		}
		if signer, err = signednote.NewSigner(string(b)); err != nil {
			return err
		}
	}
	switch {
	case flags["register"] != "":
		if signer == nil {
			return fmt.Errorf("give the key to sign with: -key FILE")
		}
		pub, err := publish.NewRemote(ctx, flags["register"], signer, httpClient)
		if err != nil {
			return err
		}
		return im.Run(ctx, pub, rest)
	case flags["data"] != "":
		dir := flags["data"]
		if signer == nil {
			keys := filepath.Join(dir, demo.KeysDir)
			if _, err := os.Stat(keys); err != nil || im.DemoAuthor == "" {
				return fmt.Errorf("give the key to sign with: -key FILE")
			}
			k, err := demo.OpenKeys(keys, nil)
			if err != nil {
				return err
			}
			if signer, err = k.Signer(im.DemoAuthor); err != nil {
				return err
			}
			fmt.Fprintf(os.Stderr, "Signing as %s, with its demo key.\n", im.DemoAuthor)
		}
		cfg := nodeConfig(dir, modules.All(), logger(false, 4))
		// On the demonstration register, its witnesses run in this
		// process too, or no checkpoint could cover what is imported.
		if isDemo(dir) {
			_, urls, stop, err := startDemoWitnesses(ctx, dir, logger(false, slog.LevelWarn))
			if err != nil {
				return err
			}
			defer stop()
			cfg.WitnessURLs = urls
		}
		n, err := node.Open(ctx, cfg)
		if err != nil {
			return err
		}
		n.Run(ctx)
		err = im.Run(ctx, &publish.Local{N: n, Signer: signer}, rest)
		cctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if cerr := n.Close(cctx); err == nil {
			err = cerr
		}
		return err
	default:
		importUsage()
		return errUsage
	}
}
