#![doc = include_str!("../docs/paging.md")]

mod page;
mod stream;

pub use page::Page;
pub use stream::{ItemStream, PageStream};

pub(crate) async fn first_page<T: serde::de::DeserializeOwned>(
    transport: &crate::transport::Transport,
    request: &crate::request::ApiRequest,
) -> crate::Result<Page<T>> {
    let url = transport.url_for(request)?;
    let resp = transport
        .execute(http::Method::GET, url.clone(), None, request.headers())
        .await?;
    Page::decode(&resp.body, &url)
}
