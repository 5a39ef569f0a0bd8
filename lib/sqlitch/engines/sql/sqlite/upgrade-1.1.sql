-- Registry 1.0 -> 1.1: script hashes are unique per project, not globally.
BEGIN;

CREATE TABLE changes_v11 (
    change_id       TEXT      PRIMARY KEY,
    script_hash     TEXT      NULL,
    change          TEXT      NOT NULL,
    project         TEXT      NOT NULL REFERENCES projects(project) ON UPDATE CASCADE,
    note            TEXT      NOT NULL DEFAULT '',
    committed_at    DATETIME  NOT NULL DEFAULT CURRENT_TIMESTAMP,
    committer_name  TEXT      NOT NULL,
    committer_email TEXT      NOT NULL,
    planned_at      DATETIME  NOT NULL,
    planner_name    TEXT      NOT NULL,
    planner_email   TEXT      NOT NULL,
    UNIQUE (project, script_hash)
);
INSERT INTO changes_v11 SELECT * FROM changes;
DROP TABLE changes;
ALTER TABLE changes_v11 RENAME TO changes;

COMMIT;
