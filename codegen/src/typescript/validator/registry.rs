//! The schema resources a compilation can reach: documents by retrieval URI, every `$id`
//! (resolved against the base URI in force) and `$anchor`/`$dynamicAnchor`, and the base URI at
//! each subschema, so that references resolve the way JSON Schema 2020-12 says. Unknown documents
//! are asked of a loader (remote references).

use std::collections::HashMap;

use serde_json::Value;
use url::Url;

use super::CompileError;
use crate::schema::{SCHEMA_ARRAY_KEYWORDS, SCHEMA_KEYWORDS, SCHEMA_MAP_KEYWORDS, join};

/// A place in a document: its retrieval URI and a JSON pointer.
pub(super) type Location = (String, String);

/// Asks for a document by its URI (without fragment).
type Loader<'l> = Box<dyn Fn(&str) -> Option<Value> + 'l>;

/// Every schema document and what identifies its subschemas.
pub struct Registry<'l> {
    pub(super) documents: HashMap<String, Value>,
    /// Canonical URI (no fragment) of each schema resource → its location.
    resources: HashMap<String, Location>,
    /// `uri#anchor` → location.
    anchors: HashMap<String, Location>,
    /// The base URI in force at each scanned location.
    bases: HashMap<Location, String>,
    /// `$dynamicAnchor` names in the order their resources were added (the first is outermost).
    pub(super) dynamic_anchors: Vec<(String, Location)>,
    loader: Loader<'l>,
}

/// Older spellings the registry also walks (documents of any draft may be loaded), beyond the
/// 2020-12 keywords of [`crate::schema`].
const LEGACY_SUBSCHEMA: &str = "additionalItems";
const LEGACY_SUBSCHEMA_MAP: &str = "definitions";

fn is_subschema(key: &str) -> bool {
    SCHEMA_KEYWORDS.contains(&key) || key == LEGACY_SUBSCHEMA
}

fn is_subschema_map(key: &str) -> bool {
    SCHEMA_MAP_KEYWORDS.contains(&key) || key == LEGACY_SUBSCHEMA_MAP
}

impl<'l> Registry<'l> {
    /// A registry that asks `loader` for documents it does not have (by URI without fragment).
    pub fn new(loader: impl Fn(&str) -> Option<Value> + 'l) -> Self {
        Self {
            documents: HashMap::new(),
            resources: HashMap::new(),
            anchors: HashMap::new(),
            bases: HashMap::new(),
            dynamic_anchors: Vec::new(),
            loader: Box::new(loader),
        }
    }

    /// Adds a document under `uri` (an absolute URI without fragment).
    pub fn add(&mut self, uri: &str, document: Value) {
        let uri = strip_fragment(uri).to_owned();
        self.scan(&uri, &document, "", &uri);
        self.resources.entry(uri.clone()).or_insert_with(|| (uri.clone(), String::new()));
        self.documents.insert(uri, document);
    }

    fn scan(&mut self, doc: &str, schema: &Value, pointer: &str, base: &str) {
        let Some(object) = schema.as_object() else {
            self.bases.insert((doc.to_owned(), pointer.to_owned()), base.to_owned());
            return;
        };
        let mut base = base.to_owned();
        if let Some(id) = object.get("$id").and_then(Value::as_str)
            && let Some(resolved) = resolve(&base, id)
        {
            base = strip_fragment(&resolved).to_owned();
            self.resources.insert(base.clone(), (doc.to_owned(), pointer.to_owned()));
        }
        for keyword in ["$anchor", "$dynamicAnchor"] {
            if let Some(anchor) = object.get(keyword).and_then(Value::as_str) {
                self.anchors.entry(format!("{base}#{anchor}")).or_insert_with(|| (doc.to_owned(), pointer.to_owned()));
                if keyword == "$dynamicAnchor" {
                    self.dynamic_anchors.push((anchor.to_owned(), (doc.to_owned(), pointer.to_owned())));
                }
            }
        }
        self.bases.insert((doc.to_owned(), pointer.to_owned()), base.clone());
        for (key, value) in object {
            if is_subschema(key) {
                self.scan(doc, value, &join(pointer, key), &base);
            } else if SCHEMA_ARRAY_KEYWORDS.contains(&key.as_str()) {
                for (index, item) in value.as_array().into_iter().flatten().enumerate() {
                    self.scan(doc, item, &join(&join(pointer, key), &index.to_string()), &base);
                }
            } else if is_subschema_map(key) {
                for (name, item) in value.as_object().into_iter().flatten() {
                    self.scan(doc, item, &join(&join(pointer, key), name), &base);
                }
            }
        }
    }

    /// The location `uri` (absolute, with or without fragment) names.
    pub fn locate(&mut self, uri: &str) -> Result<Location, CompileError> {
        let (resource, fragment) = match uri.split_once('#') {
            Some((resource, fragment)) => (resource, fragment),
            None => (uri, ""),
        };
        if !self.resources.contains_key(resource) {
            let loaded = (self.loader)(resource).ok_or_else(|| CompileError::NoSchema { uri: uri.to_owned() })?;
            self.add(resource, loaded);
        }
        let (doc, root) =
            self.resources.get(resource).cloned().ok_or_else(|| CompileError::NoSchema { uri: uri.to_owned() })?;
        let location = if fragment.is_empty() {
            (doc, root)
        } else if fragment.starts_with('/') {
            (doc, format!("{root}{}", percent_decode(fragment)))
        } else {
            self.anchors
                .get(&format!("{resource}#{fragment}"))
                .cloned()
                .ok_or_else(|| CompileError::NoSchema { uri: uri.to_owned() })?
        };
        if self.schema(&location).is_none() {
            return Err(CompileError::NoSchema { uri: uri.to_owned() });
        }
        Ok(location)
    }

    pub(super) fn schema(&self, location: &Location) -> Option<&Value> {
        let document = self.documents.get(&location.0)?;
        if location.1.is_empty() { Some(document) } else { document.pointer(&location.1) }
    }

    /// The base URI in force at `location`.
    pub(super) fn base(&self, location: &Location) -> String {
        if let Some(base) = self.bases.get(location) {
            return base.clone();
        }
        // A location reached by a pointer into a part the scan did not visit (such as a schema
        // under an unknown keyword): use the nearest scanned ancestor.
        let mut pointer = location.1.clone();
        while let Some(cut) = pointer.rfind('/') {
            pointer.truncate(cut);
            if let Some(base) = self.bases.get(&(location.0.clone(), pointer.clone())) {
                return base.clone();
            }
        }
        location.0.clone()
    }
}

fn strip_fragment(uri: &str) -> &str {
    uri.split_once('#').map_or(uri, |(base, _)| base)
}

/// Resolves `reference` against `base` (RFC 3986).
pub(super) fn resolve(base: &str, reference: &str) -> Option<String> {
    if let Ok(absolute) = Url::parse(reference) {
        return Some(absolute.to_string());
    }
    if let Some(fragment) = reference.strip_prefix('#') {
        return Some(format!("{}#{fragment}", strip_fragment(base)));
    }
    Url::parse(base).ok()?.join(reference).ok().map(|u| u.to_string())
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 3 <= bytes.len()
            && let Some(byte) =
                std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|hex| u8::from_str_radix(hex, 16).ok())
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
