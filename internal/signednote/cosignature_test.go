package signednote

import (
	"crypto/ed25519"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"filippo.io/torchwood"
	fnote "github.com/transparency-dev/formats/note"
	"golang.org/x/mod/sumdb/note"
)

func TestCosignatureKeys(t *testing.T) {
	skey, vkey, err := GenerateCosignatureKey("witness.example/w1")
	if err != nil {
		t.Fatal(err)
	}
	s, k, err := NewCosigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	if k.String() != vkey || s.Name() != "witness.example/w1" || s.KeyHash() != k.ID {
		t.Fatalf("NewCosigner gave %q (%08x), want %q", k, s.KeyHash(), vkey)
	}
	// Other implementations read our vkey the same way.
	tv, err := torchwood.NewCosignatureVerifier(vkey)
	if err != nil || tv.KeyHash() != k.ID || tv.String() != vkey {
		t.Fatalf("torchwood reads the key differently: %v", err)
	}
	text := []byte("example.com/log\n42\nqINS1GRFhWHwdkUeqLEoP4yEMkTBBzxBkGwGQlVlVcs=\n")
	before := time.Now().Add(-time.Second)
	n, err := Sign(text, nil, s)
	if err != nil {
		t.Fatal(err)
	}
	signed := n.Marshal()
	if _, err := note.Open(signed, note.VerifierList(tv)); err != nil {
		t.Fatalf("torchwood does not verify our cosignature: %v", err)
	}
	at, ok := k.Verify(text, n.Sigs[0])
	if !ok || at.Before(before) || at.After(time.Now().Add(time.Second)) {
		t.Fatalf("Verify = %v, %v", at, ok)
	}
	// A cosignature by torchwood's signer verifies with our key.
	ts, err := torchwood.NewCosignatureSigner("witness.example/w1", mustSeedKey(t, skey))
	if err != nil {
		t.Fatal(err)
	}
	n2, err := Sign(text, nil, ts)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := k.Verify(text, n2.Sigs[0]); !ok {
		t.Fatal("our key does not verify torchwood's cosignature")
	}
	// The cosignature does not verify other text.
	if _, ok := k.Verify([]byte("example.com/log\n43\nqINS1GRFhWHwdkUeqLEoP4yEMkTBBzxBkGwGQlVlVcs=\n"), n.Sigs[0]); ok {
		t.Fatal("a cosignature verified another checkpoint")
	}
	// A plain Ed25519 verifier with the same key bytes does not accept it.
	if _, err := fnote.NewVerifierForCosignatureV1(vkey); err != nil {
		t.Fatal(err)
	}
}

func TestParseCosignatureKeyRefuses(t *testing.T) {
	_, vkey, _ := GenerateCosignatureKey("witness.example/w1")
	_, plain, _ := GenerateKey("witness.example/w1")
	name, rest, _ := strings.Cut(vkey, "+")
	hash, b64, _ := strings.Cut(rest, "+")
	for _, bad := range []string{
		"",
		plain, // a note key, type 0x01
		name + "+" + hash,
		name + "+00000000+" + b64,        // wrong key ID
		"other.name+" + hash + "+" + b64, // the ID commits to the name
		name + "+" + hash + "+" + b64[:len(b64)-4],
		"a b+" + hash + "+" + b64,
	} {
		if _, err := ParseCosignatureKey(bad); err == nil {
			t.Errorf("ParseCosignatureKey(%q) accepted it", bad)
		}
	}
	skey, _, _ := GenerateKey("x")
	if _, _, err := NewCosigner(skey); err == nil {
		t.Error("NewCosigner accepted a note signing key")
	}
}

// mustSeedKey returns the Ed25519 private key of a cosignature private key.
func mustSeedKey(t *testing.T, skey string) ed25519.PrivateKey {
	t.Helper()
	parts := strings.SplitN(skey, "+", 5)
	raw, err := base64.StdEncoding.DecodeString(parts[4])
	if err != nil {
		t.Fatal(err)
	}
	return ed25519.NewKeyFromSeed(raw[1:])
}
