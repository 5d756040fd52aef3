// Package witness is a transparency log witness, as C2SP tlog-witness
// specifies: a log posts each new checkpoint it signs to add-checkpoint,
// with a consistency proof from the latest checkpoint the witness cosigned;
// the witness checks the log's signature and the proof, stores the new
// checkpoint durably and atomically, and answers with its cosignature (C2SP
// tlog-cosignature, cosignature/v1). A witness never cosigns two
// checkpoints of a log that are not consistent with each other, so a log
// cannot show different histories to different people without the
// witnesses noticing.
//
// A member state runs one with kongsi witness; any tlog-tiles log can use
// it, not only a Kongsi register.
package witness

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/kongsi/kongsi/internal/signednote"
	"github.com/kongsi/kongsi/internal/tlog"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"
)

// MaxRequestSize bounds an add-checkpoint request: 63 proof lines and a
// checkpoint with a few signatures fit many times over.
const MaxRequestSize = 16 << 10

// MaxProofLines is the most consistency proof lines a request may carry.
const MaxProofLines = 63

// Witness cosigns the checkpoints of the logs it witnesses.
type Witness struct {
	signer note.Signer
	key    *signednote.CosignatureKey
	store  Store
	logger *slog.Logger

	// testHookBeforeAdvance, if set, runs once a request has been checked
	// and before its checkpoint is stored: tests race requests with it.
	testHookBeforeAdvance func()
}

// New makes a witness that signs with the cosignature/v1 private key skey
// and keeps its state in store.
func New(skey string, store Store, logger *slog.Logger) (*Witness, error) {
	s, k, err := signednote.NewCosigner(skey)
	if err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.Default()
	}
	return &Witness{signer: s, key: k, store: store, logger: logger}, nil
}

// Key is the witness's verifier key.
func (w *Witness) Key() *signednote.CosignatureKey { return w.key }

// Request is a parsed add-checkpoint request.
type Request struct {
	OldSize uint64
	Proof   [][]byte
	// Checkpoint is the signed checkpoint, as sent.
	Checkpoint []byte
}

// errMalformed is wrapped by every error ParseRequest returns.
var errMalformed = errors.New("malformed add-checkpoint request")

// ParseRequest parses the body of an add-checkpoint request: an old size
// line, up to 63 consistency proof lines, an empty line, and the signed
// checkpoint. It checks the form only.
func ParseRequest(body []byte) (*Request, error) {
	head, cp, ok := bytes.Cut(body, []byte("\n\n"))
	if !ok {
		return nil, fmt.Errorf("%w: no empty line before the checkpoint", errMalformed)
	}
	lines := strings.Split(string(head), "\n")
	old, ok := strings.CutPrefix(lines[0], "old ")
	if !ok {
		return nil, fmt.Errorf("%w: the first line must be \"old\", a space and the old size", errMalformed)
	}
	n, err := strconv.ParseUint(old, 10, 64)
	if err != nil || strconv.FormatUint(n, 10) != old || n > math.MaxInt64 {
		return nil, fmt.Errorf("%w: the old size %q is not a decimal number without leading zeroes", errMalformed, old)
	}
	if len(lines)-1 > MaxProofLines {
		return nil, fmt.Errorf("%w: more than %d consistency proof lines", errMalformed, MaxProofLines)
	}
	r := &Request{OldSize: n, Checkpoint: cp}
	for i, l := range lines[1:] {
		h, err := base64.StdEncoding.Strict().DecodeString(l)
		if err != nil || len(h) != 32 {
			return nil, fmt.Errorf("%w: consistency proof line %d is not a base64 SHA-256 hash", errMalformed, i+1)
		}
		r.Proof = append(r.Proof, h)
	}
	if len(cp) == 0 {
		return nil, fmt.Errorf("%w: no checkpoint after the empty line", errMalformed)
	}
	return r, nil
}

// Marshal writes the request in the add-checkpoint format.
func (r *Request) Marshal() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "old %d\n", r.OldSize)
	for _, h := range r.Proof {
		b.WriteString(base64.StdEncoding.EncodeToString(h) + "\n")
	}
	b.WriteString("\n")
	b.Write(r.Checkpoint)
	return b.Bytes()
}

// AddCheckpoint handles an add-checkpoint request: it returns the body of
// the answer and its HTTP status, and an error describing a refusal, for
// the witness's own log. A 409 answer to a stale old size has the stored
// size as its body, to be sent with the Content-Type text/x.tlog.size.
func (w *Witness) AddCheckpoint(ctx context.Context, body []byte) (resp []byte, code int, err error) {
	req, err := ParseRequest(body)
	if err != nil {
		return []byte(err.Error() + "\n"), http.StatusBadRequest, err
	}
	// The origin line picks the log, and the log's keys.
	origin, _, _ := bytes.Cut(req.Checkpoint, []byte("\n"))
	st, err := w.store.Log(ctx, string(origin))
	if errors.Is(err, ErrUnknownLog) {
		return []byte("unknown log\n"), http.StatusNotFound, fmt.Errorf("%w: %q", err, origin)
	}
	if err != nil {
		return []byte("internal error\n"), http.StatusInternalServerError, err
	}
	var vs []note.Verifier
	for _, k := range st.Keys {
		v, err := note.NewVerifier(k)
		if err != nil {
			return []byte("internal error\n"), http.StatusInternalServerError, fmt.Errorf("the configured key %q of %q is invalid: %w", k, st.Origin, err)
		}
		vs = append(vs, v)
	}
	// Signatures by unknown keys are ignored; one by the log's key must
	// verify.
	n, err := note.Open(req.Checkpoint, note.VerifierList(vs...))
	var unverified *note.UnverifiedNoteError
	var invalid *note.InvalidSignatureError
	switch {
	case errors.As(err, &unverified), errors.As(err, &invalid):
		return []byte("invalid signature: no signature by the log's key verifies\n"), http.StatusForbidden, fmt.Errorf("no valid signature of %q: %w", st.Origin, err)
	case err != nil:
		return []byte("malformed checkpoint: not a signed note\n"), http.StatusBadRequest, fmt.Errorf("the checkpoint of %q is not a signed note: %w", st.Origin, err)
	}
	cp, err := tlog.ParseCheckpointText([]byte(n.Text))
	if err != nil {
		return []byte("malformed checkpoint: " + err.Error() + "\n"), http.StatusBadRequest, err
	}
	if cp.Size > math.MaxInt64 {
		return []byte("malformed checkpoint: the tree size is too large\n"), http.StatusBadRequest, errors.New("tree size over 2^63-1")
	}
	if req.OldSize > cp.Size {
		return []byte("the old size is larger than the checkpoint's size\n"), http.StatusBadRequest, fmt.Errorf("old size %d > checkpoint size %d", req.OldSize, cp.Size)
	}
	if req.OldSize != st.Size {
		return sizeBody(st.Size), http.StatusConflict, &ConflictError{Size: st.Size}
	}
	if req.OldSize == cp.Size {
		if len(req.Proof) != 0 {
			return []byte("the consistency proof between equal sizes is empty\n"), http.StatusUnprocessableEntity, errors.New("non-empty proof between equal sizes")
		}
		if !bytes.Equal(cp.Hash, st.Hash) {
			// Two different trees of the same size, both signed by the
			// log: a fork. Keep the request as evidence.
			w.record(ctx, st.Origin, "fork: a different root hash for a size already cosigned", body)
			return []byte("conflicting checkpoint: a different root hash for the size already cosigned\n"), http.StatusConflict,
				fmt.Errorf("%q signed two different trees of size %d", st.Origin, cp.Size)
		}
	} else if req.OldSize == 0 {
		// Nothing cosigned yet: any first checkpoint is consistent.
		if len(req.Proof) != 0 {
			return []byte("the consistency proof from size 0 is empty\n"), http.StatusUnprocessableEntity, errors.New("non-empty proof from size 0")
		}
	} else if err := proof.VerifyConsistency(rfc6962.DefaultHasher, req.OldSize, cp.Size, req.Proof, st.Hash, cp.Hash); err != nil {
		w.record(ctx, st.Origin, "the consistency proof does not verify", body)
		return []byte("bad consistency proof\n"), http.StatusUnprocessableEntity,
			fmt.Errorf("%q: the tree of size %d does not extend the cosigned tree of size %d: %w", st.Origin, cp.Size, req.OldSize, err)
	}
	if w.testHookBeforeAdvance != nil {
		w.testHookBeforeAdvance()
	}
	// Store the new checkpoint before cosigning it, comparing and swapping
	// the state checked above: a request that raced another one fails here
	// instead of rolling the state back.
	if err := w.store.Advance(ctx, st.Origin, st.Size, st.Hash, cp.Size, cp.Hash); err != nil {
		var ce *ConflictError
		if errors.As(err, &ce) {
			return sizeBody(ce.Size), http.StatusConflict, err
		}
		return []byte("internal error\n"), http.StatusInternalServerError, err
	}
	// A crash from here on leaves a state the log learns from a 409 answer
	// to its retry; the cosignature is then made for the same checkpoint.
	sig, err := w.signer.Sign([]byte(n.Text))
	if err != nil {
		return []byte("internal error\n"), http.StatusInternalServerError, fmt.Errorf("couldn't cosign: %w", err)
	}
	return signednote.MarshalSignature(signednote.Signature{Name: w.signer.Name(), KeyID: w.signer.KeyHash(), Sig: sig}), http.StatusOK, nil
}

func sizeBody(size uint64) []byte { return []byte(strconv.FormatUint(size, 10) + "\n") }

// record keeps a refused request as evidence; failing to is logged only.
func (w *Witness) record(ctx context.Context, origin, reason string, body []byte) {
	if err := w.store.Record(ctx, origin, reason, body); err != nil {
		w.logger.Error("couldn't keep evidence of a refused checkpoint", "origin", origin, "error", err)
	}
	w.logger.Warn("refused a checkpoint the log signed: possible misbehaviour", "origin", origin, "reason", reason)
}
