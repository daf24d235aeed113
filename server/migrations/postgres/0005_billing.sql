-- Billing: each user's customer at the payment provider (created once), checkout sessions by the
-- client's Idempotency-Key, the subscription as webhook events leave it, and the event ids already
-- applied (a UNIQUE insert decides which delivery applies an event, whichever instance gets it).
CREATE TABLE billing_customers (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    customer_id TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE checkout_sessions (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    session_id TEXT NOT NULL,
    url TEXT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, idempotency_key)
);

CREATE TABLE subscriptions (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('inactive', 'active', 'canceled', 'past_due')),
    plan TEXT,
    billing_interval TEXT,
    current_period_end TIMESTAMPTZ,
    cancel_at_period_end BOOLEAN,
    event_created BIGINT NOT NULL
);

CREATE TABLE webhook_events (
    event_id TEXT PRIMARY KEY NOT NULL,
    received_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX webhook_events_by_age ON webhook_events (received_at);
