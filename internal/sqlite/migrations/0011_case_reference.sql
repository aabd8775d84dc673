-- A short reference for each case that people can read, say and search
-- ("HRD-2026-K7QM2A"): the year of referral and six characters drawn at
-- random, never derived from personal data and never sequential, so that a
-- reference tells nothing of how many cases there are. Cases referred
-- before take theirs from their random ID.
ALTER TABLE cases ADD COLUMN reference TEXT;
UPDATE cases SET reference = 'HRD-' || substr(referred_at, 1, 4) || '-' || upper(substr(id, 6, 6));
CREATE UNIQUE INDEX cases_reference ON cases(reference);
