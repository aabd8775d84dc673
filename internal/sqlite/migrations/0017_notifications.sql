-- Notifications, preferences and the mail outbox.
--
-- A notification is one (deadline, kind): its dedupe key names both, and
-- the UNIQUE constraint on it makes a second notice of the same deadline
-- impossible whichever process, job or retry writes it. It is addressed to
-- recipients (an organisation and a role, '' for every role, or one user)
-- and names at most a case; its text is the catalogue's, by kind, so the
-- row holds no personal data. Whether a recipient may see it is decided
-- when it is read, by the policies.
CREATE TABLE notifications (
    id         TEXT PRIMARY KEY,
    dedupe_key TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL CHECK (kind IN ('stage_warning','stage_breach','emergency_stalled','info_unanswered',
                   'checks_overdue','medical_expiring','follow_up_due','safety_concern','enrolment_expiring','token_expiring')),
    case_id    TEXT REFERENCES cases(id),
    due_on     TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX notifications_case ON notifications(case_id);

CREATE TABLE notification_recipients (
    notification_id TEXT NOT NULL REFERENCES notifications(id),
    org_id          TEXT NOT NULL DEFAULT '',
    role            TEXT NOT NULL DEFAULT '' CHECK (role IN ('','caseworker','supervisor','admin')),
    user_id         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (notification_id, org_id, role, user_id),
    CHECK ((org_id = '') <> (user_id = ''))
) STRICT;
CREATE INDEX notification_recipients_org ON notification_recipients(org_id, role);
CREATE INDEX notification_recipients_user ON notification_recipients(user_id);

CREATE TABLE notification_reads (
    notification_id TEXT NOT NULL REFERENCES notifications(id),
    user_id         TEXT NOT NULL REFERENCES users(id),
    read_at         TEXT NOT NULL,
    PRIMARY KEY (notification_id, user_id)
) STRICT;

-- Each user's choice: email or not (to an address sealed under the user's
-- data key), and the language of the mail.
CREATE TABLE notification_prefs (
    user_id    TEXT PRIMARY KEY REFERENCES users(id),
    email_enc  BLOB,
    email_on   INTEGER NOT NULL CHECK (email_on IN (0, 1)),
    lang       TEXT NOT NULL CHECK (lang IN ('en', 'fr')),
    updated_at TEXT NOT NULL
) STRICT;

-- One mail to one user, written in the transaction of the notice that
-- causes it; a job delivers it. Each attempt is a row of mail_deliveries.
CREATE TABLE mail_outbox (
    id              TEXT PRIMARY KEY,
    user_id         TEXT NOT NULL REFERENCES users(id),
    notification_id TEXT NOT NULL REFERENCES notifications(id),
    lang            TEXT NOT NULL CHECK (lang IN ('en', 'fr')),
    state           TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed', 'cancelled')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    done_at         TEXT,
    UNIQUE (notification_id, user_id)
) STRICT;
CREATE INDEX mail_outbox_state ON mail_outbox(state, created_at);

CREATE TABLE mail_deliveries (
    outbox_id TEXT NOT NULL REFERENCES mail_outbox(id),
    attempt   INTEGER NOT NULL CHECK (attempt >= 1),
    at        TEXT NOT NULL,
    outcome   TEXT NOT NULL CHECK (outcome IN ('sent', 'failed', 'cancelled')),
    detail    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (outbox_id, attempt)
) STRICT;

-- The days an information request may wait for the referring partner's
-- answer before the visa office and the partner are told.
ALTER TABLE programme_rules ADD COLUMN info_request_days INTEGER NOT NULL DEFAULT 5 CHECK (info_request_days BETWEEN 1 AND 365);
