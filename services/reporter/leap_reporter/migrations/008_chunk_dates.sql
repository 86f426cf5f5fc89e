-- Each applied chunk keeps the dates its records cover, so data quality reads them from match_outcome (one row a
-- chunk) instead of from two indexes on engagement that every written record had to update
-- (engagement_upload_date for an upload's first and last date, engagement_provider_service_date for the months
-- a provider and service cover). An upload's figures are the min, max and union over its chunks.
ALTER TABLE match_outcome
    ADD COLUMN provider_id  text,
    ADD COLUMN service_code text,
    ADD COLUMN first_date   date,
    ADD COLUMN last_date    date,
    ADD COLUMN months       date[] NOT NULL DEFAULT '{}';

-- Chunks applied before: each gets its upload's dates (the min, max and union over the chunks are the same).
UPDATE match_outcome m SET provider_id = e.provider_id, service_code = e.service_code,
       first_date = e.first_date, last_date = e.last_date, months = e.months
  FROM (SELECT upload_id, min(provider_id) AS provider_id, min(service_code) AS service_code,
               min(engagement_date) AS first_date, max(engagement_date) AS last_date,
               array_agg(DISTINCT date_trunc('month', engagement_date)::date) AS months
          FROM engagement GROUP BY upload_id) e
 WHERE m.upload_id = e.upload_id;

DROP INDEX engagement_upload_date;
DROP INDEX engagement_provider_service_date;
