package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"filippo.io/torchwood"
	"github.com/kongsi/kongsi/internal/declaration"
	"github.com/kongsi/kongsi/internal/ledger/ledgertest"
	"github.com/kongsi/kongsi/internal/nodetest"
	"github.com/kongsi/kongsi/internal/signednote"
	"github.com/kongsi/kongsi/internal/tlog"
	"github.com/kongsi/kongsi/internal/witness"
	"github.com/transparency-dev/tessera"
	"github.com/transparency-dev/tessera/client"
	"github.com/transparency-dev/tessera/storage/posix"
	"golang.org/x/crypto/ssh"
	"golang.org/x/mod/sumdb/note"
	_ "modernc.org/sqlite"
)

// unavailable skips a test that needs an outside tool, or fails it in CI,
// where the tool must be there.
func unavailable(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}

// litewitnessVersion is the published witness this test cosigns with.
const litewitnessVersion = "filippo.io/torchwood/cmd/litewitness@v0.9.0"

// TestLitewitnessCosignsOurLog runs litewitness, Filippo Valsorda's
// tlog-witness (torchwood), as a witness of a register, and checks that
// the register's checkpoints carry its cosignatures, verified by our code.
func TestLitewitnessCosignsOurLog(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: builds and runs litewitness")
	}
	for _, tool := range []string{"ssh-agent", "ssh-add"} {
		if _, err := exec.LookPath(tool); err != nil {
			unavailable(t, "%s is not installed (Debian: openssh-client): %v", tool, err)
		}
	}
	bin := t.TempDir()
	install := exec.Command("go", "install", litewitnessVersion)
	install.Env = append(os.Environ(), "GOBIN="+bin)
	if out, err := install.CombinedOutput(); err != nil {
		unavailable(t, "couldn't build %s: %v\n%s", litewitnessVersion, err, out)
	}
	ctx := context.Background()
	f := ledgertest.New(t)
	work := t.TempDir()

	// The witness's key, in an ssh-agent, as litewitness takes it.
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "litewitness test key")
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(work, "witness.pem")
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(work, "agent.sock")
	agent := exec.Command("ssh-agent", "-a", sock, "-D")
	if err := agent.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { agent.Process.Kill(); agent.Wait() })
	waitFor(t, "ssh-agent listens", 10*time.Second, func() bool { _, err := os.Stat(sock); return err == nil })
	add := exec.Command("ssh-add", keyFile)
	add.Env = append(os.Environ(), "SSH_AUTH_SOCK="+sock)
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("ssh-add: %v\n%s", err, out)
	}

	// litewitness's state: the log it witnesses, with its key, from size 0.
	db := filepath.Join(work, "litewitness.db")
	origin, _, _ := strings.Cut(f.LogVKey, "+")
	empty := sha256.Sum256(nil)
	sqlDB, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`CREATE TABLE log (origin TEXT PRIMARY KEY, tree_size INTEGER NOT NULL, tree_hash TEXT NOT NULL)`,
		`CREATE TABLE key (origin TEXT NOT NULL, key TEXT NOT NULL, FOREIGN KEY(origin) REFERENCES log(origin))`,
		`CREATE TABLE bastion (origin TEXT NOT NULL, bastion TEXT NOT NULL, FOREIGN KEY(origin) REFERENCES log(origin))`,
	} {
		if _, err := sqlDB.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := sqlDB.Exec(`INSERT INTO log (origin, tree_size, tree_hash) VALUES (?, 0, ?)`, origin, base64.StdEncoding.EncodeToString(empty[:])); err != nil {
		t.Fatal(err)
	}
	if _, err := sqlDB.Exec(`INSERT INTO key (origin, key) VALUES (?, ?)`, origin, f.LogVKey); err != nil {
		t.Fatal(err)
	}
	sqlDB.Close()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	const name = "litewitness.example/w1"
	lw := exec.Command(filepath.Join(bin, "litewitness"), "-ssh-agent", sock, "-name", name, "-key", ssh.FingerprintSHA256(sshPub), "-listen", addr, "-db", db)
	lwLog := &lockedBuffer{b: &bytes.Buffer{}}
	lw.Stdout, lw.Stderr = lwLog, lwLog
	if err := lw.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lw.Process.Kill(); lw.Wait() })
	waitFor(t, "litewitness listens", 20*time.Second, func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err == nil
	})

	// The register, with litewitness as its one witness.
	key, err := signednote.NewCosignatureKey(name, pub)
	if err != nil {
		t.Fatal(err)
	}
	policy := &tlog.Policy{Witnesses: []*tlog.Witness{{Name: "litewitness", Key: key, URL: "http://" + addr + "/"}}, Quorum: 1}
	e := nodetest.NewWith(t, nodetest.Options{Fixture: f, Witnesses: policy}, declaration.New())
	var last uint64
	for i := range 3 {
		last = e.Submit(f.Sign(t, "khm.mfa", declaration.Kind, fmt.Sprintf("declarations/khm/lw-%d", i), declarationBody(i)))
	}
	cp := e.Checkpoint(last + 1)
	cs, err := policy.Check(cp)
	if err != nil || len(cs) != 1 {
		t.Fatalf("the checkpoint lacks litewitness's cosignature: %v\n%s\n%s", err, cp.Raw, lwLog.String())
	}
	if d := time.Since(cs[0].Time); d < -time.Minute || d > time.Minute {
		t.Errorf("litewitness's cosignature says %v", cs[0].Time)
	}
	// litewitness recorded the tree it cosigned.
	sqlDB, _ = sql.Open("sqlite", db)
	defer sqlDB.Close()
	var size uint64
	if err := sqlDB.QueryRowContext(ctx, `SELECT tree_size FROM log WHERE origin = ?`, origin).Scan(&size); err != nil || size < 1 || size > cp.Size {
		t.Fatalf("litewitness's state: size %d, %v", size, err)
	}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  *bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestOurWitnessCosignsATesseraLog runs kongsi witness for a log written by
// bare Tessera, with its own origin and key, which asks for cosignatures
// through Tessera's own witness client; then sends the witness the requests
// the specification describes, and checks the answers it requires.
func TestOurWitnessCosignsATesseraLog(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: runs a witness and a Tessera log")
	}
	ctx := context.Background()
	work := t.TempDir()
	const origin = "example.org/bare-tessera-log"
	skey, vkey, err := note.GenerateKey(rand.Reader, origin)
	if err != nil {
		t.Fatal(err)
	}
	logSigner, _ := note.NewSigner(skey)
	logVerifier, _ := note.NewVerifier(vkey)
	wskey, wvkey, err := signednote.GenerateCosignatureKey("witness.example.org/kongsi")
	if err != nil {
		t.Fatal(err)
	}
	wdir := filepath.Join(work, "witness")
	os.MkdirAll(wdir, 0o700)
	os.WriteFile(filepath.Join(wdir, "witness.key"), []byte(wskey+"\n"), 0o600)
	wit := startKongsi(t, "witness", "-data", wdir, "-log", vkey, "-addr", "127.0.0.1:0")
	defer wit.kill()

	// The log: Tessera's POSIX driver and appender, configured with our
	// witness as Tessera's own documentation says.
	logDir := filepath.Join(work, "log")
	driver, err := posix.New(ctx, posix.Config{Path: logDir})
	if err != nil {
		t.Fatal(err)
	}
	wURL, _ := url.Parse(wit.addr)
	w, err := tessera.NewWitness(wvkey, wURL)
	if err != nil {
		t.Fatal(err)
	}
	actx, cancel := context.WithCancel(ctx)
	defer cancel()
	appender, shutdown, reader, err := tessera.NewAppender(actx, driver, tessera.NewAppendOptions().
		WithCheckpointSigner(logSigner).WithCheckpointInterval(100*time.Millisecond).WithBatching(64, 10*time.Millisecond).
		WithWitnesses(tessera.NewWitnessGroup(1, w), &tessera.WitnessOptions{Timeout: 5 * time.Second}))
	if err != nil {
		t.Fatal(err)
	}
	defer shutdown(ctx)
	awaiter := tessera.NewPublicationAwaiter(actx, reader.ReadCheckpoint, 50*time.Millisecond)
	var cpRaw []byte
	for i := range 300 {
		f := appender.Add(ctx, tessera.NewEntry(fmt.Appendf(nil, "entry %d", i)))
		if i%100 == 99 {
			wctx, wcancel := context.WithTimeout(ctx, 20*time.Second)
			_, cpRaw, err = awaiter.Await(wctx, f)
			wcancel()
			if err != nil {
				t.Fatalf("Tessera did not publish a cosigned checkpoint: %v\n%s", err, wit.log)
			}
		}
	}
	// The cosignature verifies with our key, and with torchwood's verifier.
	k, _ := signednote.ParseCosignatureKey(wvkey)
	policy := &tlog.Policy{Witnesses: []*tlog.Witness{{Name: "kongsi", Key: k}}, Quorum: 1}
	cp, err := tlog.ParseCheckpoint(cpRaw, logVerifier)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := policy.Check(cp); err != nil {
		t.Fatalf("%v\n%s", err, cpRaw)
	}
	tv, err := torchwood.NewCosignatureVerifier(wvkey)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := note.Open(cpRaw, note.VerifierList(tv)); err != nil {
		t.Fatalf("torchwood does not verify our cosignature: %v", err)
	}

	// The requests of the specification, against the witness's state.
	held := cp.Size
	post := func(body []byte) (int, string, string) {
		resp, err := http.Post(wit.addr+"/add-checkpoint", "text/plain", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
	}
	sign := func(text string, s note.Signer) []byte {
		b, err := note.Sign(&note.Note{Text: text}, s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	text := func(size uint64, hash []byte) string {
		return fmt.Sprintf("%s\n%d\n%s\n", origin, size, base64.StdEncoding.EncodeToString(hash))
	}
	pb, err := client.NewProofBuilder(ctx, held, client.FileFetcher{Root: logDir}.ReadTile)
	if err != nil {
		t.Fatal(err)
	}
	proof100, err := pb.ConsistencyProof(ctx, 100, held)
	if err != nil {
		t.Fatal(err)
	}
	impostorKey, _, _ := note.GenerateKey(rand.Reader, origin)
	impostor, _ := note.NewSigner(impostorKey)
	otherKey, _, _ := note.GenerateKey(rand.Reader, "example.org/unknown-log")
	other, _ := note.NewSigner(otherKey)
	bogus := bytes.Repeat([]byte{1}, 32)
	for _, tt := range []struct {
		name   string
		req    witness.Request
		status int
		ctype  string
		body   string
	}{
		{"stale old size", witness.Request{OldSize: 100, Proof: proof100, Checkpoint: cpRaw}, 409, "text/x.tlog.size", fmt.Sprintf("%d\n", held)},
		{"old size zero, to learn the size", witness.Request{OldSize: 0, Checkpoint: cpRaw}, 409, "text/x.tlog.size", fmt.Sprintf("%d\n", held)},
		{"unknown log", witness.Request{OldSize: 0, Checkpoint: sign("example.org/unknown-log\n1\n"+base64.StdEncoding.EncodeToString(bogus)+"\n", other)}, 404, "", ""},
		{"bad signature", witness.Request{OldSize: held, Checkpoint: sign(text(held+5, bogus), impostor)}, 403, "", ""},
		{"old size over the size", witness.Request{OldSize: held, Checkpoint: sign(text(held-1, bogus), logSigner)}, 400, "", ""},
		{"bad proof", witness.Request{OldSize: held, Proof: [][]byte{bogus, bogus}, Checkpoint: sign(text(held+5, bogus), logSigner)}, 422, "", ""},
		{"another root for the size cosigned", witness.Request{OldSize: held, Checkpoint: sign(text(held, bogus), logSigner)}, 409, "text/plain; charset=utf-8", ""},
		{"malformed", witness.Request{OldSize: 0}, 400, "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, ctype, body := post(tt.req.Marshal())
			if code != tt.status || (tt.ctype != "" && ctype != tt.ctype) || (tt.body != "" && body != tt.body) {
				t.Fatalf("%d %q %q; want %d %q %q", code, ctype, body, tt.status, tt.ctype, tt.body)
			}
		})
	}
	// None changed the witness's state: the honest request still goes.
	code, _, body := post((&witness.Request{OldSize: held, Checkpoint: cpRaw}).Marshal())
	if code != 200 || !strings.HasPrefix(body, "— witness.example.org/kongsi ") {
		t.Fatalf("after the refusals: %d %q", code, body)
	}
}
