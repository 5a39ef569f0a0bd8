-- Revert widgets:widgets

BEGIN;

DROP TABLE widgets;

COMMIT;
