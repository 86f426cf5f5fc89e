-- Per-row foreign-key triggers cost more than the rest of a chunk's COPY. The matcher's own
-- transactions keep these references right (records and tokens only ever point at individuals
-- created or locked in the same transaction; a withdrawal deletes its carer tokens with its records).
ALTER TABLE record DROP CONSTRAINT IF EXISTS record_individual_id_fkey;
ALTER TABLE identifier DROP CONSTRAINT IF EXISTS identifier_individual_id_fkey;
ALTER TABLE carer_token DROP CONSTRAINT IF EXISTS carer_token_upload_id_row_number_fkey;
