-- \ir finds files relative to this script; \i relative to the working directory.
\set what 'first include'
\ir shared/common.sql
\set what 'second include'
\include_relative ./shared/../shared/common.sql
SELECT log_it('called;');
\i shared/nested/helpers.sql;
SELECT what FROM audit_log ORDER BY id;
