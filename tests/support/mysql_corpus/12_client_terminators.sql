-- \g and \G end statements too; \c throws away what was typed.

CREATE TABLE terms (id INT PRIMARY KEY, how VARCHAR(20))\g
INSERT INTO terms VALUES (1, 'backslash g') \g INSERT INTO terms VALUES (2, 'same line');
INSERT INTO terms VALUES (3, 'vertical')\G
SELECT * FROM terms \G
INSERT INTO terms VALUES (99, 'never sent') \c
INSERT INTO terms VALUES (4, 'after clear');
go
INSERT INTO terms VALUES (5, 'after go');
