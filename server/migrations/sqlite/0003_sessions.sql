-- A session is one sign-in: its refresh-token family and every access token issued in it (their
-- `sid` claim). Ending a session (logout, a password change or reset, a disabled account, a
-- replayed refresh token) stops both at once; enabling an account again does not revive it.
CREATE TABLE sessions (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    ended_at TEXT
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- The families of refresh tokens still usable become sessions (a token from before refresh
-- families, without one, is its own family).
INSERT INTO sessions (id, user_id)
SELECT DISTINCT COALESCE(family, token_hash), user_id FROM refresh_tokens WHERE used_at IS NULL;
