-- Calls of assistants in GDPR mode (privacy_settings.gdpr_mode): their
-- caller's number is stored masked, and what was said is deleted once the
-- call's analysis and webhooks are done with it (purged_at).
ALTER TABLE calls ADD COLUMN private boolean NOT NULL DEFAULT false,
                  ADD COLUMN purged_at timestamptz;
CREATE INDEX calls_private_unpurged_idx ON calls (ended_at) WHERE private AND purged_at IS NULL;
