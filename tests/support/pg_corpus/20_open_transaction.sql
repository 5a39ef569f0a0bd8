-- A transaction left open at the end: psql's exit rolls it back.
CREATE TABLE committed (a int);
BEGIN;
CREATE TABLE never_committed (a int);
INSERT INTO never_committed VALUES (1);
INSERT INTO committed VALUES (1);
SELECT count(*) FROM never_committed;
