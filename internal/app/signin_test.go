package app_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/app"
	"github.com/havenhrd/haven/internal/auth"
	"github.com/havenhrd/haven/internal/auth/authtest"
	"github.com/havenhrd/haven/internal/testdb"
	"github.com/pquerna/otp/totp"
)

const (
	testOrigin = "https://haven.test"
	goodPass   = "correct horse battery staple in Winnipeg"
)

// withSignIn gives e a fast password hasher (test parameters only) and
// passkeys for https://haven.test.
func withSignIn(t testing.TB, e *env) *env {
	t.Helper()
	cheap := auth.Params{Time: 1, Memory: 64, Threads: 1}
	h := must[*auth.Hasher](t)(auth.NewHasher(auth.HasherConfig{Params: cheap, Floor: cheap}))
	pk := must[*auth.Passkeys](t)(auth.NewPasskeys(auth.PasskeyConfig{RPID: "haven.test", RPDisplayName: "Haven", Origins: []string{testOrigin}}))
	e.app = app.New(app.Config{Store: e.store, Vault: e.vault(t), Clock: e.clock, AuditSigner: signer(t, e.keys), Hasher: h, Passkeys: pk})
	return e
}

// newUser creates a caseworker of the visa office and returns the
// enrolment secret.
func (e *env) newUser(t testing.TB, username string) (*haven.User, string) {
	t.Helper()
	u := &haven.User{OrgID: e.orgs[haven.OrgVisaOffice].ID, Role: haven.RoleCaseworker, Username: username, DisplayName: "Officer " + username}
	secret := must[string](t)(e.app.Programme.CreateUser(e.ctx, e.admin, u))
	return u, secret
}

func (e *env) code(t testing.TB, secret string) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// enrolTOTP enrols a user with goodPass and TOTP; it returns the TOTP
// secret and the recovery codes.
func (e *env) enrolTOTP(t testing.TB, enrolment string) (string, []string) {
	t.Helper()
	step := must[*app.Step](t)(e.app.Accounts.Enrol(e.ctx, enrolment, goodPass))
	secret, url, next, err := e.app.Accounts.EnrolTOTPBegin(e.ctx, step.ID)
	noErr(t, err)
	if !strings.HasPrefix(url, "otpauth://totp/") {
		t.Fatalf("url = %q", url)
	}
	codes := must[[]string](t)(e.app.Accounts.EnrolTOTPFinish(e.ctx, next.ID, e.code(t, secret)))
	e.clock.Add(31 * time.Second) // the enrolment code's step is spent
	return secret, codes
}

func (e *env) signInTOTP(t testing.TB, username, secret, source string) *app.Session {
	t.Helper()
	step := must[*app.Step](t)(e.app.Accounts.SignIn(e.ctx, username, goodPass, source))
	s := must[*app.Session](t)(e.app.Accounts.SignInTOTP(e.ctx, step.ID, e.code(t, secret), source))
	e.clock.Add(31 * time.Second)
	return s
}

func TestEnrolAndSignInWithTOTP(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		withSignIn(t, e)
		u, enrolment := e.newUser(t, "amina")
		// Weak passwords are refused and the enrolment secret survives.
		for _, pw := range []string{"fourteen chars", "qwertyuiopasdfghjkl", "amina amina amina amina"} {
			_, err := e.app.Accounts.Enrol(e.ctx, enrolment, pw)
			wantCode(t, err, haven.EINVALID)
		}
		_, err := e.app.Accounts.Enrol(e.ctx, "he_not-a-real-secret", goodPass)
		wantCode(t, err, haven.EUNAUTHORIZED)
		secret, codes := e.enrolTOTP(t, enrolment)
		if len(codes) != 10 {
			t.Fatalf("%d recovery codes", len(codes))
		}
		// The TOTP seed and the recovery codes are not kept in the clear.
		if hits := testdb.PlaintextHits(t, e.store, append([]string{secret, goodPass}, codes...)); len(hits) != 0 {
			t.Fatalf("credentials at rest in the clear: %v", hits)
		}
		// The enrolment secret is single use.
		_, err = e.app.Accounts.Enrol(e.ctx, enrolment, goodPass)
		wantCode(t, err, haven.EUNAUTHORIZED)
		// A new link cancels any earlier unused one, and a disabled user's
		// link opens nothing.
		other, first := e.newUser(t, "amina2")
		second := must[string](t)(e.app.Accounts.IssueEnrolment(e.ctx, e.admin, other.ID))
		_, err = e.app.Accounts.Enrol(e.ctx, first, goodPass)
		wantCode(t, err, haven.EUNAUTHORIZED)
		noErr(t, e.app.Accounts.DisableUser(e.ctx, e.admin, other.ID))
		_, err = e.app.Accounts.Enrol(e.ctx, second, goodPass)
		wantCode(t, err, haven.EUNAUTHORIZED)

		// A wrong password and an unknown user get the very same answer.
		_, err1 := e.app.Accounts.SignIn(e.ctx, "amina", "not the password at all, sorry", "10.0.0.1")
		_, err2 := e.app.Accounts.SignIn(e.ctx, "nobody-here", "not the password at all, sorry", "10.0.0.1")
		wantCode(t, err1, haven.EUNAUTHORIZED)
		if err1.Error() != err2.Error() || haven.ErrorMessageOf(err1) != haven.ErrorMessageOf(err2) {
			t.Fatalf("unknown user and wrong password answer differently:\n%v\n%v", err1, err2)
		}

		s := e.signInTOTP(t, "amina", secret, "10.0.0.2")
		if !strings.HasPrefix(s.Token, auth.SessionTokenPrefix) || s.UserID != u.ID {
			t.Fatalf("session = %+v", s)
		}
		actor := must[haven.Actor](t)(e.app.Accounts.Authenticate(e.ctx, s.Token))
		if actor.UserID != u.ID || actor.OrgID != u.OrgID {
			t.Fatalf("actor = %+v", actor)
		}
		// A new token at every sign-in.
		s2 := e.signInTOTP(t, "amina", secret, "10.0.0.2")
		if s2.Token == s.Token {
			t.Fatal("the same session token twice")
		}
		// A used code is refused when replayed, even in a fresh sign-in.
		step := must[*app.Step](t)(e.app.Accounts.SignIn(e.ctx, "amina", goodPass, "10.0.0.2"))
		code := e.code(t, secret)
		must[*app.Session](t)(e.app.Accounts.SignInTOTP(e.ctx, step.ID, code, "10.0.0.2"))
		step = must[*app.Step](t)(e.app.Accounts.SignIn(e.ctx, "amina", goodPass, "10.0.0.2"))
		_, err = e.app.Accounts.SignInTOTP(e.ctx, step.ID, code, "10.0.0.2")
		wantCode(t, err, haven.EUNAUTHORIZED)
		// A wrong code spends the step: the right code cannot follow on it.
		e.clock.Add(31 * time.Second)
		step = must[*app.Step](t)(e.app.Accounts.SignIn(e.ctx, "amina", goodPass, "10.0.0.2"))
		_, err = e.app.Accounts.SignInTOTP(e.ctx, step.ID, "000000", "10.0.0.2")
		wantCode(t, err, haven.EUNAUTHORIZED)
		_, err = e.app.Accounts.SignInTOTP(e.ctx, step.ID, e.code(t, secret), "10.0.0.2")
		wantCode(t, err, haven.EUNAUTHORIZED)

		// A step offered where another kind is due is spent all the same:
		// the right code cannot follow on it.
		e.clock.Add(31 * time.Second)
		step = must[*app.Step](t)(e.app.Accounts.SignIn(e.ctx, "amina", goodPass, "10.0.0.2"))
		_, err = e.app.Accounts.SignInPasskeyFinish(e.ctx, step.ID, strings.NewReader("{}"), "10.0.0.2")
		wantCode(t, err, haven.EUNAUTHORIZED)
		_, err = e.app.Accounts.SignInTOTP(e.ctx, step.ID, e.code(t, secret), "10.0.0.2")
		wantCode(t, err, haven.EUNAUTHORIZED)

		// A recovery code works once.
		step = must[*app.Step](t)(e.app.Accounts.SignIn(e.ctx, "amina", goodPass, "10.0.0.2"))
		must[*app.Session](t)(e.app.Accounts.SignInRecovery(e.ctx, step.ID, strings.ToLower(codes[3]), "10.0.0.2"))
		step = must[*app.Step](t)(e.app.Accounts.SignIn(e.ctx, "amina", goodPass, "10.0.0.2"))
		_, err = e.app.Accounts.SignInRecovery(e.ctx, step.ID, codes[3], "10.0.0.2")
		wantCode(t, err, haven.EUNAUTHORIZED)

		noErr(t, e.app.Accounts.SignOut(e.ctx, s.Token))
		_, err = e.app.Accounts.Authenticate(e.ctx, s.Token)
		wantCode(t, err, haven.EUNAUTHORIZED)
		must[haven.Actor](t)(e.app.Accounts.Authenticate(e.ctx, s2.Token))

		// Failed sign-ins are audited without the username typed.
		fails := 0
		for _, ev := range e.auditEvents(t) {
			if ev.Decision == "fail" {
				fails++
				if strings.Contains(ev.Detail+string(ev.ObjectID)+string(ev.ActorID), "nobody") {
					t.Fatalf("a failed sign-in event names the username typed: %+v", ev)
				}
			}
		}
		if fails < 3 {
			t.Fatalf("%d failed sign-ins audited", fails)
		}
	})
}

func TestSessionLimitsAndDisabling(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		withSignIn(t, e)
		u, enrolment := e.newUser(t, "bilal")
		secret, _ := e.enrolTOTP(t, enrolment)
		// Idle: 30 minutes.
		s := e.signInTOTP(t, "bilal", secret, "a")
		e.clock.Add(31 * time.Minute)
		_, err := e.app.Accounts.Authenticate(e.ctx, s.Token)
		wantCode(t, err, haven.EUNAUTHORIZED)
		// Absolute: 12 hours, however active.
		s = e.signInTOTP(t, "bilal", secret, "a")
		for i := 0; i < 12*3; i++ {
			e.clock.Add(20 * time.Minute)
			if _, err := e.app.Accounts.Authenticate(e.ctx, s.Token); err != nil {
				if i < 35 {
					t.Fatalf("session ended after %d minutes of activity", (i+1)*20)
				}
			}
		}
		_, err = e.app.Accounts.Authenticate(e.ctx, s.Token)
		wantCode(t, err, haven.EUNAUTHORIZED)
		// Disabling a user ends all their sessions, and signs them in no more.
		s1 := e.signInTOTP(t, "bilal", secret, "a")
		s2 := e.signInTOTP(t, "bilal", secret, "b")
		wantCode(t, e.app.Accounts.DisableUser(e.ctx, e.visa, u.ID), haven.EFORBIDDEN)
		noErr(t, e.app.Accounts.DisableUser(e.ctx, e.admin, u.ID))
		for _, s := range []*app.Session{s1, s2} {
			_, err := e.app.Accounts.Authenticate(e.ctx, s.Token)
			wantCode(t, err, haven.EUNAUTHORIZED)
		}
		_, err = e.app.Accounts.SignIn(e.ctx, "bilal", goodPass, "a")
		wantCode(t, err, haven.EUNAUTHORIZED)
		// Malformed tokens.
		for _, tok := range []string{"", "hs_", "hs_short", "ht_" + strings.Repeat("A", 43), strings.Repeat("x", 5000)} {
			_, err := e.app.Accounts.Authenticate(e.ctx, tok)
			wantCode(t, err, haven.EUNAUTHORIZED)
		}
	})
}

func TestSignInRateLimits(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		withSignIn(t, e)
		_, enrolment := e.newUser(t, "chen")
		secret, _ := e.enrolTOTP(t, enrolment)
		// Five wrong passwords lock the account, whatever the address, and
		// the right password is refused while it is locked.
		for i := range 5 {
			_, err := e.app.Accounts.SignIn(e.ctx, "chen", "wrong wrong wrong wrong", "addr-"+string(rune('a'+i)))
			wantCode(t, err, haven.EUNAUTHORIZED)
		}
		_, err := e.app.Accounts.SignIn(e.ctx, "chen", goodPass, "addr-z")
		wantCode(t, err, haven.ETOOMANY)
		// An unknown username locks the same way: locking tells nothing.
		for range 5 {
			_, err := e.app.Accounts.SignIn(e.ctx, "ghost", "wrong wrong wrong wrong", "addr-y")
			wantCode(t, err, haven.EUNAUTHORIZED)
		}
		_, err = e.app.Accounts.SignIn(e.ctx, "ghost", "wrong wrong wrong wrong", "addr-x")
		wantCode(t, err, haven.ETOOMANY)
		// Twenty failures from one address lock the address for every account.
		for i := range 20 {
			_, err := e.app.Accounts.SignIn(e.ctx, "spray"+string(rune('a'+i)), "wrong wrong wrong wrong", "10.9.9.9")
			if code := haven.ErrorCodeOf(err); code != haven.EUNAUTHORIZED {
				t.Fatalf("attempt %d: %v", i, err)
			}
		}
		_, err = e.app.Accounts.SignIn(e.ctx, "someone-else", "wrong wrong wrong wrong", "10.9.9.9")
		wantCode(t, err, haven.ETOOMANY)
		// An IPv6 client holds a /64: rotating addresses inside it does not
		// escape its count, and another /64 is not locked with it.
		for i := range 20 {
			_, err := e.app.Accounts.SignIn(e.ctx, "spray6"+string(rune('a'+i)), "wrong wrong wrong wrong", fmt.Sprintf("2001:db8:1:2::%x", i+1))
			if code := haven.ErrorCodeOf(err); code != haven.EUNAUTHORIZED {
				t.Fatalf("IPv6 attempt %d: %v", i, err)
			}
		}
		_, err = e.app.Accounts.SignIn(e.ctx, "someone-else", "wrong wrong wrong wrong", "2001:db8:1:2:ffff::1")
		wantCode(t, err, haven.ETOOMANY)
		_, err = e.app.Accounts.SignIn(e.ctx, "someone-else", "wrong wrong wrong wrong", "2001:db8:1:3::1")
		wantCode(t, err, haven.EUNAUTHORIZED)
		// After the lockout, the account signs in again.
		e.clock.Add(time.Hour + time.Minute)
		e.signInTOTP(t, "chen", secret, "addr-z")
	})
}

func TestPasskeySignIn(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		withSignIn(t, e)
		_, enrolment := e.newUser(t, "dina")
		step := must[*app.Step](t)(e.app.Accounts.Enrol(e.ctx, enrolment, goodPass))
		if step.Factors[0] != app.FactorPasskey {
			t.Fatalf("factors offered = %v", step.Factors)
		}
		key := authtest.New()
		opts, next, err := e.app.Accounts.EnrolPasskeyBegin(e.ctx, step.ID)
		noErr(t, err)
		resp := must[[]byte](t)(key.Create(opts, authtest.Options{Origin: testOrigin}))
		codes := must[[]string](t)(e.app.Accounts.EnrolPasskeyFinish(e.ctx, next.ID, "Work laptop", bytes.NewReader(resp)))
		if len(codes) != 10 {
			t.Fatalf("%d recovery codes", len(codes))
		}
		login := func(o authtest.Options, k *authtest.Authenticator) (*app.Session, []byte, string, error) {
			step := must[*app.Step](t)(e.app.Accounts.SignIn(e.ctx, "dina", goodPass, "src"))
			opts, next, err := e.app.Accounts.SignInPasskeyBegin(e.ctx, step.ID)
			noErr(t, err)
			resp, err := k.Get(opts, o)
			if err != nil {
				return nil, nil, "", err
			}
			s, err := e.app.Accounts.SignInPasskeyFinish(e.ctx, next.ID, bytes.NewReader(resp), "src")
			return s, resp, next.ID, err
		}
		s, resp, used, err := login(authtest.Options{Origin: testOrigin}, key)
		noErr(t, err)
		must[haven.Actor](t)(e.app.Accounts.Authenticate(e.ctx, s.Token))
		// The same answer again: refused (the step is gone).
		_, err = e.app.Accounts.SignInPasskeyFinish(e.ctx, used, bytes.NewReader(resp), "src")
		wantCode(t, err, haven.EUNAUTHORIZED)
		// An assertion made for another origin.
		_, _, _, err = login(authtest.Options{Origin: "https://haven.test.evil.example"}, key)
		if err == nil {
			t.Fatal("an assertion for another origin was accepted")
		}
		// Another user's passkey answering this user's challenge.
		_, other := e.newUser(t, "eli")
		ostep := must[*app.Step](t)(e.app.Accounts.Enrol(e.ctx, other, goodPass))
		oopts, onext, err := e.app.Accounts.EnrolPasskeyBegin(e.ctx, ostep.ID)
		noErr(t, err)
		okey := authtest.New()
		oresp := must[[]byte](t)(okey.Create(oopts, authtest.Options{Origin: testOrigin}))
		must[[]string](t)(e.app.Accounts.EnrolPasskeyFinish(e.ctx, onext.ID, "", bytes.NewReader(oresp)))
		_, _, _, err = login(authtest.Options{Origin: testOrigin, CredentialID: okey.Credentials()[0].ID}, okey)
		if err == nil {
			t.Fatal("another user's passkey signed this user in")
		}
	})
}

func TestFactorChanges(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		withSignIn(t, e)
		_, enrolment := e.newUser(t, "farah")
		secret, _ := e.enrolTOTP(t, enrolment)
		here := e.signInTOTP(t, "farah", secret, "here")
		there := e.signInTOTP(t, "farah", secret, "there")
		// Re-authentication is required.
		_, _, _, err := e.app.Accounts.AddTOTPBegin(e.ctx, here.Token, "not my password at all")
		wantCode(t, err, haven.EUNAUTHORIZED)
		// The last second factor cannot be removed.
		wantCode(t, e.app.Accounts.RemoveFactor(e.ctx, here.Token, goodPass, app.FactorTOTP, nil), haven.ECONFLICT)
		// Adding a passkey ends the other sessions, not this one.
		opts, next, err := e.app.Accounts.AddPasskeyBegin(e.ctx, here.Token, goodPass)
		noErr(t, err)
		key := authtest.New()
		resp := must[[]byte](t)(key.Create(opts, authtest.Options{Origin: testOrigin}))
		// Another user cannot finish this user's enrolment step.
		_, genrol := e.newUser(t, "gregor")
		gsecret, _ := e.enrolTOTP(t, genrol)
		g := e.signInTOTP(t, "gregor", gsecret, "g")
		wantCode(t, e.app.Accounts.AddPasskeyFinish(e.ctx, g.Token, next.ID, "mine now", bytes.NewReader(resp)), haven.EFORBIDDEN)
		noErr(t, e.app.Accounts.AddPasskeyFinish(e.ctx, here.Token, next.ID, "Phone", bytes.NewReader(resp)))
		must[haven.Actor](t)(e.app.Accounts.Authenticate(e.ctx, here.Token))
		_, err = e.app.Accounts.Authenticate(e.ctx, there.Token)
		wantCode(t, err, haven.EUNAUTHORIZED)
		// With two factors, TOTP can go; other sessions end again.
		again := e.signInTOTP(t, "farah", secret, "again")
		noErr(t, e.app.Accounts.RemoveFactor(e.ctx, here.Token, goodPass, app.FactorTOTP, nil))
		_, err = e.app.Accounts.Authenticate(e.ctx, again.Token)
		wantCode(t, err, haven.EUNAUTHORIZED)
		step := must[*app.Step](t)(e.app.Accounts.SignIn(e.ctx, "farah", goodPass, "x"))
		if strings.Join(step.Factors, ",") != "passkey,recovery" {
			t.Fatalf("factors after removing TOTP = %v", step.Factors)
		}
		// New recovery codes replace the old ones.
		codes := must[[]string](t)(e.app.Accounts.RenewRecoveryCodes(e.ctx, here.Token, goodPass))
		if len(codes) != 10 {
			t.Fatalf("%d codes", len(codes))
		}
	})
}

func TestAPITokens(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		withSignIn(t, e)
		_, _, err := e.app.Accounts.CreateAPIToken(e.ctx, e.unhcr, e.unhcr.UserID, "UNHCR proGres", 30*24*time.Hour)
		wantCode(t, err, haven.EFORBIDDEN)
		_, _, err = e.app.Accounts.CreateAPIToken(e.ctx, e.admin, e.unhcr.UserID, "", 0)
		wantCode(t, err, haven.EINVALID)
		tok, id, err := e.app.Accounts.CreateAPIToken(e.ctx, e.admin, e.unhcr.UserID, "UNHCR proGres", 30*24*time.Hour)
		noErr(t, err)
		actor := must[haven.Actor](t)(e.app.Accounts.AuthenticateToken(e.ctx, tok))
		if actor.UserID != e.unhcr.UserID {
			t.Fatalf("token actor = %+v", actor)
		}
		// The token acts as its one user: it may refer, not approve.
		noErr(t, e.app.Cases.CreateReferral(e.ctx, actor, referral("ViaToken", 1, haven.PriorityNormal)))
		// Revoked, and expired, tokens stop at once.
		noErr(t, e.app.Accounts.RevokeAPIToken(e.ctx, e.admin, id))
		_, err = e.app.Accounts.AuthenticateToken(e.ctx, tok)
		wantCode(t, err, haven.EUNAUTHORIZED)
		wantCode(t, e.app.Accounts.RevokeAPIToken(e.ctx, e.admin, id), haven.ECONFLICT)
		tok2, _, err := e.app.Accounts.CreateAPIToken(e.ctx, e.admin, e.unhcr.UserID, "short", time.Hour)
		noErr(t, err)
		e.clock.Add(time.Hour)
		_, err = e.app.Accounts.AuthenticateToken(e.ctx, tok2)
		wantCode(t, err, haven.EUNAUTHORIZED)
		for _, bad := range []string{"", "ht_x", tok2 + "x", "hs_" + tok2[3:]} {
			_, err := e.app.Accounts.AuthenticateToken(e.ctx, bad)
			wantCode(t, err, haven.EUNAUTHORIZED)
		}
	})
}
