-- Verify widgets:users

SELECT nickname, fullname, joined_at FROM users WHERE 0;
