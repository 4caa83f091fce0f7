-- Software robots (crates/store/src/robots.rs, crates/robots): the legacy systems they
-- work in, their licence seats, the robots and their heartbeats, every run, the work items
-- a person must review, redacted evidence, and the credential vault with its audit.

-- A legacy system. `seats` caps the robots working in it at once (its licences);
-- `maintenance` stops new work; `script_version` pins the scripts robots may run.
CREATE TABLE robot_targets (
    name           TEXT PRIMARY KEY,
    url            TEXT NOT NULL,
    ui             TEXT NOT NULL,
    seats          BIGINT NOT NULL,
    maintenance    BIGINT NOT NULL DEFAULT 0,
    script_version BIGINT,
    updated_at     BIGINT NOT NULL
);

-- Seat n of a target, leased to one robot until `leased_until` (renewed by its
-- heartbeat): a dead robot's seat frees itself.
CREATE TABLE robot_seats (
    target       TEXT NOT NULL,
    seat         BIGINT NOT NULL,
    robot        TEXT NOT NULL,
    leased_until BIGINT NOT NULL,
    PRIMARY KEY (target, seat)
);

CREATE TABLE robots (
    id           TEXT PRIMARY KEY,
    node         TEXT NOT NULL,
    pool         TEXT NOT NULL,
    tags         TEXT NOT NULL,
    state        TEXT NOT NULL,
    job_id       TEXT,
    target       TEXT,
    heartbeat_at BIGINT NOT NULL,
    started_at   BIGINT NOT NULL
);

-- One attempt at one work item. `outcome`: done, already_done, business, system.
CREATE TABLE robot_runs (
    id          TEXT PRIMARY KEY,
    job_id      TEXT NOT NULL,
    job_type    TEXT NOT NULL,
    robot       TEXT NOT NULL,
    target      TEXT NOT NULL,
    script      TEXT NOT NULL,
    started_at  BIGINT NOT NULL,
    ended_at    BIGINT NOT NULL,
    outcome     TEXT NOT NULL,
    step        TEXT,
    message     TEXT
);
CREATE INDEX robot_runs_by_end ON robot_runs (ended_at);
CREATE INDEX robot_runs_by_job ON robot_runs (job_id, ended_at);

-- A work item stopped by a business exception, for a person (never retried by itself).
CREATE TABLE robot_reviews (
    job_id      TEXT PRIMARY KEY,
    instance_id TEXT,
    job_type    TEXT NOT NULL,
    target      TEXT NOT NULL,
    step        TEXT NOT NULL,
    message     TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    resolved_at BIGINT,
    resolved_by TEXT,
    resolution  TEXT
);
CREATE INDEX robot_reviews_open ON robot_reviews (resolved_at, created_at);

-- Screenshots and HTML with personnummer and names masked, deleted at `expires_at`.
CREATE TABLE robot_evidence (
    id         TEXT PRIMARY KEY,
    job_id     TEXT NOT NULL,
    run_id     TEXT NOT NULL,
    name       TEXT NOT NULL,
    png        BYTEA NOT NULL,
    html       TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX robot_evidence_by_job ON robot_evidence (job_id, created_at);
CREATE INDEX robot_evidence_by_expiry ON robot_evidence (expires_at);

-- A robot account's password, encrypted (AES-256-GCM) with the vault key `key_id`.
-- Setting a new password retires the old row; rows are never updated in place except to
-- re-encrypt them under a new key.
CREATE TABLE robot_credentials (
    id         TEXT PRIMARY KEY,
    target     TEXT NOT NULL,
    username   TEXT NOT NULL,
    key_id     TEXT NOT NULL,
    nonce      BYTEA NOT NULL,
    secret     BYTEA NOT NULL,
    created_at BIGINT NOT NULL,
    retired_at BIGINT
);
CREATE UNIQUE INDEX robot_credentials_active
    ON robot_credentials (target, username) WHERE retired_at IS NULL;

-- Every time a credential is decrypted for use: who, for which job.
CREATE TABLE robot_credential_uses (
    id       TEXT PRIMARY KEY,
    target   TEXT NOT NULL,
    username TEXT NOT NULL,
    robot    TEXT NOT NULL,
    job_id   TEXT,
    at       BIGINT NOT NULL
);
