CREATE TABLE m (a int); INSERT INTO m VALUES (1); INSERT INTO m VALUES (2); -- trailing
SELECT a FROM m WHERE a = 1; SELECT a
FROM m WHERE a = 2;
SELECT 1 \; SELECT 2 \; SELECT 3;
SELECT 'sent by \g' \g
SELECT 'forgotten' \r
SELECT 'kept'
\echo in the middle of a statement
;
;
SELECT 'after empty statements';;
\g
SELECT 'x' AS "a;b"; SELECT ';' AS c;
