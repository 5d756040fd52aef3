package signednote

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	fnote "github.com/transparency-dev/formats/note"
	"golang.org/x/mod/sumdb/note"
)

// AlgCosignatureV1 is the signature type of Ed25519 cosignature/v1 keys
// (C2SP tlog-cosignature): the byte that precedes the public key in a vkey
// and in the input of the key ID.
const AlgCosignatureV1 = 0x04

// CosignatureKey is a witness's Ed25519 key for timestamped cosignatures
// (C2SP tlog-cosignature, cosignature/v1), parsed from its vkey form
// name+hash+base64(0x04||key). A cosignature signs "cosignature/v1\ntime
// T\n" followed by the checkpoint's text, and carries T.
type CosignatureKey struct {
	Name   string
	ID     uint32
	Public ed25519.PublicKey
	vkey   string
	v      note.Verifier
}

// CosignatureKeyID computes the key ID of a cosignature/v1 key:
// the first four bytes of SHA-256(name || 0x0A || 0x04 || key).
func CosignatureKeyID(name string, pub ed25519.PublicKey) uint32 {
	h := sha256.New()
	h.Write([]byte(name))
	h.Write([]byte{'\n', AlgCosignatureV1})
	h.Write(pub)
	return binary.BigEndian.Uint32(h.Sum(nil))
}

// ParseCosignatureKey parses a witness's verifier key. It refuses plain
// Ed25519 note keys (type 0x01): a witness key is its own kind of key, so
// that it is never mistaken for, or reused as, a key that signs notes.
func ParseCosignatureKey(vkey string) (*CosignatureKey, error) {
	name, rest, ok1 := strings.Cut(vkey, "+")
	hash16, b64, ok2 := strings.Cut(rest, "+")
	if !ok1 || !ok2 || len(hash16) != 8 {
		return nil, errors.New("invalid witness key: not in the name+hash+key form")
	}
	if err := CheckKeyName(name); err != nil {
		return nil, fmt.Errorf("invalid witness key: %w", err)
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(b64)
	if err != nil || len(raw) != 1+ed25519.PublicKeySize {
		return nil, errors.New("invalid witness key: the key is not a base64 Ed25519 key")
	}
	if raw[0] != AlgCosignatureV1 {
		return nil, fmt.Errorf("invalid witness key: its signature type is 0x%02x; a witness key has type 0x%02x (cosignature/v1)", raw[0], AlgCosignatureV1)
	}
	id, err := strconv.ParseUint(hash16, 16, 32)
	pub := ed25519.PublicKey(raw[1:])
	if err != nil || uint32(id) != CosignatureKeyID(name, pub) {
		return nil, errors.New("invalid witness key: its key ID does not match its name and key")
	}
	v, err := fnote.NewVerifierForCosignatureV1(vkey)
	if err != nil {
		return nil, fmt.Errorf("invalid witness key: %w", err)
	}
	return &CosignatureKey{Name: name, ID: uint32(id), Public: pub, vkey: vkey, v: v}, nil
}

// NewCosignatureKey returns the cosignature/v1 verifier key of an Ed25519
// public key with a name.
func NewCosignatureKey(name string, pub ed25519.PublicKey) (*CosignatureKey, error) {
	if len(pub) != ed25519.PublicKeySize {
		return nil, errors.New("not an Ed25519 public key")
	}
	return ParseCosignatureKey(fmt.Sprintf("%s+%08x+%s", name, CosignatureKeyID(name, pub), base64.StdEncoding.EncodeToString(append([]byte{AlgCosignatureV1}, pub...))))
}

// String returns the key in vkey form.
func (k *CosignatureKey) String() string { return k.vkey }

// Fingerprint is a short, stable identifier of the key for display: the
// first 16 hex digits of the SHA-256 of its vkey.
func (k *CosignatureKey) Fingerprint() string {
	h := sha256.Sum256([]byte(k.vkey))
	return fmt.Sprintf("%x", h[:8])
}

// Verifier returns the key as a note verifier of cosignatures.
func (k *CosignatureKey) Verifier() note.Verifier { return k.v }

// Matches reports whether the signature line names this key.
func (k *CosignatureKey) Matches(s Signature) bool { return s.Name == k.Name && s.KeyID == k.ID }

// Verify checks a cosignature of text by the key, and returns the time it
// states.
func (k *CosignatureKey) Verify(text []byte, s Signature) (time.Time, bool) {
	if !k.Matches(s) || !k.v.Verify(text, s.Sig) {
		return time.Time{}, false
	}
	return CosignatureTime(s), true
}

// CosignatureTime is the time a cosignature/v1 signature states, or the
// zero time if the signature is too short to hold one.
func CosignatureTime(s Signature) time.Time {
	if len(s.Sig) < 8 {
		return time.Time{}
	}
	t := binary.BigEndian.Uint64(s.Sig)
	if t > 1<<63-1 {
		return time.Time{}
	}
	return time.Unix(int64(t), 0).UTC()
}

// GenerateCosignatureKey makes a new witness key named name and returns the
// private key (PRIVATE+KEY+name+hash+base64(0x04||seed)) and the verifier
// key.
func GenerateCosignatureKey(name string) (skey, vkey string, err error) {
	if err := CheckKeyName(name); err != nil {
		return "", "", err
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return "", "", err
	}
	id := CosignatureKeyID(name, pub)
	skey = fmt.Sprintf("PRIVATE+KEY+%s+%08x+%s", name, id, base64.StdEncoding.EncodeToString(append([]byte{AlgCosignatureV1}, priv.Seed()...)))
	vkey = fmt.Sprintf("%s+%08x+%s", name, id, base64.StdEncoding.EncodeToString(append([]byte{AlgCosignatureV1}, pub...)))
	return skey, vkey, nil
}

// NewCosigner parses a witness's private key, as GenerateCosignatureKey
// writes it, and returns a signer of cosignature/v1 signatures and its
// verifier key.
func NewCosigner(skey string) (note.Signer, *CosignatureKey, error) {
	skey = strings.TrimSpace(skey)
	parts := strings.SplitN(skey, "+", 5)
	if len(parts) != 5 || parts[0] != "PRIVATE" || parts[1] != "KEY" {
		return nil, nil, errors.New("invalid witness private key: not in the PRIVATE+KEY+name+hash+key form")
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(parts[4])
	if err != nil || len(raw) != 1+ed25519.SeedSize || raw[0] != AlgCosignatureV1 {
		return nil, nil, errors.New("invalid witness private key: not an Ed25519 cosignature/v1 key (make one with kongsi keygen -witness)")
	}
	s, err := fnote.NewSignerForCosignatureV1(skey)
	if err != nil {
		return nil, nil, fmt.Errorf("invalid witness private key: %w", err)
	}
	pub := ed25519.NewKeyFromSeed(raw[1:]).Public().(ed25519.PublicKey)
	vkey := fmt.Sprintf("%s+%08x+%s", parts[2], CosignatureKeyID(parts[2], pub), base64.StdEncoding.EncodeToString(append([]byte{AlgCosignatureV1}, pub...)))
	k, err := ParseCosignatureKey(vkey)
	if err != nil {
		return nil, nil, err
	}
	if s.KeyHash() != k.ID {
		return nil, nil, errors.New("invalid witness private key: inconsistent key ID")
	}
	return s, k, nil
}
