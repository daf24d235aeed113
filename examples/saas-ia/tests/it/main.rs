//! The SaaS-IA example's tests: its generated server implemented in memory (`server`), driven end
//! to end through its generated client (`flow`), its rate-limit table (`limits`) and the YouTube
//! URL pattern every artifact applies alike (`video_url`).

mod flow;
mod limits;
mod server;
mod video_url;
