-- Sign-in: passwords, second factors (TOTP, passkeys, recovery codes),
-- sessions, API tokens, failed sign-in counters, WebAuthn challenges and
-- enrolment links. No secret is kept in the clear: a password is a PHC hash
-- string, a TOTP secret is vault ciphertext, and every bearer secret (session
-- and API tokens, enrolment links, recovery codes) is kept as a hash only.
-- Single use across processes is the condition of one statement on these
-- rows (see the store.Tx methods), never a lock inside one process: at READ
-- COMMITTED a conditional UPDATE or DELETE that waited for a row's lock
-- re-checks its condition against the row as the other transaction left it.
--
-- It mirrors the SQLite migration table for table and column for column.

CREATE TABLE passwords (
    user_id    text PRIMARY KEY REFERENCES users(id),
    phc        text NOT NULL,
    changed_at utc_time NOT NULL
);

-- last_step is the newest TOTP time step accepted: UseTOTPStep moves it
-- forward only, which makes a code single-use.
CREATE TABLE totp_factors (
    user_id    text PRIMARY KEY REFERENCES users(id),
    secret_enc bytea NOT NULL,
    last_step  bigint NOT NULL DEFAULT 0,
    created_at utc_time NOT NULL
);

-- id is the WebAuthn credential ID; credential the JSON of go-webauthn's
-- Credential (public key material only), kept as text like audit details.
CREATE TABLE passkeys (
    id           bytea PRIMARY KEY,
    user_id      text NOT NULL REFERENCES users(id),
    name         text NOT NULL,
    credential   text NOT NULL,
    sign_count   bigint NOT NULL CHECK (sign_count >= 0),
    created_at   utc_time NOT NULL,
    last_used_at utc_time
);
CREATE INDEX passkeys_user ON passkeys(user_id);

CREATE TABLE recovery_codes (
    user_id    text NOT NULL REFERENCES users(id),
    idx        integer NOT NULL CHECK (idx >= 0),
    hash       bytea NOT NULL,
    created_at utc_time NOT NULL,
    used_at    utc_time,
    PRIMARY KEY (user_id, idx)
);

-- Token hashes are looked up by bearers: the length checks refuse an empty
-- or truncated hash that many tokens could share.
CREATE TABLE sessions (
    token_hash    bytea PRIMARY KEY CHECK (length(token_hash) >= 16),
    user_id       text NOT NULL REFERENCES users(id),
    second_factor text NOT NULL,
    source        text NOT NULL,
    created_at    utc_time NOT NULL,
    last_seen_at  utc_time NOT NULL,
    ended_at      utc_time
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id           text PRIMARY KEY,
    token_hash   bytea NOT NULL UNIQUE CHECK (length(token_hash) >= 16),
    user_id      text NOT NULL REFERENCES users(id),
    name         text NOT NULL,
    created_at   utc_time NOT NULL,
    expires_at   utc_time NOT NULL,
    revoked_at   utc_time,
    last_used_at utc_time
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

-- key is "user:<id>" or "addr:<keyed hash of the address>", never an
-- address. No foreign key: failures are counted for unknown names too.
CREATE TABLE sign_in_attempts (
    key          text PRIMARY KEY,
    failures     integer NOT NULL CHECK (failures >= 0),
    first_at     utc_time NOT NULL,
    last_at      utc_time NOT NULL,
    locked_until utc_time
);
CREATE INDEX sign_in_attempts_last ON sign_in_attempts(last_at);

-- user_id is '' for a discoverable sign-in, and no foreign key: a challenge
-- is issued before anyone is known.
CREATE TABLE auth_challenges (
    id         text PRIMARY KEY,
    user_id    text NOT NULL DEFAULT '',
    kind       text NOT NULL,
    data       text NOT NULL,
    expires_at utc_time NOT NULL
);
CREATE INDEX auth_challenges_expiry ON auth_challenges(expires_at);

CREATE TABLE enrolments (
    token_hash bytea PRIMARY KEY CHECK (length(token_hash) >= 16),
    user_id    text NOT NULL REFERENCES users(id),
    created_at utc_time NOT NULL,
    expires_at utc_time NOT NULL,
    used_at    utc_time
);
CREATE INDEX enrolments_user ON enrolments(user_id);
