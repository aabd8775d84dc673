-- When each seat was reserved, arrived or released, so that the cap can be
-- shown month by month. SQLite cannot add a NOT NULL column without a
-- default, nor a constraint, to a table: the table is rebuilt (nothing
-- refers to it).
--
-- Rows written before this migration kept only updated_at, the time of
-- their last move: that is exact for arrived_at and released_at and for the
-- reservation of a seat still reserved. A seat that has moved on was
-- reserved at its case's latest approval for that year before the move,
-- or, lacking one, at the move itself.
CREATE TABLE ledger_entries_new (
    member_id   TEXT PRIMARY KEY REFERENCES members(id),
    case_id     TEXT NOT NULL REFERENCES cases(id),
    year        INTEGER NOT NULL REFERENCES ledger_years(year),
    org_id      TEXT NOT NULL REFERENCES organisations(id),
    status      TEXT NOT NULL CHECK (status IN ('reserved','arrived','released')),
    updated_at  TEXT NOT NULL,
    reserved_at TEXT NOT NULL,
    arrived_at  TEXT CHECK ((arrived_at IS NOT NULL) = (status = 'arrived')),
    released_at TEXT CHECK ((released_at IS NOT NULL) = (status = 'released'))
) STRICT;

INSERT INTO ledger_entries_new (member_id, case_id, year, org_id, status, updated_at, reserved_at, arrived_at, released_at)
SELECT e.member_id, e.case_id, e.year, e.org_id, e.status, e.updated_at,
    CASE WHEN e.status = 'reserved' THEN e.updated_at
        ELSE coalesce((SELECT max(d.decided_at) FROM decisions d
            WHERE d.case_id = e.case_id AND d.kind = 'approved' AND d.admission_year = e.year
              AND d.decided_at <= e.updated_at), e.updated_at) END,
    CASE WHEN e.status = 'arrived' THEN e.updated_at END,
    CASE WHEN e.status = 'released' THEN e.updated_at END
FROM ledger_entries e;

DROP TABLE ledger_entries;
ALTER TABLE ledger_entries_new RENAME TO ledger_entries;
CREATE INDEX ledger_entries_case ON ledger_entries(case_id);
CREATE INDEX ledger_entries_year ON ledger_entries(year, org_id);
