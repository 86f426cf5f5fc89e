-- A counter bumped in every transaction that changes the read model (with its inbox row), so a
-- cache built from one snapshot (the in-memory reach index) knows exactly when it is stale.
CREATE TABLE read_model_state (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    version   bigint NOT NULL DEFAULT 0
);
INSERT INTO read_model_state DEFAULT VALUES;
