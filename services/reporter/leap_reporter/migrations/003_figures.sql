-- Figures beyond reach: match outcomes, relationships, data-quality findings, timing, audit.

-- When each upload was validated (late uploads are judged on it).
ALTER TABLE upload_quality ADD COLUMN validated_at timestamptz;

-- Per matched chunk: how many records joined an individual known before (share matched to existing).
CREATE TABLE match_outcome (
    upload_id        uuid    NOT NULL,
    chunk_index      integer NOT NULL,
    records          integer NOT NULL,
    new_individuals  integer NOT NULL,
    matched_existing integer NOT NULL,
    -- {code: records} of the records' data-quality findings and usable identifier types, when the
    -- matcher passes them on (MatchedRecord.findings / .identifier_types; see README).
    findings         jsonb   NOT NULL DEFAULT '{}',
    PRIMARY KEY (upload_id, chunk_index)
);

-- A child and the adult who is its primary carer (RelationshipLinkedV1).
CREATE TABLE relationship (
    child_ref text NOT NULL,
    carer_ref text NOT NULL,
    PRIMARY KEY (child_ref, carer_ref)
);
CREATE INDEX relationship_carer ON relationship (carer_ref);

-- Data-quality findings per upload: identifiers quarantined as junk (IdentifierQuarantinedV1),
-- and record findings when the events carry them (code, identifier type or column; counts only).
CREATE TABLE upload_finding (
    upload_id uuid    NOT NULL,
    code      text    NOT NULL,
    detail    text    NOT NULL DEFAULT '',
    rows      integer NOT NULL,
    PRIMARY KEY (upload_id, code, detail)
);

-- Who took a pseudonymised extract, when, and how much. Not part of the rebuildable read model.
CREATE TABLE extract_audit (
    id            bigserial PRIMARY KEY,
    requested_by  text        NOT NULL,
    requested_at  timestamptz NOT NULL DEFAULT now(),
    out_dir       text        NOT NULL,
    individuals   integer     NOT NULL,
    engagements   integer     NOT NULL,
    relationships integer     NOT NULL
);

