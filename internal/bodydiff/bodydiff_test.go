package bodydiff

import (
	"strings"
	"testing"
)

func TestDiff(t *testing.T) {
	old := `{"title":"The three nos","text":"No military alliances, no foreign bases, no siding with one country against another.","sources":[{"url":"a"}],"gone":1}`
	new := `{"title":"The four nos","text":"No military alliances, no foreign bases, no siding with one country against another, and no use of force in international relations.","sources":[{"url":"a"},{"url":"b"}]}`
	cs, err := Diff([]byte(old), []byte(new), []string{"title", "text"})
	if err != nil {
		t.Fatal(err)
	}
	if cs[0].Path != "title" || cs[1].Path != "text" {
		t.Errorf("fields not in the given order: %s, %s", cs[0].Path, cs[1].Path)
	}
	ops := map[string]Op{}
	for _, c := range cs {
		ops[c.Path] = c.Op
	}
	want := map[string]Op{"title": Changed, "text": Changed, "sources[0].url": Same, "sources[1].url": Added, "gone": Removed}
	for p, op := range want {
		if ops[p] != op {
			t.Errorf("%s: %s, want %s", p, ops[p], op)
		}
	}
	a, r, c := Summary(cs)
	if a != 1 || r != 1 || c != 2 {
		t.Errorf("Summary = %d, %d, %d", a, r, c)
	}
	for _, ch := range cs {
		if ch.Path != "title" {
			continue
		}
		var removed, added []string
		for _, s := range ch.Words {
			switch s.Op {
			case Removed:
				removed = append(removed, s.Text)
			case Added:
				added = append(added, s.Text)
			}
		}
		if strings.Join(removed, "") != "three" || strings.Join(added, "") != "four" {
			t.Errorf("title words: removed %q, added %q", removed, added)
		}
	}
}

func TestWordsRebuildsBothTexts(t *testing.T) {
	for _, tc := range [][2]string{
		{"the quick brown fox", "the slow brown dog"},
		{"", "new text"},
		{"南海争议应由直接有关的主权国家解决", "南海争议应由当事国通过谈判协商解决"},
		{"same", "same"},
	} {
		var a, b strings.Builder
		for _, s := range Words(tc[0], tc[1]) {
			if s.Op != Added {
				a.WriteString(s.Text)
			}
			if s.Op != Removed {
				b.WriteString(s.Text)
			}
		}
		if a.String() != tc[0] || b.String() != tc[1] {
			t.Errorf("Words(%q, %q) rebuilds %q and %q", tc[0], tc[1], a.String(), b.String())
		}
	}
}
