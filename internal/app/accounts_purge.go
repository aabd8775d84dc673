package app

import (
	"context"

	"github.com/havenhrd/haven/internal/auth"
	"github.com/havenhrd/haven/internal/store"
)

// purgeBatch bounds each purge, so that no sign-in pays for a backlog: a
// batch deletes more than one sign-in adds (a session, a step, two
// counters), so the tables shrink back to what is live.
const purgeBatch = 100

// Purged counts what one purge deleted.
type Purged struct {
	Sessions, Steps, Counters int
}

// PurgeSignIn deletes, up to limit of each, the sign-in records of no more
// use: sessions ended or past their idle or absolute limit, sign-in and
// enrolment steps expired, and failed-attempt counters that no longer
// count, and returns how many of each. Each purge is one transaction of
// the database's, so any number of processes may purge at once. Sign-in
// purges a batch as it goes.
func (a *Accounts) PurgeSignIn(ctx context.Context, limit int) (Purged, error) {
	var p Purged
	now := a.now()
	forget := max(auth.AccountLimits().Forgotten(), auth.AddressLimits().Forgotten())
	err := a.store.Update(ctx, func(tx store.Tx) (err error) {
		// Dead by the clock of every process: one whose clock runs ahead
		// must not purge what the others still serve.
		skew := now.Add(-auth.ClockSkew)
		if p.Sessions, err = tx.PurgeSessions(ctx, skew.Add(-a.sessions.Idle), skew.Add(-a.sessions.Absolute), limit); err != nil {
			return err
		}
		if p.Steps, err = tx.DeleteExpiredChallenges(ctx, now, limit); err != nil {
			return err
		}
		p.Counters, err = tx.DeleteStaleAttempts(ctx, skew.Add(-forget), limit)
		return err
	})
	return p, err
}

// purge runs a bounded purge after a sign-in's own transaction. A failure
// is logged, never the caller's: the sign-in stands, and the next purge
// takes up what this one left.
func (a *Accounts) purge(ctx context.Context) {
	if _, err := a.PurgeSignIn(ctx, purgeBatch); err != nil {
		a.log.WarnContext(ctx, "sign-in purge failed", "err", err.Error())
	}
}
