package canonjson

import (
	"bytes"
	"errors"
	"reflect"
	"testing"

	"github.com/gowebpki/jcs"
)

func TestTransform(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		// The examples of RFC 8785, section 3.2.2 and 3.2.3.
		{"rfc8785 example", `{
  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
}`, `{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`},
		{"sorting by utf-16 units", `{"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One","\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis"}`,
			`{"\r":"Carriage Return","1":"One","` + "\u0080" + `":"Control","ö":"Latin Small Letter O With Diaeresis","€":"Euro Sign","😀":"Emoji: Grinning Face","` + "\ufb33" + `":"Hebrew Letter Dalet With Dagesh"}`},
		{"negative zero", `[-0, 0.0, -0.0e5]`, `[0,0,0]`},
		{"exponents", `[1e21, 1e20, 1e-6, 1e-7, 123e-9]`, `[1e+21,100000000000000000000,0.000001,1e-7,1.23e-7]`},
		{"no html escaping", `"<a&b>\u2028"`, "\"<a&b>\u2028\""},
		{"nested", `{"b":[{"z":1,"a":2}],"a":{}}`, `{"a":{},"b":[{"a":2,"z":1}]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Transform([]byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("Transform(%s)\n got %s\nwant %s", tc.in, got, tc.want)
			}
			if _, err := Check(got); err != nil {
				t.Errorf("Check(canonical) = %v", err)
			}
		})
	}
}

func TestCheckRefuses(t *testing.T) {
	for _, tc := range []struct{ name, in string }{
		{"white space", `{"a": 1}`},
		{"unsorted", `{"b":1,"a":2}`},
		{"duplicate member", `{"a":1,"a":1}`},
		{"escaped slash", `"\/"`},
		{"needless escape", `"\u0041"`},
		{"trailing zero", `1.50`},
		{"big integer loses precision", `12345678901234567890`},
		{"lone surrogate", `"\ud800"`},
		{"invalid utf-8", "\"\xff\""},
		{"trailing newline", "{}\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Check([]byte(tc.in))
			if !errors.Is(err, ErrNotCanonical) {
				t.Errorf("Check(%q) = %v, want ErrNotCanonical", tc.in, err)
			}
		})
	}
	for _, in := range []string{``, `{`, `{"a":1}{}`, `[1,]`, `nul`} {
		if _, err := Check([]byte(in)); err == nil || errors.Is(err, ErrNotCanonical) {
			t.Errorf("Check(%q) = %v, want a parse error", in, err)
		}
	}
}

func TestDepthLimit(t *testing.T) {
	deep := bytes.Repeat([]byte("["), MaxDepth+2)
	deep = append(deep, bytes.Repeat([]byte("]"), MaxDepth+2)...)
	if _, err := Transform(deep); err == nil {
		t.Error("Transform accepted JSON nested beyond MaxDepth")
	}
}

// FuzzTransform checks the encoder against an independent implementation of
// RFC 8785, and that canonical output is stable.
func FuzzTransform(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.5,-0,1e400]}`, `"\u00e9\ud83d\ude00"`, `{"\u0080":1,"\uffff":2,"\ud800\udc00":3}`, `[1e-7,123456789012345680000]`, `{"b":{"c":null},"a":true}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		got, err := Transform(in)
		if err != nil {
			return
		}
		want, err := jcs.Transform(in)
		if err == nil && !bytes.Equal(got, want) && bytes.ContainsAny(in, "\\") == bytes.ContainsAny(want, "\\") {
			// jcs keeps invalid UTF-8 and lone surrogates as they come; we
			// replace them. Compare only where both treat the text alike.
			if validText(in) {
				t.Fatalf("Transform(%q) = %s, jcs says %s", in, got, want)
			}
		}
		again, err := Check(got)
		if err != nil || again == nil && !bytes.Equal(got, []byte("null")) {
			t.Fatalf("Check(Transform(%q)) = %v", in, err)
		}
	})
}

// validText reports whether the JSON text has neither invalid UTF-8 nor
// escaped surrogates, the cases where implementations legitimately differ.
func validText(in []byte) bool {
	return !bytes.Contains(bytes.ToLower(in), []byte(`\ud`)) && bytes.Equal(bytes.ToValidUTF8(in, nil), in)
}

func BenchmarkCheck(b *testing.B) {
	doc := []byte(`{"author":"khm.mfaic","body":{"language":"en","sources":[{"title":"Phnom Penh Post","url":"https://www.phnompenhpost.com/x"}],"stated_on":"2025-04-05","text":"Cambodia welcomes requests from all nations to dock at Ream Naval Base and conduct joint activities there.","title":"Ream Naval Base is open to all nations","topic":"Ream Naval Base"},"kind":"declaration","refs":[],"register":"demo.kongsi.example/register","subject":"declarations/khm/ream-naval-base","time":"2026-11-22T10:00:00Z"}`)
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if _, err := Check(doc); err != nil {
			b.Fatal(err)
		}
	}
}

// checkSlow is Check without its one-pass decoder: decode, encode again and
// compare.
func checkSlow(data []byte) (any, error) {
	v, err := Decode(data)
	if err != nil {
		return nil, err
	}
	c, err := Append(nil, v)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(c, data) {
		return nil, ErrNotCanonical
	}
	return v, nil
}

// FuzzCheck checks that the one-pass decoder accepts exactly the texts
// that are their own canonical encoding, and decodes them to the same
// values.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.5,0,1e+400]}`, `"\u001f\n\"\\é😀"`, `{"\r":1,"1":2,"` + "\u0080" + `":3}`, `[1e-7,123456789012345680000,-0.5]`,
		`{"a":{"b":null},"c":true,"d":false}`, `"\u00e9"`, `"\/"`, `01`, `-0`, `1.0`, `1E+21`, `{"b":1,"a":2}`, `{"a":1,"a":1}`, "\"\xff\"", `[]`, `{}`, `""`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		fast, fastOK := decodeCanonical(in)
		slow, err := checkSlow(in)
		if fastOK != (err == nil) {
			t.Fatalf("%q: the one-pass decoder says canonical = %v, decoding and encoding again says %v", in, fastOK, err)
		}
		if fastOK && !reflect.DeepEqual(fast, slow) {
			t.Fatalf("%q: decoded to %#v, want %#v", in, fast, slow)
		}
		v, members, err := CheckMembers(in)
		if (err == nil) != fastOK || err == nil && !reflect.DeepEqual(v, slow) {
			t.Fatalf("%q: CheckMembers = %v, %v; want %v", in, v, err, slow)
		}
		obj, _ := v.(map[string]any)
		if len(members) != len(obj) {
			t.Fatalf("%q: %d member texts for %d members", in, len(members), len(obj))
		}
		for k, text := range members {
			if want, _ := Append(nil, obj[k]); !bytes.Equal(text, want) {
				t.Fatalf("%q: member %q is %q, want %q", in, k, text, want)
			}
		}
	})
}
