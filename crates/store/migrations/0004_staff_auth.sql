-- Staff sign-in: accounts, server-side sessions, API tokens for service accounts, and the audit
-- log of sign-ins. One DDL for SQLite and PostgreSQL, like 0001: TEXT ids, BIGINT Unix-ms times,
-- JSON as TEXT. Secrets are never stored: passwords as argon2id PHC strings, session ids and API
-- tokens as the SHA-256 of the value the client holds.
CREATE TABLE staff_users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,  -- lower case
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,         -- argon2id PHC string
    roles         TEXT NOT NULL,         -- JSON array of role names
    created_at    BIGINT NOT NULL,
    disabled_at   BIGINT                 -- set: the account cannot sign in
);

CREATE TABLE staff_sessions (
    id_hash      TEXT PRIMARY KEY,       -- hex SHA-256 of the cookie's session id
    user_id      TEXT NOT NULL REFERENCES staff_users (id),
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,        -- for the idle timeout
    expires_at   BIGINT NOT NULL,        -- absolute end
    ended_at     BIGINT                  -- logged out (or ended by an administrator)
);
CREATE INDEX staff_sessions_by_user ON staff_sessions (user_id);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    token_hash   TEXT NOT NULL UNIQUE,   -- hex SHA-256 of the bearer token
    roles        TEXT NOT NULL,          -- JSON array of role names
    created_by   TEXT NOT NULL,          -- username, or 'cli'
    created_at   BIGINT NOT NULL,
    revoked_at   BIGINT
);

-- Who did what, when, from where. Never a password or a token.
CREATE TABLE audit_events (
    id        TEXT PRIMARY KEY,          -- UUIDv7: sorts by time
    at        BIGINT NOT NULL,
    kind      TEXT NOT NULL,             -- login_succeeded | login_failed | login_locked | logout | …
    actor     TEXT,                      -- username or token name; NULL when unknown
    client_ip TEXT,
    detail    TEXT NOT NULL              -- JSON object
);
CREATE INDEX audit_events_by_time ON audit_events (at);
