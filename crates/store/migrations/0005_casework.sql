-- Citizens, their applications and the cases they become (crates/store/src/casework.rs).
-- A case's status is not stored here: it is read from its process instance, the one
-- source of truth for where the case is.

-- A citizen signed in to the e-service (OIDC, or the test identity provider outside
-- production). The client holds a random session id; the store its SHA-256.
CREATE TABLE citizen_sessions (
    id_hash      TEXT PRIMARY KEY,
    subject      TEXT NOT NULL,   -- the verified personnummer
    name         TEXT NOT NULL,
    idp          TEXT NOT NULL,   -- 'test' or the OIDC issuer
    auth_ref     TEXT NOT NULL,   -- the identity provider's transaction reference (EL-2)
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    ended_at     BIGINT
);

-- An application, from its first saved page (draft) until it is submitted.
CREATE TABLE applications (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,   -- 'forsorjningsstod'
    applicant    TEXT NOT NULL,   -- personnummer
    month        TEXT NOT NULL,   -- the month applied for, YYYY-MM
    state        TEXT NOT NULL,   -- draft | submitted
    answers      TEXT NOT NULL,   -- JSON, see flode-casework
    auth_ref     TEXT,            -- the sign-in the submission was made under
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    submitted_at BIGINT
);
CREATE INDEX applications_by_applicant ON applications (applicant, created_at);
-- One submitted application per person, kind and month.
CREATE UNIQUE INDEX applications_one_per_month ON applications (kind, applicant, month)
    WHERE state = 'submitted';

-- Case numbers per year: EB-2026-000001.
CREATE TABLE case_numbers (
    prefix TEXT NOT NULL,
    year   BIGINT NOT NULL,
    last   BIGINT NOT NULL,
    PRIMARY KEY (prefix, year)
);

CREATE TABLE cases (
    id             TEXT PRIMARY KEY,
    case_number    TEXT NOT NULL UNIQUE,
    kind           TEXT NOT NULL,
    applicant      TEXT NOT NULL,
    applicant_name TEXT NOT NULL,
    application_id TEXT NOT NULL UNIQUE,
    instance_id    TEXT NOT NULL UNIQUE,
    month          TEXT NOT NULL,
    received_at    BIGINT NOT NULL,  -- registration time of the inkommen handling (AR-5)
    due_at         BIGINT NOT NULL
);
CREATE INDEX cases_by_applicant ON cases (applicant, received_at);
CREATE INDEX cases_by_due ON cases (due_at);

-- Journal notes: immutable; a correction is a new note (AR-3).
CREATE TABLE case_notes (
    id         TEXT PRIMARY KEY,
    case_id    TEXT NOT NULL,
    author     TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX case_notes_by_case ON case_notes (case_id, created_at);

-- Every read of a case by staff (who, when, what).
CREATE TABLE case_reads (
    id      TEXT PRIMARY KEY,
    case_id TEXT NOT NULL,
    reader  TEXT NOT NULL,
    what    TEXT NOT NULL,
    read_at BIGINT NOT NULL
);
CREATE INDEX case_reads_by_case ON case_reads (case_id, read_at);

-- Documents of a case (decision letters). `dedup_key` makes a worker's retry idempotent.
CREATE TABLE case_documents (
    id         TEXT PRIMARY KEY,
    case_id    TEXT NOT NULL,
    kind       TEXT NOT NULL,     -- 'beslutsbrev'
    title      TEXT NOT NULL,
    media_type TEXT NOT NULL,
    content    BYTEA NOT NULL,
    text       TEXT NOT NULL,     -- the same content as plain text
    dedup_key  TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);
CREATE INDEX case_documents_by_case ON case_documents (case_id, created_at);

-- Secure messages between the citizen and the social services, per case.
CREATE TABLE case_messages (
    id         TEXT PRIMARY KEY,
    case_id    TEXT NOT NULL,
    sender     TEXT NOT NULL,     -- citizen | staff | system
    author     TEXT NOT NULL,
    body       TEXT NOT NULL,
    dedup_key  TEXT UNIQUE,
    created_at BIGINT NOT NULL
);
CREATE INDEX case_messages_by_case ON case_messages (case_id, created_at);
