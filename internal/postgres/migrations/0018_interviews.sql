-- The eligibility interview of a case: one per case, replaced when the
-- visa office moves it (the audit log keeps each change). When it begins
-- (at, an instant) and its day at the place (on_date, which the case's
-- clock counts from) are in the clear; where it is is sealed: the place's
-- time zone (it names a region), the address and the remote link, one of
-- the two at least. Who attends is a list of members, in the order given.
CREATE TABLE interviews (
    id                   text PRIMARY KEY,
    case_id              text NOT NULL UNIQUE REFERENCES cases(id),
    at                   utc_time NOT NULL,
    on_date              date NOT NULL,
    zone_enc             bytea NOT NULL,
    place_enc            bytea,
    link_enc             bytea,
    language             text NOT NULL,
    interpreter          boolean NOT NULL,
    interpreter_language text NOT NULL DEFAULT '',
    scheduled_by         text NOT NULL REFERENCES users(id),
    scheduled_at         utc_time NOT NULL,
    CHECK (place_enc IS NOT NULL OR link_enc IS NOT NULL),
    CHECK (interpreter = (interpreter_language <> ''))
);

CREATE TABLE interview_attendees (
    case_id   text NOT NULL REFERENCES interviews(case_id),
    member_id text NOT NULL REFERENCES members(id),
    ordinal   integer NOT NULL CHECK (ordinal >= 0),
    PRIMARY KEY (case_id, member_id)
);
CREATE INDEX interview_attendees_member ON interview_attendees(member_id);

-- The interview on the case's clock: the next step's day while the case
-- is in interview (next_due), and the eligibility stage's own deadline
-- while a later interview holds the stage's deadline at its day
-- (base_due). Both are NULL otherwise, as on every case before this.
ALTER TABLE cases ADD COLUMN next_due date;
ALTER TABLE cases ADD COLUMN base_due date;

-- The referring partner is told when an interview is scheduled or moved:
-- a notification kind of its own.
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN ('stage_warning','stage_breach',
    'emergency_stalled','info_unanswered','checks_overdue','medical_expiring','follow_up_due','safety_concern','interview',
    'enrolment_expiring','token_expiring'));
