-- Views: plain, with comments inside, and the mysqldump form.

CREATE TABLE items (
    id    INT PRIMARY KEY,
    label VARCHAR(50) NOT NULL,
    price DECIMAL(8,2) NOT NULL
);
INSERT INTO items VALUES (1, 'pen', 1.50), (2, 'ink; blue', 12.00), (3, 'pad -- A4', 3.25);

CREATE VIEW cheap_items AS
    SELECT id, label /* the name */, price
      FROM items
     WHERE price < 5 -- cheap means under five
  WITH CHECK OPTION;

CREATE
    ALGORITHM = MERGE
    SQL SECURITY INVOKER
VIEW item_labels (item_id, item_label) AS SELECT id, CONCAT(label, ' # ', price) FROM items;

/*!50001 DROP VIEW IF EXISTS `pricey_items`*/;
/*!50001 CREATE ALGORITHM=UNDEFINED */
/*!50013 DEFINER=CURRENT_USER SQL SECURITY DEFINER */
/*!50001 VIEW `pricey_items` AS select `items`.`id` AS `id`,`items`.`label` AS `label` from `items` where `items`.`price` >= 5 */;
