-- How often a run signed in to its legacy system: every sign-in, and those after a lost
-- session (relogins). An operator sees a robot that keeps signing in (a session timeout
-- shorter than its work, another login ending its session, a licence seat taken away).
ALTER TABLE robot_runs ADD COLUMN sign_ins BIGINT NOT NULL DEFAULT 0;
ALTER TABLE robot_runs ADD COLUMN relogins BIGINT NOT NULL DEFAULT 0;
