//! One page of a Graph collection.

use serde::de::DeserializeOwned;
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

#[derive(Deserialize)]
struct Wire<T> {
    value: Vec<T>,
    #[serde(rename = "@odata.nextLink", default)]
    next_link: Option<String>,
    #[serde(rename = "@odata.count", default)]
    count: Option<u64>,
}

impl<T: DeserializeOwned> Page<T> {
    /// Decodes a page straight from the body bytes into typed items.
    /// `current` resolves a relative next link (Graph sends absolute ones).
    pub(crate) fn decode(body: &[u8], current: &Url) -> Result<Self> {
        // Tracking the JSON path costs more than the decode itself (about
        // 2.4x on a page of assignments), so decode plainly and pay for the
        // path only when the page turns out to be malformed.
        let wire: Wire<T> = match serde_json::from_slice(body) {
            Ok(wire) => wire,
            Err(_) => crate::transport::decode("a page", body)?,
        };
        let next_link = match wire.next_link.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(link) => Some(current.join(link).map_err(|e| {
                Error::new(ErrorKind::Paging, "the next link is not a URL").with_source(e)
            })?),
        };
        Ok(Self {
            items: wire.value,
            next_link,
            count: wire.count,
            meta: ResponseMeta::default(),
        })
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
