package auth

import (
	"errors"
	"time"

	"github.com/havenhrd/haven"
)

// ClockSkew is how far in the future a session's times may be, because
// several Haven processes with slightly different clocks share one
// database.
const ClockSkew = time.Minute

// Causes of the errors SessionPolicy.Valid returns, for the log and for
// telling the user why they must sign in again.
var (
	// ErrSessionIdle: the session was not used for longer than Idle.
	ErrSessionIdle = errors.New("auth: session idle too long")
	// ErrSessionExpired: the session is older than Absolute.
	ErrSessionExpired = errors.New("auth: session too old")
	// ErrSessionInvalid: the session's times are impossible.
	ErrSessionInvalid = errors.New("auth: session times invalid")
)

// SessionPolicy bounds the life of a session (ASVS 5.0 V7.3): it ends after
// Idle without use, and Absolute after sign-in whatever the use.
type SessionPolicy struct {
	Idle     time.Duration
	Absolute time.Duration
}

// DefaultSessionPolicy returns 30 minutes idle and 12 hours absolute: a
// working day, with the screen of a caseworker who walks away locked within
// half an hour.
func DefaultSessionPolicy() SessionPolicy {
	return SessionPolicy{Idle: 30 * time.Minute, Absolute: 12 * time.Hour}
}

// Valid returns nil when a session created (signed in) at created and last
// used at lastSeen may be used at now. Otherwise it returns EUNAUTHORIZED
// with cause ErrSessionIdle, ErrSessionExpired or ErrSessionInvalid (times
// out of order, or more than ClockSkew in the future). A policy with a zero
// or negative bound accepts no session (EINTERNAL): it fails closed.
func (p SessionPolicy) Valid(created, lastSeen, now time.Time) error {
	const op = "auth.SessionPolicy.Valid"
	if p.Idle <= 0 || p.Absolute <= 0 {
		return haven.Internal(op, errors.New("session policy has a zero bound"))
	}
	end := func(cause error) error {
		return &haven.Error{Code: haven.EUNAUTHORIZED, Op: op, Message: "the session has ended; sign in again", Err: cause}
	}
	switch {
	case created.IsZero() || lastSeen.Before(created) ||
		created.After(now.Add(ClockSkew)) || lastSeen.After(now.Add(ClockSkew)):
		return end(ErrSessionInvalid)
	case now.Sub(created) >= p.Absolute:
		return end(ErrSessionExpired)
	case now.Sub(lastSeen) >= p.Idle:
		return end(ErrSessionIdle)
	}
	return nil
}

// ExpiresAt returns when a session created at created and last used at
// lastSeen ends if not used again: the sooner of the idle and absolute
// limits. Use it for the cookie's expiry and to delete ended sessions.
func (p SessionPolicy) ExpiresAt(created, lastSeen time.Time) time.Time {
	idle, abs := lastSeen.Add(p.Idle), created.Add(p.Absolute)
	if idle.Before(abs) {
		return idle
	}
	return abs
}
