-- Deploy widgets:orders
-- requires: users, widgets

BEGIN;

CREATE TABLE orders (
    id        INTEGER PRIMARY KEY,
    nickname  TEXT NOT NULL REFERENCES users(nickname),
    sku       TEXT NOT NULL REFERENCES widgets(sku),
    quantity  INTEGER NOT NULL CHECK (quantity > 0),
    placed_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

COMMIT;
