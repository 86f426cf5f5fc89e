-- Run once in database leap at bootstrap (CloudNativePG postInitApplicationSQLRefs), before the managed roles
-- get their logins and passwords: the same schema rules as deploy/local/db-bootstrap.sql.
DO $$ DECLARE r text; BEGIN
  FOREACH r IN ARRAY ARRAY['leap_uploader', 'leap_pseudonymiser', 'leap_matcher', 'leap_reporter'] LOOP
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN EXECUTE format('CREATE ROLE %I NOLOGIN', r); END IF;
  END LOOP;
END $$;
ALTER ROLE leap_uploader SET search_path = uploader, public;
ALTER ROLE leap_pseudonymiser SET search_path = pseudonymiser, public;
ALTER ROLE leap_matcher SET search_path = matcher, public;
ALTER ROLE leap_reporter SET search_path = reporter, public;
REVOKE ALL ON DATABASE leap FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE leap TO leap_uploader, leap_pseudonymiser, leap_matcher, leap_reporter;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO leap_uploader, leap_pseudonymiser, leap_matcher, leap_reporter;
CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;
CREATE EXTENSION IF NOT EXISTS pg_stat_statements WITH SCHEMA public;
CREATE SCHEMA IF NOT EXISTS uploader AUTHORIZATION leap_uploader;
CREATE SCHEMA IF NOT EXISTS pseudonymiser AUTHORIZATION leap_pseudonymiser;
CREATE SCHEMA IF NOT EXISTS matcher AUTHORIZATION leap_matcher;
CREATE SCHEMA IF NOT EXISTS reporter AUTHORIZATION leap_reporter;
REVOKE ALL ON SCHEMA uploader, pseudonymiser, matcher, reporter FROM PUBLIC;
