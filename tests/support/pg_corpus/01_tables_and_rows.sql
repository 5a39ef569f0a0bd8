-- Deploy corpus:tables_and_rows to pg
-- requires: nothing; a comment with a semicolon; and 'quotes'

CREATE TABLE widgets (
    id      SERIAL PRIMARY KEY,   -- an inline comment; with a semicolon
    name    TEXT NOT NULL UNIQUE, /* a block comment; also */
    price   NUMERIC(10, 2),
    flags   BOOLEAN[] DEFAULT '{}',
    made_at TIMESTAMPTZ DEFAULT '2024-01-02 03:04:05+00',
    tags    JSONB
);

COMMENT ON TABLE widgets IS 'Widgets; things that do stuff';

INSERT INTO widgets (name, price, flags, tags) VALUES
    ('sprocket', 1.50, '{t,f}', '{"a": [1, 2], "b": null}'),
    ('cog;wheel', NULL, '{}', NULL),
    ('it''s', 0.00, NULL, '"text"');

/* Rows come out as psql --no-align --tuples-only prints them. */
SELECT id, name, price, flags, made_at AT TIME ZONE 'UTC', tags FROM widgets ORDER BY id;
SELECT count(*), sum(price), avg(price)::numeric(10,4), bool_and(true) FROM widgets;
SELECT NULL, '', 'a|b', E'line\nbreak', 1.0::float8 / 3, 1e300::float8 * 10, 'NaN'::numeric;
SELECT '\x00ff'::bytea, interval '1 day 2 hours 3.5 seconds', '1 year'::interval * 2,
       ARRAY[ARRAY[1,2],ARRAY[3,4]], ROW(1, 'two', NULL), 'ünï ✓'::text;
SELECT 1 WHERE false;
SELECT FROM widgets;
SELECT name FROM widgets WHERE name ~ ';' OR name LIKE '%''%' ORDER BY 1;

UPDATE widgets SET price = price * 2 WHERE price IS NOT NULL RETURNING name, price;
DELETE FROM widgets WHERE name = 'nothing' RETURNING *;
