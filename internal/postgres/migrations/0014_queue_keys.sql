-- The work queue's order, stored so that an index serves it: whether the
-- case is open (not closed, refused or withdrawn: the app writes it with
-- every act), its priority's rank (emergency 0, urgent 1, normal 2) and its
-- stage's deadline, '9999-12-31' when it has none so that such cases come
-- last. A list's first page and a deep page then read one index range from
-- its start or from the cursor, whatever the number of cases.
ALTER TABLE cases ADD COLUMN queue_open boolean NOT NULL DEFAULT TRUE;
ALTER TABLE cases ADD COLUMN queue_rank smallint NOT NULL DEFAULT 2 CHECK (queue_rank IN (0, 1, 2));
ALTER TABLE cases ADD COLUMN queue_due date NOT NULL DEFAULT '9999-12-31';
UPDATE cases SET queue_open = CASE WHEN state IN ('closed', 'refused', 'withdrawn') THEN FALSE ELSE TRUE END,
    queue_rank = CASE processing_priority WHEN 'emergency' THEN 0 WHEN 'urgent' THEN 1 ELSE 2 END,
    queue_due = coalesce(stage_due, '9999-12-31');

-- The orders a list takes (work queue, deadline, referral, reference), for
-- everyone and for one referring organisation's own cases.
CREATE INDEX cases_queue_order ON cases(queue_open, queue_rank, queue_due, referred_at, id);
CREATE INDEX cases_queue_due ON cases(queue_open, queue_due, referred_at, id);
CREATE INDEX cases_queue_referred ON cases(queue_open, referred_at, id);
CREATE INDEX cases_queue_reference ON cases(queue_open, reference, id);
CREATE INDEX cases_queue_referrer ON cases(referring_org_id, queue_open, queue_rank, queue_due, referred_at, id);
CREATE INDEX cases_queue_settlement ON cases(settlement_org_id, queue_open, referred_at, id);
