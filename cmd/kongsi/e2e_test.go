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
	// done is closed when the process has exited, with err its status.
	done chan struct{}
	err  error
}

// start starts the process and notes its exit.
func (s *server) start(t *testing.T) {
	t.Helper()
	s.done = make(chan struct{})
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		s.err = s.cmd.Wait()
		close(s.done)
	}()
}

// startServer runs kongsi serve on dir and waits until it listens.
func startServer(t *testing.T, dir string, args ...string) *server {
	t.Helper()
	return startKongsi(t, append([]string{"serve", "-data", dir, "-addr", "127.0.0.1:0"}, args...)...)
}

// startKongsi runs a kongsi command that serves (serve, demo, witness,
// mirror, desk), with -addr-file, and waits until it listens. The process is
// killed at the end of the test if it still runs.
func startKongsi(t *testing.T, args ...string) *server {
	t.Helper()
	addrFile := filepath.Join(t.TempDir(), "addr")
	cmd := exec.Command(binary, append(args, "-addr-file", addrFile)...)
	s := &server{cmd: cmd, log: &strings.Builder{}}
	cmd.Stdout, cmd.Stderr = &lockedWriter{w: s.log}, &lockedWriter{w: s.log}
	s.start(t)
	t.Cleanup(s.kill)
	// A demo founds its register first.
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(addrFile); err == nil && len(b) > 0 {
			s.addr = "http://" + string(b)
			return s
		}
		select {
		case <-s.done:
			t.Fatalf("kongsi %s exited: %v\n%s", args[0], s.err, s.log.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	cmd.Process.Kill()
	t.Fatalf("kongsi %s did not start\n%s", args[0], s.log.String())
	return nil
}

// stop ends the server gracefully.
func (s *server) stop(t *testing.T) {
	t.Helper()
	s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
		if err := s.err; err != nil {
			t.Fatalf("kongsi %s: %v\n%s", s.cmd.Args[1], err, s.log.String())
		}
	case <-time.After(60 * time.Second):
		s.cmd.Process.Kill()
		t.Fatalf("kongsi %s did not stop\n%s", s.cmd.Args[1], s.log.String())
	}
}

// kill ends the server at once, as a crash would, if it still runs.
func (s *server) kill() {
	select {
	case <-s.done:
	default:
		s.cmd.Process.Kill()
		<-s.done
	}
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
