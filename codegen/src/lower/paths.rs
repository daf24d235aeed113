//! Phase 4: path templates against the path parameters, unique operation ids and routes.

use std::collections::BTreeMap;

use crate::error::Error;
use crate::model::Operation;

/// A path template that is malformed, or disagrees with the operation's path parameters.
pub(super) fn check_template(operation: &Operation) -> Vec<Error> {
    let mut problems = Vec::new();
    let names = match template_names(&operation.path) {
        Ok(names) => names,
        Err(reason) => {
            problems.push(Error::InvalidPath { operation: operation.id.clone(), path: operation.path.clone(), reason });
            return problems;
        }
    };
    match &operation.path_params {
        None if !names.is_empty() => {
            problems.push(Error::PathParamsWithoutType {
                operation: operation.id.clone(),
                names: names.iter().map(|n| format!("`{{{n}}}`")).collect::<Vec<_>>().join(", "),
            });
        }
        None => {}
        Some(params) => {
            for name in &names {
                if !params.params.iter().any(|p| &p.name == name) {
                    problems.push(Error::PathParamWithoutField {
                        operation: operation.id.clone(),
                        name: name.clone(),
                        rust_type: params.rust_type.clone(),
                    });
                }
            }
            for param in &params.params {
                if !names.contains(&param.name) {
                    problems.push(Error::FieldNotInPath {
                        operation: operation.id.clone(),
                        field: param.name.clone(),
                        rust_type: params.rust_type.clone(),
                        path: operation.path.clone(),
                    });
                }
            }
        }
    }
    problems
}

/// Operation ids used twice, and routes two operations answer.
pub(super) fn check_unique(operations: &[Operation]) -> Vec<Error> {
    let mut problems = Vec::new();
    let mut ids: BTreeMap<&str, &Operation> = BTreeMap::new();
    let mut routes: BTreeMap<(String, &str), &Operation> = BTreeMap::new();
    for operation in operations {
        let route = format!("{} {}", operation.method.as_str().to_uppercase(), operation.path);
        if let Some(first) = ids.insert(&operation.id, operation) {
            problems.push(Error::DuplicateOperationId {
                id: operation.id.clone(),
                first: format!("{} {}", first.method.as_str().to_uppercase(), first.path),
                second: route.clone(),
            });
        }
        // Two templates that differ only in parameter names match the same requests.
        let shape = template_shape(&operation.path);
        if let Some(first) = routes.insert((shape, operation.method.as_str()), operation) {
            problems.push(Error::DuplicateRoute { route, first: first.id.clone(), second: operation.id.clone() });
        }
    }
    problems
}

/// The parameter names of a path template, in order; errors on a malformed template.
pub fn template_names(path: &str) -> Result<Vec<String>, String> {
    if !path.starts_with('/') {
        return Err("it must start with `/`".into());
    }
    let mut names = Vec::new();
    for segment in path.split('/').skip(1) {
        if segment.is_empty() && path != "/" {
            return Err("it has an empty segment".into());
        }
        let opens = segment.matches('{').count();
        let closes = segment.matches('}').count();
        if opens != closes || opens > 1 {
            return Err(format!("segment `{segment}` has unbalanced or several braces"));
        }
        if opens == 1 {
            let name = segment
                .strip_prefix('{')
                .and_then(|s| s.strip_suffix('}'))
                .ok_or_else(|| format!("segment `{segment}` must be a whole parameter such as `{{id}}`"))?;
            if !is_identifier(name) {
                return Err(format!("parameter `{name}` is not an identifier"));
            }
            if names.iter().any(|n| n == name) {
                return Err(format!("parameter `{name}` appears twice"));
            }
            names.push(name.to_owned());
        }
    }
    Ok(names)
}

/// The template with parameter names erased: `/a/{x}` and `/a/{y}` route alike.
fn template_shape(path: &str) -> String {
    path.split('/').map(|s| if s.starts_with('{') { "{}" } else { s }).collect::<Vec<_>>().join("/")
}

pub(super) fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates() {
        assert_eq!(template_names("/a/{x}/b/{y}").unwrap(), vec!["x", "y"]);
        assert!(template_names("a").is_err());
        assert!(template_names("/a/{x}{y}").is_err());
        assert!(template_names("/a/x{y}").is_err());
        assert!(template_names("/a/{x}/{x}").is_err());
        assert!(template_names("/a//b").is_err());
        assert_eq!(template_shape("/a/{x}/b"), "/a/{}/b");
    }
}
