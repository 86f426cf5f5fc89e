-- Roles, database and schemas of the platform. Idempotent: creates what is
-- missing and re-applies passwords and privileges on every run.
--
-- Run as superuser, connected to the "postgres" database. deploy/local/postgres.sh
-- feeds the passwords in from the environment with \getenv; by hand:
--   psql -X -v ON_ERROR_STOP=1 -d postgres -v dbname=leap \
--        -v uploader_password=... -v pseudonymiser_password=... \
--        -v matcher_password=... -v reporter_password=... -f db-bootstrap.sql
-- dbname defaults to leap; postgres.sh create-test-db runs it with another name.

\set ON_ERROR_STOP on
\if :{?dbname}
\else
  \set dbname leap
\endif
SET client_min_messages = warning;   -- no "already exists, skipping" notices

-- 1. Roles (cluster-wide). Login only, no other powers; password reset every run.
SELECT format('CREATE ROLE %I LOGIN', r)
  FROM unnest(ARRAY['leap_uploader', 'leap_pseudonymiser', 'leap_matcher', 'leap_reporter']) AS r
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r)
\gexec

ALTER ROLE leap_uploader      LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'uploader_password';
ALTER ROLE leap_pseudonymiser LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'pseudonymiser_password';
ALTER ROLE leap_matcher       LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'matcher_password';
ALTER ROLE leap_reporter      LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'reporter_password';

-- Unqualified names resolve to the role's own schema; public is only there
-- for the pgcrypto functions (nobody can create objects in public).
ALTER ROLE leap_uploader      SET search_path = uploader, public;
ALTER ROLE leap_pseudonymiser SET search_path = pseudonymiser, public;
ALTER ROLE leap_matcher       SET search_path = matcher, public;
ALTER ROLE leap_reporter      SET search_path = reporter, public;

-- 2. The database, owned by the superuser; only the four roles may connect.
SELECT format('CREATE DATABASE %I ENCODING ''UTF8'' TEMPLATE template0', :'dbname')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'dbname')
\gexec

REVOKE ALL ON DATABASE :"dbname" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"dbname"
   TO leap_uploader, leap_pseudonymiser, leap_matcher, leap_reporter;

\connect :"dbname"
SET client_min_messages = warning;

-- 3. Schema public: nobody creates anything there; the roles may only use
--    what the superuser put in it (pgcrypto).
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO leap_uploader, leap_pseudonymiser, leap_matcher, leap_reporter;
CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;

-- 4. One schema per service, owned by its role. No grants to anyone else, so
--    a role cannot even look up objects in another role's schema.
CREATE SCHEMA IF NOT EXISTS uploader      AUTHORIZATION leap_uploader;
CREATE SCHEMA IF NOT EXISTS pseudonymiser AUTHORIZATION leap_pseudonymiser;
CREATE SCHEMA IF NOT EXISTS matcher       AUTHORIZATION leap_matcher;
CREATE SCHEMA IF NOT EXISTS reporter      AUTHORIZATION leap_reporter;
ALTER SCHEMA uploader      OWNER TO leap_uploader;
ALTER SCHEMA pseudonymiser OWNER TO leap_pseudonymiser;
ALTER SCHEMA matcher       OWNER TO leap_matcher;
ALTER SCHEMA reporter      OWNER TO leap_reporter;
REVOKE ALL ON SCHEMA uploader, pseudonymiser, matcher, reporter FROM PUBLIC;
