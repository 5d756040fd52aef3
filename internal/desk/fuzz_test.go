package desk

import (
	"net/url"
	"testing"
)

// FuzzDecodeForm reads hostile form bodies with the schemas of several
// kinds: reading never fails or panics, the form can always be shown again,
// and a body read without problems reads the same once written back into a
// form.
func FuzzDecodeForm(f *testing.F) {
	kinds := allKinds(f)
	var schemas []*Schema
	for _, name := range []string{"declaration", "activity.notify", "programme", "trade.release", "programme.confirmation", "posture"} {
		s, err := ParseSchema(kinds[name].Schema)
		if err != nil {
			f.Fatal(err)
		}
		schemas = append(schemas, s)
	}
	for _, seed := range []string{
		"b%2Ftopic=Ream&b%2Fcategory=other&b%2Fsources%2F0%2F~=&b%2Fsources%2F0%2Ftitle=S",
		"b/sources/1/title=x&b/sources/0/url=https://x&b/withdrawn=true",
		"b/area=%7B%22type%22%3A%22Point%22%2C%22coordinates%22%3A%5B1%2C2%5D%7D&b/size/personnel=12&b/types=hadr&b/types=other",
		"b/targets/3/value=1e400&b/targets/3/measure=trainees&b/recipients/0=khm",
		"b/coverage/hs_level=6&b/file/size=-0&b/coverage/years/from=2000",
		"b/confirmed=false&b/confirmed_value=0.5",
		"b/facilities_abroad/99999/location/lat=91&b/facilities_abroad/00/name=x",
		"b/area=%5B%5B%5B%5B%5B%5B%5B%5B%5B%5B%5D%5D%5D%5D%5D%5D%5D%5D%5D%5D",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data string) {
		form, err := url.ParseQuery(data)
		if err != nil {
			return
		}
		for _, s := range schemas {
			body, problems := DecodeForm(s, form)
			if body == nil {
				t.Fatal("no body")
			}
			root := BuildForm(s, form, problems)
			if root == nil {
				t.Fatal("no form")
			}
			if len(problems) > 0 {
				continue
			}
			again, problems := DecodeForm(s, EncodeForm(s, body))
			if len(problems) > 0 {
				t.Fatalf("a body read without problems has problems once written back: %+v\nbody %v", problems, body)
			}
			if !sameJSON(t, again, body) {
				t.Fatalf("written back and read again:\n%v\nwant\n%v", again, body)
			}
		}
	})
}
