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

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value};

// ---------------------------------------------------------------------------
// The registry: which Graph type each model and enum stands for.
// ---------------------------------------------------------------------------

/// A model struct and the Graph type it represents (`in_table = false`: the
/// type is outside the entitlement-management table, which the test checks).
struct ModelRow {
    rust: &'static str,
    graph: &'static str,
    in_table: bool,
    /// Decodes a JSON object into the model and serializes it back.
    round_trip: fn(Value) -> Result<Value, String>,
}

fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(
    v: Value,
) -> Result<Value, String> {
    let t: T = serde_path_to_error::deserialize(v).map_err(|e| e.to_string())?;
    serde_json::to_value(&t).map_err(|e| e.to_string())
}

macro_rules! models {
    ($($rust:ident => $graph:literal $(, $out:ident)?;)+) => {
        &[$(ModelRow {
            rust: stringify!($rust),
            graph: $graph,
            in_table: models!(@in $($out)?),
            round_trip: round_trip::<entra_access::models::$rust>,
        }),+]
    };
    (@in) => { true };
    (@in outside_table) => { false };
}

const MODELS: &[ModelRow] = models! {
    AccessPackage => "microsoft.graph.accessPackage";
    Answer => "microsoft.graph.accessPackageAnswerString";
    AnsweredQuestion => "microsoft.graph.accessPackageQuestion";
    AnswerChoice => "microsoft.graph.accessPackageAnswerChoice";
    ApprovalSettings => "microsoft.graph.accessPackageAssignmentApprovalSettings";
    ApprovalStage => "microsoft.graph.accessPackageApprovalStage";
    Assignment => "microsoft.graph.accessPackageAssignment";
    AssignmentPolicy => "microsoft.graph.accessPackageAssignmentPolicy";
    AssignmentRequest => "microsoft.graph.accessPackageAssignmentRequest";
    AutomaticRequestSettings => "microsoft.graph.accessPackageAutomaticRequestSettings";
    Catalog => "microsoft.graph.accessPackageCatalog";
    ConnectedOrganization => "microsoft.graph.connectedOrganization";
    ConnectedOrganizationMembers => "microsoft.graph.connectedOrganizationMembers";
    CustomExtensionCalloutInstance => "microsoft.graph.customExtensionCalloutInstance", outside_table;
    DirectoryObject => "microsoft.graph.directoryObject", outside_table;
    Expiration => "microsoft.graph.expirationPattern";
    GroupMembers => "microsoft.graph.groupMembers";
    LocalizedText => "microsoft.graph.accessPackageLocalizedText";
    MultipleChoiceQuestion => "microsoft.graph.accessPackageMultipleChoiceQuestion";
    RequestorManager => "microsoft.graph.requestorManager";
    RequestorSettings => "microsoft.graph.accessPackageAssignmentRequestorSettings";
    Schedule => "microsoft.graph.entitlementManagementSchedule";
    SingleUser => "microsoft.graph.singleUser";
    Subject => "microsoft.graph.accessPackageSubject";
    Task => "microsoft.graph.identityGovernance.task";
    TaskArgument => "microsoft.graph.keyValuePair";
    TextInputQuestion => "microsoft.graph.accessPackageTextInputQuestion";
    Workflow => "microsoft.graph.identityGovernance.workflow";
};

/// Hand-written polymorphic models (an enum over the subtypes, unknown
/// subtypes kept raw) and type aliases.
const POLYMORPHIC: &[(&str, &str)] = &[
    ("SubjectSet", "microsoft.graph.subjectSet"),
    ("Question", "microsoft.graph.accessPackageQuestion"),
    ("ExpirationPattern", "microsoft.graph.expirationPattern"),
];

struct EnumRow {
    rust: &'static str,
    graph: &'static str,
    in_table: bool,
    known: &'static [&'static str],
}

macro_rules! enums {
    ($($rust:ident => $graph:literal $(, $out:ident)?;)+) => {
        &[$(EnumRow {
            rust: stringify!($rust),
            graph: $graph,
            in_table: models!(@in $($out)?),
            known: entra_access::models::$rust::KNOWN,
        }),+]
    };
}

const ENUMS: &[EnumRow] = enums! {
    AllowedTargetScope => "microsoft.graph.allowedTargetScope";
    // The table names the property's type but lists no members for it.
    ApproverInformationVisibility => "microsoft.graph.approverInformationVisibility", outside_table;
    AssignmentState => "microsoft.graph.accessPackageAssignmentState";
    CalloutStatus => "microsoft.graph.customExtensionCalloutInstanceStatus", outside_table;
    CatalogState => "microsoft.graph.accessPackageCatalogState";
    CatalogType => "microsoft.graph.accessPackageCatalogType";
    ConnectedOrganizationState => "microsoft.graph.connectedOrganizationState";
    ExpirationType => "microsoft.graph.expirationPatternType";
    RequestState => "microsoft.graph.accessPackageRequestState";
    RequestType => "microsoft.graph.accessPackageRequestType";
    SubjectLifecycle => "microsoft.graph.accessPackageSubjectLifecycle";
    SubjectType => "microsoft.graph.accessPackageSubjectType";
};

/// Enum-typed Graph properties the models keep as a `String`, and why.
const ENUM_AS_STRING: &[(&str, &str, &str)] = &[
    (
        "Workflow",
        "category",
        "lifecycleWorkflowCategory: kept verbatim so createNewVersion posts it back unchanged",
    ),
    (
        "Task",
        "category",
        "lifecycleTaskCategory is a flags enum: Graph sends several members comma-joined",
    ),
];

/// Keys the docs show in a request body that the CSDL does not define: the
/// model carries them for that body only. Each names the documented example
/// (under `tests/data/bodies/`) and the JSON path where it shows the key.
const WRITE_ONLY: &[(&str, &str, &str, &str)] = &[
    (
        "Assignment",
        "targetId",
        "admin-add-by-object-id.json",
        "/assignment/targetId",
    ),
    (
        "Assignment",
        "assignmentPolicyId",
        "admin-add-by-object-id.json",
        "/assignment/assignmentPolicyId",
    ),
    (
        "Assignment",
        "accessPackageId",
        "admin-add-by-object-id.json",
        "/assignment/accessPackageId",
    ),
];

// ---------------------------------------------------------------------------
// The schema table.
// ---------------------------------------------------------------------------

#[derive(Clone, Debug)]
struct Prop {
    ty: String,
    nullable: bool,
    navigation: bool,
}

struct Schema {
    raw: Value,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

impl Schema {
    fn load() -> Schema {
        let text = std::fs::read_to_string(root().join("tests/data/graph-schema-v1.0.json"))
            .expect("tests/data/graph-schema-v1.0.json");
        Schema {
            raw: serde_json::from_str(&text).expect("the schema table is JSON"),
        }
    }

    fn types(&self) -> &Map<String, Value> {
        self.raw["types"].as_object().expect("types")
    }

    fn enums(&self) -> &Map<String, Value> {
        self.raw["enums"].as_object().expect("enums")
    }

    fn has_type(&self, name: &str) -> bool {
        self.types().contains_key(name)
    }

    fn enum_members(&self, name: &str) -> Option<Vec<String>> {
        self.enums().get(name).map(|m| {
            m.as_array()
                .expect("members")
                .iter()
                .map(|s| s.as_str().expect("member").to_owned())
                .collect()
        })
    }

    fn base(&self, name: &str) -> Option<String> {
        self.types()[name]["base"].as_str().map(full_name)
    }

    fn is_abstract(&self, name: &str) -> bool {
        self.types()[name]["abstract"].as_bool() == Some(true)
    }

    /// `name` and its base types, nearest first (only those in the table).
    fn lineage(&self, name: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut next = Some(name.to_owned());
        while let Some(t) = next.filter(|t| self.has_type(t)) {
            next = self.base(&t);
            out.push(t);
        }
        out
    }

    fn derives_from(&self, name: &str, ancestor: &str) -> bool {
        self.lineage(name).iter().any(|t| t == ancestor)
    }

    /// Whether the lineage ends in `graph.entity` (which gives `id`).
    fn is_entity(&self, name: &str) -> bool {
        let lineage = self.lineage(name);
        lineage
            .last()
            .and_then(|t| self.base(t))
            .is_some_and(|b| b == "microsoft.graph.entity")
            || lineage
                .iter()
                .any(|t| self.types()[t]["kind"].as_str() == Some("entity"))
    }

    /// Every property and navigation property of `name`, inherited ones
    /// included, plus `id` for entities.
    fn properties(&self, name: &str) -> BTreeMap<String, Prop> {
        let mut out = BTreeMap::new();
        if self.is_entity(name) {
            out.insert(
                "id".to_owned(),
                Prop {
                    ty: "Edm.String".into(),
                    nullable: false,
                    navigation: false,
                },
            );
        }
        for t in self.lineage(name).iter().rev() {
            let def = &self.types()[t];
            for (p, v) in def["properties"].as_object().expect("properties") {
                out.insert(
                    p.clone(),
                    Prop {
                        ty: full_name(v["type"].as_str().expect("type")),
                        nullable: v["nullable"].as_bool().expect("nullable"),
                        navigation: false,
                    },
                );
            }
            for (p, v) in def["navigation"].as_object().expect("navigation") {
                out.insert(
                    p.clone(),
                    Prop {
                        ty: full_name(v["type"].as_str().expect("type")),
                        nullable: true,
                        navigation: true,
                    },
                );
            }
        }
        out
    }

    /// Concrete types deriving from `name` (itself first when concrete).
    fn concrete_subtypes(&self, name: &str) -> Vec<String> {
        let mut out: Vec<String> = self
            .types()
            .keys()
            .filter(|t| self.derives_from(t, name) && !self.is_abstract(t))
            .cloned()
            .collect();
        out.sort_by_key(|t| (t != name, t.clone()));
        out
    }
}

/// `graph.x` → `microsoft.graph.x`; collections keep their wrapper.
fn full_name(ty: &str) -> String {
    if let Some(inner) = ty
        .strip_prefix("Collection(")
        .and_then(|s| s.strip_suffix(')'))
    {
        return format!("Collection({})", full_name(inner));
    }
    match ty.strip_prefix("graph.") {
        Some(rest) => format!("microsoft.graph.{rest}"),
        None => ty.to_owned(),
    }
}

fn short(graph: &str) -> &str {
    graph.strip_prefix("microsoft.graph.").unwrap_or(graph)
}

// ---------------------------------------------------------------------------
// What the source says about the models.
// ---------------------------------------------------------------------------

/// A Rust field type, reduced to what matters here.
#[derive(Clone, Debug, PartialEq)]
enum Shape {
    Option(Box<Shape>),
    Vec(Box<Shape>),
    Named(String),
}

impl Shape {
    fn from_type(ty: &syn::Type) -> Shape {
        let syn::Type::Path(p) = ty else {
            return Shape::Named("?".into());
        };
        let last = p.path.segments.last().expect("a type name");
        let name = p
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect::<Vec<_>>()
            .join("::");
        let inner = || match &last.arguments {
            syn::PathArguments::AngleBracketed(a) => match a.args.first() {
                Some(syn::GenericArgument::Type(t)) => Shape::from_type(t),
                _ => Shape::Named("?".into()),
            },
            _ => Shape::Named("?".into()),
        };
        match last.ident.to_string().as_str() {
            "Option" => Shape::Option(Box::new(inner())),
            "Vec" => Shape::Vec(Box::new(inner())),
            "Box" => inner(),
            _ => Shape::Named(name),
        }
    }

    fn is_option(&self) -> bool {
        matches!(self, Shape::Option(_))
    }

    fn without_option(&self) -> &Shape {
        match self {
            Shape::Option(s) => s,
            s => s,
        }
    }

    fn describe(&self) -> String {
        match self {
            Shape::Option(s) => format!("Option<{}>", s.describe()),
            Shape::Vec(s) => format!("Vec<{}>", s.describe()),
            Shape::Named(n) => n.clone(),
        }
    }
}

#[derive(Clone, Debug)]
struct Field {
    rust: String,
    wire: String,
    shape: Shape,
    flatten: bool,
    null_as_default: bool,
}

#[derive(Debug)]
struct ModelStruct {
    name: String,
    file: String,
    fields: Vec<Field>,
}

#[derive(Debug)]
struct SourceEnum {
    name: String,
    members: Vec<String>,
}

fn camel_case(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable dir") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn derives_serde(attrs: &[syn::Attribute]) -> bool {
    let mut found = false;
    for attr in attrs.iter().filter(|a| a.path().is_ident("derive")) {
        attr.parse_nested_meta(|meta| {
            let last = meta.path.segments.last().map(|s| s.ident.to_string());
            if matches!(last.as_deref(), Some("Serialize" | "Deserialize")) {
                found = true;
            }
            Ok(())
        })
        .expect("a derive list");
    }
    found
}

/// Reads `#[serde(...)]`: `(rename_all, rename, flatten, deserialize_with)`.
fn serde_attrs(attrs: &[syn::Attribute]) -> (Option<String>, Option<String>, bool, Option<String>) {
    let (mut rename_all, mut rename, mut flatten, mut with) = (None, None, false, None);
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            let key = meta.path.get_ident().map(ToString::to_string);
            let value = if meta.input.peek(syn::Token![=]) {
                let expr: syn::Expr = meta.value()?.parse()?;
                match expr {
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(s),
                        ..
                    }) => Some(s.value()),
                    _ => None,
                }
            } else {
                None
            };
            match key.as_deref() {
                Some("rename_all") => rename_all = value,
                Some("rename") => rename = value,
                Some("flatten") => flatten = true,
                Some("deserialize_with") => with = value,
                _ => {}
            }
            Ok(())
        })
        .expect("a serde attribute");
    }
    (rename_all, rename, flatten, with)
}

struct EnumBody {
    name: syn::Ident,
    members: Vec<String>,
}

impl syn::parse::Parse for EnumBody {
    fn parse(input: syn::parse::ParseStream<'_>) -> syn::Result<Self> {
        input.call(syn::Attribute::parse_outer)?;
        let name: syn::Ident = input.parse()?;
        let content;
        syn::braced!(content in input);
        let mut members = Vec::new();
        while !content.is_empty() {
            content.call(syn::Attribute::parse_outer)?;
            let _variant: syn::Ident = content.parse()?;
            content.parse::<syn::Token![=>]>()?;
            let wire: syn::LitStr = content.parse()?;
            members.push(wire.value());
            if content.peek(syn::Token![,]) {
                content.parse::<syn::Token![,]>()?;
            }
        }
        Ok(EnumBody { name, members })
    }
}

fn read_models() -> (Vec<ModelStruct>, Vec<SourceEnum>) {
    let mut files = vec![root().join("src/models.rs")];
    rust_files(&root().join("src/models"), &mut files);
    files.sort();
    let (mut structs, mut enums) = (Vec::new(), Vec::new());
    for path in files {
        let text = std::fs::read_to_string(&path).expect("readable source");
        let file = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let rel = path
            .strip_prefix(root())
            .expect("inside the crate")
            .display()
            .to_string();
        for item in file.items {
            match item {
                syn::Item::Struct(s) if derives_serde(&s.attrs) => {
                    let (rename_all, ..) = serde_attrs(&s.attrs);
                    let syn::Fields::Named(named) = &s.fields else {
                        continue;
                    };
                    let fields = named
                        .named
                        .iter()
                        .map(|f| {
                            let rust = f.ident.as_ref().expect("named").to_string();
                            let (_, rename, flatten, with) = serde_attrs(&f.attrs);
                            let wire = rename.unwrap_or_else(|| match rename_all.as_deref() {
                                Some("camelCase") => camel_case(&rust),
                                None => rust.clone(),
                                Some(other) => panic!("{rel}: rename_all = {other:?} not handled"),
                            });
                            Field {
                                rust,
                                wire,
                                shape: Shape::from_type(&f.ty),
                                flatten,
                                null_as_default: with.as_deref() == Some("null_as_default"),
                            }
                        })
                        .collect();
                    structs.push(ModelStruct {
                        name: s.ident.to_string(),
                        file: rel.clone(),
                        fields,
                    });
                }
                syn::Item::Macro(m) if m.mac.path.is_ident("graph_enum") => {
                    let body: EnumBody = m.mac.parse_body().expect("a graph_enum! body");
                    enums.push(SourceEnum {
                        name: body.name.to_string(),
                        members: body.members,
                    });
                }
                _ => {}
            }
        }
    }
    (structs, enums)
}

struct World {
    schema: Schema,
    structs: Vec<ModelStruct>,
    enums: Vec<SourceEnum>,
}

impl World {
    fn load() -> World {
        let (structs, enums) = read_models();
        World {
            schema: Schema::load(),
            structs,
            enums,
        }
    }

    fn model(&self, rust: &str) -> &ModelStruct {
        self.structs
            .iter()
            .find(|s| s.name == rust)
            .unwrap_or_else(|| panic!("no serde struct {rust} in src/models"))
    }

    /// The Graph type a Rust type name stands for, if it is a model.
    fn graph_of(&self, rust: &str) -> Option<&'static str> {
        MODELS
            .iter()
            .find(|m| m.rust == rust)
            .map(|m| m.graph)
            .or_else(|| POLYMORPHIC.iter().find(|p| p.0 == rust).map(|p| p.1))
    }

    fn enum_of(&self, rust: &str) -> Option<&'static EnumRow> {
        ENUMS.iter().find(|e| e.rust == rust)
    }

    /// Properties of a model's Graph type (empty for types outside the table).
    fn graph_props(&self, row: &ModelRow) -> BTreeMap<String, Prop> {
        if row.in_table {
            self.schema.properties(row.graph)
        } else {
            BTreeMap::new()
        }
    }

    fn in_table_rows(&self) -> impl Iterator<Item = &'static ModelRow> {
        MODELS.iter().filter(|r| r.in_table)
    }

    /// Whether `wire` is a property the model may send for a reason other
    /// than the schema.
    fn allowed_extra(&self, model: &str, wire: &str) -> bool {
        wire.starts_with("@odata.") || WRITE_ONLY.iter().any(|w| w.0 == model && w.1 == wire)
    }

    /// Does the Rust shape agree with Graph's type? `Err` says why not.
    fn agrees(&self, model: &str, wire: &str, shape: &Shape, graph_ty: &str) -> Result<(), String> {
        let shape = shape.without_option();
        if let Some(elem) = graph_ty
            .strip_prefix("Collection(")
            .and_then(|s| s.strip_suffix(')'))
        {
            return match shape {
                Shape::Vec(inner) => self.agrees(model, wire, inner, elem),
                Shape::Named(n) if n == "serde_json::Value" => Ok(()),
                other => Err(format!(
                    "a collection, but the field is {}",
                    other.describe()
                )),
            };
        }
        let Shape::Named(rust) = shape else {
            return Err(format!(
                "a single {graph_ty}, but the field is {}",
                shape.describe()
            ));
        };
        let rust = rust.as_str();
        let scalar = |ok: &[&str]| {
            if ok.contains(&rust) {
                Ok(())
            } else {
                Err(format!("{graph_ty}, but the field is {rust}"))
            }
        };
        match graph_ty {
            "Edm.String" => {
                if rust == "String" || is_id_type(rust) {
                    Ok(())
                } else {
                    Err(format!("Edm.String, but the field is {rust}"))
                }
            }
            "Edm.DateTimeOffset" => scalar(&["DateTime"]),
            "Edm.Duration" => scalar(&["IsoDuration"]),
            "Edm.Boolean" => scalar(&["bool"]),
            "Edm.Int32" => scalar(&["i32"]),
            t if t.starts_with("Edm.") => Err(format!("{t} is not handled by this test")),
            t if self.schema.enum_members(t).is_some() || ENUMS.iter().any(|e| e.graph == t) => {
                let same_enum = self.enum_of(rust).is_some_and(|e| e.graph == t);
                let string_by_choice =
                    rust == "String" && ENUM_AS_STRING.iter().any(|e| e.0 == model && e.1 == wire);
                if same_enum || string_by_choice {
                    Ok(())
                } else {
                    Err(format!("the enum {}, but the field is {rust}", short(t)))
                }
            }
            t => {
                if rust == "serde_json::Value" {
                    return Ok(());
                }
                match self.graph_of(rust) {
                    Some(g) if g == t || self.schema.derives_from(g, t) => Ok(()),
                    Some(g) => Err(format!(
                        "{}, but the field's model is {}",
                        short(t),
                        short(g)
                    )),
                    None => Err(format!("{}, but the field is {rust}", short(t))),
                }
            }
        }
    }
}

fn is_id_type(rust: &str) -> bool {
    matches!(
        rust,
        "AccessPackageId"
            | "AssignmentId"
            | "AssignmentPolicyId"
            | "AssignmentRequestId"
            | "CatalogId"
            | "ConnectedOrganizationId"
            | "ObjectId"
            | "QuestionId"
            | "WorkflowId"
    )
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

/// A sample JSON value of a Graph type (`depth` stops recursion).
fn sample(schema: &Schema, ty: &str, depth: u32) -> Value {
    if let Some(elem) = ty
        .strip_prefix("Collection(")
        .and_then(|s| s.strip_suffix(')'))
    {
        return json!([sample(schema, elem, depth)]);
    }
    match ty {
        "Edm.String" => json!("sample-text"),
        "Edm.DateTimeOffset" => json!("2026-01-02T03:04:05Z"),
        "Edm.Duration" => json!("P1DT2H"),
        "Edm.Boolean" => json!(true),
        "Edm.Int32" => json!(7),
        t if t.starts_with("Edm.") => json!("sample"),
        t => {
            if let Some(members) = schema.enum_members(t) {
                return json!(members[0]);
            }
            if ENUMS.iter().any(|e| e.graph == t) {
                return json!(ENUMS.iter().find(|e| e.graph == t).expect("enum").known[0]);
            }
            if !schema.has_type(t) || depth == 0 {
                return json!({});
            }
            let concrete = schema
                .concrete_subtypes(t)
                .into_iter()
                .next()
                .unwrap_or_else(|| t.to_owned());
            let mut obj = Map::new();
            if concrete != t || schema.is_abstract(t) {
                obj.insert("@odata.type".into(), json!(format!("#{concrete}")));
            }
            for (name, p) in schema.properties(&concrete) {
                if !p.navigation {
                    obj.insert(name, sample(schema, &p.ty, depth - 1));
                }
            }
            Value::Object(obj)
        }
    }
}

/// The Graph object with every nullable property (and navigation property)
/// `null`, the others sampled, and a property no model knows.
fn all_nulls(schema: &Schema, graph: &str) -> Value {
    let mut obj = Map::new();
    for (name, p) in schema.properties(graph) {
        let v = if p.nullable {
            Value::Null
        } else {
            sample(schema, &p.ty, 1)
        };
        obj.insert(name, v);
    }
    obj.insert("@odata.type".into(), json!(format!("#{graph}")));
    obj.insert("someFutureProperty".into(), json!({"nested": [1, null]}));
    Value::Object(obj)
}

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

/// The carried properties of a model, sampled.
fn populated(w: &World, row: &ModelRow) -> Map<String, Value> {
    let props = w.graph_props(row);
    let mut obj = Map::new();
    for f in w.model(row.rust).fields.iter().filter(|f| !f.flatten) {
        if let Some(p) = props.get(&f.wire) {
            obj.insert(f.wire.clone(), sample(&w.schema, &p.ty, 2));
        }
    }
    obj
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

const EM: &str = "identityGovernance/entitlementManagement";

/// The Graph type a request path lists or gets.
fn resource_type(path: &str) -> Option<&'static str> {
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
fn filter_paths(filter: &str) -> Vec<String> {
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
fn check_path(schema: &Schema, ty: &str, path: &str) -> Option<String> {
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
fn check_expand(schema: &Schema, ty: &str, expand: &str, problems: &mut Vec<String>) {
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

fn split_top_level(list: &str) -> Vec<String> {
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
fn crate_requests() -> Vec<entra_access::request::ApiRequest> {
    use entra_access::models::{AssignmentState, DateTime, RequestState};
    let client = entra_access::Client::new(entra_access::auth::StaticToken::new("t")).unwrap();
    let at: DateTime = "2026-01-01T00:00:00Z".parse().unwrap();
    let out = vec![
        client.access_packages().list().expand_policies().request(),
        client
            .access_packages()
            .list()
            .display_name("a'b")
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
            .target("u")
            .expand_target()
            .expand_access_package()
            .expand_policy()
            .request(),
        client
            .assignments()
            .get("a")
            .expand_target()
            .expand_access_package()
            .expand_policy()
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
const ASYNC_EXPANDS: &[(&str, &str)] = &[
    ("tasks", "microsoft.graph.identityGovernance.workflow"),
    ("assignmentPolicies", "microsoft.graph.accessPackage"),
];

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
    let client = entra_access::Client::new(entra_access::auth::StaticToken::new("t")).unwrap();
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

fn coverage(w: &World) -> String {
    let mut out = String::from(
        "# Graph v1.0 properties the models do not carry yet.\n\
         # Generated by tests/schema_conformance.rs from tests/data/graph-schema-v1.0.json;\n\
         # regenerate with: UPDATE_COVERAGE=1 cargo test --all-features --test schema_conformance\n\
         #\n\
         # `missing`: not carried (dropped on decode); `in extra`: not typed, kept\n\
         # verbatim in the model's `extra` map; `raw`: carried as untyped JSON.\n",
    );
    out.push_str("\n## Models\n");
    let mut rows: Vec<&ModelRow> = MODELS.iter().collect();
    rows.sort_by_key(|r| r.rust);
    for row in rows {
        if !row.in_table {
            out.push_str(&format!(
                "\n{} = {} (outside the table: not checked)\n",
                row.rust,
                short(row.graph)
            ));
            continue;
        }
        let model = w.model(row.rust);
        let has_extra = model.fields.iter().any(|f| f.flatten);
        let carried: BTreeMap<&str, &Field> = model
            .fields
            .iter()
            .filter(|f| !f.flatten)
            .map(|f| (f.wire.as_str(), f))
            .collect();
        out.push_str(&format!("\n{} = {}\n", row.rust, short(row.graph)));
        let (mut missing, mut raw) = (Vec::new(), Vec::new());
        for (name, p) in w.graph_props(row) {
            let label = if p.navigation {
                format!("{name} (navigation)")
            } else {
                name.clone()
            };
            match carried.get(name.as_str()) {
                None => missing.push(label),
                Some(f) => {
                    let inner = match f.shape.without_option() {
                        Shape::Vec(s) => s.without_option().clone(),
                        s => s.clone(),
                    };
                    if inner == Shape::Named("serde_json::Value".into()) {
                        raw.push(label);
                    }
                }
            }
        }
        let verb = if has_extra { "in extra" } else { "missing" };
        out.push_str(&format!(
            "  {verb}: {}\n",
            if missing.is_empty() {
                "-".to_owned()
            } else {
                missing.join(", ")
            }
        ));
        if !raw.is_empty() {
            out.push_str(&format!("  raw: {}\n", raw.join(", ")));
        }
    }
    for (rust, graph) in POLYMORPHIC.iter().filter(|p| p.0 != "ExpirationPattern") {
        let modelled: Vec<&str> = MODELS.iter().map(|m| m.graph).collect();
        let unmodelled: Vec<String> = w
            .schema
            .concrete_subtypes(graph)
            .into_iter()
            .filter(|t| !modelled.contains(&t.as_str()))
            .map(|t| short(&t).to_owned())
            .collect();
        out.push_str(&format!(
            "\n{rust} = {} (polymorphic)\n  subtypes kept raw: {}\n",
            short(graph),
            if unmodelled.is_empty() {
                "-".to_owned()
            } else {
                unmodelled.join(", ")
            }
        ));
    }
    out.push_str("\n## Graph types with no model\n\n");
    let modelled: BTreeSet<&str> = MODELS
        .iter()
        .map(|m| m.graph)
        .chain(POLYMORPHIC.iter().map(|p| p.1))
        .collect();
    for t in w.schema.types().keys() {
        if !modelled.contains(t.as_str()) {
            out.push_str(&format!("{}\n", short(t)));
        }
    }
    out.push_str("\n## Graph enums with no Rust enum\n\n");
    for e in w.schema.enums().keys() {
        if !ENUMS.iter().any(|r| r.graph == e) {
            out.push_str(&format!("{}\n", short(e)));
        }
    }
    out
}

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
