-- Deploy flipr:users to mysql
-- requires: appschema

BEGIN;

CREATE TABLE users (
    nickname  VARCHAR(512) PRIMARY KEY,
    password  VARCHAR(512) NOT NULL,
    timestamp DATETIME(6)  NOT NULL DEFAULT '2024-01-01 00:00:00.000000'
);

DELIMITER //
CREATE PROCEDURE insert_user(
    nickname VARCHAR(512),
    password VARCHAR(512)
) COMMENT 'Creates a user.'
BEGIN
    INSERT INTO users VALUES(nickname, SHA1(password), '2024-01-02 03:04:05.678901');
END
//
DELIMITER ;

CALL insert_user('theory', 'pass');
CALL insert_user('strongrrl', 'wonder');

COMMIT;
