//! Absolute Rust paths for the contract's types, as generated Rust names them.
//!
//! The contract records a type by what `std::any::type_name` prints (`alloc::vec::Vec<schemas::
//! projects::Project>`), whose exact output the standard library documents as unstable and which
//! names private modules (`alloc::collections::btree::map::BTreeMap`). Generated code needs paths
//! that compile wherever they are pasted, so this module parses that text and rewrites every path
//! in it: the standard library's types go through a table to their public `::std::` paths, any
//! other crate's path gets a leading `::` (`::schemas::projects::Project`), primitives stay as they
//! are. A standard-library path the table does not know is an error naming it, never a guess.

use syn::visit_mut::{self, VisitMut};

/// Where the standard library's types are public, by the path `type_name` prints.
const STD_PATHS: &[(&str, &str)] = &[
    ("alloc::vec::Vec", "::std::vec::Vec"),
    ("alloc::string::String", "::std::string::String"),
    ("alloc::boxed::Box", "::std::boxed::Box"),
    ("alloc::borrow::Cow", "::std::borrow::Cow"),
    ("alloc::rc::Rc", "::std::rc::Rc"),
    ("alloc::sync::Arc", "::std::sync::Arc"),
    ("alloc::collections::btree::map::BTreeMap", "::std::collections::BTreeMap"),
    ("alloc::collections::btree::set::BTreeSet", "::std::collections::BTreeSet"),
    ("alloc::collections::vec_deque::VecDeque", "::std::collections::VecDeque"),
    ("std::collections::hash::map::HashMap", "::std::collections::HashMap"),
    ("std::collections::hash::set::HashSet", "::std::collections::HashSet"),
    ("std::hash::random::RandomState", "::std::hash::RandomState"),
    ("core::option::Option", "::std::option::Option"),
    ("core::result::Result", "::std::result::Result"),
    ("core::num::nonzero::NonZero", "::std::num::NonZero"),
    ("core::time::Duration", "::std::time::Duration"),
    ("core::net::ip_addr::IpAddr", "::std::net::IpAddr"),
    ("core::net::ip_addr::Ipv4Addr", "::std::net::Ipv4Addr"),
    ("core::net::ip_addr::Ipv6Addr", "::std::net::Ipv6Addr"),
    ("std::path::PathBuf", "::std::path::PathBuf"),
];

const PRIMITIVES: &[&str] = &[
    "bool", "char", "str", "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize",
    "f32", "f64",
];

/// The absolute form of `type_name`'s text, or why there is none.
pub fn absolute(type_name: &str) -> Result<syn::Type, String> {
    let mut ty = syn::parse_str::<syn::Type>(type_name).map_err(|error| format!("it does not parse ({error})"))?;
    let mut rewriter = Rewriter { error: None };
    rewriter.visit_type_mut(&mut ty);
    match rewriter.error {
        Some(error) => Err(error),
        None => Ok(ty),
    }
}

struct Rewriter {
    error: Option<String>,
}

impl VisitMut for Rewriter {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        // Generic arguments first, while the segments are still the printed ones.
        visit_mut::visit_path_mut(self, path);
        if path.leading_colon.is_some() {
            return;
        }
        let idents: Vec<String> = path.segments.iter().map(|segment| segment.ident.to_string()).collect();
        let printed = idents.join("::");
        if idents.len() == 1 {
            if !PRIMITIVES.contains(&printed.as_str()) && self.error.is_none() {
                self.error = Some(format!("`{printed}` has no crate path; name the type by its full path"));
            }
            return;
        }
        let replacement = if matches!(idents[0].as_str(), "std" | "core" | "alloc") {
            match STD_PATHS.iter().find(|(from, _)| *from == printed) {
                Some((_, to)) => *to,
                None => {
                    if self.error.is_none() {
                        self.error =
                            Some(format!("`{printed}` is a standard-library path this generator cannot name publicly"));
                    }
                    return;
                }
            }
        } else {
            path.leading_colon = Some(Default::default());
            return;
        };
        // Keep the last segment's generic arguments on the public path.
        let arguments = path.segments.last().map(|segment| segment.arguments.clone()).unwrap_or_default();
        match syn::parse_str::<syn::Path>(replacement) {
            Ok(mut public) => {
                if let Some(last) = public.segments.last_mut() {
                    last.arguments = arguments;
                }
                *path = public;
            }
            Err(error) => self.error = Some(format!("the table's path `{replacement}` does not parse ({error})")),
        }
    }
}

#[cfg(test)]
mod tests {
    use quote::ToTokens;

    use super::*;

    fn show(text: &str) -> String {
        absolute(text).map(|ty| ty.to_token_stream().to_string().replace(' ', "")).unwrap_or_else(|e| e)
    }

    #[test]
    fn paths_become_absolute() {
        assert_eq!(show("schemas::projects::Project"), "::schemas::projects::Project");
        assert_eq!(show("alloc::vec::Vec<schemas::billing::Plan>"), "::std::vec::Vec<::schemas::billing::Plan>");
        assert_eq!(show("alloc::string::String"), "::std::string::String");
        assert_eq!(
            show("alloc::collections::btree::map::BTreeMap<alloc::string::String, u32>"),
            "::std::collections::BTreeMap<::std::string::String,u32>"
        );
        assert_eq!(
            show("core::option::Option<schemas::common::Page<schemas::projects::Project>>"),
            "::std::option::Option<::schemas::common::Page<::schemas::projects::Project>>"
        );
        assert_eq!(show("(u32, bool)"), "(u32,bool)");
        assert_eq!(show("[u8; 4]"), "[u8;4]");
    }

    #[test]
    fn what_cannot_be_named_is_an_error() {
        assert!(show("core::cell::RefCell<u32>").contains("`core::cell::RefCell`"));
        assert!(show("Project").contains("no crate path"));
        assert!(show("not a type").contains("does not parse"));
    }
}
