//! The Vault example's tests: its generated server implemented in memory (`server`), driven end to
//! end through its generated client (`flow`), API keys (`keys`), password recovery on an
//! injectable clock (`recovery`) and invoices with the seed's camelCase JSON (`invoices`).

mod flow;
mod invoices;
mod keys;
mod recovery;
mod server;
