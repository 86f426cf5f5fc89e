-- An upload the platform could not store (disk full, a tablespace it cannot write) is 'failed': nothing of it
-- was kept, its rejection_reason says why, and uploading the same file again starts it anew.
ALTER TABLE uploads DROP CONSTRAINT uploads_status_check;
ALTER TABLE uploads ADD CONSTRAINT uploads_status_check
    CHECK (status IN ('received', 'validating', 'processing', 'completed', 'rejected', 'replaced', 'failed'));
