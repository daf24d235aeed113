-- The PKCE verifier of an OAuth sign-in, kept with its state until the callback uses both.
-- It is not a credential by itself: it only matters with the authorization code, which the
-- provider sends to the user's browser and the server never stores.
ALTER TABLE oauth_states ADD COLUMN pkce_verifier TEXT;
