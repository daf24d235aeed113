-- Billing: each user's customer at the payment provider (created once), checkout sessions by the
-- client's Idempotency-Key, the subscription as webhook events leave it, and the event ids already
-- applied (a UNIQUE insert decides which delivery applies an event; rows older than 7 days are
-- deleted as new events arrive).
CREATE TABLE billing_customers (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    customer_id TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

CREATE TABLE checkout_sessions (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    idempotency_key TEXT NOT NULL,
    -- SHA-256 of the request body as the server read it: the same key with another body is a 409.
    request_hash TEXT NOT NULL,
    session_id TEXT NOT NULL,
    url TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, idempotency_key)
);

CREATE TABLE subscriptions (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('inactive', 'active', 'canceled', 'past_due')),
    plan TEXT,
    billing_interval TEXT,
    current_period_end TEXT,
    cancel_at_period_end INTEGER,
    -- The `created` (Unix seconds) of the event that last set this row: an older event is ignored.
    event_created INTEGER NOT NULL
);

CREATE TABLE webhook_events (
    event_id TEXT PRIMARY KEY NOT NULL,
    received_at TEXT NOT NULL
);
CREATE INDEX webhook_events_by_age ON webhook_events (received_at);
