//! The schema, the models and the registry together, and the type-agreement rule.

use std::collections::BTreeMap;

use super::model_source::{read_models, ModelStruct, Shape, SourceEnum};
use super::registry::{
    EnumRow, ModelRow, ENUMS, ENUM_AS_STRING, MODELS, NEWER_THAN_TABLE, POLYMORPHIC, WRITE_ONLY,
};
use super::schema_table::{short, Prop, Schema};

pub struct World {
    pub schema: Schema,
    pub structs: Vec<ModelStruct>,
    pub enums: Vec<SourceEnum>,
}

impl World {
    pub fn load() -> World {
        let (structs, enums) = read_models();
        World {
            schema: Schema::load(),
            structs,
            enums,
        }
    }

    pub fn model(&self, rust: &str) -> &ModelStruct {
        self.structs
            .iter()
            .find(|s| s.name == rust)
            .unwrap_or_else(|| panic!("no serde struct {rust} in src/models"))
    }

    /// The Graph type a Rust type name stands for, if it is a model.
    pub fn graph_of(&self, rust: &str) -> Option<&'static str> {
        MODELS
            .iter()
            .find(|m| m.rust == rust)
            .map(|m| m.graph)
            .or_else(|| POLYMORPHIC.iter().find(|p| p.0 == rust).map(|p| p.1))
    }

    pub fn enum_of(&self, rust: &str) -> Option<&'static EnumRow> {
        ENUMS.iter().find(|e| e.rust == rust)
    }

    /// Properties of a model's Graph type (empty for types outside the table).
    pub fn graph_props(&self, row: &ModelRow) -> BTreeMap<String, Prop> {
        if row.in_table {
            self.schema.properties(row.graph)
        } else {
            BTreeMap::new()
        }
    }

    pub fn in_table_rows(&self) -> impl Iterator<Item = &'static ModelRow> {
        MODELS.iter().filter(|r| r.in_table)
    }

    /// Whether `wire` is a property the model may send for a reason other
    /// than the schema.
    pub fn allowed_extra(&self, model: &str, wire: &str) -> bool {
        wire.starts_with("@odata.")
            || WRITE_ONLY.iter().any(|w| w.0 == model && w.1 == wire)
            || NEWER_THAN_TABLE
                .iter()
                .any(|n| n.model == model && n.wire == wire)
    }

    /// Does the Rust shape agree with Graph's type? `Err` says why not.
    pub fn agrees(
        &self,
        model: &str,
        wire: &str,
        shape: &Shape,
        graph_ty: &str,
    ) -> Result<(), String> {
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

pub fn is_id_type(rust: &str) -> bool {
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
