-- The SSBTEK request log (ssbtek.md §4, law-and-records.md LG-1): one row per call to
-- SSBTEK, written by the connector whether the call succeeded or not. It is the legally
-- required record of who asked what about whom, for which case, under which provision.
-- Times are Unix milliseconds; `sources` is a JSON array as TEXT. One DDL for both backends.
CREATE TABLE ssbtek_requests (
    id              TEXT PRIMARY KEY,
    requested_at    BIGINT NOT NULL,
    finished_at     BIGINT NOT NULL,
    actor           TEXT NOT NULL,      -- handläggare account, or 'system:<worker>'
    arende_id       TEXT NOT NULL,      -- arendeidentitet sent to SSBTEK
    person          TEXT NOT NULL,      -- personidentitet asked about (12 digits)
    syfte           TEXT NOT NULL,
    lagtext         TEXT NOT NULL,
    sources         TEXT NOT NULL,      -- JSON array, e.g. ["AF","FK"]
    korrelationsid  TEXT NOT NULL,
    outcome         TEXT NOT NULL,      -- ok | partial | error
    error           TEXT,               -- why, when outcome is not ok
    attempts        BIGINT NOT NULL
);
CREATE INDEX ssbtek_requests_by_case ON ssbtek_requests (arende_id, requested_at);
CREATE INDEX ssbtek_requests_by_time ON ssbtek_requests (requested_at);
