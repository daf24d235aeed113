//! The server's integration tests, one binary: end to end through the generated Rust client and
//! the generated TypeScript client, billing against the fake Stripe of `fake-providers`
//! (`billing`), generation jobs against its OpenAI-compatible fake (`generation`), raw requests the typed clients cannot send (`input_errors`),
//! sessions that end and per-account limits (`sessions`), what an operator sees (`operator`), rate
//! limits behind a reverse proxy (`proxies`), sign-in with Google and GitHub against the fakes of
//! `fake-providers` (`oauth`), the connection limits that keep slow clients from
//! stopping the server (`slow_clients`), browsers calling from other origins (`cors`), Swagger UI
//! and the reference page (`swagger`), the web example in headless Chromium (`browser`). The compile-fail cases that prove drift from the
//! contract does not compile are in `server/compile-fail`.

mod billing;
mod browser;
mod common;
mod cors;
mod e2e;
mod generation;
mod input_errors;
mod instances;
mod migrations;
mod oauth;
mod operator;
mod proxies;
mod sessions;
mod slow_clients;
mod swagger;
mod ts_client;
