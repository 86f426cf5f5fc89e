-- Who may read an individual's explanation (leap_matcher.access): people signed in through the uploader
-- (server-side sessions, leap_contracts.sessions.store), the nonces of the assertions they came with,
-- and every call to the explanation, allowed or not.
CREATE TABLE people_session (
    token_hash text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    user_id    text NOT NULL,
    username   text NOT NULL,
    role       text NOT NULL,
    csrf_token text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX people_session_user ON people_session (user_id);

CREATE TABLE signin_nonce (
    nonce      text PRIMARY KEY,
    expires_at timestamptz NOT NULL
);
CREATE INDEX signin_nonce_expires_at ON signin_nonce (expires_at);

CREATE TABLE explanation_audit (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT now(),
    actor     text NOT NULL,           -- 'user:<username>', 'token:analyst', 'token:admin', 'anonymous'
    role      text,                    -- analyst, admin; NULL when refused
    address   text,
    requested text NOT NULL,           -- the reference asked for (at most 40 characters)
    outcome   integer NOT NULL         -- the HTTP status answered
);
CREATE INDEX explanation_audit_actor_at ON explanation_audit (actor, at);
CREATE INDEX explanation_audit_address_at ON explanation_audit (address, at);
