CREATE OR REPLACE FUNCTION log_it(t text) RETURNS void LANGUAGE sql AS $$
    INSERT INTO audit_log (what) VALUES (t);
$$;
\echo helpers loaded from a nested file
