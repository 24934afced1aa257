//! Every model held against Graph's v1.0 schema (`tests/data/graph-schema-v1.0.json`,
//! see `tests/data/README.md`).
//!
//! How the test learns the models: it parses `src/models/**` with `syn` and
//! reads each serde struct's fields (wire name after `rename_all`/`rename`,
//! Rust type, `flatten`, `deserialize_with`) and each `graph_enum!`'s
//! members. A field added to a model is therefore checked without anyone
//! touching this file. The static reading is then confirmed at run time:
//! every model decodes a Graph object whose nullable properties are all
//! `null`, and a populated object round-trips through the model with every
//! property it carries and none Graph lacks.
//!
//! Checked:
//! - each serialized property exists on the Graph type (or a base type);
//!   `@odata.*` annotations and the documented request-only keys in
//!   [`WRITE_ONLY`] are the only exceptions;
//! - each Graph enum member has a variant, and no variant is invented;
//! - a property Graph marks nullable is an `Option` (a collection may be a
//!   `Vec` that reads `null` as empty);
//! - property types agree (String/ids, DateTimeOffset, Duration, Boolean,
//!   Int32, enums, complex types, collections);
//! - every `$filter`, `$expand`, `$select` and `$orderby` property the crate
//!   sends exists on the resource it is sent to;
//! - `tests/data/model-coverage.txt` (what the models do not carry yet) is
//!   current; `UPDATE_COVERAGE=1` regenerates it.

#[path = "schema_conformance/coverage.rs"]
mod coverage;
#[path = "schema_conformance/model_source.rs"]
mod model_source;
#[path = "schema_conformance/query_paths.rs"]
mod query_paths;
#[path = "schema_conformance/registry.rs"]
mod registry;
#[path = "schema_conformance/samples.rs"]
mod samples;
#[path = "schema_conformance/schema_table.rs"]
mod schema_table;
#[path = "schema_conformance/world.rs"]
mod world;

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::{json, Value};

use coverage::coverage;
use model_source::{rust_files, Shape};
use query_paths::*;
use registry::*;
use samples::{all_nulls, populated};
use schema_table::{short, Schema};
use world::World;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fail_with(problems: Vec<String>, what: &str) {
    assert!(
        problems.is_empty(),
        "{what}:\n  {}\n",
        problems.join("\n  ")
    );
}

// ---------------------------------------------------------------------------
// Static checks.
// ---------------------------------------------------------------------------

#[test]
fn every_model_and_enum_in_the_source_is_registered() {
    let w = World::load();
    let mut problems = Vec::new();
    for s in &w.structs {
        if !MODELS.iter().any(|m| m.rust == s.name) {
            problems.push(format!(
                "{} ({}) has no Graph type in MODELS",
                s.name, s.file
            ));
        }
    }
    for m in MODELS {
        if !w.structs.iter().any(|s| s.name == m.rust) {
            problems.push(format!(
                "MODELS names {}, which src/models does not define",
                m.rust
            ));
        }
        if m.in_table != w.schema.has_type(m.graph) {
            problems.push(format!(
                "{} => {}: in_table says {}, the table says {}",
                m.rust,
                m.graph,
                m.in_table,
                w.schema.has_type(m.graph)
            ));
        }
    }
    for e in &w.enums {
        match w.enum_of(&e.name) {
            None => problems.push(format!("graph_enum! {} has no Graph enum in ENUMS", e.name)),
            Some(row) if row.known != e.members.as_slice() => problems.push(format!(
                "{}: the source lists {:?}, KNOWN is {:?}",
                e.name, e.members, row.known
            )),
            Some(_) => {}
        }
    }
    for row in ENUMS {
        if !w.enums.iter().any(|e| e.name == row.rust) {
            problems.push(format!(
                "ENUMS names {}, which no graph_enum! defines",
                row.rust
            ));
        }
        let present = w.schema.enum_members(row.graph).is_some();
        if row.in_table != present {
            problems.push(format!(
                "{} => {}: in_table says {}, the table says {present}",
                row.rust, row.graph, row.in_table
            ));
        }
    }
    fail_with(
        problems,
        "the registry in this test is out of step with src/models",
    );
}

#[test]
fn every_serialized_property_exists_on_the_graph_type() {
    let w = World::load();
    let mut problems = Vec::new();
    for row in w.in_table_rows() {
        let props = w.graph_props(row);
        for f in w.model(row.rust).fields.iter().filter(|f| !f.flatten) {
            if !props.contains_key(&f.wire) && !w.allowed_extra(row.rust, &f.wire) {
                problems.push(format!(
                    "{}.{} is sent as {:?}, which {} does not have",
                    row.rust,
                    f.rust,
                    f.wire,
                    short(row.graph)
                ));
            }
        }
    }
    fail_with(problems, "models carry properties Graph does not define");
}

#[test]
fn write_only_keys_are_shown_by_the_documented_bodies() {
    for (model, key, fixture, pointer) in WRITE_ONLY {
        let body = load_body(fixture);
        assert!(
            body.pointer(pointer).is_some(),
            "{model}.{key}: {fixture} does not show {pointer}"
        );
        assert!(
            pointer.ends_with(&format!("/{key}")),
            "{pointer} names {key}"
        );
    }
}

#[test]
fn properties_newer_than_the_table_are_carried_as_their_page_documents() {
    let w = World::load();
    let readme = std::fs::read_to_string(root().join("tests/data/README.md")).unwrap();
    let mut problems = Vec::new();
    for n in NEWER_THAN_TABLE {
        let row = MODELS.iter().find(|m| m.rust == n.model).expect("a model");
        if w.graph_props(row).contains_key(n.wire) || w.schema.has_type(n.graph_type) {
            problems.push(format!(
                "the table has {}.{} now: drop it from NEWER_THAN_TABLE",
                n.model, n.wire
            ));
        }
        match w.model(n.model).fields.iter().find(|f| f.wire == n.wire) {
            Some(f)
                if f.shape.is_option()
                    && *f.shape.without_option() == Shape::Named(n.rust_type.into()) => {}
            Some(f) => problems.push(format!(
                "{}.{} is {}, not Option<{}>",
                n.model,
                n.wire,
                f.shape.describe(),
                n.rust_type
            )),
            None => problems.push(format!("{} does not carry {}", n.model, n.wire)),
        }
        if w.graph_of(n.rust_type) != Some(n.graph_type) {
            problems.push(format!(
                "{} is not registered as {}",
                n.rust_type, n.graph_type
            ));
        }
        let model = w.model(n.rust_type);
        let carried: BTreeSet<&str> = model.fields.iter().map(|f| f.wire.as_str()).collect();
        let documented: BTreeSet<&str> = n.members.iter().map(|(name, _)| *name).collect();
        if carried != documented {
            problems.push(format!(
                "{} carries {carried:?}; {} documents {documented:?}",
                n.rust_type, n.page
            ));
        }
        for (name, ty) in n.members {
            if let Some(f) = model.fields.iter().find(|f| f.wire == *name) {
                if !f.shape.is_option() {
                    problems.push(format!("{}.{name} is not an Option", n.rust_type));
                }
                if let Err(why) = w.agrees(n.rust_type, name, &f.shape, ty) {
                    problems.push(format!("{}.{name}: the page's type is {why}", n.rust_type));
                }
            }
        }
        if load_body(n.fixture).pointer(n.pointer).is_none()
            || !n.pointer.starts_with(&format!("/{}/", n.wire))
        {
            problems.push(format!("{} does not show {}", n.fixture, n.pointer));
        }
        if !readme.contains(n.page) {
            problems.push(format!(
                "tests/data/README.md does not name {}, the page {}.{} comes from",
                n.page, n.model, n.wire
            ));
        }
    }
    fail_with(
        problems,
        "properties documented after the schema table was made",
    );
}

#[test]
fn every_nullable_graph_property_is_an_option() {
    let w = World::load();
    let mut problems = Vec::new();
    for row in w.in_table_rows() {
        let props = w.graph_props(row);
        for f in w.model(row.rust).fields.iter().filter(|f| !f.flatten) {
            let Some(p) = props.get(&f.wire) else {
                continue;
            };
            let ok = f.shape.is_option() || (matches!(f.shape, Shape::Vec(_)) && f.null_as_default);
            if p.nullable && !ok {
                problems.push(format!(
                    "{}.{}: Graph allows null for {}.{}, but the field is {}{}",
                    row.rust,
                    f.rust,
                    short(row.graph),
                    f.wire,
                    f.shape.describe(),
                    if matches!(f.shape, Shape::Vec(_)) {
                        " without deserialize_with = \"null_as_default\""
                    } else {
                        ""
                    }
                ));
            }
        }
    }
    fail_with(
        problems,
        "nullable Graph properties that a null would fail to decode",
    );
}

#[test]
fn property_types_agree_with_graph() {
    let w = World::load();
    let mut problems = Vec::new();
    for row in w.in_table_rows() {
        let props = w.graph_props(row);
        for f in w.model(row.rust).fields.iter().filter(|f| !f.flatten) {
            let Some(p) = props.get(&f.wire) else {
                continue;
            };
            if let Err(why) = w.agrees(row.rust, &f.wire, &f.shape, &p.ty) {
                problems.push(format!(
                    "{}.{}: Graph's {}.{} is {why}",
                    row.rust,
                    f.rust,
                    short(row.graph),
                    f.wire
                ));
            }
        }
    }
    fail_with(problems, "model property types that disagree with Graph");
}

#[test]
fn every_graph_enum_member_has_a_variant() {
    let w = World::load();
    let mut problems = Vec::new();
    for row in ENUMS.iter().filter(|r| r.in_table) {
        let members = w.schema.enum_members(row.graph).expect("in the table");
        for m in &members {
            if !row.known.contains(&m.as_str()) {
                problems.push(format!(
                    "{} has no variant for {}'s member {m:?}",
                    row.rust,
                    short(row.graph)
                ));
            }
        }
        for k in row.known {
            if !members.iter().any(|m| m == k) {
                problems.push(format!(
                    "{}'s variant {k:?} is not a member of {}",
                    row.rust,
                    short(row.graph)
                ));
            }
        }
    }
    fail_with(problems, "enums out of step with Graph");
}

// ---------------------------------------------------------------------------
// Run-time checks: what serde really does.
// ---------------------------------------------------------------------------

#[test]
fn a_null_wherever_graph_allows_one_decodes() {
    let w = World::load();
    let mut problems = Vec::new();
    for row in w.in_table_rows() {
        let input = all_nulls(&w.schema, row.graph);
        if let Err(e) = (row.round_trip)(input.clone()) {
            problems.push(format!("{}: {e}\n    input: {input}", row.rust));
        }
    }
    // The polymorphic models, through each concrete subtype.
    for (rust, graph) in POLYMORPHIC {
        for sub in w.schema.concrete_subtypes(graph) {
            let input = all_nulls(&w.schema, &sub);
            let result = match *rust {
                "SubjectSet" => round_trip::<entra_access::models::SubjectSet>(input.clone()),
                "Question" => round_trip::<entra_access::models::Question>(input.clone()),
                _ => round_trip::<entra_access::models::ExpirationPattern>(input.clone()),
            };
            if let Err(e) = result {
                problems.push(format!("{rust} as {}: {e}", short(&sub)));
            }
        }
    }
    fail_with(
        problems,
        "Graph objects with nulls where Graph allows them that fail to decode",
    );
}

#[test]
fn a_populated_object_round_trips_with_only_graph_properties() {
    let w = World::load();
    let mut problems = Vec::new();
    for row in w.in_table_rows() {
        let props = w.graph_props(row);
        let input = populated(&w, row);
        let output = match (row.round_trip)(Value::Object(input.clone())) {
            Ok(Value::Object(o)) => o,
            Ok(other) => {
                problems.push(format!("{} serialized to a non-object: {other}", row.rust));
                continue;
            }
            Err(e) => {
                problems.push(format!("{}: {e}", row.rust));
                continue;
            }
        };
        for key in output.keys() {
            if !props.contains_key(key) && !w.allowed_extra(row.rust, key) {
                problems.push(format!(
                    "{} serialized {key:?}, which {} does not have",
                    row.rust,
                    short(row.graph)
                ));
            }
        }
        for (key, v) in &input {
            match output.get(key) {
                None => problems.push(format!("{} dropped {key:?} on the way through", row.rust)),
                Some(out) if v.is_string() || v.is_boolean() || v.is_number() => {
                    if out != v {
                        problems.push(format!("{}.{key}: {v} came back as {out}", row.rust));
                    }
                }
                Some(_) => {}
            }
        }
    }
    fail_with(problems, "models that do not round-trip Graph's properties");
}

#[test]
fn unknown_enum_members_are_kept_verbatim() {
    let w = World::load();
    let mut problems = Vec::new();
    for row in w.in_table_rows() {
        let props = w.graph_props(row);
        let mut input = populated(&w, row);
        let mut changed = Vec::new();
        for (key, v) in input.iter_mut() {
            let ty = &props[key].ty;
            if ENUMS.iter().any(|e| e.graph == ty) {
                *v = json!("someFutureMember");
                changed.push(key.clone());
            }
        }
        if changed.is_empty() {
            continue;
        }
        match (row.round_trip)(Value::Object(input)) {
            Ok(out) => {
                for key in changed {
                    if out[&key] != json!("someFutureMember") {
                        problems.push(format!("{}.{key} came back as {}", row.rust, out[&key]));
                    }
                }
            }
            Err(e) => problems.push(format!("{}: {e}", row.rust)),
        }
    }
    fail_with(problems, "unknown enum members lost");
}

// ---------------------------------------------------------------------------
// Query properties the crate sends.
// ---------------------------------------------------------------------------

#[test]
fn every_query_property_the_crate_sends_exists() {
    let schema = Schema::load();
    let requests = crate_requests();
    assert!(requests.len() >= 12, "every builder above builds a request");
    let mut problems = Vec::new();
    let mut sent_expands = BTreeSet::new();
    for req in &requests {
        let ty = resource_type(req.path())
            .unwrap_or_else(|| panic!("no resource type for {}", req.path()));
        for (key, value) in req.query_pairs() {
            match key.as_str() {
                "$filter" => {
                    for p in filter_paths(value) {
                        problems.extend(check_path(&schema, ty, &p));
                    }
                }
                "$expand" => {
                    for e in split_top_level(value) {
                        sent_expands.insert(e);
                    }
                    check_expand(&schema, ty, value, &mut problems);
                }
                "$select" | "$orderby" => {
                    for entry in value.split(',') {
                        let property = entry.split_whitespace().next().unwrap_or_default();
                        problems.extend(check_path(&schema, ty, property));
                    }
                }
                _ => {}
            }
        }
    }
    for (name, ty) in ASYNC_EXPANDS {
        check_expand(&schema, ty, name, &mut problems);
        sent_expands.insert((*name).to_owned());
    }
    // Every `.expand("…")` in the source is one of those checked above.
    let mut files = Vec::new();
    rust_files(&root().join("src/api"), &mut files);
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (i, _) in text.match_indices(".expand(\"") {
            let rest = &text[i + ".expand(\"".len()..];
            let literal = &rest[..rest.find('"').unwrap()];
            if !sent_expands.contains(literal) {
                problems.push(format!(
                    "{} expands {literal:?}, which no request in this test sends",
                    file.display()
                ));
            }
        }
    }
    fail_with(problems, "query properties Graph does not define");
}

#[test]
fn filter_paths_are_read_from_rendered_filters() {
    assert_eq!(
        filter_paths("accessPackage/id eq 'it''s' and state eq 'delivered' or createdDateTime ge 2026-01-01T00:00:00Z"),
        ["accessPackage/id", "state", "createdDateTime"]
    );
    assert_eq!(
        filter_paths("contains(tolower(displayName), 'and x')"),
        ["displayName"]
    );
    let schema = Schema::load();
    assert!(check_path(
        &schema,
        "microsoft.graph.accessPackageAssignment",
        "target/objectId"
    )
    .is_none());
    assert!(check_path(
        &schema,
        "microsoft.graph.accessPackageAssignment",
        "target/userId"
    )
    .is_some());
    let mut problems = Vec::new();
    check_expand(
        &schema,
        "microsoft.graph.accessPackageAssignmentRequest",
        "assignment($expand=target),requestor",
        &mut problems,
    );
    assert!(problems.is_empty(), "{problems:?}");
    check_expand(
        &schema,
        "microsoft.graph.accessPackageAssignmentRequest",
        "assignment($expand=requestor),state",
        &mut problems,
    );
    assert_eq!(problems.len(), 2, "{problems:?}");
}

#[test]
fn current_user_options_cover_graph() {
    use entra_access::api::{AssignmentsOfCurrentUser as A, RequestsOfCurrentUser as R};
    let schema = Schema::load();
    let client = entra_access::Client::builder()
        .token_provider(entra_access::auth::StaticToken::new("t"))
        .build()
        .unwrap();
    let mut problems = Vec::new();
    let requests = |wire: &str| {
        Some(match wire {
            "target" => R::Target,
            "createdBy" => R::CreatedBy,
            "approver" => R::Approver,
            "targetOrRequestor" => R::TargetOrRequestor,
            "targetManager" => R::TargetManager,
            "requestForOthers" => R::RequestForOthers,
            "targetAgentIdentitySponsorOrOwner" => R::TargetAgentIdentitySponsorOrOwner,
            _ => return None,
        })
    };
    let assignments = |wire: &str| {
        Some(match wire {
            "target" => A::Target,
            "createdBy" => A::CreatedBy,
            "targetManager" => A::TargetManager,
            "targetAgentIdentitySponsorOrOwner" => A::TargetAgentIdentitySponsorOrOwner,
            _ => return None,
        })
    };
    let graph = "microsoft.graph.accessPackageAssignmentRequestFilterByCurrentUserOptions";
    for m in schema.enum_members(graph).unwrap() {
        if m == "unknownFutureValue" {
            continue;
        }
        match requests(&m) {
            None => problems.push(format!("RequestsOfCurrentUser has no option {m:?}")),
            Some(on) => {
                let path = client
                    .assignment_requests()
                    .filter_by_current_user(on)
                    .request()
                    .unwrap();
                if !path
                    .path()
                    .ends_with(&format!("filterByCurrentUser(on='{m}')"))
                {
                    problems.push(format!("{m:?} is sent as {}", path.path()));
                }
            }
        }
    }
    let graph = "microsoft.graph.accessPackageAssignmentFilterByCurrentUserOptions";
    for m in schema.enum_members(graph).unwrap() {
        if m == "unknownFutureValue" {
            continue;
        }
        match assignments(&m) {
            None => problems.push(format!("AssignmentsOfCurrentUser has no option {m:?}")),
            Some(on) => {
                let path = client
                    .assignments()
                    .filter_by_current_user(on)
                    .request()
                    .unwrap();
                if !path
                    .path()
                    .ends_with(&format!("filterByCurrentUser(on='{m}')"))
                {
                    problems.push(format!("{m:?} is sent as {}", path.path()));
                }
            }
        }
    }
    fail_with(
        problems,
        "filterByCurrentUser options Graph has and the crate lacks",
    );
}

// ---------------------------------------------------------------------------
// The coverage list.
// ---------------------------------------------------------------------------

#[test]
fn the_coverage_list_is_current() {
    let w = World::load();
    let path = root().join("tests/data/model-coverage.txt");
    let fresh = coverage(&w);
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed == fresh {
        return;
    }
    if std::env::var_os("UPDATE_COVERAGE").is_some() {
        std::fs::write(&path, &fresh).expect("write tests/data/model-coverage.txt");
        return;
    }
    let first_difference = committed
        .lines()
        .zip(fresh.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| committed.lines().count().min(fresh.lines().count()));
    panic!(
        "tests/data/model-coverage.txt is stale (first difference at line {}: {:?}); \
         regenerate with UPDATE_COVERAGE=1 cargo test --all-features --test schema_conformance",
        first_difference + 1,
        fresh.lines().nth(first_difference).unwrap_or("<end>")
    );
}

// ---------------------------------------------------------------------------

fn load_body(name: &str) -> Value {
    let path = root().join("tests/data/bodies").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    doc["body"].clone()
}
