-- Registry 0.x -> 1.0: add the releases table, changes.script_hash and the
-- "merge" event type. SQLite cannot alter constraints, so tables are rebuilt.
BEGIN;

CREATE TABLE releases (
    version         FLOAT     PRIMARY KEY,
    installed_at    DATETIME  NOT NULL DEFAULT CURRENT_TIMESTAMP,
    installer_name  TEXT      NOT NULL,
    installer_email TEXT      NOT NULL
);

CREATE TABLE changes_v1 (
    change_id       TEXT      PRIMARY KEY,
    script_hash     TEXT      NULL UNIQUE,
    change          TEXT      NOT NULL,
    project         TEXT      NOT NULL REFERENCES projects(project) ON UPDATE CASCADE,
    note            TEXT      NOT NULL DEFAULT '',
    committed_at    DATETIME  NOT NULL DEFAULT CURRENT_TIMESTAMP,
    committer_name  TEXT      NOT NULL,
    committer_email TEXT      NOT NULL,
    planned_at      DATETIME  NOT NULL,
    planner_name    TEXT      NOT NULL,
    planner_email   TEXT      NOT NULL
);
-- Until hashes are computed, the change ID stands in for the script hash.
INSERT INTO changes_v1
SELECT change_id, change_id, change, project, note, committed_at, committer_name,
       committer_email, planned_at, planner_name, planner_email
  FROM changes;
DROP TABLE changes;
ALTER TABLE changes_v1 RENAME TO changes;

CREATE TABLE events_v1 (
    event           TEXT      NOT NULL CHECK (event IN ('deploy', 'revert', 'fail', 'merge')),
    change_id       TEXT      NOT NULL,
    change          TEXT      NOT NULL,
    project         TEXT      NOT NULL REFERENCES projects(project) ON UPDATE CASCADE,
    note            TEXT      NOT NULL DEFAULT '',
    requires        TEXT      NOT NULL DEFAULT '',
    conflicts       TEXT      NOT NULL DEFAULT '',
    tags            TEXT      NOT NULL DEFAULT '',
    committed_at    DATETIME  NOT NULL DEFAULT CURRENT_TIMESTAMP,
    committer_name  TEXT      NOT NULL,
    committer_email TEXT      NOT NULL,
    planned_at      DATETIME  NOT NULL,
    planner_name    TEXT      NOT NULL,
    planner_email   TEXT      NOT NULL,
    PRIMARY KEY (change_id, committed_at)
);
INSERT INTO events_v1 SELECT * FROM events;
DROP TABLE events;
ALTER TABLE events_v1 RENAME TO events;

COMMIT;
