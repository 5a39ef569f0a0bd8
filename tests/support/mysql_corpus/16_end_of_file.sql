/* header */CREATE TABLE eof_test (id INT PRIMARY KEY, v VARCHAR(20));
/* a comment right before */INSERT INTO eof_test VALUES (1, /*c*/'one');
INSERT INTO eof_test VALUES (2, 'two') ; ; ;
	   
INSERT INTO eof_test VALUES (3, 'three')   -- no delimiter: sent at end of file
