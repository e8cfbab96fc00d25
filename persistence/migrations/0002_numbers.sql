-- Organization-wide settings: provider keys, carrier credentials, the
-- webhook signing secret and concurrency limits. Secrets are sealed.
ALTER TABLE organizations ADD COLUMN settings jsonb NOT NULL DEFAULT '{}';

-- Phone numbers route calls to assistants.
CREATE TABLE phone_numbers (
    id               bigserial PRIMARY KEY,
    organization_id  bigint NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    phone_number     text NOT NULL UNIQUE CHECK (phone_number ~ '^\+[1-9][0-9]{1,14}$'),
    provider         text NOT NULL CHECK (provider IN ('twilio', 'telnyx', 'vonage', 'plivo', 'web')),
    friendly_name    text,
    assistant_id     bigint REFERENCES assistants(id) ON DELETE SET NULL,
    is_active        boolean NOT NULL DEFAULT true,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX phone_numbers_organization_idx ON phone_numbers (organization_id, id);
CREATE INDEX phone_numbers_assistant_idx ON phone_numbers (assistant_id);
