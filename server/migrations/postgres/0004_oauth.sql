-- The PKCE verifier of an OAuth sign-in, kept with its state until the callback uses both.
ALTER TABLE oauth_states ADD COLUMN pkce_verifier TEXT;
