package canonjson

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// decodeCanonical decodes data in one pass, accepting only the canonical
// form: it returns ok = false at the first byte that is not canonical JSON
// (or not JSON at all), and Check then finds out which of the two it is the
// slow way, so that its errors are the same whichever path ran. For the
// canonical texts that records are, this is several times faster than
// decoding and encoding again.
func decodeCanonical(data []byte) (v any, ok bool) {
	d := strictDecoder{data: data}
	v, ok = d.value(0)
	return v, ok && d.pos == len(data)
}

type strictDecoder struct {
	data []byte
	pos  int
	// members, if not nil, receives the text of each member of the
	// top-level object.
	members map[string][]byte
}

func (d *strictDecoder) value(depth int) (any, bool) {
	if depth > MaxDepth || d.pos >= len(d.data) {
		return nil, false
	}
	switch c := d.data[d.pos]; {
	case c == '{':
		return d.object(depth)
	case c == '[':
		return d.array(depth)
	case c == '"':
		return d.string()
	case c == '-' || c >= '0' && c <= '9':
		return d.number()
	case c == 't':
		return true, d.literal("true")
	case c == 'f':
		return false, d.literal("false")
	case c == 'n':
		return nil, d.literal("null")
	}
	return nil, false
}

func (d *strictDecoder) literal(s string) bool {
	if len(d.data)-d.pos < len(s) || string(d.data[d.pos:d.pos+len(s)]) != s {
		return false
	}
	d.pos += len(s)
	return true
}

func (d *strictDecoder) object(depth int) (any, bool) {
	d.pos++ // {
	m := map[string]any{}
	if d.pos < len(d.data) && d.data[d.pos] == '}' {
		d.pos++
		return m, true
	}
	prev, first := "", true
	for {
		if d.pos >= len(d.data) || d.data[d.pos] != '"' {
			return nil, false
		}
		k, ok := d.string()
		// Members are sorted by their names' UTF-16 code units, each name
		// once.
		if !ok || !first && compareUTF16(prev, k.(string)) >= 0 {
			return nil, false
		}
		prev, first = k.(string), false
		if d.pos >= len(d.data) || d.data[d.pos] != ':' {
			return nil, false
		}
		d.pos++
		start := d.pos
		v, ok := d.value(depth + 1)
		if !ok {
			return nil, false
		}
		m[prev] = v
		if depth == 0 && d.members != nil {
			d.members[prev] = d.data[start:d.pos:d.pos]
		}
		if d.pos >= len(d.data) {
			return nil, false
		}
		switch d.data[d.pos] {
		case ',':
			d.pos++
		case '}':
			d.pos++
			return m, true
		default:
			return nil, false
		}
	}
}

func (d *strictDecoder) array(depth int) (any, bool) {
	d.pos++ // [
	a := []any{}
	if d.pos < len(d.data) && d.data[d.pos] == ']' {
		d.pos++
		return a, true
	}
	for {
		v, ok := d.value(depth + 1)
		if !ok {
			return nil, false
		}
		a = append(a, v)
		if d.pos >= len(d.data) {
			return nil, false
		}
		switch d.data[d.pos] {
		case ',':
			d.pos++
		case ']':
			d.pos++
			return a, true
		default:
			return nil, false
		}
	}
}

// string decodes a string written as appendString writes it: valid UTF-8,
// with only the quote, the backslash and control characters escaped, each
// in its shortest form.
func (d *strictDecoder) string() (any, bool) {
	d.pos++ // "
	start := d.pos
	escaped := false
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		switch {
		case c == '"':
			s := d.data[start:d.pos]
			d.pos++
			if !escaped {
				return string(s), true
			}
			return unescape(s), true
		case c == '\\':
			if d.pos+1 >= len(d.data) {
				return nil, false
			}
			switch d.data[d.pos+1] {
			case '"', '\\', 'b', 'f', 'n', 'r', 't':
				d.pos += 2
			case 'u':
				// Only the control characters without a short form.
				if d.pos+6 > len(d.data) || d.data[d.pos+2] != '0' || d.data[d.pos+3] != '0' {
					return nil, false
				}
				h, l := d.data[d.pos+4], d.data[d.pos+5]
				if h != '0' && h != '1' || !(l >= '0' && l <= '9' || l >= 'a' && l <= 'f') {
					return nil, false
				}
				switch (h-'0')<<4 | hexValue(l) {
				case '\b', '\f', '\n', '\r', '\t':
					return nil, false
				}
				d.pos += 6
			default:
				return nil, false
			}
			escaped = true
		case c < 0x20:
			return nil, false
		case c < utf8.RuneSelf:
			d.pos++
		default:
			r, size := utf8.DecodeRune(d.data[d.pos:])
			if r == utf8.RuneError && size == 1 {
				return nil, false
			}
			d.pos += size
		}
	}
	return nil, false
}

func hexValue(c byte) byte {
	if c <= '9' {
		return c - '0'
	}
	return c - 'a' + 10
}

// unescape decodes the escapes string has checked.
func unescape(s []byte) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			out = append(out, s[i])
			continue
		}
		i++
		switch s[i] {
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			out = append(out, (s[i+3]-'0')<<4|hexValue(s[i+4]))
			i += 4
		default: // " and \
			out = append(out, s[i])
		}
	}
	return string(out)
}

// number takes a JSON number and accepts it if it is written as
// appendFloat writes the double it denotes.
func (d *strictDecoder) number() (any, bool) {
	start := d.pos
	if d.data[d.pos] == '-' {
		d.pos++
	}
	digits := func() int {
		n := 0
		for d.pos < len(d.data) && d.data[d.pos] >= '0' && d.data[d.pos] <= '9' {
			d.pos++
			n++
		}
		return n
	}
	if digits() == 0 {
		return nil, false
	}
	if d.pos < len(d.data) && d.data[d.pos] == '.' {
		d.pos++
		if digits() == 0 {
			return nil, false
		}
	}
	if d.pos < len(d.data) && (d.data[d.pos] == 'e' || d.data[d.pos] == 'E') {
		d.pos++
		if d.pos < len(d.data) && (d.data[d.pos] == '+' || d.data[d.pos] == '-') {
			d.pos++
		}
		if digits() == 0 {
			return nil, false
		}
	}
	tok := d.data[start:d.pos]
	// Small integers, the common case, are canonical when they have no
	// leading zero and are not -0.
	if len(tok) <= 15 && tok[0] != '-' && (tok[0] != '0' || len(tok) == 1) && allDigits(tok) {
		return json.Number(tok), true
	}
	f, err := strconv.ParseFloat(string(tok), 64)
	if err != nil {
		return nil, false
	}
	var buf [32]byte
	if string(appendFloat(buf[:0], f)) != string(tok) {
		return nil, false
	}
	return json.Number(tok), true
}

func allDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
