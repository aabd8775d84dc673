package sqlstore

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/store"
)

// --- sign-in ---
//
// Every rule that must hold across the processes sharing the database (a
// TOTP step, a recovery code, a challenge or an enrolment link used once; a
// passkey's counter never going back; every failure counted) is the
// condition of one UPDATE, DELETE or upsert, never a read followed by a
// write. On SQLite, writers queue on the database's write lock (BEGIN
// IMMEDIATE), and each statement sees the row as the previous writer
// committed it. On PostgreSQL at READ COMMITTED, a statement that waited for
// a row's lock re-checks its condition against the row as the other
// transaction committed it (or skips a row it deleted), and INSERT ... ON
// CONFLICT either inserts or updates, whatever runs concurrently.

// cas runs the conditional statement q, which changes at most one row, and
// reports whether it changed one.
func (t *Tx) cas(ctx context.Context, op, q string, args ...any) (bool, error) {
	n, err := t.exec(ctx, op, q, args...)
	if err != nil {
		return false, err
	}
	return n == 1, nil
}

// refused tells why a conditional statement changed nothing: ENOTFOUND when
// exists, a count of the row by its key, finds none, else ECONFLICT with msg.
// It only names the error; the statement itself kept the rule.
func (t *Tx) refused(ctx context.Context, op, msg, exists string, args ...any) error {
	n, err := t.count(ctx, op, exists, args...)
	if err != nil {
		return err
	}
	if n == 0 {
		return haven.Errorf(haven.ENOTFOUND, t.op(op), "not found")
	}
	return haven.Errorf(haven.ECONFLICT, t.op(op), "%s", msg)
}

// count runs a count(*) query.
func (t *Tx) count(ctx context.Context, op, q string, args ...any) (int, error) {
	var n int
	if err := t.q.QueryRow(ctx, q, args...).Scan(&n); err != nil {
		return 0, t.mapErr(op, err)
	}
	return n, nil
}

// DisableUser sets the user's disabled_at unless it is set.
func (t *Tx) DisableUser(ctx context.Context, userID haven.ID, at time.Time) error {
	const op = "DisableUser"
	ok, err := t.cas(ctx, op, `UPDATE users SET disabled_at = $1 WHERE id = $2 AND disabled_at IS NULL`, fmtTime(at), userID)
	if err != nil || ok {
		return err
	}
	return t.refused(ctx, op, "the user is disabled already", `SELECT count(*) FROM users WHERE id = $1`, userID)
}

// EnableUser clears the user's disabled_at if it is set.
func (t *Tx) EnableUser(ctx context.Context, userID haven.ID) error {
	const op = "EnableUser"
	ok, err := t.cas(ctx, op, `UPDATE users SET disabled_at = NULL WHERE id = $1 AND disabled_at IS NOT NULL`, userID)
	if err != nil || ok {
		return err
	}
	return t.refused(ctx, op, "the user is not disabled", `SELECT count(*) FROM users WHERE id = $1`, userID)
}

// --- passwords and TOTP ---

// PutPassword inserts or replaces the user's password hash.
func (t *Tx) PutPassword(ctx context.Context, userID haven.ID, phc string, at time.Time) error {
	_, err := t.exec(ctx, "PutPassword", `INSERT INTO passwords (user_id, phc, changed_at) VALUES ($1, $2, $3)
		ON CONFLICT (user_id) DO UPDATE SET phc = excluded.phc, changed_at = excluded.changed_at`, userID, phc, fmtTime(at))
	return err
}

// FindPassword returns the user's password hash.
func (t *Tx) FindPassword(ctx context.Context, userID haven.ID) (string, error) {
	var phc string
	if err := t.q.QueryRow(ctx, `SELECT phc FROM passwords WHERE user_id = $1`, userID).Scan(&phc); err != nil {
		return "", t.mapErr("FindPassword", err)
	}
	return phc, nil
}

// PutTOTP inserts the user's TOTP factor.
func (t *Tx) PutTOTP(ctx context.Context, userID haven.ID, secret store.Sealed, at time.Time) error {
	const op = "PutTOTP"
	_, err := t.exec(ctx, op, `INSERT INTO totp_factors (user_id, secret_enc, created_at) VALUES ($1, $2, $3)`, userID, []byte(secret), fmtTime(at))
	if haven.ErrorCodeOf(err) == haven.ECONFLICT {
		return &haven.Error{Code: haven.ECONFLICT, Op: op, Message: "the user has a TOTP factor already", Err: err}
	}
	return err
}

// FindTOTP returns the user's TOTP factor.
func (t *Tx) FindTOTP(ctx context.Context, userID haven.ID) (*store.TOTPFactor, error) {
	const op = "FindTOTP"
	var f store.TOTPFactor
	var at string
	err := t.q.QueryRow(ctx, `SELECT user_id, secret_enc, last_step, created_at FROM totp_factors WHERE user_id = $1`, userID).
		Scan(&f.UserID, &f.Secret, &f.LastStep, &at)
	if err != nil {
		return nil, t.mapErr(op, err)
	}
	var d decoder
	f.CreatedAt = d.time(at)
	return &f, d.done(op)
}

// UseTOTPStep moves the user's last used TOTP step forward to step.
func (t *Tx) UseTOTPStep(ctx context.Context, userID haven.ID, step int64) error {
	const op = "UseTOTPStep"
	// The condition is the single-use rule: of two sign-ins presenting one
	// code, the second waits for the first's row lock, then finds
	// last_step = step and changes nothing.
	ok, err := t.cas(ctx, op, `UPDATE totp_factors SET last_step = $1 WHERE user_id = $2 AND last_step < $1`, step, userID)
	if err != nil || ok {
		return err
	}
	return t.refused(ctx, op, "this code has been used already", `SELECT count(*) FROM totp_factors WHERE user_id = $1`, userID)
}

// DeleteTOTP deletes the user's TOTP factor.
func (t *Tx) DeleteTOTP(ctx context.Context, userID haven.ID) error {
	return t.execOne(ctx, "DeleteTOTP", `DELETE FROM totp_factors WHERE user_id = $1`, userID)
}

// --- passkeys ---

// CreatePasskey inserts p.
func (t *Tx) CreatePasskey(ctx context.Context, p *store.Passkey) error {
	_, err := t.exec(ctx, "CreatePasskey", `INSERT INTO passkeys (id, user_id, name, credential, sign_count, created_at, last_used_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, p.ID, p.UserID, p.Name, p.Credential, p.SignCount, fmtTime(p.CreatedAt), nullTimeArg(p.LastUsedAt))
	return err
}

const passkeyColumns = `id, user_id, name, credential, sign_count, created_at, last_used_at`

func scanPasskey(s scanner) (*store.Passkey, error) {
	var p store.Passkey
	var created string
	var used sql.NullString
	if err := s.Scan(&p.ID, &p.UserID, &p.Name, &p.Credential, &p.SignCount, &created, &used); err != nil {
		return nil, err
	}
	var d decoder
	p.CreatedAt = d.time(created)
	p.LastUsedAt = d.nullTime(used)
	return &p, d.done("scanPasskey")
}

// FindPasskeys returns the user's passkeys, oldest first.
func (t *Tx) FindPasskeys(ctx context.Context, userID haven.ID) ([]*store.Passkey, error) {
	rows, err := t.q.Query(ctx, `SELECT `+passkeyColumns+` FROM passkeys WHERE user_id = $1 ORDER BY created_at, id`, userID)
	if err != nil {
		return nil, t.mapErr("FindPasskeys", err)
	}
	return collect(t, rows, "FindPasskeys", scanPasskey)
}

// FindPasskeyByID returns the passkey with credential ID id.
func (t *Tx) FindPasskeyByID(ctx context.Context, id []byte) (*store.Passkey, error) {
	p, err := scanPasskey(t.q.QueryRow(ctx, `SELECT `+passkeyColumns+` FROM passkeys WHERE id = $1`, id))
	return p, t.mapErr("FindPasskeyByID", err)
}

// UpdatePasskeyUse records a sign-in with the passkey if its counter rose.
func (t *Tx) UpdatePasskeyUse(ctx context.Context, id []byte, signCount int64, credential string, at time.Time) error {
	const op = "UpdatePasskeyUse"
	// The counter is compared with the stored one in the statement that
	// writes it, so two sign-ins with one counter cannot both pass, and a
	// slower one cannot write an older counter over a newer one.
	ok, err := t.cas(ctx, op, `UPDATE passkeys SET sign_count = $1, credential = $2, last_used_at = $3
		WHERE id = $4 AND (sign_count < $1 OR (sign_count = 0 AND $1 = 0))`,
		signCount, credential, fmtTime(at), id)
	if err != nil || ok {
		return err
	}
	return t.refused(ctx, op, "the passkey's signature counter did not rise", `SELECT count(*) FROM passkeys WHERE id = $1`, id)
}

// DeletePasskey deletes the user's passkey.
func (t *Tx) DeletePasskey(ctx context.Context, userID haven.ID, id []byte) error {
	return t.execOne(ctx, "DeletePasskey", `DELETE FROM passkeys WHERE id = $1 AND user_id = $2`, id, userID)
}

// --- recovery codes ---

// PutRecoveryCodes replaces the user's recovery codes. The old rows are
// deleted, not overwritten: a UseRecoveryCode waiting for an old row's lock
// then finds it gone and fails, rather than using the new code of that
// index. Of two concurrent replacements, the second's insert meets the
// first's rows and fails with ECONFLICT.
func (t *Tx) PutRecoveryCodes(ctx context.Context, userID haven.ID, hashes [][]byte, at time.Time) error {
	const op = "PutRecoveryCodes"
	if _, err := t.exec(ctx, op, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
		return err
	}
	if len(hashes) == 0 {
		return nil
	}
	// One statement: the codes numbered 0, 1, ... in order.
	var q strings.Builder
	q.WriteString(`INSERT INTO recovery_codes (user_id, idx, hash, created_at) VALUES `)
	args := []any{userID, fmtTime(at)}
	for i, h := range hashes {
		if i > 0 {
			q.WriteString(", ")
		}
		args = append(args, h)
		q.WriteString("($1, " + strconv.Itoa(i) + ", $" + strconv.Itoa(len(args)) + ", $2)")
	}
	_, err := t.exec(ctx, op, q.String(), args...)
	return err
}

// FindRecoveryCodes returns the user's recovery codes in index order.
func (t *Tx) FindRecoveryCodes(ctx context.Context, userID haven.ID) ([]*store.RecoveryCode, error) {
	rows, err := t.q.Query(ctx, `SELECT idx, hash, created_at, used_at FROM recovery_codes WHERE user_id = $1 ORDER BY idx`, userID)
	if err != nil {
		return nil, t.mapErr("FindRecoveryCodes", err)
	}
	return collect(t, rows, "FindRecoveryCodes", func(s scanner) (*store.RecoveryCode, error) {
		var c store.RecoveryCode
		var created string
		var used sql.NullString
		if err := s.Scan(&c.Index, &c.Hash, &created, &used); err != nil {
			return nil, err
		}
		var d decoder
		c.CreatedAt = d.time(created)
		c.UsedAt = d.nullTime(used)
		return &c, d.done("FindRecoveryCodes")
	})
}

// UseRecoveryCode marks the user's code idx used, if it is unused.
func (t *Tx) UseRecoveryCode(ctx context.Context, userID haven.ID, idx int, at time.Time) error {
	const op = "UseRecoveryCode"
	ok, err := t.cas(ctx, op, `UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND idx = $3 AND used_at IS NULL`, fmtTime(at), userID, idx)
	if err != nil || ok {
		return err
	}
	return t.refused(ctx, op, "this recovery code has been used already",
		`SELECT count(*) FROM recovery_codes WHERE user_id = $1 AND idx = $2`, userID, idx)
}

// --- sessions ---

// CreateSession inserts s.
func (t *Tx) CreateSession(ctx context.Context, s *store.Session) error {
	_, err := t.exec(ctx, "CreateSession", `INSERT INTO sessions (token_hash, user_id, second_factor, source, created_at, last_seen_at, ended_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, s.TokenHash, s.UserID, s.SecondFactor, s.Source, fmtTime(s.CreatedAt), fmtTime(s.LastSeenAt), nullTimeArg(s.EndedAt))
	return err
}

// FindSession returns the session with the token hash.
func (t *Tx) FindSession(ctx context.Context, tokenHash []byte) (*store.Session, error) {
	const op = "FindSession"
	var s store.Session
	var created, seen string
	var ended sql.NullString
	err := t.q.QueryRow(ctx, `SELECT token_hash, user_id, second_factor, source, created_at, last_seen_at, ended_at
		FROM sessions WHERE token_hash = $1`, tokenHash).Scan(&s.TokenHash, &s.UserID, &s.SecondFactor, &s.Source, &created, &seen, &ended)
	if err != nil {
		return nil, t.mapErr(op, err)
	}
	var d decoder
	s.CreatedAt = d.time(created)
	s.LastSeenAt = d.time(seen)
	s.EndedAt = d.nullTime(ended)
	return &s, d.done(op)
}

// TouchSession moves a live session's last_seen_at forward to at when the
// stored one is at or before stale; a later one is left as it is.
func (t *Tx) TouchSession(ctx context.Context, tokenHash []byte, at, stale time.Time) error {
	const op = "TouchSession"
	// The staleness is the statement's condition, so that of several
	// processes touching one session within the interval one writes.
	ok, err := t.cas(ctx, op, `UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2 AND ended_at IS NULL AND last_seen_at <= $3`,
		fmtTime(at), tokenHash, fmtTime(stale))
	if err != nil || ok {
		return err
	}
	if live, err := t.count(ctx, op, `SELECT count(*) FROM sessions WHERE token_hash = $1 AND ended_at IS NULL`, tokenHash); err != nil || live > 0 {
		return err // live, and seen after stale: nothing to write
	}
	return t.refused(ctx, op, "the session has ended", `SELECT count(*) FROM sessions WHERE token_hash = $1`, tokenHash)
}

// EndSession ends a live session.
func (t *Tx) EndSession(ctx context.Context, tokenHash []byte, at time.Time) error {
	const op = "EndSession"
	ok, err := t.cas(ctx, op, `UPDATE sessions SET ended_at = $1 WHERE token_hash = $2 AND ended_at IS NULL`, fmtTime(at), tokenHash)
	if err != nil || ok {
		return err
	}
	return t.refused(ctx, op, "the session has ended already", `SELECT count(*) FROM sessions WHERE token_hash = $1`, tokenHash)
}

// EndUserSessions ends the user's live sessions but except.
func (t *Tx) EndUserSessions(ctx context.Context, userID haven.ID, except []byte, at time.Time) (int, error) {
	q := `UPDATE sessions SET ended_at = $1 WHERE user_id = $2 AND ended_at IS NULL`
	args := []any{fmtTime(at), userID}
	if len(except) > 0 {
		q += ` AND token_hash <> $3`
		args = append(args, except)
	}
	n, err := t.exec(ctx, "EndUserSessions", q, args...)
	if err != nil {
		return 0, err
	}
	return int(n), nil
}

// PurgeSessions deletes up to limit ended or expired sessions.
func (t *Tx) PurgeSessions(ctx context.Context, seenBefore, createdBefore time.Time, limit int) (int, error) {
	// On PostgreSQL, SKIP LOCKED: a row another transaction holds (a purge
	// in another process, a sign-out) is left for later, so purges never
	// wait on each other nor deadlock; FOR UPDATE re-checks the condition on
	// the row as committed, so a session touched meanwhile is kept. SQLite
	// has one writer at a time: no other transaction holds a row.
	n, err := t.exec(ctx, "PurgeSessions", `DELETE FROM sessions WHERE token_hash IN (SELECT token_hash FROM sessions
		WHERE ended_at IS NOT NULL OR last_seen_at < $1 OR created_at < $2 LIMIT $3`+t.d.skipLocked+`)`,
		fmtTime(seenBefore), fmtTime(createdBefore), limit)
	if err != nil {
		return 0, err
	}
	return int(n), nil
}

// --- API tokens ---

// CreateAPIToken inserts k.
func (t *Tx) CreateAPIToken(ctx context.Context, k *store.APIToken) error {
	_, err := t.exec(ctx, "CreateAPIToken", `INSERT INTO api_tokens (id, token_hash, user_id, name, created_at, expires_at, revoked_at, last_used_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, k.ID, k.TokenHash, k.UserID, k.Name, fmtTime(k.CreatedAt), fmtTime(k.ExpiresAt),
		nullTimeArg(k.RevokedAt), nullTimeArg(k.LastUsedAt))
	return err
}

const apiTokenColumns = `id, token_hash, user_id, name, created_at, expires_at, revoked_at, last_used_at`

func scanAPIToken(s scanner) (*store.APIToken, error) {
	var k store.APIToken
	var created, expires string
	var revoked, used sql.NullString
	if err := s.Scan(&k.ID, &k.TokenHash, &k.UserID, &k.Name, &created, &expires, &revoked, &used); err != nil {
		return nil, err
	}
	var d decoder
	k.CreatedAt = d.time(created)
	k.ExpiresAt = d.time(expires)
	k.RevokedAt = d.nullTime(revoked)
	k.LastUsedAt = d.nullTime(used)
	return &k, d.done("scanAPIToken")
}

// FindAPITokenByHash returns the token with the hash.
func (t *Tx) FindAPITokenByHash(ctx context.Context, hash []byte) (*store.APIToken, error) {
	k, err := scanAPIToken(t.q.QueryRow(ctx, `SELECT `+apiTokenColumns+` FROM api_tokens WHERE token_hash = $1`, hash))
	return k, t.mapErr("FindAPITokenByHash", err)
}

// FindAPITokens returns the user's tokens, oldest first.
func (t *Tx) FindAPITokens(ctx context.Context, userID haven.ID) ([]*store.APIToken, error) {
	rows, err := t.q.Query(ctx, `SELECT `+apiTokenColumns+` FROM api_tokens WHERE user_id = $1 ORDER BY created_at, id`, userID)
	if err != nil {
		return nil, t.mapErr("FindAPITokens", err)
	}
	return collect(t, rows, "FindAPITokens", scanAPIToken)
}

// RevokeAPIToken revokes the token unless it is revoked.
func (t *Tx) RevokeAPIToken(ctx context.Context, id haven.ID, at time.Time) error {
	const op = "RevokeAPIToken"
	ok, err := t.cas(ctx, op, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`, fmtTime(at), id)
	if err != nil || ok {
		return err
	}
	return t.refused(ctx, op, "the token is revoked already", `SELECT count(*) FROM api_tokens WHERE id = $1`, id)
}

// TouchAPIToken moves a live token's last_used_at forward to at when it
// is unset or at or before stale; a later one is left as it is.
func (t *Tx) TouchAPIToken(ctx context.Context, id haven.ID, at, stale time.Time) error {
	const op = "TouchAPIToken"
	ok, err := t.cas(ctx, op, `UPDATE api_tokens SET last_used_at = $1
		WHERE id = $2 AND revoked_at IS NULL AND expires_at > $1 AND (last_used_at IS NULL OR last_used_at <= $3)`, fmtTime(at), id, fmtTime(stale))
	if err != nil || ok {
		return err
	}
	if live, err := t.count(ctx, op, `SELECT count(*) FROM api_tokens WHERE id = $1 AND revoked_at IS NULL AND expires_at > $2`, id, fmtTime(at)); err != nil || live > 0 {
		return err // live, and used after stale: nothing to write
	}
	return t.refused(ctx, op, "the token is revoked or has expired", `SELECT count(*) FROM api_tokens WHERE id = $1`, id)
}

// --- failed sign-in counters ---

const attemptsColumns = `key, failures, first_at, last_at, locked_until`

func scanAttempts(s scanner) (store.Attempts, error) {
	var a store.Attempts
	var first, last string
	var locked sql.NullString
	if err := s.Scan(&a.Key, &a.Failures, &first, &last, &locked); err != nil {
		return store.Attempts{}, err
	}
	var d decoder
	a.FirstAt = d.time(first)
	a.LastAt = d.time(last)
	a.LockedUntil = d.nullTime(locked)
	return a, d.done("scanAttempts")
}

// RecordFailure counts a failure against key in one upsert.
func (t *Tx) RecordFailure(ctx context.Context, key string, at time.Time, window time.Duration) (store.Attempts, error) {
	const op = "RecordFailure"
	// Whether the window restarts is decided on the row as stored, in the
	// statement that writes it: no failure is lost between a read and a write.
	a, err := scanAttempts(t.q.QueryRow(ctx, `INSERT INTO sign_in_attempts AS a (key, failures, first_at, last_at) VALUES ($1, 1, $2, $2)
		ON CONFLICT (key) DO UPDATE SET
			failures = CASE WHEN a.first_at < $3 THEN 1 ELSE a.failures + 1 END,
			first_at = CASE WHEN a.first_at < $3 THEN excluded.first_at ELSE a.first_at END,
			last_at = excluded.last_at
		RETURNING `+attemptsColumns, key, fmtTime(at), fmtTime(at.Add(-window))))
	if err != nil {
		return store.Attempts{}, t.mapErr(op, err)
	}
	return a, nil
}

// FindAttempts returns the counters of key, or zero ones.
func (t *Tx) FindAttempts(ctx context.Context, key string) (store.Attempts, error) {
	a, err := scanAttempts(t.q.QueryRow(ctx, `SELECT `+attemptsColumns+` FROM sign_in_attempts WHERE key = $1`, key))
	err = t.mapErr("FindAttempts", err)
	if haven.ErrorCodeOf(err) == haven.ENOTFOUND {
		return store.Attempts{}, nil
	}
	if err != nil {
		return store.Attempts{}, err
	}
	return a, nil
}

// SetLockout locks key until until, keeping a later lockout.
func (t *Tx) SetLockout(ctx context.Context, key string, until time.Time) error {
	// coalesce: a first lockout is set as given.
	return t.execOne(ctx, "SetLockout", `UPDATE sign_in_attempts SET locked_until = `+t.d.greatest+`(coalesce(locked_until, ''), $1) WHERE key = $2`,
		fmtTime(until), key)
}

// ClearAttempts deletes the counters of key.
func (t *Tx) ClearAttempts(ctx context.Context, key string) error {
	_, err := t.exec(ctx, "ClearAttempts", `DELETE FROM sign_in_attempts WHERE key = $1`, key)
	return err
}

// DeleteStaleAttempts deletes counters idle and unlocked since before.
func (t *Tx) DeleteStaleAttempts(ctx context.Context, before time.Time, limit int) (int, error) {
	// SKIP LOCKED and FOR UPDATE, as in PurgeSessions: a counter a failure
	// is being recorded on is left, and re-checked if it was committed.
	n, err := t.exec(ctx, "DeleteStaleAttempts", `DELETE FROM sign_in_attempts WHERE key IN (SELECT key FROM sign_in_attempts
		WHERE last_at < $1 AND (locked_until IS NULL OR locked_until < $1) LIMIT $2`+t.d.skipLocked+`)`,
		fmtTime(before), limit)
	if err != nil {
		return 0, err
	}
	return int(n), nil
}

// --- WebAuthn challenges ---

// PutChallenge inserts c.
func (t *Tx) PutChallenge(ctx context.Context, c *store.Challenge) error {
	_, err := t.exec(ctx, "PutChallenge", `INSERT INTO auth_challenges (id, user_id, kind, data, expires_at) VALUES ($1, $2, $3, $4, $5)`,
		c.ID, c.UserID, c.Kind, c.Data, fmtTime(c.ExpiresAt))
	return err
}

// TakeChallenge deletes the challenge and returns it unless expired.
func (t *Tx) TakeChallenge(ctx context.Context, id string, now time.Time) (*store.Challenge, error) {
	const op = "TakeChallenge"
	// Deleting is taking: of two takers, the second finds the row gone
	// (on PostgreSQL, once it has waited for the first's row lock).
	var c store.Challenge
	var expires string
	err := t.q.QueryRow(ctx, `DELETE FROM auth_challenges WHERE id = $1 RETURNING id, user_id, kind, data, expires_at`, id).
		Scan(&c.ID, &c.UserID, &c.Kind, &c.Data, &expires)
	if err != nil {
		return nil, t.mapErr(op, err)
	}
	var d decoder
	c.ExpiresAt = d.time(expires)
	if err := d.done(op); err != nil {
		return nil, err
	}
	if !c.ExpiresAt.After(now) {
		return nil, haven.Errorf(haven.ENOTFOUND, t.op(op), "not found")
	}
	return &c, nil
}

// DeleteExpiredChallenges deletes the challenges expired at now.
func (t *Tx) DeleteExpiredChallenges(ctx context.Context, now time.Time, limit int) (int, error) {
	n, err := t.exec(ctx, "DeleteExpiredChallenges", `DELETE FROM auth_challenges WHERE id IN (SELECT id FROM auth_challenges
		WHERE expires_at <= $1 LIMIT $2`+t.d.skipLocked+`)`, fmtTime(now), limit)
	if err != nil {
		return 0, err
	}
	return int(n), nil
}

// --- enrolment links ---

// CreateEnrolment inserts e.
func (t *Tx) CreateEnrolment(ctx context.Context, e *store.Enrolment) error {
	_, err := t.exec(ctx, "CreateEnrolment", `INSERT INTO enrolments (token_hash, user_id, created_at, expires_at, used_at) VALUES ($1, $2, $3, $4, $5)`,
		e.TokenHash, e.UserID, fmtTime(e.CreatedAt), fmtTime(e.ExpiresAt), nullTimeArg(e.UsedAt))
	return err
}

// CancelEnrolments spends every unused enrolment link of the user.
func (t *Tx) CancelEnrolments(ctx context.Context, userID haven.ID, at time.Time) (int, error) {
	n, err := t.exec(ctx, "CancelEnrolments", `UPDATE enrolments SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL`, fmtTime(at), userID)
	if err != nil {
		return 0, err
	}
	return int(n), nil
}

// UseEnrolment marks an unused, unexpired enrolment used and returns it.
func (t *Tx) UseEnrolment(ctx context.Context, tokenHash []byte, at time.Time) (*store.Enrolment, error) {
	const op = "UseEnrolment"
	var e store.Enrolment
	var created, expires string
	var used sql.NullString
	err := t.q.QueryRow(ctx, `UPDATE enrolments SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1
		RETURNING token_hash, user_id, created_at, expires_at, used_at`, fmtTime(at), tokenHash).
		Scan(&e.TokenHash, &e.UserID, &created, &expires, &used)
	err = t.mapErr(op, err)
	if haven.ErrorCodeOf(err) == haven.ENOTFOUND {
		// Used, expired or unknown: the caller is not told which.
		return nil, haven.Errorf(haven.ENOTFOUND, t.op(op), "not found")
	}
	if err != nil {
		return nil, err
	}
	var d decoder
	e.CreatedAt = d.time(created)
	e.ExpiresAt = d.time(expires)
	e.UsedAt = d.nullTime(used)
	return &e, d.done(op)
}
