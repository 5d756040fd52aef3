// Package witnesstest runs witnesses on loopback for tests: each with its
// own key and state, stoppable and restartable at the same address.
package witnesstest

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kongsi/kongsi/internal/signednote"
	"github.com/kongsi/kongsi/internal/tlog"
	"github.com/kongsi/kongsi/internal/witness"
)

// Server is a witness serving on loopback.
type Server struct {
	// Witness names the witness, its key and its URL, as a policy does.
	Witness *tlog.Witness
	SKey    string
	Store   *witness.SQLiteStore

	t    testing.TB
	w    *witness.Witness
	addr string
	mu   sync.Mutex
	srv  *http.Server
}

// Start runs a witness named name (its key's name is name too) that
// witnesses the logs with the given vkeys.
func Start(t testing.TB, name string, logVKeys ...string) *Server {
	t.Helper()
	skey, vkey, err := signednote.GenerateCosignatureKey(name)
	if err != nil {
		t.Fatal(err)
	}
	return StartWithKey(t, name, skey, vkey, t.TempDir(), logVKeys...)
}

// StartWithKey runs a witness with the given key, keeping its state in dir.
func StartWithKey(t testing.TB, name, skey, vkey, dir string, logVKeys ...string) *Server {
	t.Helper()
	st, err := witness.OpenSQLite(context.Background(), filepath.Join(dir, "witness.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	keys := map[string][]string{}
	for _, v := range logVKeys {
		origin, _, _ := strings.Cut(v, "+")
		keys[origin] = append(keys[origin], v)
	}
	if err := st.SetLogs(context.Background(), keys); err != nil {
		t.Fatal(err)
	}
	w, err := witness.New(skey, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	k, err := signednote.ParseCosignatureKey(vkey)
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{t: t, w: w, SKey: skey, Store: st, Witness: &tlog.Witness{Name: name, Key: k}}
	s.listen("127.0.0.1:0")
	s.Witness.URL = "http://" + s.addr + "/"
	t.Cleanup(s.Stop)
	return s
}

func (s *Server) listen(addr string) {
	s.t.Helper()
	var ln net.Listener
	var err error
	// The port of a stopped witness may take a moment to be free again.
	for range 50 {
		if ln, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		s.t.Fatal(err)
	}
	s.mu.Lock()
	s.addr = ln.Addr().String()
	s.srv = &http.Server{Handler: s.w.Handler(), ReadHeaderTimeout: 5 * time.Second}
	srv := s.srv
	s.mu.Unlock()
	go srv.Serve(ln)
}

// Stop stops the witness; its state is kept.
func (s *Server) Stop() {
	s.mu.Lock()
	srv := s.srv
	s.srv = nil
	s.mu.Unlock()
	if srv != nil {
		srv.Close()
	}
}

// Restart serves the witness again at the same address.
func (s *Server) Restart() {
	s.t.Helper()
	s.Stop()
	s.listen(s.addr)
}

// Policy is a policy asking for quorum of the given witnesses.
func Policy(quorum int, ss ...*Server) *tlog.Policy {
	p := &tlog.Policy{Quorum: quorum}
	for _, s := range ss {
		p.Witnesses = append(p.Witnesses, s.Witness)
	}
	return p
}
