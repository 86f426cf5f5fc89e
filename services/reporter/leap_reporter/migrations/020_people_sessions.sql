-- Server-side sessions of the people signed in to the dashboard (leap_contracts.sessions.store): the cookie
-- holds a random value, this table its SHA-256; a session ends when its row goes (sign-out, an admin ending
-- every session, the uploader's SessionsEndedV1).
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
