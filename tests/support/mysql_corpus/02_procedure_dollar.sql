-- Deploy shop:add_order to mysql
-- A stored procedure under DELIMITER $$, with comments of every kind inside.

CREATE TABLE audit_log (
    id      INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    message VARCHAR(200) NOT NULL
);

DELIMITER $$

CREATE PROCEDURE add_entry(IN p_message VARCHAR(200), OUT p_id INT)
    COMMENT 'Adds an entry; returns its id'
BEGIN
    -- a dash comment; with a semicolon
    # a hash comment with 'quotes'
    DECLARE v_clean VARCHAR(200);
    /* a block comment
       over two lines; with $$ in it */
    SET v_clean = TRIM(p_message); -- trailing comment
    IF v_clean = '' THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'empty message; rejected';
    END IF;
    INSERT INTO audit_log (message) VALUES (CONCAT(v_clean, ' $$ ', "done"));
    SET p_id = LAST_INSERT_ID();
END$$

CREATE PROCEDURE count_entries()
READS SQL DATA
BEGIN
    SELECT COUNT(*) FROM audit_log;
END
$$

DELIMITER ;

CALL add_entry('first', @id);
CALL add_entry('  second; with a semicolon  ', @id);
INSERT INTO audit_log (message) SELECT CONCAT('last id was ', @id);
