//! Small serde helpers shared by the model types.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Deserializes `null` as the type's default (Graph may send `null` for an
/// array property).
pub(crate) fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// Default for an entity id that Graph left out (only create-request
/// carriers omit it): the empty string.
pub(crate) fn empty_id<T: From<&'static str>>() -> T {
    T::from("")
}

/// Whether an id is the empty placeholder left by [`empty_id`]; such ids are
/// not serialized.
pub(crate) fn is_empty_id<T: AsRef<str>>(id: &T) -> bool {
    id.as_ref().is_empty()
}

/// Serializes `value` with `"@odata.type": tag` added, for the known
/// subtypes of a polymorphic Graph type.
pub(crate) fn serialize_tagged<S, T>(tag: &str, value: &T, serializer: S) -> Result<S::Ok, S::Error>
where
    S: Serializer,
    T: Serialize,
{
    let mut json = serde_json::to_value(value).map_err(serde::ser::Error::custom)?;
    if let serde_json::Value::Object(map) = &mut json {
        map.insert(
            "@odata.type".to_owned(),
            serde_json::Value::String(tag.to_owned()),
        );
    }
    json.serialize(serializer)
}

/// The `@odata.type` of a raw JSON object, if it has one.
pub(crate) fn odata_type(value: &serde_json::Value) -> Option<&str> {
    value.get("@odata.type").and_then(serde_json::Value::as_str)
}
