-- A script that changes its session: the next one must not see it.
SET search_path = public, pg_catalog;
CREATE TEMP TABLE scratch (a int);
INSERT INTO scratch VALUES (1);
CREATE TABLE kept AS SELECT a FROM scratch;
PREPARE q AS SELECT count(*) FROM kept;
EXECUTE q;
CREATE SEQUENCE counter;
SELECT nextval('counter'), currval('counter');
SELECT set_config('app.setting', 'on', false);
SELECT pg_advisory_lock(42);
LISTEN somewhere;
