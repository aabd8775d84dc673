-- Haven's first schema. Columns ending in _enc hold vault ciphertext (AES-256-GCM,
-- bound to subject, table, column and row); columns ending in _bidx hold keyed
-- HMAC blind indexes. No plaintext personal data is stored in any other column.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE organisations (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('referral_partner','protection_partner','visa_office','screening_partner','medical_partner','settlement_organisation','programme_administration')),
    name       TEXT NOT NULL,
    country    TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE users (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organisations(id),
    role         TEXT NOT NULL CHECK (role IN ('caseworker','supervisor','admin')),
    username     TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    disabled_at  TEXT
) STRICT;
CREATE INDEX users_org ON users(org_id);

CREATE TABLE programme_rules (
    year           INTEGER NOT NULL,
    version        INTEGER NOT NULL CHECK (version >= 1),
    cap            INTEGER NOT NULL CHECK (cap >= 0),
    referrer_kinds TEXT NOT NULL,
    referrers      TEXT NOT NULL,
    allocations    TEXT NOT NULL,
    target_days    TEXT NOT NULL,
    changed_by     TEXT NOT NULL,
    changed_at     TEXT NOT NULL,
    PRIMARY KEY (year, version)
) STRICT;

-- The cap ledger. The CHECK constraints are the last line of defence: the
-- conditional updates in Reserve keep them from ever firing.
CREATE TABLE ledger_years (
    year     INTEGER PRIMARY KEY,
    cap      INTEGER NOT NULL CHECK (cap >= 0),
    reserved INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    arrived  INTEGER NOT NULL DEFAULT 0 CHECK (arrived >= 0),
    CHECK (reserved + arrived <= cap)
) STRICT;

CREATE TABLE ledger_partners (
    year       INTEGER NOT NULL REFERENCES ledger_years(year),
    org_id     TEXT NOT NULL REFERENCES organisations(id),
    allocation INTEGER CHECK (allocation >= 0),
    reserved   INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    arrived    INTEGER NOT NULL DEFAULT 0 CHECK (arrived >= 0),
    PRIMARY KEY (year, org_id),
    CHECK (allocation IS NULL OR reserved + arrived <= allocation)
) STRICT;

CREATE TABLE data_keys (
    subject    TEXT PRIMARY KEY,
    kek_id     TEXT NOT NULL,
    wrapped    BLOB NOT NULL,
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX data_keys_kek ON data_keys(kek_id);

CREATE TABLE nominations (
    id                    TEXT PRIMARY KEY,
    protection_org_id     TEXT NOT NULL REFERENCES organisations(id),
    referral_org_id       TEXT NOT NULL REFERENCES organisations(id),
    state                 TEXT NOT NULL CHECK (state IN ('submitted','under_review','referred','declined','withdrawn')),
    defender_name_enc     BLOB,
    contact_enc           BLOB,
    whereabouts_enc       BLOB,
    work_enc              BLOB,
    threats_enc           BLOB,
    risk_assessment_enc   BLOB,
    decline_reason_enc    BLOB,
    recommended_priority  TEXT NOT NULL CHECK (recommended_priority IN ('emergency','urgent','normal')),
    nationality_countries TEXT NOT NULL,
    asylum_country        TEXT NOT NULL,
    family_size           INTEGER NOT NULL CHECK (family_size >= 1),
    case_id               TEXT,
    created_by            TEXT NOT NULL REFERENCES users(id),
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
) STRICT;
CREATE INDEX nominations_protection ON nominations(protection_org_id);
CREATE INDEX nominations_referral ON nominations(referral_org_id, state);

CREATE TABLE cases (
    id                     TEXT PRIMARY KEY,
    unhcr_bidx             BLOB NOT NULL UNIQUE,
    unhcr_enc              BLOB NOT NULL,
    referring_org_id       TEXT NOT NULL REFERENCES organisations(id),
    nomination_id          TEXT REFERENCES nominations(id),
    state                  TEXT NOT NULL,
    resume_state           TEXT NOT NULL DEFAULT '',
    submission_priority    TEXT NOT NULL CHECK (submission_priority IN ('emergency','urgent','normal')),
    processing_priority    TEXT NOT NULL CHECK (processing_priority IN ('emergency','urgent','normal')),
    primary_category       TEXT NOT NULL,
    secondary_category     TEXT NOT NULL DEFAULT '',
    justification_enc      BLOB,
    grounds_enc            BLOB,
    work_enc               BLOB,
    threats_enc            BLOB,
    persecution_enc        BLOB,
    nationality_countries  TEXT NOT NULL,
    asylum_country         TEXT NOT NULL,
    declared_size          INTEGER NOT NULL CHECK (declared_size >= 1),
    visa_kind              TEXT NOT NULL DEFAULT '',
    admission_year         INTEGER NOT NULL DEFAULT 0,
    settlement_org_id      TEXT REFERENCES organisations(id),
    referred_at            TEXT NOT NULL,
    updated_at             TEXT NOT NULL,
    version                INTEGER NOT NULL
) STRICT;
CREATE INDEX cases_queue ON cases(state, processing_priority, referred_at);
CREATE INDEX cases_referring ON cases(referring_org_id);
CREATE INDEX cases_settlement ON cases(settlement_org_id);

CREATE TABLE members (
    id                 TEXT PRIMARY KEY,
    case_id            TEXT NOT NULL REFERENCES cases(id),
    ordinal            INTEGER NOT NULL,
    relationship       TEXT NOT NULL,
    accompanying       INTEGER NOT NULL CHECK (accompanying IN (0,1)),
    excluded           INTEGER NOT NULL DEFAULT 0 CHECK (excluded IN (0,1)),
    sex                TEXT NOT NULL CHECK (sex IN ('female','male','x')),
    nationalities      TEXT NOT NULL,
    languages          TEXT NOT NULL,
    identity_bidx      BLOB NOT NULL,
    family_name_enc    BLOB,
    given_names_enc    BLOB,
    dob_enc            BLOB,
    contact_enc        BLOB,
    whereabouts_enc    BLOB,
    notes_enc          BLOB,
    UNIQUE (case_id, ordinal)
) STRICT;
CREATE INDEX members_identity ON members(identity_bidx);

CREATE TABLE ledger_entries (
    member_id  TEXT PRIMARY KEY REFERENCES members(id),
    case_id    TEXT NOT NULL REFERENCES cases(id),
    year       INTEGER NOT NULL REFERENCES ledger_years(year),
    org_id     TEXT NOT NULL REFERENCES organisations(id),
    status     TEXT NOT NULL CHECK (status IN ('reserved','arrived','released')),
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX ledger_entries_case ON ledger_entries(case_id);

CREATE TABLE assessments (
    id                  TEXT PRIMARY KEY,
    case_id             TEXT NOT NULL REFERENCES cases(id),
    outside_country     INTEGER NOT NULL,
    well_founded_fear   INTEGER NOT NULL,
    no_internal_flight  INTEGER NOT NULL,
    no_durable_solution INTEGER NOT NULL,
    grounds             TEXT NOT NULL,
    interviewed         INTEGER NOT NULL,
    notes_enc           BLOB,
    assessed_by         TEXT NOT NULL REFERENCES users(id),
    assessed_at         TEXT NOT NULL
) STRICT;
CREATE INDEX assessments_case ON assessments(case_id);

CREATE TABLE checks (
    id                     TEXT PRIMARY KEY,
    case_id                TEXT NOT NULL REFERENCES cases(id),
    member_id              TEXT NOT NULL REFERENCES members(id),
    kind                   TEXT NOT NULL CHECK (kind IN ('medical','security','criminality')),
    result                 TEXT NOT NULL CHECK (result IN ('passed','failed','on_hold')),
    valid_until            TEXT NOT NULL DEFAULT '',
    details_enc            BLOB,
    politically_motivated  INTEGER NOT NULL DEFAULT 0,
    pm_reasons_enc         BLOB,
    recorded_by            TEXT NOT NULL REFERENCES users(id),
    recorded_by_org        TEXT NOT NULL REFERENCES organisations(id),
    recorded_at            TEXT NOT NULL
) STRICT;
CREATE INDEX checks_case ON checks(case_id);

CREATE TABLE decisions (
    id               TEXT PRIMARY KEY,
    case_id          TEXT NOT NULL REFERENCES cases(id),
    kind             TEXT NOT NULL CHECK (kind IN ('approved','refused','split')),
    visa_kind        TEXT NOT NULL DEFAULT '',
    admission_year   INTEGER NOT NULL DEFAULT 0,
    excluded_members TEXT NOT NULL,
    reasons_enc      BLOB,
    notice_org_id    TEXT REFERENCES organisations(id),
    notice_at        TEXT,
    decided_by       TEXT NOT NULL REFERENCES users(id),
    decided_at       TEXT NOT NULL
) STRICT;
CREATE INDEX decisions_case ON decisions(case_id);

CREATE TABLE travel (
    case_id             TEXT PRIMARY KEY REFERENCES cases(id),
    travel_date         TEXT NOT NULL,
    itinerary_enc       BLOB,
    transportation_loan INTEGER NOT NULL,
    booked_by           TEXT NOT NULL REFERENCES users(id),
    booked_at           TEXT NOT NULL
) STRICT;

CREATE TABLE arrivals (
    case_id       TEXT PRIMARY KEY REFERENCES cases(id),
    arrival_date  TEXT NOT NULL,
    port_of_entry TEXT NOT NULL,
    recorded_by   TEXT NOT NULL REFERENCES users(id),
    recorded_at   TEXT NOT NULL
) STRICT;

-- The audit outbox. audit_head hands out sequence numbers: taking the next
-- one locks the row until commit, so numbers are gap-free and in commit
-- order on every engine, with no lock inside a process.
CREATE TABLE audit_head (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL
) STRICT;
INSERT INTO audit_head (id, seq) VALUES (1, 0);

CREATE TABLE audit_outbox (
    seq          INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    actor_id     TEXT NOT NULL,
    actor_org_id TEXT NOT NULL,
    action       TEXT NOT NULL,
    object_type  TEXT NOT NULL,
    object_id    TEXT NOT NULL,
    case_id      TEXT NOT NULL DEFAULT '',
    detail       TEXT NOT NULL DEFAULT '{}'
) STRICT;
