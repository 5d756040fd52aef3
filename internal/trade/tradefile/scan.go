package tradefile

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// scanner splits CSV text (RFC 4180: quoted fields may hold commas, doubled
// quotes and line breaks) into records, without allocating per record: the
// fields it returns point into its buffers and are valid until the next
// call. Records without quotes, the common case, are split in place.
type scanner struct {
	r      *bufio.Reader
	line   int // line on which the current record starts (1-based)
	next   int // line on which the next record starts
	fields [][]byte
	ends   []int // field ends in buf, for quoted records
	buf    []byte
	long   []byte // a line longer than the reader's buffer
	first  bool
}

const readBuffer = 1 << 20

func newScanner(r io.Reader) *scanner {
	return &scanner{r: bufio.NewReaderSize(r, readBuffer), next: 1, first: true}
}

// errQuote is a malformed quoted field; the column is in Error.
type scanError struct {
	col  int // 1-based field
	rule string
	msg  string
}

func (e *scanError) Error() string { return e.msg }

// readLine returns the next line without its line break, or io.EOF.
func (s *scanner) readLine() ([]byte, error) {
	line, err := s.r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		s.long = append(s.long[:0], line...)
		for errors.Is(err, bufio.ErrBufferFull) {
			line, err = s.r.ReadSlice('\n')
			s.long = append(s.long, line...)
			if len(s.long) > maxLine {
				return nil, &scanError{rule: "csv.line-length", msg: "the line is longer than 16 MiB"}
			}
		}
		line = s.long
	}
	if err != nil && !(err == io.EOF && len(line) > 0) {
		return nil, err
	}
	s.next++
	line = bytes.TrimSuffix(line, []byte{'\n'})
	line = bytes.TrimSuffix(line, []byte{'\r'})
	if s.first {
		s.first = false
		line = bytes.TrimPrefix(line, []byte("\ufeff"))
	}
	return line, nil
}

const maxLine = 16 << 20

// Scan reads the next record, skipping blank lines. It returns io.EOF at the
// end of the input.
func (s *scanner) Scan() error {
	for {
		s.line = s.next
		line, err := s.readLine()
		if err != nil {
			return err
		}
		if len(line) == 0 {
			continue
		}
		s.fields = s.fields[:0]
		if bytes.IndexByte(line, '"') < 0 {
			for {
				i := bytes.IndexByte(line, ',')
				if i < 0 {
					s.fields = append(s.fields, line)
					return nil
				}
				s.fields = append(s.fields, line[:i])
				line = line[i+1:]
			}
		}
		return s.quoted(line)
	}
}

// quoted splits a record that has quotes, reading more lines while a quoted
// field is open.
func (s *scanner) quoted(line []byte) error {
	s.buf = s.buf[:0]
	s.ends = s.ends[:0]
	col := 1
	for {
		if len(line) > 0 && line[0] == '"' {
			line = line[1:]
			for {
				i := bytes.IndexByte(line, '"')
				if i < 0 {
					// The field goes on to the next line.
					s.buf = append(s.buf, line...)
					s.buf = append(s.buf, '\n')
					if len(s.buf) > maxLine {
						return &scanError{col: col, rule: "csv.quote", msg: "a quoted field is not closed"}
					}
					var err error
					if line, err = s.readLine(); err != nil {
						if err == io.EOF {
							return &scanError{col: col, rule: "csv.quote", msg: "a quoted field is not closed before the end of the file"}
						}
						return err
					}
					continue
				}
				s.buf = append(s.buf, line[:i]...)
				line = line[i+1:]
				if len(line) > 0 && line[0] == '"' {
					s.buf = append(s.buf, '"')
					line = line[1:]
					continue
				}
				break
			}
			if len(line) > 0 && line[0] != ',' {
				return &scanError{col: col, rule: "csv.quote", msg: "a quoted field is followed by text other than a comma"}
			}
		} else {
			i := bytes.IndexByte(line, ',')
			field := line
			if i >= 0 {
				field = line[:i]
			}
			if bytes.IndexByte(field, '"') >= 0 {
				return &scanError{col: col, rule: "csv.quote", msg: "a quote inside an unquoted field"}
			}
			s.buf = append(s.buf, field...)
			line = line[len(field):]
		}
		s.ends = append(s.ends, len(s.buf))
		if len(line) == 0 {
			break
		}
		line = line[1:] // the comma
		col++
		if len(line) == 0 {
			s.ends = append(s.ends, len(s.buf))
			break
		}
	}
	start := 0
	for _, end := range s.ends {
		s.fields = append(s.fields, s.buf[start:end])
		start = end
	}
	return nil
}
