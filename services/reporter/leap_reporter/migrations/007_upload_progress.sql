-- Where each upload is on its way into the figures: the reporter's watermark (adapters/progress.py).
-- An upload is pending from FileReceivedV1 until every chunk UploadValidatedV1 announced is applied
-- (counted), or it is rejected or withdrawn (closed); a withdrawal asked for is pending until the matcher's
-- RecordsWithdrawnV1 is applied. A figure is up to date only when no upload is pending.
CREATE TABLE upload_progress (
    upload_id       uuid PRIMARY KEY,
    provider_id     text,
    service_code    text,
    received_at     timestamptz,
    chunk_count     integer,
    chunks_applied  integer NOT NULL DEFAULT 0,
    records         integer NOT NULL DEFAULT 0,
    closed          text CHECK (closed IN ('rejected', 'withdrawing', 'withdrawn')),
    counted_at      timestamptz,
    counted_version bigint,
    reportable_at   timestamptz
);
CREATE INDEX upload_progress_pending ON upload_progress (received_at)
    WHERE (counted_at IS NULL AND closed IS NULL) OR closed = 'withdrawing';
CREATE INDEX upload_progress_unpublished ON upload_progress (counted_version)
    WHERE counted_at IS NOT NULL AND reportable_at IS NULL AND closed IS NULL;
