package security

import (
	"math"
	"strings"
	"time"

	"github.com/kongsi/kongsi/internal/i18n"
)

// The pages write the module's figures in the reader's language with the
// functions of this file. The API, the CSV files, the calendar and the feed
// keep their English (sizeText, Thresholds.Reached, Assessment.Explanation).

// dayCount writes a whole number of days: "1 day", "42 days".
func dayCount(l *i18n.Locale, n int) string {
	if n == 1 || n == -1 {
		return l.T("%d day", n)
	}
	return l.T("%d days", n)
}

// daysText writes a number of days that may have a half (a median).
func daysText(l *i18n.Locale, v float64) string {
	if v == math.Trunc(v) {
		return dayCount(l, int(v))
	}
	return l.T("%s days", l.Number(v))
}

// percentText writes a share (0.125) as a percentage with at most one
// decimal: "12.5%", "50%".
func percentText(l *i18n.Locale, share float64) string {
	p := math.Round(1000*share) / 10
	if p == math.Trunc(p) {
		return l.Percent(p/100, 0)
	}
	return l.Percent(p/100, 1)
}

// listText joins the items of a list as the language does.
func listText(l *i18n.Locale, items []string) string {
	if l.Lang.Code == "zh" {
		return strings.Join(items, "、")
	}
	return strings.Join(items, ", ")
}

// orText joins alternatives: "a, b or c".
func orText(l *i18n.Locale, items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return l.T("%s or %s", listText(l, items[:len(items)-1]), items[len(items)-1])
}

// coordText writes a position: "103.5° E, 10.5° N".
func coordText(l *i18n.Locale, lon, lat float64) string {
	return l.T("%s° E, %s° N", l.Number(lon), l.Number(lat))
}

// count is a number of something an activity involves, named by the
// member of Size that holds it.
type count struct {
	what string
	n    int
}

// counts are the numbers a size states, in the order the pages list them.
func (s Size) counts() []count {
	return []count{{"personnel", s.Personnel}, {"landing_personnel", s.LandingPersonnel}, {"vessels", s.Vessels}, {"aircraft", s.Aircraft},
		{"battle_tanks", s.BattleTanks}, {"armoured_combat_vehicles", s.ArmouredCombatVehicles}, {"artillery_pieces", s.ArtilleryPieces}}
}

// counts are the thresholds, in the order the norms list them.
func (t Thresholds) counts() []count {
	return []count{{"personnel", t.Personnel}, {"landing_personnel", t.LandingPersonnel}, {"battle_tanks", t.BattleTanks},
		{"armoured_combat_vehicles", t.ArmouredCombatVehicles}, {"artillery_pieces", t.ArtilleryPieces}, {"vessels", t.Vessels}, {"aircraft", t.Aircraft}}
}

// of is the number of what a size states.
func (s Size) of(what string) int {
	for _, c := range s.counts() {
		if c.what == what {
			return c.n
		}
	}
	return 0
}

// countText writes a count in words: "12 vessels". Thresholds name landing
// personnel in full.
func countText(l *i18n.Locale, c count, threshold bool) string {
	switch c.what {
	case "personnel":
		return l.T("%d personnel", c.n)
	case "landing_personnel":
		if threshold {
			return l.T("%d personnel in an amphibious landing or parachute assault", c.n)
		}
		return l.T("%d personnel landing", c.n)
	case "vessels":
		return l.T("%d vessels", c.n)
	case "aircraft":
		return l.T("%d aircraft", c.n)
	case "battle_tanks":
		return l.T("%d battle tanks", c.n)
	case "armoured_combat_vehicles":
		return l.T("%d armoured combat vehicles", c.n)
	case "artillery_pieces":
		return l.T("%d artillery pieces", c.n)
	}
	return l.Number(float64(c.n)) + " " + c.what
}

// sizeWords writes an activity's size in words.
func sizeWords(l *i18n.Locale, s Size) string {
	var parts []string
	for _, c := range s.counts() {
		if c.n > 0 {
			parts = append(parts, countText(l, c, false))
		}
	}
	if len(parts) == 0 {
		return l.T("not stated")
	}
	return listText(l, parts)
}

// thresholdWords writes thresholds in words, as alternatives.
func thresholdWords(l *i18n.Locale, t Thresholds) string {
	var parts []string
	for _, c := range t.counts() {
		if c.n > 0 {
			parts = append(parts, countText(l, c, true))
		}
	}
	if len(parts) == 0 {
		return l.T("no threshold")
	}
	return orText(l, parts)
}

// reachedWords lists the thresholds a size reaches: "12 vessels (threshold
// 10)".
func reachedWords(l *i18n.Locale, t Thresholds, s Size) []string {
	var out []string
	for _, c := range t.counts() {
		if v := s.of(c.what); c.n > 0 && v >= c.n {
			out = append(out, l.T("%s (threshold %d)", countText(l, count{c.what, v}, false), c.n))
		}
	}
	return out
}

// noticeWords says how an activity's notice class was reached, with the
// figures, as Assessment.Explanation does in English.
func noticeWords(l *i18n.Locale, a *Activity, founded time.Time, normDays int) string {
	notified, _ := parseDate(a.NotifiedOn)
	start, _ := parseDate(a.Start)
	n := a.Assessment.NoticeDays
	switch a.Assessment.Class {
	case NoticeHistorical:
		return l.T("It began on %s, before the register was founded on %s: its notice is not measured.", l.Date(start), l.Date(founded))
	case NoticeAfterStart:
		return l.T("First published on %s, %s after it began on %s.", l.Date(notified), dayCount(l, -n), l.Date(start))
	case NoticeNotified:
		return l.T("Notified on %s, %s before it began; below every notification threshold, so no notice period applies.", l.Date(notified), dayCount(l, n))
	case NoticeAdvance:
		return l.T("Notified on %s, %s before it began; %s were due.", l.Date(notified), dayCount(l, n), dayCount(l, normDays))
	}
	return l.T("Notified on %s, %s before it began; %s were due, so it was %s late.", l.Date(notified), dayCount(l, n), dayCount(l, normDays), dayCount(l, normDays-n))
}

// participantWords lists the participants, with their roles but the
// plain participant's.
func participantWords(l *i18n.Locale, ps []Participant) string {
	var out []string
	for _, p := range ps {
		s := StateName(p.State)
		if p.Role != RoleParticipant {
			s += " (" + l.T(p.Role) + ")"
		}
		out = append(out, s)
	}
	return listText(l, out)
}

// typeWords lists an activity's types by their names.
func typeWords(l *i18n.Locale, types []string) string {
	out := make([]string, len(types))
	for i, t := range types {
		out[i] = l.T(title(ActivityTypes, t))
	}
	return listText(l, out)
}

// purposeWords lists a port call's purposes by their names, in lower case.
func purposeWords(l *i18n.Locale, ps []string) string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = strings.ToLower(l.T(title(Purposes, p)))
	}
	return listText(l, out)
}
