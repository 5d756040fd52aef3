package segment

import (
	"errors"
	"fmt"
	"io"

	"github.com/kongsi/kongsi/internal/trade/tradefile"
)

// ErrChecksum is returned by Build when the file is not the one expected.
var ErrChecksum = errors.New("the file's SHA-256 is not the one expected")

// Build reads a dataset file in a format and writes its segment at path. The
// file is read once, in constant memory; on any error (a malformed row, a
// failed write, a checksum other than want when want is not "") no segment
// is left at path.
func Build(path string, f *tradefile.Format, r io.Reader, want string) (*tradefile.Checked, error) {
	b, err := Create(path, f.Basis == tradefile.BasisReconciled)
	if err != nil {
		return nil, err
	}
	c, err := tradefile.Check(f, r, b.Add)
	if err != nil {
		b.Abort()
		return nil, err
	}
	if want != "" && c.SHA256 != want {
		b.Abort()
		return c, fmt.Errorf("%w: it is %s", ErrChecksum, c.SHA256)
	}
	if err := b.Finish(Info{Dataset: c.SHA256, Summary: c.Summary}); err != nil {
		return nil, err
	}
	return c, nil
}
