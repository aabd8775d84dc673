-- Sign-in: passwords, second factors (TOTP, passkeys, recovery codes),
-- sessions, API tokens, failed sign-in counters, WebAuthn challenges and
-- enrolment links. No secret is kept in the clear: a password is a PHC hash
-- string, a TOTP secret is vault ciphertext, and every bearer secret (session
-- and API tokens, enrolment links, recovery codes) is kept as a hash only.
-- Single use across processes is the condition of one statement on these
-- rows (see the store.Tx methods), never a lock inside one process.

CREATE TABLE passwords (
    user_id    TEXT PRIMARY KEY REFERENCES users(id),
    phc        TEXT NOT NULL,
    changed_at TEXT NOT NULL
) STRICT;

-- last_step is the newest TOTP time step accepted: UseTOTPStep moves it
-- forward only, which makes a code single-use.
CREATE TABLE totp_factors (
    user_id    TEXT PRIMARY KEY REFERENCES users(id),
    secret_enc BLOB NOT NULL,
    last_step  INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
) STRICT;

-- id is the WebAuthn credential ID; credential the JSON of go-webauthn's
-- Credential (public key material only).
CREATE TABLE passkeys (
    id           BLOB NOT NULL PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id),
    name         TEXT NOT NULL,
    credential   TEXT NOT NULL,
    sign_count   INTEGER NOT NULL CHECK (sign_count >= 0),
    created_at   TEXT NOT NULL,
    last_used_at TEXT
) STRICT;
CREATE INDEX passkeys_user ON passkeys(user_id);

CREATE TABLE recovery_codes (
    user_id    TEXT NOT NULL REFERENCES users(id),
    idx        INTEGER NOT NULL CHECK (idx >= 0),
    hash       BLOB NOT NULL,
    created_at TEXT NOT NULL,
    used_at    TEXT,
    PRIMARY KEY (user_id, idx)
) STRICT;

-- Token hashes are looked up by bearers: the length checks refuse an empty
-- or truncated hash that many tokens could share.
CREATE TABLE sessions (
    token_hash    BLOB NOT NULL PRIMARY KEY CHECK (length(token_hash) >= 16),
    user_id       TEXT NOT NULL REFERENCES users(id),
    second_factor TEXT NOT NULL,
    source        TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL,
    ended_at      TEXT
) STRICT;
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    token_hash   BLOB NOT NULL UNIQUE CHECK (length(token_hash) >= 16),
    user_id      TEXT NOT NULL REFERENCES users(id),
    name         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    revoked_at   TEXT,
    last_used_at TEXT
) STRICT;
CREATE INDEX api_tokens_user ON api_tokens(user_id);

-- key is "user:<id>" or "addr:<keyed hash of the address>", never an
-- address. No foreign key: failures are counted for unknown names too.
CREATE TABLE sign_in_attempts (
    key          TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL CHECK (failures >= 0),
    first_at     TEXT NOT NULL,
    last_at      TEXT NOT NULL,
    locked_until TEXT
) STRICT;
CREATE INDEX sign_in_attempts_last ON sign_in_attempts(last_at);

-- user_id is '' for a discoverable sign-in, and no foreign key: a challenge
-- is issued before anyone is known.
CREATE TABLE auth_challenges (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL DEFAULT '',
    kind       TEXT NOT NULL,
    data       TEXT NOT NULL,
    expires_at TEXT NOT NULL
) STRICT;
CREATE INDEX auth_challenges_expiry ON auth_challenges(expires_at);

CREATE TABLE enrolments (
    token_hash BLOB NOT NULL PRIMARY KEY CHECK (length(token_hash) >= 16),
    user_id    TEXT NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
) STRICT;
CREATE INDEX enrolments_user ON enrolments(user_id);
