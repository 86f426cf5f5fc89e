-- Nonces of the uploader's sign-in assertions already spent (leap_reporter.auth): each assertion signs in once.
-- Rows are deleted a few minutes after the assertion expired (it is refused by then anyway).
CREATE TABLE signin_nonce (
    nonce      text PRIMARY KEY,
    expires_at timestamptz NOT NULL
);
CREATE INDEX signin_nonce_expires_at ON signin_nonce (expires_at);
