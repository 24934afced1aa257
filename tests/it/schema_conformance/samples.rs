//! Sample Graph objects: populated, or with every nullable property `null`.

use serde_json::{json, Map, Value};

use super::registry::{ModelRow, ENUMS};
use super::schema_table::Schema;
use super::world::World;

/// A sample JSON value of a Graph type (`depth` stops recursion).
pub fn sample(schema: &Schema, ty: &str, depth: u32) -> Value {
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
pub fn all_nulls(schema: &Schema, graph: &str) -> Value {
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

/// The carried properties of a model, sampled.
pub fn populated(w: &World, row: &ModelRow) -> Map<String, Value> {
    let props = w.graph_props(row);
    let mut obj = Map::new();
    for f in w.model(row.rust).fields.iter().filter(|f| !f.flatten) {
        if let Some(p) = props.get(&f.wire) {
            obj.insert(f.wire.clone(), sample(&w.schema, &p.ty, 2));
        }
    }
    obj
}
