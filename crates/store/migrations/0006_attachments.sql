-- Files a citizen attaches to an application (crates/store/src/attachments.rs): kept with
-- the application, so they follow it into the case; only the applicant and the social
-- workers on the case ever get them back.
CREATE TABLE application_attachments (
    id             TEXT PRIMARY KEY,
    application_id TEXT NOT NULL,
    filename       TEXT NOT NULL,
    media_type     TEXT NOT NULL,  -- sniffed from the content, never the client's claim
    size           BIGINT NOT NULL,
    content        BYTEA NOT NULL,
    created_at     BIGINT NOT NULL
);
CREATE INDEX application_attachments_by_application
    ON application_attachments (application_id, created_at);
