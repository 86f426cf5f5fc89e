-- Tolerant linkage's results (issue 18), built from the matcher's events like the rest of the read model:
-- each record's tolerant individual (TolerantRecordsRelinkedV1; only a newer version replaces one, so delivery
-- order does not matter) and the latest linkage-quality figures (LinkageQualityMeasuredV1, aggregate counts).
CREATE TABLE tolerant_assignment (
    upload_id    uuid    NOT NULL,
    row_number   integer NOT NULL,
    tolerant_ref text    NOT NULL,
    version      bigint  NOT NULL,
    PRIMARY KEY (upload_id, row_number)
);
CREATE INDEX tolerant_assignment_ref ON tolerant_assignment (tolerant_ref);

CREATE TABLE linkage_quality (
    one         boolean PRIMARY KEY DEFAULT true CHECK (one),
    version     bigint      NOT NULL,
    measured_at timestamptz NOT NULL,
    figures     jsonb       NOT NULL              -- the event's payload: counts only
);
