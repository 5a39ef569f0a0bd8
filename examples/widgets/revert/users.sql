-- Revert widgets:users

BEGIN;

DROP TABLE users;

COMMIT;
