-- Shared by several scripts through \ir.
CREATE TABLE IF NOT EXISTS audit_log (
    id bigserial PRIMARY KEY,
    what text NOT NULL
);
\ir nested/helpers.sql
INSERT INTO audit_log (what) VALUES (:'what');
