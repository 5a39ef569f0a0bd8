-- String literals the client must not split or alter.

CREATE TABLE texts (id INT PRIMARY KEY, t TEXT, `odd; name` VARCHAR(20) DEFAULT 'x');

INSERT INTO texts (id, t) VALUES (1, 'semi; colon'), (2, "double; quoted"), (3, 'back\\slash');
INSERT INTO texts (id, t) VALUES (4, 'quote\'s'), (5, "quote\"s"), (6, 'doubled''quote'), (7, "dq""dq");
INSERT INTO texts (id, t) VALUES (8, 'new
line

and blank line; inside'), (9, 'tab	inside'), (10, '\t\n\r\0\Z\%\_');
INSERT INTO texts (id, t) VALUES (11, '-- not a comment'), (12, '# nor this'), (13, '/* nor this */');
INSERT INTO texts (id, t, `odd; name`) VALUES (14, 'ünïcödé ✓', 'backtick`` ok');
INSERT INTO texts (id, t) VALUES (15, 'continued \
on the next line');
INSERT INTO texts (id, t) VALUES (16, \N), (17, CONCAT('a', "b", 'c'));
INSERT INTO texts (id, t) VALUES (18, 'DELIMITER $$'), (19, '\\'), (20, "'"), (21, '"');
