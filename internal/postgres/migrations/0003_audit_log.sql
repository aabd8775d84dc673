-- The tamper-evident audit log. Each event is a leaf of a Merkle tree
-- (golang.org/x/mod/sumdb/tlog); audit_hashes keeps tlog's stored hashes,
-- written in the same transaction as the event, and audit_checkpoints one
-- signed checkpoint (a note) per tree size.
ALTER TABLE audit_outbox ADD COLUMN decision text NOT NULL DEFAULT 'allow';
ALTER TABLE audit_outbox ADD COLUMN policy_ids text NOT NULL DEFAULT '[]';
ALTER TABLE audit_outbox ADD COLUMN request_id text NOT NULL DEFAULT '';
CREATE INDEX audit_outbox_actor ON audit_outbox(actor_id, at);

CREATE TABLE audit_hashes (
    idx  bigint PRIMARY KEY,
    hash bytea NOT NULL CHECK (length(hash) = 32)
);

CREATE TABLE audit_checkpoints (
    size bigint PRIMARY KEY,
    note text NOT NULL
);
