-- Under a changed delimiter, several statements go to the server as one
-- query (the client connects with CLIENT_MULTI_STATEMENTS).

CREATE TABLE counters (name VARCHAR(20) PRIMARY KEY, value INT NOT NULL);

DELIMITER $$
INSERT INTO counters VALUES ('a', 1); INSERT INTO counters VALUES ('b', 2);
UPDATE counters SET value = value * 10 WHERE name = 'a'$$
SELECT name, value FROM counters ORDER BY name; SELECT COUNT(*) FROM counters$$
DELIMITER ;

INSERT INTO counters VALUES ('c', 3);
