-- Functions with tagged dollar quotes, nested quotes and parameters.
CREATE TABLE accounts (id int PRIMARY KEY, balance numeric NOT NULL DEFAULT 0, note text);

CREATE OR REPLACE FUNCTION credit(account int, amount numeric)
RETURNS numeric LANGUAGE plpgsql AS $fn$
DECLARE
    result numeric; -- a semicolon in a comment inside the body
BEGIN
    UPDATE accounts SET balance = balance + amount WHERE id = $1
        RETURNING balance INTO result;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no account %; sorry', account USING HINT = $$it's gone$$;
    END IF;
    EXECUTE $q$SELECT 'inner; $$ quote'$q$;
    RETURN result;
END;
$fn$;

CREATE FUNCTION note_it() RETURNS trigger
    LANGUAGE plpgsql
    AS $body$
BEGIN
    NEW.note := coalesce(NEW.note, '') || E'\tcredited;';
    RETURN NEW;
END
$body$;

CREATE TRIGGER accounts_note BEFORE UPDATE ON accounts
    FOR EACH ROW EXECUTE FUNCTION note_it();

CREATE FUNCTION add(integer, integer) RETURNS integer
    AS 'select $1 + $2;'
    LANGUAGE SQL IMMUTABLE STRICT;

CREATE FUNCTION dollars$(a text) RETURNS text LANGUAGE sql AS $$ SELECT a || '$1$' $$;

INSERT INTO accounts (id) VALUES (1), (2);
SELECT credit(1, 10.5), credit(2, add(1, 2));
SELECT id, balance, note FROM accounts ORDER BY id;
SELECT dollars$('x'), $tag$a;b$tag$, $$$$, $a$ $b$ ; $a$;
