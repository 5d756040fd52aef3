package segment

import (
	"io"

	"github.com/kongsi/kongsi/internal/trade/tradefile"
)

// Build reads a dataset file in a format and writes its segment at path. The
// file is read once, in constant memory; on any error (a malformed row, a
// failed write) no segment is left at path.
func Build(path string, f *tradefile.Format, r io.Reader) (*tradefile.Checked, error) {
	b, err := Create(path, f.Basis == tradefile.BasisReconciled)
	if err != nil {
		return nil, err
	}
	c, err := tradefile.Check(f, r, b.Add)
	if err != nil {
		b.Abort()
		return nil, err
	}
	if err := b.Finish(Info{Dataset: c.SHA256, Summary: c.Summary}); err != nil {
		return nil, err
	}
	return c, nil
}
