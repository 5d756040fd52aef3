// Package signednote parses and writes C2SP signed notes
// (https://c2sp.org/signed-note) with Ed25519 keys.
//
// Parsing is kept apart from verification: Parse checks the structure of a
// note and returns its text and signature lines, and the caller verifies the
// signatures it cares about with the keys it trusts, possibly on another
// goroutine. Keys are in the vkey and private key formats of
// golang.org/x/mod/sumdb/note, which this package uses for the cryptography.
package signednote

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/note"
)

// MaxSignatures is the largest number of signature lines a note may carry.
// The specification requires accepting at least 16.
const MaxSignatures = 32

// ErrMalformed is wrapped by every error Parse returns.
var ErrMalformed = errors.New("malformed signed note")

// Signature is one signature line of a note.
type Signature struct {
	Name  string // key name
	KeyID uint32 // the key ID that opens the signature
	Sig   []byte // the signature proper, without the key ID
}

// Note is a parsed signed note.
type Note struct {
	Text []byte // the signed text, including its final newline
	Sigs []Signature
}

// Parse checks that msg is a well-formed signed note and splits it into its
// text and signatures. It does not verify any signature.
func Parse(msg []byte) (*Note, error) {
	if !utf8.Valid(msg) {
		return nil, fmt.Errorf("%w: not valid UTF-8", ErrMalformed)
	}
	for i, c := range msg {
		if c < 0x20 && c != '\n' {
			return nil, fmt.Errorf("%w: control character 0x%02x at byte %d", ErrMalformed, c, i)
		}
	}
	split := lastBlankLine(msg)
	if split < 0 {
		return nil, fmt.Errorf("%w: no blank line between text and signatures", ErrMalformed)
	}
	text, sigs := msg[:split+1], msg[split+2:]
	if len(sigs) == 0 || sigs[len(sigs)-1] != '\n' {
		return nil, fmt.Errorf("%w: signature block does not end with a newline", ErrMalformed)
	}
	n := &Note{Text: text}
	for line := range strings.Lines(string(sigs)) {
		if len(n.Sigs) == MaxSignatures {
			return nil, fmt.Errorf("%w: more than %d signatures", ErrMalformed, MaxSignatures)
		}
		s, err := parseSignatureLine(line)
		if err != nil {
			return nil, fmt.Errorf("%w: signature line %d: %v", ErrMalformed, len(n.Sigs)+1, err)
		}
		n.Sigs = append(n.Sigs, s)
	}
	return n, nil
}

// lastBlankLine is bytes.LastIndex(msg, "\n\n"), without the cost of a
// general search: signature blocks are short.
func lastBlankLine(msg []byte) int {
	for i := bytes.LastIndexByte(msg, '\n'); i > 0; i = bytes.LastIndexByte(msg[:i], '\n') {
		if msg[i-1] == '\n' {
			return i - 1
		}
	}
	return -1
}

func parseSignatureLine(line string) (Signature, error) {
	rest, ok := strings.CutPrefix(strings.TrimSuffix(line, "\n"), "— ")
	if !ok {
		return Signature{}, errors.New(`does not start with "— "`)
	}
	name, b64, ok := strings.Cut(rest, " ")
	if !ok {
		return Signature{}, errors.New("no space between key name and signature")
	}
	if err := CheckKeyName(name); err != nil {
		return Signature{}, err
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(b64)
	if err != nil {
		return Signature{}, errors.New("signature is not valid base64")
	}
	if len(raw) < 5 {
		return Signature{}, errors.New("signature too short")
	}
	return Signature{Name: name, KeyID: binary.BigEndian.Uint32(raw), Sig: raw[4:]}, nil
}

// CheckKeyName reports whether name may be a key name: non-empty, with no
// Unicode space and no plus sign.
func CheckKeyName(name string) error {
	if name == "" {
		return errors.New("empty key name")
	}
	if strings.IndexFunc(name, func(r rune) bool { return unicode.IsSpace(r) || r == '+' }) >= 0 {
		return fmt.Errorf("key name %q contains a space or a plus sign", name)
	}
	return nil
}

// Marshal returns the note in the signed note format.
func (n *Note) Marshal() []byte {
	var b bytes.Buffer
	b.Write(n.Text)
	b.WriteByte('\n')
	for _, s := range n.Sigs {
		b.Write(MarshalSignature(s))
	}
	return b.Bytes()
}

// MarshalSignature returns a signature line: "— name base64(keyID||sig)\n".
func MarshalSignature(s Signature) []byte {
	raw := binary.BigEndian.AppendUint32(nil, s.KeyID)
	raw = append(raw, s.Sig...)
	return fmt.Appendf(nil, "— %s %s\n", s.Name, base64.StdEncoding.EncodeToString(raw))
}

// CheckText reports whether text may be the text of a note: non-empty, valid
// UTF-8 without control characters other than newline, ending in a newline.
func CheckText(text []byte) error {
	if len(text) == 0 || text[len(text)-1] != '\n' {
		return errors.New("note text must end with a newline")
	}
	if !utf8.Valid(text) {
		return errors.New("note text is not valid UTF-8")
	}
	for _, c := range text {
		if c < 0x20 && c != '\n' {
			return errors.New("note text contains a control character")
		}
	}
	return nil
}

// Sign signs text with each signer and returns the note. Signatures of an
// existing note may be passed in sigs; they are kept, in front.
func Sign(text []byte, sigs []Signature, signers ...note.Signer) (*Note, error) {
	if err := CheckText(text); err != nil {
		return nil, err
	}
	n := &Note{Text: text, Sigs: append([]Signature(nil), sigs...)}
	for _, s := range signers {
		for _, have := range n.Sigs {
			if have.Name == s.Name() && have.KeyID == s.KeyHash() {
				return nil, fmt.Errorf("note is already signed by %s", s.Name())
			}
		}
		sig, err := s.Sign(text)
		if err != nil {
			return nil, fmt.Errorf("couldn't sign as %s: %w", s.Name(), err)
		}
		n.Sigs = append(n.Sigs, Signature{Name: s.Name(), KeyID: s.KeyHash(), Sig: sig})
	}
	if len(n.Sigs) > MaxSignatures {
		return nil, fmt.Errorf("a note may carry at most %d signatures", MaxSignatures)
	}
	return n, nil
}

// Key is an Ed25519 verifier key, parsed from its vkey form.
type Key struct {
	Name   string
	ID     uint32
	Public ed25519.PublicKey
	vkey   string
}

// ParseKey parses a verifier key in the form name+hash+base64(0x01||key).
func ParseKey(vkey string) (*Key, error) {
	if _, err := note.NewVerifier(vkey); err != nil {
		return nil, fmt.Errorf("invalid verifier key: %w", err)
	}
	name, rest, _ := strings.Cut(vkey, "+")
	_, b64, _ := strings.Cut(rest, "+")
	raw, _ := base64.StdEncoding.DecodeString(b64) // checked by note.NewVerifier
	if len(raw) != 1+ed25519.PublicKeySize || raw[0] != 0x01 {
		return nil, errors.New("invalid verifier key: not an Ed25519 key")
	}
	if err := CheckKeyName(name); err != nil {
		return nil, fmt.Errorf("invalid verifier key: %w", err)
	}
	pub := ed25519.PublicKey(raw[1:])
	return &Key{Name: name, ID: KeyID(name, pub), Public: pub, vkey: vkey}, nil
}

// NewKey returns the verifier key of an Ed25519 public key with a name.
func NewKey(name string, pub ed25519.PublicKey) (*Key, error) {
	vkey, err := note.NewEd25519VerifierKey(name, pub)
	if err != nil {
		return nil, err
	}
	return ParseKey(vkey)
}

// String returns the key in vkey form.
func (k *Key) String() string { return k.vkey }

// Fingerprint is a short, stable identifier of the key for display: the
// first 16 hex digits of the SHA-256 of its vkey.
func (k *Key) Fingerprint() string {
	h := sha256.Sum256([]byte(k.vkey))
	return fmt.Sprintf("%x", h[:8])
}

// Matches reports whether the signature line names this key.
func (k *Key) Matches(s Signature) bool { return s.Name == k.Name && s.KeyID == k.ID }

// Verify checks an Ed25519 signature of text by the key.
func (k *Key) Verify(text []byte, s Signature) bool {
	return k.Matches(s) && len(s.Sig) == ed25519.SignatureSize && ed25519.Verify(k.Public, text, s.Sig)
}

// KeyID computes the key ID of an Ed25519 key as the specification
// recommends: the first four bytes of SHA-256(name || 0x0A || 0x01 || key).
func KeyID(name string, pub ed25519.PublicKey) uint32 {
	h := sha256.New()
	h.Write([]byte(name))
	h.Write([]byte{'\n', 0x01})
	h.Write(pub)
	return binary.BigEndian.Uint32(h.Sum(nil))
}

// GenerateKey makes a new Ed25519 key pair named name and returns the private
// key (in the PRIVATE+KEY+... form) and the verifier key.
func GenerateKey(name string) (skey, vkey string, err error) {
	if err := CheckKeyName(name); err != nil {
		return "", "", err
	}
	return note.GenerateKey(nil, name)
}

// NewSigner parses a private key in the PRIVATE+KEY+... form.
func NewSigner(skey string) (note.Signer, error) {
	s, err := note.NewSigner(strings.TrimSpace(skey))
	if err != nil {
		return nil, fmt.Errorf("invalid private key: %w", err)
	}
	return s, nil
}

// VerifierKey returns the vkey of a private key.
func VerifierKey(skey string) (string, error) {
	skey = strings.TrimSpace(skey)
	// PRIVATE+KEY+name+hash+base64(0x01||seed)
	parts := strings.SplitN(skey, "+", 5)
	if len(parts) != 5 || parts[0] != "PRIVATE" || parts[1] != "KEY" {
		return "", errors.New("invalid private key: not in the PRIVATE+KEY+name+hash+key form")
	}
	raw, err := base64.StdEncoding.DecodeString(parts[4])
	if err != nil || len(raw) != 1+ed25519.SeedSize || raw[0] != 0x01 {
		return "", errors.New("invalid private key: not an Ed25519 key")
	}
	pub := ed25519.NewKeyFromSeed(raw[1:]).Public().(ed25519.PublicKey)
	return note.NewEd25519VerifierKey(parts[2], pub)
}
