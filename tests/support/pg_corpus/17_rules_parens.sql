-- psql does not end a statement at a semicolon inside parentheses.
CREATE TABLE orders (id int);
CREATE TABLE order_log (id int, what text);
CREATE RULE log_orders AS ON INSERT TO orders DO ALSO (
    INSERT INTO order_log VALUES (NEW.id, 'inserted');
    INSERT INTO order_log VALUES (NEW.id, 'twice; really')
);
INSERT INTO orders VALUES (7);
SELECT id, what FROM order_log ORDER BY what;
SELECT (1
    + 2) * (3), '(' || ';' || ')';
CREATE VIEW order_view AS SELECT o.id, (SELECT count(*) FROM order_log l WHERE l.id = o.id) AS n
    FROM orders o;
SELECT * FROM order_view;
