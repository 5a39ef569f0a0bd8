-- The last statement has no semicolon and the file no final newline.
CREATE TABLE tail (a int);
INSERT INTO tail VALUES (1);

SELECT a
  FROM tail