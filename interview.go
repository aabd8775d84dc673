package haven

import (
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	// The zones of the world are in the binary, so that a zone parses the
	// same on every host, whatever its own database holds.
	_ "time/tzdata"
)

// Interview is the visa office's eligibility interview of a case: when,
// where or by which link, in which language, with or without an
// interpreter, and which members attend. A case has at most one; moving
// it replaces it, and the audit log keeps each change.
//
// Where the family will be, and when, is what an adversary looking for
// them wants: the place, the link and the zone (which names a city) are
// encrypted at rest, and only the visa office and the referring partner
// see the interview at all (case.view.interview).
type Interview struct {
	ID     ID
	CaseID ID
	// Date and Time are the day and the time of day ("15:04", 24-hour)
	// the interview begins at the place, in Zone. Date is stored in the
	// clear: the case's clock counts from it.
	Date Date
	Time string
	// Zone is the place's time zone: an IANA name such as
	// "Africa/Nairobi", or a UTC offset such as "+03:00" (or "UTC"). It
	// names a region: encrypted at rest.
	Zone string
	// At is the instant the interview begins: Date and Time in Zone.
	At time.Time
	// Place is the address of an interview in person; Link the https link
	// of a remote one. One of the two at least; both for an interview in a
	// room that some join remotely. Both are encrypted at rest.
	Place string
	Link  string
	// Language is the language the interview is held in (ISO 639).
	Language string
	// Interpreter says an interpreter is needed; InterpreterLanguage is
	// then the language the interpreter works from (ISO 639), and empty
	// otherwise.
	Interpreter         bool
	InterpreterLanguage string
	// Attending are the members who attend, by ID. Empty when scheduling
	// means the principal applicant and the accompanying adults
	// (workflow.DefaultAttending).
	Attending   []ID
	ScheduledBy ID
	ScheduledAt time.Time
}

// AdultAge is the age from which a member is an adult: an accompanying
// adult attends the interview unless the visa office says otherwise.
const AdultAge = 18

// offsetZone is a UTC offset as a zone: "+03:00", "-05:30", "+0545".
var offsetZone = regexp.MustCompile(`^[+-]([01][0-9]|2[0-3]):?([0-5][0-9])$`)

// LoadZone returns the time zone z names: an IANA name, "UTC", or a UTC
// offset such as "+03:00". It refuses "Local" and the empty name, which
// would mean the server's own zone.
func LoadZone(z string) (*time.Location, error) {
	const op = "haven.LoadZone"
	switch {
	case z == "" || z == "Local":
		return nil, Errorf(EINVALID, op, "no time zone")
	case z == "UTC" || z == "Z":
		return time.UTC, nil
	case offsetZone.MatchString(z):
		m := offsetZone.FindStringSubmatch(z)
		h, _ := strconv.Atoi(m[1])
		mi, _ := strconv.Atoi(m[2])
		secs := h*3600 + mi*60
		if z[0] == '-' {
			secs = -secs
		}
		return time.FixedZone("UTC"+z[:3]+":"+m[2], secs), nil
	}
	loc, err := time.LoadLocation(z)
	if err != nil {
		return nil, Errorf(EINVALID, op, "unknown time zone")
	}
	return loc, nil
}

// Local returns the instant the interview begins in its zone, or At in
// UTC when the zone is not known (not in the reader's view).
func (iv *Interview) Local() time.Time {
	if loc, err := LoadZone(iv.Zone); err == nil {
		return iv.At.In(loc)
	}
	return iv.At.UTC()
}

// Validate reports problems with the interview's input fields and, when
// there are none with its date, time and zone, sets At. now bounds it: an
// interview is not scheduled in the past. Whether the date is within the
// case's target date and the attending members are on the case is the
// workflow's to say (it knows the case).
func (iv *Interview) Validate(now time.Time) Problems {
	var p Problems
	iv.Zone, iv.Time = strings.TrimSpace(iv.Zone), strings.TrimSpace(iv.Time)
	iv.Place, iv.Link = strings.TrimSpace(iv.Place), strings.TrimSpace(iv.Link)
	if m := offsetZone.FindStringSubmatch(iv.Zone); m != nil {
		iv.Zone = iv.Zone[:3] + ":" + m[2] // one spelling of an offset
	}
	loc, err := LoadZone(iv.Zone)
	if err != nil {
		p.Add("zone", "enter the place's time zone, such as Africa/Nairobi, or its UTC offset, such as +03:00")
	}
	clock, terr := time.Parse("15:04", iv.Time)
	if terr != nil {
		p.Add("time", "enter the time as hours and minutes, such as 09:30")
	}
	if iv.Date.IsZero() {
		p.Add("date", "enter the date of the interview")
	}
	if err == nil && terr == nil && !iv.Date.IsZero() {
		at := time.Date(iv.Date.Year, iv.Date.Month, iv.Date.Day, clock.Hour(), clock.Minute(), 0, 0, loc)
		switch {
		case at.Hour() != clock.Hour() || at.Minute() != clock.Minute():
			// A time the clocks skip when they go forward.
			p.Add("time", "this time does not exist on that day in this time zone: the clocks change")
		case at.Before(now) && iv.Date.Before(DateOf(now.In(loc))):
			p.Add("date", "the date has passed: choose a date from today")
		case at.Before(now):
			p.Add("time", "the time has passed: choose a later time")
		default:
			iv.At = at.UTC()
		}
	}
	if iv.Place == "" && iv.Link == "" {
		p.Add("place", "enter the address of the interview, or a link for a remote interview")
	}
	p.Text("place", iv.Place, 0, 1000)
	if iv.Link != "" && !validLink(iv.Link) {
		p.Add("link", "enter the full https:// link of the remote interview")
	}
	if !ValidLanguage(iv.Language) {
		p.Add("language", "choose the language of the interview")
	}
	switch {
	case iv.Interpreter && !ValidLanguage(iv.InterpreterLanguage):
		p.Add("interpreter_language", "choose the language the interpreter works from")
	case !iv.Interpreter && iv.InterpreterLanguage != "":
		p.Add("interpreter_language", "an interpreter's language is given only when an interpreter is needed")
	}
	for i, m := range iv.Attending {
		if m == "" || slices.Contains(iv.Attending[:i], m) {
			p.Addf("attending", "entry %d names no member, or one named before", i+1)
		}
	}
	return p
}

// validLink reports whether s is an absolute https URL with a host and no
// user name or password, at most 2000 characters, with no space or
// control character.
func validLink(s string) bool {
	if len(s) > 2000 || strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "https" && u.Host != "" && u.User == nil && u.Hostname() != ""
}
