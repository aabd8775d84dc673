package storetest

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/store"
)

// SharedOpener returns n stores on one fresh, migrated, empty database, as
// n Haven processes would hold it; all are closed when the test ends.
type SharedOpener func(tb testing.TB, n int) []store.Store

// sharedTests are the tests of rules the store keeps across processes.
// Run runs them on one store, RunShared on several sharing one database.
var sharedTests = []struct {
	name string
	fn   func(*testing.T, []store.Store)
}{
	{"TOTPStepSingleUse", testTOTPSingleUse},
	{"RecoveryCodeSingleUse", testRecoveryCodeSingleUse},
	{"ChallengeSingleUse", testChallengeSingleUse},
	{"EnrolmentSingleUse", testEnrolmentSingleUse},
	{"PasskeyCounterSingleUse", testPasskeyCounterSingleUse},
	{"AttemptsCountEveryFailure", testAttemptsConcurrent},
}

// RunShared runs the tests of the rules the store keeps across processes
// with several stores on one database, each goroutine of a test on one of
// them in turn.
func RunShared(t *testing.T, open SharedOpener) {
	for _, tt := range sharedTests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, open(t, 4)) })
	}
}

// racers is how many goroutines a single-use test sets on one secret.
const racers = 20

// race calls fn from racers goroutines at once, goroutine i in an Update on
// stores[i%len(stores)], and returns how many succeeded. Every failure must
// carry code.
func race(t *testing.T, stores []store.Store, code haven.ErrorCode, fn func(ctx context.Context, tx store.Tx, i int) error) int {
	t.Helper()
	ctx := context.Background()
	var ok atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, racers)
	for i := range racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			err := stores[i%len(stores)].Update(ctx, func(tx store.Tx) error { return fn(ctx, tx, i) })
			switch haven.ErrorCodeOf(err) {
			case "":
				ok.Add(1)
			case code:
			default:
				errs <- err
			}
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("unexpected error: %v", err)
	}
	return int(ok.Load())
}

// hash returns a 32-byte stand-in for a token hash.
func hash(s string) []byte {
	return bytes.Repeat([]byte(s), 32/len(s)+1)[:32]
}

// secondUser stores another user of f's visa office.
func secondUser(t testing.TB, s store.Store, f fixture) *haven.User {
	t.Helper()
	u := &haven.User{ID: "usr_2", OrgID: f.visa.ID, Role: haven.RoleSupervisor, Username: "second", DisplayName: "Second", CreatedAt: t0}
	update(t, s, func(tx store.Tx) error { return tx.CreateUser(context.Background(), u) })
	return u
}

func testDisableUser(t *testing.T, s store.Store) {
	f := seed(t, s)
	ctx := context.Background()
	at := t0.Add(time.Hour)
	update(t, s, func(tx store.Tx) error { return tx.DisableUser(ctx, f.user.ID, at) })
	view(t, s, func(tx store.Tx) error {
		u, err := tx.FindUserByID(ctx, f.user.ID)
		if err != nil {
			return err
		}
		if !u.DisabledAt.Equal(at) {
			t.Errorf("disabled at %v, want %v", u.DisabledAt, at)
		}
		return nil
	})
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.DisableUser(ctx, f.user.ID, at.Add(time.Hour)) }), haven.ECONFLICT)
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.DisableUser(ctx, "usr_missing", at) }), haven.ENOTFOUND)
	update(t, s, func(tx store.Tx) error { return tx.EnableUser(ctx, f.user.ID) })
	view(t, s, func(tx store.Tx) error {
		u, err := tx.FindUserByID(ctx, f.user.ID)
		if err != nil {
			return err
		}
		if !u.DisabledAt.IsZero() {
			t.Errorf("enabled user still disabled at %v", u.DisabledAt)
		}
		return nil
	})
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.EnableUser(ctx, f.user.ID) }), haven.ECONFLICT)
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.EnableUser(ctx, "usr_missing") }), haven.ENOTFOUND)
}

func testPasswords(t *testing.T, s store.Store) {
	f := seed(t, s)
	ctx := context.Background()
	view(t, s, func(tx store.Tx) error {
		_, err := tx.FindPassword(ctx, f.user.ID)
		wantCode(t, err, haven.ENOTFOUND)
		return nil
	})
	const phc1, phc2 = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA", "$argon2id$v=19$m=65536,t=3,p=4$c2FsdDI$aGFzaDI"
	update(t, s, func(tx store.Tx) error { return tx.PutPassword(ctx, f.user.ID, phc1, t0) })
	update(t, s, func(tx store.Tx) error { return tx.PutPassword(ctx, f.user.ID, phc2, t0.Add(time.Hour)) })
	view(t, s, func(tx store.Tx) error {
		got, err := tx.FindPassword(ctx, f.user.ID)
		if err != nil {
			return err
		}
		if got != phc2 {
			t.Errorf("password = %q, want the replacement %q", got, phc2)
		}
		return nil
	})
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.PutPassword(ctx, "usr_missing", phc1, t0) }), haven.EINVALID)
}

func testTOTP(t *testing.T, s store.Store) {
	f := seed(t, s)
	ctx := context.Background()
	secret := store.Sealed{0xde, 0xad, 0xbe, 0xef}
	update(t, s, func(tx store.Tx) error { return tx.PutTOTP(ctx, f.user.ID, secret, t0) })
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.PutTOTP(ctx, f.user.ID, store.Sealed{1}, t0) }), haven.ECONFLICT)
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.PutTOTP(ctx, "usr_missing", secret, t0) }), haven.EINVALID)
	view(t, s, func(tx store.Tx) error {
		got, err := tx.FindTOTP(ctx, f.user.ID)
		if err != nil {
			return err
		}
		if got.UserID != f.user.ID || !bytes.Equal(got.Secret, secret) || got.LastStep != 0 || !got.CreatedAt.Equal(t0) {
			t.Errorf("factor = %+v", got)
		}
		return nil
	})
	const step = 58_000_000
	update(t, s, func(tx store.Tx) error { return tx.UseTOTPStep(ctx, f.user.ID, step) })
	// The same code again, and an older one, are refused.
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.UseTOTPStep(ctx, f.user.ID, step) }), haven.ECONFLICT)
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.UseTOTPStep(ctx, f.user.ID, step-1) }), haven.ECONFLICT)
	update(t, s, func(tx store.Tx) error { return tx.UseTOTPStep(ctx, f.user.ID, step+1) })
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.UseTOTPStep(ctx, "usr_missing", step) }), haven.ENOTFOUND)
	view(t, s, func(tx store.Tx) error {
		got, err := tx.FindTOTP(ctx, f.user.ID)
		if err != nil {
			return err
		}
		if got.LastStep != step+1 {
			t.Errorf("last step = %d, want %d", got.LastStep, step+1)
		}
		return nil
	})
	update(t, s, func(tx store.Tx) error { return tx.DeleteTOTP(ctx, f.user.ID) })
	view(t, s, func(tx store.Tx) error {
		_, err := tx.FindTOTP(ctx, f.user.ID)
		wantCode(t, err, haven.ENOTFOUND)
		return nil
	})
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.DeleteTOTP(ctx, f.user.ID) }), haven.ENOTFOUND)
	// A new factor starts afresh.
	update(t, s, func(tx store.Tx) error { return tx.PutTOTP(ctx, f.user.ID, secret, t0) })
	update(t, s, func(tx store.Tx) error { return tx.UseTOTPStep(ctx, f.user.ID, step) })
}

// testTOTPSingleUse presents one code from many processes at once: exactly
// one sign-in accepts it.
func testTOTPSingleUse(t *testing.T, ss []store.Store) {
	f := seed(t, ss[0])
	ctx := context.Background()
	update(t, ss[0], func(tx store.Tx) error { return tx.PutTOTP(ctx, f.user.ID, store.Sealed{1, 2}, t0) })
	const step = 58_000_000
	n := race(t, ss, haven.ECONFLICT, func(ctx context.Context, tx store.Tx, _ int) error {
		return tx.UseTOTPStep(ctx, f.user.ID, step)
	})
	if n != 1 {
		t.Fatalf("%d sign-ins accepted one TOTP code, want 1", n)
	}
	view(t, ss[0], func(tx store.Tx) error {
		got, err := tx.FindTOTP(ctx, f.user.ID)
		if err != nil {
			return err
		}
		if got.LastStep != step {
			t.Errorf("last step = %d, want %d", got.LastStep, step)
		}
		return nil
	})
}

func testPasskeys(t *testing.T, s store.Store) {
	f := seed(t, s)
	u2 := secondUser(t, s, f)
	ctx := context.Background()
	p1 := &store.Passkey{ID: []byte("cred-1"), UserID: f.user.ID, Name: "YubiKey", Credential: `{"id":"Y3JlZC0x"}`, SignCount: 3, CreatedAt: t0}
	p2 := &store.Passkey{ID: []byte("cred-2"), UserID: f.user.ID, Name: "Phone", Credential: `{"id":"Y3JlZC0y"}`, CreatedAt: t0.Add(time.Minute)}
	p3 := &store.Passkey{ID: []byte("cred-3"), UserID: u2.ID, Name: "Laptop", Credential: `{}`, CreatedAt: t0}
	update(t, s, func(tx store.Tx) error {
		for _, p := range []*store.Passkey{p2, p1, p3} {
			if err := tx.CreatePasskey(ctx, p); err != nil {
				return err
			}
		}
		return nil
	})
	dup := *p1
	dup.UserID = u2.ID
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.CreatePasskey(ctx, &dup) }), haven.ECONFLICT)
	orphan := *p1
	orphan.ID, orphan.UserID = []byte("cred-x"), "usr_missing"
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.CreatePasskey(ctx, &orphan) }), haven.EINVALID)
	view(t, s, func(tx store.Tx) error {
		ps, err := tx.FindPasskeys(ctx, f.user.ID)
		if err != nil {
			return err
		}
		if len(ps) != 2 || !bytes.Equal(ps[0].ID, p1.ID) || !bytes.Equal(ps[1].ID, p2.ID) {
			t.Fatalf("passkeys = %+v, want cred-1, cred-2", ps)
		}
		if ps[0].Name != "YubiKey" || ps[0].Credential != p1.Credential || ps[0].SignCount != 3 || !ps[0].CreatedAt.Equal(t0) || !ps[0].LastUsedAt.IsZero() {
			t.Errorf("passkey = %+v", ps[0])
		}
		got, err := tx.FindPasskeyByID(ctx, p3.ID)
		if err != nil {
			return err
		}
		if got.UserID != u2.ID || got.Name != "Laptop" {
			t.Errorf("by ID = %+v", got)
		}
		_, err = tx.FindPasskeyByID(ctx, []byte("cred-x"))
		wantCode(t, err, haven.ENOTFOUND)
		return nil
	})
	used := t0.Add(time.Hour)
	update(t, s, func(tx store.Tx) error { return tx.UpdatePasskeyUse(ctx, p1.ID, 4, `{"count":4}`, used) })
	// A counter that did not rise is refused, and changes nothing.
	for _, n := range []int64{4, 2, 0} {
		wantCode(t, s.Update(ctx, func(tx store.Tx) error {
			return tx.UpdatePasskeyUse(ctx, p1.ID, n, `{"stale":true}`, used.Add(time.Hour))
		}), haven.ECONFLICT)
	}
	// An authenticator without a counter reports 0 every time.
	update(t, s, func(tx store.Tx) error { return tx.UpdatePasskeyUse(ctx, p2.ID, 0, `{"count":0}`, used) })
	update(t, s, func(tx store.Tx) error {
		return tx.UpdatePasskeyUse(ctx, p2.ID, 0, `{"count":0}`, used.Add(time.Minute))
	})
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.UpdatePasskeyUse(ctx, []byte("cred-x"), 9, `{}`, used) }), haven.ENOTFOUND)
	view(t, s, func(tx store.Tx) error {
		got, err := tx.FindPasskeyByID(ctx, p1.ID)
		if err != nil {
			return err
		}
		if got.SignCount != 4 || got.Credential != `{"count":4}` || !got.LastUsedAt.Equal(used) {
			t.Errorf("after use = %+v", got)
		}
		got, err = tx.FindPasskeyByID(ctx, p2.ID)
		if err != nil {
			return err
		}
		if got.SignCount != 0 || !got.LastUsedAt.Equal(used.Add(time.Minute)) {
			t.Errorf("counterless passkey after use = %+v", got)
		}
		return nil
	})
	// A user cannot delete another's passkey.
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.DeletePasskey(ctx, u2.ID, p1.ID) }), haven.ENOTFOUND)
	update(t, s, func(tx store.Tx) error { return tx.DeletePasskey(ctx, f.user.ID, p1.ID) })
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.DeletePasskey(ctx, f.user.ID, p1.ID) }), haven.ENOTFOUND)
	view(t, s, func(tx store.Tx) error {
		ps, err := tx.FindPasskeys(ctx, f.user.ID)
		if err != nil {
			return err
		}
		if len(ps) != 1 || !bytes.Equal(ps[0].ID, p2.ID) {
			t.Errorf("passkeys after delete = %+v", ps)
		}
		return nil
	})
}

// testPasskeyCounterSingleUse presents one assertion (one counter value)
// from many processes at once: exactly one records it.
func testPasskeyCounterSingleUse(t *testing.T, ss []store.Store) {
	f := seed(t, ss[0])
	ctx := context.Background()
	p := &store.Passkey{ID: []byte("cred-1"), UserID: f.user.ID, Name: "YubiKey", Credential: `{}`, SignCount: 7, CreatedAt: t0}
	update(t, ss[0], func(tx store.Tx) error { return tx.CreatePasskey(ctx, p) })
	n := race(t, ss, haven.ECONFLICT, func(ctx context.Context, tx store.Tx, i int) error {
		return tx.UpdatePasskeyUse(ctx, p.ID, 8, fmt.Sprintf(`{"by":%d}`, i), t0.Add(time.Hour))
	})
	if n != 1 {
		t.Fatalf("%d sign-ins recorded one counter value, want 1", n)
	}
}

func testRecoveryCodes(t *testing.T, s store.Store) {
	f := seed(t, s)
	u2 := secondUser(t, s, f)
	ctx := context.Background()
	first := [][]byte{hash("a"), hash("b"), hash("c")}
	update(t, s, func(tx store.Tx) error {
		if err := tx.PutRecoveryCodes(ctx, f.user.ID, first, t0); err != nil {
			return err
		}
		return tx.PutRecoveryCodes(ctx, u2.ID, [][]byte{hash("z")}, t0)
	})
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.PutRecoveryCodes(ctx, "usr_missing", first, t0) }), haven.EINVALID)
	used := t0.Add(time.Hour)
	update(t, s, func(tx store.Tx) error { return tx.UseRecoveryCode(ctx, f.user.ID, 1, used) })
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.UseRecoveryCode(ctx, f.user.ID, 1, used) }), haven.ECONFLICT)
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.UseRecoveryCode(ctx, f.user.ID, 3, used) }), haven.ENOTFOUND)
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.UseRecoveryCode(ctx, "usr_missing", 0, used) }), haven.ENOTFOUND)
	view(t, s, func(tx store.Tx) error {
		cs, err := tx.FindRecoveryCodes(ctx, f.user.ID)
		if err != nil {
			return err
		}
		if len(cs) != 3 {
			t.Fatalf("%d codes, want 3", len(cs))
		}
		for i, c := range cs {
			if c.Index != i || !bytes.Equal(c.Hash, first[i]) || !c.CreatedAt.Equal(t0) || c.UsedAt.IsZero() != (i != 1) {
				t.Errorf("code %d = %+v", i, c)
			}
		}
		if !cs[1].UsedAt.Equal(used) {
			t.Errorf("code 1 used at %v, want %v", cs[1].UsedAt, used)
		}
		return nil
	})
	// A new set replaces the old one whole, used codes included; another
	// user's codes stay.
	second := [][]byte{hash("d"), hash("e")}
	update(t, s, func(tx store.Tx) error { return tx.PutRecoveryCodes(ctx, f.user.ID, second, used) })
	view(t, s, func(tx store.Tx) error {
		cs, err := tx.FindRecoveryCodes(ctx, f.user.ID)
		if err != nil {
			return err
		}
		if len(cs) != 2 || !bytes.Equal(cs[0].Hash, second[0]) || !bytes.Equal(cs[1].Hash, second[1]) || !cs[1].UsedAt.IsZero() || !cs[0].CreatedAt.Equal(used) {
			t.Errorf("codes after replacement = %+v", cs)
		}
		other, err := tx.FindRecoveryCodes(ctx, u2.ID)
		if err != nil {
			return err
		}
		if len(other) != 1 {
			t.Errorf("the other user has %d codes, want 1", len(other))
		}
		return nil
	})
	update(t, s, func(tx store.Tx) error { return tx.PutRecoveryCodes(ctx, f.user.ID, nil, used) })
	view(t, s, func(tx store.Tx) error {
		cs, err := tx.FindRecoveryCodes(ctx, f.user.ID)
		if err != nil {
			return err
		}
		if len(cs) != 0 {
			t.Errorf("%d codes after replacing with none", len(cs))
		}
		return nil
	})
}

// testRecoveryCodeSingleUse presents one recovery code from many processes
// at once: exactly one sign-in accepts it.
func testRecoveryCodeSingleUse(t *testing.T, ss []store.Store) {
	f := seed(t, ss[0])
	ctx := context.Background()
	update(t, ss[0], func(tx store.Tx) error {
		return tx.PutRecoveryCodes(ctx, f.user.ID, [][]byte{hash("a"), hash("b"), hash("c")}, t0)
	})
	n := race(t, ss, haven.ECONFLICT, func(ctx context.Context, tx store.Tx, i int) error {
		return tx.UseRecoveryCode(ctx, f.user.ID, 2, t0.Add(time.Duration(i)*time.Second))
	})
	if n != 1 {
		t.Fatalf("%d sign-ins accepted one recovery code, want 1", n)
	}
	view(t, ss[0], func(tx store.Tx) error {
		cs, err := tx.FindRecoveryCodes(ctx, f.user.ID)
		if err != nil {
			return err
		}
		if !cs[0].UsedAt.IsZero() || !cs[1].UsedAt.IsZero() || cs[2].UsedAt.IsZero() {
			t.Errorf("codes = %+v, want only code 2 used", cs)
		}
		return nil
	})
}

func testSessions(t *testing.T, s store.Store) {
	f := seed(t, s)
	u2 := secondUser(t, s, f)
	ctx := context.Background()
	mk := func(tok string, user haven.ID) *store.Session {
		return &store.Session{TokenHash: hash(tok), UserID: user, SecondFactor: "passkey", Source: "src-" + tok, CreatedAt: t0, LastSeenAt: t0}
	}
	a, b, c, other := mk("a", f.user.ID), mk("b", f.user.ID), mk("c", f.user.ID), mk("o", u2.ID)
	c.SecondFactor = "totp"
	update(t, s, func(tx store.Tx) error {
		for _, ss := range []*store.Session{a, b, c, other} {
			if err := tx.CreateSession(ctx, ss); err != nil {
				return err
			}
		}
		return nil
	})
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.CreateSession(ctx, mk("a", f.user.ID)) }), haven.ECONFLICT)
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.CreateSession(ctx, mk("x", "usr_missing")) }), haven.EINVALID)
	short := mk("s", f.user.ID)
	short.TokenHash = []byte("short")
	if err := s.Update(ctx, func(tx store.Tx) error { return tx.CreateSession(ctx, short) }); err == nil {
		t.Error("a session with a 5-byte token hash was stored")
	}
	view(t, s, func(tx store.Tx) error {
		got, err := tx.FindSession(ctx, c.TokenHash)
		if err != nil {
			return err
		}
		if !bytes.Equal(got.TokenHash, c.TokenHash) || got.UserID != f.user.ID || got.SecondFactor != "totp" || got.Source != "src-c" ||
			!got.CreatedAt.Equal(t0) || !got.LastSeenAt.Equal(t0) || !got.EndedAt.IsZero() {
			t.Errorf("session = %+v", got)
		}
		_, err = tx.FindSession(ctx, hash("x"))
		wantCode(t, err, haven.ENOTFOUND)
		return nil
	})
	seen := t0.Add(10 * time.Minute)
	touch := func(at, stale time.Time) {
		t.Helper()
		update(t, s, func(tx store.Tx) error { return tx.TouchSession(ctx, a.TokenHash, at, stale) })
	}
	wantSeen := func(want time.Time) {
		t.Helper()
		view(t, s, func(tx store.Tx) error {
			got, err := tx.FindSession(ctx, a.TokenHash)
			if err == nil && !got.LastSeenAt.Equal(want) {
				t.Errorf("last seen %v, want %v", got.LastSeenAt, want)
			}
			return err
		})
	}
	touch(seen, seen.Add(-time.Minute))
	wantSeen(seen)
	// A touch when the stored time is after stale writes nothing: neither
	// a touch within the interval nor one from a slower process.
	touch(seen.Add(30*time.Second), seen.Add(-30*time.Second))
	touch(seen.Add(-time.Minute), seen.Add(-2*time.Minute))
	wantSeen(seen)
	// At stale exactly, it writes.
	touch(seen.Add(time.Minute), seen)
	seen = seen.Add(time.Minute)
	wantSeen(seen)
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.TouchSession(ctx, hash("x"), seen, seen) }), haven.ENOTFOUND)
	ended := t0.Add(time.Hour)
	update(t, s, func(tx store.Tx) error { return tx.EndSession(ctx, b.TokenHash, ended) })
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.EndSession(ctx, b.TokenHash, ended) }), haven.ECONFLICT)
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.EndSession(ctx, hash("x"), ended) }), haven.ENOTFOUND)
	// An ended session cannot be touched back to life.
	// An ended session cannot be touched back to life, whatever its time.
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.TouchSession(ctx, b.TokenHash, ended, ended) }), haven.ECONFLICT)
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.TouchSession(ctx, b.TokenHash, ended, t0.Add(-time.Hour)) }), haven.ECONFLICT)
	view(t, s, func(tx store.Tx) error {
		got, err := tx.FindSession(ctx, a.TokenHash)
		if err != nil {
			return err
		}
		if !got.LastSeenAt.Equal(seen) {
			t.Errorf("last seen %v, want %v", got.LastSeenAt, seen)
		}
		got, err = tx.FindSession(ctx, b.TokenHash)
		if err != nil {
			return err
		}
		if !got.EndedAt.Equal(ended) || !got.LastSeenAt.Equal(t0) {
			t.Errorf("ended session = %+v", got)
		}
		return nil
	})
	// Signing out everywhere else: a is kept, c is ended, b (ended
	// already) and the other user's session are not counted.
	var n int
	everywhere := t0.Add(2 * time.Hour)
	update(t, s, func(tx store.Tx) (err error) {
		n, err = tx.EndUserSessions(ctx, f.user.ID, a.TokenHash, everywhere)
		return err
	})
	if n != 1 {
		t.Errorf("EndUserSessions ended %d sessions, want 1", n)
	}
	view(t, s, func(tx store.Tx) error {
		for _, want := range []struct {
			s     *store.Session
			ended time.Time
		}{{a, time.Time{}}, {b, ended}, {c, everywhere}, {other, time.Time{}}} {
			got, err := tx.FindSession(ctx, want.s.TokenHash)
			if err != nil {
				return err
			}
			if !got.EndedAt.Equal(want.ended) {
				t.Errorf("session %s ended at %v, want %v", want.s.Source, got.EndedAt, want.ended)
			}
		}
		return nil
	})
	// With no exception, every live session ends.
	update(t, s, func(tx store.Tx) (err error) {
		n, err = tx.EndUserSessions(ctx, f.user.ID, nil, everywhere)
		return err
	})
	if n != 1 {
		t.Errorf("EndUserSessions without an exception ended %d sessions, want 1", n)
	}
	update(t, s, func(tx store.Tx) (err error) {
		n, err = tx.EndUserSessions(ctx, "usr_missing", nil, everywhere)
		return err
	})
	if n != 0 {
		t.Errorf("EndUserSessions of an unknown user ended %d sessions", n)
	}
}

func testAPITokens(t *testing.T, s store.Store) {
	f := seed(t, s)
	u2 := secondUser(t, s, f)
	ctx := context.Background()
	expires := t0.Add(24 * time.Hour)
	k1 := &store.APIToken{ID: "tok_1", TokenHash: hash("1"), UserID: f.user.ID, Name: "export script", CreatedAt: t0, ExpiresAt: expires}
	k2 := &store.APIToken{ID: "tok_2", TokenHash: hash("2"), UserID: f.user.ID, Name: "ci", CreatedAt: t0.Add(time.Minute), ExpiresAt: expires}
	k3 := &store.APIToken{ID: "tok_3", TokenHash: hash("3"), UserID: u2.ID, Name: "other", CreatedAt: t0, ExpiresAt: expires}
	update(t, s, func(tx store.Tx) error {
		for _, k := range []*store.APIToken{k2, k1, k3} {
			if err := tx.CreateAPIToken(ctx, k); err != nil {
				return err
			}
		}
		return nil
	})
	dupHash := *k1
	dupHash.ID = "tok_4"
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.CreateAPIToken(ctx, &dupHash) }), haven.ECONFLICT)
	dupID := *k1
	dupID.TokenHash = hash("4")
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.CreateAPIToken(ctx, &dupID) }), haven.ECONFLICT)
	orphan := &store.APIToken{ID: "tok_5", TokenHash: hash("5"), UserID: "usr_missing", CreatedAt: t0, ExpiresAt: expires}
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.CreateAPIToken(ctx, orphan) }), haven.EINVALID)
	view(t, s, func(tx store.Tx) error {
		got, err := tx.FindAPITokenByHash(ctx, hash("1"))
		if err != nil {
			return err
		}
		if got.ID != k1.ID || got.UserID != f.user.ID || got.Name != k1.Name || !bytes.Equal(got.TokenHash, k1.TokenHash) ||
			!got.CreatedAt.Equal(t0) || !got.ExpiresAt.Equal(expires) || !got.RevokedAt.IsZero() || !got.LastUsedAt.IsZero() {
			t.Errorf("token = %+v", got)
		}
		_, err = tx.FindAPITokenByHash(ctx, hash("x"))
		wantCode(t, err, haven.ENOTFOUND)
		ks, err := tx.FindAPITokens(ctx, f.user.ID)
		if err != nil {
			return err
		}
		if len(ks) != 2 || ks[0].ID != k1.ID || ks[1].ID != k2.ID {
			t.Errorf("tokens = %+v, want tok_1, tok_2", ks)
		}
		return nil
	})
	used := t0.Add(time.Hour)
	// The first use is written whatever stale is; later ones only when the
	// stored one is at or before stale.
	update(t, s, func(tx store.Tx) error { return tx.TouchAPIToken(ctx, k1.ID, used, t0.Add(-time.Hour)) })
	update(t, s, func(tx store.Tx) error {
		return tx.TouchAPIToken(ctx, k1.ID, used.Add(30*time.Second), used.Add(-30*time.Second))
	})
	update(t, s, func(tx store.Tx) error {
		return tx.TouchAPIToken(ctx, k1.ID, used.Add(-time.Minute), used.Add(-2*time.Minute))
	})
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.TouchAPIToken(ctx, "tok_x", used, used) }), haven.ENOTFOUND)
	// An expired token cannot be used.
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.TouchAPIToken(ctx, k2.ID, expires, expires) }), haven.ECONFLICT)
	revoked := t0.Add(2 * time.Hour)
	update(t, s, func(tx store.Tx) error { return tx.RevokeAPIToken(ctx, k1.ID, revoked) })
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.RevokeAPIToken(ctx, k1.ID, revoked) }), haven.ECONFLICT)
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.RevokeAPIToken(ctx, "tok_x", revoked) }), haven.ENOTFOUND)
	// A revoked token cannot be used.
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.TouchAPIToken(ctx, k1.ID, revoked.Add(time.Minute), revoked) }), haven.ECONFLICT)
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.TouchAPIToken(ctx, k1.ID, revoked.Add(time.Minute), t0) }), haven.ECONFLICT)
	view(t, s, func(tx store.Tx) error {
		got, err := tx.FindAPITokenByHash(ctx, hash("1"))
		if err != nil {
			return err
		}
		if !got.RevokedAt.Equal(revoked) || !got.LastUsedAt.Equal(used) {
			t.Errorf("revoked token = %+v", got)
		}
		got, err = tx.FindAPITokenByHash(ctx, hash("2"))
		if err != nil {
			return err
		}
		if !got.LastUsedAt.IsZero() || !got.RevokedAt.IsZero() {
			t.Errorf("expired token = %+v", got)
		}
		return nil
	})
}

func testAttempts(t *testing.T, s store.Store) {
	ctx := context.Background()
	const key, other = "user:usr_1", "addr:3f9a"
	const window = 15 * time.Minute
	view(t, s, func(tx store.Tx) error {
		a, err := tx.FindAttempts(ctx, key)
		if err != nil {
			return err
		}
		if a != (store.Attempts{}) {
			t.Errorf("counters of an unknown key = %+v, want zero", a)
		}
		return nil
	})
	record := func(key string, at time.Time) store.Attempts {
		t.Helper()
		var a store.Attempts
		update(t, s, func(tx store.Tx) (err error) {
			a, err = tx.RecordFailure(ctx, key, at, window)
			return err
		})
		return a
	}
	for i := range 3 {
		at := t0.Add(time.Duration(i) * time.Minute)
		a := record(key, at)
		if a.Key != key || a.Failures != i+1 || !a.FirstAt.Equal(t0) || !a.LastAt.Equal(at) || !a.LockedUntil.IsZero() {
			t.Fatalf("after failure %d: %+v", i+1, a)
		}
	}
	if a := record(other, t0); a.Failures != 1 {
		t.Fatalf("another key shares the counters: %+v", a)
	}
	// The window is measured from its first failure: at first+window the
	// failure still counts, after it the count restarts.
	if a := record(key, t0.Add(window)); a.Failures != 4 || !a.FirstAt.Equal(t0) {
		t.Fatalf("at the end of the window: %+v", a)
	}
	locked := t0.Add(window + time.Hour)
	update(t, s, func(tx store.Tx) error { return tx.SetLockout(ctx, key, locked) })
	// A shorter lockout does not shorten it.
	update(t, s, func(tx store.Tx) error { return tx.SetLockout(ctx, key, t0.Add(window+time.Minute)) })
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.SetLockout(ctx, "user:nobody", locked) }), haven.ENOTFOUND)
	later := t0.Add(window + time.Nanosecond)
	a := record(key, later)
	if a.Failures != 1 || !a.FirstAt.Equal(later) || !a.LastAt.Equal(later) || !a.LockedUntil.Equal(locked) {
		t.Fatalf("after the window: %+v; want the count restarted and the lockout kept", a)
	}
	view(t, s, func(tx store.Tx) error {
		got, err := tx.FindAttempts(ctx, key)
		if err != nil {
			return err
		}
		if got != a {
			t.Errorf("FindAttempts = %+v, want %+v", got, a)
		}
		return nil
	})
	// A later lockout extends it.
	update(t, s, func(tx store.Tx) error { return tx.SetLockout(ctx, key, locked.Add(time.Hour)) })
	view(t, s, func(tx store.Tx) error {
		got, err := tx.FindAttempts(ctx, key)
		if err != nil {
			return err
		}
		if !got.LockedUntil.Equal(locked.Add(time.Hour)) {
			t.Errorf("locked until %v, want %v", got.LockedUntil, locked.Add(time.Hour))
		}
		return nil
	})
	update(t, s, func(tx store.Tx) error { return tx.ClearAttempts(ctx, key) })
	update(t, s, func(tx store.Tx) error { return tx.ClearAttempts(ctx, key) })
	view(t, s, func(tx store.Tx) error {
		got, err := tx.FindAttempts(ctx, key)
		if err != nil {
			return err
		}
		if got != (store.Attempts{}) {
			t.Errorf("counters after ClearAttempts = %+v", got)
		}
		return nil
	})
	recent := t0.Add(2 * time.Hour)
	if a := record(key, recent); a.Failures != 1 || !a.FirstAt.Equal(recent) || !a.LockedUntil.IsZero() {
		t.Fatalf("first failure after ClearAttempts: %+v", a)
	}
	// Purging an hour after t0: other (last failure at t0) is stale; key
	// failed since; a third is stale but locked out past the cut.
	record("addr:locked", t0)
	update(t, s, func(tx store.Tx) error { return tx.SetLockout(ctx, "addr:locked", t0.Add(2*time.Hour)) })
	var n int
	update(t, s, func(tx store.Tx) (err error) {
		n, err = tx.DeleteStaleAttempts(ctx, t0.Add(time.Hour), 100)
		return err
	})
	if n != 1 {
		t.Errorf("DeleteStaleAttempts deleted %d, want 1", n)
	}
	view(t, s, func(tx store.Tx) error {
		for k, want := range map[string]int{other: 0, key: 1, "addr:locked": 1} {
			got, err := tx.FindAttempts(ctx, k)
			if err != nil {
				return err
			}
			if got.Failures != want {
				t.Errorf("%s after the purge: %+v", k, got)
			}
		}
		return nil
	})
}

// testAttemptsConcurrent records failures of one key from many processes at
// once: every one is counted, and each sees its own count.
func testAttemptsConcurrent(t *testing.T, ss []store.Store) {
	ctx := context.Background()
	const key = "user:usr_1"
	var mu sync.Mutex
	var seen []int
	// No failure is expected: every error is reported.
	n := race(t, ss, "", func(ctx context.Context, tx store.Tx, i int) error {
		a, err := tx.RecordFailure(ctx, key, t0.Add(time.Duration(i)*time.Millisecond), time.Hour)
		if err != nil {
			return err
		}
		mu.Lock()
		seen = append(seen, a.Failures)
		mu.Unlock()
		return nil
	})
	if n != racers {
		t.Fatalf("%d failures recorded, want %d", n, racers)
	}
	slices.Sort(seen)
	for i, c := range seen {
		if c != i+1 {
			t.Fatalf("counts seen = %v, want 1 to %d each once", seen, racers)
		}
	}
	view(t, ss[0], func(tx store.Tx) error {
		a, err := tx.FindAttempts(ctx, key)
		if err != nil {
			return err
		}
		if a.Failures != racers {
			t.Errorf("failures = %d, want %d", a.Failures, racers)
		}
		return nil
	})
}

func testChallenges(t *testing.T, s store.Store) {
	ctx := context.Background()
	login := &store.Challenge{ID: "ch_login", Kind: "login", Data: `{"challenge":"abc"}`, ExpiresAt: t0.Add(5 * time.Minute)}
	reg := &store.Challenge{ID: "ch_reg", UserID: "usr_1", Kind: "register", Data: `{"challenge":"def"}`, ExpiresAt: t0.Add(5 * time.Minute)}
	old := &store.Challenge{ID: "ch_old", Kind: "login", Data: `{}`, ExpiresAt: t0}
	update(t, s, func(tx store.Tx) error {
		for _, c := range []*store.Challenge{login, reg, old} {
			if err := tx.PutChallenge(ctx, c); err != nil {
				return err
			}
		}
		return nil
	})
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.PutChallenge(ctx, login) }), haven.ECONFLICT)
	take := func(id string, now time.Time) (*store.Challenge, error) {
		var c *store.Challenge
		err := s.Update(ctx, func(tx store.Tx) (err error) {
			c, err = tx.TakeChallenge(ctx, id, now)
			if haven.ErrorCodeOf(err) == haven.ENOTFOUND {
				// Commit what the take did, as a caller that goes on would.
				return nil
			}
			return err
		})
		if err == nil && c == nil {
			err = haven.Errorf(haven.ENOTFOUND, "take", "not found")
		}
		return c, err
	}
	got, err := take(reg.ID, t0)
	if err != nil {
		t.Fatal(err)
	}
	if *got != *reg {
		t.Errorf("challenge = %+v, want %+v", got, reg)
	}
	_, err = take(reg.ID, t0)
	wantCode(t, err, haven.ENOTFOUND)
	got, err = take(login.ID, t0.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if got.UserID != "" || got.Kind != "login" {
		t.Errorf("discoverable challenge = %+v", got)
	}
	// Expired at its expiry instant: refused, and deleted all the same.
	_, err = take(old.ID, t0)
	wantCode(t, err, haven.ENOTFOUND)
	_, err = take(old.ID, t0.Add(-time.Hour))
	wantCode(t, err, haven.ENOTFOUND)
	_, err = take("ch_missing", t0)
	wantCode(t, err, haven.ENOTFOUND)
	// A read-only transaction cannot take one.
	update(t, s, func(tx store.Tx) error { return tx.PutChallenge(ctx, login) })
	if err := s.View(ctx, func(tx store.Tx) error { _, err := tx.TakeChallenge(ctx, login.ID, t0); return err }); err == nil {
		t.Error("TakeChallenge succeeded in a read-only transaction")
	}
	// Purging deletes the expired challenges only.
	stale := &store.Challenge{ID: "ch_stale", Kind: "login", Data: `{}`, ExpiresAt: t0.Add(time.Minute)}
	update(t, s, func(tx store.Tx) error { return tx.PutChallenge(ctx, stale) })
	var n int
	update(t, s, func(tx store.Tx) (err error) {
		n, err = tx.DeleteExpiredChallenges(ctx, t0.Add(time.Minute), 100)
		return err
	})
	if n != 1 {
		t.Errorf("DeleteExpiredChallenges deleted %d, want 1", n)
	}
	if _, err := take(login.ID, t0.Add(time.Minute)); err != nil {
		t.Errorf("a live challenge was purged: %v", err)
	}
}

// testChallengeSingleUse takes one challenge from many processes at once:
// exactly one gets it.
func testChallengeSingleUse(t *testing.T, ss []store.Store) {
	ctx := context.Background()
	c := &store.Challenge{ID: "ch_1", Kind: "login", Data: `{"challenge":"abc"}`, ExpiresAt: t0.Add(5 * time.Minute)}
	update(t, ss[0], func(tx store.Tx) error { return tx.PutChallenge(ctx, c) })
	n := race(t, ss, haven.ENOTFOUND, func(ctx context.Context, tx store.Tx, _ int) error {
		got, err := tx.TakeChallenge(ctx, c.ID, t0)
		if err == nil && *got != *c {
			t.Errorf("challenge = %+v, want %+v", got, c)
		}
		return err
	})
	if n != 1 {
		t.Fatalf("%d takers got one challenge, want 1", n)
	}
}

func testEnrolments(t *testing.T, s store.Store) {
	f := seed(t, s)
	ctx := context.Background()
	e := &store.Enrolment{TokenHash: hash("e"), UserID: f.user.ID, CreatedAt: t0, ExpiresAt: t0.Add(48 * time.Hour)}
	expired := &store.Enrolment{TokenHash: hash("x"), UserID: f.user.ID, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
	update(t, s, func(tx store.Tx) error {
		if err := tx.CreateEnrolment(ctx, e); err != nil {
			return err
		}
		return tx.CreateEnrolment(ctx, expired)
	})
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.CreateEnrolment(ctx, e) }), haven.ECONFLICT)
	orphan := &store.Enrolment{TokenHash: hash("o"), UserID: "usr_missing", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.CreateEnrolment(ctx, orphan) }), haven.EINVALID)
	use := func(h []byte, at time.Time) (*store.Enrolment, error) {
		var got *store.Enrolment
		err := s.Update(ctx, func(tx store.Tx) (err error) {
			got, err = tx.UseEnrolment(ctx, h, at)
			return err
		})
		return got, err
	}
	// Expired at its expiry instant; unknown; both answer alike.
	_, err := use(expired.TokenHash, expired.ExpiresAt)
	wantCode(t, err, haven.ENOTFOUND)
	_, err = use(hash("u"), t0)
	wantCode(t, err, haven.ENOTFOUND)
	at := t0.Add(time.Hour)
	got, err := use(e.TokenHash, at)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.TokenHash, e.TokenHash) || got.UserID != f.user.ID || !got.CreatedAt.Equal(t0) || !got.ExpiresAt.Equal(e.ExpiresAt) || !got.UsedAt.Equal(at) {
		t.Errorf("enrolment = %+v", got)
	}
	_, err = use(e.TokenHash, at)
	wantCode(t, err, haven.ENOTFOUND)
}

// testEnrolmentSingleUse opens one enrolment link from many processes at
// once: exactly one gets it.
func testEnrolmentSingleUse(t *testing.T, ss []store.Store) {
	f := seed(t, ss[0])
	ctx := context.Background()
	e := &store.Enrolment{TokenHash: hash("e"), UserID: f.user.ID, CreatedAt: t0, ExpiresAt: t0.Add(48 * time.Hour)}
	update(t, ss[0], func(tx store.Tx) error { return tx.CreateEnrolment(ctx, e) })
	n := race(t, ss, haven.ENOTFOUND, func(ctx context.Context, tx store.Tx, i int) error {
		got, err := tx.UseEnrolment(ctx, e.TokenHash, t0.Add(time.Hour))
		if err == nil && got.UserID != f.user.ID {
			t.Errorf("enrolment = %+v", got)
		}
		return err
	})
	if n != 1 {
		t.Fatalf("%d users got one enrolment link, want 1", n)
	}
}
