# A script whose comments hold delimiters, quotes and client commands.
-- DELIMITER $$ (only a comment)
/* DELIMITER //
   source /etc/passwd;
   it's "quoted" ; still a comment */

CREATE TABLE notes (
    id   INT PRIMARY KEY, -- the key; unique
    body VARCHAR(100)     # what was said; "verbatim"
);

INSERT INTO notes VALUES (1, 'one'); -- trailing; comment
INSERT INTO notes VALUES (2, 'two');/* inline; */INSERT INTO notes VALUES (3, 'three');
INSERT INTO notes VALUES
    -- a comment between rows; with a semicolon
    (4, 'four -- not a comment'),
    # another ; one
    (5, '# not a comment either'),
    (6, '/* nor this */');
INSERT INTO notes VALUES (7, 7--1);
INSERT INTO notes VALUES (8, "it's"), (9, 'say "hi"'), (10, `id` + 0);
;;
;
INSERT INTO notes VALUES (11, 'after empty statements');
