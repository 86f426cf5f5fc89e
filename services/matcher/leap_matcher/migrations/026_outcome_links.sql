-- Each outcome record's link as last published (docs/outcomes-dataset.md, "Linkage"), so that a service chunk or a
-- withdrawal that changes who owns one of its tokens works it out again in its own transaction
-- (leap_matcher.service.outcome_relinking) and publishes OutcomeLinksChangedV1. Read-only on the identifier index.
CREATE TABLE outcome_link (
    upload_id     uuid     NOT NULL,
    row_number    integer  NOT NULL,
    chunk_index   integer  NOT NULL,
    tokens        bytea[]  NOT NULL,                -- its NHS number and child key tokens (any key version)
    owners        bigint[] NOT NULL DEFAULT '{}',   -- the individuals that owned them when it was last linked
    individual_id bigint,                           -- the one owner it links to; NULL: none, or several
    bridges       boolean  NOT NULL DEFAULT false,  -- several owners: the finding outcome_bridges_individuals
    PRIMARY KEY (upload_id, row_number)
);
CREATE INDEX outcome_link_tokens ON outcome_link USING gin (tokens);
CREATE INDEX outcome_link_owners ON outcome_link USING gin (owners);
CREATE INDEX outcome_link_chunk ON outcome_link (upload_id, chunk_index);

-- The chunks stored before: their records with today's owners. What the reporter holds for them may be older:
-- run `python -m leap_matcher.relink_outcomes` once after this migration (it publishes every chunk again).
INSERT INTO outcome_link (upload_id, row_number, chunk_index, tokens)
SELECT c.upload_id, (r.record->>'row_number')::int, c.chunk_index,
       ARRAY(SELECT decode(t, 'hex') FROM jsonb_array_elements_text(c.tokens -> (r.i - 1)::int) AS t)
  FROM outcome_chunk c CROSS JOIN LATERAL jsonb_array_elements(c.records) WITH ORDINALITY AS r(record, i)
 WHERE NOT EXISTS (SELECT FROM withdrawn_upload w WHERE w.upload_id = c.upload_id);
UPDATE outcome_link o SET owners = found.owners,
       individual_id = CASE WHEN cardinality(found.owners) = 1 THEN found.owners[1] END,
       bridges = cardinality(found.owners) > 1
  FROM (SELECT l.upload_id, l.row_number,
               coalesce(array_agg(DISTINCT i.individual_id ORDER BY i.individual_id)
                        FILTER (WHERE i.individual_id IS NOT NULL), '{}') AS owners
          FROM outcome_link l LEFT JOIN identifier i ON i.token = ANY(l.tokens) AND NOT i.quarantined
         GROUP BY 1, 2) found
 WHERE o.upload_id = found.upload_id AND o.row_number = found.row_number;
