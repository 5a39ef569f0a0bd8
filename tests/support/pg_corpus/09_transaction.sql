-- Deploy corpus:transaction to pg

BEGIN;

CREATE TABLE ledger (id int PRIMARY KEY, amount numeric);
INSERT INTO ledger VALUES (1, 10);
SAVEPOINT before_second;
INSERT INTO ledger VALUES (2, 20);
ROLLBACK TO SAVEPOINT before_second;
INSERT INTO ledger VALUES (3, 30);
SELECT id, amount FROM ledger ORDER BY id;

COMMIT;

BEGIN;
INSERT INTO ledger VALUES (4, 40);
ROLLBACK;
START TRANSACTION ISOLATION LEVEL SERIALIZABLE;
SELECT sum(amount) FROM ledger;
END;
