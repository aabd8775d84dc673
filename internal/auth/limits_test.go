package auth_test

import (
	"testing"
	"time"

	"github.com/havenhrd/haven/internal/auth"
)

func TestDefaultLimits(t *testing.T) {
	if l := auth.AccountLimits(); l.Max != 5 || l.Window != 15*time.Minute || l.MaxLockout != time.Hour {
		t.Errorf("AccountLimits = %+v", l)
	}
	if l := auth.AddressLimits(); l.Max != 20 || l.Window != 15*time.Minute || l.MaxLockout != 24*time.Hour {
		t.Errorf("AddressLimits = %+v", l)
	}
}

// step is one event of a limits scenario: at minute at, either a failure
// is recorded (fail), or Allow is asked and must answer ok / retry.
type step struct {
	at    time.Duration
	fail  bool
	ok    bool
	retry time.Duration
}

func TestLimits(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	m := time.Minute
	fails := func(at time.Duration, n int) []step {
		var s []step
		for i := range n {
			s = append(s, step{at: at + time.Duration(i)*time.Second, fail: true})
		}
		return s
	}
	cat := func(parts ...[]step) []step {
		var s []step
		for _, p := range parts {
			s = append(s, p...)
		}
		return s
	}
	tests := []struct {
		name   string
		limits auth.Limits
		steps  []step
	}{
		{"no failures", auth.AccountLimits(), []step{{at: 0, ok: true}}},
		{"four failures", auth.AccountLimits(), cat(fails(0, 4), []step{{at: m, ok: true}})},
		{"five failures lock for 15 minutes", auth.AccountLimits(), cat(fails(0, 5), []step{
			{at: 5 * m, ok: false, retry: 10*m + 4*time.Second},
			{at: 15*m + 3*time.Second, ok: false, retry: time.Second},
			{at: 15*m + 4*time.Second, ok: true},
		})},
		{"lockout doubles, capped at an hour", auth.AccountLimits(), cat(
			fails(0, 5),
			fails(16*m, 1), []step{{at: 16 * m, ok: false, retry: 30 * m}},
			fails(47*m, 1), []step{{at: 47 * m, ok: false, retry: 60 * m}},
			fails(108*m, 1), []step{{at: 108 * m, ok: false, retry: 60 * m}},
			fails(169*m, 1), []step{{at: 169 * m, ok: false, retry: 60 * m}},
		)},
		{"window passes below the limit", auth.AccountLimits(), cat(
			fails(0, 4),
			fails(15*m, 1), // a new window starts: 1 failure
			fails(16*m, 3), []step{{at: 17 * m, ok: true}},
			fails(18*m, 1), []step{{at: 18 * m, ok: false, retry: 15 * m}},
		)},
		{"quiet after a lockout starts afresh", auth.AccountLimits(), cat(
			fails(0, 6), // locked 30 minutes from the 6th failure
			[]step{{at: 31 * m, ok: true}},
			fails(46*m, 1), // 30 + 15 minutes quiet: counts as the first failure
			[]step{{at: 46 * m, ok: true}},
		)},
		{"failing again soon after a lockout doubles it", auth.AccountLimits(), cat(
			fails(0, 6),
			fails(40*m, 1), // within the quiet window after the 30-minute lockout
			[]step{{at: 40 * m, ok: false, retry: 60 * m}},
		)},
		{"address: twenty failures", auth.AddressLimits(), cat(
			fails(0, 19), []step{{at: m, ok: true}},
			fails(2*m, 1), []step{{at: 2 * m, ok: false, retry: 15 * m}},
		)},
		{"zero limits fail closed", auth.Limits{}, []step{{at: 0, ok: false, retry: time.Hour}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var a auth.Attempts
			for i, s := range tt.steps {
				now := t0.Add(s.at)
				if s.fail {
					a = tt.limits.Fail(a, now)
					continue
				}
				ok, retry := tt.limits.Allow(a, now)
				if ok != s.ok || retry != s.retry {
					t.Fatalf("step %d at %v (%+v): Allow = %v, %v; want %v, %v", i, s.at, a, ok, retry, s.ok, s.retry)
				}
			}
		})
	}
}
