-- The cluster member each boot is (its proto.actor member id), so that a
-- member leaving the cluster names the boot whose calls died with it.
-- NULL: an engine running alone, or a boot from before this migration.
ALTER TABLE engine_boots ADD COLUMN member text;
CREATE INDEX engine_boots_member_idx ON engine_boots (member) WHERE member IS NOT NULL;
