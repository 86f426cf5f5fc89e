-- Providers, their services and API tokens; uploads, their problems and stored files.

CREATE TABLE providers (
    id         text PRIMARY KEY,
    name       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- The services a provider may upload for (codes from leap_contracts.catalogue).
CREATE TABLE provider_services (
    provider_id  text NOT NULL REFERENCES providers (id),
    service_code text NOT NULL,
    PRIMARY KEY (provider_id, service_code)
);

-- API tokens are shown once and stored only as their SHA-256 (hex).
CREATE TABLE api_tokens (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    provider_id text NOT NULL REFERENCES providers (id),
    token_hash  text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);
CREATE INDEX api_tokens_provider ON api_tokens (provider_id);

CREATE TABLE uploads (
    upload_id        uuid PRIMARY KEY,
    provider_id      text NOT NULL REFERENCES providers (id),
    service_code     text NOT NULL,
    sha256           text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size_bytes       bigint NOT NULL CHECK (size_bytes > 0),
    file_format      text NOT NULL CHECK (file_format IN ('csv', 'xlsx')),
    status           text NOT NULL DEFAULT 'received'
                     CHECK (status IN ('received', 'validating', 'processing', 'completed', 'rejected')),
    rows_total       integer,
    rows_accepted    integer,
    rows_rejected    integer,
    chunk_count      integer,
    chunks_matched   integer NOT NULL DEFAULT 0,
    rejection_reason text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    -- The same file uploaded twice for one service is one upload.
    UNIQUE (provider_id, service_code, sha256)
);

-- Row-level problems, as shown to the provider. Messages never contain cell values.
CREATE TABLE upload_problems (
    upload_id   uuid NOT NULL REFERENCES uploads (upload_id),
    row_number  integer,
    column_name text,
    code        text NOT NULL,
    severity    text NOT NULL CHECK (severity IN ('error', 'warning')),
    message     text NOT NULL
);
CREATE INDEX upload_problems_by_row ON upload_problems (upload_id, row_number);

-- RESTRICTED: the provider's file, AES-256-GCM encrypted (UPLOADER_STORAGE_KEY).
-- Deleted in the transaction that ends validation: the records are then queued in the
-- outbox (status processing), or the file was rejected and its data is not kept.
-- EXTERNAL storage: ciphertext does not compress, and slices read without detoasting it all.
CREATE TABLE raw_files (
    upload_id uuid PRIMARY KEY REFERENCES uploads (upload_id),
    content   bytea NOT NULL
);
ALTER TABLE raw_files ALTER COLUMN content SET STORAGE EXTERNAL;
REVOKE ALL ON raw_files FROM PUBLIC;

-- Chunks the matcher has reported; counting distinct rows makes completion idempotent.
CREATE TABLE matched_chunks (
    upload_id   uuid NOT NULL REFERENCES uploads (upload_id),
    chunk_index integer NOT NULL CHECK (chunk_index >= 0),
    matched_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (upload_id, chunk_index)
);
