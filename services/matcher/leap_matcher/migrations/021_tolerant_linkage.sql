-- Tolerant linkage (issue 18; leap_matcher.domain.tolerant, leap_matcher.service.tolerant_linking): each
-- record's evidence (identity tokens, child key and match keys, non-identifying attributes), the tolerant
-- individual it belongs to, the fuzzy links that made them, the review queue and its audit trail.
-- Tokens are bytes and never shown; patterns hold agreement words only (agree, disagree, missing).
CREATE TABLE tolerant_record (
    record_id        text PRIMARY KEY,                 -- '<upload id>:<row number>'
    upload_id        uuid NOT NULL,
    service_code     text NOT NULL,
    beneficiary_type text NOT NULL,
    attended         boolean NOT NULL,
    gender           text,
    ward_code        text,
    tokens           bytea[] NOT NULL,                 -- identity tokens: NHS number, e-mail, mobile, provider record
    nhs              bytea[] NOT NULL,
    carers           bytea[] NOT NULL,
    match_keys       jsonb NOT NULL,                   -- key name -> hex token (the child key and spec 3a's keys)
    cluster          text                              -- the tolerant individual: its smallest record id
);
CREATE INDEX tolerant_record_upload ON tolerant_record (upload_id);
CREATE INDEX tolerant_record_cluster ON tolerant_record (cluster);

CREATE TABLE tolerant_token (                          -- every token of a record, to find the region it touches
    token     bytea NOT NULL,
    record_id text NOT NULL,
    PRIMARY KEY (token, record_id)
);
CREATE INDEX tolerant_token_record ON tolerant_token (record_id);

CREATE TABLE fuzzy_link (                              -- a and b: the smallest record id of each individual joined
    a       text NOT NULL,
    b       text NOT NULL,
    score   real NOT NULL,                             -- bits
    pattern jsonb NOT NULL,
    PRIMARY KEY (a, b)
);
CREATE INDEX fuzzy_link_b ON fuzzy_link (b);

CREATE TABLE review_item (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    a          text NOT NULL,
    b          text NOT NULL,
    score      real NOT NULL,
    pattern    jsonb NOT NULL,
    state      text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'accepted', 'rejected')),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (a, b)
);
CREATE INDEX review_item_pending ON review_item (score DESC) WHERE state = 'pending';

CREATE TABLE review_audit (                            -- every answer attempted, allowed or not
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT now(),
    review_id bigint NOT NULL,
    actor     text NOT NULL,                           -- 'user:<username>', 'token:admin', ...
    role      text,
    action    text NOT NULL CHECK (action IN ('accept', 'reject')),
    reason    text,
    outcome   text NOT NULL                            -- 'accepted', 'rejected' or the refusal's code
);
CREATE INDEX review_audit_review ON review_audit (review_id, at);
