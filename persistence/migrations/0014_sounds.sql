-- Uploaded background sounds, by content-addressed key (hex SHA-256 of
-- the file): every node of a cluster plays a sound uploaded through any
-- other, and the sound outlives the disk it was uploaded to. Each node's
-- data directory keeps a cache of the ones it has played.
CREATE TABLE sounds (
    storage_key text PRIMARY KEY CHECK (storage_key ~ '^[0-9a-f]{64}$'),
    data bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
