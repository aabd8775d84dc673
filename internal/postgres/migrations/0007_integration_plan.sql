-- The settlement organisation's integration plan: one row per milestone
-- recorded, one per follow-up held. Notes are vault ciphertext under the
-- case's data key, so shredding the case shreds the plan. A milestone never
-- recorded stands as not started.
CREATE TABLE plan_milestones (
    case_id      text NOT NULL REFERENCES cases(id),
    milestone    text NOT NULL CHECK (milestone IN ('reception','housing','language_classes','community_connections','human_rights_work')),
    status       text NOT NULL CHECK (status IN ('not_started','in_progress','done','not_needed')),
    target_on    date,
    completed_on date,
    notes_enc    bytea,
    updated_by   text NOT NULL REFERENCES users(id),
    updated_at   utc_time NOT NULL,
    PRIMARY KEY (case_id, milestone),
    CHECK ((status = 'done') = (completed_on IS NOT NULL))
);

CREATE TABLE plan_follow_ups (
    case_id        text NOT NULL REFERENCES cases(id),
    month          integer NOT NULL CHECK (month IN (1, 3, 6, 12)),
    held_on        date NOT NULL,
    safety_concern boolean NOT NULL,
    notes_enc      bytea,
    recorded_by    text NOT NULL REFERENCES users(id),
    recorded_at    utc_time NOT NULL,
    PRIMARY KEY (case_id, month)
);
