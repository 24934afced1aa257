//! Paging through Graph collections.
//!
//! Graph returns collections a page at a time, with `@odata.nextLink`
//! pointing at the next page. Every list operation of this crate ends in:
//!
//! - `.send()`: the first [`Page`];
//! - `.pages()`: a [`PageStream`] of all pages;
//! - `.stream()`: an [`ItemStream`] of all items.
//!
//! ```no_run
//! use futures::TryStreamExt;
//! # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
//! let mut items = client.assignments().list().stream();
//! while let Some(assignment) = items.try_next().await? {
//!     println!("{}", assignment.id);
//! }
//! # Ok(()) }
//! ```

mod page;
#[cfg(test)]
mod page_fuzz;
mod stream;

pub use page::Page;
pub use stream::{ItemStream, PageStream};

pub(crate) async fn first_page<T: serde::de::DeserializeOwned>(
    transport: &crate::transport::Transport,
    request: &crate::request::ApiRequest,
) -> crate::Result<Page<T>> {
    let url = transport.url_for(request)?;
    stream::fetch_page(transport, &url, request.headers()).await
}
