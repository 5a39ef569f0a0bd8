-- Deploy shop:tables to mysql
-- Plain DDL and DML: tables with comments, defaults, keys; rows with escapes.

CREATE TABLE customers (
    id         INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name       VARCHAR(100) NOT NULL COMMENT 'Full name; as typed',
    email      VARCHAR(255) NOT NULL DEFAULT '' COMMENT "The customer's address",
    created_on DATE NOT NULL DEFAULT '2020-01-01',
    note       TEXT NULL,
    UNIQUE KEY customers_email (email)
) ENGINE=InnoDB COMMENT='People who buy -- things';

CREATE TABLE orders (
    id          INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    customer_id INT UNSIGNED NOT NULL,
    total       DECIMAL(10,2) NOT NULL DEFAULT 0.00,
    status      ENUM('new', 'paid', 'shipped') NOT NULL DEFAULT 'new',
    KEY orders_customer (customer_id),
    CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)
        ON DELETE CASCADE
);

INSERT INTO customers (name, email, note) VALUES
    ('Ann O\'Neil', 'ann@example.com', 'likes ; semicolons'),
    ("Bob ""Bobby"" Tables", 'bob@example.com', 'drop table students; -- not really'),
    ('Cé Zed', 'ce@example.com', 'tab\there, newline\nthere, backslash \\ here'),
    ('Dee', 'dee@example.com', 'it''s # not a comment'),
    ('Eve', 'eve@example.com', NULL);

INSERT INTO orders (customer_id, total, status)
SELECT id, id * 10.5, IF(id % 2, 'paid', 'new') FROM customers; -- one order each

UPDATE orders SET status = 'shipped' WHERE total > 40;
