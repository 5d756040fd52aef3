package accountability_test

import (
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/kongsi/kongsi/internal/accountability"
	"github.com/kongsi/kongsi/internal/i18n/i18ntest"
	"github.com/kongsi/kongsi/internal/nodetest"
	"github.com/kongsi/kongsi/internal/web"
)

// runTimeTexts are the texts the pages translate that are not literals of
// the templates or the Go code: navigation labels, section titles, the
// names of closed lists' values, the reasons for a commitment's status.
func runTimeTexts() []string {
	texts := []string{
		// Navigation, and the sections of core pages.
		"Accountability", "Commitments", "Scorecards", "Initiatives", "Coordination board", "Programmes", "Exchanges",
		"Pledged, owes and delivered", "Commitments and coordination",
		// The shortened name of a domain in the initiatives' chart.
		"Emergency management",
	}
	for _, list := range [][]accountability.Option{
		accountability.CommitmentStatuses, accountability.Pillars, accountability.Domains, accountability.Mechanisms,
		accountability.ActionStatuses, accountability.ActionFilterStatuses, accountability.ConfirmationTitles,
		accountability.VisitKinds, accountability.Tracks, accountability.ExchangeTypes,
	} {
		for _, o := range list {
			texts = append(texts, o.Title)
		}
	}
	// Action items' statuses and assessments' ratings, humanized.
	for _, s := range []string{"open", "in-progress", "blocked", "done", "cancelled", "on-track", "at-risk", "overdue", "met"} {
		texts = append(texts, web.Humanize(s))
	}
	return append(texts, accountability.ReasonTexts...)
}

func TestTranslations(t *testing.T) {
	kinds := accountability.New().Kinds()
	extra := append(i18ntest.KindTexts(t, kinds), runTimeTexts()...)
	// The desk's form of a record is translated to its help texts.
	extra = append(extra, i18ntest.HelpTexts(t, kinds)...)
	i18ntest.Check(t, os.DirFS("."), []string{"templates/*.html"}, ".", extra...)
}

// TestPagesInOtherLanguages renders the module's pages in Chinese and Thai:
// their words translated, their dates and numbers written as the language
// writes them, what the records say left as it was signed.
func TestPagesInOtherLanguages(t *testing.T) {
	e := nodetest.New(t, accountability.New().WithClock(func() time.Time { return today }))
	populate(t, e)
	get := func(path, acceptLanguage string) string {
		t.Helper()
		status, _, body := e.Do(http.MethodGet, path, "", "Accept-Language", acceptLanguage)
		if status != http.StatusOK {
			t.Fatalf("GET %s: status %d\n%s", path, status, body)
		}
		return body
	}
	for _, tc := range []struct {
		name, path, acceptLanguage string
		contains, notContains      []string
	}{
		{"commitment in Chinese", "/commitments/coc?lang=zh", "", []string{
			"<h2 id=\"milestones\">里程碑</h2>", "逾期", "2026年7月13日", "至今已过 132 天", "Conclude the code", "The readings are slow.",
		}, []string{"Progress reports by the pledgers", "13 July 2026"}},
		{"commitments in Chinese", "/commitments?lang=zh", "", []string{"<h1>承诺</h1>", "2026年11月22日"}, []string{"Any party"}},
		{"board in Thai", "/board", "th-TH,th;q=0.9", []string{"กระดานประสานงาน", "1 มีนาคม 2567", "996 วัน"}, []string{"Coordination board</h1>"}},
		{"exchanges in Thai", "/exchanges", "th", []string{"การแลกเปลี่ยนระหว่างประชาชน", "5,810,000", "President of China"}, nil},
		{"programmes in Indonesian", "/programmes?lang=id", "", []string{"Program peningkatan kapasitas", "1.000 people trained"}, nil},
		{"scorecards in Vietnamese", "/scorecards?lang=vi", "", []string{"Bảng điểm", "22 tháng 11, 2026"}, nil},
		{"initiatives in Malay", "/initiatives?lang=ms", "", []string{"Inisiatif kerjasama", "10 Jun 2021"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := get(tc.path, tc.acceptLanguage)
			for _, s := range tc.contains {
				if !strings.Contains(body, s) {
					t.Errorf("the page lacks %q", s)
				}
			}
			for _, s := range tc.notContains {
				if strings.Contains(body, s) {
					t.Errorf("the page still says %q", s)
				}
			}
		})
	}
}
