-- Outcome data (docs/outcomes-dataset.md): an upload says which dataset it carries, and only a provider an
-- admin has allowed may send outcome extracts of a source (its service_code is then the source code).
ALTER TABLE uploads ADD COLUMN dataset text NOT NULL DEFAULT 'services' CHECK (dataset IN ('services', 'outcomes'));

CREATE TABLE provider_outcome_sources (
    provider_id text NOT NULL REFERENCES providers (id),
    source_code text NOT NULL,
    allowed_by  text NOT NULL,
    allowed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (provider_id, source_code)
);
