-- Files pseudonymised at source: what their manifest said (key id, key check value, spec version, row count).
ALTER TABLE uploads ADD COLUMN at_source jsonb;
