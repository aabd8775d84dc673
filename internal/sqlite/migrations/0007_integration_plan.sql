-- The settlement organisation's integration plan: one row per milestone
-- recorded, one per follow-up held. Notes are vault ciphertext under the
-- case's data key, so shredding the case shreds the plan. A milestone never
-- recorded stands as not started.
CREATE TABLE plan_milestones (
    case_id      TEXT NOT NULL REFERENCES cases(id),
    milestone    TEXT NOT NULL CHECK (milestone IN ('reception','housing','language_classes','community_connections','human_rights_work')),
    status       TEXT NOT NULL CHECK (status IN ('not_started','in_progress','done','not_needed')),
    target_on    TEXT NOT NULL DEFAULT '',
    completed_on TEXT NOT NULL DEFAULT '',
    notes_enc    BLOB,
    updated_by   TEXT NOT NULL REFERENCES users(id),
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (case_id, milestone),
    CHECK ((status = 'done') = (completed_on <> ''))
) STRICT;

CREATE TABLE plan_follow_ups (
    case_id        TEXT NOT NULL REFERENCES cases(id),
    month          INTEGER NOT NULL CHECK (month IN (1, 3, 6, 12)),
    held_on        TEXT NOT NULL CHECK (held_on <> ''),
    safety_concern INTEGER NOT NULL CHECK (safety_concern IN (0, 1)),
    notes_enc      BLOB,
    recorded_by    TEXT NOT NULL REFERENCES users(id),
    recorded_at    TEXT NOT NULL,
    PRIMARY KEY (case_id, month)
) STRICT;
