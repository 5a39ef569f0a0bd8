-- Deploy shop:pricing to mysql
-- Functions under DELIMITER //, including one with a loop and a handler.

delimiter //

CREATE FUNCTION with_tax(amount DECIMAL(10,2)) RETURNS DECIMAL(10,2)
    DETERMINISTIC
    NO SQL
    COMMENT 'Adds 20% tax // rounded'
BEGIN
    RETURN ROUND(amount * 1.2, 2); -- rounded; always
END //

CREATE FUNCTION repeat_word(word VARCHAR(20), times INT) RETURNS VARCHAR(255)
    DETERMINISTIC
BEGIN
    DECLARE result VARCHAR(255) DEFAULT '';
    DECLARE i INT DEFAULT 0;
    DECLARE CONTINUE HANDLER FOR SQLSTATE '22001' SET result = 'too long';
    word_loop: WHILE i < times DO
        SET result = CONCAT(result, word, IF(i < times - 1, '/', ''));
        SET i = i + 1;
    END WHILE word_loop;
    RETURN result;
END//

delimiter ;

CREATE TABLE prices (label VARCHAR(255), amount DECIMAL(10,2));
INSERT INTO prices VALUES (repeat_word('ab', 3), with_tax(10)), (repeat_word('x;y', 2), with_tax(0.99));
