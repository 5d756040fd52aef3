// Package canonjson encodes and checks JSON in the canonical form of RFC 8785
// (the JSON Canonicalization Scheme): object members sorted by the UTF-16 code
// units of their names, no insignificant white space, strings escaped only
// where JSON requires it, and numbers written as ECMAScript writes an IEEE 754
// double.
//
// Kongsi signs the canonical form of every record, so that a record has exactly
// one byte representation and its hash identifies it.
package canonjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// ErrNotCanonical is returned by Check when the input is valid JSON but not in
// canonical form.
var ErrNotCanonical = errors.New("JSON is not in canonical form (RFC 8785)")

// MaxDepth bounds the nesting of arrays and objects, so that hostile input
// cannot exhaust the stack.
const MaxDepth = 64

// Decode parses one JSON value, with numbers kept as json.Number, and refuses
// trailing data. The result is made of map[string]any, []any, string,
// json.Number, bool and nil.
func Decode(data []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, fmt.Errorf("couldn't parse JSON: %w", err)
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, errors.New("couldn't parse JSON: data after the value")
	}
	return v, nil
}

// Check parses data and reports whether it is exactly the canonical form of
// the value it encodes. It returns the decoded value (as Decode does) so that
// callers need not parse twice.
func Check(data []byte) (any, error) {
	if v, ok := decodeCanonical(data); ok {
		return v, nil
	}
	// Say what is wrong: not JSON at all, or where it departs from the
	// canonical form.
	v, err := Decode(data)
	if err != nil {
		return nil, err
	}
	c, err := Append(make([]byte, 0, len(data)), v)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(c, data) {
		return nil, fmt.Errorf("%w: differs from the canonical encoding at byte %d", ErrNotCanonical, firstDiff(c, data))
	}
	return v, nil
}

// CheckMembers is Check, which also returns, when the value is an object,
// the text of each of its members' values: slices of data, in canonical
// form.
func CheckMembers(data []byte) (any, map[string][]byte, error) {
	d := strictDecoder{data: data, members: map[string][]byte{}}
	if v, ok := d.value(0); ok && d.pos == len(data) {
		return v, d.members, nil
	}
	_, err := Check(data)
	if err == nil {
		err = errors.New("logic error: the one-pass decoder refused canonical JSON")
	}
	return nil, nil, err
}

// Transform returns the canonical form of any JSON text.
func Transform(data []byte) ([]byte, error) {
	v, err := Decode(data)
	if err != nil {
		return nil, err
	}
	return Append(nil, v)
}

// Marshal encodes a Go value with encoding/json and returns its canonical form.
func Marshal(v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("couldn't encode JSON: %w", err)
	}
	return Transform(raw)
}

// Append appends the canonical encoding of v, a value as produced by Decode,
// to buf. float64 and int values are accepted too.
func Append(buf []byte, v any) ([]byte, error) {
	return appendValue(buf, v, 0)
}

func appendValue(buf []byte, v any, depth int) ([]byte, error) {
	if depth > MaxDepth {
		return nil, fmt.Errorf("JSON nested deeper than %d levels", MaxDepth)
	}
	switch v := v.(type) {
	case nil:
		return append(buf, "null"...), nil
	case bool:
		return strconv.AppendBool(buf, v), nil
	case string:
		return appendString(buf, v), nil
	case json.Number:
		f, err := strconv.ParseFloat(string(v), 64)
		if err != nil {
			return nil, fmt.Errorf("number %s is out of the range of IEEE 754 doubles", v)
		}
		return appendFloat(buf, f), nil
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, errors.New("JSON cannot represent NaN or infinity")
		}
		return appendFloat(buf, v), nil
	case int:
		return appendFloat(buf, float64(v)), nil
	case []any:
		buf = append(buf, '[')
		for i, e := range v {
			if i > 0 {
				buf = append(buf, ',')
			}
			var err error
			if buf, err = appendValue(buf, e, depth+1); err != nil {
				return nil, err
			}
		}
		return append(buf, ']'), nil
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, compareUTF16)
		buf = append(buf, '{')
		for i, k := range keys {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = appendString(buf, k)
			buf = append(buf, ':')
			var err error
			if buf, err = appendValue(buf, v[k], depth+1); err != nil {
				return nil, err
			}
		}
		return append(buf, '}'), nil
	default:
		return nil, fmt.Errorf("cannot encode %T as canonical JSON", v)
	}
}

// appendFloat writes f as ECMAScript's Number.prototype.toString does, which is
// what RFC 8785 requires. encoding/json uses the same rules.
func appendFloat(buf []byte, f float64) []byte {
	if f == 0 {
		return append(buf, '0') // also for -0
	}
	format := byte('f')
	if abs := math.Abs(f); abs < 1e-6 || abs >= 1e21 {
		format = 'e'
	}
	buf = strconv.AppendFloat(buf, f, format, -1, 64)
	if format == 'e' {
		// ECMAScript writes 1e-7, not 1e-07.
		n := len(buf)
		if n >= 4 && buf[n-4] == 'e' && buf[n-3] == '-' && buf[n-2] == '0' {
			buf[n-2] = buf[n-1]
			buf = buf[:n-1]
		}
	}
	return buf
}

const hexDigits = "0123456789abcdef"

// appendString escapes as ECMAScript's JSON.stringify does: only the quote,
// the backslash and control characters are escaped.
func appendString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			if c < utf8.RuneSelf {
				buf = append(buf, c)
				i++
				continue
			}
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				r = utf8.RuneError // invalid UTF-8 is written as U+FFFD
			}
			buf = utf8.AppendRune(buf, r)
			i += size
			continue
		}
		switch c {
		case '"':
			buf = append(buf, '\\', '"')
		case '\\':
			buf = append(buf, '\\', '\\')
		case '\b':
			buf = append(buf, '\\', 'b')
		case '\f':
			buf = append(buf, '\\', 'f')
		case '\n':
			buf = append(buf, '\\', 'n')
		case '\r':
			buf = append(buf, '\\', 'r')
		case '\t':
			buf = append(buf, '\\', 't')
		default:
			buf = append(buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		i++
	}
	return append(buf, '"')
}

// compareUTF16 orders strings by their UTF-16 code units, as RFC 8785 sorts
// object member names.
func compareUTF16(a, b string) int {
	for a != "" && b != "" {
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		if ra != rb {
			ua, ub := utf16Units(ra), utf16Units(rb)
			if ua[0] != ub[0] {
				return int(ua[0]) - int(ub[0])
			}
			return int(ua[1]) - int(ub[1])
		}
		a, b = a[na:], b[nb:]
	}
	return len(a) - len(b)
}

func utf16Units(r rune) [2]uint16 {
	if r >= 0x10000 {
		h, l := utf16.EncodeRune(r)
		return [2]uint16{uint16(h), uint16(l)}
	}
	return [2]uint16{uint16(r), 0}
}

func firstDiff(a, b []byte) int {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}
