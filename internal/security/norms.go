package security

import (
	"fmt"
	"strings"
	"time"
)

// Norms are what activities are measured against: how many days of notice
// are due, above which size, and above which size observers should be
// invited.
//
// The defaults are modelled on the OSCE Vienna Document 2011. Its chapter V
// asks for notification 42 days or more in advance of a military activity
// that involves at least 9,000 troops, or 250 battle tanks, or 500
// armoured combat vehicles, or 250 artillery pieces (100 mm and above), or
// 3,000 troops in an amphibious landing or parachute assault; its chapter VI
// asks that observers be invited when an activity involves at least 13,000
// troops, or 300 battle tanks, or 500 armoured combat vehicles, or 250
// artillery pieces, or 3,500 troops in an amphibious landing or parachute
// assault.
//
// Naval activities are outside the Vienna Document, which covers land
// forces and the air and naval components of land activities. For them the
// defaults are Kongsi's own choice: notice is due from 10 warships or 50
// aircraft, and observers should be invited from 20 warships or 100
// aircraft. Ten ships is the size of a multinational fleet exercise (the
// ASEAN–China maritime exercise of 2018 had eight ships, the ADMM-Plus
// maritime security exercise of 2019 nineteen), so that such exercises are
// covered while port visits with a passing exercise and bilateral
// patrols are not. These numbers are a starting point for the parties to
// agree on, and every page shows the norms it applies.
type Norms struct {
	// NoticeDays is how many days before its start an activity above the
	// notification thresholds is due to be notified.
	NoticeDays int `json:"notice_days"`
	// Notify are the thresholds from which notice is due.
	Notify Thresholds `json:"notify"`
	// Observe are the thresholds from which observers should be invited.
	Observe Thresholds `json:"observe"`
	// AllActivities, when true, applies the notice period to every activity,
	// whatever its size.
	AllActivities bool `json:"all_activities"`
}

// Thresholds are sizes from which a norm applies: any one reached is
// enough. A zero threshold is not used.
type Thresholds struct {
	Personnel              int `json:"personnel,omitempty"`
	LandingPersonnel       int `json:"landing_personnel,omitempty"`
	BattleTanks            int `json:"battle_tanks,omitempty"`
	ArmouredCombatVehicles int `json:"armoured_combat_vehicles,omitempty"`
	ArtilleryPieces        int `json:"artillery_pieces,omitempty"`
	Vessels                int `json:"vessels,omitempty"`
	Aircraft               int `json:"aircraft,omitempty"`
}

// DefaultNorms are the norms described in the documentation of Norms.
func DefaultNorms() Norms {
	return Norms{
		NoticeDays: 42,
		Notify:     Thresholds{Personnel: 9000, LandingPersonnel: 3000, BattleTanks: 250, ArmouredCombatVehicles: 500, ArtilleryPieces: 250, Vessels: 10, Aircraft: 50},
		Observe:    Thresholds{Personnel: 13000, LandingPersonnel: 3500, BattleTanks: 300, ArmouredCombatVehicles: 500, ArtilleryPieces: 250, Vessels: 20, Aircraft: 100},
	}
}

// IsZero reports whether n is the zero Norms.
func (n Norms) IsZero() bool { return n == Norms{} }

// Reached lists the thresholds the size reaches, in words: "9,500
// personnel (threshold 9,000)". Empty if none.
func (t Thresholds) Reached(s Size) []string {
	var out []string
	check := func(v, th int, what string) {
		if th > 0 && v >= th {
			out = append(out, fmt.Sprintf("%s %s (threshold %s)", group(v), what, group(th)))
		}
	}
	check(s.Personnel, t.Personnel, "personnel")
	check(s.LandingPersonnel, t.LandingPersonnel, "personnel landing")
	check(s.BattleTanks, t.BattleTanks, "battle tanks")
	check(s.ArmouredCombatVehicles, t.ArmouredCombatVehicles, "armoured combat vehicles")
	check(s.ArtilleryPieces, t.ArtilleryPieces, "artillery pieces")
	check(s.Vessels, t.Vessels, "vessels")
	check(s.Aircraft, t.Aircraft, "aircraft")
	return out
}

// Describe writes the thresholds in words.
func (t Thresholds) Describe() string {
	var parts []string
	add := func(v int, what string) {
		if v > 0 {
			parts = append(parts, group(v)+" "+what)
		}
	}
	add(t.Personnel, "personnel")
	add(t.LandingPersonnel, "personnel in an amphibious landing or parachute assault")
	add(t.BattleTanks, "battle tanks")
	add(t.ArmouredCombatVehicles, "armoured combat vehicles")
	add(t.ArtilleryPieces, "artillery pieces")
	add(t.Vessels, "vessels")
	add(t.Aircraft, "aircraft")
	if len(parts) == 0 {
		return "none"
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
}

// group writes an integer with thousands separators.
func group(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "−" + group(-n)
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Notice classes of an activity.
const (
	NoticeAdvance    = "advance"     // notified at least the norm's days ahead, where the norm applies
	NoticeLate       = "late"        // notified ahead, but fewer days than the norm, where it applies
	NoticeNotified   = "notified"    // notified ahead; below the thresholds, so no norm applies
	NoticeAfterStart = "after-start" // first published on or after its start: unnotified
	NoticeHistorical = "historical"  // began before the register existed: not measured
)

// NoticeTitles name the notice classes for people.
var NoticeTitles = map[string]string{
	NoticeAdvance:    "Notified in time",
	NoticeLate:       "Late",
	NoticeNotified:   "Notified (no norm applies)",
	NoticeAfterStart: "Unnotified: published after it began",
	NoticeHistorical: "Historical: before the register",
}

// Assessment is how an activity measures against the norms.
type Assessment struct {
	// NoticeDays is the number of days from the first notification's date
	// to the start; negative when it was published after the start.
	NoticeDays int    `json:"notice_days"`
	Class      string `json:"class"`
	ClassTitle string `json:"class_title"`
	// NormApplies is true when the activity reaches a notification
	// threshold (or the norms apply to all activities).
	NormApplies bool     `json:"norm_applies"`
	NotifyBy    []string `json:"notify_because,omitempty"`
	// ObserversDue is true when the activity reaches an observation
	// threshold; ObserversInvited when any observer is listed.
	ObserversDue     bool     `json:"observers_due"`
	ObserveBy        []string `json:"observers_due_because,omitempty"`
	ObserversInvited bool     `json:"observers_invited"`
	// Flags are what a reader should notice: "late", "unnotified",
	// "no observers invited".
	Flags []string `json:"flags,omitempty"`
	// Explanation says how the class was reached, with the figures.
	Explanation string `json:"explanation"`
}

// Assess measures an activity: notified on the date notified (the first
// notification's record date), starting on start, of the given size, with
// observers invited or not, in a register founded on founded.
func (n Norms) Assess(notified, start, founded time.Time, size Size, observers bool) Assessment {
	a := Assessment{NoticeDays: int(start.Sub(notified).Hours() / 24), ObserversInvited: observers}
	a.NotifyBy = n.Notify.Reached(size)
	a.NormApplies = n.AllActivities || len(a.NotifyBy) > 0
	a.ObserveBy = n.Observe.Reached(size)
	a.ObserversDue = len(a.ObserveBy) > 0
	days := func(d int) string {
		if d == 1 || d == -1 {
			return fmt.Sprintf("%d day", d)
		}
		return fmt.Sprintf("%d days", d)
	}
	switch {
	case start.Before(founded):
		a.Class = NoticeHistorical
		a.Explanation = fmt.Sprintf("It began on %s, before the register was founded on %s: its notice is not measured.", start.Format(DateFormat), founded.Format(DateFormat))
	case !notified.Before(start):
		a.Class = NoticeAfterStart
		a.Flags = append(a.Flags, "unnotified")
		a.Explanation = fmt.Sprintf("First published on %s, %s after it began on %s.", notified.Format(DateFormat), days(-a.NoticeDays), start.Format(DateFormat))
	case !a.NormApplies:
		a.Class = NoticeNotified
		a.Explanation = fmt.Sprintf("Notified on %s, %s before it began; below every notification threshold, so no notice period applies.", notified.Format(DateFormat), days(a.NoticeDays))
	case a.NoticeDays >= n.NoticeDays:
		a.Class = NoticeAdvance
		a.Explanation = fmt.Sprintf("Notified on %s, %s before it began; %s were due.", notified.Format(DateFormat), days(a.NoticeDays), days(n.NoticeDays))
	default:
		a.Class = NoticeLate
		a.Flags = append(a.Flags, "late")
		a.Explanation = fmt.Sprintf("Notified on %s, %s before it began; %s were due, so it was %s late.", notified.Format(DateFormat), days(a.NoticeDays), days(n.NoticeDays), days(n.NoticeDays-a.NoticeDays))
	}
	if a.Class != NoticeHistorical && a.ObserversDue && !observers {
		a.Flags = append(a.Flags, "no observers invited")
	}
	a.ClassTitle = NoticeTitles[a.Class]
	return a
}
