package signednote

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
)

func newTestKey(t testing.TB, name string) (note.Signer, *Key) {
	t.Helper()
	skey, vkey, err := GenerateKey(name)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	k, err := ParseKey(vkey)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := VerifierKey(skey); err != nil || got != vkey {
		t.Fatalf("VerifierKey = %q, %v; want %q", got, err, vkey)
	}
	return s, k
}

func TestSignParseVerify(t *testing.T) {
	s1, k1 := newTestKey(t, "khm.mnd")
	s2, k2 := newTestKey(t, "vnm.mofa")
	text := []byte("{\"a\":1}\n")
	n, err := Sign(text, nil, s1, s2)
	if err != nil {
		t.Fatal(err)
	}
	msg := n.Marshal()

	// The x/mod implementation must agree with ours.
	v1, _ := note.NewVerifier(k1.String())
	v2, _ := note.NewVerifier(k2.String())
	xn, err := note.Open(msg, note.VerifierList(v1, v2))
	if err != nil || len(xn.Sigs) != 2 {
		t.Fatalf("note.Open = %v, %v", xn, err)
	}

	p, err := Parse(msg)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(p.Text, text) || len(p.Sigs) != 2 {
		t.Fatalf("Parse = %q with %d signatures", p.Text, len(p.Sigs))
	}
	if !k1.Verify(p.Text, p.Sigs[0]) || !k2.Verify(p.Text, p.Sigs[1]) {
		t.Error("signatures do not verify")
	}
	if k1.Verify(p.Text, p.Sigs[1]) {
		t.Error("a signature verified under the wrong key")
	}
	if k1.Verify([]byte("{\"a\":2}\n"), p.Sigs[0]) {
		t.Error("a signature verified over other text")
	}
	if !bytes.Equal(p.Marshal(), msg) {
		t.Error("Marshal(Parse(msg)) != msg")
	}
	// Cosigning an existing note keeps its signatures.
	_, k3s := newTestKey(t, "chn.mfa")
	_ = k3s
	if _, err := Sign(text, p.Sigs, s1); err == nil {
		t.Error("Sign allowed the same key twice")
	}
}

func TestParseRefuses(t *testing.T) {
	s, _ := newTestKey(t, "khm.mnd")
	good, _ := Sign([]byte("hello\n"), nil, s)
	msg := string(good.Marshal())
	sigLine := msg[strings.Index(msg, "— "):]
	for _, tc := range []struct{ name, msg, want string }{
		{"no blank line", "hello\n" + sigLine, "no blank line"},
		{"no signatures", "hello\n\n", "does not end with a newline"},
		{"no final newline", strings.TrimSuffix(msg, "\n"), "does not end with a newline"},
		{"control char", "hel\tlo\n\n" + sigLine, "control character"},
		{"bad utf-8", "hel\xfflo\n\n" + sigLine, "UTF-8"},
		{"bad dash", "hello\n\n- khm.mnd AAAAAAAA\n", `"— "`},
		{"bad base64", "hello\n\n— khm.mnd !!!!\n", "base64"},
		{"short signature", "hello\n\n— khm.mnd AAAA\n", "too short"},
		{"plus in name", "hello\n\n— khm+mnd " + strings.Fields(sigLine)[2] + "\n", "plus"},
		{"too many", "hello\n\n" + strings.Repeat(sigLine, MaxSignatures+1), "more than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.msg))
			if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Parse = %v, want an ErrMalformed mentioning %q", err, tc.want)
			}
		})
	}
}

func TestParseKeyRefuses(t *testing.T) {
	for _, vkey := range []string{"", "khm.mnd", "khm.mnd+00000000+AAAA", "PRIVATE+KEY+x+00000000+AQ=="} {
		if _, err := ParseKey(vkey); err == nil {
			t.Errorf("ParseKey(%q) succeeded", vkey)
		}
	}
}

// FuzzParse checks that Parse never accepts what x/mod's parser refuses as
// malformed, and that accepted notes survive a round trip.
func FuzzParse(f *testing.F) {
	s, _ := newTestKey(f, "khm.mnd")
	n, _ := Sign([]byte("{\"kind\":\"declaration\"}\n"), nil, s)
	f.Add(n.Marshal())
	f.Add([]byte("a\n\nb\n\n— x AAAAAAAA\n"))
	f.Add([]byte("\n\n— x AAAAAAAA\n"))
	f.Fuzz(func(t *testing.T, msg []byte) {
		if got, want := lastBlankLine(msg), bytes.LastIndex(msg, []byte("\n\n")); got != want {
			t.Fatalf("lastBlankLine(%q) = %d, want %d", msg, got, want)
		}
		p, err := Parse(msg)
		if err != nil {
			return
		}
		if !bytes.Equal(p.Marshal(), msg) {
			t.Fatalf("round trip changed the note:\n%q\n%q", msg, p.Marshal())
		}
		_, xerr := note.Open(msg, note.VerifierList())
		var unverified *note.UnverifiedNoteError
		if !errors.As(xerr, &unverified) && len(msg) < 1e6 {
			t.Fatalf("Parse accepted %q but note.Open says %v", msg, xerr)
		}
	})
}

func BenchmarkVerify(b *testing.B) {
	s, k := newTestKey(b, "khm.mnd")
	n, _ := Sign(bytes.Repeat([]byte("x"), 600), nil, s)
	_ = n
	text := append(bytes.Repeat([]byte("x"), 599), '\n')
	n, _ = Sign(text, nil, s)
	for b.Loop() {
		if !k.Verify(n.Text, n.Sigs[0]) {
			b.Fatal("bad signature")
		}
	}
}
