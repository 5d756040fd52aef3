package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
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
