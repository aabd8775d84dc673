package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/store"
)

// testPurgeSessions fills the table with many sessions, live and dead in
// every way, and purges it in bounded batches until nothing is left to
// purge: every dead session is gone, every live one stays untouched.
func testPurgeSessions(t *testing.T, s store.Store) {
	f := seed(t, s)
	ctx := context.Background()
	seenBefore, createdBefore := t0.Add(-30*time.Minute), t0.Add(-12*time.Hour)
	type kind struct {
		name          string
		created, seen time.Time
		ended         bool
		dead          bool
	}
	kinds := []kind{
		{"live", t0.Add(-time.Hour), t0.Add(-time.Minute), false, false},
		{"live at the idle cut", t0.Add(-time.Hour), seenBefore, false, false},
		{"live at the absolute cut", createdBefore, t0, false, false},
		{"ended", t0.Add(-time.Hour), t0, true, true},
		{"idle", t0.Add(-time.Hour), seenBefore.Add(-time.Nanosecond), false, true},
		{"too old", createdBefore.Add(-time.Second), t0, false, true},
		{"ended, idle and too old", createdBefore.Add(-time.Hour), createdBefore, true, true},
	}
	const each = 60
	var live, dead []*store.Session
	update(t, s, func(tx store.Tx) error {
		for i := range each {
			for j, k := range kinds {
				ss := &store.Session{TokenHash: hash(fmt.Sprintf("purge-%d-%d", j, i)), UserID: f.user.ID, SecondFactor: "totp",
					Source: "src", CreatedAt: k.created, LastSeenAt: k.seen}
				if err := tx.CreateSession(ctx, ss); err != nil {
					return err
				}
				if k.ended {
					if err := tx.EndSession(ctx, ss.TokenHash, k.seen); err != nil {
						return err
					}
				}
				if k.dead {
					dead = append(dead, ss)
				} else {
					live = append(live, ss)
				}
			}
		}
		return nil
	})
	const limit = 50
	total, batches := 0, 0
	for {
		var n int
		update(t, s, func(tx store.Tx) (err error) {
			n, err = tx.PurgeSessions(ctx, seenBefore, createdBefore, limit)
			return err
		})
		if n > limit {
			t.Fatalf("PurgeSessions deleted %d sessions with a limit of %d", n, limit)
		}
		total += n
		batches++
		if n < limit || batches > len(dead) {
			break
		}
	}
	if total != len(dead) {
		t.Errorf("purged %d sessions in %d batches, want the %d dead ones", total, batches, len(dead))
	}
	if want := (len(dead) + limit) / limit; batches != want {
		t.Errorf("%d batches of at most %d for %d dead sessions, want %d", batches, limit, len(dead), want)
	}
	view(t, s, func(tx store.Tx) error {
		for _, ss := range dead {
			if _, err := tx.FindSession(ctx, ss.TokenHash); haven.ErrorCodeOf(err) != haven.ENOTFOUND {
				return fmt.Errorf("a dead session (created %v, seen %v) after the purge: %v", ss.CreatedAt, ss.LastSeenAt, err)
			}
		}
		for _, ss := range live {
			got, err := tx.FindSession(ctx, ss.TokenHash)
			if err != nil {
				return fmt.Errorf("a live session (created %v, seen %v) after the purge: %w", ss.CreatedAt, ss.LastSeenAt, err)
			}
			if !got.EndedAt.IsZero() || !got.LastSeenAt.Equal(ss.LastSeenAt) {
				t.Errorf("a live session changed: %+v", got)
			}
		}
		return nil
	})
	// A read-only transaction cannot purge.
	if err := s.View(ctx, func(tx store.Tx) error { _, err := tx.PurgeSessions(ctx, t0, t0, limit); return err }); err == nil {
		t.Error("PurgeSessions succeeded in a read-only transaction")
	}
}

// testPurgeBounded: the purges of sign-in counters and challenges delete
// at most their limit, and what is left is purged next time.
func testPurgeBounded(t *testing.T, s store.Store) {
	ctx := context.Background()
	const n = 7
	update(t, s, func(tx store.Tx) error {
		for i := range n {
			if _, err := tx.RecordFailure(ctx, fmt.Sprint("addr:stale-", i), t0, time.Minute); err != nil {
				return err
			}
			c := &store.Challenge{ID: fmt.Sprint("ch_expired_", i), Kind: "login", Data: `{}`, ExpiresAt: t0}
			if err := tx.PutChallenge(ctx, c); err != nil {
				return err
			}
		}
		if _, err := tx.RecordFailure(ctx, "addr:recent", t0.Add(time.Hour), time.Minute); err != nil {
			return err
		}
		return tx.PutChallenge(ctx, &store.Challenge{ID: "ch_live", Kind: "login", Data: `{}`, ExpiresAt: t0.Add(time.Hour)})
	})
	for _, tt := range []struct {
		name  string
		purge func(tx store.Tx, limit int) (int, error)
	}{
		{"DeleteStaleAttempts", func(tx store.Tx, limit int) (int, error) {
			return tx.DeleteStaleAttempts(ctx, t0.Add(time.Minute), limit)
		}},
		{"DeleteExpiredChallenges", func(tx store.Tx, limit int) (int, error) {
			return tx.DeleteExpiredChallenges(ctx, t0.Add(time.Minute), limit)
		}},
	} {
		var got []int
		for _, limit := range []int{3, 3, 3, 3} {
			update(t, s, func(tx store.Tx) error {
				d, err := tt.purge(tx, limit)
				got = append(got, d)
				return err
			})
		}
		if fmt.Sprint(got) != "[3 3 1 0]" {
			t.Errorf("%s in batches of 3 deleted %v, want [3 3 1 0]", tt.name, got)
		}
	}
	view(t, s, func(tx store.Tx) error {
		if a, err := tx.FindAttempts(ctx, "addr:recent"); err != nil || a.Failures != 1 {
			t.Errorf("recent counters after the purge: %+v, %v", a, err)
		}
		return nil
	})
	update(t, s, func(tx store.Tx) error {
		_, err := tx.TakeChallenge(ctx, "ch_live", t0)
		return err
	})
}
