//! `codegen::diff`: a fixture pair per rule (a base document and one mutation), with snapshots of
//! the three report formats, plus the pairs that must report nothing breaking.

use codegen::diff::{self, Level, Report, render};
use serde_json::{Value, json};

fn base() -> Value {
    let problem = json!({"description": "Problem", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}});
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Shop", "version": "1.0.0"},
        "paths": {
            "/items": {
                "get": {
                    "operationId": "list_items",
                    "security": [],
                    "x-rate-limit": {"limit": 10, "period": "minute", "window_seconds": 60},
                    "parameters": [{"name": "page", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1}}],
                    "responses": {
                        "200": {"description": "OK", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}}}}},
                        "429": problem
                    }
                },
                "post": {
                    "operationId": "create_item",
                    "security": [{"bearerAuth": []}],
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ItemCreate"}}}},
                    "responses": {
                        "201": {"description": "Created", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}},
                        "422": problem
                    }
                }
            },
            "/items/{item_id}": {
                "get": {
                    "operationId": "get_item",
                    "security": [],
                    "parameters": [{"name": "item_id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}],
                    "responses": {
                        "200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}},
                        "404": problem
                    }
                },
                "delete": {
                    "operationId": "delete_item",
                    "deprecated": true,
                    "security": [{"bearerAuth": []}],
                    "parameters": [{"name": "item_id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}],
                    "responses": {"204": {"description": "Deleted"}, "404": problem}
                }
            }
        },
        "components": {"schemas": {
            "Item": {
                "type": "object",
                "x-rust-path": "shop::Item",
                "properties": {
                    "id": {"type": "string", "format": "uuid"},
                    "name": {"type": "string", "maxLength": 100},
                    "status": {"$ref": "#/components/schemas/Status"},
                    "note": {"type": "string"},
                    "price": {"type": "integer", "minimum": 0, "maximum": 1000000}
                },
                "required": ["id", "name", "status", "price"]
            },
            "Status": {"type": "string", "enum": ["draft", "live"]},
            "ItemCreate": {
                "type": "object",
                "x-rust-path": "shop::ItemCreate",
                "additionalProperties": false,
                "properties": {
                    "name": {"type": "string", "minLength": 1, "maxLength": 100},
                    "status": {"$ref": "#/components/schemas/Status"},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "note": {"type": ["string", "null"]}
                },
                "required": ["name"]
            },
            "Problem": {"type": "object", "properties": {"title": {"type": "string"}}, "required": ["title"]}
        }}
    })
}

fn at<'a>(doc: &'a mut Value, pointer: &str) -> &'a mut Value {
    doc.pointer_mut(pointer).unwrap_or_else(|| panic!("no {pointer} in the fixture"))
}

fn report(old: &Value, new: &Value) -> Report {
    diff::diff(old, new).expect("both are OpenAPI documents")
}

/// One rule's fixture: `mutate` turns the base into the new document; `rule` must be found at
/// `level`; the three formats are snapshotted under `name`.
#[track_caller]
fn check(name: &str, rule: &str, mutate: impl FnOnce(&mut Value)) {
    check_pair(name, rule, |_| {}, mutate);
}

/// Like [`check`], when the old document is not the base either.
#[track_caller]
fn check_pair(name: &str, rule: &str, mutate_old: impl FnOnce(&mut Value), mutate: impl FnOnce(&mut Value)) {
    let mut old = base();
    mutate_old(&mut old);
    let mut new = old.clone();
    mutate(&mut new);
    let report = report(&old, &new);
    let finding = report.findings.iter().find(|f| f.rule.id == rule);
    assert!(
        finding.is_some(),
        "{name}: expected {rule}, got {:?}",
        report.findings.iter().map(|f| f.rule.id).collect::<Vec<_>>()
    );
    let json = serde_json::to_string_pretty(&render::json(&report)).expect("JSON");
    let all = format!(
        "{}\n---- markdown ----\n{}\n---- json ----\n{json}\n",
        render::text(&report),
        render::markdown(&report)
    );
    insta::assert_snapshot!(name, all);
}

#[test]
fn breaking_rules() {
    check("operation_removed", "operation-removed", |d| {
        d["paths"]["/items"].as_object_mut().map(|o| o.remove("post"));
    });
    check("security_added", "security-added", |d| *at(d, "/paths/~1items/get/security") = json!([{"bearerAuth": []}]));
    check("role_added", "role-added", |d| {
        *at(d, "/paths/~1items/post") = {
            let mut op = d["paths"]["/items"]["post"].clone();
            op["x-required-role"] = "admin".into();
            op
        }
    });
    check("parameter_added_required", "parameter-added-required", |d| {
        at(d, "/paths/~1items/get/parameters")
            .as_array_mut()
            .expect("array")
            .push(json!({"name": "shop", "in": "query", "required": true, "schema": {"type": "string"}}));
    });
    check("parameter_became_required", "parameter-became-required", |d| {
        *at(d, "/paths/~1items/get/parameters/0/required") = true.into()
    });
    check("request_body_added_required", "request-body-added-required", |d| {
        *at(d, "/paths/~1items~1{item_id}/delete") = {
            let mut op = d["paths"]["/items/{item_id}"]["delete"].clone();
            op["requestBody"] =
                json!({"required": true, "content": {"application/json": {"schema": {"type": "object"}}}});
            op
        }
    });
    check_pair(
        "request_body_became_required",
        "request-body-became-required",
        |old| *at(old, "/paths/~1items/post/requestBody/required") = false.into(),
        |new| *at(new, "/paths/~1items/post/requestBody/required") = true.into(),
    );
    check("request_media_type_removed", "request-media-type-removed", |d| {
        let content = at(d, "/paths/~1items/post/requestBody/content");
        *content = json!({"application/x-www-form-urlencoded": content["application/json"].clone()});
    });
    check("request_property_added_required", "request-property-added-required", |d| {
        at(d, "/components/schemas/ItemCreate/properties")
            .as_object_mut()
            .expect("object")
            .insert("sku".into(), json!({"type": "string"}));
        at(d, "/components/schemas/ItemCreate/required").as_array_mut().expect("array").push("sku".into());
    });
    check("request_property_became_required", "request-property-became-required", |d| {
        at(d, "/components/schemas/ItemCreate/required").as_array_mut().expect("array").push("status".into());
    });
    check("request_property_removed", "request-property-removed", |d| {
        at(d, "/components/schemas/ItemCreate/properties").as_object_mut().expect("object").remove("tags");
    });
    check("request_type_changed", "request-type-changed", |d| {
        *at(d, "/components/schemas/ItemCreate/properties/note/type") = "string".into()
    });
    check("request_enum_value_removed", "request-enum-value-removed", |d| {
        *at(d, "/components/schemas/Status/enum") = json!(["live"])
    });
    check("request_constraint_tightened", "request-constraint-tightened", |d| {
        *at(d, "/components/schemas/ItemCreate/properties/name/maxLength") = 50.into();
        at(d, "/components/schemas/ItemCreate/properties/name")
            .as_object_mut()
            .expect("object")
            .insert("pattern".into(), "^[a-z]+$".into());
    });
    check_pair(
        "request_object_closed",
        "request-constraint-tightened",
        |old| {
            at(old, "/components/schemas/ItemCreate").as_object_mut().expect("object").remove("additionalProperties");
        },
        |new| {
            at(new, "/components/schemas/ItemCreate")
                .as_object_mut()
                .expect("object")
                .insert("additionalProperties".into(), false.into());
        },
    );
    check("parameter_constraint_tightened", "request-constraint-tightened", |d| {
        at(d, "/paths/~1items/get/parameters/0/schema")
            .as_object_mut()
            .expect("object")
            .insert("maximum".into(), 100.into());
    });
    check("success_status_removed", "success-status-removed", |d| {
        let responses = at(d, "/paths/~1items~1{item_id}/delete/responses").as_object_mut().expect("object");
        responses.remove("204");
        responses.insert("202".into(), json!({"description": "Accepted"}));
    });
    check("response_media_type_removed", "response-media-type-removed", |d| {
        let content = at(d, "/paths/~1items~1{item_id}/get/responses/200/content");
        *content = json!({"application/xml": content["application/json"].clone()});
    });
    check("response_property_removed", "response-property-removed", |d| {
        at(d, "/components/schemas/Item/properties").as_object_mut().expect("object").remove("price");
        *at(d, "/components/schemas/Item/required") = json!(["id", "name", "status"]);
    });
    check("response_property_became_optional", "response-property-became-optional", |d| {
        *at(d, "/components/schemas/Item/required") = json!(["id", "name", "status"])
    });
    check("response_property_became_nullable", "response-property-became-nullable", |d| {
        *at(d, "/components/schemas/Item/properties/name/type") = json!(["string", "null"])
    });
    check("response_type_changed", "response-type-changed", |d| {
        *at(d, "/components/schemas/Item/properties/price/type") = "number".into()
    });
    check("response_constraint_loosened", "response-constraint-loosened", |d| {
        *at(d, "/components/schemas/Item/properties/price/maximum") = 2000000.into()
    });
}

#[test]
fn warning_and_info_rules() {
    check("deprecated_operation_removed", "deprecated-operation-removed", |d| {
        d["paths"]["/items/{item_id}"].as_object_mut().map(|o| o.remove("delete"));
    });
    check("response_enum_value_added", "response-enum-value-added", |d| {
        *at(d, "/components/schemas/Status/enum") = json!(["draft", "live", "archived"])
    });
    check("status_added", "status-added", |d| {
        at(d, "/paths/~1items~1{item_id}/get/responses")
            .as_object_mut()
            .expect("object")
            .insert("203".into(), json!({"description": "Cached"}));
    });
    check("operation_id_changed", "operation-id-changed", |d| {
        *at(d, "/paths/~1items/get/operationId") = "items".into()
    });
    check("rate_limit_lowered", "rate-limit-lowered", |d| {
        *at(d, "/paths/~1items/get/x-rate-limit") = json!({"limit": 100, "period": "hour", "window_seconds": 3600})
    });
    check("parameter_removed", "parameter-removed", |d| *at(d, "/paths/~1items/get/parameters") = json!([]));
    check("operation_added", "operation-added", |d| {
        at(d, "/paths").as_object_mut().expect("object").insert(
            "/health".into(),
            json!({"get": {"operationId": "health", "responses": {"200": {"description": "OK"}}}}),
        );
    });
    check("operation_deprecated", "operation-deprecated", |d| {
        at(d, "/paths/~1items/get").as_object_mut().expect("object").insert("deprecated".into(), true.into());
    });
    check("parameter_added", "parameter-added", |d| {
        at(d, "/paths/~1items/get/parameters")
            .as_array_mut()
            .expect("array")
            .push(json!({"name": "q", "in": "query", "required": false, "schema": {"type": "string"}}));
    });
    check("request_property_added", "request-property-added", |d| {
        at(d, "/components/schemas/ItemCreate/properties")
            .as_object_mut()
            .expect("object")
            .insert("color".into(), json!({"type": "string"}));
    });
    check("response_property_added", "response-property-added", |d| {
        at(d, "/components/schemas/Item/properties")
            .as_object_mut()
            .expect("object")
            .insert("color".into(), json!({"type": "string"}));
    });
    check("request_widened", "request-widened", |d| {
        *at(d, "/components/schemas/ItemCreate/properties/name/maxLength") = 200.into()
    });
    check("response_narrowed", "response-narrowed", |d| {
        *at(d, "/components/schemas/Item/properties/price/maximum") = 1000.into()
    });
    check("security_removed", "security-removed", |d| *at(d, "/paths/~1items/post/security") = json!([]));
    check("rate_limit_raised", "rate-limit-raised", |d| *at(d, "/paths/~1items/get/x-rate-limit/limit") = 20.into());
    check("error_status_changed", "error-status-changed", |d| {
        at(d, "/paths/~1items/get/responses")
            .as_object_mut()
            .expect("object")
            .insert("400".into(), json!({"description": "Bad"}));
    });
}

/// A union whose branches were objects and strings that becomes an integer changed type (breaking
/// both ways), not narrowed from "any type" (the union has no `type` of its own); a union that
/// keeps one of its branches narrowed.
#[test]
fn a_union_that_becomes_another_type_changed_type() {
    let rules = |old: &Value, new: &Value| -> Vec<&'static str> {
        report(old, new).findings.iter().filter(|f| f.rule.level == Level::Breaking).map(|f| f.rule.id).collect()
    };
    let mut old = base();
    *at(&mut old, "/paths/~1items~1{item_id}/get/responses/200/content/application~1json/schema") =
        json!({"oneOf": [{"$ref": "#/components/schemas/Item"}, {"$ref": "#/components/schemas/Status"}]});
    *at(&mut old, "/components/schemas/ItemCreate/properties/note") =
        json!({"oneOf": [{"type": "string"}, {"type": "object"}]});
    let mut new = old.clone();
    *at(&mut new, "/paths/~1items~1{item_id}/get/responses/200/content/application~1json/schema") =
        json!({"type": "integer"});
    *at(&mut new, "/components/schemas/ItemCreate/properties/note") = json!({"type": "integer"});
    let found = rules(&old, &new);
    assert!(found.contains(&"response-type-changed"), "{found:?}");
    assert!(found.contains(&"request-type-changed"), "{found:?}");

    let mut kept = old.clone();
    *at(&mut kept, "/paths/~1items~1{item_id}/get/responses/200/content/application~1json/schema") =
        json!({"$ref": "#/components/schemas/Item"});
    assert_eq!(rules(&old, &kept), Vec::<&str>::new(), "a response keeping one branch narrowed");
}

/// What `not` refuses: one added or changed in a request is a tightening, one removed a
/// loosening (`not` cannot be compared in general, so a change is judged the breaking way).
#[test]
fn a_request_not_added_or_changed_is_a_tightening() {
    let ids = |old: &Value, new: &Value| -> Vec<&'static str> {
        report(old, new).findings.iter().map(|f| f.rule.id).collect()
    };
    let mut old = base();
    let mut added = old.clone();
    let not = |doc: &mut Value, pattern: &str| {
        at(doc, "/components/schemas/ItemCreate/properties/name")["not"] = json!({ "pattern": pattern });
    };
    not(&mut added, "\\.\\.");
    assert_eq!(ids(&old, &added), ["request-constraint-tightened"]);
    let mut changed = added.clone();
    not(&mut changed, "\\.\\.|^\\.$");
    assert_eq!(ids(&added, &changed), ["request-constraint-tightened"]);
    assert_eq!(ids(&changed, &old), ["request-widened"]);
    old = changed.clone();
    assert_eq!(ids(&old, &changed), Vec::<&str>::new());
}

#[test]
fn every_rule_has_a_fixture() {
    let source = include_str!("diff.rs");
    for rule in diff::rules::ALL {
        assert!(source.contains(&format!("\"{}\"", rule.id)), "rule {} has no fixture here", rule.id);
    }
}

/// Pairs that differ only in how schemas are named, placed or referenced: nothing breaking.
#[test]
fn renames_moves_and_inlining_are_not_changes() {
    let old = base();

    // Rename `Item` to `Product` everywhere.
    let text = serde_json::to_string(&old)
        .expect("JSON")
        .replace("#/components/schemas/Item\"", "#/components/schemas/Product\"");
    let mut renamed: Value = serde_json::from_str(&text).expect("JSON");
    let item = at(&mut renamed, "/components/schemas").as_object_mut().expect("object").remove("Item").expect("Item");
    at(&mut renamed, "/components/schemas").as_object_mut().expect("object").insert("Product".into(), item);
    assert_eq!(report(&old, &renamed).findings, vec![], "rename");

    // Inline `Status` where it is used, and drop the component.
    let mut inlined = base();
    let status = inlined["components"]["schemas"]["Status"].clone();
    *at(&mut inlined, "/components/schemas/Item/properties/status") = status.clone();
    *at(&mut inlined, "/components/schemas/ItemCreate/properties/status") = status;
    at(&mut inlined, "/components/schemas").as_object_mut().expect("object").remove("Status");
    assert_eq!(report(&old, &inlined).findings, vec![], "inline");

    // Move an inline schema into a component.
    let mut moved = base();
    let tags = moved["components"]["schemas"]["ItemCreate"]["properties"]["tags"].clone();
    at(&mut moved, "/components/schemas").as_object_mut().expect("object").insert("Tags".into(), tags);
    *at(&mut moved, "/components/schemas/ItemCreate/properties/tags") = json!({"$ref": "#/components/schemas/Tags"});
    assert_eq!(report(&old, &moved).findings, vec![], "move");

    // Document each value of `Status`: schemars then writes a `oneOf` of constants.
    let mut documented = base();
    *at(&mut documented, "/components/schemas/Status") = json!({"oneOf": [
        {"type": "string", "const": "draft", "description": "Not shown yet."},
        {"type": "string", "const": "live", "description": "Shown."}
    ]});
    assert_eq!(report(&old, &documented).findings, vec![], "documented enum values");

    // Rename a path parameter.
    let text = serde_json::to_string(&old).expect("JSON").replace("item_id", "id");
    let param_renamed: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(report(&old, &param_renamed).findings, vec![], "path parameter rename");
}

#[test]
fn a_shared_schema_change_lists_every_operation() {
    let mut new = base();
    *at(&mut new, "/components/schemas/Item/properties/name/type") = json!(["string", "null"]);
    let report = report(&base(), &new);
    assert_eq!(report.findings.len(), 1);
    let operations: Vec<String> =
        report.findings[0].operations.iter().map(|o| o.id.clone().unwrap_or_default()).collect();
    // Sorted by method, then path.
    assert_eq!(operations, ["list_items", "get_item", "create_item"]);
    assert_eq!(report.findings[0].rust_type.as_deref(), Some("shop::Item"));
    assert_eq!(report.findings[0].field.as_deref(), Some("name"));
}

#[test]
fn a_major_bump_accepts_breaking_changes() {
    let mut new = base();
    *at(&mut new, "/components/schemas/Status/enum") = json!(["live"]);
    let same_major = report(&base(), &new);
    assert!(same_major.fails(Some(Level::Breaking)));
    assert!(!same_major.fails(None), "--fail-on never");
    *at(&mut new, "/info/version") = "2.0.0".into();
    let bumped = report(&base(), &new);
    assert_eq!(bumped.count(Level::Breaking), 1, "still reported");
    assert!(!bumped.fails(Some(Level::Breaking)));
}

#[test]
fn warnings_fail_only_when_asked() {
    let mut new = base();
    *at(&mut new, "/components/schemas/Status/enum") = json!(["draft", "live", "archived"]);
    let report = report(&base(), &new);
    assert!(!report.fails(Some(Level::Breaking)));
    assert!(report.fails(Some(Level::Warning)));
}

#[test]
fn the_3_0_rendering_of_a_contract_is_not_a_change_from_its_3_1_document() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let v31: Value =
        serde_yaml::from_str(&std::fs::read_to_string(root.join("openapi.yaml")).expect("openapi.yaml")).expect("YAML");
    let v30: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("generated/openapi-3.0.json")).expect("3.0"))
            .expect("JSON");
    let report = report(&v31, &v30);
    assert_eq!(
        report.findings.iter().map(|f| f.rule.id).collect::<Vec<_>>(),
        Vec::<&str>::new(),
        "{}",
        render::text(&report)
    );
}

#[test]
fn documents_that_are_not_openapi_are_rejected() {
    assert!(diff::diff(&json!({"swagger": "2.0"}), &base()).is_err());
    assert!(diff::diff(&base(), &json!({"openapi": "4.0.0", "paths": {}})).is_err());
}

/// An event stream is compared like any response: its `text/event-stream` content's schema is one
/// event's data, so an event type changed incompatibly is breaking, and adding the operation is not.
#[test]
fn an_event_streams_event_type_is_compared_as_a_response() {
    let model = codegen::lower(&fixture::contract()).expect("the fixture lowers");
    let new = codegen::openapi::emit(&model, codegen::openapi::Version::V3_1);
    let mut old = new.clone();
    old["paths"].as_object_mut().expect("paths").remove("/todos/{todo_id}/events");
    let added = report(&old, &new);
    assert!(
        added.findings.iter().all(|f| f.rule.level != Level::Breaking),
        "adding an event stream breaks nothing: {}",
        render::text(&added)
    );

    let mut narrowed = new.clone();
    let done = at(&mut narrowed, "/components/schemas/TodoEvent/oneOf/1");
    done["properties"].as_object_mut().expect("properties").remove("steps");
    done["required"] = json!(["type"]);
    let report = report(&new, &narrowed);
    let breaking: Vec<_> = report.findings.iter().filter(|f| f.rule.level == Level::Breaking).collect();
    assert_eq!(
        breaking.iter().map(|f| f.rule.id).collect::<Vec<_>>(),
        ["response-property-removed"],
        "{}",
        render::text(&report)
    );
    assert!(render::text(&report).contains("watch_todo"), "{}", render::text(&report));
}
