-- Statements that cannot run in a transaction block run as they do in psql.
CREATE TABLE big (id int, label text);
INSERT INTO big SELECT g, 'label ' || g FROM generate_series(1, 100) g;
CREATE INDEX CONCURRENTLY big_label ON big (label);
VACUUM ANALYZE big;
CREATE TYPE mood AS ENUM ('sad', 'ok');
ALTER TYPE mood ADD VALUE 'happy';
SELECT enum_range(NULL::mood);
REINDEX INDEX CONCURRENTLY big_label;
SELECT indexname FROM pg_indexes WHERE tablename = 'big';
