-- Revert widgets:orders

BEGIN;

DROP TABLE orders;

COMMIT;
