-- Written reasons of events that are not decisions: a hold, a request for
-- information, a withdrawal. The text is vault ciphertext.
CREATE TABLE case_notes (
    id        text PRIMARY KEY,
    case_id   text NOT NULL REFERENCES cases(id),
    event     text NOT NULL,
    text_enc  bytea NOT NULL,
    author_id text NOT NULL REFERENCES users(id),
    org_id    text NOT NULL REFERENCES organisations(id),
    at        utc_time NOT NULL
);
CREATE INDEX case_notes_case ON case_notes(case_id, at);
