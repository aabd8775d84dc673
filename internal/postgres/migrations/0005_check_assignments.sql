-- Which screening or medical partner checks which member: the visa office
-- assigns them, and a partner reaches only the members assigned to it.
CREATE TABLE check_assignments (
    member_id   text NOT NULL REFERENCES members(id),
    org_id      text NOT NULL REFERENCES organisations(id),
    assigned_by text NOT NULL REFERENCES users(id),
    assigned_at utc_time NOT NULL,
    PRIMARY KEY (member_id, org_id)
);
CREATE INDEX check_assignments_org ON check_assignments(org_id);
