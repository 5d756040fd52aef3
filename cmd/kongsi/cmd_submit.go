package main

import (
	"context"
	"fmt"
	"os"

	"github.com/kongsi/kongsi/internal/web"
)

func runSubmit(ctx context.Context, args []string) error {
	fs := newFlags("submit", "-register URL [-wait] RECORD...")
	register := fs.String("register", "", "the register's URL, like http://127.0.0.1:8080")
	wait := fs.Bool("wait", false, "wait until a checkpoint covers each record, and save its proof as RECORD.tlog-proof")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *register == "" || fs.NArg() == 0 {
		fs.Usage()
		return errUsage
	}
	path := "/api/v1/records"
	if *wait {
		path += "?wait=published"
	}
	reg := registerOf(*register)
	refused := 0
	for _, file := range fs.Args() {
		entry, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		var res web.SubmitResult
		if err := reg.Post(ctx, path, "text/plain; charset=utf-8", entry, &res); err != nil {
			refused++
			fmt.Fprintf(os.Stderr, "%s: refused: %v\n", file, err)
			continue
		}
		fmt.Printf("%s: accepted at index %d: %s\n", file, res.Index, res.URL)
		if res.Proof != "" {
			if err := os.WriteFile(file+".tlog-proof", []byte(res.Proof), 0o644); err != nil {
				return err
			}
			fmt.Printf("%s: published; proof saved to %s.tlog-proof\n", file, file)
		}
	}
	if refused > 0 {
		return exitCode(1)
	}
	return nil
}
