-- A case's timeline reads the acts on one case from the audit log, latest
-- first, a page at a time: one index range per page, however long the log.
CREATE INDEX audit_outbox_case ON audit_outbox(case_id, seq);
