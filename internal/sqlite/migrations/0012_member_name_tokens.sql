-- Search by name, in any script, with no plaintext index: each word of a
-- member's family and given names, normalised as every blind index is, kept
-- as a keyed HMAC. A name is found when a member holds every word asked.
-- Rows are written with the member and deleted when its case is shredded;
-- members written before are indexed by the app once, at start.
CREATE TABLE member_name_tokens (
    member_id  TEXT NOT NULL REFERENCES members(id),
    case_id    TEXT NOT NULL REFERENCES cases(id),
    token_bidx BLOB NOT NULL,
    PRIMARY KEY (member_id, token_bidx)
) STRICT;
CREATE INDEX member_name_tokens_token ON member_name_tokens(token_bidx);
CREATE INDEX member_name_tokens_case ON member_name_tokens(case_id);
