-- A notice about a stage records the case's stage and processing priority
-- when it was made: what an escalation tells a reader who may not read
-- the case (the programme administration, for an emergency's breach or
-- stall), beside the case's reference, the kind and the deadline. Neither
-- is personal data. Notices made before are about no stage: ''.
ALTER TABLE notifications ADD COLUMN stage text NOT NULL DEFAULT ''
    CHECK (stage IN ('', 'file', 'eligibility', 'admissibility', 'departure'));
ALTER TABLE notifications ADD COLUMN priority text NOT NULL DEFAULT ''
    CHECK (priority IN ('', 'emergency', 'urgent', 'normal'));
