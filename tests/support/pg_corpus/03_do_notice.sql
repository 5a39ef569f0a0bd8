DO $$
BEGIN
    RAISE NOTICE 'starting; step %', 1;
    RAISE INFO 'information';
    RAISE WARNING 'careful' USING DETAIL = 'some detail', HINT = 'a hint';
END
$$;

CREATE TABLE IF NOT EXISTS noisy (a int);
CREATE TABLE IF NOT EXISTS noisy (a int);

CREATE FUNCTION shout(t text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    RAISE NOTICE 'shouting %', t;
    RETURN upper(t);
END $$;

SELECT shout('hi'), shout('there');
DO $$ BEGIN RAISE NOTICE 'one'; END $$; DO $$ BEGIN RAISE NOTICE 'two'; END $$;
DROP TABLE IF EXISTS not_there;
