-- Tenancy: organizations own users, API keys and everything else.
CREATE TABLE organizations (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL UNIQUE,
    is_active   boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id               bigserial PRIMARY KEY,
    organization_id  bigint NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    email            text NOT NULL UNIQUE,
    role             text NOT NULL DEFAULT 'admin' CHECK (role IN ('admin', 'user', 'viewer')),
    is_active        boolean NOT NULL DEFAULT true,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX users_organization_idx ON users (organization_id);

-- API keys are stored as SHA-256 digests; the clear key is shown once.
CREATE TABLE api_keys (
    id               bigserial PRIMARY KEY,
    organization_id  bigint NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id          bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name             text NOT NULL DEFAULT '',
    key_hash         bytea NOT NULL UNIQUE CHECK (length(key_hash) = 32),
    key_prefix       text NOT NULL,
    is_active        boolean NOT NULL DEFAULT true,
    last_used_at     timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now()
);

-- An assistant's configuration is one JSON document (secrets sealed);
-- name and is_active are copied out for listing and filtering.
CREATE TABLE assistants (
    id               bigserial PRIMARY KEY,
    organization_id  bigint NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id          bigint REFERENCES users(id) ON DELETE SET NULL,
    name             text NOT NULL,
    is_active        boolean NOT NULL,
    version          integer NOT NULL DEFAULT 1,
    config           jsonb NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX assistants_organization_idx ON assistants (organization_id, id);

-- One row per change: the configuration as it was before the change.
CREATE TABLE assistant_settings_history (
    id                  bigserial PRIMARY KEY,
    assistant_id        bigint NOT NULL REFERENCES assistants(id) ON DELETE CASCADE,
    version             integer NOT NULL,
    snapshot            jsonb NOT NULL,
    changed_fields      text[] NOT NULL,
    change_type         text NOT NULL CHECK (change_type IN ('update', 'status', 'rollback')),
    change_description  text,
    changed_by          bigint REFERENCES users(id) ON DELETE SET NULL,
    created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX assistant_settings_history_assistant_idx ON assistant_settings_history (assistant_id, id DESC);
