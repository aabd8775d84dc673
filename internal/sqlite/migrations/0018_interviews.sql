-- The eligibility interview of a case: one per case, replaced when the
-- visa office moves it (the audit log keeps each change). When it begins
-- (at, an instant) and its day at the place (on_date, which the case's
-- clock counts from) are in the clear; where it is is sealed: the place's
-- time zone (it names a region), the address and the remote link, one of
-- the two at least. Who attends is a list of members, in the order given.
CREATE TABLE interviews (
    id                   TEXT PRIMARY KEY,
    case_id              TEXT NOT NULL UNIQUE REFERENCES cases(id),
    at                   TEXT NOT NULL,
    on_date              TEXT NOT NULL,
    zone_enc             BLOB NOT NULL,
    place_enc            BLOB,
    link_enc             BLOB,
    language             TEXT NOT NULL,
    interpreter          INTEGER NOT NULL CHECK (interpreter IN (0, 1)),
    interpreter_language TEXT NOT NULL DEFAULT '',
    scheduled_by         TEXT NOT NULL REFERENCES users(id),
    scheduled_at         TEXT NOT NULL,
    CHECK (place_enc IS NOT NULL OR link_enc IS NOT NULL),
    CHECK ((interpreter = 1) = (interpreter_language <> ''))
) STRICT;

CREATE TABLE interview_attendees (
    case_id   TEXT NOT NULL REFERENCES interviews(case_id),
    member_id TEXT NOT NULL REFERENCES members(id),
    ordinal   INTEGER NOT NULL CHECK (ordinal >= 0),
    PRIMARY KEY (case_id, member_id)
) STRICT;
CREATE INDEX interview_attendees_member ON interview_attendees(member_id);

-- The interview on the case's clock: the next step's day while the case
-- is in interview (next_due), and the eligibility stage's own deadline
-- while a later interview holds the stage's deadline at its day
-- (base_due). Both are NULL otherwise, as on every case before this.
ALTER TABLE cases ADD COLUMN next_due TEXT;
ALTER TABLE cases ADD COLUMN base_due TEXT;

-- The referring partner is told when an interview is scheduled or moved:
-- a notification kind of its own. SQLite cannot change a column's CHECK:
-- the table is rebuilt, its references deferred to the commit as in 0009
-- (the rows are set aside, the old table emptied and dropped, and the rows
-- put back, each reference found again counting one off).
PRAGMA defer_foreign_keys = ON;

CREATE TEMP TABLE notifications_copy AS SELECT * FROM notifications;
DELETE FROM notifications;
DROP TABLE notifications;

CREATE TABLE notifications (
    id         TEXT PRIMARY KEY,
    dedupe_key TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL CHECK (kind IN ('stage_warning','stage_breach','emergency_stalled','info_unanswered',
                   'checks_overdue','medical_expiring','follow_up_due','safety_concern','interview','enrolment_expiring','token_expiring')),
    case_id    TEXT REFERENCES cases(id),
    due_on     TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
) STRICT;
INSERT INTO notifications SELECT * FROM temp.notifications_copy;
DROP TABLE temp.notifications_copy;
CREATE INDEX notifications_case ON notifications(case_id);
