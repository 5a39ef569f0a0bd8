-- Registry 1.0 -> 1.1: script hashes are unique per project, not globally.
BEGIN;

SET client_min_messages = warning;

ALTER TABLE :"registry".changes
    DROP CONSTRAINT changes_script_hash_key,
    ADD CONSTRAINT changes_project_script_hash_key UNIQUE (project, script_hash);
COMMENT ON SCHEMA :"registry" IS 'Sqitch database deployment metadata v1.1.';

COMMIT;
