-- Sign-in throttling instead of lockout (leap_uploader.domain.throttle): failures are kept per account tried
-- (lower-cased, known or not), per address, and per known device; a device that completed a sign-in to an
-- account is remembered (its cookie holds a random value, this table its SHA-256).
ALTER TABLE sign_in_failures ADD COLUMN account text;
ALTER TABLE sign_in_failures ADD COLUMN device_hash text;
CREATE INDEX sign_in_failures_by_account ON sign_in_failures (account, failed_at);
CREATE INDEX sign_in_failures_by_device ON sign_in_failures (device_hash, failed_at) WHERE device_hash IS NOT NULL;

CREATE TABLE known_devices (
    token_hash   text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX known_devices_user ON known_devices (user_id);
CREATE INDEX audit_log_action_at ON audit_log (action, at);

-- Wrong codes in one half session: past the limit the half session ends (start again from the password).
ALTER TABLE sessions ADD COLUMN code_failures integer NOT NULL DEFAULT 0;
