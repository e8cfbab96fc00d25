-- SIP trunks: PBXs and carriers' trunks that send calls straight to the
-- engine's SIP listener (and, outbound, receive its calls). A trunk
-- authenticates inbound INVITEs by source address, by digest credentials,
-- or both; one with neither is refused by the API (no open relay).
-- Passwords are sealed (secrets.Box).
CREATE TABLE sip_trunks (
    id                 bigserial PRIMARY KEY,
    organization_id    bigint NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description        text,
    is_active          boolean NOT NULL DEFAULT true,
    allowed_addresses  cidr[] NOT NULL DEFAULT '{}',
    inbound_username   text,
    inbound_password   text,
    outbound_address   text,
    outbound_transport text NOT NULL DEFAULT 'udp' CHECK (outbound_transport IN ('udp', 'tcp', 'tls')),
    outbound_username  text,
    outbound_password  text,
    caller_id          text CHECK (caller_id ~ '^\+[1-9][0-9]{1,14}$'),
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CHECK ((inbound_username IS NULL) = (inbound_password IS NULL)),
    CHECK ((outbound_username IS NULL) = (outbound_password IS NULL))
);
CREATE INDEX sip_trunks_organization_idx ON sip_trunks (organization_id, id);

-- Numbers reached through a trunk have the provider 'sip'; sip_trunk_id
-- narrows which of the organization's trunks may deliver their calls
-- (NULL: any of them).
ALTER TABLE phone_numbers DROP CONSTRAINT phone_numbers_provider_check;
ALTER TABLE phone_numbers ADD CONSTRAINT phone_numbers_provider_check
    CHECK (provider IN ('twilio', 'telnyx', 'vonage', 'plivo', 'web', 'sip'));
ALTER TABLE phone_numbers ADD COLUMN sip_trunk_id bigint REFERENCES sip_trunks(id) ON DELETE SET NULL;
ALTER TABLE phone_numbers ADD CONSTRAINT phone_numbers_sip_trunk_check
    CHECK (sip_trunk_id IS NULL OR provider = 'sip');
