-- Published returns (issue 17): a named return for a period, its figures (suppressed) and its CSV and
-- XLSX bytes, stored once at publication and served again byte for byte, with a manifest saying what
-- it includes (README: "Published returns"). Kept by a read-model rebuild. A row is never changed or
-- removed: the triggers refuse UPDATE, DELETE and TRUNCATE.
CREATE TABLE publication (
    publication_id uuid PRIMARY KEY,
    name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    period_from    date NOT NULL,
    period_to      date NOT NULL CHECK (period_to >= period_from),
    published_at   timestamptz NOT NULL,
    published_by   text NOT NULL,
    manifest       jsonb NOT NULL,
    figures        jsonb NOT NULL,
    csv            bytea NOT NULL,
    xlsx           bytea NOT NULL
);
CREATE INDEX publication_by_time ON publication (published_at DESC);

CREATE FUNCTION publication_is_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a published return is never changed or deleted (% refused); publish a new one instead', TG_OP
        USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER publication_no_update_or_delete BEFORE UPDATE OR DELETE ON publication
    FOR EACH ROW EXECUTE FUNCTION publication_is_immutable();
CREATE TRIGGER publication_no_truncate BEFORE TRUNCATE ON publication
    FOR EACH STATEMENT EXECUTE FUNCTION publication_is_immutable();
