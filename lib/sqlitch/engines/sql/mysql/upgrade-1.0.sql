-- Registry 0.x -> 1.0: the releases table (as Sqitch's 1.0 upgrade makes it),
-- changes.script_hash (filled with the change ID until the next deploy
-- computes the real hashes) and the "merge" event type.
CREATE TABLE releases (
    version         FLOAT         PRIMARY KEY
                    COMMENT 'Version of the Sqitch registry.',
    installed_at    TIMESTAMP     NOT NULL
                    COMMENT 'Date the registry release was installed.',
    installer_name  VARCHAR(255)  NOT NULL
                    COMMENT 'Name of the user who installed the registry release.',
    installer_email VARCHAR(255)  NOT NULL
                    COMMENT 'Email address of the user who installed the registry release.'
) ENGINE InnoDB, CHARACTER SET 'utf8', COMMENT 'Sqitch registry releases.';

ALTER TABLE changes ADD COLUMN script_hash VARCHAR(40) NULL UNIQUE AFTER change_id;
UPDATE changes SET script_hash = change_id;

ALTER TABLE events CHANGE event event ENUM ('deploy', 'fail', 'merge', 'revert') NOT NULL;
