-- Outcome records (docs/outcomes-dataset.md), built from OutcomesLinkedV1: never engagements, never reach.
CREATE TABLE outcome_record (
    upload_id      uuid    NOT NULL,
    row_number     integer NOT NULL,
    individual_ref text,                       -- NULL: links to no one (or bridges several: see findings)
    subject_ref    text,                       -- the same for one child's records in one extract
    source_code    text    NOT NULL,
    provider_id    text    NOT NULL,
    measure        text    NOT NULL,
    measured_on    date    NOT NULL,
    result         text    NOT NULL,
    positive       boolean NOT NULL,
    birth_month    text,
    gender         text,
    ward_code      text,
    ward_name      text,
    excluded       boolean NOT NULL,           -- bridging or unlinkable: counts in no figure
    findings       text[]  NOT NULL DEFAULT '{}',
    PRIMARY KEY (upload_id, row_number)
);
CREATE INDEX outcome_record_individual ON outcome_record (individual_ref) WHERE individual_ref IS NOT NULL;

-- Each applied chunk of an outcome upload (the watermark counts an outcome upload with these).
CREATE TABLE outcome_chunk (
    upload_id   uuid    NOT NULL,
    chunk_index integer NOT NULL,
    records     integer NOT NULL,
    linked      integer NOT NULL,
    unlinked    integer NOT NULL,
    bridging    integer NOT NULL,
    PRIMARY KEY (upload_id, chunk_index)
);

-- The programme's Theory of Change, configured by admins as data (one document, versioned by time).
CREATE TABLE theory_of_change (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document   jsonb       NOT NULL,
    saved_by   text        NOT NULL,
    saved_at   timestamptz NOT NULL DEFAULT now()
);
