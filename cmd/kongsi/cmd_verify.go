package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/module"
	"github.com/kongsi/kongsi/internal/modules"
	"github.com/kongsi/kongsi/internal/tlog"
	"github.com/kongsi/kongsi/internal/verify"
)

func runVerify(ctx context.Context, args []string) error {
	fs := newFlags("verify", "-log-key VKEY (-log URL | -data DIR) -index N\n       kongsi verify -log-key VKEY (-log URL | -data DIR) RECORD\n       kongsi verify -log-key VKEY [-log URL] PROOF.tlog-proof")
	var lf logFlags
	lf.register(fs)
	index := fs.String("index", "", "the log index of the record to check")
	stateDir := fs.String("state", defaultStateDir(), "where this client remembers the last checkpoint it saw of each log, to catch a log that rolls back or forks; empty to forget")
	witnesses := fs.String("witnesses", "", "a witness policy file: the checkpoint must be cosigned by a quorum of its witnesses (a register serves its own at /api/v1/witnesses/policy; check it against a source you trust)")
	if err := parse(fs, args); err != nil {
		return err
	}
	src, v, err := lf.open()
	if err != nil {
		return err
	}
	kinds, err := ledger.NewKinds(module.Kinds(modules.All())...)
	if err != nil {
		return err
	}
	o := verify.Options{Source: src, Verifier: v, Kinds: kinds, StateDir: *stateDir}
	if *witnesses != "" {
		if o.Witnesses, err = readPolicy(*witnesses); err != nil {
			return err
		}
	}
	var res *verify.Result
	switch {
	case *index != "" && fs.NArg() == 0:
		if src == nil {
			return fmt.Errorf("give the log with -log URL or -data DIR")
		}
		n, err := strconv.ParseUint(*index, 10, 64)
		if err != nil {
			return fmt.Errorf("-index: %q is not a log index", *index)
		}
		p := newProgress("learning the keys from the log")
		o.Progress = p.update
		res, err = verify.Index(ctx, o, n)
		if err != nil {
			return failed(err)
		}
	case *index == "" && fs.NArg() == 1:
		b, err := os.ReadFile(fs.Arg(0))
		if err != nil {
			return err
		}
		if src != nil {
			p := newProgress("learning the keys from the log")
			o.Progress = p.update
		}
		if bytes.HasPrefix(b, []byte(tlog.ProofHeader+"\n")) {
			if res, err = verify.ProofFile(ctx, o, b); err != nil {
				return failed(err)
			}
			break
		}
		if src == nil {
			return fmt.Errorf("to find a record in the log, give the log with -log URL or -data DIR (or verify its proof file offline)")
		}
		if res, err = verify.RecordFile(ctx, o, b); err != nil {
			return failed(err)
		}
	default:
		fs.Usage()
		return errUsage
	}
	r := res.Record
	fmt.Printf("Record %d: %s %q by %s, signed %s.\n", res.Index, r.Kind, r.Subject, r.Author, r.Time)
	fmt.Printf("✓ The log's checkpoint is signed by %s (tree of size %d, root %x).\n", v.Name(), res.Checkpoint.Size, res.Checkpoint.Hash)
	switch {
	case o.Witnesses != nil && o.Witnesses.Quorum == 0:
		fmt.Printf("· The witness policy given asks for no cosignatures.\n")
	case o.Witnesses != nil:
		var by []string
		for _, c := range res.Cosignatures {
			by = append(by, fmt.Sprintf("%s (%s)", c.Witness.Name, c.Time.Format(time.RFC3339)))
		}
		fmt.Printf("✓ The checkpoint is cosigned by %d of the witnesses of the policy (%s): %s.\n", len(res.Cosignatures), o.Witnesses, strings.Join(by, ", "))
	default:
		fmt.Printf("· Cosignatures not checked: no witness policy given (-witnesses FILE). The checkpoint carries %d signature line(s) besides the log's.\n", res.CosignatureLines)
	}
	fmt.Printf("✓ The record is at index %d of that tree.\n", res.Index)
	if res.Rules {
		fmt.Printf("✓ Its signatures verify with the keys the log gave its signers, and it passes every rule of the register.\n")
	} else {
		fmt.Printf("· Its signatures and rules were not checked: give -log URL so that the author's key can be learnt from the log.\n")
	}
	fmt.Printf("· History: %s.\n", res.Consistency)
	return nil
}

// failed marks a failed verification with exit status 1 after saying why.
func failed(err error) error {
	if errors.Is(err, verify.ErrForked) {
		fmt.Fprintf(os.Stderr, "✗ %v\n", err)
		return exitCode(3)
	}
	fmt.Fprintf(os.Stderr, "✗ %v\n", err)
	return exitCode(1)
}

func defaultStateDir() string {
	d, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "kongsi", "checkpoints")
}
