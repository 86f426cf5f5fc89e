-- The LEAP pseudonymisation standard (spec version 1) as PostgreSQL functions.
--
-- A trust runs this file in its own database and makes, from its own tables, the
-- same tokens as the platform and the leap-pseudonymise tool
-- (docs/pseudonymisation-spec.md). Tested against contracts' vectors.json in CI.
--
-- Needs: PostgreSQL >= 13 built with ICU (collation "und-x-icu"), a UTF8
-- database, and the pgcrypto extension. Every function is IMMUTABLE; the
-- normalisers return NULL for a value that cannot be an identifier (junk,
-- placeholder, malformed), and so do the token functions.
--
--   SELECT leap_email_token(decode(:'key_hex', 'hex'), email) FROM patients;
--
-- Pass the key as a parameter; never store it in a table or in this file.

CREATE EXTENSION IF NOT EXISTS pgcrypto;

CREATE OR REPLACE FUNCTION leap_spec_version() RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT '1' $$;

-- Strip leading/trailing white space as Python's str.strip() does (Unicode white space).
CREATE OR REPLACE FUNCTION leap_trim(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT regexp_replace(value COLLATE "und-x-icu", '^\s+|\s+$', '', 'g')
$$;

-- HMAC-SHA256 over 'leap-pseudo/1/<label>' then '|<name>=<UTF-8 byte length>:<value>;' per field; NULL when
-- a field is NULL. A loop, not an aggregate over unnest(): about three times less time per token.
CREATE OR REPLACE FUNCTION leap_token(key bytea, label text, names text[], vals text[]) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  message text := 'leap-pseudo/' || leap_spec_version() || '/' || label;
BEGIN
  IF cardinality(names) = 0 OR cardinality(names) <> cardinality(vals) THEN RETURN NULL; END IF;
  FOR i IN 1..cardinality(names) LOOP
    IF names[i] IS NULL OR vals[i] IS NULL THEN RETURN NULL; END IF;
    message := message || '|' || names[i] || '=' || octet_length(convert_to(vals[i], 'UTF8')) || ':' || vals[i] || ';';
  END LOOP;
  RETURN encode(hmac(convert_to(message, 'UTF8'), key, 'sha256'), 'hex');
END $$;

CREATE OR REPLACE FUNCTION leap_key_check_value(key bytea) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT left(encode(hmac(convert_to('leap-pseudo/' || leap_spec_version() || '/key-check-value', 'UTF8'), key, 'sha256'), 'hex'), 12)
$$;

-- NHS number: drop white space and hyphens; 10 ASCII digits; not a placeholder; Modulus 11.
CREATE OR REPLACE FUNCTION leap_normalise_nhs_number(value text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  d text := regexp_replace(value COLLATE "und-x-icu", '[\s-]', '', 'g');
  total int := 0;
  check_digit int;
BEGIN
  IF d !~ '^[0-9]{10}$' THEN RETURN NULL; END IF;
  IF d IN ('0000000000', '1111111111', '2222222222', '3333333333', '4444444444', '5555555555',
           '6666666666', '7777777777', '8888888888', '9999999999', '1234567890', '0123456789') THEN
    RETURN NULL;
  END IF;
  FOR i IN 1..9 LOOP
    total := total + substr(d, i, 1)::int * (11 - i);
  END LOOP;
  check_digit := 11 - total % 11;
  IF check_digit = 11 THEN check_digit := 0; END IF;
  IF check_digit = 10 OR check_digit <> substr(d, 10, 1)::int THEN RETURN NULL; END IF;
  RETURN d;
END $$;

-- E-mail: trim, lower case; name@domain.tld; placeholders refused.
CREATE OR REPLACE FUNCTION leap_normalise_email(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT e FROM (SELECT lower(leap_trim(value) COLLATE "und-x-icu") AS e) x
  WHERE e ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' COLLATE "und-x-icu"
    AND split_part(e, '@', 1) NOT IN ('noemail', 'no.email', 'no_email', 'no-email', 'none', 'no', 'na', 'n/a',
        'nil', 'null', 'unknown', 'test', 'notknown', 'not.known', 'noreply', 'no-reply', 'donotreply', 'dummy',
        'example', 'x', 'xx', 'xxx', 'a', 'abc', 'refused', 'declined')
    AND split_part(e, '@', 2) NOT IN ('none.com', 'noemail.com', 'example.com', 'example.org', 'test.com',
        'email.com', 'nomail.com', 'unknown.com', 'na.com')
$$;

-- A UK number without white space, hyphens, brackets, dots and its +44/0044/44/0 prefix (a mobile: 7 and 9 more
-- digits); leap_normalise_mobile and the at-source path's finding read it.
CREATE OR REPLACE FUNCTION leap_mobile_digits(value text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  m text := regexp_replace(value COLLATE "und-x-icu", '[\s\-().]', '', 'g');
BEGIN
  IF left(m, 3) = '+44' THEN m := substr(m, 4);
  ELSIF left(m, 4) = '0044' THEN m := substr(m, 5);
  ELSIF left(m, 2) = '44' AND length(m) = 12 THEN m := substr(m, 3);
  END IF;
  IF left(m, 1) = '0' THEN m := substr(m, 2); END IF;
  RETURN m;
END $$;

-- UK mobile: leap_mobile_digits, 7 and 9 more digits -> +447...
CREATE OR REPLACE FUNCTION leap_normalise_mobile(value text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  m text := leap_mobile_digits(value);
  rest text;
BEGIN
  IF m !~ '^[0-9]{10}$' OR left(m, 1) <> '7' THEN RETURN NULL; END IF;
  rest := substr(m, 2);
  IF translate(rest, left(rest, 1), '') = '' OR rest IN ('123456789', '987654321') THEN RETURN NULL; END IF;
  RETURN '+44' || m;
END $$;

-- Postcode: no white space, upper case, 'OUTWARD INWARD'.
CREATE OR REPLACE FUNCTION leap_normalise_postcode(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT p[1] || ' ' || p[2]
  FROM regexp_match(upper(regexp_replace(value COLLATE "und-x-icu", '\s', '', 'g')) COLLATE "C",
                    '^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$') AS p
$$;

CREATE OR REPLACE FUNCTION leap_normalise_gender(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE lower(leap_trim(value) COLLATE "und-x-icu")
    WHEN 'f' THEN 'female' WHEN 'female' THEN 'female' WHEN 'm' THEN 'male' WHEN 'male' THEN 'male'
    WHEN 'o' THEN 'other' WHEN 'other' THEN 'other' WHEN 'u' THEN 'unknown' WHEN 'unknown' THEN 'unknown' END
$$;

-- First three letters of a first name: case folded, NFKD, only letters kept (diacritics, apostrophes,
-- hyphens, spaces, digits dropped). lower() plus the two Latin/Greek case folds lower() lacks.
CREATE OR REPLACE FUNCTION leap_first_name_prefix(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT NULLIF(left(regexp_replace(normalize(replace(replace(lower(value COLLATE "und-x-icu"), 'ß', 'ss'), 'ς', 'σ'), NFKD)
                                    COLLATE "und-x-icu", '[^[:alpha:]]', '', 'g'), 3), '')
$$;

-- Date of birth: YYYY-MM-DD or DD/MM/YYYY (ASCII digits), a real date; ISO text.
CREATE OR REPLACE FUNCTION leap_normalise_date_of_birth(value text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  t text := leap_trim(value);
  p text[];
BEGIN
  p := regexp_match(t, '^([0-9]{4})-([0-9]{2})-([0-9]{2})$');
  IF p IS NOT NULL THEN
    RETURN to_char(make_date(p[1]::int, p[2]::int, p[3]::int), 'YYYY-MM-DD');
  END IF;
  p := regexp_match(t, '^([0-9]{2})/([0-9]{2})/([0-9]{4})$');
  IF p IS NOT NULL THEN
    RETURN to_char(make_date(p[3]::int, p[2]::int, p[1]::int), 'YYYY-MM-DD');
  END IF;
  RETURN NULL;
EXCEPTION WHEN datetime_field_overflow OR invalid_datetime_format OR numeric_value_out_of_range THEN
  RETURN NULL;
END $$;

-- Tokens from raw values (NULL when the identifier is unusable).
CREATE OR REPLACE FUNCTION leap_nhs_number_token(key bytea, value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT leap_token(key, 'nhs_number', ARRAY['nhs_number'], ARRAY[leap_normalise_nhs_number(value)])
$$;

CREATE OR REPLACE FUNCTION leap_email_token(key bytea, value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT leap_token(key, 'email', ARRAY['email'], ARRAY[leap_normalise_email(value)])
$$;

CREATE OR REPLACE FUNCTION leap_mobile_token(key bytea, value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT leap_token(key, 'mobile', ARRAY['mobile'], ARRAY[leap_normalise_mobile(value)])
$$;

-- Child key: primary carer e-mail + date of birth + gender (female/male/other) + first-name prefix.
CREATE OR REPLACE FUNCTION leap_child_key_token(key bytea, carer_email text, date_of_birth text, gender text,
                                                first_name text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT leap_token(key, 'child_key', ARRAY['carer_email', 'date_of_birth', 'gender', 'first_name_prefix'],
                    ARRAY[leap_normalise_email(carer_email), leap_normalise_date_of_birth(date_of_birth),
                          g, leap_first_name_prefix(first_name)])
  FROM (SELECT leap_normalise_gender(gender) AS g) x
  WHERE g IN ('female', 'male', 'other')
$$;

CREATE OR REPLACE FUNCTION leap_provider_record_token(key bytea, service_code text, provider_record_id text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT leap_token(key, 'provider_record_id', ARRAY['service_code', 'provider_record_id'],
                    ARRAY[service_code, provider_record_id])
$$;

-- Match keys (spec §3a, contracts/leap_contracts/pseudonymisation/match_keys.py): tokens of fuzzy
-- representations combined, for linkage that tolerates recording errors. NULL when a field is unusable.

CREATE OR REPLACE FUNCTION leap_beneficiary_type(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE lower(leap_trim(value) COLLATE "und-x-icu")
    WHEN 'child' THEN 'child' WHEN 'adult' THEN 'adult' WHEN 'parent' THEN 'adult' WHEN 'carer' THEN 'adult'
    WHEN 'pregnant woman' THEN 'adult' END
$$;

-- Every letter of a first name, as leap_first_name_prefix takes its first three.
CREATE OR REPLACE FUNCTION leap_name_letters(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT NULLIF(regexp_replace(normalize(replace(replace(lower(value COLLATE "und-x-icu"), 'ß', 'ss'), 'ς', 'σ'), NFKD)
                               COLLATE "und-x-icu", '[^[:alpha:]]', '', 'g'), '')
$$;

-- American Soundex of the ASCII letters a-z of the name's letters: first letter upper case + 3 digits;
-- one code for neighbours of one class and for those separated only by h or w; vowels (and y) separate.
CREATE OR REPLACE FUNCTION leap_name_soundex(first_name text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  s text := regexp_replace(coalesce(leap_name_letters(first_name), '') COLLATE "C", '[^a-z]', '', 'g');
  codes constant text := '0123012-02245501262301-202';  -- a..z; '-' for h and w
  result text;
  last text;
  code text;
BEGIN
  IF s = '' THEN RETURN NULL; END IF;
  result := upper(left(s, 1));
  last := NULLIF(substr(codes, ascii(left(s, 1)) - 96, 1), '-');
  FOR i IN 2..length(s) LOOP
    code := NULLIF(substr(codes, ascii(substr(s, i, 1)) - 96, 1), '-');
    CONTINUE WHEN code IS NULL;
    IF code <> '0' AND code IS DISTINCT FROM last THEN
      result := result || code;
      EXIT WHEN length(result) = 4;
    END IF;
    last := code;
  END LOOP;
  RETURN rpad(result, 4, '0');
END $$;

-- YYYY-LL-HH: year, then the smaller and larger of month and day (a date and its day/month swap agree).
CREATE OR REPLACE FUNCTION leap_dob_unordered(date_of_birth text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT left(d, 4) || '-' || least(substr(d, 6, 2), substr(d, 9, 2)) COLLATE "C" || '-'
         || greatest(substr(d, 6, 2), substr(d, 9, 2)) COLLATE "C"
  FROM (SELECT leap_normalise_date_of_birth(date_of_birth) AS d) x WHERE d IS NOT NULL
$$;

CREATE OR REPLACE FUNCTION leap_mk_name_dob_token(key bytea, beneficiary_type text, first_name text,
                                                  date_of_birth text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT leap_token(key, 'mk_name_dob', ARRAY['beneficiary_type', 'name_soundex', 'date_of_birth'],
                    ARRAY[leap_beneficiary_type(beneficiary_type), leap_name_soundex(first_name),
                          leap_normalise_date_of_birth(date_of_birth)])
$$;

CREATE OR REPLACE FUNCTION leap_mk_prefix_dob_swap_token(key bytea, beneficiary_type text, first_name text,
                                                         date_of_birth text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT leap_token(key, 'mk_prefix_dob_swap', ARRAY['beneficiary_type', 'first_name_prefix', 'dob_unordered'],
                    ARRAY[leap_beneficiary_type(beneficiary_type), leap_first_name_prefix(first_name),
                          leap_dob_unordered(date_of_birth)])
$$;

CREATE OR REPLACE FUNCTION leap_mk_carer_email_dob_token(key bytea, beneficiary_type text, carer_email text,
                                                         date_of_birth text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT leap_token(key, 'mk_carer_email_dob', ARRAY['carer_email', 'date_of_birth'],
                    ARRAY[leap_normalise_email(carer_email), leap_normalise_date_of_birth(date_of_birth)])
  WHERE leap_beneficiary_type(beneficiary_type) = 'child'
$$;

CREATE OR REPLACE FUNCTION leap_mk_carer_email_name_token(key bytea, beneficiary_type text, carer_email text,
                                                          first_name text, date_of_birth text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT leap_token(key, 'mk_carer_email_name', ARRAY['carer_email', 'name_soundex', 'birth_year'],
                    ARRAY[leap_normalise_email(carer_email), leap_name_soundex(first_name),
                          left(leap_normalise_date_of_birth(date_of_birth), 4)])
  WHERE leap_beneficiary_type(beneficiary_type) = 'child'
$$;

CREATE OR REPLACE FUNCTION leap_mk_carer_mobile_dob_token(key bytea, beneficiary_type text, carer_mobile text,
                                                          date_of_birth text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT leap_token(key, 'mk_carer_mobile_dob', ARRAY['carer_mobile', 'date_of_birth'],
                    ARRAY[leap_normalise_mobile(carer_mobile), leap_normalise_date_of_birth(date_of_birth)])
  WHERE leap_beneficiary_type(beneficiary_type) = 'child'
$$;

CREATE OR REPLACE FUNCTION leap_mk_dob_postcode_token(key bytea, beneficiary_type text, date_of_birth text,
                                                      postcode text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT leap_token(key, 'mk_dob_postcode', ARRAY['beneficiary_type', 'dob_unordered', 'postcode'],
                    ARRAY[leap_beneficiary_type(beneficiary_type), leap_dob_unordered(date_of_birth),
                          leap_normalise_postcode(postcode)])
$$;

CREATE OR REPLACE FUNCTION leap_mk_name_postcode_token(key bytea, beneficiary_type text, first_name text,
                                                       postcode text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT leap_token(key, 'mk_name_postcode', ARRAY['beneficiary_type', 'name_soundex', 'postcode'],
                    ARRAY[leap_beneficiary_type(beneficiary_type), leap_name_soundex(first_name),
                          leap_normalise_postcode(postcode)])
$$;

CREATE OR REPLACE FUNCTION leap_mk_full_name_dob_token(key bytea, beneficiary_type text, first_name text,
                                                       date_of_birth text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT leap_token(key, 'mk_full_name_dob', ARRAY['beneficiary_type', 'name_letters', 'date_of_birth'],
                    ARRAY[leap_beneficiary_type(beneficiary_type), leap_name_letters(first_name),
                          leap_normalise_date_of_birth(date_of_birth)])
$$;
