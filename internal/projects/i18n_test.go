package projects

import (
	"testing"

	"github.com/kongsi/kongsi/internal/i18n/i18ntest"
)

// runtimeTexts are the texts the pages translate at run time: the names of
// codes, designation states and rules, and the labels of the site's
// navigation and sections.
func runtimeTexts() []string {
	texts := []string{
		// Navigation and the sections of core pages.
		"Projects", "Map", "Designation report", "Political risk", "Outreach", "Elections", "Projects and political risk",
		// Whether an election changed the government.
		"not said", "yes", "no",
	}
	for _, l := range []Codelist{Statuses, Types, Sectors, SponsorTypes, SponsorRoles, Instruments, MilestoneStatuses, MilestoneTypes,
		DocumentTypes, OutreachTypes, CommentStances, Halts} {
		for _, c := range l {
			texts = append(texts, c.Title)
		}
	}
	for _, s := range DesignationStates {
		texts = append(texts, s.Title)
	}
	for list, codes := range codeWords {
		for _, c := range codes {
			texts = append(texts, codeTitle(list, c))
		}
	}
	claims := []string{StanceNone, StanceClaimed, StanceWithdrawn}
	attesters := []string{StanceNone, StanceConfirmed, StanceDenied, StanceWithdrawn}
	for _, c := range claims {
		for _, d := range attesters {
			for _, h := range attesters {
				_, rule := Derive(c, d, h)
				texts = append(texts, rule)
			}
		}
	}
	return texts
}

func TestTranslations(t *testing.T) {
	kinds := New().Kinds()
	extra := append(i18ntest.KindTexts(t, kinds), runtimeTexts()...)
	// The desk's form of a record is translated to its help texts.
	extra = append(extra, i18ntest.HelpTexts(t, kinds)...)
	i18ntest.Check(t, templates, []string{"templates/*.html"}, ".", extra...)
}
