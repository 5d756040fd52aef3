package tlog

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"github.com/transparency-dev/tessera/client"
	"golang.org/x/mod/sumdb/note"
)

// ProofHeader is the first line of a C2SP tlog-proof.
const ProofHeader = "c2sp.org/tlog-proof@v1"

// Proof is an offline-verifiable proof, in the C2SP tlog-proof format, that
// an entry is in a log: its index, the Merkle inclusion proof, and the
// checkpoint (with any cosignatures) the proof leads to.
type Proof struct {
	// Extra is opaque data carried along, not authenticated by the proof.
	// Kongsi puts the entry itself here, so that a proof file is all one
	// needs to check a record; the verifier hashes it and checks that hash's
	// inclusion, so nothing is taken on trust.
	Extra      []byte
	Index      uint64
	Path       [][]byte
	Checkpoint []byte
}

// Marshal writes the proof in the tlog-proof format.
func (p *Proof) Marshal() []byte {
	var b bytes.Buffer
	b.WriteString(ProofHeader + "\n")
	if p.Extra != nil {
		fmt.Fprintf(&b, "extra %s\n", base64.StdEncoding.EncodeToString(p.Extra))
	}
	fmt.Fprintf(&b, "index %d\n", p.Index)
	for _, h := range p.Path {
		b.WriteString(base64.StdEncoding.EncodeToString(h) + "\n")
	}
	b.WriteString("\n")
	b.Write(p.Checkpoint)
	return b.Bytes()
}

// ParseProof parses a proof in the tlog-proof format. It checks the form only.
func ParseProof(b []byte) (*Proof, error) {
	head, cp, ok := bytes.Cut(b, []byte("\n\n"))
	if !ok {
		return nil, errors.New("invalid tlog-proof: no blank line before the checkpoint")
	}
	lines := strings.Split(string(head), "\n")
	if lines[0] != ProofHeader {
		return nil, fmt.Errorf("invalid tlog-proof: the first line must be %q", ProofHeader)
	}
	lines = lines[1:]
	p := &Proof{Checkpoint: cp}
	if len(lines) > 0 && strings.HasPrefix(lines[0], "extra ") {
		extra, err := base64.StdEncoding.Strict().DecodeString(strings.TrimPrefix(lines[0], "extra "))
		if err != nil {
			return nil, errors.New("invalid tlog-proof: the extra line is not base64")
		}
		p.Extra, lines = extra, lines[1:]
	}
	if len(lines) == 0 || !strings.HasPrefix(lines[0], "index ") {
		return nil, errors.New("invalid tlog-proof: no index line")
	}
	idx := strings.TrimPrefix(lines[0], "index ")
	n, err := strconv.ParseUint(idx, 10, 64)
	if err != nil || strconv.FormatUint(n, 10) != idx {
		return nil, fmt.Errorf("invalid tlog-proof: index %q is not a decimal number without leading zeroes", idx)
	}
	p.Index = n
	if len(lines) > 64+1 {
		return nil, errors.New("invalid tlog-proof: more than 64 hashes")
	}
	for i, l := range lines[1:] {
		h, err := base64.StdEncoding.Strict().DecodeString(l)
		if err != nil || len(h) != 32 {
			return nil, fmt.Errorf("invalid tlog-proof: hash line %d is not a base64 SHA-256 hash", i+1)
		}
		p.Path = append(p.Path, h)
	}
	return p, nil
}

// BuildProof proves the inclusion of the entry at index in the tree of cp,
// reading tiles from src.
func BuildProof(ctx context.Context, src Source, cp *Checkpoint, index uint64, extra []byte) (*Proof, error) {
	if index >= cp.Size {
		return nil, fmt.Errorf("entry %d is not covered by the checkpoint of size %d yet", index, cp.Size)
	}
	pb, err := client.NewProofBuilder(ctx, cp.Size, src.ReadTile)
	if err != nil {
		return nil, fmt.Errorf("couldn't read the tiles of the tree of size %d: %w", cp.Size, err)
	}
	path, err := pb.InclusionProof(ctx, index)
	if err != nil {
		return nil, fmt.Errorf("couldn't build the inclusion proof of entry %d: %w", index, err)
	}
	return &Proof{Extra: extra, Index: index, Path: path, Checkpoint: cp.Raw}, nil
}

// Verify checks the proof for entry: that the checkpoint is signed by the
// log's key, and that the entry is at the proof's index in its tree.
func (p *Proof) Verify(entry []byte, v note.Verifier) (*Checkpoint, error) {
	cp, err := ParseCheckpoint(p.Checkpoint, v)
	if err != nil {
		return nil, err
	}
	leaf := rfc6962.DefaultHasher.HashLeaf(entry)
	if err := proof.VerifyInclusion(rfc6962.DefaultHasher, p.Index, cp.Size, leaf, p.Path, cp.Hash); err != nil {
		return nil, fmt.Errorf("the entry is not at index %d of the tree of size %d: %w", p.Index, cp.Size, err)
	}
	return cp, nil
}

// CheckConsistency checks, reading tiles from src, that the tree of newer
// extends the tree of older: that the log did not rewrite or fork its past.
func CheckConsistency(ctx context.Context, src Source, older, newer *Checkpoint) error {
	switch {
	case newer.Size < older.Size:
		return fmt.Errorf("the log shrank from %d to %d entries: it was rolled back", older.Size, newer.Size)
	case newer.Size == older.Size:
		if !bytes.Equal(newer.Hash, older.Hash) {
			return fmt.Errorf("two different trees of size %d: the log forked", newer.Size)
		}
		return nil
	}
	pb, err := client.NewProofBuilder(ctx, newer.Size, src.ReadTile)
	if err != nil {
		return fmt.Errorf("couldn't read the tiles of the tree of size %d: %w", newer.Size, err)
	}
	cproof, err := pb.ConsistencyProof(ctx, older.Size, newer.Size)
	if err != nil {
		return fmt.Errorf("couldn't build a consistency proof from %d to %d: %w", older.Size, newer.Size, err)
	}
	if err := proof.VerifyConsistency(rfc6962.DefaultHasher, older.Size, newer.Size, cproof, older.Hash, newer.Hash); err != nil {
		return fmt.Errorf("the tree of size %d does not extend the tree of size %d seen before: the log forked or rewrote its past: %w", newer.Size, older.Size, err)
	}
	return nil
}

// LeafHash is the RFC 6962 leaf hash of an entry.
func LeafHash(entry []byte) []byte { return rfc6962.DefaultHasher.HashLeaf(entry) }
