package sequencer_test

import (
	"testing"

	"golang.org/x/mod/sumdb/note"
)

type noteVerifier = note.Verifier

func newVerifier(t *testing.T, vkey string) note.Verifier {
	v, err := note.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
