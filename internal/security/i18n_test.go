package security

import (
	"testing"

	"github.com/kongsi/kongsi/internal/i18n/i18ntest"
	"github.com/kongsi/kongsi/internal/web"
)

// runTimeTexts are the texts the pages translate that are not literals: the
// navigation, the sections the module adds to core pages, and the names of
// statuses, classes and categories.
func runTimeTexts() []string {
	out := []string{"Security", "Coming up: exercises and port calls"}
	for _, n := range subNav {
		out = append(out, n.Label)
	}
	for _, t := range NoticeTitles {
		out = append(out, t)
	}
	for _, list := range [][]struct{ ID, Title string }{ActivityTypes, Purposes, FacilityTypes, AccessPolicies} {
		for _, x := range list {
			out = append(out, x.Title)
		}
	}
	for _, s := range []string{StatusOperational, StatusUnderConstruction, StatusClosed} {
		out = append(out, web.Humanize(s))
	}
	out = append(out, portCallStatuses...)
	out = append(out,
		// Flags of an assessment.
		"late", "unnotified", "no observers invited",
		// Where an activity is in time.
		"upcoming", "in progress", "past",
		// What needs attention.
		"decision overdue", "report overdue",
		ChannelTitle(ChannelMember), ChannelTitle(ChannelHost),
		RoleHost, RoleCoHost, RoleParticipant, RoleObserver,
		"exact", "approximate",
		// What a calendar item is.
		"Activity", "Port call",
	)
	return out
}

func TestTranslations(t *testing.T) {
	kinds := New().Kinds()
	extra := append(i18ntest.KindTexts(t, kinds), runTimeTexts()...)
	// The desk's forms of the module's records are translated to their help
	// texts.
	extra = append(extra, i18ntest.HelpTexts(t, kinds)...)
	i18ntest.Check(t, files, []string{"templates/*.html"}, ".", extra...)
}
