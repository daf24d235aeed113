//! Lowers a [`contract::Contract`] into the [`Model`], collecting every problem on the way.
//!
//! Request types are described as serde *reads* them (schemars' deserialize contract) and response
//! types as serde *writes* them (serialize contract). A type reached from both sides must have one
//! shape, or lowering reports where the two differ. Schemas get the 64-bit integer policy, and every
//! schema is test-rendered in OpenAPI 3.0 so that emitters cannot fail later.
//!
//! Lowering runs in phases, one module each; every phase returns its result and its problems, and
//! every phase runs whatever the earlier ones found, so one run reports every problem:
//! 1. [`operations`] — each operation with its bodies, responses and implied errors; then, on every
//!    schema schemars gave, [`markers`] (serde's `other`, `alias` and written `null`, per direction)
//!    and [`idioms`] (integer-keyed maps, `\d`);
//! 2. [`definitions`] — the request and response definitions merged (differing shapes split);
//! 3. [`parameters`] — parameter structs spread into parameters;
//! 4. [`paths`] — path templates against path parameters, unique ids and routes;
//! 5. [`checks`] — schema names and their OpenAPI 3.0 rendering;
//! 6. every generated name claimed once ([`crate::names`]), the TypeScript validators compiled
//!    (once: the model keeps them), the Rust paths and routers checked.

mod checks;
mod definitions;
mod idioms;
mod markers;
mod operations;
mod parameters;
mod paths;
mod schema_names;

use std::collections::{BTreeMap, BTreeSet};

use contract::{Contract, TypeRef};
use schemars::SchemaGenerator;
use schemars::generate::SchemaSettings;
use serde_json::Value;

use crate::error::{Error, Errors, Field, RustType};
use crate::model::{Info, License, Location, Model, NamedSchema, Operation, Prepared, Server, Tag};
use crate::names::Names;
use crate::schema::{as_ref_name, reachable};
use markers::Side;

pub use paths::template_names;

/// Lowers and validates `contract`: the model, or every problem found.
pub fn lower(contract: &Contract) -> Result<Model, Errors> {
    let mut problems = Vec::new();
    let mut generators = Generators::new();

    let (problem, found) = lower_problem(contract, &mut generators);
    problems.extend(found);
    let (tags, found) = lower_tags(contract);
    problems.extend(found);
    let declared: BTreeSet<String> = tags.iter().map(|tag| tag.name.clone()).collect();

    let mut pending = Vec::new();
    for op in &contract.operations {
        let (operation, found) = operations::lower_operation(op, &declared, &mut generators);
        pending.push(operation);
        problems.extend(found);
    }

    problems.extend(generators.restate_definitions());
    let (schemas, renames, found) = definitions::merge(generators);
    problems.extend(found);
    let problem = definitions::rename_refs(&problem, &renames.response);

    let mut operations = Vec::new();
    for pending in pending {
        let (operation, found) = parameters::spread(pending, &renames, &schemas);
        problems.extend(found);
        problems.extend(paths::check_template(&operation));
        problems.extend(operations::check_last_event_id(&operation));
        operations.push(operation);
    }
    problems.extend(paths::check_unique(&operations));
    operations.sort_by(|a, b| (a.path.as_str(), a.method).cmp(&(b.path.as_str(), b.method)));

    // Keep the schemas the operations reach; parameter structs are spread into parameters.
    let roots = operations.iter().flat_map(operation_schemas).chain(std::iter::once(&problem));
    let used = reachable(roots, &schemas);
    let schemas: BTreeMap<String, NamedSchema> = schemas.into_iter().filter(|(name, _)| used.contains(name)).collect();
    problems.extend(checks::check_schemas(&schemas, &operations));

    let mut model = Model {
        prepared: Prepared::default(),
        info: lower_info(contract),
        servers: contract
            .servers
            .iter()
            .map(|s| Server { url: s.url.to_string(), description: s.description.to_string() })
            .collect(),
        tags,
        problem: as_ref_name(&problem).map(str::to_owned).unwrap_or_default(),
        schemas,
        operations,
    };
    let (names, clashes) = Names::claim(&model);
    problems.extend(clashes);
    let zod = crate::typescript::compile_zod(&model, &names).unwrap_or_else(|errors| {
        problems.extend(errors);
        Vec::new()
    });
    match crate::typescript::compile_validators(&model, &names) {
        Ok(validators) => {
            let (mocks, found) = crate::mock::lower(&model);
            problems.extend(found);
            model.prepared = Prepared { names, validators, zod, mocks };
        }
        Err(error) => problems.push(error),
    }
    problems.extend(crate::rust_server::check(&model));
    if problems.is_empty() { Ok(model) } else { Err(Errors(problems)) }
}

/// The two schemars generators (what serde reads, what it writes) and the Rust path of every type
/// the contract names directly. schemars collects definitions as it goes, so this is the one piece
/// of state the phases share. Names here are schemars' own, per generator, until
/// [`definitions::merge`] renames them.
pub(crate) struct Generators {
    request: SchemaGenerator,
    response: SchemaGenerator,
    /// schemars' schema name to Rust path, for the types the contract names directly, per side.
    request_rust_names: BTreeMap<String, String>,
    response_rust_names: BTreeMap<String, String>,
    /// Problems in the schemas of the types the contract names directly: misplaced markers, and
    /// 128-bit integers in inline schemas (a named type's are found with its definition).
    found: Vec<Error>,
    /// schemars' component names mapped to the final ones, per side, once every type is known
    /// ([`Generators::restate_definitions`]).
    request_names: BTreeMap<String, String>,
    response_names: BTreeMap<String, String>,
}

fn generator(serialize: bool) -> SchemaGenerator {
    let settings = SchemaSettings::draft2020_12().with(|settings| {
        settings.definitions_path = "/components/schemas".into();
        settings.meta_schema = None;
    });
    if serialize { settings.for_serialize() } else { settings.for_deserialize() }.into_generator()
}

impl Generators {
    fn new() -> Self {
        Self {
            request: generator(false),
            response: generator(true),
            request_rust_names: BTreeMap::new(),
            response_rust_names: BTreeMap::new(),
            found: Vec::new(),
            request_names: BTreeMap::new(),
            response_names: BTreeMap::new(),
        }
    }

    /// The schema of `ty` as serde reads it (`request`) or writes it; records its Rust path.
    fn type_schema(&mut self, ty: &TypeRef, request: bool) -> Value {
        let (generator, rust_names) = if request {
            (&mut self.request, &mut self.request_rust_names)
        } else {
            (&mut self.response, &mut self.response_rust_names)
        };
        let mut schema = ty.schema(generator).to_value();
        if let Some(name) = as_ref_name(&schema) {
            rust_names.entry(name.to_owned()).or_insert_with(|| ty.rust_name.to_string());
        }
        crate::schema::close_tuples(&mut schema);
        let side = if request { Side::Request } else { Side::Response };
        let rust = RustType(Some(ty.rust_name.to_string()));
        self.found.extend(restate(&mut schema, side, &ty.rust_name, &rust));
        // An inline schema (`Vec<u64>`, `u64`) gets the 64-bit policy here; a reference is untouched.
        for pointer in crate::schema::apply_integer_policy(&mut schema) {
            self.found.push(Error::Unrenderable {
                name: ty.rust_name.to_string(),
                rust: RustType(None),
                field: Field::from_pointer(&pointer),
                pointer,
                reason: definitions::TOO_WIDE.into(),
            });
        }
        schema
    }

    /// Names every definition ([`schema_names`]) and restates it, per direction (phases 1b and
    /// 1c); returns the name collisions and the markers that could not be applied, those of the
    /// types named directly included.
    fn restate_definitions(&mut self) -> Vec<Error> {
        let (request_names, mut found) = schema_names::canonical(&self.request);
        let (response_names, more) = schema_names::canonical(&self.response);
        found.extend(more);
        found.append(&mut self.found);
        let sides = [
            (&mut self.request, &self.request_rust_names, &request_names, Side::Request),
            (&mut self.response, &self.response_rust_names, &response_names, Side::Response),
        ];
        for (generator, rust_names, names, side) in sides {
            for (name, schema) in generator.definitions_mut().iter_mut() {
                let rust = RustType(rust_names.get(name).cloned());
                found.extend(restate(schema, side, names.get(name).unwrap_or(name), &rust));
            }
        }
        (self.request_names, self.response_names) = (request_names, response_names);
        // A type read and written has its markers in both generators: each problem once.
        let mut once: Vec<Error> = Vec::with_capacity(found.len());
        for error in found {
            if !once.contains(&error) {
                once.push(error);
            }
        }
        once
    }
}

/// Phases 1b and 1c on one schema named `name`.
fn restate(schema: &mut Value, side: Side, name: &str, rust: &RustType) -> Vec<Error> {
    idioms::restate(schema);
    markers::apply(schema, side)
        .into_iter()
        .map(|misplaced| Error::Unrenderable {
            name: name.to_owned(),
            rust: rust.clone(),
            field: Field::from_pointer(&misplaced.pointer),
            pointer: misplaced.pointer,
            reason: misplaced.reason,
        })
        .collect()
}

/// The problem type's schema (a reference to a named struct).
fn lower_problem(contract: &Contract, generators: &mut Generators) -> (Value, Vec<Error>) {
    let Some(ty) = &contract.problem else {
        return (Value::Null, vec![Error::MissingProblemType]);
    };
    let schema = generators.type_schema(ty, false);
    let mut problems = Vec::new();
    if as_ref_name(&schema).is_none() {
        problems.push(Error::Unrenderable {
            name: ty.rust_name.to_string(),
            rust: RustType(None),
            pointer: String::new(),
            field: Field(None),
            reason: "the problem type must be a named struct, not an inlined schema".into(),
        });
    }
    (schema, problems)
}

fn lower_tags(contract: &Contract) -> (Vec<Tag>, Vec<Error>) {
    let mut tags = Vec::new();
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for tag in &contract.tags {
        if !seen.insert(tag.name.to_string()) {
            problems.push(Error::DuplicateTag { tag: tag.name.to_string() });
        }
        if !crate::names::is_valid_tag(&tag.name) {
            problems.push(Error::InvalidTag { tag: tag.name.to_string() });
        }
        tags.push(Tag { name: tag.name.to_string(), description: tag.description.to_string() });
    }
    (tags, problems)
}

fn lower_info(contract: &Contract) -> Info {
    Info {
        title: contract.info.title.to_string(),
        version: contract.info.version.to_string(),
        description: contract.info.description.as_ref().map(ToString::to_string),
        license: contract
            .info
            .license
            .as_ref()
            .map(|l| License { name: l.name.to_string(), identifier: l.identifier.to_string() }),
    }
}

/// Every schema an operation uses directly (parameters, bodies).
fn operation_schemas(operation: &Operation) -> Vec<&Value> {
    operation
        .parameters()
        .map(|p| &p.schema)
        .chain(operation.body.iter().map(|b| &b.body.schema))
        .chain(operation.responses.iter().filter_map(|r| r.body.as_ref()).map(|b| &b.schema))
        .collect()
}

/// An operation before its parameter types are resolved: each location's Rust type and schema.
pub(crate) struct Pending {
    operation: Operation,
    params: Vec<(Location, String, Value)>,
}
