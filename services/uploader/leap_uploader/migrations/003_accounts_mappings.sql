-- People who sign in to the pages, their sessions, the audit log, mappings, and upload replacement.

CREATE TABLE users (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username        text NOT NULL UNIQUE CHECK (username ~ '^[A-Za-z0-9][A-Za-z0-9_.@-]{2,63}$'),
    role            text NOT NULL CHECK (role IN ('provider', 'analyst', 'admin')),
    provider_id     text REFERENCES providers (id),
    password_hash   text NOT NULL,                 -- Argon2id, with its parameters
    totp_secret     text,                          -- base32; NULL until enrolled
    totp_pending    text,                          -- offered during enrolment, not yet confirmed
    totp_last_step  bigint NOT NULL DEFAULT 0,     -- the last accepted 30 s step: a replayed code is refused
    failed_attempts integer NOT NULL DEFAULT 0,
    locked_until    timestamptz,
    disabled_at     timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK ((role = 'provider') = (provider_id IS NOT NULL))
);

-- Sessions: the cookie holds a random value, the table only its SHA-256.
CREATE TABLE sessions (
    token_hash   text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token   text NOT NULL,
    second_factor_done boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed sign-ins per client address, for rate limiting (pruned as it is read).
CREATE TABLE sign_in_failures (
    address      text NOT NULL,
    failed_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sign_in_failures_by_address ON sign_in_failures (address, failed_at);

-- Every action touching data or access. Never a cell value or a password.
CREATE TABLE audit_log (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT now(),
    actor     text NOT NULL,          -- 'user:<username>', 'token:<id>', 'cli', 'anonymous'
    action    text NOT NULL,          -- e.g. sign_in.failed, upload.created, mapping.saved
    target    text,
    address   text,
    detail    jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at ON audit_log (at);

-- A provider's own layout mapped onto the standard dataset; every change is a new version.
CREATE TABLE mappings (
    provider_id  text NOT NULL REFERENCES providers (id),
    service_code text NOT NULL,
    version      integer NOT NULL CHECK (version >= 1),
    spec         jsonb NOT NULL,
    created_by   text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (provider_id, service_code, version)
);

-- Row problems may show the offending value, to the provider's own users only (restricted schema).
ALTER TABLE upload_problems ADD COLUMN value text;

ALTER TABLE uploads ADD COLUMN mapping_version integer;
ALTER TABLE uploads ADD COLUMN replaces uuid REFERENCES uploads (upload_id);
ALTER TABLE uploads ADD COLUMN replaced_by uuid REFERENCES uploads (upload_id);
ALTER TABLE uploads DROP CONSTRAINT uploads_status_check;
ALTER TABLE uploads ADD CONSTRAINT uploads_status_check
    CHECK (status IN ('received', 'validating', 'processing', 'completed', 'rejected', 'replaced'));
CREATE INDEX uploads_by_provider ON uploads (provider_id, created_at DESC);
