-- When each seat was reserved, arrived or released, so that the cap can be
-- shown month by month.
--
-- Rows written before this migration kept only updated_at, the time of
-- their last move: that is exact for arrived_at and released_at and for the
-- reservation of a seat still reserved. A seat that has moved on was
-- reserved at its case's latest approval for that year before the move,
-- or, lacking one, at the move itself.
ALTER TABLE ledger_entries
    ADD COLUMN reserved_at utc_time,
    ADD COLUMN arrived_at utc_time,
    ADD COLUMN released_at utc_time;

UPDATE ledger_entries e SET
    reserved_at = CASE WHEN e.status = 'reserved' THEN e.updated_at
        ELSE coalesce((SELECT max(d.decided_at) FROM decisions d
            WHERE d.case_id = e.case_id AND d.kind = 'approved' AND d.admission_year = e.year
              AND d.decided_at <= e.updated_at), e.updated_at) END,
    arrived_at = CASE WHEN e.status = 'arrived' THEN e.updated_at END,
    released_at = CASE WHEN e.status = 'released' THEN e.updated_at END;

ALTER TABLE ledger_entries
    ALTER COLUMN reserved_at SET NOT NULL,
    ADD CONSTRAINT ledger_entries_arrived_at CHECK ((arrived_at IS NOT NULL) = (status = 'arrived')),
    ADD CONSTRAINT ledger_entries_released_at CHECK ((released_at IS NOT NULL) = (status = 'released'));

CREATE INDEX ledger_entries_year ON ledger_entries(year, org_id);
