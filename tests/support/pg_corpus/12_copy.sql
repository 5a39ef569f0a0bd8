-- COPY ... FROM STDIN reads its data from the script, as psql does.
CREATE TABLE people (id int, name text, note text);
COPY people (id, name, note) FROM stdin;
1	Alice	likes ; semicolons
2	Bob	\N
3	Carol	tab\there \\ backslash
4	Dan	it's; 'quoted'
\.
COPY people FROM STDIN WITH (FORMAT csv, HEADER true);
id,name,note
5,Eve,"comma, inside"
6,"Fay ""F""",
\.
SELECT count(*) FROM people;
COPY (SELECT id, name, note FROM people ORDER BY id) TO STDOUT;
COPY people (id, name) TO stdout WITH (FORMAT csv);
SELECT name FROM people WHERE note IS NULL ORDER BY id;
