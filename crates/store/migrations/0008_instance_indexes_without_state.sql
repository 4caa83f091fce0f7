-- No index of `instances` names `state`: an instance's update when a run ends it (state,
-- revision, ended_at) then changes no indexed column, which PostgreSQL can write as a HOT
-- update with no new index entries (see migrations-postgres/). Listings order by start time
-- and per-process counts join on the definition; counting instances by state scans.
DROP INDEX instances_by_state;
DROP INDEX instances_by_definition;
CREATE INDEX instances_by_start ON instances (started_at);
CREATE INDEX instances_by_definition ON instances (definition_id);
