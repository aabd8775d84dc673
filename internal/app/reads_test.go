package app_test

import (
	"context"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/app"
	"github.com/havenhrd/haven/internal/auth"
	"github.com/havenhrd/haven/internal/store"
	"github.com/havenhrd/haven/internal/testdb"
)

// countedStore counts the read-write transactions asked of a store.
type countedStore struct {
	store.Store
	updates atomic.Int64
}

func (s *countedStore) Update(ctx context.Context, fn func(store.Tx) error) error {
	s.updates.Add(1)
	return s.Store.Update(ctx, fn)
}

// counted returns e's app on a store that counts its write transactions,
// with sign-in on.
func (e *env) counted(t *testing.T) (*app.App, *countedStore) {
	t.Helper()
	withSignIn(t, e)
	cs := &countedStore{Store: e.store}
	cheap := auth.Params{Time: 1, Memory: 64, Threads: 1}
	h := must[*auth.Hasher](t)(auth.NewHasher(auth.HasherConfig{Params: cheap, Floor: cheap}))
	return app.New(app.Config{Store: cs, Vault: e.vault(t), Clock: e.clock, AuditSigner: signer(t, e.keys), Hasher: h}), cs
}

// wantChanged fails unless exactly the tables want changed between the
// two digests (audit_* standing for every table of the audit log).
func wantChanged(t *testing.T, what string, before, after map[string]string, want ...string) {
	t.Helper()
	var got []string
	for _, table := range testdb.Changed(before, after) {
		if strings.HasPrefix(table, "audit_") {
			table = "audit_*"
		}
		if !slices.Contains(got, table) {
			got = append(got, table)
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("%s changed %v, want %v", what, got, want)
	}
}

// TestReadsWriteOnlyWhatTheyMust: list reads and authenticated requests
// within a minute change no row and open no write transaction; past a
// minute, a request writes its session's or token's one touch; a read of
// a case's sensitive view writes its audit event and nothing else.
func TestReadsWriteOnlyWhatTheyMust(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		a, cs := e.counted(t)
		_, enrolment := e.newUser(t, "dana")
		secret, _ := e.enrolTOTP(t, enrolment)
		s := e.signInTOTP(t, "dana", secret, "a")
		tok, _, err := a.Accounts.CreateAPIToken(e.ctx, e.admin, e.unhcr.UserID, "proGres", 30*24*time.Hour)
		noErr(t, err)
		c := e.refer(t, referral("reads", 3, haven.PriorityNormal))
		c = e.inAdmissibility(t, c)
		e.assignAll(t, c)
		// Both are written at this use: the session's last use (its
		// sign-in) is over a minute old and the token was never used.
		e.clock.Add(30 * time.Second)
		must[haven.Actor](t)(a.Accounts.Authenticate(e.ctx, s.Token))
		must[haven.Actor](t)(a.Accounts.AuthenticateToken(e.ctx, tok))

		before, updates := testdb.Rows(t, e.store), cs.updates.Load()
		for range 5 {
			e.clock.Add(10 * time.Second)
			must[haven.Actor](t)(a.Accounts.Authenticate(e.ctx, s.Token))
			must[haven.Actor](t)(a.Accounts.AuthenticateToken(e.ctx, tok))
			for _, actor := range []haven.Actor{e.visa, e.unhcr, e.fld} {
				_, _, err := a.Cases.FindCases(e.ctx, actor, app.CaseFilter{})
				noErr(t, err)
				must[[]*haven.Nomination](t)(a.Nominations.FindNominations(e.ctx, actor, ""))
				must[bool](t)(a.Cases.MayRefer(e.ctx, actor))
			}
			must[*haven.CapFigures](t)(a.Programme.CapFigures(e.ctx, e.admin, 2026))
			must[*haven.ProgrammeRules](t)(a.Programme.FindRules(e.ctx, e.visa, 2026))
			must[[]*haven.Organisation](t)(a.Programme.FindOrganisations(e.ctx, e.admin, ""))
			must[[]*haven.Account](t)(a.Accounts.FindAccounts(e.ctx, e.admin, ""))
		}
		after := testdb.Rows(t, e.store)
		wantChanged(t, "50 s of list reads and authenticated requests", before, after)
		if n := cs.updates.Load() - updates; n != 0 {
			t.Fatalf("50 s of list reads and authenticated requests opened %d write transactions", n)
		}

		// A minute after the last touch, one request writes one touch.
		e.clock.Add(11 * time.Second)
		before = after
		must[haven.Actor](t)(a.Accounts.Authenticate(e.ctx, s.Token))
		must[haven.Actor](t)(a.Accounts.Authenticate(e.ctx, s.Token))
		after = testdb.Rows(t, e.store)
		wantChanged(t, "two page requests a minute on", before, after, "sessions")
		before = after
		must[haven.Actor](t)(a.Accounts.AuthenticateToken(e.ctx, tok))
		must[haven.Actor](t)(a.Accounts.AuthenticateToken(e.ctx, tok))
		after = testdb.Rows(t, e.store)
		wantChanged(t, "two API requests a minute on", before, after, "api_tokens")

		// A read of a sensitive view writes its audit event, and only it.
		before, events := after, len(e.auditEvents(t))
		must[*haven.Case](t)(a.Cases.FindCaseByID(e.ctx, e.visa, c.ID))
		wantChanged(t, "a case read", before, testdb.Rows(t, e.store), "audit_*")
		evs := e.auditEvents(t)
		if len(evs) != events+1 || evs[len(evs)-1].Action != "case.read" {
			t.Fatalf("a case read appended %d events, want one case.read", len(evs)-events)
		}
		// So do the partners' reads of the members they examine.
		before = testdb.Rows(t, e.store)
		must[[]*haven.Case](t)(a.Cases.FindAssignedWork(e.ctx, e.screening))
		must[[]*haven.CheckRequest](t)(a.Cases.FindCheckRequests(e.ctx, e.medical))
		wantChanged(t, "the partners' work reads", before, testdb.Rows(t, e.store), "audit_*")
	})
}

func setClock(e *env, at time.Time) { e.clock.Add(at.Sub(e.clock.Now())) }

// TestTouchEveryMinuteKeepsIdleLimitsSafe: a use within a minute of the
// stored last use writes nothing, a use a minute or more after writes it,
// and the idle limit runs from the stored time: a session can end up to a
// minute before its idle limit from its last real use, never after.
func TestTouchEveryMinuteKeepsIdleLimitsSafe(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		withSignIn(t, e)
		_, enrolment := e.newUser(t, "emre")
		secret, _ := e.enrolTOTP(t, enrolment)
		s := e.signInTOTP(t, "emre", secret, "a")
		seen := func() time.Time {
			t.Helper()
			var got time.Time
			noErr(t, e.store.View(e.ctx, func(tx store.Tx) error {
				ss, err := tx.FindSession(e.ctx, auth.HashToken(s.Token))
				if err == nil {
					got = ss.LastSeenAt
				}
				return err
			}))
			return got
		}
		signedIn := seen() // 31 s ago (signInTOTP moves the clock on)
		e.clock.Add(28 * time.Second)
		must[haven.Actor](t)(e.app.Accounts.Authenticate(e.ctx, s.Token)) // 59 s
		if got := seen(); !got.Equal(signedIn) {
			t.Fatalf("a use 59 s after the last moved last_seen_at to %v", got)
		}
		e.clock.Add(2 * time.Second)
		must[haven.Actor](t)(e.app.Accounts.Authenticate(e.ctx, s.Token)) // 61 s
		touched := seen()
		if !touched.Equal(e.clock.Now()) {
			t.Fatalf("a use 61 s after the last left last_seen_at at %v, want %v", touched, e.clock.Now())
		}
		// Used again 59 s later: not written, so the idle limit (30
		// minutes) runs from the stored time, and the session ends then,
		// 59 s before 30 minutes have passed since that last use.
		e.clock.Add(59 * time.Second)
		must[haven.Actor](t)(e.app.Accounts.Authenticate(e.ctx, s.Token))
		setClock(e, touched.Add(30*time.Minute-time.Second))
		if _, err := e.app.Accounts.Authenticate(e.ctx, s.Token); err != nil {
			t.Fatalf("within the idle limit of the stored time: %v", err)
		}
		// That use was 29 min 59 s after the stored one: it writes.
		if got := seen(); !got.Equal(e.clock.Now()) {
			t.Fatalf("last_seen_at %v, want %v", got, e.clock.Now())
		}
		last := e.clock.Now()
		e.clock.Add(59 * time.Second)
		must[haven.Actor](t)(e.app.Accounts.Authenticate(e.ctx, s.Token))
		setClock(e, last.Add(30*time.Minute))
		_, err := e.app.Accounts.Authenticate(e.ctx, s.Token)
		wantCode(t, err, haven.EUNAUTHORIZED)
	})
}
