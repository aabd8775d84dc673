-- Each case's clock (workflow.NextClock): its target date, the stage it is
-- in, when it entered it and the stage's deadline, whose turn it is, and
-- since when it waits (on hold or for information). The app writes them in
-- the transaction of every act; the rules gain a time budget per stage and
-- priority, rules written before this migration taking the default budgets.
--
-- Existing cases are backfilled here from what their rows hold, with the
-- rules of their referral year: the stage from the state (the resumed
-- state's for a held case), the stage's start as the referral for a
-- referred case and otherwise the case's last change (the row does not
-- record when its stage began: the deadline is then at the latest what a
-- recorded start would give); the turn from the state alone (the check
-- partners' turn in admissibility is set by the next act); the wait from
-- the latest note of the hold or request.
ALTER TABLE programme_rules ADD COLUMN stage_days TEXT NOT NULL DEFAULT '{"file":{"emergency":1,"urgent":3,"normal":30},"eligibility":{"emergency":2,"urgent":14,"normal":120},"admissibility":{"emergency":3,"urgent":18,"normal":150},"departure":{"emergency":1,"urgent":7,"normal":65}}';
ALTER TABLE cases ADD COLUMN target_date TEXT;
ALTER TABLE cases ADD COLUMN stage TEXT NOT NULL DEFAULT '' CHECK (stage IN ('', 'file', 'eligibility', 'admissibility', 'departure'));
ALTER TABLE cases ADD COLUMN stage_since TEXT;
ALTER TABLE cases ADD COLUMN stage_due TEXT;
ALTER TABLE cases ADD COLUMN turn TEXT NOT NULL DEFAULT '' CHECK (turn IN ('', 'visa_office', 'referring_partner', 'check_partners'));
ALTER TABLE cases ADD COLUMN waiting_since TEXT;

UPDATE cases SET stage = CASE CASE WHEN state IN ('on_hold', 'info_requested') THEN resume_state ELSE state END
        WHEN 'referred' THEN 'file'
        WHEN 'file_created' THEN 'eligibility' WHEN 'eligibility_review' THEN 'eligibility' WHEN 'interview' THEN 'eligibility'
        WHEN 'eligible' THEN 'admissibility' WHEN 'admissibility_in_progress' THEN 'admissibility'
        WHEN 'admissible' THEN 'admissibility' WHEN 'split_decision' THEN 'admissibility'
        WHEN 'approved' THEN 'departure' WHEN 'travel_booked' THEN 'departure'
        ELSE '' END;
UPDATE cases SET stage_since = CASE WHEN stage = '' THEN NULL WHEN stage = 'file' THEN referred_at ELSE updated_at END,
    turn = CASE WHEN stage = '' THEN '' WHEN state = 'info_requested' THEN 'referring_partner' ELSE 'visa_office' END,
    waiting_since = CASE WHEN state IN ('on_hold', 'info_requested') THEN
        (SELECT max(n.at) FROM case_notes n WHERE n.case_id = cases.id
            AND n.event = CASE cases.state WHEN 'on_hold' THEN 'hold' ELSE 'request_info' END) END;
UPDATE cases SET
    target_date = (SELECT date(substr(cases.referred_at, 1, 10), '+' || json_extract(r.target_days, '$.' || cases.processing_priority) || ' days')
        FROM programme_rules r WHERE r.year = CAST(substr(cases.referred_at, 1, 4) AS INTEGER) ORDER BY r.version DESC LIMIT 1),
    stage_due = CASE WHEN stage = '' THEN NULL ELSE
        (SELECT date(substr(cases.stage_since, 1, 10), '+' || json_extract(r.stage_days, '$.' || cases.stage || '.' || cases.processing_priority) || ' days')
        FROM programme_rules r WHERE r.year = CAST(substr(cases.referred_at, 1, 4) AS INTEGER) ORDER BY r.version DESC LIMIT 1) END;

-- The work queue's deadlines.
CREATE INDEX cases_stage_due ON cases(stage_due);
CREATE INDEX cases_target_date ON cases(target_date);
