package app

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/auth"
	"github.com/havenhrd/haven/internal/policy"
	"github.com/havenhrd/haven/internal/store"
)

// Sign-in: a password, then a second factor that every account must have
// (a passkey first, TOTP as the fallback, a single-use recovery code when
// both are lost). The password is checked outside any transaction, so that
// 80 ms of argon2id never holds a database lock, and every rule that must
// hold across processes (a TOTP code used once, a challenge taken once,
// attempt counters) is the store's compare-and-set.

// How long the steps of sign-in and enrolment live.
const (
	signInStepTTL  = 5 * time.Minute
	enrolStepTTL   = 15 * time.Minute
	enrolmentTTL   = 72 * time.Hour
	recoveryCodes  = 10
	challengeBytes = 32
)

// Challenge kinds.
const (
	stepSecondFactor = "second_factor" // password accepted, second factor due
	stepPasskeyLogin = "passkey_login" // a passkey assertion is due
	stepEnrol        = "enrol"         // enrolment link redeemed, first factor due
	stepEnrolTOTP    = "enrol_totp"    // a TOTP secret shown, its first code due
	stepEnrolPasskey = "enrol_passkey" // a passkey registration is due
)

// Factors of a second factor.
const (
	FactorPasskey  = "passkey"
	FactorTOTP     = "totp"
	FactorRecovery = "recovery"
)

// errSignIn is the one answer to a wrong username, a wrong password, a
// disabled account or an account without a second factor: the same code
// and the same message, so the answer tells nothing about the account.
func errSignIn() error {
	return haven.Errorf(haven.EUNAUTHORIZED, "app.SignIn", "the username or password is not right")
}

// Step is a sign-in or enrolment in progress.
type Step = haven.SignInStep

// Session is a new session.
type Session = haven.Session

// stepID makes a step's secret and the ID the store keeps.
func stepID() (secret, stored string, err error) {
	secret, hash, err := auth.NewToken("hs_")
	if err != nil {
		return "", "", haven.Internal("app.stepID", err)
	}
	return secret, hex.EncodeToString(hash), nil
}

func storedStepID(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// putStep stores a step of kind for user and returns its secret.
func (a *Accounts) putStep(ctx context.Context, tx store.Tx, user haven.ID, kind, data string, ttl time.Duration) (*Step, error) {
	secret, id, err := stepID()
	if err != nil {
		return nil, err
	}
	exp := a.now().Add(ttl)
	if err := tx.PutChallenge(ctx, &store.Challenge{ID: id, UserID: user, Kind: kind, Data: data, ExpiresAt: exp}); err != nil {
		return nil, err
	}
	return &Step{ID: secret, ExpiresAt: exp}, nil
}

// takeStep takes (deletes) the step and checks its kind. A step is single
// use: whatever the outcome, it is gone.
func (a *Accounts) takeStep(ctx context.Context, tx store.Tx, secret string, kinds ...string) (*store.Challenge, error) {
	c, err := tx.TakeChallenge(ctx, storedStepID(secret), a.now())
	if haven.ErrorCodeOf(err) == haven.ENOTFOUND || (err == nil && !slices.Contains(kinds, c.Kind)) {
		return nil, haven.Errorf(haven.EUNAUTHORIZED, "app.step", "this sign-in step has expired or was already used; start again")
	}
	return c, err
}

// attemptKeys are the counters a sign-in attempt counts against: the
// account, keyed by a blind index of the username typed (so that an
// unknown username is counted, and locked, exactly like a known one), and
// the source address, keyed likewise (no address is stored).
func (a *Accounts) attemptKeys(username, source string) (acct, addr string) {
	return "acct:" + hex.EncodeToString(a.vault.BlindIndex("signin_username", username)),
		"addr:" + hex.EncodeToString(a.vault.BlindIndex("signin_source", sourceBlock(source)))
}

// sourceBlock is what an address counts as: an IPv4 address itself, an
// IPv6 address its /64, which one client holds whole (rotating addresses
// inside it must not escape the count).
func sourceBlock(source string) string {
	ip, err := netip.ParseAddr(source)
	if err != nil || !ip.Is6() || ip.Is4In6() {
		return source
	}
	p, err := ip.WithZone("").Prefix(64)
	if err != nil {
		return source
	}
	return p.String()
}

// checkLimits refuses an attempt while either counter is over its limit.
func (a *Accounts) checkLimits(ctx context.Context, tx store.Tx, acct, addr string) error {
	now := a.now()
	for _, k := range []struct {
		key string
		lim auth.Limits
	}{{acct, auth.AccountLimits()}, {addr, auth.AddressLimits()}} {
		at, err := tx.FindAttempts(ctx, k.key)
		if err != nil {
			return err
		}
		if ok, wait := k.lim.Allow(auth.Attempts{Failures: at.Failures, First: at.FirstAt, Last: at.LastAt}, now); !ok {
			return &haven.Error{Code: haven.ETOOMANY, Op: "app.SignIn", Err: haven.RetryAfter(wait),
				Message: fmt.Sprintf("too many attempts; try again in %d minutes", int(wait.Minutes())+1)}
		}
	}
	return nil
}

// fail counts a failed attempt against both counters and audits it. The
// event names the account only when it exists; never the username typed.
func (a *Accounts) fail(ctx context.Context, tx store.Tx, acct, addr string, u *haven.User, what string) error {
	now := a.now()
	if _, err := tx.RecordFailure(ctx, acct, now, auth.AccountLimits().Window); err != nil {
		return err
	}
	if _, err := tx.RecordFailure(ctx, addr, now, auth.AddressLimits().Window); err != nil {
		return err
	}
	actor, org := haven.ID("anonymous"), haven.ID("")
	if u != nil {
		actor, org = u.ID, u.OrgID
	}
	return a.appendEvent(ctx, tx, &haven.AuditEvent{At: now, ActorID: actor, ActorOrgID: org, Action: "signin." + what,
		ObjectType: "user", ObjectID: actor, Decision: "fail"})
}

// failAfter records a failure in a transaction of its own, then returns
// err: the step that failed has rolled back or written nothing.
func (a *Accounts) failAfter(ctx context.Context, acct, addr string, u *haven.User, what string, err error) error {
	if werr := a.store.Update(ctx, func(tx store.Tx) error { return a.fail(ctx, tx, acct, addr, u, what) }); werr != nil {
		return werr
	}
	a.purge(ctx) // failures make counters: they go as they grow
	return err
}

// factorsOf lists the second factors a user has.
func factorsOf(ctx context.Context, tx store.Tx, id haven.ID) ([]string, error) {
	f, err := factorSummary(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	var fs []string
	if len(f.Passkeys) > 0 {
		fs = append(fs, FactorPasskey)
	}
	if f.TOTP {
		fs = append(fs, FactorTOTP)
	}
	if f.RecoveryCodesLeft > 0 {
		fs = append(fs, FactorRecovery)
	}
	return fs, nil
}

// SignIn checks a username and password and, when both are right and the
// account has a second factor, returns the step that asks for it. Every
// wrong answer, for an unknown user as for a wrong password, is the same
// EUNAUTHORIZED; too many attempts on the account or from the address are
// ETOOMANY. source identifies the client (its address); only a keyed hash
// of it is kept.
func (a *Accounts) SignIn(ctx context.Context, username, password, source string) (*Step, error) {
	if a.hasher == nil {
		return nil, haven.Errorf(haven.EUNAVAILABLE, "app.SignIn", "sign-in is not configured")
	}
	username = strings.ToLower(strings.TrimSpace(username))
	acct, addr := a.attemptKeys(username, source)
	var u *haven.User
	var phc string
	err := a.store.View(ctx, func(tx store.Tx) error {
		if err := a.checkLimits(ctx, tx, acct, addr); err != nil {
			return err
		}
		found, err := tx.FindUserByUsername(ctx, username)
		if haven.ErrorCodeOf(err) == haven.ENOTFOUND {
			return nil
		} else if err != nil {
			return err
		}
		if phc, err = tx.FindPassword(ctx, found.ID); haven.ErrorCodeOf(err) == haven.ENOTFOUND {
			phc = ""
		} else if err != nil {
			return err
		}
		u = found
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Outside any transaction: argon2id takes tens of milliseconds.
	ok := false
	if u == nil || phc == "" {
		if err := a.hasher.VerifyDummy(ctx, password); err != nil {
			return nil, err
		}
	} else {
		var rehash bool
		ok, rehash, err = a.hasher.Verify(ctx, phc, password)
		if err != nil && haven.ErrorCodeOf(err) != haven.EINTERNAL {
			return nil, err
		}
		if ok && rehash {
			if nh, err := a.hasher.Hash(ctx, password); err == nil {
				phc = nh
			} else {
				rehash = false
			}
		}
		if ok && !rehash {
			phc = ""
		}
	}
	if !ok || !u.DisabledAt.IsZero() {
		return nil, a.failAfter(ctx, acct, addr, u, "password", errSignIn())
	}
	var step *Step
	err = a.store.Update(ctx, func(tx store.Tx) error {
		fs, err := factorsOf(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		if len(fs) == 0 {
			return errSignIn() // not enrolled: as unknown as a wrong password
		}
		if phc != "" { // the stored hash was below today's parameters
			if err := tx.PutPassword(ctx, u.ID, phc, a.now()); err != nil {
				return err
			}
		}
		if step, err = a.putStep(ctx, tx, u.ID, stepSecondFactor, "", signInStepTTL); err != nil {
			return err
		}
		step.Factors = fs
		return a.appendEvent(ctx, tx, &haven.AuditEvent{At: a.now(), ActorID: u.ID, ActorOrgID: u.OrgID, Action: "signin.password",
			ObjectType: "user", ObjectID: u.ID, Decision: "allow"})
	})
	if haven.ErrorCodeOf(err) == haven.EUNAUTHORIZED {
		return nil, a.failAfter(ctx, acct, addr, u, "password", err)
	}
	if err == nil {
		a.purge(ctx) // steps come with passwords accepted, and abandoned ones go
	}
	return step, err
}

// openSession starts a session for user with a fresh token.
func (a *Accounts) openSession(ctx context.Context, tx store.Tx, u *haven.User, factor, source string) (*Session, error) {
	token, hash, err := auth.NewToken(auth.SessionTokenPrefix)
	if err != nil {
		return nil, haven.Internal("app.openSession", err)
	}
	now := a.now()
	s := &store.Session{TokenHash: hash, UserID: u.ID, SecondFactor: factor,
		Source: hex.EncodeToString(a.vault.BlindIndex("signin_source", source)), CreatedAt: now, LastSeenAt: now}
	if err := tx.CreateSession(ctx, s); err != nil {
		return nil, err
	}
	acct, addr := a.attemptKeys(u.Username, source)
	if err := tx.ClearAttempts(ctx, acct); err != nil {
		return nil, err
	}
	_ = addr // the address keeps its count: one success does not excuse a spray
	if err := a.appendEvent(ctx, tx, &haven.AuditEvent{At: now, ActorID: u.ID, ActorOrgID: u.OrgID, Action: "signin",
		ObjectType: "user", ObjectID: u.ID, Decision: "allow", Detail: `{"factor":"` + factor + `"}`}); err != nil {
		return nil, err
	}
	return &Session{Token: token, UserID: u.ID, ExpiresAt: a.sessions.ExpiresAt(now, now)}, nil
}

// secondStep takes a second-factor step and loads its user.
func (a *Accounts) secondStep(ctx context.Context, tx store.Tx, secret string, kinds ...string) (*store.Challenge, *haven.User, error) {
	c, err := a.takeStep(ctx, tx, secret, kinds...)
	if err != nil {
		return nil, nil, err
	}
	u, err := tx.FindUserByID(ctx, c.UserID)
	if err != nil {
		return nil, nil, err
	}
	if !u.DisabledAt.IsZero() {
		return nil, nil, errSignIn()
	}
	return c, u, nil
}

// spendStep takes a second-factor step in a transaction of its own, so
// that it is spent whatever the outcome of the answer: an answer can never
// be replayed, and a wrong one gets a new step only as retryStep allows.
func (a *Accounts) spendStep(ctx context.Context, secret string, kinds ...string) (*store.Challenge, *haven.User, error) {
	var c *store.Challenge
	var u *haven.User
	var refused error
	err := a.store.Update(ctx, func(tx store.Tx) (err error) {
		c, u, err = a.secondStep(ctx, tx, secret, kinds...)
		if haven.ErrorCodeOf(err) == haven.EUNAUTHORIZED {
			// A step of another kind, or of a disabled user, is refused
			// and spent all the same: the transaction that took it commits.
			c, u, refused = nil, nil, err
			return nil
		}
		return err
	})
	if err == nil {
		err = refused
	}
	return c, u, err
}

// userKey loads the data key sealing a user's TOTP secret, making it on
// first use.
func (a *Accounts) userKey(ctx context.Context, tx store.Tx, user haven.ID, create bool) (*sealer, *opener, error) {
	dk, err := a.key(ctx, tx, user)
	if err != nil {
		return nil, nil, err
	}
	if dk == nil {
		if !create {
			return nil, nil, haven.Errorf(haven.EUNAUTHORIZED, "app.userKey", "this account's second factor cannot be read; ask for a new enrolment")
		}
		if dk, err = a.newKey(ctx, tx, user); err != nil {
			return nil, nil, err
		}
	}
	return a.sealer(dk, "totp_factors", user), a.opener(dk, "totp_factors", user), nil
}

// SignInTOTP completes a sign-in with a TOTP code. The step is used up
// whatever the outcome; a wrong code counts against the attempt limits and,
// while they allow another, the refusal carries the step of the next try
// (haven.RetryStepOf); past them, the refusal is ETOOMANY and the user
// starts again with the password. A code is accepted once, across every
// process.
func (a *Accounts) SignInTOTP(ctx context.Context, stepSecret, code, source string) (*Session, error) {
	c, u, err := a.spendStep(ctx, stepSecret, stepSecondFactor)
	if err != nil {
		return nil, err
	}
	var s *Session
	var failed *haven.User
	err = a.store.Update(ctx, func(tx store.Tx) error {
		f, err := tx.FindTOTP(ctx, u.ID)
		if haven.ErrorCodeOf(err) == haven.ENOTFOUND {
			failed = u
			return errSignIn()
		} else if err != nil {
			return err
		}
		_, o, err := a.userKey(ctx, tx, u.ID, false)
		if err != nil {
			return err
		}
		secret := o.str("secret", f.Secret)
		if o.err != nil {
			return o.err
		}
		step, err := auth.CheckTOTP(secret, code, a.now(), f.LastStep)
		if err != nil {
			failed = u
			return err
		}
		if err := tx.UseTOTPStep(ctx, u.ID, step); err != nil {
			if haven.ErrorCodeOf(err) == haven.ECONFLICT {
				failed = u
				return haven.Errorf(haven.EUNAUTHORIZED, "app.SignInTOTP", "this code was already used; wait for the next one")
			}
			return err
		}
		s, err = a.openSession(ctx, tx, u, FactorTOTP, source)
		return err
	})
	return a.endSecondFactor(ctx, c, s, err, failed, "totp", source)
}

// endSecondFactor ends a second-factor sign-in: a refusal that names its
// user counts against the account and the address and, while the limits
// allow another try, carries the step of that try (a code's, not a
// passkey's: c is nil for one); a success purges the
// dead sign-in rows (sessions come with sign-ins, and the dead ones go).
func (a *Accounts) endSecondFactor(ctx context.Context, c *store.Challenge, s *Session, err error, failed *haven.User, factor, source string) (*Session, error) {
	if err != nil && failed != nil {
		acct, addr := a.attemptKeys(failed.Username, source)
		if err := a.failAfter(ctx, acct, addr, failed, factor, err); c == nil || haven.ErrorCodeOf(err) != haven.EUNAUTHORIZED {
			return nil, err // a passkey's answer is tried once, as its page does
		}
		return nil, a.retryStep(ctx, c, failed, acct, addr, err)
	}
	if err == nil {
		a.purge(ctx)
	}
	return s, err
}

// SignInRecovery completes a sign-in with a recovery code, each usable
// once. A wrong code is refused as SignInTOTP refuses one.
func (a *Accounts) SignInRecovery(ctx context.Context, stepSecret, code, source string) (*Session, error) {
	c, u, err := a.spendStep(ctx, stepSecret, stepSecondFactor)
	if err != nil {
		return nil, err
	}
	var s *Session
	var failed *haven.User
	err = a.store.Update(ctx, func(tx store.Tx) error {
		codes, err := tx.FindRecoveryCodes(ctx, u.ID)
		if err != nil {
			return err
		}
		var hashes [][]byte
		for _, c := range codes {
			if c.UsedAt.IsZero() {
				hashes = append(hashes, c.Hash)
			} else {
				hashes = append(hashes, nil)
			}
		}
		i, ok := auth.MatchRecoveryCode(code, hashes)
		if !ok {
			failed = u
			return haven.Errorf(haven.EUNAUTHORIZED, "app.SignInRecovery", "the recovery code is not right or was already used")
		}
		if err := tx.UseRecoveryCode(ctx, u.ID, codes[i].Index, a.now()); err != nil {
			if haven.ErrorCodeOf(err) == haven.ECONFLICT {
				failed = u
				return haven.Errorf(haven.EUNAUTHORIZED, "app.SignInRecovery", "the recovery code is not right or was already used")
			}
			return err
		}
		s, err = a.openSession(ctx, tx, u, FactorRecovery, source)
		return err
	})
	return a.endSecondFactor(ctx, c, s, err, failed, "recovery", source)
}

// retryStep gives a second factor refused for a wrong answer another try:
// a fresh step for the same user, ending when the spent one c would have,
// while the account's and the address's limits allow one more attempt.
// Past them, the answer is the limits' ETOOMANY, and the user starts again
// with the password, which the same limits then refuse. refused is
// returned with the step as its cause.
func (a *Accounts) retryStep(ctx context.Context, c *store.Challenge, u *haven.User, acct, addr string, refused error) error {
	ttl := c.ExpiresAt.Sub(a.now())
	if ttl <= 0 {
		return refused
	}
	var next *Step
	err := a.store.Update(ctx, func(tx store.Tx) error {
		if err := a.checkLimits(ctx, tx, acct, addr); err != nil {
			return err
		}
		fs, err := factorsOf(ctx, tx, u.ID)
		if err != nil || len(fs) == 0 {
			return err
		}
		if next, err = a.putStep(ctx, tx, u.ID, stepSecondFactor, "", ttl); err != nil {
			return err
		}
		next.Factors = fs
		return nil
	})
	if err != nil {
		return err
	}
	if next == nil {
		return refused
	}
	return &haven.Error{Code: haven.ErrorCodeOf(refused), Op: "app.SignIn", Message: haven.ErrorMessageOf(refused),
		Err: &haven.RetryStep{Step: next}}
}

// passkeyUser is a user as the passkey ceremonies see it. The handle is a
// keyed hash of the user's ID: stable, and telling nothing.
func (a *Accounts) passkeyUser(ctx context.Context, tx store.Tx, u *haven.User) (auth.PasskeyUser, error) {
	pu := auth.PasskeyUser{Handle: a.vault.BlindIndex("webauthn_user_handle", string(u.ID)), Name: u.Username, DisplayName: u.DisplayName}
	pks, err := tx.FindPasskeys(ctx, u.ID)
	if err != nil {
		return pu, err
	}
	for _, p := range pks {
		var k auth.Passkey
		if err := jsonUnmarshal(p.Credential, &k); err != nil {
			return pu, haven.Internal("app.passkeyUser", err)
		}
		pu.Passkeys = append(pu.Passkeys, k)
	}
	return pu, nil
}

// SignInPasskeyBegin turns a second-factor step into a passkey assertion:
// it returns the options for the browser and the step for the answer.
func (a *Accounts) SignInPasskeyBegin(ctx context.Context, stepSecret string) (options []byte, next *Step, err error) {
	if a.passkeys == nil {
		return nil, nil, haven.Errorf(haven.EUNAVAILABLE, "app.SignInPasskeyBegin", "passkeys are not configured")
	}
	err = a.store.Update(ctx, func(tx store.Tx) error {
		_, u, err := a.secondStep(ctx, tx, stepSecret, stepSecondFactor)
		if err != nil {
			return err
		}
		pu, err := a.passkeyUser(ctx, tx, u)
		if err != nil {
			return err
		}
		if len(pu.Passkeys) == 0 {
			return haven.Errorf(haven.EINVALID, "app.SignInPasskeyBegin", "this account has no passkey; use another factor")
		}
		opts, session, err := a.passkeys.BeginLogin(pu)
		if err != nil {
			return err
		}
		if next, err = a.putStep(ctx, tx, u.ID, stepPasskeyLogin, base64.StdEncoding.EncodeToString(session), signInStepTTL); err != nil {
			return err
		}
		options = opts
		return nil
	})
	return options, next, err
}

// SignInPasskeyFinish checks the browser's assertion and starts a session.
// An assertion for another user's credential, another origin or another
// challenge is refused.
func (a *Accounts) SignInPasskeyFinish(ctx context.Context, stepSecret string, response io.Reader, source string) (*Session, error) {
	if a.passkeys == nil {
		return nil, haven.Errorf(haven.EUNAVAILABLE, "app.SignInPasskeyFinish", "passkeys are not configured")
	}
	// The step is spent before the assertion is checked, so that the same
	// answer cannot be replayed (synced passkeys keep no counter).
	c, u, err := a.spendStep(ctx, stepSecret, stepPasskeyLogin)
	if err != nil {
		return nil, err
	}
	var s *Session
	var failed *haven.User
	err = a.store.Update(ctx, func(tx store.Tx) error {
		session, err := base64.StdEncoding.DecodeString(c.Data)
		if err != nil {
			return haven.Internal("app.SignInPasskeyFinish", err)
		}
		pu, err := a.passkeyUser(ctx, tx, u)
		if err != nil {
			return err
		}
		k, err := a.passkeys.FinishLogin(pu, session, response)
		if err != nil {
			failed = u
			return err
		}
		cred, err := jsonMarshal(k)
		if err != nil {
			return err
		}
		if err := tx.UpdatePasskeyUse(ctx, k.ID, int64(k.SignCount), cred, a.now()); err != nil {
			if haven.ErrorCodeOf(err) == haven.ECONFLICT {
				failed = u
				return haven.Errorf(haven.EUNAUTHORIZED, "app.SignInPasskeyFinish", "this passkey's answer was already used")
			}
			return err
		}
		s, err = a.openSession(ctx, tx, u, FactorPasskey, source)
		return err
	})
	return a.endSecondFactor(ctx, nil, s, err, failed, "passkey", source)
}

// touchEvery is how often the use of a session or an API token is
// written. A use within touchEvery of the stored last use writes nothing,
// so that a request that only reads opens no write transaction (SQLite has
// one writer for every process).
//
// The rule that keeps idle limits safe: a session's idle limit runs from
// its stored last_seen_at, never from a use that was not written. The
// stored time lags the last real use by less than the interval, so a
// session ends at most that much before its idle limit from its last real
// use, never after it. The interval is also at most half the idle limit,
// so a session used more often than its idle limit never ends idle.
const touchEvery = time.Minute

// touchInterval is touchEvery, or half the idle limit when that is less.
func (a *Accounts) touchInterval() time.Duration { return min(touchEvery, a.sessions.Idle/2) }

// Authenticate returns the actor of a session token, and touches the
// session when its stored last use is touchInterval or more old. An
// unknown, ended, idle or expired session, or a disabled user, is
// EUNAUTHORIZED. A use that needs no write (the session is live and was
// touched within the interval) is answered from a read-only transaction.
func (a *Accounts) Authenticate(ctx context.Context, token string) (haven.Actor, error) {
	const op = "app.Authenticate"
	bad := haven.Errorf(haven.EUNAUTHORIZED, op, "please sign in")
	if err := auth.CheckToken(token, auth.SessionTokenPrefix); err != nil {
		return haven.Actor{}, bad
	}
	hash := auth.HashToken(token)
	now := a.now()
	stale := now.Add(-a.touchInterval())
	var actor haven.Actor
	var ended, needWrite bool
	// run is the check, read-only or in a write transaction: read-only,
	// it stops where a write would be needed and says so; the write then
	// runs the whole check again on the row as it is by then.
	run := func(write bool) func(store.Tx) error {
		return func(tx store.Tx) error {
			s, err := tx.FindSession(ctx, hash)
			if haven.ErrorCodeOf(err) == haven.ENOTFOUND || (err == nil && !s.EndedAt.IsZero()) {
				return bad
			} else if err != nil {
				return err
			}
			if err := a.sessions.Valid(s.CreatedAt, s.LastSeenAt, now); err != nil {
				if !write {
					needWrite = true
					return nil
				}
				// The end must commit, so the transaction succeeds and the
				// caller is refused after it: a process whose clock lags
				// cannot bring the session back.
				if err := tx.EndSession(ctx, hash, now); err != nil && haven.ErrorCodeOf(err) != haven.ECONFLICT {
					return err
				}
				ended = true
				return nil
			}
			u, err := tx.FindUserByID(ctx, s.UserID)
			if err != nil {
				return err
			}
			if !u.DisabledAt.IsZero() {
				return bad
			}
			if !s.LastSeenAt.After(stale) {
				if !write {
					needWrite = true
					return nil
				}
				if err := tx.TouchSession(ctx, hash, now, stale); err != nil {
					if code := haven.ErrorCodeOf(err); code == haven.ENOTFOUND || code == haven.ECONFLICT {
						return bad // ended or purged by another process meanwhile
					}
					return err
				}
			}
			actor = haven.Actor{UserID: u.ID, OrgID: u.OrgID}
			return nil
		}
	}
	err := a.store.View(ctx, run(false))
	if err == nil && needWrite {
		err = a.store.Update(ctx, run(true))
	}
	if ended {
		a.purge(ctx)
		return haven.Actor{}, bad
	}
	if haven.ErrorCodeOf(err) == haven.EUNAUTHORIZED {
		return haven.Actor{}, bad
	}
	return actor, err
}

// SignOut ends the session of token.
func (a *Accounts) SignOut(ctx context.Context, token string) error {
	if auth.CheckToken(token, auth.SessionTokenPrefix) != nil {
		return nil
	}
	return a.store.Update(ctx, func(tx store.Tx) error {
		hash := auth.HashToken(token)
		s, err := tx.FindSession(ctx, hash)
		if haven.ErrorCodeOf(err) == haven.ENOTFOUND {
			return nil
		} else if err != nil {
			return err
		}
		if err := tx.EndSession(ctx, hash, a.now()); err != nil {
			if haven.ErrorCodeOf(err) == haven.ECONFLICT {
				return nil
			}
			return err
		}
		return a.appendEvent(ctx, tx, &haven.AuditEvent{At: a.now(), ActorID: s.UserID, Action: "signout", ObjectType: "user",
			ObjectID: s.UserID, Decision: "allow"})
	})
}

// --- enrolment ---

// IssueEnrolment makes a new one-time enrolment secret for a user (when
// they lost every factor): their factors and sessions end. Only the
// programme's administration may.
func (a *Accounts) IssueEnrolment(ctx context.Context, actor haven.Actor, user haven.ID) (string, error) {
	var token string
	err := a.update(ctx, func(tx store.Tx) error {
		w, err := a.allow(ctx, tx, actor, policy.UserCreate)
		if err != nil {
			return err
		}
		if _, err := tx.FindUserByID(ctx, user); err != nil {
			return err
		}
		if err := a.dropFactors(ctx, tx, user); err != nil {
			return err
		}
		// A new link replaces every earlier one: a link that may have
		// leaked is worthless once another is issued.
		if _, err := tx.CancelEnrolments(ctx, user, a.now()); err != nil {
			return err
		}
		if _, err := tx.EndUserSessions(ctx, user, nil, a.now()); err != nil {
			return err
		}
		if token, err = a.issueEnrolment(ctx, tx, user); err != nil {
			return err
		}
		return a.audit(ctx, tx, w.actor(), "user.enrolment", "user", user, "", nil)
	})
	return token, err
}

func (a *Accounts) dropFactors(ctx context.Context, tx store.Tx, user haven.ID) error {
	if err := tx.DeleteTOTP(ctx, user); err != nil && haven.ErrorCodeOf(err) != haven.ENOTFOUND {
		return err
	}
	pks, err := tx.FindPasskeys(ctx, user)
	if err != nil {
		return err
	}
	for _, p := range pks {
		if err := tx.DeletePasskey(ctx, user, p.ID); err != nil {
			return err
		}
	}
	return tx.PutRecoveryCodes(ctx, user, nil, a.now())
}

// CheckPassword returns the problems of password as a new password, by
// the policy alone: the account's names, which Enrol also refuses in it,
// are not known here. A form asks it to say the password's problems with
// its own (a confirmation not the same), in one pass.
func (a *Accounts) CheckPassword(password string) haven.Problems {
	return auth.CheckPassword(password)
}

// Enrol redeems a one-time enrolment secret and sets the user's password.
// It returns the step at which the user enrols a second factor. The
// password must meet the policy (15 characters or more, not a known
// breached password); the secret is used up only on success.
func (a *Accounts) Enrol(ctx context.Context, secret, password string) (*Step, error) {
	const op = "app.Enrol"
	if a.hasher == nil {
		return nil, haven.Errorf(haven.EUNAVAILABLE, op, "sign-in is not configured")
	}
	if auth.CheckToken(secret, "he_") != nil {
		return nil, haven.Errorf(haven.EUNAUTHORIZED, op, "the enrolment link is not valid or has expired")
	}
	// First look: redeem the secret in a transaction that always rolls
	// back, to learn whose it is and check the password against their
	// names. The secret is spent only below, with the password set.
	var u *haven.User
	errPeek := errors.New("peek")
	err := a.store.Update(ctx, func(tx store.Tx) error {
		e, err := tx.UseEnrolment(ctx, auth.HashToken(secret), a.now())
		if haven.ErrorCodeOf(err) == haven.ENOTFOUND {
			return haven.Errorf(haven.EUNAUTHORIZED, op, "the enrolment link is not valid or has expired")
		} else if err != nil {
			return err
		}
		if u, err = tx.FindUserByID(ctx, e.UserID); err != nil {
			return err
		}
		if !u.DisabledAt.IsZero() {
			return haven.Errorf(haven.EUNAUTHORIZED, op, "the enrolment link is not valid or has expired")
		}
		return errPeek
	})
	if !errors.Is(err, errPeek) {
		return nil, err
	}
	if err := auth.CheckPassword(password, u.Username, u.DisplayName).Err(op); err != nil {
		return nil, err
	}
	var step *Step
	// Hash outside the transaction, then redeem and set in one.
	phc, err := a.hasher.Hash(ctx, password)
	if err != nil {
		return nil, err
	}
	err = a.store.Update(ctx, func(tx store.Tx) error {
		e, err := tx.UseEnrolment(ctx, auth.HashToken(secret), a.now())
		if haven.ErrorCodeOf(err) == haven.ENOTFOUND {
			return haven.Errorf(haven.EUNAUTHORIZED, op, "the enrolment link is not valid or has expired")
		} else if err != nil {
			return err
		}
		if e.UserID != u.ID {
			return haven.Internal(op, errors.New("enrolment changed hands"))
		}
		if err := tx.PutPassword(ctx, u.ID, phc, a.now()); err != nil {
			return err
		}
		if step, err = a.putStep(ctx, tx, u.ID, stepEnrol, "", enrolStepTTL); err != nil {
			return err
		}
		step.Factors = []string{FactorTOTP}
		if a.passkeys != nil {
			step.Factors = []string{FactorPasskey, FactorTOTP}
		}
		return a.appendEvent(ctx, tx, &haven.AuditEvent{At: a.now(), ActorID: u.ID, ActorOrgID: u.OrgID, Action: "user.enrol.password",
			ObjectType: "user", ObjectID: u.ID, Decision: "allow"})
	})
	return step, err
}

// EnrolTOTPBegin makes a TOTP secret for the user at an enrolment step (or
// a signed-in user adding TOTP, see AddTOTPBegin) and returns it with its
// otpauth:// URL and the step for its first code. The secret is kept
// sealed until confirmed.
func (a *Accounts) EnrolTOTPBegin(ctx context.Context, stepSecret string) (secret, url string, next *Step, err error) {
	err = a.store.Update(ctx, func(tx store.Tx) error {
		c, err := a.takeStep(ctx, tx, stepSecret, stepEnrol)
		if err != nil {
			return err
		}
		secret, url, next, err = a.beginTOTP(ctx, tx, c.UserID)
		return err
	})
	return secret, url, next, err
}

func (a *Accounts) beginTOTP(ctx context.Context, tx store.Tx, user haven.ID) (string, string, *Step, error) {
	u, err := tx.FindUserByID(ctx, user)
	if err != nil {
		return "", "", nil, err
	}
	secret, url, err := auth.NewTOTPSecret(a.issuer, u.Username)
	if err != nil {
		return "", "", nil, haven.Internal("app.beginTOTP", err)
	}
	s, _, err := a.userKey(ctx, tx, user, true)
	if err != nil {
		return "", "", nil, err
	}
	sealed := s.str("pending_secret", secret)
	if s.err != nil {
		return "", "", nil, s.err
	}
	next, err := a.putStep(ctx, tx, user, stepEnrolTOTP, base64.StdEncoding.EncodeToString(sealed), enrolStepTTL)
	return secret, url, next, err
}

// EnrolTOTPFinish confirms the TOTP secret with its first code, stores it
// sealed, and returns the recovery codes, shown this once.
func (a *Accounts) EnrolTOTPFinish(ctx context.Context, stepSecret, code string) ([]string, error) {
	var codes []string
	err := a.store.Update(ctx, func(tx store.Tx) error {
		c, err := a.takeStep(ctx, tx, stepSecret, stepEnrolTOTP)
		if err != nil {
			return err
		}
		codes, err = a.finishTOTP(ctx, tx, c, code, true)
		return err
	})
	return codes, err
}

func (a *Accounts) finishTOTP(ctx context.Context, tx store.Tx, c *store.Challenge, code string, recovery bool) ([]string, error) {
	sealed, err := base64.StdEncoding.DecodeString(c.Data)
	if err != nil {
		return nil, haven.Internal("app.finishTOTP", err)
	}
	s, o, err := a.userKey(ctx, tx, c.UserID, false)
	if err != nil {
		return nil, err
	}
	secret := o.str("pending_secret", sealed)
	if o.err != nil {
		return nil, o.err
	}
	step, err := auth.CheckTOTP(secret, code, a.now(), 0)
	if err != nil {
		return nil, err
	}
	if err := tx.DeleteTOTP(ctx, c.UserID); err != nil && haven.ErrorCodeOf(err) != haven.ENOTFOUND {
		return nil, err
	}
	if err := tx.PutTOTP(ctx, c.UserID, s.str("secret", secret), a.now()); err != nil {
		return nil, err
	}
	if s.err != nil {
		return nil, s.err
	}
	if err := tx.UseTOTPStep(ctx, c.UserID, step); err != nil {
		return nil, err
	}
	return a.afterFactor(ctx, tx, c.UserID, FactorTOTP, recovery)
}

// afterFactor audits a new factor and, on enrolment, makes recovery codes.
func (a *Accounts) afterFactor(ctx context.Context, tx store.Tx, user haven.ID, factor string, recovery bool) ([]string, error) {
	u, err := tx.FindUserByID(ctx, user)
	if err != nil {
		return nil, err
	}
	var codes []string
	if recovery {
		var hashes [][]byte
		if codes, hashes, err = auth.NewRecoveryCodes(recoveryCodes); err != nil {
			return nil, haven.Internal("app.afterFactor", err)
		}
		if err := tx.PutRecoveryCodes(ctx, user, hashes, a.now()); err != nil {
			return nil, err
		}
	}
	return codes, a.appendEvent(ctx, tx, &haven.AuditEvent{At: a.now(), ActorID: u.ID, ActorOrgID: u.OrgID, Action: "user.factor.add",
		ObjectType: "user", ObjectID: u.ID, Decision: "allow", Detail: `{"factor":"` + factor + `"}`})
}

// EnrolPasskeyBegin starts registering a passkey at an enrolment step: it
// returns the options for the browser and the step for the answer.
func (a *Accounts) EnrolPasskeyBegin(ctx context.Context, stepSecret string) (options []byte, next *Step, err error) {
	if a.passkeys == nil {
		return nil, nil, haven.Errorf(haven.EUNAVAILABLE, "app.EnrolPasskeyBegin", "passkeys are not configured")
	}
	err = a.store.Update(ctx, func(tx store.Tx) error {
		c, err := a.takeStep(ctx, tx, stepSecret, stepEnrol)
		if err != nil {
			return err
		}
		options, next, err = a.beginPasskey(ctx, tx, c.UserID)
		return err
	})
	return options, next, err
}

func (a *Accounts) beginPasskey(ctx context.Context, tx store.Tx, user haven.ID) ([]byte, *Step, error) {
	u, err := tx.FindUserByID(ctx, user)
	if err != nil {
		return nil, nil, err
	}
	pu, err := a.passkeyUser(ctx, tx, u)
	if err != nil {
		return nil, nil, err
	}
	opts, session, err := a.passkeys.BeginRegistration(pu)
	if err != nil {
		return nil, nil, err
	}
	next, err := a.putStep(ctx, tx, user, stepEnrolPasskey, base64.StdEncoding.EncodeToString(session), enrolStepTTL)
	return opts, next, err
}

// EnrolPasskeyFinish checks the browser's registration, stores the passkey
// and returns the recovery codes, shown this once.
func (a *Accounts) EnrolPasskeyFinish(ctx context.Context, stepSecret, name string, response io.Reader) ([]string, error) {
	if a.passkeys == nil {
		return nil, haven.Errorf(haven.EUNAVAILABLE, "app.EnrolPasskeyFinish", "passkeys are not configured")
	}
	var codes []string
	err := a.store.Update(ctx, func(tx store.Tx) error {
		c, err := a.takeStep(ctx, tx, stepSecret, stepEnrolPasskey)
		if err != nil {
			return err
		}
		codes, err = a.finishPasskey(ctx, tx, c, name, response, true)
		return err
	})
	return codes, err
}

func (a *Accounts) finishPasskey(ctx context.Context, tx store.Tx, c *store.Challenge, name string, response io.Reader, recovery bool) ([]string, error) {
	session, err := base64.StdEncoding.DecodeString(c.Data)
	if err != nil {
		return nil, haven.Internal("app.finishPasskey", err)
	}
	u, err := tx.FindUserByID(ctx, c.UserID)
	if err != nil {
		return nil, err
	}
	pu, err := a.passkeyUser(ctx, tx, u)
	if err != nil {
		return nil, err
	}
	k, err := a.passkeys.FinishRegistration(pu, session, response)
	if err != nil {
		return nil, err
	}
	if err := haven.CheckPasskeyName(name).Err("app.finishPasskey"); err != nil {
		return nil, err
	}
	cred, err := jsonMarshal(k)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(name) == "" {
		name = "Passkey"
	}
	if err := tx.CreatePasskey(ctx, &store.Passkey{ID: k.ID, UserID: u.ID, Name: strings.TrimSpace(name), Credential: cred,
		SignCount: int64(k.SignCount), CreatedAt: a.now()}); err != nil {
		return nil, err
	}
	return a.afterFactor(ctx, tx, u.ID, FactorPasskey, recovery)
}
