\echo plain words   and   spaces
\echo 'single quoted  spaces' "double quoted  kept" mixed'quote'd it''s
\echo 'escapes: \t tab, \n newline, \\ backslash, \' quote, \101\x42'
\echo vars: :owner :'owner' :"owner" ':owner' pre:limit:limit :undefined_var
\echo -n no newline;
\echo ' then this'
\echo '-n' is printed when quoted
\echo
\qecho query output
\warn to stderr
\echo first \\ \echo second\echo third
SELECT 'between';
\set greeting 'hello ' :'owner'
\echo :greeting
