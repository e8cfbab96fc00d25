-- Every assistant gets a stable UUID: VoiceDock's API names assistants by
-- UUID strings, and the id never changes with the configuration.
ALTER TABLE assistants ADD COLUMN uuid uuid NOT NULL DEFAULT gen_random_uuid();
CREATE UNIQUE INDEX assistants_uuid_idx ON assistants (uuid);
