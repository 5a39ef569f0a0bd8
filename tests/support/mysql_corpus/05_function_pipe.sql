-- DELIMITER | and a multi-character delimiter.

DELIMITER |
CREATE FUNCTION initials(full_name VARCHAR(100)) RETURNS VARCHAR(10)
    DETERMINISTIC
BEGIN
    # hash comment inside the body | with the delimiter
    DECLARE pos INT DEFAULT LOCATE(' ', full_name);
    IF pos = 0 THEN RETURN LEFT(full_name, 1); END IF;
    RETURN CONCAT(LEFT(full_name, 1), SUBSTRING(full_name, pos + 1, 1));
END|
DELIMITER END_OF_ROUTINE
CREATE FUNCTION shout(s TEXT) RETURNS TEXT DETERMINISTIC
RETURN CONCAT(UPPER(s), '!', ' -- end_of_routine')
END_OF_ROUTINE
DELIMITER ;

CREATE TABLE people (name VARCHAR(100), short VARCHAR(10), loud TEXT);
INSERT INTO people (name) VALUES ('Ada Lovelace'), ('Grace Hopper'), ('Plato');
UPDATE people SET short = initials(name), loud = shout(name);
