-- Registry 1.0 -> 1.1: script hashes are unique per project, not globally.
DROP INDEX script_hash ON changes;
ALTER TABLE changes ADD UNIQUE (project, script_hash);
