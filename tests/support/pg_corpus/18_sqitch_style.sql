-- Deploy flipr:users to pg
-- requires: appschema

BEGIN;

SET client_min_messages = 'warning';

CREATE TABLE users (
    nickname  TEXT        PRIMARY KEY,
    password  TEXT        NOT NULL,
    fullname  TEXT        NOT NULL,
    twitter   TEXT        NOT NULL,
    timestamp TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE OR REPLACE FUNCTION insert_user(
    nickname TEXT,
    password TEXT
) RETURNS VOID LANGUAGE SQL SECURITY DEFINER AS $$
    INSERT INTO users (nickname, password, fullname, twitter)
    VALUES ($1, md5($2), '', '');
$$;

COMMIT;

-- Verify-style checks print rows.
SELECT nickname, password, fullname, twitter FROM users WHERE FALSE;
SELECT has_function_privilege('insert_user(text, text)', 'execute');
