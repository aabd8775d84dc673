-- Haven's first schema. Columns ending in _enc hold vault ciphertext (AES-256-GCM,
-- bound to subject, table, column and row); columns ending in _bidx hold keyed
-- HMAC blind indexes. No plaintext personal data is stored in any other column.
--
-- It mirrors the SQLite schema table for table and column for column; only
-- the types are PostgreSQL's own.

-- An instant, in UTC, as fixed-width RFC 3339 text with nanoseconds
-- ('2025-03-14T09:30:00.123456789Z'), the form the SQLite schema stores.
-- Not timestamptz: it keeps microseconds only, and a time read back must
-- equal the time written on both engines. The "C" collation makes text order
-- time order whatever the database's locale; cast to timestamptz to compute.
CREATE DOMAIN utc_time AS text COLLATE "C"
    CHECK (VALUE ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[.][0-9]{9}Z$');

CREATE TABLE meta (
    key   text PRIMARY KEY,
    value text NOT NULL
);

CREATE TABLE organisations (
    id         text PRIMARY KEY,
    kind       text NOT NULL CHECK (kind IN ('referral_partner','protection_partner','visa_office','screening_partner','medical_partner','settlement_organisation','programme_administration')),
    name       text NOT NULL,
    country    text NOT NULL DEFAULT '',
    created_at utc_time NOT NULL
);

CREATE TABLE users (
    id           text PRIMARY KEY,
    org_id       text NOT NULL REFERENCES organisations(id),
    role         text NOT NULL CHECK (role IN ('caseworker','supervisor','admin')),
    username     text NOT NULL UNIQUE,
    display_name text NOT NULL,
    created_at   utc_time NOT NULL,
    disabled_at  utc_time
);
CREATE INDEX users_org ON users(org_id);

CREATE TABLE programme_rules (
    year           integer NOT NULL,
    version        integer NOT NULL CHECK (version >= 1),
    cap            integer NOT NULL CHECK (cap >= 0),
    referrer_kinds jsonb NOT NULL,
    referrers      jsonb NOT NULL,
    allocations    jsonb NOT NULL,
    target_days    jsonb NOT NULL,
    changed_by     text NOT NULL,
    changed_at     utc_time NOT NULL,
    PRIMARY KEY (year, version)
);

-- The cap ledger. The CHECK constraints are the last line of defence: the
-- conditional updates in Reserve keep them from ever firing.
CREATE TABLE ledger_years (
    year     integer PRIMARY KEY,
    cap      integer NOT NULL CHECK (cap >= 0),
    reserved integer NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    arrived  integer NOT NULL DEFAULT 0 CHECK (arrived >= 0),
    CHECK (reserved + arrived <= cap)
);

CREATE TABLE ledger_partners (
    year       integer NOT NULL REFERENCES ledger_years(year),
    org_id     text NOT NULL REFERENCES organisations(id),
    allocation integer CHECK (allocation >= 0),
    reserved   integer NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    arrived    integer NOT NULL DEFAULT 0 CHECK (arrived >= 0),
    PRIMARY KEY (year, org_id),
    CHECK (allocation IS NULL OR reserved + arrived <= allocation)
);

CREATE TABLE data_keys (
    subject    text PRIMARY KEY,
    kek_id     text NOT NULL,
    wrapped    bytea NOT NULL,
    created_at utc_time NOT NULL
);
CREATE INDEX data_keys_kek ON data_keys(kek_id);

CREATE TABLE nominations (
    id                    text PRIMARY KEY,
    protection_org_id     text NOT NULL REFERENCES organisations(id),
    referral_org_id       text NOT NULL REFERENCES organisations(id),
    state                 text NOT NULL CHECK (state IN ('submitted','under_review','referred','declined','withdrawn')),
    defender_name_enc     bytea,
    contact_enc           bytea,
    whereabouts_enc       bytea,
    work_enc              bytea,
    threats_enc           bytea,
    risk_assessment_enc   bytea,
    decline_reason_enc    bytea,
    recommended_priority  text NOT NULL CHECK (recommended_priority IN ('emergency','urgent','normal')),
    nationality_countries jsonb NOT NULL,
    asylum_country        text NOT NULL,
    family_size           integer NOT NULL CHECK (family_size >= 1),
    case_id               text,
    created_by            text NOT NULL REFERENCES users(id),
    created_at            utc_time NOT NULL,
    updated_at            utc_time NOT NULL
);
CREATE INDEX nominations_protection ON nominations(protection_org_id);
CREATE INDEX nominations_referral ON nominations(referral_org_id, state);

CREATE TABLE cases (
    id                     text PRIMARY KEY,
    unhcr_bidx             bytea NOT NULL UNIQUE,
    unhcr_enc              bytea NOT NULL,
    referring_org_id       text NOT NULL REFERENCES organisations(id),
    nomination_id          text REFERENCES nominations(id),
    state                  text NOT NULL,
    resume_state           text NOT NULL DEFAULT '',
    submission_priority    text NOT NULL CHECK (submission_priority IN ('emergency','urgent','normal')),
    processing_priority    text NOT NULL CHECK (processing_priority IN ('emergency','urgent','normal')),
    primary_category       text NOT NULL,
    secondary_category     text NOT NULL DEFAULT '',
    justification_enc      bytea,
    grounds_enc            bytea,
    work_enc               bytea,
    threats_enc            bytea,
    persecution_enc        bytea,
    nationality_countries  jsonb NOT NULL,
    asylum_country         text NOT NULL,
    declared_size          integer NOT NULL CHECK (declared_size >= 1),
    visa_kind              text NOT NULL DEFAULT '',
    admission_year         integer NOT NULL DEFAULT 0,
    settlement_org_id      text REFERENCES organisations(id),
    referred_at            utc_time NOT NULL,
    updated_at             utc_time NOT NULL,
    version                integer NOT NULL
);
CREATE INDEX cases_queue ON cases(state, processing_priority, referred_at);
CREATE INDEX cases_referring ON cases(referring_org_id);
CREATE INDEX cases_settlement ON cases(settlement_org_id);

CREATE TABLE members (
    id                 text PRIMARY KEY,
    case_id            text NOT NULL REFERENCES cases(id),
    ordinal            integer NOT NULL,
    relationship       text NOT NULL,
    accompanying       boolean NOT NULL,
    excluded           boolean NOT NULL DEFAULT false,
    sex                text NOT NULL CHECK (sex IN ('female','male','x')),
    nationalities      jsonb NOT NULL,
    languages          jsonb NOT NULL,
    identity_bidx      bytea NOT NULL,
    family_name_enc    bytea,
    given_names_enc    bytea,
    dob_enc            bytea,
    contact_enc        bytea,
    whereabouts_enc    bytea,
    notes_enc          bytea,
    UNIQUE (case_id, ordinal)
);
CREATE INDEX members_identity ON members(identity_bidx);

CREATE TABLE ledger_entries (
    member_id  text PRIMARY KEY REFERENCES members(id),
    case_id    text NOT NULL REFERENCES cases(id),
    year       integer NOT NULL REFERENCES ledger_years(year),
    org_id     text NOT NULL REFERENCES organisations(id),
    status     text NOT NULL CHECK (status IN ('reserved','arrived','released')),
    updated_at utc_time NOT NULL
);
CREATE INDEX ledger_entries_case ON ledger_entries(case_id);

CREATE TABLE assessments (
    id                  text PRIMARY KEY,
    case_id             text NOT NULL REFERENCES cases(id),
    outside_country     boolean NOT NULL,
    well_founded_fear   boolean NOT NULL,
    no_internal_flight  boolean NOT NULL,
    no_durable_solution boolean NOT NULL,
    grounds             jsonb NOT NULL,
    interviewed         boolean NOT NULL,
    notes_enc           bytea,
    assessed_by         text NOT NULL REFERENCES users(id),
    assessed_at         utc_time NOT NULL
);
CREATE INDEX assessments_case ON assessments(case_id);

-- valid_until is NULL when a check has no expiry (SQLite writes '').
CREATE TABLE checks (
    id                     text PRIMARY KEY,
    case_id                text NOT NULL REFERENCES cases(id),
    member_id              text NOT NULL REFERENCES members(id),
    kind                   text NOT NULL CHECK (kind IN ('medical','security','criminality')),
    result                 text NOT NULL CHECK (result IN ('passed','failed','on_hold')),
    valid_until            date,
    details_enc            bytea,
    politically_motivated  boolean NOT NULL DEFAULT false,
    pm_reasons_enc         bytea,
    recorded_by            text NOT NULL REFERENCES users(id),
    recorded_by_org        text NOT NULL REFERENCES organisations(id),
    recorded_at            utc_time NOT NULL
);
CREATE INDEX checks_case ON checks(case_id);

CREATE TABLE decisions (
    id               text PRIMARY KEY,
    case_id          text NOT NULL REFERENCES cases(id),
    kind             text NOT NULL CHECK (kind IN ('approved','refused','split')),
    visa_kind        text NOT NULL DEFAULT '',
    admission_year   integer NOT NULL DEFAULT 0,
    excluded_members jsonb NOT NULL,
    reasons_enc      bytea,
    notice_org_id    text REFERENCES organisations(id),
    notice_at        utc_time,
    decided_by       text NOT NULL REFERENCES users(id),
    decided_at       utc_time NOT NULL
);
CREATE INDEX decisions_case ON decisions(case_id);

CREATE TABLE travel (
    case_id             text PRIMARY KEY REFERENCES cases(id),
    travel_date         date NOT NULL,
    itinerary_enc       bytea,
    transportation_loan boolean NOT NULL,
    booked_by           text NOT NULL REFERENCES users(id),
    booked_at           utc_time NOT NULL
);

CREATE TABLE arrivals (
    case_id       text PRIMARY KEY REFERENCES cases(id),
    arrival_date  date NOT NULL,
    port_of_entry text NOT NULL,
    recorded_by   text NOT NULL REFERENCES users(id),
    recorded_at   utc_time NOT NULL
);

-- The audit outbox. audit_head hands out sequence numbers: taking the next
-- one locks the row until commit, so numbers are gap-free and in commit
-- order on every engine, with no lock inside a process.
CREATE TABLE audit_head (
    id  integer PRIMARY KEY CHECK (id = 1),
    seq bigint NOT NULL
);
INSERT INTO audit_head (id, seq) VALUES (1, 0);

-- detail is text, not jsonb: it is kept byte for byte as written (jsonb
-- would re-format it), like every other field of an event.
CREATE TABLE audit_outbox (
    seq          bigint PRIMARY KEY,
    at           utc_time NOT NULL,
    actor_id     text NOT NULL,
    actor_org_id text NOT NULL,
    action       text NOT NULL,
    object_type  text NOT NULL,
    object_id    text NOT NULL,
    case_id      text NOT NULL DEFAULT '',
    detail       text NOT NULL DEFAULT '{}'
);
