-- Refresh tokens come in families: a sign-in starts one, each refresh continues it. A token used
-- twice (a stolen copy replayed, or the thief's copy used first) ends its whole family.
ALTER TABLE refresh_tokens ADD COLUMN family TEXT;
ALTER TABLE refresh_tokens ADD COLUMN rotated_at TEXT;
CREATE INDEX refresh_tokens_family ON refresh_tokens (family);
