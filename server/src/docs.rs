//! The reference page (`GET /api/v2/reference`): the contract rendered to one self-contained HTML
//! document on the server, with no script, font or stylesheet from elsewhere, so it works offline
//! (Swagger UI, where operations can be tried, is `server/src/swagger.rs`).

use std::fmt::Write;

use serde_json::{Map, Value};

/// Whether one external provider is configured on this server, for the page's "Providers" table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderStatus {
    /// What the provider does, such as `Sign-in with Google`.
    pub name: &'static str,
    /// The tag or operations it backs, such as `oauth_authorize, oauth_callback`.
    pub serves: &'static str,
    pub configured: bool,
    /// The variables that configure it.
    pub variables: Vec<&'static str>,
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A schema in a few words: `Project`, `string (uuid)`, `Project[]`, `"a" | "b"`...
fn describe(schema: &Value) -> String {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.rsplit('/').next().unwrap_or(reference);
        return format!("<a href=\"#schema-{0}\">{0}</a>", escape(name));
    }
    if let Some(Value::Array(values)) = schema.get("enum") {
        return values.iter().map(|v| escape(&v.to_string())).collect::<Vec<_>>().join(" | ");
    }
    if let Some(value) = schema.get("const") {
        return escape(&value.to_string());
    }
    for keyword in ["anyOf", "oneOf"] {
        if let Some(Value::Array(branches)) = schema.get(keyword) {
            return branches.iter().map(describe).collect::<Vec<_>>().join(" | ");
        }
    }
    let types: Vec<String> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.clone()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        _ => return "any".into(),
    };
    types
        .iter()
        .map(|t| match t.as_str() {
            "array" => format!("{}[]", schema.get("items").map_or_else(|| "any".into(), describe)),
            "object" => match schema.get("additionalProperties") {
                Some(value) if value.is_object() => format!("map of {}", describe(value)),
                _ => "object".into(),
            },
            other => match schema.get("format").and_then(Value::as_str) {
                Some(format) => format!("{other} ({})", escape(format)),
                None => other.to_owned(),
            },
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

fn constraints(schema: &Value) -> String {
    let mut parts = Vec::new();
    for keyword in ["minLength", "maxLength", "minimum", "maximum", "minItems", "maxItems", "pattern", "default"] {
        if let Some(value) = schema.get(keyword) {
            parts.push(format!("{keyword}: <code>{}</code>", escape(&value.to_string())));
        }
    }
    parts.join(", ")
}

/// Escaped text with `code` spans.
fn text(value: Option<&Value>) -> String {
    let Some(raw) = value.and_then(Value::as_str) else { return String::new() };
    let parts: Vec<&str> = raw.split('`').collect();
    if parts.len().is_multiple_of(2) {
        // An unpaired backtick: no spans.
        return escape(raw);
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, part)| if i % 2 == 1 { format!("<code>{}</code>", escape(part)) } else { escape(part) })
        .collect()
}

/// The page for an OpenAPI 3.1 document, with which providers this server has configured.
pub fn render(document: &Map<String, Value>, providers: &[ProviderStatus]) -> String {
    let info = document.get("info").cloned().unwrap_or(Value::Null);
    let title = text(info.get("title"));
    let mut out = String::new();
    let _ = write!(
        out,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title><style>\
         body{{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:70rem;padding:1rem 2rem;color:#1d2330}}\
         h2{{border-bottom:1px solid #d0d4dc;padding-bottom:.3rem;margin-top:2.5rem}}\
         .op{{border:1px solid #d0d4dc;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}}\
         .method{{display:inline-block;min-width:4.5rem;font-weight:700;text-transform:uppercase}}\
         code{{background:#f1f3f6;padding:0 .25rem;border-radius:3px}}table{{border-collapse:collapse;width:100%}}\
         td,th{{border-bottom:1px solid #e6e8ec;padding:.25rem .5rem;text-align:left;vertical-align:top}}\
         .muted{{color:#5c6473}}</style></head><body><h1>{title} <small class=\"muted\">{}</small></h1><p>{}</p>\
         <p><a href=\"docs\">Swagger UI</a> · <a href=\"openapi.yaml\">openapi.yaml</a> · \
         <a href=\"openapi.json\">openapi.json</a></p>",
        text(info.get("version")),
        text(info.get("description")).replace("\n\n", "</p><p>")
    );
    providers_html(&mut out, providers);
    let paths = document.get("paths").and_then(Value::as_object).cloned().unwrap_or_default();
    for tag in document.get("tags").and_then(Value::as_array).into_iter().flatten() {
        let name = tag.get("name").and_then(Value::as_str).unwrap_or_default();
        let _ = write!(out, "<h2 id=\"tag-{0}\">{0}</h2><p>{1}</p>", escape(name), text(tag.get("description")));
        for (path, item) in &paths {
            for (method, operation) in item.as_object().into_iter().flatten() {
                let tagged =
                    operation.get("tags").and_then(Value::as_array).is_some_and(|t| t.iter().any(|x| x == name));
                if tagged {
                    operation_html(&mut out, method, path, operation);
                }
            }
        }
    }
    out.push_str("<h2 id=\"schemas\">Schemas</h2>");
    for (name, schema) in
        document.get("components").and_then(|c| c.get("schemas")).and_then(Value::as_object).into_iter().flatten()
    {
        let _ = write!(
            out,
            "<div class=\"op\" id=\"schema-{0}\"><h3>{0}</h3><p>{1}</p><p>{2}</p>",
            escape(name),
            text(schema.get("description")),
            describe(schema)
        );
        let required: Vec<&str> =
            schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            out.push_str("<table><tr><th>property</th><th>type</th><th>rules</th><th>description</th></tr>");
            for (property, value) in properties {
                let mark =
                    if required.contains(&property.as_str()) { "" } else { " <span class=\"muted\">(optional)</span>" };
                let _ = write!(
                    out,
                    "<tr><td><code>{}</code>{mark}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    escape(property),
                    describe(value),
                    constraints(value),
                    text(value.get("description"))
                );
            }
            out.push_str("</table>");
        }
        out.push_str("</div>");
    }
    out.push_str("</body></html>\n");
    out
}

/// The table of providers: a client can tell a `503` that configuration fixes from an outage.
fn providers_html(out: &mut String, providers: &[ProviderStatus]) {
    if providers.is_empty() {
        return;
    }
    out.push_str(
        "<h2 id=\"providers\">Providers on this server</h2><p>Operations backed by a provider that is not \
         configured answer <code>503</code> with a problem naming the variables to set.</p>\
         <table><tr><th>provider</th><th>serves</th><th>status</th><th>variables</th></tr>",
    );
    for provider in providers {
        let status = if provider.configured { "configured" } else { "not configured (503)" };
        let variables: Vec<String> = provider.variables.iter().map(|v| format!("<code>{}</code>", escape(v))).collect();
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{status}</td><td>{}</td></tr>",
            escape(provider.name),
            escape(provider.serves),
            variables.join(", ")
        );
    }
    out.push_str("</table>");
}

fn operation_html(out: &mut String, method: &str, path: &str, operation: &Value) {
    let _ = write!(
        out,
        "<div class=\"op\" id=\"{}\"><p><span class=\"method\">{}</span><code>{}</code> — {}</p><p>{}</p>",
        text(operation.get("operationId")),
        escape(method),
        escape(path),
        text(operation.get("summary")),
        text(operation.get("description")).replace("\n\n", "</p><p>")
    );
    if let Some(parameters) = operation.get("parameters").and_then(Value::as_array) {
        out.push_str("<table><tr><th>parameter</th><th>in</th><th>type</th><th>description</th></tr>");
        for parameter in parameters {
            let required = if parameter.get("required") == Some(&Value::Bool(true)) {
                ""
            } else {
                " <span class=\"muted\">(optional)</span>"
            };
            let _ = write!(
                out,
                "<tr><td><code>{}</code>{required}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                text(parameter.get("name")),
                text(parameter.get("in")),
                parameter.get("schema").map(describe).unwrap_or_default(),
                text(parameter.get("description"))
            );
        }
        out.push_str("</table>");
    }
    if let Some(content) = operation.pointer("/requestBody/content").and_then(Value::as_object) {
        for (media, body) in content {
            let _ = write!(
                out,
                "<p>Body ({}): {}</p>",
                escape(media),
                body.get("schema").map(describe).unwrap_or_default()
            );
        }
    }
    out.push_str("<table><tr><th>status</th><th>answer</th></tr>");
    for (status, response) in operation.get("responses").and_then(Value::as_object).into_iter().flatten() {
        let body = response
            .get("content")
            .and_then(Value::as_object)
            .and_then(|c| c.values().next())
            .and_then(|m| m.get("schema"))
            .map(describe)
            .unwrap_or_default();
        let _ =
            write!(out, "<tr><td>{}</td><td>{} {body}</td></tr>", escape(status), text(response.get("description")));
    }
    out.push_str("</table></div>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_and_escaping() {
        assert_eq!(
            text(Some(&Value::from("send `If-None-Match` <now>"))),
            "send <code>If-None-Match</code> &lt;now&gt;"
        );
        assert_eq!(text(Some(&Value::from("a ` b"))), "a ` b");
        assert_eq!(text(Some(&Value::from("`<script>`"))), "<code>&lt;script&gt;</code>");
    }

    #[test]
    fn the_page_says_which_providers_are_configured() {
        let providers = [
            ProviderStatus {
                name: "Payments",
                serves: "billing",
                configured: true,
                variables: vec!["PAYMENTS_API_KEY"],
            },
            ProviderStatus {
                name: "Sign-in with <GitHub>",
                serves: "oauth_authorize",
                configured: false,
                variables: vec!["OAUTH_GITHUB_CLIENT_ID", "OAUTH_REDIRECT_URL"],
            },
        ];
        let page = render(&Map::new(), &providers);
        assert!(page.contains(
            "<tr><td>Payments</td><td>billing</td><td>configured</td><td><code>PAYMENTS_API_KEY</code></td></tr>"
        ));
        assert!(page.contains(
            "<tr><td>Sign-in with &lt;GitHub&gt;</td><td>oauth_authorize</td><td>not configured (503)</td>\
             <td><code>OAUTH_GITHUB_CLIENT_ID</code>, <code>OAUTH_REDIRECT_URL</code></td></tr>"
        ));
        assert!(!render(&Map::new(), &[]).contains("id=\"providers\""));
    }
}
