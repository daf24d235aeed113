//! Swagger UI at `/api/v2/docs`, where every operation can be tried from a browser: the page (the
//! contract's `docs` operation) and the scripts, styles and icons it loads, which this binary
//! serves itself under `/api/v2/docs/`, so nothing is fetched from elsewhere and it works offline.
//!
//! The files are Swagger UI's own, from the copy `utoipa-swagger-ui` vendors and embeds at build
//! time; only its asset server is used (`utoipa_swagger_ui::serve`), configured to load this
//! server's `/api/v2/openapi.json`, never utoipa's OpenAPI model (the document is generated from the
//! contract). The asset route is outside the contract, as `/metrics` is: it serves files, not API;
//! only the files the page loads are served, and any other path under it is the usual `404` problem.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use utoipa_swagger_ui::Config;

/// The page's path: the contract's `docs` operation.
pub const DOCS_PATH: &str = "/api/v2/docs";

/// The route of the page's files (outside the contract).
pub const ASSETS_ROUTE: &str = "/api/v2/docs/{*file}";

/// Where the files are, as the page names them.
const ASSETS: &str = "/api/v2/docs/";

/// The document Swagger UI loads: the contract's `openapi_json` operation.
const OPENAPI_JSON: &str = "/api/v2/openapi.json";

/// The files the page loads: the only ones served.
const FILES: [&str; 6] = [
    "swagger-ui.css",
    "index.css",
    "swagger-ui-bundle.js",
    "swagger-ui-standalone-preset.js",
    "swagger-initializer.js",
    "favicon-32x32.png",
];

/// What the page may do: run its own scripts and styles, its icons inline, and call this server
/// (the document, and "try it out"); nothing from elsewhere, no frame around it, no form, no base.
pub const SWAGGER_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// One file, as it is answered.
struct Asset {
    bytes: Bytes,
    content_type: HeaderValue,
    etag: HeaderValue,
}

/// The page's files, read once at start-up.
pub struct Assets(BTreeMap<&'static str, Asset>);

/// Why Swagger UI's files cannot be served: the embedded copy lacks one (a `utoipa-swagger-ui`
/// that no longer ships it), or its configuration does not serialize.
#[derive(Debug, thiserror::Error)]
pub enum AssetError {
    #[error("Swagger UI's embedded files have no `{0}`")]
    Missing(&'static str),
    #[error("Swagger UI's `{file}` cannot be prepared: {message}")]
    Unreadable { file: &'static str, message: String },
}

impl Assets {
    /// Swagger UI's files, its initializer pointed at this server's OpenAPI document with "try it
    /// out" on.
    pub fn load() -> Result<Self, AssetError> {
        let config = Arc::new(
            Config::from(OPENAPI_JSON)
                // No top bar: it would offer to load any other document.
                .use_base_layout()
                .try_it_out_enabled(true)
                .display_request_duration(true)
                // The public validator would be called with the document's address.
                .validator_url("none"),
        );
        let mut files = BTreeMap::new();
        for file in FILES {
            let served = utoipa_swagger_ui::serve(file, config.clone())
                .map_err(|error| AssetError::Unreadable { file, message: error.to_string() })?
                .ok_or(AssetError::Missing(file))?;
            let bytes = Bytes::from(served.bytes.into_owned());
            let etag = contract_server::etag_of(&bytes);
            files.insert(
                file,
                Asset {
                    content_type: HeaderValue::from_str(&served.content_type)
                        .unwrap_or(HeaderValue::from_static("application/octet-stream")),
                    etag: HeaderValue::from_str(&etag)
                        .map_err(|error| AssetError::Unreadable { file, message: error.to_string() })?,
                    bytes,
                },
            );
        }
        Ok(Self(files))
    }

    /// The route of [`ASSETS_ROUTE`]: `GET` (and `HEAD`) of a file, the `405` problem otherwise.
    pub fn route(self: Arc<Self>) -> MethodRouter {
        axum::routing::get(serve)
            .with_state(self)
            .fallback(|request: Request| async move { contract_server::method_not_allowed("GET", &request) })
    }
}

/// A file of the page, with its `ETag` (`304` when the client's copy is current) and
/// `Cache-Control: no-cache` (checked again at each use, so an upgraded server is seen at once).
async fn serve(State(assets): State<Arc<Assets>>, request: Request) -> Response {
    let name = request.uri().path().strip_prefix(ASSETS).unwrap_or_default();
    let Some(asset) = assets.0.get(name) else { return contract_server::not_found(request).await };
    let current = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|tag| tag.trim() == asset.etag));
    let headers = [(header::ETAG, asset.etag.clone()), (header::CACHE_CONTROL, HeaderValue::from_static("no-cache"))];
    if current {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    (headers, [(header::CONTENT_TYPE, asset.content_type.clone())], asset.bytes.clone()).into_response()
}

/// The page: Swagger UI's stylesheet and scripts from [`ASSETS`], nothing inline but a line of
/// links, so [`SWAGGER_CSP`] can forbid inline scripts. `title` is the contract's.
pub fn page(title: &str) -> String {
    let title = title.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title} — Swagger UI</title>\n\
         <link rel=\"stylesheet\" href=\"{ASSETS}swagger-ui.css\">\n<link rel=\"stylesheet\" href=\"{ASSETS}index.css\">\n\
         <link rel=\"icon\" type=\"image/png\" href=\"{ASSETS}favicon-32x32.png\" sizes=\"32x32\">\n</head>\n<body>\n\
         <p style=\"font:14px system-ui,sans-serif;margin:0;padding:.5rem 1.25rem;background:#1b1b1b;color:#fff\">\
         {title}: <a style=\"color:#89bf04\" href=\"/api/v2/reference\">reference page</a> · \
         <a style=\"color:#89bf04\" href=\"/api/v2/openapi.yaml\">openapi.yaml</a> · \
         <a style=\"color:#89bf04\" href=\"{OPENAPI_JSON}\">openapi.json</a></p>\n\
         <div id=\"swagger-ui\"></div>\n\
         <script src=\"{ASSETS}swagger-ui-bundle.js\" charset=\"utf-8\"></script>\n\
         <script src=\"{ASSETS}swagger-ui-standalone-preset.js\" charset=\"utf-8\"></script>\n\
         <script src=\"{ASSETS}swagger-initializer.js\" charset=\"utf-8\"></script>\n</body>\n</html>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_the_page_names_is_served_and_nothing_comes_from_elsewhere() {
        let assets = Assets::load().expect("the embedded files");
        let page = page("Devora <API>");
        assert!(page.contains("<title>Devora &lt;API&gt; — Swagger UI</title>"));
        for reference in page.split(['"']).filter(|part| part.starts_with(ASSETS)) {
            let file = &reference[ASSETS.len()..];
            assert!(assets.0.contains_key(file), "{file} is named by the page but not served");
        }
        assert_eq!(assets.0.len(), FILES.len());
        assert!(!page.contains("http://") && !page.contains("https://"), "{page}");
        assert!(!page.contains("<script>"), "no inline script: the CSP forbids them");
        let initializer = std::str::from_utf8(&assets.0["swagger-initializer.js"].bytes).expect("UTF-8");
        assert!(initializer.contains("\"url\": \"/api/v2/openapi.json\""), "{initializer}");
        assert!(initializer.contains("\"tryItOutEnabled\": true"), "{initializer}");
        assert!(initializer.contains("\"validatorUrl\": \"none\""), "{initializer}");
        assert!(initializer.contains("\"layout\": \"BaseLayout\""), "{initializer}");
    }
}
