-- Carer-child links in the read model's history (issue 17, docs/funder-returns.md): an ended link is moved to
-- relationship_ended, never lost, and each link carries the transaction that wrote it (as engagement does,
-- migration 013), so the families figure can be asked "as at" a past moment too.
ALTER TABLE relationship ADD COLUMN learned_xid xid8 NOT NULL DEFAULT pg_current_xact_id();
-- Links held before: learned by the last version logged (migration 013 logs the version it found).
UPDATE relationship SET learned_xid = (SELECT xid FROM read_model_version_log ORDER BY version DESC LIMIT 1)
 WHERE EXISTS (SELECT 1 FROM read_model_version_log);

CREATE TABLE relationship_ended (
    child_ref   text NOT NULL,
    carer_ref   text NOT NULL,
    learned_xid xid8 NOT NULL,
    ended_xid   xid8 NOT NULL DEFAULT pg_current_xact_id()
);
CREATE TRIGGER relationship_ended_append_only BEFORE UPDATE OR DELETE ON relationship_ended
    FOR EACH STATEMENT EXECUTE FUNCTION history_is_append_only();
