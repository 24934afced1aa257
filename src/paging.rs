#![doc = include_str!("../docs/paging.md")]

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
