-- PostgreSQL only (tracked in _flode_postgres_migrations, applied after migrations/).
--
-- Pages keep a fifth free, so that the updates a run makes to an instance and to its
-- activity history (state, times, revision: no indexed column) stay on their page as HOT
-- updates, without new index entries.
ALTER TABLE instances SET (fillfactor = 80);
ALTER TABLE history SET (fillfactor = 80);

-- A job's idempotency key is unique by construction (its instance and token key, or its own
-- new id), and no statement looks a job up by it; the unique index cost two index entries
-- per job, at its insert and its claim. (SQLite keeps it: an inline constraint cannot be
-- dropped there without rebuilding the table.)
ALTER TABLE jobs DROP CONSTRAINT jobs_idempotency_key_key;
