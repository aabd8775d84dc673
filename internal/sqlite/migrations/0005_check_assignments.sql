-- Which screening or medical partner checks which member: the visa office
-- assigns them, and a partner reaches only the members assigned to it.
CREATE TABLE check_assignments (
    member_id   TEXT NOT NULL REFERENCES members(id),
    org_id      TEXT NOT NULL REFERENCES organisations(id),
    assigned_by TEXT NOT NULL REFERENCES users(id),
    assigned_at TEXT NOT NULL,
    PRIMARY KEY (member_id, org_id)
) STRICT;
CREATE INDEX check_assignments_org ON check_assignments(org_id);
