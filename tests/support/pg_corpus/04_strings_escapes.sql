/* Strings, identifiers and comments that hold semicolons, quotes and backslashes. */
CREATE TABLE "odd;name" ("a""b" text, "c;d" text, plain text);
INSERT INTO "odd;name" VALUES
    ('semi;colon', E'tab\there', 'back\slash'),
    (E'it\'s \\ escaped', 'doubled '' quote', E'\x41\101\u00e9'),
    ('-- not a comment', '/* not a comment */', $$ $$),
    (U&'d\0061t\+000061', B'101'::text, X'1F'::text),
    (N'national;', 'multi
line; string', e'\\');
SELECT * FROM "odd;name" ORDER BY 1;
SELECT 'a' -- a comment with a quote ' and a semicolon ;
    || 'b' /* nested /* comment; */ still comment ' */ || 'c';
SELECT 'one'
'continued;';
SELECT length(E'\\\\'), '\\' AS two_backslashes, 'x' AS ":colon";
SELECT 2 AS "select", 3 AS """quoted""";
