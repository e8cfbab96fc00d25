-- Recordings: one row per track file of a recorded call. file_path is
-- relative to the engine's recordings root.
CREATE TABLE recordings (
    id               bigserial PRIMARY KEY,
    call_id          bigint NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    organization_id  bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    recording_type   text NOT NULL CHECK (recording_type IN ('user', 'assistant', 'mixed')),
    format           text NOT NULL CHECK (format IN ('wav', 'mp3')),
    sample_rate      integer NOT NULL,
    channels         integer NOT NULL,
    duration_ms      bigint NOT NULL,
    file_size        bigint NOT NULL,
    file_path        text NOT NULL,
    status           text NOT NULL DEFAULT 'completed',
    created_at       timestamptz NOT NULL,
    UNIQUE (call_id, recording_type)
);
