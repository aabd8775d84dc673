-- Possible duplicates. A referral that lists another organisation's UNHCR
-- case number, or a person already on another organisation's open case, is
-- taken and flagged for the visa office: refusing it would tell the referrer
-- that the other organisation's case exists. Two cases may then share the
-- blind index of a UNHCR number, so its UNIQUE constraint gives way to a
-- plain index.
--
-- SQLite cannot drop a column's constraint: the table is rebuilt. Many
-- tables refer to cases and foreign keys stay on, so their checks are
-- deferred to the commit: the rows are set aside, the old table emptied
-- (each reference to it counts as a violation) and dropped, and the rows
-- put back into the new table (each reference found again counts one off).
-- The commit fails unless every reference is whole again.
PRAGMA defer_foreign_keys = ON;

CREATE TEMP TABLE cases_copy AS SELECT * FROM cases;
DELETE FROM cases;
DROP TABLE cases;

CREATE TABLE cases (
    id                     TEXT PRIMARY KEY,
    unhcr_bidx             BLOB NOT NULL,
    unhcr_enc              BLOB NOT NULL,
    referring_org_id       TEXT NOT NULL REFERENCES organisations(id),
    nomination_id          TEXT REFERENCES nominations(id),
    state                  TEXT NOT NULL,
    resume_state           TEXT NOT NULL DEFAULT '',
    submission_priority    TEXT NOT NULL CHECK (submission_priority IN ('emergency','urgent','normal')),
    processing_priority    TEXT NOT NULL CHECK (processing_priority IN ('emergency','urgent','normal')),
    primary_category       TEXT NOT NULL,
    secondary_category     TEXT NOT NULL DEFAULT '',
    justification_enc      BLOB,
    grounds_enc            BLOB,
    work_enc               BLOB,
    threats_enc            BLOB,
    persecution_enc        BLOB,
    nationality_countries  TEXT NOT NULL,
    asylum_country         TEXT NOT NULL,
    declared_size          INTEGER NOT NULL CHECK (declared_size >= 1),
    visa_kind              TEXT NOT NULL DEFAULT '',
    admission_year         INTEGER NOT NULL DEFAULT 0,
    settlement_org_id      TEXT REFERENCES organisations(id),
    referred_at            TEXT NOT NULL,
    updated_at             TEXT NOT NULL,
    version                INTEGER NOT NULL
) STRICT;
INSERT INTO cases SELECT * FROM temp.cases_copy;
DROP TABLE temp.cases_copy;
CREATE INDEX cases_unhcr ON cases(unhcr_bidx);
CREATE INDEX cases_queue ON cases(state, processing_priority, referred_at);
CREATE INDEX cases_referring ON cases(referring_org_id);
CREATE INDEX cases_settlement ON cases(settlement_org_id);

-- One row per match found when a case was referred: case_id is the new
-- case, other_case_id the case it may duplicate. kind is what matched: the
-- UNHCR case number, or a member's name and date of birth (then both
-- members are named). IDs only: no personal data.
CREATE TABLE case_duplicates (
    case_id         TEXT NOT NULL REFERENCES cases(id),
    other_case_id   TEXT NOT NULL REFERENCES cases(id),
    kind            TEXT NOT NULL CHECK (kind IN ('unhcr_number','member_identity')),
    member_id       TEXT REFERENCES members(id),
    other_member_id TEXT REFERENCES members(id),
    found_at        TEXT NOT NULL,
    CHECK (case_id <> other_case_id),
    CHECK ((kind = 'member_identity') = (member_id IS NOT NULL AND other_member_id IS NOT NULL)),
    CHECK (kind = 'member_identity' OR (member_id IS NULL AND other_member_id IS NULL))
) STRICT;
CREATE INDEX case_duplicates_case ON case_duplicates(case_id);
CREATE INDEX case_duplicates_other ON case_duplicates(other_case_id);
