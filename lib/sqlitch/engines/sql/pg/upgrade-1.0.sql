-- Registry before 1.0 -> 1.0: a releases table, script hashes on changes
-- (the change ID stands in until the next deploy computes them), and
-- "merge" events.
BEGIN;

SET client_min_messages = warning;

CREATE TABLE :"registry".releases (
    version         REAL        NOT NULL,
    installed_at    TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    installer_name  TEXT        NOT NULL,
    installer_email TEXT        NOT NULL,
    CONSTRAINT releases_pkey PRIMARY KEY (version)
):tableopts;
COMMENT ON TABLE :"registry".releases IS 'Sqitch registry releases.';
COMMENT ON COLUMN :"registry".releases.version IS 'Version of the Sqitch registry.';
COMMENT ON COLUMN :"registry".releases.installed_at IS 'Date the registry release was installed.';
COMMENT ON COLUMN :"registry".releases.installer_name IS 'Name of the user who installed the registry release.';
COMMENT ON COLUMN :"registry".releases.installer_email IS 'Email address of the user who installed the registry release.';

ALTER TABLE :"registry".changes ADD COLUMN script_hash TEXT CONSTRAINT changes_script_hash_key UNIQUE;
UPDATE :"registry".changes SET script_hash = change_id;
COMMENT ON COLUMN :"registry".changes.script_hash IS 'Deploy script SHA-1 hash.';

ALTER TABLE :"registry".events
    DROP CONSTRAINT events_event_check,
    ADD CONSTRAINT events_event_check CHECK (event IN ('deploy', 'revert', 'fail', 'merge'));

COMMENT ON SCHEMA :"registry" IS 'Sqitch database deployment metadata v1.0.';

COMMIT;
