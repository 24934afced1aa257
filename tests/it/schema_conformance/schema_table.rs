//! The schema table (`tests/data/graph-schema-v1.0.json`): types, their
//! properties with inheritance, enums.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::root;

#[derive(Clone, Debug)]
pub struct Prop {
    pub ty: String,
    pub nullable: bool,
    pub navigation: bool,
}

pub struct Schema {
    pub raw: Value,
}

impl Schema {
    pub fn load() -> Schema {
        let text = std::fs::read_to_string(root().join("tests/data/graph-schema-v1.0.json"))
            .expect("tests/data/graph-schema-v1.0.json");
        Schema {
            raw: serde_json::from_str(&text).expect("the schema table is JSON"),
        }
    }

    pub fn types(&self) -> &Map<String, Value> {
        self.raw["types"].as_object().expect("types")
    }

    pub fn enums(&self) -> &Map<String, Value> {
        self.raw["enums"].as_object().expect("enums")
    }

    pub fn has_type(&self, name: &str) -> bool {
        self.types().contains_key(name)
    }

    pub fn enum_members(&self, name: &str) -> Option<Vec<String>> {
        self.enums().get(name).map(|m| {
            m.as_array()
                .expect("members")
                .iter()
                .map(|s| s.as_str().expect("member").to_owned())
                .collect()
        })
    }

    pub fn base(&self, name: &str) -> Option<String> {
        self.types()[name]["base"].as_str().map(full_name)
    }

    pub fn is_abstract(&self, name: &str) -> bool {
        self.types()[name]["abstract"].as_bool() == Some(true)
    }

    /// `name` and its base types, nearest first (only those in the table).
    pub fn lineage(&self, name: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut next = Some(name.to_owned());
        while let Some(t) = next.filter(|t| self.has_type(t)) {
            next = self.base(&t);
            out.push(t);
        }
        out
    }

    pub fn derives_from(&self, name: &str, ancestor: &str) -> bool {
        self.lineage(name).iter().any(|t| t == ancestor)
    }

    /// Whether the lineage ends in `graph.entity` (which gives `id`).
    pub fn is_entity(&self, name: &str) -> bool {
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
    pub fn properties(&self, name: &str) -> BTreeMap<String, Prop> {
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
    pub fn concrete_subtypes(&self, name: &str) -> Vec<String> {
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
pub fn full_name(ty: &str) -> String {
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

pub fn short(graph: &str) -> &str {
    graph.strip_prefix("microsoft.graph.").unwrap_or(graph)
}
