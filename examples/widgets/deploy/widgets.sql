-- Deploy widgets:widgets
-- requires: users

BEGIN;

CREATE TABLE widgets (
    sku         TEXT PRIMARY KEY,
    description TEXT NOT NULL,
    price_cents INTEGER NOT NULL CHECK (price_cents >= 0),
    added_by    TEXT NOT NULL REFERENCES users(nickname)
);

COMMIT;
