package app_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/auth"
	"github.com/havenhrd/haven/internal/store"
)

// sessionIn reports whether the store still holds the session of token.
func (e *env) sessionIn(t testing.TB, token string) bool {
	t.Helper()
	var found bool
	noErr(t, e.store.View(e.ctx, func(tx store.Tx) error {
		_, err := tx.FindSession(e.ctx, auth.HashToken(token))
		if haven.ErrorCodeOf(err) == haven.ENOTFOUND {
			return nil
		}
		found = err == nil
		return err
	}))
	return found
}

// A session found past its idle or absolute limit is ended for good, in a
// transaction that commits although the caller is refused: it is gone
// from the store, and a process whose clock lags cannot revive it.
func TestExpiredSessionEndsForGood(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		withSignIn(t, e)
		_, enrolment := e.newUser(t, "dana")
		secret, _ := e.enrolTOTP(t, enrolment)
		for _, tt := range []struct {
			name  string
			after func(token string)
		}{
			{"idle", func(string) { e.clock.Add(31 * time.Minute) }},
			{"absolute", func(token string) {
				for range 12 * 3 {
					e.clock.Add(20 * time.Minute)
					_, _ = e.app.Accounts.Authenticate(e.ctx, token)
				}
			}},
		} {
			s := e.signInTOTP(t, "dana", secret, "a")
			begun := e.clock.Now()
			tt.after(s.Token)
			_, err := e.app.Accounts.Authenticate(e.ctx, s.Token)
			wantCode(t, err, haven.EUNAUTHORIZED)
			if e.sessionIn(t, s.Token) {
				t.Errorf("%s: the expired session is still in the store after the refused lookup", tt.name)
			}
			// Seen from a clock that lags, the session would be live.
			lag := e.clock.Now().Sub(begun) - time.Minute
			e.clock.Add(-lag)
			_, err = e.app.Accounts.Authenticate(e.ctx, s.Token)
			wantCode(t, err, haven.EUNAUTHORIZED)
			e.clock.Add(lag)
		}
	})
}

// Ended and expired sessions do not pile up: signing in purges them, a
// bounded batch at a time, and live sessions stay.
func TestSignInPurgesDeadSessions(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		withSignIn(t, e)
		_, enrolment := e.newUser(t, "emil")
		secret, _ := e.enrolTOTP(t, enrolment)
		var dead []string
		for i := range 6 {
			s := e.signInTOTP(t, "emil", secret, fmt.Sprint("src-", i))
			if i%2 == 0 {
				noErr(t, e.app.Accounts.SignOut(e.ctx, s.Token))
			}
			dead = append(dead, s.Token)
		}
		e.clock.Add(31 * time.Minute) // the others are idle now
		live := e.signInTOTP(t, "emil", secret, "src-live")
		for i, tok := range dead {
			if e.sessionIn(t, tok) {
				t.Errorf("dead session %d is still in the store after a sign-in", i)
			}
		}
		if !e.sessionIn(t, live.Token) {
			t.Fatal("the new session was purged")
		}
		if _, err := e.app.Accounts.Authenticate(e.ctx, live.Token); err != nil {
			t.Fatalf("the new session after the purge: %v", err)
		}
	})
}

// Purging never shortens a lockout: the counters of a locked account and
// address stay until they no longer count, and a backlog of expired
// sessions, steps and counters goes in bounded batches.
func TestPurgeKeepsLockouts(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		withSignIn(t, e)
		for i := range 5 {
			_, err := e.app.Accounts.SignIn(e.ctx, "ghost", "wrong wrong wrong wrong", fmt.Sprint("addr-", i))
			wantCode(t, err, haven.EUNAUTHORIZED)
		}
		for i := range 20 {
			_, err := e.app.Accounts.SignIn(e.ctx, fmt.Sprint("spray-", i), "wrong wrong wrong wrong", "10.9.9.9")
			wantCode(t, err, haven.EUNAUTHORIZED)
		}
		e.clock.Add(14 * time.Minute)
		p, err := e.app.Accounts.PurgeSignIn(e.ctx, 1000)
		noErr(t, err)
		if p.Counters != 0 {
			t.Errorf("a purge during the lockouts deleted %d counters", p.Counters)
		}
		_, err = e.app.Accounts.SignIn(e.ctx, "ghost", "wrong wrong wrong wrong", "addr-z")
		wantCode(t, err, haven.ETOOMANY)
		_, err = e.app.Accounts.SignIn(e.ctx, "someone", "wrong wrong wrong wrong", "10.9.9.9")
		wantCode(t, err, haven.ETOOMANY)
		// A day later none of them counts: all go, in batches.
		e.clock.Add(auth.AddressLimits().Forgotten() + auth.ClockSkew)
		total := 0
		for {
			p, err := e.app.Accounts.PurgeSignIn(e.ctx, 4)
			noErr(t, err)
			if p.Counters > 4 {
				t.Fatalf("a purge of 4 deleted %d counters", p.Counters)
			}
			total += p.Counters
			if p.Counters < 4 {
				break
			}
		}
		// ghost, 5 addresses, 20 sprayed names, 10.9.9.9.
		if total != 1+5+20+1 {
			t.Errorf("purged %d counters, want %d", total, 1+5+20+1)
		}
	})
}

// The password asked again before a factor changes is guessed no more
// freely than at sign-in: after the account's limit of wrong answers, a
// (stolen) session is refused, the right password included, until the
// lockout ends.
func TestReauthLimited(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		withSignIn(t, e)
		_, enrolment := e.newUser(t, "farid")
		secret, _ := e.enrolTOTP(t, enrolment)
		s := e.signInTOTP(t, "farid", secret, "a")
		max := auth.AccountLimits().Max
		for i := range max {
			_, _, _, err := e.app.Accounts.AddTOTPBegin(e.ctx, s.Token, fmt.Sprint("guess number ", i, " of many"))
			wantCode(t, err, haven.EUNAUTHORIZED)
		}
		_, _, _, err := e.app.Accounts.AddTOTPBegin(e.ctx, s.Token, goodPass)
		wantCode(t, err, haven.ETOOMANY)
		if _, ok := haven.RetryAfterOf(err); !ok {
			t.Error("the refusal carries no wait")
		}
		e.clock.Add(auth.AccountLimits().Window + time.Minute)
		s = e.signInTOTP(t, "farid", secret, "a")
		if _, _, _, err := e.app.Accounts.AddTOTPBegin(e.ctx, s.Token, goodPass); err != nil {
			t.Fatalf("after the lockout: %v", err)
		}
	})
}
