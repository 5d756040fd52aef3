package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/kongsi/kongsi/internal/audit"
	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/module"
	"github.com/kongsi/kongsi/internal/modules"
)

func runAudit(ctx context.Context, args []string) error {
	fs := newFlags("audit", "(-log URL -log-key VKEY | -data DIR)")
	var lf logFlags
	lf.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	src, v, err := lf.open()
	if err != nil {
		return err
	}
	if src == nil {
		fs.Usage()
		return errUsage
	}
	kinds, err := ledger.NewKinds(module.Kinds(modules.All())...)
	if err != nil {
		return err
	}
	p := newProgress("auditing")
	rep, err := audit.Run(ctx, audit.Options{Source: src, Verifier: v, Kinds: kinds, Progress: p.update})
	if err != nil {
		return err
	}
	rate := float64(rep.Checked) / rep.Duration.Seconds()
	fmt.Printf("Audited %d entries of %s in %.2fs (%.0f records/s).\n", rep.Checked, v.Name(), rep.Duration.Seconds(), rate)
	if rep.RootMatches {
		fmt.Printf("✓ The entries make up the tree the checkpoint signs (root %x).\n", rep.Checkpoint.Hash)
	} else {
		fmt.Printf("✗ The entries do NOT make up the tree the checkpoint signs.\n")
	}
	if rep.Failure != nil {
		fmt.Printf("✗ Entry %d is the first to break a rule: %v\n", rep.Failure.Index, rep.Failure.Err)
	} else {
		fmt.Printf("✓ Every entry is a well-formed record, signed with its signers' keys as the log gave them, and passes every rule.\n")
		var kinds []string
		for k := range rep.Kinds {
			kinds = append(kinds, k)
		}
		slices.Sort(kinds)
		counts := make([]string, len(kinds))
		for i, k := range kinds {
			counts[i] = fmt.Sprintf("%s %d", k, rep.Kinds[k])
		}
		fmt.Printf("  %d parties; records by kind: %s.\n", rep.Parties, strings.Join(counts, ", "))
	}
	if !rep.OK() {
		fmt.Fprintln(os.Stderr, "The log failed the audit.")
		return exitCode(1)
	}
	return nil
}
