package tlog_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kongsi/kongsi/internal/signednote"
	"github.com/kongsi/kongsi/internal/tlog"
	"github.com/kongsi/kongsi/internal/witness"
	"github.com/transparency-dev/tessera"
	"golang.org/x/mod/sumdb/note"
)

func witnessKey(t testing.TB, name string) (skey, vkey string) {
	t.Helper()
	skey, vkey, err := signednote.GenerateCosignatureKey(name)
	if err != nil {
		t.Fatal(err)
	}
	return skey, vkey
}

func TestParsePolicy(t *testing.T) {
	_, a := witnessKey(t, "a.example/w")
	_, b := witnessKey(t, "b.example/w")
	_, c := witnessKey(t, "c.example/w")
	file := fmt.Sprintf(`# three witnesses, two needed
log example.com/log+01234567+AAAA https://example.com/log/
witness a %s https://a.example/w/
witness b %s https://b.example/w
witness c %s
group members 2 a b c   # the group
quorum members
`, a, b, c)
	p, err := tlog.ParsePolicy([]byte(file))
	if err != nil {
		t.Fatal(err)
	}
	if p.Quorum != 2 || len(p.Witnesses) != 3 || p.Witnesses[0].URL != "https://a.example/w/" || p.Witnesses[2].URL != "" {
		t.Fatalf("parsed %+v", p)
	}
	if p.String() != "2 of a, b, c" {
		t.Errorf("String() = %q", p.String())
	}
	// Tessera reads the same file, and so does our parser what we write.
	if _, err := tessera.NewWitnessGroupFromPolicy([]byte(strings.Replace(file, " "+c+"\n", " "+c+" https://c.example/\n", 1))); err != nil {
		t.Errorf("Tessera refuses the policy: %v", err)
	}
	q, err := tlog.ParsePolicy(p.Marshal())
	if err != nil || !q.Equal(p) || q.Witnesses[1].URL != p.Witnesses[1].URL {
		t.Errorf("Marshal does not round-trip: %v\n%s", err, p.Marshal())
	}
	for in, want := range map[string]int{
		"quorum none\n":                   0,
		"witness a " + a + "\nquorum a\n": 1,
		"witness a " + a + "\nwitness b " + b + "\ngroup g any a b\nquorum g\n": 1,
		"witness a " + a + "\nwitness b " + b + "\ngroup g all a b\nquorum g\n": 2,
	} {
		p, err := tlog.ParsePolicy([]byte(in))
		if err != nil || p.Quorum != want {
			t.Errorf("ParsePolicy(%q) = %v, %v; want quorum %d", in, p, err, want)
		}
	}
}

func TestParsePolicyRefuses(t *testing.T) {
	_, a := witnessKey(t, "a.example/w")
	_, b := witnessKey(t, "b.example/w")
	_, plain, _ := signednote.GenerateKey("a.example/w")
	for _, in := range []string{
		"",
		"witness a " + a + "\n",               // no quorum
		"witness a " + plain + "\nquorum a\n", // a note key, not a cosignature key
		"witness a " + a + "\nwitness a " + b + "\nquorum a\n",      // a name twice
		"witness a " + a + "\nwitness b " + a + "\nquorum a\n",      // a key twice
		"witness a " + a + " ftp://x/\nquorum a\n",                  // not http(s)
		"witness a " + a + "\ngroup g 2 a\nquorum g\n",              // threshold over the members
		"witness a " + a + "\ngroup g 0 a\nquorum g\n",              // threshold zero
		"witness a " + a + "\ngroup g 01 a\nquorum g\n",             // not a plain number
		"witness a " + a + "\ngroup g 1 a a\nquorum g\n",            // a member twice
		"witness a " + a + "\ngroup g 1 b\nquorum g\n",              // an unknown member
		"witness a " + a + "\ngroup g 1 a\ngroup h 1 g\nquorum h\n", // groups of groups
		"witness a " + a + "\nquorum b\n",                           // an unknown quorum
		"witness a " + a + "\nquorum a\nquorum a\n",                 // two quorums
		"witness any " + a + "\nquorum any\n",                       // a keyword as a name
		"witnesses a " + a + "\nquorum a\n",                         // an unknown keyword
	} {
		if p, err := tlog.ParsePolicy([]byte(in)); err == nil {
			t.Errorf("ParsePolicy(%q) accepted it: %v", in, p)
		}
	}
}

// testWitness runs one of our witnesses on loopback for the log with vkey.
// Closing its server stops it; serve starts it again at the same address.
func testWitness(t testing.TB, name, logVKey string) (*tlog.Witness, *httptest.Server, func() *httptest.Server) {
	t.Helper()
	skey, vkey := witnessKey(t, name)
	st, err := witness.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "w.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	origin, _, _ := strings.Cut(logVKey, "+")
	if err := st.SetLogs(context.Background(), map[string][]string{origin: {logVKey}}); err != nil {
		t.Fatal(err)
	}
	w, err := witness.New(skey, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(w.Handler())
	t.Cleanup(srv.Close)
	addr := srv.Listener.Addr().String()
	serve := func() *httptest.Server {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		s := httptest.NewUnstartedServer(w.Handler())
		s.Listener.Close()
		s.Listener = ln
		s.Start()
		t.Cleanup(s.Close)
		return s
	}
	k, err := signednote.ParseCosignatureKey(vkey)
	if err != nil {
		t.Fatal(err)
	}
	return &tlog.Witness{Name: name, Key: k, URL: srv.URL}, srv, serve
}

// TestLogWithWitnesses runs a log whose checkpoints two of three witnesses
// must cosign: it publishes with one witness down, pauses with two down
// while still storing entries, and resumes when one comes back.
func TestLogWithWitnesses(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a log and three witnesses")
	}
	ctx := context.Background()
	skey, vkey, err := signednote.GenerateKey("example.com/witnessed-log")
	if err != nil {
		t.Fatal(err)
	}
	signer, _ := signednote.NewSigner(skey)
	verifier, _ := note.NewVerifier(vkey)
	var ws []*tlog.Witness
	var srvs []*httptest.Server
	var restart []func() *httptest.Server
	for _, n := range []string{"a", "b", "c"} {
		w, srv, serve := testWitness(t, n+".example/w", vkey)
		ws = append(ws, w)
		srvs = append(srvs, srv)
		restart = append(restart, serve)
	}
	policy := &tlog.Policy{Witnesses: ws, Quorum: 2}
	l, err := tlog.Open(ctx, tlog.Options{
		Dir: t.TempDir(), Signer: signer, CheckpointInterval: 100 * time.Millisecond,
		Witnesses: tlog.StaticPolicies{policy}, WitnessTimeout: 2 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close(ctx)
	add := func(n int) uint64 {
		t.Helper()
		var last uint64
		for i := range n {
			idx, err := l.Add(ctx, fmt.Appendf(nil, "entry %d %d", i, time.Now().UnixNano()))()
			if err != nil {
				t.Fatal(err)
			}
			last = idx.Index
		}
		return last
	}
	published := func(index uint64, within time.Duration) (*tlog.Checkpoint, error) {
		cctx, cancel := context.WithTimeout(ctx, within)
		defer cancel()
		raw, err := l.AwaitPublished(cctx, index)
		if err != nil {
			return nil, err
		}
		return tlog.ParseCheckpoint(raw, verifier)
	}
	last := add(5)
	cp, err := published(last, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if cs, err := policy.Check(cp); err != nil || len(cs) < 2 {
		t.Fatalf("a published checkpoint lacks cosignatures: %v\n%s", err, cp.Raw)
	}
	// One witness down: publication goes on.
	srvs[0].Close()
	last = add(5)
	if cp, err = published(last, 10*time.Second); err != nil {
		t.Fatalf("with one witness of three down: %v", err)
	}
	if cs, err := policy.Check(cp); err != nil || len(cs) != 2 || cs[0].Witness.Name != "b.example/w" {
		t.Fatalf("cosignatures %v, %v", cs, err)
	}
	// Two down: entries are still stored, no checkpoint covers them.
	srvs[1].Close()
	last = add(5)
	if _, err := published(last, 2*time.Second); err == nil {
		t.Fatal("a checkpoint was published with one witness of three")
	}
	if size, _ := l.IntegratedSize(ctx); size != last+1 {
		t.Fatalf("integrated %d entries, want %d", size, last+1)
	}
	// One comes back, having missed checkpoints: the log learns its size
	// from its 409 answer, proves consistency from there, and publishes a
	// checkpoint that covers everything.
	restart[0]()
	if cp, err = published(last, 10*time.Second); err != nil {
		t.Fatalf("after a witness came back: %v", err)
	}
	if cs, err := policy.Check(cp); err != nil || cp.Size != last+1 {
		t.Fatalf("checkpoint of size %d, cosignatures %v, %v", cp.Size, cs, err)
	}
}
