-- Outcome chunks as received (docs/outcomes-dataset.md), kept so that their links can be worked out again
-- when individuals change (python -m leap_matcher.relink_outcomes). Never read by the record path: outcome
-- tokens are not in the identifier index.
CREATE TABLE outcome_chunk (
    upload_id   uuid    NOT NULL,
    chunk_index integer NOT NULL,
    provider_id text    NOT NULL,
    source_code text    NOT NULL,
    records     jsonb   NOT NULL,   -- each record's non-identifying fields (as in OutcomesLinkedV1)
    tokens      jsonb   NOT NULL,   -- each record's NHS number and child key tokens (hex), in the same order
    PRIMARY KEY (upload_id, chunk_index)
);
