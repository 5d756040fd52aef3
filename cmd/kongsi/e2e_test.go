package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// binary is the kongsi binary built for the end-to-end tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "kongsi-e2e-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "kongsi")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "couldn't build kongsi: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// server is a kongsi serve process.
type server struct {
	cmd  *exec.Cmd
	addr string
	log  *strings.Builder
	done chan error
}

// startServer runs kongsi serve on dir and waits until it listens.
func startServer(t *testing.T, dir string, args ...string) *server {
	t.Helper()
	addrFile := filepath.Join(t.TempDir(), "addr")
	cmd := exec.Command(binary, append([]string{"serve", "-data", dir, "-addr", "127.0.0.1:0", "-addr-file", addrFile}, args...)...)
	s := &server{cmd: cmd, log: &strings.Builder{}, done: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = &lockedWriter{w: s.log}, &lockedWriter{w: s.log}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.done <- cmd.Wait() }()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(addrFile); err == nil && len(b) > 0 {
			s.addr = "http://" + string(b)
			return s
		}
		select {
		case err := <-s.done:
			t.Fatalf("kongsi serve exited: %v\n%s", err, s.log.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	cmd.Process.Kill()
	t.Fatalf("kongsi serve did not start\n%s", s.log.String())
	return nil
}

// stop ends the server gracefully.
func (s *server) stop(t *testing.T) {
	t.Helper()
	s.cmd.Process.Signal(os.Interrupt)
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("kongsi serve: %v\n%s", err, s.log.String())
		}
	case <-time.After(60 * time.Second):
		s.cmd.Process.Kill()
		t.Fatalf("kongsi serve did not stop\n%s", s.log.String())
	}
}

// kill ends the server at once, as a crash would.
func (s *server) kill() {
	s.cmd.Process.Kill()
	<-s.done
}

type lockedWriter struct {
	mu sync.Mutex
	w  *strings.Builder
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

// run runs kongsi and returns its output and error.
func run(ctx context.Context, args ...string) (string, error) {
	out, err := exec.CommandContext(ctx, binary, args...).CombinedOutput()
	return string(out), err
}
