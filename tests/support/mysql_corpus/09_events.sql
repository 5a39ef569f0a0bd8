-- Events (the scheduler may be off: they are created, not run).

CREATE TABLE heartbeat (beat DATETIME NOT NULL, note VARCHAR(50));

CREATE EVENT purge_heartbeat
    ON SCHEDULE EVERY 1 DAY STARTS '2030-01-01 00:00:00'
    ON COMPLETION PRESERVE
    DISABLE
    COMMENT 'Purges; old rows'
    DO DELETE FROM heartbeat WHERE beat < NOW() - INTERVAL 7 DAY;

DELIMITER $$
CREATE EVENT beat_twice
    ON SCHEDULE AT '2031-06-15 12:00:00'
    ON COMPLETION PRESERVE
    DISABLE
DO
BEGIN
    -- two beats; one note
    INSERT INTO heartbeat VALUES (NOW(), 'first; beat');
    INSERT INTO heartbeat VALUES (NOW(), "second beat");
END $$
DELIMITER ;
