-- Written reasons of events that are not decisions: a hold, a request for
-- information, a withdrawal. The text is vault ciphertext.
CREATE TABLE case_notes (
    id        TEXT PRIMARY KEY,
    case_id   TEXT NOT NULL REFERENCES cases(id),
    event     TEXT NOT NULL,
    text_enc  BLOB NOT NULL,
    author_id TEXT NOT NULL REFERENCES users(id),
    org_id    TEXT NOT NULL REFERENCES organisations(id),
    at        TEXT NOT NULL
) STRICT;
CREATE INDEX case_notes_case ON case_notes(case_id, at);
