package trade

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/kongsi/kongsi/internal/browse"
	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/signednote"
	"github.com/kongsi/kongsi/internal/trade/tradefile"
	"github.com/kongsi/kongsi/internal/web"
	"golang.org/x/mod/sumdb/note"
)

// UploadHeader carries an upload's authorisation: a signed note, in
// base64, by a party holding the statistics role, whose text names the
// register, the format, the file's SHA-256 and its size:
//
//	kongsi trade dataset upload
//	<origin>
//	<format>
//	<sha256>
//	<size>
//
// Replaying it can only upload the same file again.
const UploadHeader = "Kongsi-Signature"

const uploadTitle = "kongsi trade dataset upload"

// UploadAuthorization signs an upload of a file.
func UploadAuthorization(s note.Signer, origin, format, sha string, size int64) (string, error) {
	text := fmt.Sprintf("%s\n%s\n%s\n%s\n%d\n", uploadTitle, origin, format, sha, size)
	n, err := signednote.Sign([]byte(text), nil, s)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(n.Marshal()), nil
}

// uploadClaim is what an upload's signature says.
type uploadClaim struct {
	party, format, sha string
	size               int64
}

// checkUploadAuthorization verifies an upload's signature against the
// register's parties and returns what it claims.
func checkUploadAuthorization(ctx context.Context, h *handlers, header string) (*uploadClaim, error) {
	if header == "" {
		return nil, problem.Forbidden(UploadHeader, "trade.upload.unsigned", "an upload carries the %s header: a note signed by a party with the %q role naming the register, the format, the file's SHA-256 and its size", UploadHeader, RoleStatistics)
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(header))
	if err != nil {
		return nil, problem.Invalid(UploadHeader, "trade.upload.signature", "the %s header is not base64", UploadHeader)
	}
	n, err := signednote.Parse(raw)
	if err != nil || len(n.Sigs) == 0 {
		return nil, problem.Invalid(UploadHeader, "trade.upload.signature", "the %s header does not hold a signed note", UploadHeader)
	}
	lines := strings.Split(strings.TrimSuffix(string(n.Text), "\n"), "\n")
	if len(lines) != 5 || lines[0] != uploadTitle {
		return nil, problem.Invalid(UploadHeader, "trade.upload.signature", "the signed note is not an upload authorisation")
	}
	if lines[1] != h.site.Node.Origin {
		return nil, problem.Forbidden(UploadHeader, "trade.upload.register", "the upload is signed for the register %q, not this one (%q)", lines[1], h.site.Node.Origin)
	}
	size, err := strconv.ParseInt(lines[4], 10, 64)
	if err != nil || size < 1 || !shaPattern.MatchString(lines[3]) {
		return nil, problem.Invalid(UploadHeader, "trade.upload.signature", "the signed note does not name a checksum and a size")
	}
	sig := n.Sigs[0]
	party, err := browse.GetParty(ctx, h.site.Node.Store, sig.Name)
	if errors.Is(err, problem.ErrNotFound) {
		return nil, problem.Forbidden(UploadHeader, "trade.upload.party", "%q is not a party of this register", sig.Name)
	}
	if err != nil {
		return nil, err
	}
	if party.Key == nil {
		return nil, problem.Forbidden(UploadHeader, "trade.upload.party", "%q has no current key", sig.Name)
	}
	key, err := signednote.ParseKey(party.Key.VKey)
	if err != nil {
		return nil, err
	}
	if !key.Matches(sig) || !key.Verify(n.Text, sig) {
		return nil, problem.Forbidden(UploadHeader, "trade.upload.signature", "the signature is not by %q's current key", sig.Name)
	}
	hasRole := false
	for _, r := range party.Roles {
		hasRole = hasRole || r == RoleStatistics
	}
	if !hasRole {
		return nil, problem.Forbidden(UploadHeader, "trade.upload.role", "%q does not hold the %q role", sig.Name, RoleStatistics)
	}
	return &uploadClaim{party: sig.Name, format: lines[2], sha: lines[3], size: size}, nil
}

// UploadResult is the answer to an upload.
type UploadResult struct {
	SHA256   string            `json:"sha256"`
	Size     int64             `json:"size"`
	Format   string            `json:"format"`
	Stored   bool              `json:"stored"`
	Summary  tradefile.Summary `json:"summary"`
	URL      string            `json:"url"`
	Uploader string            `json:"uploader"`
}

// apiUpload takes a dataset file: it checks the uploader's signature, reads
// the file (every row must be valid), checks that it is the file signed
// for, and keeps it under its SHA-256. A release can then name it.
func (h *handlers) apiUpload(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	format := r.URL.Query().Get("format")
	f, ok := tradefile.FormatByName(format)
	if !ok {
		return problem.Invalid("format", "param.enum", "format is one of %s", strings.Join(tradefile.FormatNames(), ", "))
	}
	claim, err := checkUploadAuthorization(ctx, h, r.Header.Get(UploadHeader))
	if err != nil {
		return err
	}
	if claim.format != format {
		return problem.Invalid("format", "trade.upload.format", "the upload is signed for the format %q, not %q", claim.format, format)
	}
	if claim.size > MaxDatasetSize {
		return problem.TooLarge("body", "trade.upload.size", "a dataset is at most %d bytes", int64(MaxDatasetSize))
	}
	if r.ContentLength >= 0 && r.ContentLength != claim.size {
		return problem.Invalid("body", "trade.upload.size", "the body has %d bytes; the upload is signed for %d", r.ContentLength, claim.size)
	}
	// A large file takes longer than the server's usual deadlines.
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Now().Add(30 * time.Minute))
	rc.SetWriteDeadline(time.Now().Add(35 * time.Minute))
	c, err := StoreDataset(h.site.Node.Dir, f, r.Body, claim.size, claim.sha)
	var mbe *http.MaxBytesError
	var fe *tradefile.Error
	switch {
	case errors.As(err, &mbe), errors.Is(err, ErrTooLarge):
		return problem.TooLarge("body", "trade.upload.size", "the body is longer than the upload is signed for")
	case errors.Is(err, ErrOtherFile):
		return problem.Invalid("body", "trade.upload.checksum", "%v", err)
	case errors.As(err, &fe):
		return problem.Invalid("file", "trade.file."+fe.Rule, "%s", fe.Error())
	case err != nil:
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, UploadResult{SHA256: c.SHA256, Size: c.Size, Format: format, Stored: true, Summary: c.Summary,
		URL: "/trade/datasets/" + c.SHA256, Uploader: claim.party})
}
