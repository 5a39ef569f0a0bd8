-- SQL-standard function bodies: semicolons inside BEGIN ATOMIC ... END.
CREATE TABLE t (a int);
CREATE FUNCTION classify(a int) RETURNS text
    LANGUAGE sql
    BEGIN ATOMIC
        SELECT CASE WHEN a > 0 THEN 'positive'
                    WHEN a < 0 THEN 'negative'
                    ELSE 'zero' END;
    END;
CREATE OR REPLACE PROCEDURE fill(n int)
LANGUAGE sql
BEGIN ATOMIC
    INSERT INTO t SELECT generate_series(1, n);
    INSERT INTO t VALUES (-1);
END;
CALL fill(3);
SELECT classify(a) FROM t ORDER BY a;
CREATE FUNCTION one() RETURNS int LANGUAGE sql RETURN 1;
SELECT one();
