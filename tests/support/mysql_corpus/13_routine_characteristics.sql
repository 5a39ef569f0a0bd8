-- Parameters of every mode, characteristics, cursors, handlers, labels.

CREATE TABLE ledger (id INT AUTO_INCREMENT PRIMARY KEY, amount INT NOT NULL);
INSERT INTO ledger (amount) VALUES (5), (-3), (12), (0);

DELIMITER $$
CREATE PROCEDURE sum_ledger(IN p_min INT, OUT p_total INT, INOUT p_calls INT)
    LANGUAGE SQL
    NOT DETERMINISTIC
    READS SQL DATA
    SQL SECURITY INVOKER
    COMMENT 'Sums amounts >= p_min; counts calls'
proc: BEGIN
    DECLARE done INT DEFAULT FALSE;
    DECLARE v_amount INT;
    DECLARE cur CURSOR FOR SELECT amount FROM ledger WHERE amount >= p_min ORDER BY id;
    DECLARE CONTINUE HANDLER FOR NOT FOUND SET done = TRUE;

    SET p_total = 0, p_calls = COALESCE(p_calls, 0) + 1;
    IF p_min IS NULL THEN
        LEAVE proc;
    END IF;
    OPEN cur;
    read_loop: LOOP
        FETCH cur INTO v_amount;
        IF done THEN
            LEAVE read_loop;
        END IF;
        SET p_total = p_total + v_amount; /* accumulate; carefully */
    END LOOP read_loop;
    CLOSE cur;
END$$

CREATE FUNCTION sign_name(n INT) RETURNS VARCHAR(8) CHARSET utf8mb4
    DETERMINISTIC
    CONTAINS SQL
BEGIN
    RETURN CASE
        WHEN n > 0 THEN 'positive'
        WHEN n < 0 THEN 'negative' -- below zero
        ELSE 'zero'
    END;
END$$
DELIMITER ;

SET @calls = 0;
CALL sum_ledger(0, @total, @calls);
CALL sum_ledger(1, @total, @calls);
CREATE TABLE results AS SELECT @total AS total, @calls AS calls, sign_name(@total) AS sign;
