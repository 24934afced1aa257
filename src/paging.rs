#![doc = include_str!("../docs/paging.md")]

mod page;
#[cfg(test)]
mod page_fuzz;
mod stream;

pub use page::Page;
pub use stream::{ItemStream, PageStream};

/// How many empty pages in a row, each with a next link, a stream follows
/// before it stops with a `Paging` error: Graph may send an empty page now
/// and then, never page after page of them.
pub(crate) const MAX_EMPTY_PAGES_IN_A_ROW: u32 = 100;

pub(crate) async fn first_page<T: serde::de::DeserializeOwned>(
    transport: &crate::transport::Transport,
    request: &crate::request::ApiRequest,
) -> crate::Result<Page<T>> {
    let url = transport.url_for(request)?;
    stream::fetch_page(transport, &url, request.headers()).await
}
