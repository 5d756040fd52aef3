package record

import (
	"errors"
	"strings"
	"testing"

	"github.com/kongsi/kongsi/internal/problem"
	"github.com/kongsi/kongsi/internal/signednote"
	"golang.org/x/mod/sumdb/note"
)

func testSigner(t testing.TB, name string) note.Signer {
	t.Helper()
	skey, _, err := signednote.GenerateKey(name)
	if err != nil {
		t.Fatal(err)
	}
	s, err := signednote.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func testEnvelope() *Envelope {
	return &Envelope{
		Register: "test.example/register",
		Kind:     "declaration",
		Subject:  "declarations/khm/ream-naval-base",
		Author:   "khm.mfaic",
		Time:     "2025-04-05T08:00:00Z",
		Body:     []byte(`{"title": "Ream is open to all", "text": "Ships of all nations may request a visit."}`),
	}
}

func TestSignParse(t *testing.T) {
	s := testSigner(t, "khm.mfaic")
	env := testEnvelope()
	prev := ID{1, 2, 3}
	env.Refs = []Ref{{Rel: RelPrev, ID: prev}}
	entry, err := Sign(env, s)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Parse(entry)
	if err != nil {
		t.Fatal(err)
	}
	if r.Kind != "declaration" || r.Author != "khm.mfaic" || r.When.Year() != 2025 {
		t.Errorf("parsed %+v", r.Envelope)
	}
	if p, ok := r.Prev(); !ok || p != prev {
		t.Errorf("Prev() = %v, %v", p, ok)
	}
	if string(r.Body) != `{"text":"Ships of all nations may request a visit.","title":"Ream is open to all"}` {
		t.Errorf("body not canonical: %s", r.Body)
	}
	// Cosigning keeps the ID.
	entry2, err := Cosign(entry, testSigner(t, "vnm.mofa"))
	if err != nil {
		t.Fatal(err)
	}
	r2, err := Parse(entry2)
	if err != nil || r2.ID != r.ID || len(r2.Note.Sigs) != 2 {
		t.Errorf("cosigned record: %v, ID equal %v", err, r2 != nil && r2.ID == r.ID)
	}
}

func TestParseRefuses(t *testing.T) {
	s := testSigner(t, "khm.mfaic")
	sign := func(text string) []byte {
		n, err := signednote.Sign([]byte(text+"\n"), nil, s)
		if err != nil {
			t.Fatal(err)
		}
		return n.Marshal()
	}
	good := `{"author":"khm.mfaic","body":{},"kind":"declaration","refs":[],"register":"r","subject":"declarations/khm/x","time":"2025-04-05T08:00:00Z"}`
	with := func(old, new string) []byte { return sign(strings.Replace(good, old, new, 1)) }
	for _, tc := range []struct {
		name  string
		entry []byte
		kind  error
		field string
	}{
		{"not a note", []byte(good), problem.ErrInvalid, "note"},
		{"not canonical", with(`"body":{}`, `"body": {}`), problem.ErrInvalid, "note"},
		{"two lines", sign(good + "\n" + good), problem.ErrInvalid, "note"},
		{"not an object", sign(`[1]`), problem.ErrInvalid, "note"},
		{"unknown field", with(`"author"`, `"another":1,"author"`), problem.ErrInvalid, "another"},
		{"missing field", with(`"refs":[],`, ``), problem.ErrInvalid, "refs"},
		{"body not object", with(`"body":{}`, `"body":[]`), problem.ErrInvalid, "body"},
		{"bad kind", with(`"declaration"`, `"Declaration"`), problem.ErrInvalid, "kind"},
		{"bad subject", with(`declarations/khm/x`, `declarations//x`), problem.ErrInvalid, "subject"},
		{"bad author", with(`"khm.mfaic"`, `"Cambodia"`), problem.ErrInvalid, "author"},
		{"bad time", with(`2025-04-05T08:00:00Z`, `2025-04-05T08:00:00+07:00`), problem.ErrInvalid, "time"},
		{"fractional time", with(`2025-04-05T08:00:00Z`, `2025-04-05T08:00:00.5Z`), problem.ErrInvalid, "time"},
		{"bad ref id", with(`"refs":[]`, `"refs":[{"id":"abc","rel":"prev"}]`), problem.ErrInvalid, "refs[0].id"},
		{"ref with extra field", with(`"refs":[]`, `"refs":[{"id":"`+strings.Repeat("a", 64)+`","rel":"prev","x":1}]`), problem.ErrInvalid, "refs[0]"},
		{"two prevs", with(`"refs":[]`, `"refs":[{"id":"`+strings.Repeat("a", 64)+`","rel":"prev"},{"id":"`+strings.Repeat("b", 64)+`","rel":"prev"}]`), problem.ErrInvalid, "refs"},
		{"too large", with(`"body":{}`, `"body":{"x":"`+strings.Repeat("a", MaxEntrySize)+`"}`), problem.ErrTooLarge, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.entry)
			var pe *problem.Error
			if !errors.Is(err, tc.kind) || !errors.As(err, &pe) || pe.Field != tc.field {
				t.Errorf("Parse = %v (field %q), want %v in field %q", err, fieldOf(err), tc.kind, tc.field)
			}
		})
	}
	if _, err := Parse(sign(good)); err != nil {
		t.Errorf("Parse(good) = %v", err)
	}
}

func fieldOf(err error) string {
	var pe *problem.Error
	if errors.As(err, &pe) {
		return pe.Field
	}
	return ""
}

func FuzzParse(f *testing.F) {
	s := testSigner(f, "khm.mfaic")
	entry, _ := Sign(testEnvelope(), s)
	f.Add(entry)
	f.Add([]byte("{}\n\n— a AAAAAAAA\n"))
	f.Fuzz(func(t *testing.T, entry []byte) {
		r, err := Parse(entry)
		if err != nil {
			var pe *problem.Error
			if !errors.As(err, &pe) || pe.Detail == "" {
				t.Fatalf("Parse returned an error that is not a problem: %v", err)
			}
			return
		}
		// An accepted record re-encodes to the same text.
		text, err := r.Envelope.Text()
		if err != nil || string(text) != string(r.Note.Text) {
			t.Fatalf("re-encoding changed the text:\n%s\n%s (%v)", r.Note.Text, text, err)
		}
	})
}

func BenchmarkParse(b *testing.B) {
	s := testSigner(b, "khm.mfaic")
	entry, _ := Sign(testEnvelope(), s)
	b.SetBytes(int64(len(entry)))
	for b.Loop() {
		if _, err := Parse(entry); err != nil {
			b.Fatal(err)
		}
	}
}
