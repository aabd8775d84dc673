-- Possible duplicates. A referral that lists another organisation's UNHCR
-- case number, or a person already on another organisation's open case, is
-- taken and flagged for the visa office: refusing it would tell the referrer
-- that the other organisation's case exists. Two cases may then share the
-- blind index of a UNHCR number, so its UNIQUE constraint gives way to a
-- plain index.
ALTER TABLE cases DROP CONSTRAINT cases_unhcr_bidx_key;
CREATE INDEX cases_unhcr ON cases(unhcr_bidx);

-- One row per match found when a case was referred: case_id is the new
-- case, other_case_id the case it may duplicate. kind is what matched: the
-- UNHCR case number, or a member's name and date of birth (then both
-- members are named). IDs only: no personal data.
CREATE TABLE case_duplicates (
    case_id         text NOT NULL REFERENCES cases(id),
    other_case_id   text NOT NULL REFERENCES cases(id),
    kind            text NOT NULL CHECK (kind IN ('unhcr_number','member_identity')),
    member_id       text REFERENCES members(id),
    other_member_id text REFERENCES members(id),
    found_at        utc_time NOT NULL,
    CHECK (case_id <> other_case_id),
    CHECK ((kind = 'member_identity') = (member_id IS NOT NULL AND other_member_id IS NOT NULL)),
    CHECK (kind = 'member_identity' OR (member_id IS NULL AND other_member_id IS NULL))
);
CREATE INDEX case_duplicates_case ON case_duplicates(case_id);
CREATE INDEX case_duplicates_other ON case_duplicates(other_case_id);
