package tlog

import (
	"bytes"
	"testing"
)

func FuzzParseProof(f *testing.F) {
	f.Add([]byte("c2sp.org/tlog-proof@v1\nextra AAEC\nindex 3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\nexample.com/log\n4\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n— example.com/log AAAA\n"))
	f.Add([]byte("c2sp.org/tlog-proof@v1\nindex 0\n\nx\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParseProof(b)
		if err != nil {
			return
		}
		q, err := ParseProof(p.Marshal())
		if err != nil {
			t.Fatalf("a parsed proof does not parse again: %v", err)
		}
		if q.Index != p.Index || !bytes.Equal(q.Extra, p.Extra) || len(q.Path) != len(p.Path) || !bytes.Equal(q.Checkpoint, p.Checkpoint) {
			t.Fatalf("round trip changed the proof")
		}
	})
}

func TestParseProofRefuses(t *testing.T) {
	for _, in := range []string{
		"",
		"c2sp.org/tlog-proof@v2\nindex 1\n\ncp\n",
		"c2sp.org/tlog-proof@v1\nindex 01\n\ncp\n",
		"c2sp.org/tlog-proof@v1\nindex -1\n\ncp\n",
		"c2sp.org/tlog-proof@v1\nextra !!\nindex 1\n\ncp\n",
		"c2sp.org/tlog-proof@v1\nindex 1\nnot-a-hash\n\ncp\n",
		"c2sp.org/tlog-proof@v1\nindex 1\n",
	} {
		if _, err := ParseProof([]byte(in)); err == nil {
			t.Errorf("ParseProof(%q) succeeded", in)
		}
	}
}
