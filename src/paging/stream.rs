//! Lazy streams over `@odata.nextLink`.

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures::future::{AbortHandle, Abortable};
use futures::Stream;
use http::Method;
use serde::de::DeserializeOwned;
use url::Url;

use super::Page;
use crate::error::{Error, ErrorKind, Result};
use crate::request::ApiRequest;
use crate::transport::Transport;

type PageFuture<T> = Pin<Box<dyn Future<Output = Result<Page<T>>> + Send>>;

/// A lazy stream of pages, following `@odata.nextLink`.
///
/// - Nothing is sent until the stream is first polled.
/// - While you work on one page, the next one is already being fetched (one
///   page of lookahead, when a tokio runtime is running).
/// - The token provider is asked again for every page.
/// - Each page fetch is retried by the client's [`RetryPolicy`](crate::RetryPolicy);
///   a success whose JSON body is cut short (ends before the document does)
///   is fetched again too, at most [`retries`](crate::RetryPolicy::retries)
///   times. Other decode failures are not retried.
/// - It ends after the last page; after an error it yields that error once
///   and ends. A next link seen before, or one off the Graph origin, is an
///   [`ErrorKind::Paging`] error, and nothing is sent to that link.
/// - [`next_link`](Self::next_link) tells where to resume later.
/// - Dropping the stream cancels the fetch in flight.
#[must_use = "streams do nothing unless polled"]
pub struct PageStream<T> {
    transport: Arc<Transport>,
    headers: Arc<Vec<(String, String)>>,
    /// The first request, before it was sent.
    start: Option<Result<Url>>,
    in_flight: Option<(PageFuture<T>, Option<AbortHandle>)>,
    /// The next link of the last page yielded.
    resume: Option<Url>,
    seen: HashSet<String>,
    pending_error: Option<Error>,
    done: bool,
}

impl<T> std::fmt::Debug for PageStream<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageStream")
            .field("next_link", &self.resume.as_ref().map(Url::as_str))
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned + Send + 'static> PageStream<T> {
    pub(crate) fn from_request(transport: Arc<Transport>, request: Result<ApiRequest>) -> Self {
        match request {
            Ok(req) => {
                let start = transport.url_for(&req);
                Self::from_start(transport, req.headers().to_vec(), start)
            }
            Err(e) => Self::from_start(transport, Vec::new(), Err(e)),
        }
    }

    /// Resumes from a next link saved earlier. It must be on the Graph origin.
    pub(crate) fn resume(transport: Arc<Transport>, link: &str) -> Self {
        let start = Url::parse(link)
            .map_err(|e| Error::invalid_input("next link", e))
            .and_then(|url| {
                if transport.is_graph_origin(&url) {
                    Ok(url)
                } else {
                    Err(off_origin())
                }
            });
        Self::from_start(transport, Vec::new(), start)
    }

    fn from_start(
        transport: Arc<Transport>,
        headers: Vec<(String, String)>,
        start: Result<Url>,
    ) -> Self {
        Self {
            transport,
            headers: Arc::new(headers),
            start: Some(start),
            in_flight: None,
            resume: None,
            seen: HashSet::new(),
            pending_error: None,
            done: false,
        }
    }

    /// Where the next page not yet yielded is; `None` before the first page
    /// and after the last. Pass it to the list's `resume` to continue later.
    pub fn next_link(&self) -> Option<&Url> {
        self.resume.as_ref()
    }

    /// Turns the page stream into a stream of items.
    pub fn items(self) -> ItemStream<T> {
        ItemStream {
            pages: self,
            buffer: Vec::new().into_iter(),
        }
    }

    fn fetch(&self, url: Url) -> (PageFuture<T>, Option<AbortHandle>) {
        let transport = Arc::clone(&self.transport);
        let headers = Arc::clone(&self.headers);
        let fut = async move { fetch_page(&transport, &url, &headers).await };
        // Spawn for real lookahead when a runtime is there; else run inline.
        match tokio::runtime::Handle::try_current() {
            Ok(rt) => {
                let (handle, reg) = AbortHandle::new_pair();
                let task = rt.spawn(Abortable::new(fut, reg));
                let fut = async move {
                    match task.await {
                        Ok(Ok(page)) => page,
                        Ok(Err(_aborted)) => {
                            Err(Error::new(ErrorKind::Transport, "page fetch canceled"))
                        }
                        Err(join) => {
                            Err(Error::new(ErrorKind::Transport, "page fetch task failed")
                                .with_source(join))
                        }
                    }
                };
                (Box::pin(fut), Some(handle))
            }
            Err(_) => (Box::pin(fut), None),
        }
    }

    fn start_fetch(&mut self, url: Url) {
        self.seen.insert(url.as_str().to_owned());
        self.in_flight = Some(self.fetch(url));
    }
}

/// Fetches and decodes one page.
///
/// A success whose body ends before the JSON document does (truncated JSON:
/// serde reports end of input) is fetched again, at most as many times as
/// the retry policy retries, after the policy's backoff. GETs of pages are
/// safe to repeat; a decode failure of any other kind (wrong shape, invalid
/// bytes) is not retried, since the same body would come back.
pub(crate) async fn fetch_page<T: DeserializeOwned>(
    transport: &Transport,
    url: &Url,
    headers: &[(String, String)],
) -> Result<Page<T>> {
    let mut refetches: u32 = 0;
    loop {
        let resp = transport
            .execute(Method::GET, url.clone(), None, headers)
            .await?;
        match Page::decode(&resp.body, url) {
            Err(e) if refetches < transport.retry.retries() && is_cut_short(&resp.body) => {
                let delay = transport.retry.backoff(refetches);
                tracing::warn!(
                    attempt = refetches + 1,
                    delay_ms = delay.as_millis() as u64,
                    error = %e,
                    "the page's body was cut short; fetching it again"
                );
                tokio::time::sleep(delay).await;
                refetches += 1;
            }
            other => return other,
        }
    }
}

/// Whether `body` is the start of a JSON document that ends too early.
fn is_cut_short(body: &[u8]) -> bool {
    matches!(
        serde_json::from_slice::<serde::de::IgnoredAny>(body),
        Err(e) if e.is_eof()
    )
}

fn off_origin() -> Error {
    Error::new(
        ErrorKind::Paging,
        "the next link points off the Graph origin; it was not followed and no token was sent",
    )
}

impl<T: DeserializeOwned + Send + 'static> Stream for PageStream<T> {
    type Item = Result<Page<T>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.done {
            return Poll::Ready(None);
        }
        if let Some(start) = this.start.take() {
            match start {
                Ok(url) => this.start_fetch(url),
                Err(e) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(e)));
                }
            }
        }
        if let Some(err) = this.pending_error.take() {
            this.done = true;
            return Poll::Ready(Some(Err(err)));
        }
        let Some((fut, _)) = this.in_flight.as_mut() else {
            this.done = true;
            return Poll::Ready(None);
        };
        let result = match fut.as_mut().poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(r) => r,
        };
        this.in_flight = None;
        match result {
            Err(e) => {
                this.done = true;
                Poll::Ready(Some(Err(e)))
            }
            Ok(page) => {
                this.resume = page.next_link().cloned();
                match page.next_link().cloned() {
                    None => {}
                    Some(link) if this.seen.contains(link.as_str()) => {
                        this.pending_error = Some(Error::new(
                            ErrorKind::Paging,
                            "Graph sent a next link it had sent before; paging stopped to avoid a loop",
                        ));
                    }
                    Some(link) if !this.transport.is_graph_origin(&link) => {
                        this.pending_error = Some(off_origin());
                    }
                    Some(link) => this.start_fetch(link),
                }
                Poll::Ready(Some(Ok(page)))
            }
        }
    }
}

impl<T> Drop for PageStream<T> {
    fn drop(&mut self) {
        if let Some((_, Some(handle))) = &self.in_flight {
            handle.abort();
        }
    }
}

/// A lazy stream of items across all pages. See [`PageStream`] for how
/// paging behaves.
#[must_use = "streams do nothing unless polled"]
pub struct ItemStream<T> {
    pages: PageStream<T>,
    buffer: std::vec::IntoIter<T>,
}

impl<T> std::fmt::Debug for ItemStream<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ItemStream")
            .field("pages", &self.pages)
            .finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned + Send + 'static> ItemStream<T> {
    /// The next link of the last page read. Resuming from it skips the
    /// items of that page still buffered here, so resume at a page boundary
    /// (see [`buffered`](Self::buffered)).
    pub fn next_link(&self) -> Option<&Url> {
        self.pages.next_link()
    }

    /// How many items of the current page have not been yielded yet.
    pub fn buffered(&self) -> usize {
        self.buffer.len()
    }
}

impl<T: DeserializeOwned + Send + 'static> Stream for ItemStream<T> {
    type Item = Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(item) = this.buffer.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match Pin::new(&mut this.pages).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(Some(Ok(page))) => this.buffer = page.into_items().into_iter(),
            }
        }
    }
}

impl<T> Unpin for PageStream<T> {}
impl<T> Unpin for ItemStream<T> {}
