-- A completed job is deleted (see `complete_jobs_sql` in crates/store/src/jobs.rs): `jobs` holds
-- the work to do, and what was done stays in the activity history. Rows completed before
-- this change go the same way.
DELETE FROM jobs WHERE state = 'completed';
