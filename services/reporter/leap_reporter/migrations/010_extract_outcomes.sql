-- The evaluation extract carries outcome records too (outcomes.csv): how many, per extract.
ALTER TABLE extract_audit ADD COLUMN outcomes integer NOT NULL DEFAULT 0;
