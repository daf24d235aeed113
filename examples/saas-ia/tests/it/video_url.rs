//! The YouTube URL of a job is one pattern in the contract, and four deciders apply it: the JSON
//! Schema (Rust `jsonschema`, as the server's runtime), the generated TypeScript validators (run in
//! node), the generated Rust client's newtype (`regress`, ECMA-262 semantics) and the running
//! server. Each URL has the verdict a reader expects, and every decider gives it, with the same
//! failing keyword.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use reqwest::StatusCode;
use saas_ia_client::types::TranscriptionCreateVideoUrl;
use serde_json::{Value, json};

use crate::server::{Limits, start};

/// (URL, the keyword that refuses it, if any).
fn cases() -> Vec<(String, Option<&'static str>)> {
    let mut cases: Vec<(String, Option<&'static str>)> = [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", None),
        ("https://youtube.com/watch?v=dQw4w9WgXcQ&t=42s", None),
        ("https://m.youtube.com/watch?feature=share&list=PL_x-1&v=dQw4w9WgXcQ", None),
        ("http://youtu.be/dQw4w9WgXcQ", None),
        ("https://youtu.be/dQw4w9WgXcQ?si=abc_DEF-123", None),
        ("https://www.youtube.com/embed/dQw4w9WgXcQ", None),
        ("https://www.youtube.com/shorts/dQw4w9WgXcQ#t=3", None),
        ("https://vimeo.com/76979871", Some("pattern")),
        ("https://www.youtube.com/watch?v=dQw4w9WgXc", Some("pattern")),
        ("https://youtu.be/dQw4w9WgXcQQ", Some("pattern")),
        ("https://www.youtube.com.evil.example/watch?v=dQw4w9WgXcQ", Some("pattern")),
        ("ftp://youtu.be/dQw4w9WgXcQ", Some("pattern")),
        ("https://youtu.be/dQw4w9WgXcQ?t=1 2", Some("pattern")),
        ("https://youtu.be/dQw4w9WgXcQ\n", Some("pattern")),
        ("https://youtu.be/dQw4w9WgXcQ?t=\u{2028}", Some("pattern")),
        ("https://youtu.be/dQw4w9WgX\u{0661}Q", Some("pattern")),
        ("https://www.youtube.com/watch?v\u{00e9}=dQw4w9WgXcQ", Some("pattern")),
        ("", Some("pattern")),
    ]
    .into_iter()
    .map(|(url, keyword)| (url.to_owned(), keyword))
    .collect();
    // Matches the pattern, but longer than 2048 characters.
    cases.push((format!("https://youtu.be/dQw4w9WgXcQ?x={}", "a".repeat(2040)), Some("maxLength")));
    cases
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn expected(keyword: Option<&str>) -> BTreeSet<(String, String)> {
    keyword.map(|k| ("/video_url".to_owned(), k.to_owned())).into_iter().collect()
}

/// The `(path, keyword)` pairs of the TypeScript validator, per body.
fn typescript_verdicts(bodies: &[Value]) -> Vec<BTreeSet<(String, String)>> {
    let root = root();
    assert!(
        root.join("tests/node_modules/typescript").exists(),
        "tests/node_modules is missing: run `cargo xtask test`, which installs the npm packages first"
    );
    let work = std::env::temp_dir().join(format!("saas-ia-video-url-{}", std::process::id()));
    std::fs::create_dir_all(&work).expect("temp dir");
    let cases: Vec<Value> = bodies.iter().map(|body| json!({"type": "TranscriptionCreate", "value": body})).collect();
    std::fs::write(work.join("cases.json"), Value::Array(cases).to_string()).expect("write cases");
    let output = std::process::Command::new("node")
        .arg(root.join("tests/typescript/agreement.mjs"))
        .arg(root.join("examples/saas-ia/generated/typescript"))
        .arg(&work)
        .output()
        .expect("node runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let results = std::fs::read_to_string(work.join("results.json")).expect("results");
    std::fs::remove_dir_all(&work).ok();
    let results: Vec<Vec<(String, String)>> = serde_json::from_str(&results).expect("results are pairs");
    results.into_iter().map(|pairs| pairs.into_iter().collect()).collect()
}

#[tokio::test]
async fn schema_typescript_client_and_server_agree_on_youtube_urls() {
    let cases = cases();
    let bodies: Vec<Value> = cases.iter().map(|(url, _)| json!({"video_url": url})).collect();

    let schema_text =
        std::fs::read_to_string(root().join("examples/saas-ia/generated/jsonschema/TranscriptionCreate.json"))
            .expect("the committed JSON Schema");
    let schema: Value = serde_json::from_str(&schema_text).expect("JSON");
    let validator = jsonschema::options().should_validate_formats(true).build(&schema).expect("the schema compiles");
    let typescript = typescript_verdicts(&bodies);

    let server = start(Limits::Off).await;
    let credentials = json!({"email": "ada@example.com", "password": "Test123!"});
    let http = reqwest::Client::new();
    http.post(format!("{}/api/auth/register", server.base)).json(&credentials).send().await.expect("register");
    let token: Value = http
        .post(format!("{}/api/auth/login", server.base))
        .json(&credentials)
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("token");
    let token = token["access_token"].as_str().expect("a token");

    for (((url, keyword), body), typescript) in cases.iter().zip(&bodies).zip(typescript) {
        let want = expected(*keyword);
        let rust: BTreeSet<(String, String)> = validator
            .iter_errors(body)
            .map(|e| (e.instance_path().to_string(), e.kind().keyword().to_owned()))
            .collect();
        assert_eq!(rust, want, "JSON Schema on {url:?}");
        assert_eq!(typescript, want, "TypeScript validator on {url:?}");
        assert_eq!(url.parse::<TranscriptionCreateVideoUrl>().is_ok(), keyword.is_none(), "Rust client on {url:?}");

        let answer = http
            .post(format!("{}/api/transcription", server.base))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("create");
        let status = answer.status();
        let answer: Value = answer.json().await.expect("JSON");
        let server_errors: BTreeSet<(String, String)> = answer["errors"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| {
                let path = e["path"].as_str().unwrap_or_default();
                (
                    path.strip_prefix("/body").unwrap_or(path).to_owned(),
                    e["keyword"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        match keyword {
            None => assert_eq!(status, StatusCode::CREATED, "server on {url:?}: {answer}"),
            Some(_) => {
                assert_eq!((status, server_errors), (StatusCode::UNPROCESSABLE_ENTITY, want), "server on {url:?}")
            }
        }
    }
}
