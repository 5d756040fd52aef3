package record

import "time"

// The forms of the envelope's names, checked byte by byte: they are
// checked for every record read, and a regular expression costs several
// times as much. names_test.go holds the same forms as regular
// expressions and checks that both agree.

func lower(c byte) bool { return c >= 'a' && c <= 'z' }
func digit(c byte) bool { return c >= '0' && c <= '9' }

// segments reports whether s is one or more segments separated by sep,
// each starting with a byte first accepts and going on with bytes rest
// accepts.
func segments(s string, sep byte, first, rest func(byte) bool) bool {
	start := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case start:
			if !first(c) {
				return false
			}
			start = false
		case c == sep:
			start = true
		case !rest(c):
			return false
		}
	}
	return !start
}

// validKind: lower-case words of letters, digits and '-', each starting
// with a letter, separated by dots ("project.status").
func validKind(s string) bool {
	return segments(s, '.', lower, func(c byte) bool { return lower(c) || digit(c) || c == '-' })
}

// validSubject: path segments of lower-case letters, digits, '.', '_' and
// '-', each starting with a letter or digit, separated by '/'.
func validSubject(s string) bool {
	return segments(s, '/', func(c byte) bool { return lower(c) || digit(c) },
		func(c byte) bool { return lower(c) || digit(c) || c == '.' || c == '_' || c == '-' })
}

// validParty: three letters, then optionally a dot and a name of
// lower-case letters, digits and '-' that starts with a letter or digit.
func validParty(s string) bool {
	if len(s) < 3 || !lower(s[0]) || !lower(s[1]) || !lower(s[2]) {
		return false
	}
	if len(s) == 3 {
		return true
	}
	if s[3] != '.' || len(s) == 4 || !lower(s[4]) && !digit(s[4]) {
		return false
	}
	for i := 5; i < len(s); i++ {
		if c := s[i]; !lower(c) && !digit(c) && c != '-' {
			return false
		}
	}
	return true
}

// validRel: a lower-case word, '-' allowed after the first letter.
func validRel(s string) bool {
	if s == "" || !lower(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !lower(s[i]) && s[i] != '-' {
			return false
		}
	}
	return true
}

// parseTime parses an envelope's time, which must be exactly as TimeFormat
// writes it: "2025-04-27T09:30:00Z", a real date and time of day.
func parseTime(s string) (time.Time, bool) {
	if len(s) != len(TimeFormat) {
		return time.Time{}, false
	}
	num := func(from, to int) int {
		n := 0
		for i := from; i < to; i++ {
			if !digit(s[i]) {
				return -1
			}
			n = n*10 + int(s[i]-'0')
		}
		return n
	}
	if s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z' {
		return time.Time{}, false
	}
	y, mo, d, h, mi, sec := num(0, 4), num(5, 7), num(8, 10), num(11, 13), num(14, 16), num(17, 19)
	if y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, 0, time.UTC)
	if t.Day() != d { // the 31st of a month of 30 days, say
		return time.Time{}, false
	}
	return t, true
}
