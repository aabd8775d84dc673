-- How long after a family's arrival the referring partner still sees its
-- contact details, whereabouts and confidential notes. Rules written before
-- this migration take the default handover time.
ALTER TABLE programme_rules ADD COLUMN handover_days integer NOT NULL DEFAULT 30 CHECK (handover_days BETWEEN 0 AND 365);
