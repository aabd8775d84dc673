package app

import (
	"bytes"
	"context"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/auth"
	"github.com/havenhrd/haven/internal/policy"
	"github.com/havenhrd/haven/internal/store"
)

// Changing one's own factors needs the password again (re-authentication)
// on top of a live session, and ends every other session of the user: a
// stolen session cannot add the thief's factor, and a new factor does not
// leave an old session behind. Every account keeps at least one passkey or
// TOTP.

// reauthKeys are the counters of a password re-check: the account's, and
// this user's own re-checks in place of an address (a shared key would let
// everyone's mistakes lock everyone out).
func (a *Accounts) reauthKeys(u *haven.User) (acct, addr string) {
	return a.attemptKeys(u.Username, "reauth:"+string(u.ID))
}

// reauth checks a session token and the user's password.
func (a *Accounts) reauth(ctx context.Context, token, password string) (*haven.User, []byte, error) {
	actor, err := a.Authenticate(ctx, token)
	if err != nil {
		return nil, nil, err
	}
	var u *haven.User
	var phc string
	err = a.store.View(ctx, func(tx store.Tx) error {
		if u, err = tx.FindUserByID(ctx, actor.UserID); err != nil {
			return err
		}
		// The counters that failures below add to also refuse: a stolen
		// session guesses the password no faster than a sign-in does.
		acct, addr := a.reauthKeys(u)
		if err := a.checkLimits(ctx, tx, acct, addr); err != nil {
			return err
		}
		phc, err = tx.FindPassword(ctx, u.ID)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	ok, _, err := a.hasher.Verify(ctx, phc, password)
	if err != nil && haven.ErrorCodeOf(err) != haven.EINTERNAL {
		return nil, nil, err
	}
	if !ok {
		acct, addr := a.reauthKeys(u)
		return nil, nil, a.failAfter(ctx, acct, addr, u, "reauth", haven.Errorf(haven.EUNAUTHORIZED, "app.reauth", "the password is not right"))
	}
	return u, auth.HashToken(token), nil
}

// ownStep takes a factor step and checks it belongs to the signed-in user:
// a step of another user's enrolment is refused (and stays unspent).
func (a *Accounts) ownStep(ctx context.Context, tx store.Tx, u *haven.User, secret, kind string) (*store.Challenge, error) {
	c, err := a.takeStep(ctx, tx, secret, kind)
	if err != nil {
		return nil, err
	}
	if c.UserID != u.ID {
		return nil, haven.Errorf(haven.EFORBIDDEN, "app.ownStep", "this step belongs to another user")
	}
	return c, nil
}

// endOthers ends the user's other sessions and audits the change.
func (a *Accounts) endOthers(ctx context.Context, tx store.Tx, u *haven.User, keep []byte, action, factor string) error {
	n, err := tx.EndUserSessions(ctx, u.ID, keep, a.now())
	if err != nil {
		return err
	}
	d, _ := jsonMarshal(map[string]any{"factor": factor, "sessions_ended": n})
	return a.appendEvent(ctx, tx, &haven.AuditEvent{At: a.now(), ActorID: u.ID, ActorOrgID: u.OrgID, Action: action,
		ObjectType: "user", ObjectID: u.ID, Decision: "allow", Detail: d})
}

// AddTOTPBegin starts adding TOTP to the signed-in user's account.
func (a *Accounts) AddTOTPBegin(ctx context.Context, token, password string) (secret, url string, next *Step, err error) {
	u, _, err := a.reauth(ctx, token, password)
	if err != nil {
		return "", "", nil, err
	}
	err = a.store.Update(ctx, func(tx store.Tx) error {
		secret, url, next, err = a.beginTOTP(ctx, tx, u.ID)
		return err
	})
	return secret, url, next, err
}

// AddTOTPFinish confirms the new TOTP secret with a code; the user's other
// sessions end.
func (a *Accounts) AddTOTPFinish(ctx context.Context, token, stepSecret, code string) error {
	actor, err := a.Authenticate(ctx, token)
	if err != nil {
		return err
	}
	return a.store.Update(ctx, func(tx store.Tx) error {
		u, err := tx.FindUserByID(ctx, actor.UserID)
		if err != nil {
			return err
		}
		c, err := a.ownStep(ctx, tx, u, stepSecret, stepEnrolTOTP)
		if err != nil {
			return err
		}
		if _, err := a.finishTOTP(ctx, tx, c, code, false); err != nil {
			return err
		}
		return a.endOthers(ctx, tx, u, auth.HashToken(token), "user.factor.sessions_ended", FactorTOTP)
	})
}

// AddPasskeyBegin starts adding a passkey to the signed-in user's account.
func (a *Accounts) AddPasskeyBegin(ctx context.Context, token, password string) (options []byte, next *Step, err error) {
	if a.passkeys == nil {
		return nil, nil, haven.Errorf(haven.EUNAVAILABLE, "app.AddPasskeyBegin", "passkeys are not configured")
	}
	u, _, err := a.reauth(ctx, token, password)
	if err != nil {
		return nil, nil, err
	}
	err = a.store.Update(ctx, func(tx store.Tx) error {
		options, next, err = a.beginPasskey(ctx, tx, u.ID)
		return err
	})
	return options, next, err
}

// AddPasskeyFinish stores the new passkey; the user's other sessions end.
func (a *Accounts) AddPasskeyFinish(ctx context.Context, token, stepSecret, name string, response io.Reader) error {
	if a.passkeys == nil {
		return haven.Errorf(haven.EUNAVAILABLE, "app.AddPasskeyFinish", "passkeys are not configured")
	}
	actor, err := a.Authenticate(ctx, token)
	if err != nil {
		return err
	}
	return a.store.Update(ctx, func(tx store.Tx) error {
		u, err := tx.FindUserByID(ctx, actor.UserID)
		if err != nil {
			return err
		}
		c, err := a.ownStep(ctx, tx, u, stepSecret, stepEnrolPasskey)
		if err != nil {
			return err
		}
		if _, err := a.finishPasskey(ctx, tx, c, name, response, false); err != nil {
			return err
		}
		return a.endOthers(ctx, tx, u, auth.HashToken(token), "user.factor.sessions_ended", FactorPasskey)
	})
}

// RemoveFactor removes the user's TOTP (factor "totp") or one passkey
// (factor "passkey" with its credential ID), after re-authentication; the
// user's other sessions end. The last second factor cannot be removed.
func (a *Accounts) RemoveFactor(ctx context.Context, token, password, factor string, passkeyID []byte) error {
	const op = "app.RemoveFactor"
	u, keep, err := a.reauth(ctx, token, password)
	if err != nil {
		return err
	}
	return a.store.Update(ctx, func(tx store.Tx) error {
		fs, err := factorsOf(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		pks, err := tx.FindPasskeys(ctx, u.ID)
		if err != nil {
			return err
		}
		if !removable(len(pks), containsString(fs, FactorTOTP)) {
			return haven.Errorf(haven.ECONFLICT, op, "this is your last second factor: add another before removing it")
		}
		switch factor {
		case FactorTOTP:
			if err := tx.DeleteTOTP(ctx, u.ID); err != nil {
				return err
			}
		case FactorPasskey:
			found := false
			for _, p := range pks {
				found = found || bytes.Equal(p.ID, passkeyID)
			}
			if !found {
				return haven.Errorf(haven.ENOTFOUND, op, "no such passkey")
			}
			if err := tx.DeletePasskey(ctx, u.ID, passkeyID); err != nil {
				return err
			}
		default:
			return (&haven.Problems{{Field: "factor", Message: "choose passkey or totp"}}).Err(op)
		}
		return a.endOthers(ctx, tx, u, keep, "user.factor.remove", factor)
	})
}

// RenewRecoveryCodes replaces the user's recovery codes after
// re-authentication and returns the new ones, shown this once.
func (a *Accounts) RenewRecoveryCodes(ctx context.Context, token, password string) ([]string, error) {
	u, keep, err := a.reauth(ctx, token, password)
	if err != nil {
		return nil, err
	}
	var codes []string
	err = a.store.Update(ctx, func(tx store.Tx) error {
		var err error
		if codes, err = a.afterFactor(ctx, tx, u.ID, FactorRecovery, true); err != nil {
			return err
		}
		return a.endOthers(ctx, tx, u, keep, "user.factor.sessions_ended", FactorRecovery)
	})
	return codes, err
}

// OwnFactors returns the actor's own second factors: each passkey's label
// and dates, whether an authenticator app is set up and since when, how
// many recovery codes are left unused, and whether a factor may be removed
// now. It never returns a secret (no TOTP seed, no public key, no code).
// Every signed-in user may read their own, and only their own: it takes no
// user to name. An unknown or disabled actor is EUNAUTHORIZED.
func (a *Accounts) OwnFactors(ctx context.Context, actor haven.Actor) (*haven.Factors, error) {
	var out *haven.Factors
	err := a.view(ctx, func(tx store.Tx) error {
		w, err := a.resolve(ctx, tx, actor)
		if err != nil {
			return err
		}
		out, err = factorSummary(ctx, tx, w.user.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// factorSummary reads a user's factors: labels, dates and counts, no secret.
func factorSummary(ctx context.Context, tx store.Tx, id haven.ID) (*haven.Factors, error) {
	out := &haven.Factors{}
	pks, err := tx.FindPasskeys(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, p := range pks {
		out.Passkeys = append(out.Passkeys, &haven.Passkey{ID: bytes.Clone(p.ID), Name: p.Name, CreatedAt: p.CreatedAt, LastUsedAt: p.LastUsedAt})
	}
	switch t, err := tx.FindTOTP(ctx, id); {
	case err == nil:
		out.TOTP, out.TOTPSince = true, t.CreatedAt
	case haven.ErrorCodeOf(err) != haven.ENOTFOUND:
		return nil, err
	}
	codes, err := tx.FindRecoveryCodes(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, c := range codes {
		if c.UsedAt.IsZero() {
			out.RecoveryCodesLeft++
		}
	}
	out.Removable = removable(len(pks), out.TOTP)
	return out, nil
}

// FindAPITokens returns every API token, revoked and expired ones too,
// ordered by the organisation's name, the username and when the token was
// made: whom it acts as, its name and dates, never the token or its hash.
// Only the programme's administration may.
func (a *Accounts) FindAPITokens(ctx context.Context, actor haven.Actor) ([]*haven.APIToken, error) {
	var out []*haven.APIToken
	err := a.view(ctx, func(tx store.Tx) error {
		if _, err := a.allow(ctx, tx, actor, policy.UserCreate); err != nil {
			return err
		}
		orgs, err := tx.FindOrganisations(ctx, "")
		if err != nil {
			return err
		}
		slices.SortFunc(orgs, func(x, y *haven.Organisation) int { return strings.Compare(x.Name, y.Name) })
		for _, o := range orgs {
			users, err := tx.FindUsers(ctx, o.ID)
			if err != nil {
				return err
			}
			for _, u := range users {
				ks, err := tx.FindAPITokens(ctx, u.ID)
				if err != nil {
					return err
				}
				for _, k := range ks {
					out = append(out, &haven.APIToken{ID: k.ID, UserID: u.ID, Username: u.Username, Name: k.Name,
						CreatedAt: k.CreatedAt, ExpiresAt: k.ExpiresAt, RevokedAt: k.RevokedAt, LastUsedAt: k.LastUsedAt})
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// FindAccounts returns the users of an organisation, or of every
// organisation when orgID is empty, ordered by organisation and username:
// each with whether they have enrolled and their factors (labels, dates and
// counts, never a secret), so that the programme's administration can see
// who may sign in and how. Only the programme's administration may.
func (a *Accounts) FindAccounts(ctx context.Context, actor haven.Actor, orgID haven.ID) ([]*haven.Account, error) {
	var out []*haven.Account
	err := a.view(ctx, func(tx store.Tx) error {
		if _, err := a.allow(ctx, tx, actor, policy.UserCreate); err != nil {
			return err
		}
		var orgs []*haven.Organisation
		if orgID != "" {
			o, err := tx.FindOrganisationByID(ctx, orgID)
			if haven.ErrorCodeOf(err) == haven.ENOTFOUND {
				return (&haven.Problems{{Field: "org_id", Message: "choose an organisation"}}).Err("app.FindAccounts")
			} else if err != nil {
				return err
			}
			orgs = []*haven.Organisation{o}
		} else {
			var err error
			if orgs, err = tx.FindOrganisations(ctx, ""); err != nil {
				return err
			}
			slices.SortFunc(orgs, func(x, y *haven.Organisation) int { return strings.Compare(x.Name, y.Name) })
		}
		for _, o := range orgs {
			users, err := tx.FindUsers(ctx, o.ID)
			if err != nil {
				return err
			}
			for _, u := range users {
				f, err := factorSummary(ctx, tx, u.ID)
				if err != nil {
					return err
				}
				_, err = tx.FindPassword(ctx, u.ID)
				if err != nil && haven.ErrorCodeOf(err) != haven.ENOTFOUND {
					return err
				}
				out = append(out, &haven.Account{User: u, Enrolled: err == nil, Factors: f})
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// removable says whether an account with this many passkeys, and an
// authenticator app or not, may lose one of them: every account keeps at
// least one second factor besides its recovery codes.
func removable(passkeys int, totp bool) bool {
	if totp {
		passkeys++
	}
	return passkeys > 1
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// --- users and API tokens, by the programme's administration ---

// DisableUser disables a user: every session of theirs ends and their API
// tokens stop working at once.
func (a *Accounts) DisableUser(ctx context.Context, actor haven.Actor, user haven.ID) error {
	return a.update(ctx, func(tx store.Tx) error {
		w, err := a.allow(ctx, tx, actor, policy.UserCreate)
		if err != nil {
			return err
		}
		if err := tx.DisableUser(ctx, user, a.now()); err != nil {
			return err
		}
		n, err := tx.EndUserSessions(ctx, user, nil, a.now())
		if err != nil {
			return err
		}
		return a.audit(ctx, tx, w.actor(), "user.disable", "user", user, "", map[string]any{"sessions_ended": n})
	})
}

// MaxAPITokenLifetime bounds an API token's life.
const MaxAPITokenLifetime = haven.MaxAPITokenLifetime

// CreateAPIToken makes an API token for one user (hence one organisation
// and role) for an organisation's system, valid for ttl. The token is
// returned once and stored hashed.
func (a *Accounts) CreateAPIToken(ctx context.Context, actor haven.Actor, user haven.ID, name string, ttl time.Duration) (token string, id haven.ID, err error) {
	const op = "app.CreateAPIToken"
	if err := haven.CheckAPIToken(name, ttl).Err(op); err != nil {
		return "", "", err
	}
	err = a.update(ctx, func(tx store.Tx) error {
		w, err := a.allow(ctx, tx, actor, policy.UserCreate)
		if err != nil {
			return err
		}
		u, err := tx.FindUserByID(ctx, user)
		if err != nil {
			return err
		}
		if !u.DisabledAt.IsZero() {
			return haven.Errorf(haven.ECONFLICT, op, "the user is disabled")
		}
		var hash []byte
		if token, hash, err = auth.NewToken(auth.APITokenPrefix); err != nil {
			return haven.Internal(op, err)
		}
		if id, err = a.newID("tok"); err != nil {
			return err
		}
		now := a.now()
		if err := tx.CreateAPIToken(ctx, &store.APIToken{ID: id, TokenHash: hash, UserID: user, Name: name, CreatedAt: now, ExpiresAt: now.Add(ttl)}); err != nil {
			return err
		}
		return a.audit(ctx, tx, w.actor(), "token.create", "token", id, "", map[string]any{"user_id": user, "expires_at": now.Add(ttl)})
	})
	return token, id, err
}

// RevokeAPIToken revokes a token at once.
func (a *Accounts) RevokeAPIToken(ctx context.Context, actor haven.Actor, id haven.ID) error {
	return a.update(ctx, func(tx store.Tx) error {
		w, err := a.allow(ctx, tx, actor, policy.UserCreate)
		if err != nil {
			return err
		}
		if err := tx.RevokeAPIToken(ctx, id, a.now()); err != nil {
			return err
		}
		return a.audit(ctx, tx, w.actor(), "token.revoke", "token", id, "", nil)
	})
}

// AuthenticateToken returns the actor of an API token, and writes its use
// when the stored last use is unset or touchEvery or more old. A
// malformed, unknown, expired or revoked token, or a disabled user, is
// EUNAUTHORIZED. A use that needs no write is answered from a read-only
// transaction.
func (a *Accounts) AuthenticateToken(ctx context.Context, token string) (haven.Actor, error) {
	bad := haven.Errorf(haven.EUNAUTHORIZED, "app.AuthenticateToken", "the API token is not valid")
	if auth.CheckToken(token, auth.APITokenPrefix) != nil {
		return haven.Actor{}, bad
	}
	hash := auth.HashToken(token)
	now := a.now()
	stale := now.Add(-touchEvery)
	var actor haven.Actor
	var needWrite bool
	// As in Authenticate: read-only, the check stops where a write would
	// be needed; the write runs it again on the row as it is by then.
	run := func(write bool) func(store.Tx) error {
		return func(tx store.Tx) error {
			k, err := tx.FindAPITokenByHash(ctx, hash)
			if haven.ErrorCodeOf(err) == haven.ENOTFOUND {
				return bad
			} else if err != nil {
				return err
			}
			if !k.RevokedAt.IsZero() || !now.Before(k.ExpiresAt) {
				return bad
			}
			u, err := tx.FindUserByID(ctx, k.UserID)
			if err != nil {
				return err
			}
			if !u.DisabledAt.IsZero() {
				return bad
			}
			if k.LastUsedAt.IsZero() || !k.LastUsedAt.After(stale) {
				if !write {
					needWrite = true
					return nil
				}
				if err := tx.TouchAPIToken(ctx, k.ID, now, stale); err != nil {
					if haven.ErrorCodeOf(err) == haven.ECONFLICT {
						return bad
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
	return actor, err
}
