//! The query options the crate sends, and the property paths in them.

use super::schema_table::{short, Schema};

pub const EM: &str = "identityGovernance/entitlementManagement";

/// The Graph type a request path lists or gets.
pub fn resource_type(path: &str) -> Option<&'static str> {
    let path = path.split('?').next().unwrap_or(path);
    let rest = path.strip_prefix(&format!("{EM}/"))?;
    let collection = rest.split('/').next()?;
    Some(match collection {
        "accessPackages" => "microsoft.graph.accessPackage",
        "assignmentPolicies" => "microsoft.graph.accessPackageAssignmentPolicy",
        "assignments" => "microsoft.graph.accessPackageAssignment",
        "assignmentRequests" => "microsoft.graph.accessPackageAssignmentRequest",
        _ => return None,
    })
}

/// The property paths of a `$filter` expression.
pub fn filter_paths(filter: &str) -> Vec<String> {
    // Drop string literals ('' is an escaped quote) and date-time literals.
    let mut text = String::new();
    let mut in_string = false;
    let mut chars = filter.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            if in_string && chars.peek() == Some(&'\'') {
                chars.next();
                continue;
            }
            in_string = !in_string;
            text.push(' ');
        } else if !in_string {
            text.push(c);
        }
    }
    const KEYWORDS: &[&str] = &[
        "and",
        "or",
        "not",
        "eq",
        "ne",
        "gt",
        "ge",
        "lt",
        "le",
        "in",
        "has",
        "contains",
        "startswith",
        "endswith",
        "tolower",
        "toupper",
        "true",
        "false",
        "null",
    ];
    text.split(|c: char| {
        !(c.is_ascii_alphanumeric() || c == '/' || c == '_' || c == ':' || c == '.' || c == '-')
    })
    .filter(|t| t.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
    .filter(|t| !KEYWORDS.contains(t))
    .map(str::to_owned)
    .collect()
}

/// Checks a `/`-separated property path on `ty`; returns the problem.
pub fn check_path(schema: &Schema, ty: &str, path: &str) -> Option<String> {
    let mut current = ty.to_owned();
    for segment in path.split('/') {
        let props = schema.properties(&current);
        let Some(p) = props.get(segment) else {
            return Some(format!(
                "{} has no property {segment:?} (in {path:?})",
                short(&current)
            ));
        };
        current =
            p.ty.trim_start_matches("Collection(")
                .trim_end_matches(')')
                .to_owned();
    }
    None
}

/// Checks `$expand` entries (with nested `($expand=…)`) on `ty`.
pub fn check_expand(schema: &Schema, ty: &str, expand: &str, problems: &mut Vec<String>) {
    for entry in split_top_level(expand) {
        let (name, nested) = match entry.find('(') {
            Some(i) => (&entry[..i], Some(&entry[i + 1..entry.len() - 1])),
            None => (entry.as_str(), None),
        };
        let props = schema.properties(ty);
        match props.get(name) {
            Some(p) if p.navigation => {
                if let Some(nested) = nested {
                    let target = p.ty.trim_start_matches("Collection(").trim_end_matches(')');
                    for option in nested.split(';') {
                        match option.split_once('=') {
                            Some(("$expand", inner)) => {
                                check_expand(schema, target, inner, problems)
                            }
                            Some(("$select", inner)) => {
                                for s in inner.split(',') {
                                    problems.extend(check_path(schema, target, s));
                                }
                            }
                            _ => problems.push(format!("unexpected nested option {option:?}")),
                        }
                    }
                }
            }
            Some(_) => problems.push(format!("{}.{name} is not a navigation property", short(ty))),
            None => problems.push(format!("{} has no navigation property {name:?}", short(ty))),
        }
    }
}

pub fn split_top_level(list: &str) -> Vec<String> {
    let (mut out, mut cur, mut depth) = (Vec::new(), String::new(), 0);
    for c in list.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Every query the crate's builders can send, with all helpers applied.
pub fn crate_requests() -> Vec<entra_access::request::ApiRequest> {
    use entra_access::models::{AssignmentState, DateTime, RequestState};
    let client = entra_access::Client::builder()
        .token_provider(entra_access::auth::StaticToken::new("t"))
        .build()
        .unwrap();
    let at: DateTime = "2026-01-01T00:00:00Z".parse().unwrap();
    let out = vec![
        client.access_packages().list().expand_policies().request(),
        client
            .access_packages()
            .list()
            .display_name_eq("a'b")
            .request(),
        client
            .access_packages()
            .list()
            .display_name_contains("ab")
            .request(),
        client
            .access_packages()
            .get("p")
            .expand_policies()
            .request(),
        client
            .access_packages()
            .find_by_display_name("x")
            .expand_policies()
            .request(),
        client
            .assignment_policies()
            .list()
            .expand_access_package()
            .request(),
        client
            .assignment_policies()
            .get("x")
            .expand_access_package()
            .request(),
        client
            .assignments()
            .list()
            .access_package("p")
            .assignment_policy("q")
            .state(AssignmentState::Delivered)
            .states([AssignmentState::Delivered, AssignmentState::Delivering])
            .target_object_id("u")
            .expand_target()
            .expand_access_package()
            .expand_policies()
            .request(),
        client
            .assignments()
            .get("a")
            .expand_target()
            .expand_access_package()
            .expand_policies()
            .request(),
        client
            .assignment_requests()
            .list()
            .access_package("p")
            .state(RequestState::Delivered)
            .states([RequestState::Submitted, RequestState::PendingApproval])
            .created_after(at)
            .created_before(at)
            .expand_assignment()
            .expand_assignment_target()
            .expand_access_package()
            .expand_requestor()
            .request(),
        client
            .assignment_requests()
            .get("r")
            .expand_assignment()
            .expand_access_package()
            .request(),
        client.assignments().remove_for("p", "u").request(),
    ];
    out.into_iter()
        .enumerate()
        .map(|(i, r)| r.unwrap_or_else(|e| panic!("request {i}: {e}")))
        .collect()
}

/// `$expand` values the crate sends from async-only calls (no `request()`
/// to inspect): checked by name on the type they are sent to.
pub const ASYNC_EXPANDS: &[(&str, &str)] = &[
    ("tasks", "microsoft.graph.identityGovernance.workflow"),
    ("assignmentPolicies", "microsoft.graph.accessPackage"),
];
