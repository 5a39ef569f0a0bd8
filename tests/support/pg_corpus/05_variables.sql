-- Variables from --set: :'name' as a literal, :"name" as an identifier, :name raw.
CREATE SCHEMA :"schema_name";
CREATE TABLE :"schema_name".settings (k text PRIMARY KEY, v text);
INSERT INTO :"schema_name".settings VALUES
    ('owner', :'owner'),
    ('quote', :'tricky'),
    ('path', :'path'),
    ('limit', :limit::text),
    ('registry', :'registry');
SELECT k, v FROM :"schema_name".settings WHERE v IS NOT NULL ORDER BY k LIMIT :limit;
SELECT :'owner' AS :"owner", :{?owner}, :{?undefined_thing}, 1::int, '::' || ':owner';
SELECT ':not_a_variable', $$:owner$$, ":owner" FROM (SELECT 1 AS ":owner") s;
\set columns 'k, v'
\set where_clause 'WHERE v = ' :'owner'
SELECT :columns FROM :"schema_name".settings :where_clause;
\set table_name :"schema_name" '.settings'
SELECT count(*) FROM :table_name;
\set two_statements 'SELECT 1; SELECT 2'
:two_statements;
SELECT (:limit
    + 1) AS in_parens;
