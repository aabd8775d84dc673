// Package haven is the domain of Haven, the shared case system for the
// resettlement of human rights defenders at risk to Canada.
//
// It holds the types, enumerations and service contracts that every other
// package speaks in, and the one error type. It imports the standard library
// only: rules live in the pure packages under internal/, persistence in the
// stores, and the app layer is where they meet.
package haven

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ID identifies a record. IDs are random, carry a short prefix naming the kind
// of record ("case_", "mem_", ...) and reveal nothing about the person.
type ID string

// Actor is who performs an operation. It is always explicit: there is no
// ambient or default actor anywhere in Haven.
type Actor struct {
	UserID ID
	OrgID  ID
	// OrgKind and Role are resolved by the app layer from the store, never
	// trusted from the caller.
	OrgKind OrgKind
	Role    Role
}

// Clock tells the time. The app layer takes one so that tests can fix it.
type Clock interface {
	Now() time.Time
}

// SystemClock is the wall clock, in UTC.
type SystemClock struct{}

// Now returns the current time in UTC.
func (SystemClock) Now() time.Time { return time.Now().UTC() }

// Date is a calendar date without time or zone, as written on identity and
// travel documents.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate parses an ISO 8601 calendar date (YYYY-MM-DD). A date that is
// not one is a *DateError saying what is wrong with it: the format, a
// month that does not exist, or a day the month does not have.
func ParseDate(s string) (Date, error) {
	if len(s) != len(time.DateOnly) || s[4] != '-' || s[7] != '-' {
		return Date{}, &DateError{Input: s, Reason: DateBadFormat}
	}
	var n [3]int
	for i, part := range []string{s[:4], s[5:7], s[8:]} {
		for _, r := range part {
			if r < '0' || r > '9' {
				return Date{}, &DateError{Input: s, Reason: DateBadFormat}
			}
			n[i] = n[i]*10 + int(r-'0')
		}
	}
	y, m, d := n[0], n[1], n[2]
	switch {
	case m < 1 || m > 12:
		return Date{}, &DateError{Input: s, Reason: DateNoSuchMonth, Year: y, Month: m}
	case d < 1 || d > DaysIn(y, time.Month(m)):
		return Date{}, &DateError{Input: s, Reason: DateNoSuchDay, Year: y, Month: m, Day: d}
	}
	return Date{y, time.Month(m), d}, nil
}

// DaysIn returns the number of days of month m of year y.
func DaysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// DateReason is what is wrong with a date as typed.
type DateReason int

// The reasons a date is not one.
const (
	// DateBadFormat: not written YYYY-MM-DD.
	DateBadFormat DateReason = iota + 1
	// DateNoSuchMonth: the month is not 01 to 12.
	DateNoSuchMonth
	// DateNoSuchDay: the month has no such day.
	DateNoSuchDay
)

// DateError is a date as typed that is not a date, and why. Year, Month
// and Day are the numbers typed, where the format held.
type DateError struct {
	Input  string
	Reason DateReason
	Year   int
	Month  int
	Day    int
}

// Error says what is wrong, in English.
func (e *DateError) Error() string {
	switch e.Reason {
	case DateNoSuchMonth:
		return fmt.Sprintf("there is no month %d", e.Month)
	case DateNoSuchDay:
		m := time.Month(e.Month)
		if m == time.February {
			return fmt.Sprintf("February %d has %d days", e.Year, DaysIn(e.Year, m))
		}
		return fmt.Sprintf("%s has %d days", m, DaysIn(e.Year, m))
	}
	return "write the date as year-month-day, for example 2026-06-01"
}

// DateOf returns the UTC calendar date of t.
func DateOf(t time.Time) Date {
	y, m, d := t.UTC().Date()
	return Date{y, m, d}
}

// IsZero reports whether d is the zero date.
func (d Date) IsZero() bool { return d == Date{} }

// Time returns midnight UTC at the start of d.
func (d Date) Time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// String formats d as YYYY-MM-DD, or "" for the zero date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Time().Format(time.DateOnly)
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Time().Before(e.Time()) }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Time().After(e.Time()) }

// YearsOn returns the completed years from d to on: a person born on d is
// YearsOn(on) years old on the date on. A birthday on 29 February is
// reached on 1 March in a year without one, so the person is still the
// younger age on 28 February (the common-law rule: a year of age is
// complete only when the anniversary date itself has begun).
func (d Date) YearsOn(on Date) int {
	n := on.Year - d.Year
	if on.Month < d.Month || on.Month == d.Month && on.Day < d.Day {
		n--
	}
	return n
}

// MarshalText formats d as YYYY-MM-DD.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText parses YYYY-MM-DD; the empty string is the zero date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	var de *DateError
	if errors.As(err, &de) && de.Reason != DateBadFormat {
		return &Error{Code: EINVALID, Op: "date", Message: de.Error() + ": dates are written YYYY-MM-DD", Err: err}
	} else if err != nil {
		return Errorf(EINVALID, "date", "dates are written YYYY-MM-DD")
	}
	*d = v
	return nil
}

// Pinger is implemented by what can tell whether Haven is ready to serve.
type Pinger interface {
	// Ready returns nil when the database is reachable and its schema current.
	Ready(ctx context.Context) error
}
