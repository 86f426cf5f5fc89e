-- Enrichment (attributes with provenance), engagements, withdrawals, relationships, junk identifiers.

-- What each record says about its person, and the engagement itself (no personal data: tokens only).
ALTER TABLE record
    ADD COLUMN birth_month     text,
    ADD COLUMN gender          text,
    ADD COLUMN ward_code       text,
    ADD COLUMN ethnicity       text,
    ADD COLUMN first_language  text,
    ADD COLUMN engagement_type text,
    ADD COLUMN attended        boolean NOT NULL DEFAULT true,
    ADD COLUMN carer_tokens    bytea[] NOT NULL DEFAULT '{}';

-- Resolved attributes: {"gender": {"value": "female", "upload_id": ..., "row_number": 7, "engagement_date": ...}, ...}
-- Rule (domain/enrichment.py): the most recent engagement that states a value wins; ties by upload id, then row.
-- removed: every record of the individual was withdrawn.
ALTER TABLE individual
    ADD COLUMN attributes jsonb NOT NULL DEFAULT '{}',
    ADD COLUMN removed    boolean NOT NULL DEFAULT false;

-- Junk identifiers: a quarantined token links nothing. providers / birth_months are the distinct values
-- seen on records carrying the token (kept small: only while under the thresholds).
ALTER TABLE identifier
    ADD COLUMN providers    text[] NOT NULL DEFAULT '{}',
    ADD COLUMN birth_months text[] NOT NULL DEFAULT '{}',
    ADD COLUMN quarantined  boolean NOT NULL DEFAULT false,
    ALTER COLUMN individual_id DROP NOT NULL;  -- a quarantined token belongs to nobody

-- A child's carer tokens (e-mail / mobile), to find the carer whichever of the two arrives first.
CREATE TABLE carer_token (
    token      bytea NOT NULL,
    id_type    text NOT NULL,
    upload_id  uuid NOT NULL,
    row_number integer NOT NULL,
    PRIMARY KEY (upload_id, row_number, token),
    FOREIGN KEY (upload_id, row_number) REFERENCES record (upload_id, row_number) ON DELETE CASCADE
);
CREATE INDEX carer_token_token ON carer_token (token);

-- child -> primary carer, between the individuals as they were when the link was found
-- (follow individual.merged_into for the live ones).
CREATE TABLE relationship (
    child_id   bigint NOT NULL REFERENCES individual (id),
    carer_id   bigint NOT NULL REFERENCES individual (id),
    via        text[] NOT NULL,
    linked_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (child_id, carer_id)
);

-- Uploads withdrawn: their records left, and late chunks of them are ignored.
CREATE TABLE withdrawn_upload (
    upload_id    uuid PRIMARY KEY,
    replaced_by  uuid,
    records      integer NOT NULL,
    withdrawn_at timestamptz NOT NULL DEFAULT now()
);
