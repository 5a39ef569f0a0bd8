-- Deploy widgets:users

BEGIN;

CREATE TABLE users (
    nickname  TEXT PRIMARY KEY,
    fullname  TEXT NOT NULL,
    joined_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

COMMIT;
