//! A compiler from JSON Schema 2020-12 to standalone TypeScript validators.
//!
//! Every subschema becomes one function `(x, p, e[, ev]) => boolean`: `x` the value, `p` its JSON
//! pointer, `e` the error list (`undefined` for a yes/no check that stops at the first failure and
//! builds no path), `ev` the property names evaluated so far (only when some schema uses
//! `unevaluatedProperties`). References become calls, so recursion works.
//!
//! Errors follow the Rust `jsonschema` crate, so that the server and the browser report the same
//! `(path, keyword)` pairs: `allOf` and `$ref` are transparent; `anyOf`, `oneOf`, `not` report one
//! error of their own; `required` one per missing property; `additionalProperties: false` and
//! `unevaluatedProperties: false` one per object.
//!
//! Resources: documents are indexed by their retrieval URI and every `$id` (resolved against the
//! base URI in force) and `$anchor`; references resolve against the base URI of the schema that
//! holds them. Unknown documents are asked of a loader (for remote references).

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use serde_json::Value;
use url::Url;

use super::printer::{self, PROTOTYPE_NAMES, Writer};

/// What the compiler can fail on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CompileError {
    #[error("cannot resolve `{reference}` (from base `{base}`)")]
    UnresolvedReference { reference: String, base: String },
    #[error("`{uri}` is not a valid URI reference")]
    InvalidUri { uri: String },
    #[error("no schema at `{uri}`")]
    NoSchema { uri: String },
    #[error("pattern `{pattern}` is not a valid ECMA-262 regular expression (with the `u` flag): {reason}")]
    InvalidPattern { pattern: String, reason: String },
    #[error("keyword `{keyword}` is not supported by the TypeScript validator compiler")]
    Unsupported { keyword: &'static str },
}

/// Options of one compilation.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Check `format` (date-time, date, time, email, uuid, uri, uri-reference, ipv4, ipv6, hostname) instead of
    /// treating it as an annotation.
    pub assert_formats: bool,
}

/// A place in a document: its retrieval URI and a JSON pointer.
type Location = (String, String);

/// Every schema document and what identifies its subschemas.
pub struct Registry<'l> {
    documents: HashMap<String, Value>,
    /// Canonical URI (no fragment) of each schema resource → its location.
    resources: HashMap<String, Location>,
    /// `uri#anchor` → location.
    anchors: HashMap<String, Location>,
    /// The base URI in force at each scanned location.
    bases: HashMap<Location, String>,
    /// `$dynamicAnchor` names in the order their resources were added (the first is outermost).
    dynamic_anchors: Vec<(String, Location)>,
    loader: Box<dyn Fn(&str) -> Option<Value> + 'l>,
}

const SUBSCHEMA: &[&str] = &[
    "items",
    "additionalProperties",
    "unevaluatedProperties",
    "unevaluatedItems",
    "not",
    "contains",
    "propertyNames",
    "if",
    "then",
    "else",
    "additionalItems",
];
const SUBSCHEMA_ARRAY: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems"];
const SUBSCHEMA_MAP: &[&str] = &["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"];

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
        if let Some(id) = object.get("$id").and_then(Value::as_str) {
            if let Some(resolved) = join(&base, id) {
                base = strip_fragment(&resolved).to_owned();
                self.resources.insert(base.clone(), (doc.to_owned(), pointer.to_owned()));
            }
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
            if SUBSCHEMA.contains(&key.as_str()) {
                self.scan(doc, value, &push(pointer, key), &base);
            } else if SUBSCHEMA_ARRAY.contains(&key.as_str()) {
                for (index, item) in value.as_array().into_iter().flatten().enumerate() {
                    self.scan(doc, item, &push(&push(pointer, key), &index.to_string()), &base);
                }
            } else if SUBSCHEMA_MAP.contains(&key.as_str()) {
                for (name, item) in value.as_object().into_iter().flatten() {
                    self.scan(doc, item, &push(&push(pointer, key), name), &base);
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

    fn schema(&self, location: &Location) -> Option<&Value> {
        let document = self.documents.get(&location.0)?;
        if location.1.is_empty() { Some(document) } else { document.pointer(&location.1) }
    }

    /// The base URI in force at `location`.
    fn base(&self, location: &Location) -> String {
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
fn join(base: &str, reference: &str) -> Option<String> {
    if let Ok(absolute) = Url::parse(reference) {
        return Some(absolute.to_string());
    }
    if let Some(fragment) = reference.strip_prefix('#') {
        return Some(format!("{}#{fragment}", strip_fragment(base)));
    }
    Url::parse(base).ok()?.join(reference).ok().map(|u| u.to_string())
}

fn push(pointer: &str, segment: &str) -> String {
    format!("{pointer}/{}", segment.replace('~', "~0").replace('/', "~1"))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 3 <= bytes.len() {
            if let Some(byte) =
                std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|hex| u8::from_str_radix(hex, 16).ok())
            {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A compiled module: TypeScript code and, per root, the name of its function.
pub struct Module {
    /// Module-level constants and the functions, without imports or exports.
    pub body: String,
    /// The names the runtime module must export for `body`.
    pub runtime: Vec<&'static str>,
    /// The function of each root, in the order given.
    pub roots: Vec<String>,
    /// Whether the functions take the `ev` argument.
    pub tracks_evaluated: bool,
}

/// Compiles the schemas at `roots` (absolute URIs) and everything they reference.
pub fn compile(registry: &mut Registry<'_>, roots: &[String], options: &Options) -> Result<Module, CompileError> {
    let mut locations = Vec::new();
    for root in roots {
        locations.push(registry.locate(root)?);
    }
    let tracks_evaluated = registry.documents.values().any(uses_unevaluated);
    let mut compiler = Compiler {
        registry,
        options,
        functions: HashMap::new(),
        queue: Vec::new(),
        constants: Vec::new(),
        constant_names: HashMap::new(),
        code: Writer::default(),
        runtime: BTreeMap::new(),
        tracks_evaluated,
    };
    let roots: Vec<String> = locations.into_iter().map(|l| compiler.function(l)).collect();
    while let Some((location, name)) = compiler.queue.pop() {
        compiler.emit_function(&location, &name)?;
    }
    let mut body = String::new();
    for (name, expression) in &compiler.constants {
        let _ = writeln!(body, "const {name} = {expression};");
    }
    if !compiler.constants.is_empty() {
        body.push('\n');
    }
    body.push_str(&compiler.code.finish());
    Ok(Module { body, runtime: compiler.runtime.into_keys().collect(), roots, tracks_evaluated })
}

fn uses_unevaluated(value: &Value) -> bool {
    match value {
        Value::Object(map) => {
            map.iter().any(|(k, v)| (k == "unevaluatedProperties" && v != &Value::Bool(true)) || uses_unevaluated(v))
        }
        Value::Array(items) => items.iter().any(uses_unevaluated),
        _ => false,
    }
}

struct Compiler<'r, 'l> {
    registry: &'r mut Registry<'l>,
    options: &'r Options,
    functions: HashMap<Location, String>,
    queue: Vec<(Location, String)>,
    constants: Vec<(String, String)>,
    constant_names: HashMap<String, String>,
    code: Writer,
    runtime: BTreeMap<&'static str, ()>,
    tracks_evaluated: bool,
}

/// How a compiled check reports a failure.
struct Fail<'a> {
    keyword: &'a str,
    /// A TypeScript expression of type string.
    message: String,
}

impl Compiler<'_, '_> {
    fn use_runtime(&mut self, name: &'static str) -> &'static str {
        self.runtime.insert(name, ());
        name
    }

    /// The function name for the schema at `location`, queued for emission once.
    fn function(&mut self, location: Location) -> String {
        if let Some(name) = self.functions.get(&location) {
            return name.clone();
        }
        let name = format!("v{}", self.functions.len());
        self.functions.insert(location.clone(), name.clone());
        self.queue.push((location, name.clone()));
        name
    }

    fn sub(&mut self, location: &Location, segments: &[&str]) -> String {
        let mut pointer = location.1.clone();
        for segment in segments {
            pointer = push(&pointer, segment);
        }
        self.function((location.0.clone(), pointer))
    }

    /// A module-level constant for `expression`, shared by equal expressions.
    fn constant(&mut self, prefix: &str, expression: String) -> String {
        if let Some(name) = self.constant_names.get(&expression) {
            return name.clone();
        }
        let name = format!("{prefix}{}", self.constants.len());
        self.constant_names.insert(expression.clone(), name.clone());
        self.constants.push((name.clone(), expression));
        name
    }

    fn regex(&mut self, pattern: &str) -> Result<String, CompileError> {
        let pattern = unicode_safe(pattern);
        regress::Regex::with_flags(&pattern, "u")
            .map_err(|e| CompileError::InvalidPattern { pattern: pattern.clone(), reason: e.to_string() })?;
        Ok(self.constant("r", format!("new RegExp({}, \"u\")", printer::string(&pattern))))
    }

    fn fail(&mut self, fail: Fail<'_>) {
        self.code.line("if (!e) return false;");
        self.code.line("ok = false;");
        self.code.line(format!(
            "e.push({{ path: p, keyword: {}, message: {} }});",
            printer::string(fail.keyword),
            fail.message
        ));
    }

    /// A call of a subschema function on `value` at `path` (an expression used only when collecting).
    fn call(&self, function: &str, value: &str, path: &str, ev: &str) -> String {
        if self.tracks_evaluated {
            format!("{function}({value}, e ? {path} : \"\", e, {ev})")
        } else {
            format!("{function}({value}, e ? {path} : \"\", e)")
        }
    }

    /// A yes/no call (no errors, no path).
    fn test(&self, function: &str, value: &str, ev: &str) -> String {
        if self.tracks_evaluated {
            format!("{function}({value}, \"\", undefined, {ev})")
        } else {
            format!("{function}({value}, \"\", undefined)")
        }
    }

    fn check_call(&mut self, call: String) {
        self.code.open(format!("if (!{call}) {{"));
        self.code.line("if (!e) return false;");
        self.code.line("ok = false;");
        self.code.close("}");
    }

    fn emit_function(&mut self, location: &Location, name: &str) -> Result<(), CompileError> {
        let schema = self
            .registry
            .schema(location)
            .cloned()
            .ok_or_else(|| CompileError::NoSchema { uri: format!("{}#{}", location.0, location.1) })?;
        let signature = if self.tracks_evaluated {
            format!(
                "function {name}(x: unknown, p: string, e: ValidationError[] | undefined, ev: Set<string> | undefined): boolean {{"
            )
        } else {
            format!("function {name}(x: unknown, p: string, e: ValidationError[] | undefined): boolean {{")
        };
        self.use_runtime("ValidationError");
        self.code.open(signature);
        match &schema {
            Value::Bool(true) => self.code.line("return true;"),
            Value::Bool(false) => {
                self.code.line(
                    "if (e) e.push({ path: p, keyword: \"falseSchema\", message: \"no value is allowed here\" });",
                );
                self.code.line("return false;");
            }
            Value::Object(object) => {
                self.code.line("let ok = true;");
                self.emit_object(location, object)?;
                self.code.line("return ok;");
            }
            _ => self.code.line("return true;"),
        }
        self.code.close("}");
        self.code.line("");
        Ok(())
    }

    fn emit_object(
        &mut self,
        location: &Location,
        schema: &serde_json::Map<String, Value>,
    ) -> Result<(), CompileError> {
        if schema.contains_key("unevaluatedItems") {
            return Err(CompileError::Unsupported { keyword: "unevaluatedItems" });
        }
        // With `unevaluatedProperties`, this schema gathers what its parts evaluate in `u`;
        // otherwise it passes on the `ev` it got.
        let unevaluated = schema.get("unevaluatedProperties").filter(|_| self.tracks_evaluated);
        let ev = if !self.tracks_evaluated {
            "undefined"
        } else if unevaluated.is_some() {
            self.code.line("const u = isObject(x) ? new Set<string>() : undefined;");
            self.use_runtime("isObject");
            "u"
        } else {
            "ev"
        };

        self.emit_type(schema);
        self.emit_enum(schema);
        self.emit_string(schema)?;
        self.emit_number(schema);
        self.emit_array(location, schema);
        self.emit_object_keywords(location, schema, ev)?;
        self.emit_applicators(location, schema, ev)?;

        if let Some(unevaluated) = unevaluated {
            // Like the Rust crate: one error at the object naming every unevaluated property that
            // is not allowed (all of them for `false`, those failing the schema otherwise).
            self.code.open("if (u && isObject(x)) {");
            self.code.line("const extra: string[] = [];");
            let function = if unevaluated == &Value::Bool(false) {
                None
            } else {
                Some(self.sub(location, &["unevaluatedProperties"]))
            };
            self.code.open("for (const k in x) {");
            self.code.line("if (u.has(k)) continue;");
            match function {
                None => {
                    self.code.line("if (!e) return false;");
                    self.code.line("extra.push(k);");
                }
                Some(function) => {
                    let test = self.test(&function, "x[k]", "undefined");
                    self.code.open(format!("if (!{test}) {{"));
                    self.code.line("if (!e) return false;");
                    self.code.line("extra.push(k);");
                    self.code.close("}");
                    self.code.line("else if (ev) ev.add(k);");
                }
            }
            self.code.close("}");
            self.code.open("if (extra.length > 0) {");
            self.fail(Fail {
                keyword: "unevaluatedProperties",
                message: "\"must not have unevaluated properties: \" + extra.join(\", \")".into(),
            });
            self.code.close("}");
            self.code.line("if (ev) for (const k of u) ev.add(k);");
            self.code.close("}");
        }
        Ok(())
    }

    fn emit_type(&mut self, schema: &serde_json::Map<String, Value>) {
        let types: Vec<&str> = match schema.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ => return,
        };
        let mut conditions = Vec::new();
        for t in &types {
            conditions.push(match *t {
                "string" => "typeof x === \"string\"".to_owned(),
                "number" => "typeof x === \"number\"".to_owned(),
                "integer" => "Number.isInteger(x)".to_owned(),
                "boolean" => "typeof x === \"boolean\"".to_owned(),
                "null" => "x === null".to_owned(),
                "array" => "Array.isArray(x)".to_owned(),
                "object" => {
                    self.use_runtime("isObject");
                    "isObject(x)".to_owned()
                }
                _ => "false".to_owned(),
            });
        }
        self.code.open(format!("if (!({})) {{", conditions.join(" || ")));
        self.fail(Fail { keyword: "type", message: printer::string(&format!("must be {}", types.join(" or "))) });
        self.code.close("}");
    }

    fn emit_enum(&mut self, schema: &serde_json::Map<String, Value>) {
        if let Some(value) = schema.get("const") {
            let condition = if value.is_object() || value.is_array() {
                self.use_runtime("equal");
                let constant = self.constant("c", printer::json(value));
                format!("!equal(x, {constant})")
            } else {
                format!("x !== {}", printer::json(value))
            };
            self.code.open(format!("if ({condition}) {{"));
            self.fail(Fail { keyword: "const", message: printer::string(&format!("must be {value}")) });
            self.code.close("}");
        }
        if let Some(Value::Array(values)) = schema.get("enum") {
            let primitive = values.iter().all(|v| !v.is_object() && !v.is_array());
            let condition = if values.is_empty() {
                "true".to_owned()
            } else if primitive && values.len() <= 6 {
                values.iter().map(|v| format!("x !== {}", printer::json(v))).collect::<Vec<_>>().join(" && ")
            } else if primitive {
                let list: Vec<String> = values.iter().map(printer::json).collect();
                let constant = self.constant("c", format!("new Set<unknown>([{}])", list.join(", ")));
                format!("!{constant}.has(x)")
            } else {
                self.use_runtime("equal");
                let constant = self.constant("c", printer::json(&Value::Array(values.clone())));
                format!("!{constant}.some((y: unknown) => equal(x, y))")
            };
            self.code.open(format!("if ({condition}) {{"));
            let shown: Vec<String> = values.iter().map(Value::to_string).collect();
            self.fail(Fail {
                keyword: "enum",
                message: printer::string(&format!("must be one of {}", shown.join(", "))),
            });
            self.code.close("}");
        }
    }

    fn emit_string(&mut self, schema: &serde_json::Map<String, Value>) -> Result<(), CompileError> {
        let min = count(schema.get("minLength"));
        let max = count(schema.get("maxLength"));
        let pattern = schema.get("pattern").and_then(Value::as_str);
        let format = schema
            .get("format")
            .and_then(Value::as_str)
            .filter(|_| self.options.assert_formats)
            .and_then(format_checker);
        if min.is_none() && max.is_none() && pattern.is_none() && format.is_none() {
            return Ok(());
        }
        self.code.open("if (typeof x === \"string\") {");
        if let Some(min) = min {
            self.use_runtime("length");
            // Code points never outnumber code units, and are at least half of them.
            self.code.open(format!(
                "if (x.length < {min} || (x.length < {} && length(x) < {min})) {{",
                min.saturating_mul(2)
            ));
            self.fail(Fail {
                keyword: "minLength",
                message: printer::string(&format!("must have at least {min} characters")),
            });
            self.code.close("}");
        }
        if let Some(max) = max {
            self.use_runtime("length");
            self.code.open(format!("if (x.length > {max} && length(x) > {max}) {{"));
            self.fail(Fail {
                keyword: "maxLength",
                message: printer::string(&format!("must have at most {max} characters")),
            });
            self.code.close("}");
        }
        if let Some(pattern) = pattern {
            let regex = self.regex(pattern)?;
            self.code.open(format!("if (!{regex}.test(x)) {{"));
            self.fail(Fail {
                keyword: "pattern",
                message: printer::string(&format!("must match the pattern {pattern}")),
            });
            self.code.close("}");
        }
        if let Some((name, checker)) = format {
            let checker = self.use_runtime(checker);
            self.code.open(format!("if (!{checker}(x)) {{"));
            self.fail(Fail { keyword: "format", message: printer::string(&format!("must be a valid {name}")) });
            self.code.close("}");
        }
        self.code.close("}");
        Ok(())
    }

    fn emit_number(&mut self, schema: &serde_json::Map<String, Value>) {
        let checks: Vec<(&str, &str, &str)> = vec![
            ("minimum", "<", "must be at least"),
            ("maximum", ">", "must be at most"),
            ("exclusiveMinimum", "<=", "must be greater than"),
            ("exclusiveMaximum", ">=", "must be less than"),
        ];
        let present: Vec<(&str, &str, &str, &Value)> = checks
            .into_iter()
            .filter_map(|(k, op, text)| schema.get(k).filter(|v| v.is_number()).map(|v| (k, op, text, v)))
            .collect();
        let multiple = schema.get("multipleOf").filter(|v| v.is_number());
        if present.is_empty() && multiple.is_none() {
            return;
        }
        self.code.open("if (typeof x === \"number\") {");
        for (keyword, op, text, value) in present {
            self.code.open(format!("if (x {op} {value}) {{"));
            self.fail(Fail { keyword, message: printer::string(&format!("{text} {value}")) });
            self.code.close("}");
        }
        if let Some(value) = multiple {
            self.use_runtime("multipleOf");
            self.code.open(format!("if (!multipleOf(x, {value})) {{"));
            self.fail(Fail {
                keyword: "multipleOf",
                message: printer::string(&format!("must be a multiple of {value}")),
            });
            self.code.close("}");
        }
        self.code.close("}");
    }

    fn emit_array(&mut self, location: &Location, schema: &serde_json::Map<String, Value>) {
        let prefix = schema.get("prefixItems").and_then(Value::as_array).map_or(0, Vec::len);
        let keywords = ["minItems", "maxItems", "uniqueItems", "prefixItems", "items", "contains"];
        if !keywords.iter().any(|k| schema.contains_key(*k)) {
            return;
        }
        self.use_runtime("esc");
        self.code.open("if (Array.isArray(x)) {");
        if let Some(min) = count(schema.get("minItems")) {
            self.code.open(format!("if (x.length < {min}) {{"));
            self.fail(Fail {
                keyword: "minItems",
                message: printer::string(&format!("must have at least {min} items")),
            });
            self.code.close("}");
        }
        if let Some(max) = count(schema.get("maxItems")) {
            self.code.open(format!("if (x.length > {max}) {{"));
            self.fail(Fail {
                keyword: "maxItems",
                message: printer::string(&format!("must have at most {max} items")),
            });
            self.code.close("}");
        }
        if schema.get("uniqueItems") == Some(&Value::Bool(true)) {
            self.use_runtime("unique");
            self.code.open("if (!unique(x)) {");
            self.fail(Fail { keyword: "uniqueItems", message: "\"must not have duplicate items\"".into() });
            self.code.close("}");
        }
        for index in 0..prefix {
            let function = self.sub(location, &["prefixItems", &index.to_string()]);
            let call = self.call(&function, &format!("x[{index}]"), &format!("p + \"/{index}\""), "undefined");
            self.code.open(format!("if (x.length > {index}) {{"));
            self.check_call(call);
            self.code.close("}");
        }
        if let Some(items) = schema.get("items") {
            if items == &Value::Bool(false) {
                // Like the Rust crate: one error per item past the prefix.
                self.code.open(format!("for (let i = {prefix}; i < x.length; i++) {{"));
                self.code.line("if (!e) return false;");
                self.code.line("ok = false;");
                self.code.line(
                    "e.push({ path: p + \"/\" + i, keyword: \"falseSchema\", message: \"no item is allowed here\" });",
                );
                self.code.close("}");
            } else if items != &Value::Bool(true) {
                let function = self.sub(location, &["items"]);
                self.code.open(format!("for (let i = {prefix}; i < x.length; i++) {{"));
                let call = self.call(&function, "x[i]", "p + \"/\" + i", "undefined");
                self.check_call(call);
                self.code.close("}");
            }
        }
        if schema.contains_key("contains") {
            let function = self.sub(location, &["contains"]);
            let min = count(schema.get("minContains")).unwrap_or(1);
            let max = count(schema.get("maxContains"));
            self.code.line("let matches = 0;");
            let test = self.test(&function, "y", "undefined");
            self.code.line(format!("for (const y of x) if ({test}) matches++;"));
            self.code.open(format!("if (matches < {min}) {{"));
            self.fail(Fail {
                keyword: "contains",
                message: printer::string(&format!("must contain at least {min} matching items")),
            });
            self.code.close("}");
            if let Some(max) = max {
                self.code.open(format!("if (matches > {max}) {{"));
                self.fail(Fail {
                    keyword: "contains",
                    message: printer::string(&format!("must contain at most {max} matching items")),
                });
                self.code.close("}");
            }
        }
        self.code.close("}");
    }

    fn emit_object_keywords(
        &mut self,
        location: &Location,
        schema: &serde_json::Map<String, Value>,
        ev: &str,
    ) -> Result<(), CompileError> {
        let keywords = [
            "required",
            "properties",
            "patternProperties",
            "additionalProperties",
            "propertyNames",
            "minProperties",
            "maxProperties",
            "dependentRequired",
            "dependentSchemas",
        ];
        if !keywords.iter().any(|k| schema.contains_key(*k)) {
            return Ok(());
        }
        self.use_runtime("isObject");
        self.use_runtime("has");
        self.use_runtime("esc");
        self.code.open("if (isObject(x)) {");
        for name in schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
            self.code.open(format!("if ({}) {{", absent(name)));
            self.fail(Fail { keyword: "required", message: printer::string(&format!("must have property {name}")) });
            self.code.close("}");
        }
        let properties: Vec<(String, Value)> = schema
            .get("properties")
            .and_then(Value::as_object)
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default();
        for (name, property) in &properties {
            if property == &Value::Bool(true) {
                continue;
            }
            let function = self.sub(location, &["properties", name]);
            let access = format!("x[{}]", printer::string(name));
            let path = format!("p + {}", printer::string(&format!("/{}", name.replace('~', "~0").replace('/', "~1"))));
            let call = self.call(&function, &access, &path, "undefined");
            self.code.open(format!("if (!({})) {{", absent(name)));
            self.check_call(call);
            self.code.close("}");
        }
        if ev != "undefined" {
            for (name, _) in &properties {
                self.code.line(format!("if ({ev} && !({})) {ev}.add({});", absent(name), printer::string(name)));
            }
        }
        let patterns: Vec<(String, Value)> = schema
            .get("patternProperties")
            .and_then(Value::as_object)
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default();
        let additional = schema.get("additionalProperties");
        let names_schema = schema.get("propertyNames");
        if !patterns.is_empty()
            || additional.is_some_and(|a| a != &Value::Bool(true))
            || names_schema.is_some()
            || (ev != "undefined" && additional.is_some())
        {
            let closed = additional == Some(&Value::Bool(false));
            if closed {
                self.code.line("const extra: string[] = [];");
            }
            let names_false = names_schema == Some(&Value::Bool(false));
            if names_false {
                self.code.line("let named = false;");
            }
            self.code.open("for (const k in x) {");
            if let Some(names) = names_schema {
                if names == &Value::Bool(false) {
                    self.code.line("if (!e) return false;");
                    self.code.line("named = true;");
                } else {
                    let function = self.sub(location, &["propertyNames"]);
                    let test = self.test(&function, "k", "undefined");
                    self.code.open(format!("if (!{test}) {{"));
                    self.fail(Fail {
                        keyword: "propertyNames",
                        message: "\"has an invalid property name: \" + k".into(),
                    });
                    self.code.close("}");
                }
            }
            if !patterns.is_empty() || additional.is_some() {
                self.code.line("let matched = false;");
                for (pattern, _) in &patterns {
                    let regex = self.regex(pattern)?;
                    let function = self.sub(location, &["patternProperties", pattern]);
                    self.code.open(format!("if ({regex}.test(k)) {{"));
                    self.code.line("matched = true;");
                    let call = self.call(&function, "x[k]", "p + \"/\" + esc(k)", "undefined");
                    self.check_call(call);
                    if ev != "undefined" {
                        self.code.line(format!("if ({ev}) {ev}.add(k);"));
                    }
                    self.code.close("}");
                }
                if let Some(additional) = additional {
                    let known: Vec<String> =
                        properties.iter().map(|(k, _)| format!("k === {}", printer::string(k))).collect();
                    let known = if known.is_empty() { "false".to_owned() } else { known.join(" || ") };
                    self.code.open(format!("if (!matched && !({known})) {{"));
                    if closed {
                        self.code.line("if (!e) return false;");
                        self.code.line("extra.push(k);");
                    } else if additional != &Value::Bool(true) {
                        let function = self.sub(location, &["additionalProperties"]);
                        let call = self.call(&function, "x[k]", "p + \"/\" + esc(k)", "undefined");
                        self.check_call(call);
                    }
                    if ev != "undefined" {
                        self.code.line(format!("if ({ev}) {ev}.add(k);"));
                    }
                    self.code.close("}");
                }
            }
            self.code.close("}");
            if names_false {
                // Like the Rust crate: `propertyNames: false` is one `falseSchema` error.
                self.code.open("if (named) {");
                self.fail(Fail { keyword: "falseSchema", message: "\"no property is allowed\"".into() });
                self.code.close("}");
            }
            if closed {
                // Like the Rust crate: one error naming the extras; a bare `additionalProperties:
                // false` (no `properties`, no `patternProperties`) is a `falseSchema` error.
                let keyword =
                    if properties.is_empty() && patterns.is_empty() { "falseSchema" } else { "additionalProperties" };
                self.code.open("if (extra.length > 0) {");
                self.fail(Fail {
                    keyword,
                    message: "\"must not have additional properties: \" + extra.join(\", \")".into(),
                });
                self.code.close("}");
            }
        }
        let min = count(schema.get("minProperties"));
        let max = count(schema.get("maxProperties"));
        if min.is_some() || max.is_some() {
            self.code.line("let count = 0;");
            self.code.line("for (const k in x) if (has(x, k)) count++;");
            if let Some(min) = min {
                self.code.open(format!("if (count < {min}) {{"));
                self.fail(Fail {
                    keyword: "minProperties",
                    message: printer::string(&format!("must have at least {min} properties")),
                });
                self.code.close("}");
            }
            if let Some(max) = max {
                self.code.open(format!("if (count > {max}) {{"));
                self.fail(Fail {
                    keyword: "maxProperties",
                    message: printer::string(&format!("must have at most {max} properties")),
                });
                self.code.close("}");
            }
        }
        for (name, required) in schema.get("dependentRequired").and_then(Value::as_object).into_iter().flatten() {
            for other in required.as_array().into_iter().flatten().filter_map(Value::as_str) {
                self.code.open(format!("if (!({}) && {}) {{", absent(name), absent(other)));
                self.fail(Fail {
                    keyword: "required",
                    message: printer::string(&format!("must have property {other} when {name} is present")),
                });
                self.code.close("}");
            }
        }
        let dependent: Vec<String> = schema
            .get("dependentSchemas")
            .and_then(Value::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        for name in dependent {
            let function = self.sub(location, &["dependentSchemas", &name]);
            let call = self.call(&function, "x", "p", ev);
            self.code.open(format!("if (!({})) {{", absent(&name)));
            self.check_call(call);
            self.code.close("}");
        }
        self.code.close("}");
        Ok(())
    }

    fn emit_applicators(
        &mut self,
        location: &Location,
        schema: &serde_json::Map<String, Value>,
        ev: &str,
    ) -> Result<(), CompileError> {
        for keyword in ["$ref", "$dynamicRef"] {
            if let Some(reference) = schema.get(keyword).and_then(Value::as_str) {
                let base = self.registry.base(location);
                let target =
                    join(&base, reference).ok_or_else(|| CompileError::InvalidUri { uri: reference.to_owned() })?;
                let mut target = self.registry.locate(&target).map_err(|_| CompileError::UnresolvedReference {
                    reference: reference.to_owned(),
                    base: base.clone(),
                })?;
                // `$dynamicRef: "#name"` whose static target declares `$dynamicAnchor: name` goes to
                // the outermost resource declaring it. A compiled function cannot depend on the
                // dynamic scope, so "outermost" is the first such resource the compilation entered,
                // which is what meta-schema extension (the use `$dynamicRef` exists for) needs.
                if keyword == "$dynamicRef" {
                    if let Some(anchor) = reference.strip_prefix('#') {
                        let declares =
                            self.registry.schema(&target).and_then(|s| s.get("$dynamicAnchor")).and_then(Value::as_str)
                                == Some(anchor);
                        if declares {
                            if let Some((_, outermost)) =
                                self.registry.dynamic_anchors.iter().find(|(name, _)| name == anchor)
                            {
                                target = outermost.clone();
                            }
                        }
                    }
                }
                let function = self.function(target);
                let call = self.call(&function, "x", "p", ev);
                self.check_call(call);
            }
        }
        if let Some(Value::Array(members)) = schema.get("allOf") {
            for index in 0..members.len() {
                let function = self.sub(location, &["allOf", &index.to_string()]);
                let call = self.call(&function, "x", "p", ev);
                self.check_call(call);
            }
        }
        if let Some(Value::Array(branches)) = schema.get("anyOf") {
            let functions: Vec<String> =
                (0..branches.len()).map(|i| self.sub(location, &["anyOf", &i.to_string()])).collect();
            self.code.open("{");
            if ev != "undefined" {
                // Every valid branch contributes its evaluated properties.
                self.code.line("let any = false;");
                for function in &functions {
                    self.code.open("{");
                    self.code.line(format!("const s = {ev} ? new Set<string>() : undefined;"));
                    let test = self.test(function, "x", "s");
                    self.code
                        .line(format!("if ({test}) {{ any = true; if ({ev} && s) for (const k of s) {ev}.add(k); }}"));
                    self.code.close("}");
                }
                self.code.open("if (!any) {");
            } else {
                let tests: Vec<String> = functions.iter().map(|f| self.test(f, "x", "undefined")).collect();
                self.code.open(format!("if (!({})) {{", tests.join(" || ")));
            }
            self.fail(Fail { keyword: "anyOf", message: "\"must match a schema in anyOf\"".into() });
            self.code.close("}");
            self.code.close("}");
        }
        if let Some(Value::Array(branches)) = schema.get("oneOf") {
            let functions: Vec<String> =
                (0..branches.len()).map(|i| self.sub(location, &["oneOf", &i.to_string()])).collect();
            self.code.open("{");
            self.code.line("let matches = 0;");
            if ev != "undefined" {
                self.code.line("let winner: Set<string> | undefined;");
            }
            for function in &functions {
                if ev != "undefined" {
                    self.code.open("{");
                    self.code.line(format!("const s = {ev} ? new Set<string>() : undefined;"));
                    let test = self.test(function, "x", "s");
                    self.code.line(format!("if ({test}) {{ matches++; winner = s; }}"));
                    self.code.close("}");
                } else {
                    let test = self.test(function, "x", "undefined");
                    self.code.line(format!("if (matches < 2 && {test}) matches++;"));
                }
            }
            self.code.open("if (matches !== 1) {");
            self.fail(Fail {
                keyword: "oneOf",
                message: "matches === 0 ? \"must match a schema in oneOf\" : \"must match only one schema in oneOf\""
                    .into(),
            });
            self.code.close("}");
            if ev != "undefined" {
                self.code.line(format!("else if ({ev} && winner) for (const k of winner) {ev}.add(k);"));
            }
            self.code.close("}");
        }
        if schema.contains_key("not") {
            let function = self.sub(location, &["not"]);
            let test = self.test(&function, "x", "undefined");
            self.code.open(format!("if ({test}) {{"));
            self.fail(Fail { keyword: "not", message: "\"must not match the schema in not\"".into() });
            self.code.close("}");
        }
        if schema.contains_key("if") {
            let condition = self.sub(location, &["if"]);
            let then = schema.contains_key("then").then(|| self.sub(location, &["then"]));
            let otherwise = schema.contains_key("else").then(|| self.sub(location, &["else"]));
            // `if` marks properties evaluated only when it passes.
            self.code.open("{");
            let test = if ev == "undefined" {
                self.test(&condition, "x", "undefined")
            } else {
                self.code.line(format!("const s = {ev} ? new Set<string>() : undefined;"));
                self.test(&condition, "x", "s")
            };
            self.code.open(format!("if ({test}) {{"));
            if ev != "undefined" {
                self.code.line(format!("if ({ev} && s) for (const k of s) {ev}.add(k);"));
            }
            if let Some(then) = then {
                let call = self.call(&then, "x", "p", ev);
                self.check_call(call);
            }
            self.code.middle("} else {");
            if let Some(otherwise) = otherwise {
                let call = self.call(&otherwise, "x", "p", ev);
                self.check_call(call);
            }
            self.code.close("}");
            self.code.close("}");
        }
        Ok(())
    }
}

/// `pattern` with identity escapes of punctuation (`\-`, `\_`, `\:`...) written as `\xHH`: the
/// `u` flag (which JSON Schema's ECMA-262 dialect needs for code points) rejects them, while every
/// engine reads the hex form alike.
fn unicode_safe(pattern: &str) -> String {
    const SYNTAX: &str = "^$\\.*+?()[]{}|/";
    let mut out = String::with_capacity(pattern.len());
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some(next) if next.is_ascii_punctuation() && !SYNTAX.contains(next) || next == ' ' => {
                out.push_str(&format!("\\x{:02X}", next as u32));
            }
            Some(next) => {
                out.push('\\');
                out.push(next);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// A non-negative whole number, also when written as a decimal (`2.0`).
fn count(value: Option<&Value>) -> Option<u64> {
    let value = value?;
    value.as_u64().or_else(|| value.as_f64().filter(|f| *f >= 0.0 && f.fract() == 0.0).map(|f| f as u64))
}

/// A condition that is true when property `name` is absent from object `x`.
fn absent(name: &str) -> String {
    if PROTOTYPE_NAMES.contains(&name) {
        format!("!has(x, {})", printer::string(name))
    } else {
        format!("x[{}] === undefined", printer::string(name))
    }
}

/// The runtime checker of an asserted format, if the compiler knows it.
fn format_checker(format: &str) -> Option<(&str, &'static str)> {
    let checker = match format {
        "date-time" => "isDateTime",
        "date" => "isDate",
        "time" => "isTime",
        "email" => "isEmail",
        "uuid" => "isUuid",
        "uri" => "isUri",
        "uri-reference" => "isUriReference",
        "ipv4" => "isIpv4",
        "ipv6" => "isIpv6",
        "hostname" => "isHostname",
        _ => return None,
    };
    Some((format, checker))
}

/// The import line of a compiled module.
pub fn import_line(module: &Module, from: &str) -> String {
    let names: Vec<String> = module
        .runtime
        .iter()
        .map(|n| if *n == "ValidationError" { format!("type {n}") } else { (*n).to_owned() })
        .collect();
    format!("import {{ {} }} from {};", names.join(", "), printer::string(from))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_escapes_become_hex() {
        assert_eq!(unicode_safe(r"^[0-9]{3}\-[0-9]{4}$"), r"^[0-9]{3}\x2D[0-9]{4}$");
        assert_eq!(unicode_safe(r"[a\-z\_]\d\.\/"), r"[a\x2Dz\x5F]\d\.\/");
        assert!(regress::Regex::with_flags(&unicode_safe(r"^\:\@\#\ $"), "u").is_ok());
    }

    #[test]
    fn unsupported_and_invalid_are_errors_not_silence() {
        let compile = |schema: Value| {
            let mut registry = Registry::new(|_| None);
            registry.add("https://x.invalid/s.json", schema);
            compile(&mut registry, &["https://x.invalid/s.json".to_owned()], &Options::default()).map(|_| ())
        };
        assert_eq!(
            compile(serde_json::json!({"unevaluatedItems": false})),
            Err(CompileError::Unsupported { keyword: "unevaluatedItems" })
        );
        assert!(matches!(
            compile(serde_json::json!({"pattern": "(unclosed"})),
            Err(CompileError::InvalidPattern { .. })
        ));
        assert!(compile(serde_json::json!({"minLength": 1e19})).is_ok(), "huge bounds do not overflow");
    }
}
