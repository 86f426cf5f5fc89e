-- An outcome extract pseudonymised inside the trust's PostgreSQL: the at-source file
-- (docs/pseudonymisation-spec.md §6, docs/outcomes-dataset.md) and its manifest, the same
-- bytes as `leap-pseudonymise --dataset outcomes` writes for the same extract.
--
-- Needs leap_pseudonymisation.sql first (token functions, normalisers). Tested against the
-- at-source tool on the generator's extracts (services/pseudonymiser/tests/integration/
-- test_sql_outcome_at_source.py).
--
-- The extract is any table or view with the outcome dataset's columns (names in lower
-- case; provider_record_id, date_of_birth, measure, measured_on, result required; others
-- optional; values read as text, so keep DateStyle ISO for date columns). An optional
-- integer column row_number gives each row's number and order (the line of the file it
-- came from, say); without it rows are ordered by their values (the dataset's columns in
-- order, byte order) and numbered from 2.
-- The postcode-to-ward lookup is the table leap_postcode_ward (canonical postcode).
--
--   \getenv key_hex PSEUDONYMISER_KEY
--   \getenv key_id PSEUDONYMISER_KEY_ID
--   \pset format unaligned
--   \pset tuples_only on
--   \o hv.pseudo.csv
--   SELECT line FROM leap_outcome_at_source_csv(decode(:'key_hex', 'hex'), 'HV', 'hv_extract');
--   \o hv.pseudo.csv.manifest.json
--   SELECT leap_outcome_at_source_manifest(decode(:'key_hex', 'hex'), :'key_id', 'HV', 'hv_extract', 'hv.pseudo.csv');
--   \o
--
-- Rows the tool would reject: SELECT row_number, errors FROM leap_outcome_at_source(...)
-- WHERE errors IS NOT NULL.

CREATE TABLE IF NOT EXISTS leap_postcode_ward (
  postcode text PRIMARY KEY,           -- canonical, as leap_normalise_postcode makes it: 'SW9 7AB'
  ward_code text NOT NULL,
  ward_name text NOT NULL DEFAULT ''
);

-- The outcomes catalogue (contracts/leap_contracts/outcomes/catalogue.py) as far as the row rules read it;
-- the test checks it equals the catalogue. A new measure there is one more row here.
CREATE OR REPLACE FUNCTION leap_outcome_measures()
RETURNS TABLE (code text, source text, derived boolean, scale text, choices text[], positive text[],
               low numeric, high numeric, at_least numeric, whole boolean)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  VALUES
    ('asq3_communication', 'HV', false, 'yes_no', NULL::text[], NULL::text[], NULL::numeric, NULL::numeric, NULL::numeric, false),
    ('asq3_gross_motor', 'HV', false, 'yes_no', NULL, NULL, NULL, NULL, NULL, false),
    ('asq3_fine_motor', 'HV', false, 'yes_no', NULL, NULL, NULL, NULL, NULL, false),
    ('asq3_problem_solving', 'HV', false, 'yes_no', NULL, NULL, NULL, NULL, NULL, false),
    ('asq3_personal_social', 'HV', false, 'yes_no', NULL, NULL, NULL, NULL, NULL, false),
    ('asq3_all_five', 'HV', true, NULL, NULL, NULL, NULL, NULL, NULL, false),
    ('eyfsp_gld', 'EDU', false, 'yes_no', NULL, NULL, NULL, NULL, NULL, false),
    ('breastfeeding_6_8_weeks', 'HV', false, 'choice', ARRAY['total', 'partial', 'none', 'unknown'],
     ARRAY['total', 'partial'], NULL, NULL, NULL, false),
    ('ncmp_excess_weight_reception', 'NCMP', false, 'number', NULL, NULL, 0, 100, 85, false),
    ('dental_decay_5', 'DENTAL', false, 'number', NULL, NULL, 0, 20, 1, true),
    ('imms_6in1_12m', 'CHIS', false, 'yes_no', NULL, NULL, NULL, NULL, NULL, false),
    ('imms_mmr1_24m', 'CHIS', false, 'yes_no', NULL, NULL, NULL, NULL, NULL, false),
    ('imms_mmr2_5y', 'CHIS', false, 'yes_no', NULL, NULL, NULL, NULL, NULL, false)
$$;

-- Finding codes of unusable identifiers (NULL when usable), as leap_contracts.pseudonymisation.normalise raises.
CREATE OR REPLACE FUNCTION leap_nhs_number_finding(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE
    WHEN d !~ '^[0-9]{10}$' THEN 'nhs_number_malformed'
    WHEN d IN ('0000000000', '1111111111', '2222222222', '3333333333', '4444444444', '5555555555',
               '6666666666', '7777777777', '8888888888', '9999999999', '1234567890', '0123456789')
      THEN 'nhs_number_placeholder'
    WHEN leap_normalise_nhs_number(d) IS NULL THEN 'nhs_number_invalid' END
  FROM (SELECT regexp_replace(value COLLATE "und-x-icu", '[\s-]', '', 'g') AS d) x
$$;

CREATE OR REPLACE FUNCTION leap_email_finding(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE
    WHEN lower(leap_trim(value) COLLATE "und-x-icu") !~ ('^[^@\s]+@[^@\s]+\.[^@\s]+$' COLLATE "und-x-icu")
      THEN 'email_malformed'
    WHEN leap_normalise_email(value) IS NULL THEN 'email_placeholder' END
$$;

CREATE OR REPLACE FUNCTION leap_mobile_finding(value text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  m text := leap_mobile_digits(value);
BEGIN
  IF m !~ '^[0-9]{10}$' THEN RETURN 'mobile_malformed'; END IF;
  IF left(m, 1) <> '7' THEN RETURN 'mobile_not_mobile'; END IF;
  IF leap_normalise_mobile(value) IS NULL THEN RETURN 'mobile_placeholder'; END IF;
  RETURN NULL;
END $$;

-- Python's int() of a date field in ASCII: white space around, a '+' or '-', '_' between digits.
CREATE OR REPLACE FUNCTION leap_int_field(value text) RETURNS int
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT replace(t, '_', '')::int FROM (SELECT leap_trim(value) AS t) x WHERE t ~ '^[+-]?[0-9](_?[0-9])*$'
$$;

-- A date of the datasets (leap_contracts.dataset.rules.parse_date): YYYY-MM-DD or DD/MM/YYYY, a real date.
CREATE OR REPLACE FUNCTION leap_parse_date(value text) RETURNS date
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  y int;
  m int;
  d int;
BEGIN
  IF length(value) <> 10 THEN RETURN NULL; END IF;
  IF substr(value, 5, 1) = '-' AND substr(value, 8, 1) = '-' THEN
    y := leap_int_field(substr(value, 1, 4)); m := leap_int_field(substr(value, 6, 2)); d := leap_int_field(substr(value, 9, 2));
  ELSIF substr(value, 3, 1) = '/' AND substr(value, 6, 1) = '/' THEN
    d := leap_int_field(substr(value, 1, 2)); m := leap_int_field(substr(value, 4, 2)); y := leap_int_field(substr(value, 7, 4));
  ELSE
    RETURN NULL;
  END IF;
  -- checked here rather than caught from make_date: an exception block costs a subtransaction per row
  IF y IS NULL OR m IS NULL OR d IS NULL OR y < 1 OR y > 9999 OR m < 1 OR m > 12 OR d < 1 OR d > 31 THEN
    RETURN NULL;
  END IF;
  IF d > extract(day FROM make_date(y, m, 1) + interval '1 month - 1 day') THEN RETURN NULL; END IF;
  RETURN make_date(y, m, d);
END $$;

-- A result on a measure's scale (leap_contracts.outcomes.results.Scale.read): (canonical, positive), or
-- NULLs when it is not on the scale.
CREATE OR REPLACE FUNCTION leap_outcome_result(measure_code text, value text, OUT canonical text, OUT positive boolean)
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  m record;
  t text := lower(leap_trim(value) COLLATE "und-x-icu");
  n numeric;
  s text;
  digits text;
BEGIN
  SELECT * INTO m FROM leap_outcome_measures() c WHERE c.code = measure_code;
  IF m.scale = 'yes_no' THEN
    canonical := CASE WHEN t IN ('yes', 'y', 'true', '1') THEN 'yes' WHEN t IN ('no', 'n', 'false', '0') THEN 'no' END;
    positive := canonical = 'yes';
  ELSIF m.scale = 'choice' THEN
    IF t = ANY (m.choices) THEN canonical := t; positive := t = ANY (m.positive); END IF;
  ELSIF m.scale = 'number' THEN
    t := replace(t, '_', '');  -- Python's Decimal drops every underscore
    IF t !~ '^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)(e[+-]?[0-9]+)?$' THEN RETURN; END IF;
    BEGIN
      n := t::numeric;
    EXCEPTION WHEN numeric_value_out_of_range OR invalid_text_representation OR program_limit_exceeded THEN
      RETURN;
    END;
    IF n < m.low OR n > m.high OR (m.whole AND n <> trunc(n)) THEN RETURN; END IF;
    positive := n >= m.at_least;
    IF n = trunc(n) THEN
      canonical := trunc(n)::text;
    ELSIF abs(n) >= 0.000001 THEN
      canonical := trim_scale(n)::text;
    ELSE  -- Python writes such a Decimal in exponent form: 0.00000012 -> 1.2E-7
      s := substr(trim_scale(abs(n))::text, 3);
      digits := ltrim(s, '0');
      canonical := CASE WHEN n < 0 THEN '-' ELSE '' END || left(digits, 1)
                   || CASE WHEN length(digits) > 1 THEN '.' || substr(digits, 2) ELSE '' END
                   || 'E-' || (length(s) - length(digits) + 1);
    END IF;
  END IF;
END $$;

-- Free text that looks like an e-mail or a phone/NHS number (leap_contracts.dataset.at_source.looks_identifying).
CREATE OR REPLACE FUNCTION leap_looks_identifying(value text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT translate(value, ' -.', '') COLLATE "und-x-icu" ~ '@|\d{10}'
$$;

-- A CSV cell as Python's csv.writer (QUOTE_MINIMAL, lineterminator \n) writes it.
CREATE OR REPLACE FUNCTION leap_csv_cell(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN value ~ '[,"\n]' THEN '"' || replace(value, '"', '""') || '"' ELSE value END
$$;

-- One row of an outcome extract of `source` -> its at-source row (every column '' when empty), as
-- leap_pseudonymiser.at_source.outcome_rows.OutcomeAtSourceRowMaker makes it; or, when the outcomes dataset's
-- rules reject the row, only `errors` ('column:code', in the validator's order). `cells` in the outcome
-- dataset's column order: provider_record_id, nhs_number, first_name, last_name, date_of_birth, gender,
-- primary_carer_email, primary_carer_mobile, postcode, measure, measured_on, result.
CREATE OR REPLACE FUNCTION leap_outcome_at_source_row(
  key bytea, source text, cells text[],
  OUT provider_record_token text, OUT beneficiary_type text, OUT nhs_number_token text, OUT child_key_token text,
  OUT email_token text, OUT mobile_token text, OUT carer_email_token text, OUT carer_mobile_token text,
  OUT birth_month text, OUT gender text, OUT ward_code text, OUT ward_name text, OUT postcode_district text,
  OUT ethnicity text, OUT first_language text, OUT engagement_date text, OUT engagement_type text,
  OUT attended text, OUT findings text, OUT measure text, OUT result text, OUT errors text[])
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
  v text[] := ARRAY(SELECT coalesce(leap_trim(c), '') FROM unnest(cells[1:12]) WITH ORDINALITY AS u(c, i) ORDER BY i);
  v_prid text; v_nhs text; v_first text; v_dob text; v_gender text; v_email text; v_mobile text; v_postcode text;
  v_measure text; v_measured text; v_result text;
  born date; measured date; g text; m record; scored record; codes text[] := '{}'; code text; canonical_postcode text;
  ward record; prefix text; canonical text; carer_email text;
BEGIN
  v := v || array_fill(''::text, ARRAY[12 - coalesce(array_length(v, 1), 0)]);
  v_prid := v[1]; v_nhs := v[2]; v_first := v[3]; v_dob := v[5]; v_gender := v[6]; v_email := v[7];
  v_mobile := v[8]; v_postcode := v[9]; v_measure := v[10]; v_measured := v[11]; v_result := v[12];
  errors := '{}';
  IF v_prid = '' THEN errors := errors || 'provider_record_id:missing_value'::text;
  ELSIF length(v_prid) > 64 THEN errors := errors || 'provider_record_id:too_long'::text;
  END IF;
  IF v_dob = '' THEN errors := errors || 'date_of_birth:missing_value'::text;
  ELSE
    born := leap_parse_date(v_dob);
    IF born IS NULL THEN errors := errors || 'date_of_birth:invalid_date'::text; END IF;
  END IF;
  IF v_measured = '' THEN errors := errors || 'measured_on:missing_value'::text;
  ELSE
    measured := leap_parse_date(v_measured);
    IF measured IS NULL THEN errors := errors || 'measured_on:invalid_date'::text; END IF;
  END IF;
  IF born IS NOT NULL AND measured IS NOT NULL AND measured < born THEN
    errors := errors || 'measured_on:before_birth'::text;
  END IF;
  IF v_gender <> '' THEN
    g := leap_normalise_gender(v_gender);
    IF g IS NULL THEN errors := errors || 'gender:gender_invalid'::text; END IF;
  END IF;
  IF v_measure = '' THEN errors := errors || 'measure:missing_value'::text;
  ELSE
    SELECT * INTO m FROM leap_outcome_measures() c WHERE c.code = lower(v_measure COLLATE "und-x-icu");
    IF m.code IS NULL THEN errors := errors || 'measure:unknown_measure'::text;
    ELSIF m.derived THEN errors := errors || 'measure:derived_measure'::text;
    ELSIF m.source <> leap_outcome_at_source_row.source THEN errors := errors || 'measure:wrong_source'::text;
    ELSIF v_result = '' THEN errors := errors || 'result:missing_value'::text;
    ELSE
      SELECT * INTO scored FROM leap_outcome_result(m.code, v_result);
      IF scored.canonical IS NULL THEN errors := errors || 'result:invalid_value'::text; END IF;
    END IF;
  END IF;
  IF cardinality(errors) > 0 THEN RETURN; END IF;
  errors := NULL;

  -- Tokens and findings as RowIdentifier.tokenise makes them for a child row.
  -- Each identifier is normalised once; its finding is looked for only when it is unusable.
  IF v_nhs <> '' THEN
    canonical := leap_normalise_nhs_number(v_nhs);
    IF canonical IS NULL THEN codes := codes || leap_nhs_number_finding(v_nhs);
    ELSE nhs_number_token := leap_token(key, 'nhs_number', ARRAY['nhs_number'], ARRAY[canonical]); END IF;
  END IF;
  IF v_email <> '' THEN
    carer_email := leap_normalise_email(v_email);
    IF carer_email IS NULL THEN codes := codes || leap_email_finding(v_email);
    ELSE carer_email_token := leap_token(key, 'email', ARRAY['email'], ARRAY[carer_email]); END IF;
  END IF;
  IF v_mobile <> '' THEN
    canonical := leap_normalise_mobile(v_mobile);
    IF canonical IS NULL THEN codes := codes || leap_mobile_finding(v_mobile);
    ELSE carer_mobile_token := leap_token(key, 'mobile', ARRAY['mobile'], ARRAY[canonical]); END IF;
  END IF;
  IF v_first <> '' THEN
    prefix := leap_first_name_prefix(v_first);
    IF prefix IS NULL THEN codes := codes || 'first_name_empty'::text; END IF;
  END IF;
  IF carer_email IS NOT NULL AND g IN ('female', 'male', 'other') AND prefix IS NOT NULL THEN
    child_key_token := leap_token(key, 'child_key', ARRAY['carer_email', 'date_of_birth', 'gender', 'first_name_prefix'],
                                  ARRAY[carer_email, to_char(born, 'YYYY-MM-DD'), g, prefix]);
  ELSE
    codes := codes || 'child_key_incomplete'::text;
  END IF;
  provider_record_token := leap_provider_record_token(key, source, v_prid);

  ward_code := ''; ward_name := ''; postcode_district := '';
  IF v_postcode <> '' THEN
    canonical_postcode := leap_normalise_postcode(v_postcode);
    IF canonical_postcode IS NULL THEN
      codes := codes || 'postcode_invalid'::text;
    ELSE
      postcode_district := split_part(canonical_postcode, ' ', 1);
      SELECT w.ward_code, w.ward_name INTO ward FROM leap_postcode_ward w WHERE w.postcode = canonical_postcode;
      IF FOUND THEN
        ward_code := ward.ward_code; ward_name := ward.ward_name;
      ELSE
        codes := codes || 'postcode_not_in_lookup'::text;
      END IF;
    END IF;
  END IF;
  IF leap_looks_identifying(ward_name) THEN ward_name := ''; END IF;

  beneficiary_type := 'child';
  nhs_number_token := coalesce(nhs_number_token, ''); child_key_token := coalesce(child_key_token, '');
  email_token := ''; mobile_token := '';
  carer_email_token := coalesce(carer_email_token, ''); carer_mobile_token := coalesce(carer_mobile_token, '');
  birth_month := extract(year FROM born)::text || to_char(born, '-MM');  -- Python's strftime('%Y-%m')
  gender := coalesce(g, '');
  ethnicity := ''; first_language := '';
  engagement_date := to_char(measured, 'YYYY-MM-DD');
  engagement_type := ''; attended := 'true';
  findings := array_to_string(codes, ';');
  measure := m.code; result := scored.canonical;
END $$;

-- Every row of the extract `extract_table` (a table or view, see the top of this file) with its row number, at-source
-- columns, errors (NULL for a row that is written) and CSV line (NULL for a row that is not), in row order; rows whose outcome columns are all empty
-- are skipped, as the tool skips empty lines.
CREATE OR REPLACE FUNCTION leap_outcome_at_source(key bytea, source text, extract_table regclass)
RETURNS TABLE (row_number bigint, provider_record_token text, beneficiary_type text, nhs_number_token text,
               child_key_token text, email_token text, mobile_token text, carer_email_token text,
               carer_mobile_token text, birth_month text, gender text, ward_code text, ward_name text,
               postcode_district text, ethnicity text, first_language text, engagement_date text,
               engagement_type text, attended text, findings text, measure text, result text, errors text[],
               line text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
  names constant text[] := ARRAY['provider_record_id', 'nhs_number', 'first_name', 'last_name', 'date_of_birth',
                                 'gender', 'primary_carer_email', 'primary_carer_mobile', 'postcode', 'measure',
                                 'measured_on', 'result'];
  present text[];
  missing text[];
  cells text;
  numbered text;
BEGIN
  SELECT array_agg(attname::text) INTO present FROM pg_attribute
  WHERE attrelid = extract_table AND attnum > 0 AND NOT attisdropped;
  missing := ARRAY(SELECT n FROM unnest(ARRAY['provider_record_id', 'date_of_birth', 'measure', 'measured_on',
                                             'result']) n WHERE n <> ALL (present));
  IF cardinality(missing) > 0 THEN
    RAISE EXCEPTION 'the extract % lacks required column(s) %', extract_table, array_to_string(missing, ', ')
      USING HINT = 'name its columns as the outcomes dataset does (docs/outcomes-dataset.md)';
  END IF;
  cells := 'ARRAY[' || (SELECT string_agg(CASE WHEN n = ANY (present) THEN format('%I::text', n) ELSE 'NULL::text' END,
                                         ', ' ORDER BY i) FROM unnest(names) WITH ORDINALITY AS u(n, i)) || ']';
  -- Without row_number, rows are ordered by their values (the dataset's columns in order, byte order): a table's
  -- physical order is not its load order (a short row may fill an earlier page) and a parallel scan returns rows
  -- in any order, so the file and the manifest, made by two statements, could otherwise differ.
  numbered := CASE WHEN 'row_number' = ANY (present) THEN 'row_number::bigint'
                   ELSE 'row_number() OVER (ORDER BY ' || (
                     SELECT string_agg(format('coalesce(%I::text, '''') COLLATE "C"', n), ', ' ORDER BY i)
                     FROM unnest(names) WITH ORDINALITY AS u(n, i) WHERE n = ANY (present)) || ') + 1' END;
  RETURN QUERY EXECUTE format(
    'SELECT e.n, r.*, CASE WHEN r.errors IS NULL THEN concat_ws('','', r.provider_record_token, r.beneficiary_type, '
    'r.nhs_number_token, r.child_key_token, r.email_token, r.mobile_token, r.carer_email_token, r.carer_mobile_token, '
    'r.birth_month, r.gender, leap_csv_cell(r.ward_code), leap_csv_cell(r.ward_name), r.postcode_district, '
    'r.ethnicity, r.first_language, r.engagement_date, r.engagement_type, r.attended, r.findings, r.measure, '
    'r.result) END '
    'FROM (SELECT %s AS n, %s AS cells FROM %s) e, '
    'LATERAL leap_outcome_at_source_row($1, $2, e.cells) r '
    'WHERE EXISTS (SELECT 1 FROM unnest(e.cells) c WHERE c <> '''') ORDER BY e.n', numbered, cells, extract_table)
    USING key, source;
END $$;

CREATE OR REPLACE FUNCTION leap_outcome_at_source_header() RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT 'provider_record_token,beneficiary_type,nhs_number_token,child_key_token,email_token,mobile_token,'
         'carer_email_token,carer_mobile_token,birth_month,gender,ward_code,ward_name,postcode_district,ethnicity,'
         'first_language,engagement_date,engagement_type,attended,findings,measure,result'
$$;

-- The at-source file's lines (header first, no line ends): `psql -At` writes them as the tool's CSV.
CREATE OR REPLACE FUNCTION leap_outcome_at_source_csv(key bytea, source text, extract_table regclass)
RETURNS TABLE (line text)
LANGUAGE sql STABLE AS $$
  SELECT line FROM (
    SELECT 0 AS part, 0::bigint AS n, leap_outcome_at_source_header() AS line
    UNION ALL
    SELECT 1, row_number, line FROM leap_outcome_at_source(key, source, extract_table) WHERE errors IS NULL
  ) f ORDER BY part, n
$$;

-- The manifest (leap_contracts.dataset.at_source.AtSourceManifest, JSON) of the file leap_outcome_at_source_csv
-- gives for the same arguments, saved as `file_name`: row counts, finding counts, SHA-256 of its bytes.
CREATE OR REPLACE FUNCTION leap_outcome_at_source_manifest(key bytea, key_id text, source text, extract_table regclass,
                                                           file_name text) RETURNS text
LANGUAGE sql STABLE AS $$
  WITH made AS MATERIALIZED (SELECT * FROM leap_outcome_at_source(key, source, extract_table)),
  rejected AS (
    SELECT split_part(e, ':', 1) AS col, split_part(e, ':', 2) AS code, count(*) AS rows
    FROM made, unnest(errors) e GROUP BY 1, 2
  ),
  found AS (
    SELECT f AS code, count(*) AS rows FROM made, unnest(string_to_array(findings, ';')) f
    WHERE errors IS NULL AND f <> '' GROUP BY 1
  )
  SELECT json_build_object(
    'format', 'leap-at-source', 'format_version', 1, 'spec_version', leap_spec_version(), 'key_id', key_id,
    'key_check_value', leap_key_check_value(key), 'service_code', source, 'file_name', file_name,
    'row_count', (SELECT count(*) FROM made WHERE errors IS NULL),
    'sha256', (SELECT encode(sha256(convert_to(leap_outcome_at_source_header() || E'\n'
                                               || coalesce(string_agg(line || E'\n', '' ORDER BY row_number), ''),
                                               'UTF8')), 'hex') FROM made WHERE errors IS NULL),
    'rows_read', (SELECT count(*) FROM made),
    'rows_rejected', (SELECT count(*) FROM made WHERE errors IS NOT NULL),
    'findings', (SELECT coalesce(json_agg(x ORDER BY o, k1 COLLATE "C", k2 COLLATE "C"), '[]') FROM (
        SELECT 0 AS o, col AS k1, code AS k2, json_build_object('code', code, 'column', col, 'rows', rows) AS x
        FROM rejected
        UNION ALL
        SELECT 1, code, '', json_build_object('code', code, 'column', NULL, 'rows', rows) FROM found) f),
    'tool_version', 'leap_outcome_at_source.sql 1',
    'created_at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))::text
$$;
