package auth

import "time"

// Attempts are the failure counters of one key (an account, or a source
// address), as the app layer stores them. The zero value is a key with no
// failures.
type Attempts struct {
	// Failures counts failures since First.
	Failures int
	// First is when the first of them happened: the start of the window.
	First time.Time
	// Last is when the latest happened.
	Last time.Time
}

// Limits decide when failed sign-in attempts lock a key out (ASVS 5.0
// V6.3.1). Up to Max failures are allowed within Window of the first; the
// Max-th locks the key for Window after it, and each further failure doubles
// the lockout, up to MaxLockout. A key quiet for Window after its lockout
// ends starts afresh. The decision is pure: the counters live in the
// database, shared by every Haven process, and the app layer reads them,
// asks Allow, and writes back Fail's result (or zero Attempts after a
// success on an account) in one transaction.
//
// The window is fixed, not sliding, so a patient attacker can fit at most
// 2×Max−1 failures into one Window around its boundary; the lockout that
// follows is what bounds guessing over time.
type Limits struct {
	Max        int
	Window     time.Duration
	MaxLockout time.Duration
}

// AccountLimits returns the limits per account: 5 failures in 15 minutes,
// then lockouts of 15, 30, 60 minutes, capped at 1 hour. The cap is low
// because whoever knows a defender's username can lock them out: with
// 15-character passwords and a breach blocklist, 24 guesses a day are no
// threat, while a day-long lockout would be one.
func AccountLimits() Limits {
	return Limits{Max: 5, Window: 15 * time.Minute, MaxLockout: time.Hour}
}

// AddressLimits returns the limits per source address: 20 failures in 15
// minutes, then lockouts doubling from 15 minutes up to 24 hours, against
// one address trying many accounts.
func AddressLimits() Limits {
	return Limits{Max: 20, Window: 15 * time.Minute, MaxLockout: 24 * time.Hour}
}

// Allow reports whether one more attempt may be made now with counters a,
// and if not, how long until one may. Limits with a zero Max or Window allow
// nothing: they fail closed.
func (l Limits) Allow(a Attempts, now time.Time) (ok bool, retryAfter time.Duration) {
	if l.Max <= 0 || l.Window <= 0 {
		return false, time.Hour
	}
	if l.stale(a, now) || a.Failures < l.Max {
		return true, 0
	}
	until := a.Last.Add(l.lockout(a.Failures))
	if now.Before(until) {
		return false, until.Sub(now)
	}
	return true, 0
}

// Forgotten returns how long after its last failure a key's counters stop
// counting whatever they hold: the longest lockout, then a quiet Window.
// Counters older than that may be deleted; deleting them changes nothing.
func (l Limits) Forgotten() time.Duration {
	return max(l.MaxLockout, l.Window) + l.Window
}

// Fail returns the counters after a failure at now.
func (l Limits) Fail(a Attempts, now time.Time) Attempts {
	if l.stale(a, now) {
		return Attempts{Failures: 1, First: now, Last: now}
	}
	a.Failures++
	a.Last = now
	return a
}

// stale reports whether a no longer counts at now: no failures, a window
// that passed without reaching Max, or a lockout followed by a quiet
// Window.
func (l Limits) stale(a Attempts, now time.Time) bool {
	switch {
	case a.Failures <= 0:
		return true
	case a.Failures < l.Max:
		return now.Sub(a.First) >= l.Window
	default:
		return now.Sub(a.Last) >= l.lockout(a.Failures)+l.Window
	}
}

// lockout returns how long failures (at least Max) lock the key:
// Window × 2^(failures−Max), capped at MaxLockout (or at Window when
// MaxLockout is smaller).
func (l Limits) lockout(failures int) time.Duration {
	ceiling := max(l.MaxLockout, l.Window)
	d := l.Window
	for i := l.Max; i < failures && d < ceiling; i++ {
		d *= 2
	}
	return min(d, ceiling)
}
