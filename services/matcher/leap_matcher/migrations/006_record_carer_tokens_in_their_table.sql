-- A record's carer tokens live in carer_token (indexed by token, for linking); the copy on record was never read.
ALTER TABLE record DROP COLUMN IF EXISTS carer_tokens;
