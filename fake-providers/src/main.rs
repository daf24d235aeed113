//! Starts every fake on 127.0.0.1 and prints the server variables that point at them.
//!
//! Ports: `FAKE_GOOGLE_PORT` (default 9101), `FAKE_GITHUB_PORT` (default 9102), `FAKE_STRIPE_PORT`
//! (default 9103), `FAKE_OPENAI_PORT` (default 9104).

use std::process::ExitCode;

use fake_providers::{github, google, openai, serve, stripe};

fn port(name: &str, default: u16) -> Result<u16, String> {
    match std::env::var(name) {
        Ok(value) if !value.trim().is_empty() => {
            value.trim().parse().map_err(|_| format!("{name}={value} is not a port number"))
        }
        _ => Ok(default),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let ports = port("FAKE_GOOGLE_PORT", 9101).and_then(|g| {
        Ok((
            g,
            port("FAKE_GITHUB_PORT", 9102)?,
            port("FAKE_STRIPE_PORT", stripe::DEFAULT_PORT)?,
            port("FAKE_OPENAI_PORT", openai::DEFAULT_PORT)?,
        ))
    });
    let (google_port, github_port, stripe_port, openai_port) = match ports {
        Ok(ports) => ports,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let google = match serve(google::router(google::Google::new()), google_port).await {
        Ok(running) => running,
        Err(error) => {
            eprintln!("error: cannot listen on 127.0.0.1:{google_port} (Google): {error}");
            return ExitCode::from(1);
        }
    };
    let github = match serve(github::router(github::GitHub::new()), github_port).await {
        Ok(running) => running,
        Err(error) => {
            eprintln!("error: cannot listen on 127.0.0.1:{github_port} (GitHub): {error}");
            return ExitCode::from(1);
        }
    };
    let stripe = match serve(stripe::router(stripe::Stripe::default()), stripe_port).await {
        Ok(running) => running,
        Err(error) => {
            eprintln!("error: cannot listen on 127.0.0.1:{stripe_port} (Stripe): {error}");
            return ExitCode::from(1);
        }
    };
    let openai = match serve(openai::router(openai::OpenAi::default()), openai_port).await {
        Ok(running) => running,
        Err(error) => {
            eprintln!("error: cannot listen on 127.0.0.1:{openai_port} (OpenAI-compatible): {error}");
            return ExitCode::from(1);
        }
    };
    println!(
        "# Fake Google on {}, fake GitHub on {}, fake Stripe on {}, fake OpenAI-compatible models on {}. \
         Start the server with:",
        google.base(),
        github.base(),
        stripe.base(),
        openai.base()
    );
    let variables = google::env(google.address).into_iter().chain(github::env(github.address));
    let variables = variables.chain(stripe::env(stripe.address)).chain(openai::env(openai.address));
    for (name, value) in variables {
        println!("export {name}={value}");
    }
    println!("# and where the providers send the user back (your front end's callback page):");
    println!("export OAUTH_REDIRECT_URL=http://127.0.0.1:5173/oauth/callback");
    println!("# The consent pages sign in ada@example.com (Google) and octocat@example.com (GitHub) at once.");
    println!("# Signed payment events: fake_providers::stripe::send_event (as server/tests/it/billing.rs).");
    println!("# Generation answers echo their prompt (fake_providers::openai). Ctrl-C stops.");
    let _ = tokio::signal::ctrl_c().await;
    drop((google, github, stripe, openai));
    ExitCode::SUCCESS
}
