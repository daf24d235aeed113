//! `cargo run -p fake-providers`: the fake Stripe on 127.0.0.1 (port `FAKE_STRIPE_PORT`, default
//! 9103), printing the variables that point the server at it. Stops on Ctrl-C.

use std::process::ExitCode;

use fake_providers::stripe;

#[tokio::main]
async fn main() -> ExitCode {
    let port = match std::env::var("FAKE_STRIPE_PORT") {
        Ok(text) => match text.parse::<u16>() {
            Ok(port) => port,
            Err(_) => {
                eprintln!("error: FAKE_STRIPE_PORT={text} is not a port number");
                return ExitCode::from(2);
            }
        },
        Err(_) => stripe::DEFAULT_PORT,
    };
    let fake = stripe::Stripe::default();
    let running = match fake_providers::serve(stripe::router(fake), port).await {
        Ok(running) => running,
        Err(error) => {
            eprintln!("error: cannot listen on 127.0.0.1:{port}: {error}");
            return ExitCode::from(1);
        }
    };
    println!("fake Stripe on http://{}; run the server with:", running.address);
    for (name, value) in stripe::env(running.address) {
        println!("export {name}={value}");
    }
    println!("(send signed events with fake_providers::stripe::send_event; Ctrl-C stops)");
    if let Err(error) = tokio::signal::ctrl_c().await {
        eprintln!("error: cannot wait for Ctrl-C: {error}");
        return ExitCode::from(1);
    }
    drop(running);
    ExitCode::SUCCESS
}
