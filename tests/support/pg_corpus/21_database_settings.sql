-- Settings for future sessions: the next script must get a new session to see them.
ALTER DATABASE :"DBNAME" SET app.mode = 'corpus';
ALTER ROLE CURRENT_USER IN DATABASE :"DBNAME" SET app.role_mode = 'role; corpus';
SELECT current_setting('app.mode', true) IS NULL;
CREATE TABLE server_side (a int);
INSERT INTO server_side VALUES (1);
COPY (SELECT 'stdin is only a word here') TO '/dev/null';
COPY server_side TO '/dev/null';
COPY (SELECT 1 AS "from stdin") TO '/dev/null';
