-- The read model's history (issue 17, docs/funder-returns.md): every reach figure can be asked "as at" a past
-- moment. Nothing that was counted is ever deleted: a withdrawn (or replaced, or re-matched) record is moved to
-- engagement_ended, an individual's record moved by a split keeps its earlier reference in engagement_ref_change,
-- and every change of the merge map is a row of individual_alias_change. Two times: when a fact was true is the
-- record's engagement_date (a merge or split is true of all time); when the reporter learned it is the
-- transaction that wrote it (xid8 pg_current_xact_id(), a column default: the bulk COPY sends nothing more),
-- mapped to the read-model version it committed, and that version's time, by read_model_version_log.

-- One row per read-model version (read_model_state.bump writes it, in the transaction it numbers). Versions
-- are bumped last, under the version row's lock, so they (and these times) follow the commit order.
CREATE TABLE read_model_version_log (
    version bigint PRIMARY KEY,
    xid     xid8 NOT NULL,
    at      timestamptz NOT NULL
);
CREATE INDEX read_model_version_log_xid ON read_model_version_log (xid);

-- The transaction that wrote each current record; records present before this migration are learned by it.
ALTER TABLE engagement ADD COLUMN learned_xid xid8 NOT NULL DEFAULT pg_current_xact_id();

-- Records that left the read model (withdrawn, replaced, or re-matched): the row as it last stood, and the
-- transaction that ended it. Only inserted.
CREATE TABLE engagement_ended (LIKE engagement);
ALTER TABLE engagement_ended ALTER COLUMN learned_xid DROP DEFAULT,
    ADD COLUMN ended_xid xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX engagement_ended_upload ON engagement_ended (upload_id);

-- A split gave a record (one learned copy of it: upload, row, learned_xid) a new reference: the one before.
CREATE TABLE engagement_ref_change (
    upload_id   uuid    NOT NULL,
    row_number  integer NOT NULL,
    learned_xid xid8    NOT NULL,
    xid         xid8    NOT NULL DEFAULT pg_current_xact_id(),
    old_ref     text    NOT NULL,
    seq         bigserial,  -- the order of changes within one transaction
    PRIMARY KEY (upload_id, row_number, learned_xid, xid)
);

-- Every change of individual_alias: ref now resolves to survivor_ref (NULL: to itself again, after a split).
CREATE TABLE individual_alias_change (
    xid          xid8 NOT NULL DEFAULT pg_current_xact_id(),
    ref          text NOT NULL,
    survivor_ref text,
    seq          bigserial  -- the order of changes within one transaction
);
CREATE INDEX individual_alias_change_ref ON individual_alias_change (ref);

-- How each upload left: withdrawn, or replaced by a newer one (for the revision report).
CREATE TABLE upload_ended (
    upload_id   uuid PRIMARY KEY,
    replaced_by uuid,
    xid         xid8 NOT NULL DEFAULT pg_current_xact_id()
);

-- What the read model held before its history began: learned by this migration's transaction, at the version
-- it stands at now.
INSERT INTO individual_alias_change (ref, survivor_ref) SELECT ref, survivor_ref FROM individual_alias;
INSERT INTO read_model_version_log (version, xid, at) SELECT version, pg_current_xact_id(), now() FROM read_model_state;

-- Append-only: a history row is never changed or deleted (only a read-model rebuild empties them, by TRUNCATE).
CREATE FUNCTION history_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the read model''s history is append-only (% on % refused)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER read_model_version_log_append_only BEFORE UPDATE OR DELETE ON read_model_version_log
    FOR EACH STATEMENT EXECUTE FUNCTION history_is_append_only();
CREATE TRIGGER engagement_ended_append_only BEFORE UPDATE OR DELETE ON engagement_ended
    FOR EACH STATEMENT EXECUTE FUNCTION history_is_append_only();
CREATE TRIGGER engagement_ref_change_append_only BEFORE UPDATE OR DELETE ON engagement_ref_change
    FOR EACH STATEMENT EXECUTE FUNCTION history_is_append_only();
CREATE TRIGGER individual_alias_change_append_only BEFORE UPDATE OR DELETE ON individual_alias_change
    FOR EACH STATEMENT EXECUTE FUNCTION history_is_append_only();
CREATE TRIGGER upload_ended_append_only BEFORE UPDATE OR DELETE ON upload_ended
    FOR EACH STATEMENT EXECUTE FUNCTION history_is_append_only();
