-- The reference a split gave each record it moved. Splits come from beneficiaries.events.v2, a chunk's records
-- from matching.records-matched: the two topics are read independently, so a split may be applied before the
-- chunk holding its records (which carries the older reference, from when the chunk was matched). A chunk's
-- rows take the reference recorded here: a split always comes after the matching of the records it moves.
CREATE TABLE split_record (
    upload_id      uuid    NOT NULL,
    row_number     integer NOT NULL,
    individual_ref text    NOT NULL,
    PRIMARY KEY (upload_id, row_number)
);
