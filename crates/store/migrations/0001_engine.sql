-- Engine state, one DDL for SQLite and PostgreSQL. Times are Unix milliseconds (BIGINT); JSON is
-- stored as TEXT, so both backends share one code path. Split per backend only when they diverge.
CREATE TABLE definitions (
    id            TEXT PRIMARY KEY,
    kind          TEXT NOT NULL,      -- 'bpmn' | 'dmn'
    key           TEXT NOT NULL,      -- process id or DMN model id
    version       BIGINT NOT NULL,
    name          TEXT,
    resource_name TEXT NOT NULL,
    source        TEXT NOT NULL,
    hash          TEXT NOT NULL,
    deployed_at   BIGINT NOT NULL,
    UNIQUE (kind, key, version)
);

CREATE TABLE instances (
    id                 TEXT PRIMARY KEY,
    definition_id      TEXT NOT NULL REFERENCES definitions (id),
    process_key        TEXT NOT NULL,
    business_key       TEXT,
    state              TEXT NOT NULL, -- active | completed | terminated | canceled
    parent_instance_id TEXT,
    parent_token       BIGINT,
    next_token         BIGINT NOT NULL,
    revision           BIGINT NOT NULL,
    started_at         BIGINT NOT NULL,
    ended_at           BIGINT
);
CREATE INDEX instances_by_state ON instances (state, started_at);
CREATE INDEX instances_by_definition ON instances (definition_id, state);
CREATE INDEX instances_by_parent ON instances (parent_instance_id) WHERE parent_instance_id IS NOT NULL;

CREATE TABLE tokens (
    instance_id TEXT NOT NULL,
    key         BIGINT NOT NULL,
    parent      BIGINT,
    node_id     TEXT NOT NULL,
    state       TEXT NOT NULL,
    data        TEXT NOT NULL,
    PRIMARY KEY (instance_id, key)
);

CREATE TABLE variables (
    instance_id TEXT NOT NULL,
    scope       BIGINT NOT NULL,      -- 0 = the instance scope, else a token key
    name        TEXT NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (instance_id, scope, name)
);

CREATE TABLE user_tasks (
    id               TEXT PRIMARY KEY,
    instance_id      TEXT NOT NULL,
    token            BIGINT NOT NULL,
    node_id          TEXT NOT NULL,
    name             TEXT,
    assignee         TEXT,
    candidate_groups TEXT,
    form_key         TEXT,
    due_at           BIGINT,
    state            TEXT NOT NULL,   -- created | completed | canceled
    created_at       BIGINT NOT NULL,
    ended_at         BIGINT,
    completed_by     TEXT
);
CREATE INDEX user_tasks_open ON user_tasks (state, due_at);
CREATE INDEX user_tasks_by_instance ON user_tasks (instance_id, token);

CREATE TABLE jobs (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL,    -- 'task' (external workers) | 'timer' (engine)
    job_type        TEXT NOT NULL,
    instance_id     TEXT,
    token           BIGINT,
    node_id         TEXT,
    state           TEXT NOT NULL,    -- ready | active | failed | completed | canceled
    retries         BIGINT NOT NULL,
    attempts        BIGINT NOT NULL,
    due_at          BIGINT NOT NULL,
    lease_owner     TEXT,
    lease_until     BIGINT,
    idempotency_key TEXT NOT NULL UNIQUE,
    payload         TEXT NOT NULL,
    error           TEXT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX jobs_ready ON jobs (kind, job_type, due_at, id) WHERE state = 'ready';
CREATE INDEX jobs_leased ON jobs (lease_until) WHERE state = 'active';
CREATE INDEX jobs_by_instance ON jobs (instance_id, token);

CREATE TABLE subscriptions (
    id              TEXT PRIMARY KEY,
    instance_id     TEXT NOT NULL,
    token           BIGINT NOT NULL,
    node_id         TEXT NOT NULL,
    kind            TEXT NOT NULL,    -- message | signal
    name            TEXT NOT NULL,
    correlation_key TEXT,
    created_at      BIGINT NOT NULL
);
CREATE INDEX subscriptions_lookup ON subscriptions (kind, name, correlation_key);
CREATE INDEX subscriptions_by_instance ON subscriptions (instance_id, token);

CREATE TABLE incidents (
    id          TEXT PRIMARY KEY,
    instance_id TEXT NOT NULL,
    token       BIGINT,
    node_id     TEXT,
    job_id      TEXT,
    kind        TEXT NOT NULL,
    message     TEXT NOT NULL,
    state       TEXT NOT NULL,        -- open | resolved
    created_at  BIGINT NOT NULL,
    resolved_at BIGINT
);
CREATE INDEX incidents_open ON incidents (state, created_at);
CREATE INDEX incidents_by_instance ON incidents (instance_id);

CREATE TABLE history (
    instance_id TEXT NOT NULL,
    token       BIGINT NOT NULL,
    node_id     TEXT NOT NULL,
    node_type   TEXT NOT NULL,
    state       TEXT NOT NULL,        -- active | completed | canceled
    started_at  BIGINT NOT NULL,
    ended_at    BIGINT,
    end_seq     BIGINT,               -- completion order within the instance
    PRIMARY KEY (instance_id, token)
);
