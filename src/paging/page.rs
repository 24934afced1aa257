//! One page of a Graph collection.

use std::marker::PhantomData;

use serde::de::{DeserializeOwned, DeserializeSeed, Error as _, IgnoredAny, MapAccess, SeqAccess};
use serde::Deserialize;
use url::Url;

use crate::error::{Error, ErrorKind, Result};
use crate::request::ResponseMeta;

/// One page of a collection: its items, the link to the next page, and the
/// total count when `$count=true` was asked (first page only).
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    items: Vec<T>,
    next_link: Option<Url>,
    count: Option<u64>,
    meta: ResponseMeta,
}

impl<T> Page<T> {
    /// The page's items.
    pub fn items(&self) -> &[T] {
        &self.items
    }

    /// Takes the items.
    pub fn into_items(self) -> Vec<T> {
        self.items
    }

    /// Graph's `@odata.nextLink`: where the next page is. `None` on the last page.
    /// Save it to resume later (see [`PageStream`](super::PageStream)).
    pub fn next_link(&self) -> Option<&Url> {
        self.next_link.as_ref()
    }

    /// `@odata.count`, when asked for and sent.
    pub fn count(&self) -> Option<u64> {
        self.count
    }

    /// The metadata of the answer that carried this page: status, Graph's
    /// `request-id`, the `client-request-id` and the `Date`.
    pub fn meta(&self) -> &ResponseMeta {
        &self.meta
    }

    pub(crate) fn with_meta(mut self, meta: ResponseMeta) -> Self {
        self.meta = meta;
        self
    }

    /// Whether this is the last page.
    pub fn is_last(&self) -> bool {
        self.next_link.is_none()
    }
}

/// A page's own shape, decoded with JSON-path tracking when the fast
/// decode of [`decode_into`] fails, only to name where the page is malformed.
#[derive(Deserialize)]
#[allow(dead_code)] // decoded for its errors only
struct Wire<T> {
    value: Vec<T>,
    #[serde(rename = "@odata.nextLink", default)]
    next_link: Option<String>,
    #[serde(rename = "@odata.count", default)]
    count: Option<u64>,
}

/// What a page says besides its items.
#[derive(Debug)]
pub(crate) struct PageLinks {
    /// `@odata.nextLink`, resolved against the page's URL.
    pub(crate) next_link: Option<Url>,
    /// `@odata.count`.
    pub(crate) count: Option<u64>,
}

impl<T: DeserializeOwned> Page<T> {
    /// Decodes a page straight from the body bytes into typed items.
    /// `current` resolves a relative next link (Graph sends absolute ones).
    pub(crate) fn decode(body: &[u8], current: &Url) -> Result<Self> {
        let mut items = Vec::new();
        let links = decode_into(body, current, &mut items)?;
        Ok(Self {
            items,
            next_link: links.next_link,
            count: links.count,
            meta: ResponseMeta::default(),
        })
    }
}

/// Decodes a page straight from the body bytes, appending its items to
/// `items` (so a caller can reuse one buffer for every page), and returns
/// its links. On an error `items` may hold some of the page's items: the
/// caller drops them. `current` resolves a relative next link.
pub(crate) fn decode_into<T, C>(body: &[u8], current: &Url, items: &mut C) -> Result<PageLinks>
where
    T: DeserializeOwned,
    C: Extend<T>,
{
    // Tracking the JSON path costs more than the decode itself (about
    // 2.4x on a page of assignments), so decode plainly and pay for the
    // path only when the page turns out to be malformed.
    //
    // The body's UTF-8 is checked once, up front: cheaper than serde_json
    // checking every string on its own (a fifth of a page's decode went
    // there). A body that is not UTF-8 takes the byte path, which says where.
    let plain = match std::str::from_utf8(body) {
        Ok(text) => decode_plain(&mut serde_json::Deserializer::from_str(text), items),
        Err(_) => decode_plain(&mut serde_json::Deserializer::from_slice(body), items),
    };
    let (next_link, count) = match plain {
        Ok(links) => links,
        Err(plain) => {
            // Decode again, tracking the path, to say where; should that
            // find nothing wrong (it does not look past the page's end),
            // the plain error stands.
            return Err(match crate::transport::decode::<Wire<T>>("a page", body) {
                Err(e) => e,
                Ok(_) => {
                    Error::new(ErrorKind::Decode, "could not decode a page").with_source(plain)
                }
            });
        }
    };
    let next_link = match next_link.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(link) => Some(current.join(link).map_err(|e| {
            Error::new(ErrorKind::Paging, "the next link is not a URL").with_source(e)
        })?),
    };
    Ok(PageLinks { next_link, count })
}

/// Reads one page object from `de`, its items appended to `items`; the
/// whole input must be that object. Returns the raw next link and the count.
fn decode_plain<'de, R, T, C>(
    de: &mut serde_json::Deserializer<R>,
    items: &mut C,
) -> serde_json::Result<(Option<String>, Option<u64>)>
where
    R: serde_json::de::Read<'de>,
    T: Deserialize<'de>,
    C: Extend<T>,
{
    let links = serde::Deserializer::deserialize_map(&mut *de, PageVisitor::new(items))?;
    de.end()?;
    Ok(links)
}

/// The members of a page this crate reads.
enum Field {
    Value,
    NextLink,
    Count,
    Other,
}

impl<'de> Deserialize<'de> for Field {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Names;
        impl serde::de::Visitor<'_> for Names {
            type Value = Field;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a member name")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<Field, E> {
                Ok(match v {
                    "value" => Field::Value,
                    "@odata.nextLink" => Field::NextLink,
                    "@odata.count" => Field::Count,
                    _ => Field::Other,
                })
            }
        }
        d.deserialize_identifier(Names)
    }
}

/// Reads a page object, its `value` items appended to a caller's buffer;
/// the same members, defaults and refusals (missing or repeated `value`) as
/// [`Wire`].
struct PageVisitor<'a, T, C> {
    items: &'a mut C,
    _item: PhantomData<fn() -> T>,
}

impl<'a, T, C> PageVisitor<'a, T, C> {
    fn new(items: &'a mut C) -> Self {
        Self {
            items,
            _item: PhantomData,
        }
    }
}

impl<'de, T: Deserialize<'de>, C: Extend<T>> serde::de::Visitor<'de> for PageVisitor<'_, T, C> {
    /// The raw next link and the count.
    type Value = (Option<String>, Option<u64>);

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a page of a collection")
    }

    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let (mut value, mut next_link, mut count) = (false, None, None);
        while let Some(field) = map.next_key::<Field>()? {
            match field {
                Field::Value if value => return Err(A::Error::duplicate_field("value")),
                Field::Value => {
                    map.next_value_seed(AppendItems::new(&mut *self.items))?;
                    value = true;
                }
                Field::NextLink if next_link.is_some() => {
                    return Err(A::Error::duplicate_field("@odata.nextLink"))
                }
                Field::NextLink => next_link = Some(map.next_value::<Option<String>>()?),
                Field::Count if count.is_some() => {
                    return Err(A::Error::duplicate_field("@odata.count"))
                }
                Field::Count => count = Some(map.next_value::<Option<u64>>()?),
                Field::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if !value {
            return Err(A::Error::missing_field("value"));
        }
        Ok((next_link.flatten(), count.flatten()))
    }
}

/// Decodes a JSON array, appending each element to a buffer as it is read.
struct AppendItems<'a, T, C> {
    items: &'a mut C,
    _item: PhantomData<fn() -> T>,
}

impl<'a, T, C> AppendItems<'a, T, C> {
    fn new(items: &'a mut C) -> Self {
        Self {
            items,
            _item: PhantomData,
        }
    }
}

impl<'de, T: Deserialize<'de>, C: Extend<T>> DeserializeSeed<'de> for AppendItems<'_, T, C> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, T: Deserialize<'de>, C: Extend<T>> serde::de::Visitor<'de> for AppendItems<'_, T, C> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a list of items")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        while let Some(item) = seq.next_element::<T>()? {
            self.items.extend(std::iter::once(item));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn here() -> Url {
        Url::parse("https://graph.microsoft.com/v1.0/x").unwrap()
    }

    #[test]
    fn decodes_items_links_and_counts() {
        let body = br#"{"@odata.context":"c","@odata.count":3,"value":[1,2,3],"@odata.nextLink":"https://graph.microsoft.com/v1.0/x?$skiptoken=abc"}"#;
        let page = Page::<u32>::decode(body, &here()).unwrap();
        assert_eq!(page.items(), &[1, 2, 3]);
        assert_eq!(page.count(), Some(3));
        assert_eq!(
            page.next_link().unwrap().as_str(),
            "https://graph.microsoft.com/v1.0/x?$skiptoken=abc"
        );
    }

    #[test]
    fn empty_link_means_last_page() {
        let page = Page::<u32>::decode(br#"{"value":[],"@odata.nextLink":""}"#, &here()).unwrap();
        assert!(page.is_last());
    }

    #[test]
    fn decode_into_appends_to_a_reused_buffer_and_keeps_its_allocation() {
        let mut items: Vec<u32> = Vec::new();
        let links = decode_into::<u32, _>(br#"{"value":[1,2,3,4]}"#, &here(), &mut items).unwrap();
        assert!(links.next_link.is_none());
        assert_eq!(items, [1, 2, 3, 4]);
        let capacity = items.capacity();
        items.clear();
        let body = br#"{"value":[5,6],"@odata.nextLink":"/v1.0/x?$skiptoken=n"}"#;
        let links = decode_into::<u32, _>(body, &here(), &mut items).unwrap();
        assert_eq!(items, [5, 6]);
        assert_eq!(
            items.capacity(),
            capacity,
            "no new allocation for a smaller page"
        );
        assert_eq!(
            links.next_link.unwrap().as_str(),
            "https://graph.microsoft.com/v1.0/x?$skiptoken=n",
            "a relative link resolves against the page's URL"
        );
    }

    #[test]
    fn members_other_than_value_link_and_count_are_skipped_and_nulls_are_absent() {
        let body = br#"{"@odata.context":"c","extra":{"value":[9]},"value":[1],
            "@odata.count":null,"@odata.nextLink":null,"more":[1,{"a":"b"}]}"#;
        let page = Page::<u32>::decode(body, &here()).unwrap();
        assert_eq!(page.items(), &[1]);
        assert!(page.is_last());
        assert_eq!(page.count(), None);
        // A member name written with an escape is the same name.
        let page = Page::<u32>::decode(br#"{"valu\u0065":[7]}"#, &here()).unwrap();
        assert_eq!(page.items(), &[7]);
    }

    #[test]
    fn repeated_members_and_trailing_bytes_are_decode_errors() {
        for body in [
            &br#"{"value":[1],"value":[2]}"#[..],
            br#"{"value":[1],"@odata.nextLink":"a","@odata.nextLink":"b"}"#,
            br#"{"value":[1],"@odata.count":1,"@odata.count":2}"#,
            br#"{"value":[1]} x"#,
            br#"[[1]]"#,
        ] {
            let e = Page::<u32>::decode(body, &here()).map(|p| p.into_items());
            assert_eq!(
                e.map_err(|e| e.kind()),
                Err(ErrorKind::Decode),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }

    #[test]
    fn a_body_that_is_not_utf8_decodes_as_before() {
        // Invalid UTF-8 in a member that is skipped: the page still decodes.
        let mut body = br#"{"@odata.context":"c"#.to_vec();
        body.extend_from_slice(&[0xff, 0xfe]);
        body.extend_from_slice(br#"","value":["a"]}"#);
        let page = Page::<String>::decode(&body, &here()).unwrap();
        assert_eq!(page.items(), &["a".to_owned()]);
        // Invalid UTF-8 in an item: a decode error naming the item.
        let mut body = br#"{"value":["a",""#.to_vec();
        body.extend_from_slice(&[0xff]);
        body.extend_from_slice(br#""]}"#);
        let e = Page::<String>::decode(&body, &here()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Decode);
        assert!(e.to_string().contains("value[1]"), "{e}");
    }

    #[test]
    fn malformed_pages_name_the_path() {
        let e = Page::<u32>::decode(br#"{"value":[1,"two"]}"#, &here()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Decode);
        assert!(e.to_string().contains("value[1]"), "{e}");
        let e = Page::<u32>::decode(br#"{"items":[]}"#, &here()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Decode);
        let e = Page::<u32>::decode(br#"{"value":[1"#, &here()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Decode);
    }
}
