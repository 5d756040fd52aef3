package main

import (
	"context"
	"fmt"
	"os"

	"github.com/kongsi/kongsi/internal/demo"
	"github.com/kongsi/kongsi/internal/modules"
	"github.com/kongsi/kongsi/internal/node"
)

func runDemo(ctx context.Context, args []string) error {
	var f serveFlags
	fs := newFlags("demo", "[flags]")
	f.register(fs, "kongsi-demo")
	if err := parse(fs, args); err != nil {
		return err
	}
	if !node.Exists(f.data) {
		fmt.Fprintf(os.Stderr, "Founding a demonstration register in %s (its keys are demo keys, in %s/%s).\n", f.data, f.data, demo.KeysDir)
		p := newProgress("loading the demo's records")
		ms := modules.All()
		err := demo.Found(ctx, f.config(ms, logger(f.logJSON, 4)), ms, func(done, total int) {
			p.update(uint64(done), uint64(total))
		})
		if err != nil {
			return fmt.Errorf("couldn't found the demo register (remove %s to start again): %w", f.data, err)
		}
	} else {
		fmt.Fprintf(os.Stderr, "Using the demonstration register in %s.\n", f.data)
	}
	return serve(ctx, f, true)
}
