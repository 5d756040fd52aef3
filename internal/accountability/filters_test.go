package accountability

import (
	"errors"
	"net/url"
	"testing"

	"github.com/kongsi/kongsi/internal/problem"
)

// FuzzFilters feeds query strings to the parsers of the module's filters,
// which read outside input: each either accepts values that are valid, or
// refuses with an invalid-input error naming the parameter and the rule.
func FuzzFilters(f *testing.F) {
	for _, s := range []string{
		"", "party=khm&status=overdue", "status=late", "party=usa", "pillar=economic&domain=maritime&mechanism=arf&party=chn",
		"domain=space", "owner=khm.mfa&status=pending&initiative=admm-plus", "initiative=Bad%20Name", "programme=training&pending=true",
		"pending=maybe", "type=tourism&country=asean", "type=trade", "country=org.iseas", "party=asean", "status=%00", "owner=khm&owner=vnm",
	} {
		f.Add(s)
	}
	names := Names{"khm": "Cambodia", "khm.mfa": "Ministry", "chn": "China", "vnm": "Viet Nam", "org.iseas": "ISEAS", ASEAN: "ASEAN"}
	f.Fuzz(func(t *testing.T, q string) {
		v, err := url.ParseQuery(q)
		if err != nil {
			return
		}
		refused := func(err error) bool {
			if err == nil {
				return false
			}
			var pe *problem.Error
			if !errors.Is(err, problem.ErrInvalid) || !errors.As(err, &pe) || pe.Field == "" || pe.Rule == "" || pe.Detail == "" {
				t.Fatalf("%q: a refusal without field, rule and detail: %v", q, err)
			}
			return true
		}
		knownParty := func(id string) bool { _, ok := names[id]; return id == "" || (ok && id != ASEAN) }
		if cf, err := commitmentFilterFrom(v, names); !refused(err) {
			if !knownParty(cf.Party) || (cf.Status != "" && statusRank(cf.Status) == len(CommitmentStatuses)) {
				t.Fatalf("%q: accepted %+v", q, cf)
			}
		}
		if inf, err := initiativeFilterFrom(v, names); !refused(err) {
			if !knownParty(inf.Party) || (inf.Pillar != "" && !known(Pillars, inf.Pillar)) || (inf.Domain != "" && !known(Domains, inf.Domain)) || (inf.Mechanism != "" && !known(Mechanisms, inf.Mechanism)) {
				t.Fatalf("%q: accepted %+v", q, inf)
			}
		}
		if af, err := actionFilterFrom(v, names); !refused(err) {
			if !knownParty(af.Owner) || (af.Initiative != "" && !slugPattern.MatchString(af.Initiative)) {
				t.Fatalf("%q: accepted %+v", q, af)
			}
		}
		if df, err := deliveryFilterFrom(v, names); !refused(err) {
			if !knownParty(df.Party) || (df.Programme != "" && !slugPattern.MatchString(df.Programme)) {
				t.Fatalf("%q: accepted %+v", q, df)
			}
		}
		if typ, country, err := exchangeFilterFrom(v, names); !refused(err) {
			if (typ != "" && !known(ExchangeTypes, typ)) || (country != ASEAN && !knownParty(country)) {
				t.Fatalf("%q: accepted type %q, country %q", q, typ, country)
			}
		}
	})
}
