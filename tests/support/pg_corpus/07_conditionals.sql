-- \if on variables; commands in branches not taken are skipped.
\if :with_extras
    CREATE TABLE extras (a int);
    \echo extras created
\elif :{?other}
    \echo never
\else
    \echo no extras
\endif

\if :{?undefined_variable}
    \copy extras from 'nowhere.csv'
    \gset
    SELECT nope;
\else
    CREATE TABLE always (a int);
\endif

\if yes
    \if off
        \echo nested off
    \elif TRUE
        \echo nested elif
        \if 0 \echo zero \else \echo not zero \endif
    \else
        \echo nested else
    \endif
\endif
SELECT count(*) FROM pg_class WHERE relname IN ('extras', 'always');
