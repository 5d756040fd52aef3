package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestScripts runs the end-to-end scripts in testdata/script against the
// real binary.
func TestScripts(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: starts servers")
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("PATH", filepath.Dir(binary)+string(os.PathListSeparator)+env.Getenv("PATH"))
			env.Setenv("HOME", env.WorkDir)
			env.Setenv("XDG_CONFIG_HOME", filepath.Join(env.WorkDir, ".config"))
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// waitserver FILE VAR: wait until a server writes its address
			// to FILE, and set VAR to its URL.
			"waitserver": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 2 {
					ts.Fatalf("usage: waitserver FILE VAR")
				}
				deadline := time.Now().Add(60 * time.Second)
				for {
					b, err := os.ReadFile(ts.MkAbs(args[0]))
					if err == nil && len(b) > 0 {
						ts.Setenv(args[1], "http://"+strings.TrimSpace(string(b)))
						return
					}
					if time.Now().After(deadline) {
						ts.Fatalf("no server wrote %s", args[0])
					}
					time.Sleep(20 * time.Millisecond)
				}
			},
			// waitget URL REGEXP: wait until a GET of URL answers a body
			// that REGEXP matches.
			"waitget": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 2 {
					ts.Fatalf("usage: waitget URL REGEXP")
				}
				re, err := regexp.Compile(args[1])
				ts.Check(err)
				deadline := time.Now().Add(60 * time.Second)
				last := ""
				for {
					if resp, err := http.Get(args[0]); err == nil {
						b, _ := io.ReadAll(resp.Body)
						resp.Body.Close()
						if last = string(b); re.MatchString(last) {
							return
						}
					}
					if time.Now().After(deadline) {
						ts.Fatalf("GET %s never matched %s; last:\n%s", args[0], args[1], last)
					}
					time.Sleep(100 * time.Millisecond)
				}
			},
			// fetch URL FILE: save an HTTP GET to FILE.
			"fetch": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 2 {
					ts.Fatalf("usage: fetch URL FILE")
				}
				resp, err := http.Get(args[0])
				ts.Check(err)
				defer resp.Body.Close()
				b, err := io.ReadAll(resp.Body)
				ts.Check(err)
				if (resp.StatusCode != http.StatusOK) != neg {
					ts.Fatalf("GET %s: %s", args[0], resp.Status)
				}
				ts.Check(os.WriteFile(ts.MkAbs(args[1]), b, 0o644))
			},
		},
	})
}
