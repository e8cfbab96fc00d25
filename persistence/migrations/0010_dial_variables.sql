-- Call-time variables of outbound dials ({{name}} in the assistant's
-- prompt and messages for that one call), sealed with the server's key.
-- The dial's tickets name the row; the node that admits the call's stream
-- reads it. Rows are kept a day, for streams that resume, then deleted.
CREATE TABLE dial_variables (
    dial_id          text PRIMARY KEY,
    organization_id  bigint NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    sealed           text NOT NULL,
    created_at       timestamptz NOT NULL
);
CREATE INDEX dial_variables_created_idx ON dial_variables (created_at);
