-- Generation jobs and their progress events. A job is claimed by one server process at a time
-- (`claimed_by`, set by a conditional UPDATE from `queued`); a running job's process refreshes
-- `heartbeat_at`, and a job whose heartbeat is older than the lease is re-queued by any process
-- (`attempts` counts the claims: after the last allowed one it fails instead). Events are
-- numbered 1, 2, 3… per job; the primary key refuses a second event with the same number.
CREATE TABLE generation_jobs (
    id TEXT PRIMARY KEY NOT NULL,
    owner_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('simple', 'agentic', 'fullstack')),
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
    progress BIGINT NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    model TEXT NOT NULL,
    project_id TEXT REFERENCES projects (id) ON DELETE SET NULL,
    -- The request as the client sent it (JSON).
    request TEXT NOT NULL,
    -- `GenerationResult` (JSON) once succeeded; `Problem` (JSON) once failed.
    result TEXT,
    error TEXT,
    claimed_by TEXT,
    heartbeat_at TIMESTAMPTZ,
    attempts BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX generation_jobs_by_owner ON generation_jobs (owner_id, created_at);
CREATE INDEX generation_jobs_by_status ON generation_jobs (status, created_at);

CREATE TABLE generation_job_events (
    job_id TEXT NOT NULL REFERENCES generation_jobs (id) ON DELETE CASCADE,
    seq BIGINT NOT NULL CHECK (seq >= 1),
    -- A `JobEvent` (JSON).
    event TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (job_id, seq)
);
