-- Individuals, the identifier tokens that join records to them, and the records themselves.
CREATE TABLE individual (
    id          bigint PRIMARY KEY,
    ref         text NOT NULL UNIQUE,          -- persistent reference shown to everyone else
    merged_into bigint REFERENCES individual (id),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE SEQUENCE individual_id_seq OWNED BY individual.id;
CREATE INDEX individual_merged_into ON individual (merged_into) WHERE merged_into IS NOT NULL;

-- One row per distinct token; the unique key is what makes concurrent instances safe:
-- two transactions can never both claim a new token for different individuals.
CREATE TABLE identifier (
    token         bytea PRIMARY KEY,
    id_type       text NOT NULL,
    individual_id bigint NOT NULL REFERENCES individual (id)
);
CREATE INDEX identifier_individual ON identifier (individual_id);

CREATE TABLE record (
    upload_id        uuid NOT NULL,
    row_number       integer NOT NULL,
    individual_id    bigint NOT NULL REFERENCES individual (id),
    provider_id      text NOT NULL,
    service_code     text NOT NULL,
    beneficiary_type text NOT NULL,
    engagement_date  date NOT NULL,
    tokens           bytea[] NOT NULL,           -- kept so components can be recomputed
    PRIMARY KEY (upload_id, row_number)
);
CREATE INDEX record_individual ON record (individual_id);
