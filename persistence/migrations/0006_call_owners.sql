-- Which engine process runs each call, so that the calls a process left in
-- progress when it died (kill -9, a drain that ran out of time) can be told
-- from the calls another node is running, and closed.

-- One row per running engine process. A boot is alive while its heartbeat
-- is fresh; a node runs one process, so a new boot of a node means its
-- earlier boots are gone. A clean shutdown deletes its row.
CREATE TABLE engine_boots (
    boot_id       text PRIMARY KEY,
    node          text NOT NULL,
    started_at    timestamptz NOT NULL,
    heartbeat_at  timestamptz NOT NULL
);
CREATE INDEX engine_boots_node_idx ON engine_boots (node, started_at);

-- The boot whose call actor runs the call (NULL: recorded before this
-- migration, or by a process that did not say).
ALTER TABLE calls ADD COLUMN boot_id text;
CREATE INDEX calls_open_idx ON calls (boot_id) WHERE ended_reason IS NULL AND started_at IS NOT NULL;

-- Media-stream tickets redeemed, by MAC, until they expire: each ticket
-- starts one stream, across restarts and nodes.
CREATE TABLE media_tickets (
    mac         bytea PRIMARY KEY,
    expires_at  timestamptz NOT NULL
);
CREATE INDEX media_tickets_expiry_idx ON media_tickets (expires_at);
