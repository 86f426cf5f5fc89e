-- The read model: built only from events, rebuilt from scratch by leap_reporter.rebuild.

-- One row per accepted, matched record (one contact of one individual with one service).
CREATE TABLE engagement (
    upload_id        uuid    NOT NULL,
    row_number       integer NOT NULL,
    individual_ref   text    NOT NULL,
    service_code     text    NOT NULL,
    provider_id      text    NOT NULL,
    engagement_date  date    NOT NULL,
    beneficiary_type text    NOT NULL,
    birth_month      text,
    gender           text,
    ward_code        text,
    ward_name        text,
    ethnicity        text,
    first_language   text,
    engagement_type  text,
    attended         boolean NOT NULL,
    PRIMARY KEY (upload_id, row_number)
);
CREATE INDEX engagement_service_date ON engagement (service_code, engagement_date);
CREATE INDEX engagement_date ON engagement (engagement_date);
CREATE INDEX engagement_individual ON engagement (individual_ref);

-- Every ward seen in engagements, so a ward filter given by name or in any case
-- resolves to codes once per query instead of lower()-ing every engagement.
CREATE TABLE ward (
    ward_code text PRIMARY KEY,
    ward_name text
);

-- Merged individuals, always flattened: survivor_ref is the final survivor,
-- never itself a ref of this table (see leap_reporter.domain.aliases).
CREATE TABLE individual_alias (
    ref          text PRIMARY KEY,
    survivor_ref text NOT NULL,
    CHECK (ref <> survivor_ref)
);
CREATE INDEX individual_alias_survivor ON individual_alias (survivor_ref);

-- Each upload's validation outcome, for data-quality figures.
CREATE TABLE upload_quality (
    upload_id     uuid PRIMARY KEY,
    provider_id   text    NOT NULL,
    service_code  text    NOT NULL,
    outcome       text    NOT NULL,
    rejection_reason text,
    rows_total    integer NOT NULL,
    rows_accepted integer NOT NULL,
    rows_rejected integer NOT NULL,
    problems      jsonb   NOT NULL DEFAULT '[]'
);
