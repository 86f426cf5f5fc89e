-- Tolerant linkage's data-quality figures (leap_matcher.adapters.tolerant_quality): per provider, and
-- identifiers shared across incompatible birth months.
ALTER TABLE tolerant_record ADD COLUMN provider_id text, ADD COLUMN birth_month text;
CREATE INDEX tolerant_record_provider ON tolerant_record (provider_id);
