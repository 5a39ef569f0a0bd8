-- Non-ASCII identifiers, strings, dollar-quote tags and variables.
CREATE TABLE größe (naïve text, "日本" text);
INSERT INTO größe VALUES ('crème brûlée; ok', 'テスト'), ($é$dollar é; tag$é$, '✓');
SELECT naïve, "日本" FROM größe ORDER BY 1;
SELECT 'ünï ✓' AS "ünï", length('ünï ✓'), upper('straße');
\set café 'déjà vu'
SELECT :'café';
\echo :café
