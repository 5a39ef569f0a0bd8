-- Non-ASCII text in identifiers, strings, comments and routine bodies.
-- Commentaire en français ; avec un point-virgule.

CREATE TABLE `prix_€` (
    `libellé` VARCHAR(50) NOT NULL COMMENT 'nom affiché — «long»',
    `montant` DECIMAL(8,2) NOT NULL
) DEFAULT CHARSET=utf8mb4;

INSERT INTO `prix_€` VALUES ('café ☕', 2.50), ('thé; vert', 3.00), ('日本語テキスト', 9.99);

DELIMITER ~~
CREATE FUNCTION `étiquette`(p VARCHAR(50)) RETURNS VARCHAR(60) DETERMINISTIC
BEGIN
    -- ajoute des guillemets « »
    RETURN CONCAT('«', p, '»');
END~~
DELIMITER ;

CREATE VIEW `vue_étiquettes` AS SELECT `étiquette`(`libellé`) AS `étiquette` FROM `prix_€`;
