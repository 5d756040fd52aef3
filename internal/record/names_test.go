package record

import (
	"regexp"
	"testing"
	"time"
)

// The forms of names.go, as regular expressions.
var (
	kindPattern    = regexp.MustCompile(`^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$`)
	subjectPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)*$`)
	partyPattern   = regexp.MustCompile(`^[a-z]{3}(\.[a-z0-9][a-z0-9-]*)?$`)
	relPattern     = regexp.MustCompile(`^[a-z][a-z-]*$`)
)

func TestNames(t *testing.T) {
	for _, s := range []string{"", "a", "abc", "khm.mnd", "khm.", "khm.-x", "khm.1a-b", "kh", "KHM", "khm.mnd.x", "declaration", "project.status", "project..status",
		".x", "x.", "a-b.c9", "9a", "declarations/khm/ream", "a//b", "/a", "a/", "a/.b", "a/b.c_d-e", "a-", "-a", "prev", "see-also", "Ab"} {
		for _, c := range []struct {
			name string
			re   *regexp.Regexp
			fn   func(string) bool
		}{{"kind", kindPattern, validKind}, {"subject", subjectPattern, validSubject}, {"party", partyPattern, validParty}, {"rel", relPattern, validRel}} {
			if got, want := c.fn(s), c.re.MatchString(s); got != want {
				t.Errorf("%s %q: %v, want %v", c.name, s, got, want)
			}
		}
	}
}

func FuzzNames(f *testing.F) {
	for _, s := range []string{"khm.mnd", "declarations/khm/x", "project.status", "see-also", "2025-04-27T09:30:00Z", "2024-02-29T23:59:59Z", "2023-02-29T00:00:00Z", "2025-04-27T24:00:00Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range []struct {
			name string
			re   *regexp.Regexp
			fn   func(string) bool
		}{{"kind", kindPattern, validKind}, {"subject", subjectPattern, validSubject}, {"party", partyPattern, validParty}, {"rel", relPattern, validRel}} {
			if got, want := c.fn(s), c.re.MatchString(s); got != want {
				t.Fatalf("%s %q: %v, want %v", c.name, s, got, want)
			}
		}
		want, err := time.Parse(TimeFormat, s)
		wantOK := err == nil && want.Format(TimeFormat) == s
		got, ok := parseTime(s)
		if ok != wantOK || ok && !got.Equal(want) {
			t.Fatalf("time %q: %v %v, want %v %v", s, got, ok, want, wantOK)
		}
	})
}
