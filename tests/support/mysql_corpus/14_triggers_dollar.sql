-- Triggers under DELIMITER $$: several on one table, ordered, with SIGNAL.

CREATE TABLE accounts (id INT PRIMARY KEY, balance INT NOT NULL, updates INT NOT NULL DEFAULT 0);
CREATE TABLE account_history (account_id INT, old_balance INT, new_balance INT);

DELIMITER $$
CREATE TRIGGER accounts_check BEFORE UPDATE ON accounts
FOR EACH ROW
BEGIN
    IF NEW.balance < 0 THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'balance would go negative; refused';
    END IF;
END$$

CREATE TRIGGER accounts_count BEFORE UPDATE ON accounts
FOR EACH ROW FOLLOWS accounts_check
    SET NEW.updates = OLD.updates + 1$$

CREATE TRIGGER accounts_history AFTER UPDATE ON accounts
FOR EACH ROW
BEGIN
    # keep a history; every change
    INSERT INTO account_history VALUES (OLD.id, OLD.balance, NEW.balance);
END
$$
DELIMITER ;

INSERT INTO accounts (id, balance) VALUES (1, 100), (2, 50);
UPDATE accounts SET balance = balance - 30;
UPDATE accounts SET balance = balance + 5 WHERE id = 2;
