-- The settlement organisation is told of the travel of the families placed
-- with it: travel booked, its date changed, or a family placed with travel
-- already booked. Three kinds of notification join the constraint.
--
-- SQLite cannot change a CHECK constraint in place: the table is rebuilt,
-- as 0009 rebuilt cases. Recipients, read marks and mail refer to it and
-- foreign keys stay on, so their checks are deferred to the commit: the
-- rows are set aside, the old table emptied (each reference to it counts as
-- a violation) and dropped, and the rows put back into the new table (each
-- reference found again counts one off). The commit fails unless every
-- reference is whole again.
PRAGMA defer_foreign_keys = ON;

CREATE TEMP TABLE notifications_copy AS SELECT id, dedupe_key, kind, case_id, due_on, created_at FROM notifications;
DELETE FROM notifications;
DROP TABLE notifications;

CREATE TABLE notifications (
    id         TEXT PRIMARY KEY,
    dedupe_key TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL CHECK (kind IN ('stage_warning','stage_breach','emergency_stalled','info_unanswered',
                   'checks_overdue','medical_expiring','follow_up_due','safety_concern','interview','enrolment_expiring','token_expiring',
                   'travel_booked','travel_changed','placed_travel_booked')),
    case_id    TEXT REFERENCES cases(id),
    due_on     TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX notifications_case ON notifications(case_id);

INSERT INTO notifications (id, dedupe_key, kind, case_id, due_on, created_at)
SELECT id, dedupe_key, kind, case_id, due_on, created_at FROM notifications_copy;
DROP TABLE notifications_copy;
