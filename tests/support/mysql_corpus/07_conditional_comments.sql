/*M!999999\- enable the sandbox mode */ 
-- MariaDB dump 10.19  Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)
--
-- Executable comments, version-numbered or not, MySQL's and MariaDB's.

/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;
CREATE TABLE flags (
    id   INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(30) NOT NULL /*!50503 DEFAULT 'unnamed' */,
    kind VARCHAR(30) /*M!100000 DEFAULT 'maria' */ NULL
) /*!ENGINE=InnoDB*/ /*M!999999 IGNORED BY EVERY SERVER */;

INSERT INTO flags (id, name) VALUES (0, 'zero kept by NO_AUTO_VALUE_ON_ZERO');
INSERT /*! IGNORE */ INTO flags (id, name) VALUES (0, 'duplicate ignored');
INSERT INTO flags (name, kind) VALUES ('plain' /*!, 'versioned'*/);
INSERT INTO flags (name) SELECT /*+ no hint survives the client */ 'hinted';
/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;
INSERT INTO flags (id, name) VALUES (0, 'zero now means auto');
