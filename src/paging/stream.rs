//! Lazy streams over `@odata.nextLink`.

use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures::future::{AbortHandle, Abortable};
use futures::Stream;
use http::Method;
use serde::de::DeserializeOwned;
use tracing::Instrument;
use url::Url;

use super::page::decode_into;
use super::Page;
use crate::error::{Error, ErrorKind, Result};
use crate::request::{ApiRequest, ResponseMeta};
use crate::transport::Transport;

/// A page fetch: the body of the page and the URL it came from. Pages are
/// decoded where they are consumed, not in the fetch task, so the items are
/// allocated on the thread that will drop them (a decode on a worker thread
/// and a drop on the consumer's thread cost about a third of the throughput
/// on a multi-threaded runtime, and let peak memory creep up).
type BodyFuture = Pin<Box<dyn Future<Output = Result<(Bytes, Url, ResponseMeta)>> + Send>>;

/// A lazy stream of pages, following `@odata.nextLink`.
///
/// - Nothing is sent until the stream is first polled.
/// - While you work on one page, the next one is already being fetched (one
///   page of lookahead, when a tokio runtime is running). It is decoded when
///   you ask for it, on your task, so a page's items are allocated and
///   dropped on the same thread.
/// - The token provider is asked again for every page.
/// - Each page fetch is retried by the client's [`RetryPolicy`](crate::RetryPolicy);
///   a success whose JSON body is cut short (ends before the document does)
///   is fetched again too, after the policy's backoff, at most
///   [`retries`](crate::RetryPolicy::retries) times per page. Other decode
///   failures are not retried: the same body would come back.
/// - It ends after the last page; after an error it yields that error once
///   and ends. A next link seen before, or one off the Graph origin, is an
///   [`ErrorKind::Paging`] error, and nothing is sent to that link.
/// - It is bounded: after [`max_pages`](crate::request::RequestOptions::max_pages)
///   pages (100,000 by default), or after 100 empty pages in a row that
///   each carry a new next link, it ends with an [`ErrorKind::Paging`]
///   error after the items of the pages read.
/// - [`next_link`](Self::next_link) tells where to resume later.
/// - Dropping the stream cancels the fetch in flight.
#[must_use = "streams do nothing unless polled"]
pub struct PageStream<T> {
    transport: Arc<Transport>,
    headers: Arc<Vec<(String, String)>>,
    /// The first request, before it was sent.
    start: Option<Result<Url>>,
    /// The first request without the `$top` the client added: asked
    /// instead when Graph refuses that `$top`, or reads it as a total.
    without_top: Option<WithoutTop>,
    in_flight: Option<(BodyFuture, Option<AbortHandle>)>,
    /// The next link of the last page yielded.
    resume: Option<Url>,
    seen: HashSet<String>,
    pending_error: Option<Error>,
    /// How often the page in flight was fetched again after a cut-short body.
    refetches: u32,
    /// Pages decoded so far, against the transport's `max_pages`.
    pages_read: u32,
    /// Empty pages decoded in a row just before, each with a next link.
    empty_in_a_row: u32,
    done: bool,
    _item: PhantomData<fn() -> T>,
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
    /// A stream starting with `request`. When `request` carries a `$top`
    /// the client chose, `without_top` is the same request without it,
    /// asked instead if Graph refuses that `$top` (a 400 about `$top` or the
    /// page size) or answers the first page as if `$top` were a total
    /// (exactly `$top` items and no next link).
    pub(crate) fn from_requests(
        transport: Arc<Transport>,
        request: Result<ApiRequest>,
        without_top: Option<ApiRequest>,
    ) -> Self {
        match request {
            Ok(req) => {
                let start = transport.url_for(&req);
                let top = req
                    .query_value("$top")
                    .and_then(|t| t.parse::<usize>().ok());
                let without_top = without_top.and_then(|plain| {
                    Some(WithoutTop {
                        url: transport.url_for(&plain).ok()?,
                        path: plain.path().to_owned(),
                        top: top?,
                    })
                });
                let mut stream = Self::from_start(transport, req.headers().to_vec(), start);
                stream.without_top = without_top;
                stream
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
            without_top: None,
            in_flight: None,
            resume: None,
            seen: HashSet::new(),
            pending_error: None,
            refetches: 0,
            pages_read: 0,
            empty_in_a_row: 0,
            done: false,
            _item: PhantomData,
        }
    }

    /// Where the next page not yet yielded is; `None` before the first page
    /// and after the last, and after a next link was refused (repeated, or
    /// off the Graph origin). Pass it to the list's `resume` to continue
    /// later; after the stream stopped at its page cap or at a run of empty
    /// pages it is the link not followed, to resume from on purpose.
    pub fn next_link(&self) -> Option<&Url> {
        self.resume.as_ref()
    }

    /// Turns the page stream into a stream of items.
    pub fn items(self) -> ItemStream<T> {
        ItemStream {
            pages: self,
            buffer: VecDeque::new(),
        }
    }

    /// Fetches `url` after waiting `delay` (zero for a first fetch).
    fn fetch(&self, url: Url, delay: Duration) -> (BodyFuture, Option<AbortHandle>) {
        let transport = Arc::clone(&self.transport);
        let headers = Arc::clone(&self.headers);
        let fut = async move {
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            let resp = transport
                .execute(Method::GET, url.clone(), None, &headers)
                .await?;
            Ok((resp.body, url, resp.meta))
        };
        // Spawn for real lookahead when a runtime is there; else run inline.
        match tokio::runtime::Handle::try_current() {
            Ok(rt) => {
                let (handle, reg) = AbortHandle::new_pair();
                // The caller's span goes with the task, so its Graph calls
                // nest under whatever span the caller polls the stream in.
                let task = rt.spawn(Abortable::new(fut, reg).in_current_span());
                let fut = async move {
                    match task.await {
                        Ok(Ok(body)) => body,
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
        self.refetches = 0;
        self.in_flight = Some(self.fetch(url, Duration::ZERO));
    }

    /// Fetches the page at `url` again if `body` was cut short and the
    /// retry policy allows another try; returns whether it did.
    fn refetch_if_cut_short(&mut self, url: &Url, body: &[u8], error: &Error) -> bool {
        let Some(delay) = refetch_delay(&self.transport, self.refetches, body, error) else {
            return false;
        };
        self.refetches += 1;
        self.in_flight = Some(self.fetch(url.clone(), delay));
        true
    }
}

/// The first request of a stream without the `$top` the client added.
struct WithoutTop {
    url: Url,
    /// The list's path, under which the client remembers that `$top` is
    /// not to be sent there.
    path: String,
    /// The `$top` the first request asked for.
    top: usize,
}

/// Fetches and decodes one page (the first page of a list's `send`), with
/// the same refetch of a cut-short body as [`PageStream`].
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
            Err(error) => match refetch_delay(transport, refetches, &resp.body, &error) {
                Some(delay) => {
                    tokio::time::sleep(delay).await;
                    refetches += 1;
                }
                None => return Err(error),
            },
            Ok(page) => return Ok(page.with_meta(resp.meta)),
        }
    }
}

/// When a page failed to decode: how long to wait before fetching it again,
/// if its body was cut short and the retry policy allows try `refetches + 1`;
/// `None` when the error stands.
fn refetch_delay(
    transport: &Transport,
    refetches: u32,
    body: &[u8],
    error: &Error,
) -> Option<Duration> {
    if refetches >= transport.retry.retries() || !is_cut_short(body) {
        return None;
    }
    let delay = transport.retry.backoff(refetches);
    tracing::warn!(
        attempt = refetches + 1,
        delay_ms = delay.as_millis() as u64,
        %error,
        "the page's body was cut short; fetching it again"
    );
    Some(delay)
}

/// Whether `body` is the start of a JSON document that ends too early
/// (serde reports end of input). Only called after a decode failed.
fn is_cut_short(body: &[u8]) -> bool {
    matches!(
        serde_json::from_slice::<serde::de::IgnoredAny>(body),
        Err(e) if e.is_eof()
    )
}

/// Whether `e` is Graph refusing a list's first page for its `$top` (a 400
/// whose code or message names `$top` or the page size): the one failure a
/// stream answers by asking again without the `$top` the client added. A
/// 400 about another query option (`$filter`, `$expand`…) is not one, even
/// when its message says "query option".
pub(crate) fn is_top_refusal(e: &Error) -> bool {
    let Some(graph) = e.graph_error() else {
        return false;
    };
    if graph.status != 400 {
        return false;
    }
    let text = format!("{} {}", graph.code.as_str(), graph.message).to_ascii_lowercase();
    ["$top", "top", "page size", "pagesize"]
        .iter()
        .any(|needle| {
            text.match_indices(needle).any(|(at, _)| {
                // `top` as a word, not inside `stop` or `topic`.
                let before = text[..at].chars().next_back();
                let after = text[at + needle.len()..].chars().next();
                !before.is_some_and(|c| c.is_ascii_alphanumeric())
                    && !after.is_some_and(|c| c.is_ascii_alphanumeric())
            })
        })
}

fn off_origin() -> Error {
    Error::new(
        ErrorKind::Paging,
        "the next link points off the Graph origin; it was not followed and no token was sent",
    )
}

impl<T: DeserializeOwned + Send + 'static> PageStream<T> {
    /// Polls for the next page and decodes it with `decode`, which is given
    /// the body, the page's URL and the answer's metadata and returns what
    /// it made of the page, the page's next link and how many items it
    /// held. The next link is then checked and, when it may be followed,
    /// its fetch started: the one page of lookahead.
    fn poll_decoded<R>(
        &mut self,
        cx: &mut Context<'_>,
        mut decode: impl FnMut(&[u8], &Url, ResponseMeta) -> Result<(R, Option<Url>, usize)>,
    ) -> Poll<Option<Result<R>>> {
        if self.done {
            return Poll::Ready(None);
        }
        if let Some(start) = self.start.take() {
            match start {
                Ok(url) => self.start_fetch(url),
                Err(e) => {
                    self.done = true;
                    return Poll::Ready(Some(Err(e)));
                }
            }
        }
        if let Some(err) = self.pending_error.take() {
            self.done = true;
            return Poll::Ready(Some(Err(err)));
        }
        let Some((fut, _)) = self.in_flight.as_mut() else {
            self.done = true;
            return Poll::Ready(None);
        };
        let result = match fut.as_mut().poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(r) => r,
        };
        self.in_flight = None;
        let decoded = match result {
            // The body is dropped here, before the next page is fetched.
            Ok((body, url, meta)) => match decode(&body, &url, meta) {
                Err(e) if self.refetch_if_cut_short(&url, &body, &e) => {
                    cx.waker().wake_by_ref();
                    return Poll::Pending;
                }
                other => other,
            },
            Err(e) => {
                // Only the first page may fall back; later pages keep the
                // query Graph accepted.
                if let Some(plain) = self.without_top.take()
                    && is_top_refusal(&e)
                {
                    self.transport.remember_top_refused(&plain.path);
                    self.start_fetch(plain.url);
                    cx.waker().wake_by_ref();
                    return Poll::Pending;
                }
                Err(e)
            }
        };
        if let Some(plain) = self.without_top.take() {
            // Graph may read `$top` as a total: a first page of exactly that
            // many items and no next link may be all Graph gives, not all
            // there is. That page is dropped (the caller sees none of it)
            // and the list asked again without `$top`, here and from now on.
            if let Ok((_, None, items)) = &decoded
                && *items == plain.top
            {
                self.transport.remember_top_is_total(&plain.path, plain.top);
                self.start_fetch(plain.url);
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
        }
        match decoded {
            Err(e) => {
                self.done = true;
                Poll::Ready(Some(Err(e)))
            }
            Ok((page, next_link, items)) => {
                self.pages_read = self.pages_read.saturating_add(1);
                self.empty_in_a_row = match items {
                    0 => self.empty_in_a_row.saturating_add(1),
                    _ => 0,
                };
                self.resume.clone_from(&next_link);
                match next_link {
                    None => {}
                    Some(link) if self.seen.contains(link.as_str()) => {
                        // Nothing safe to resume from.
                        self.resume = None;
                        self.pending_error = Some(Error::new(
                            ErrorKind::Paging,
                            "Graph sent a next link it had sent before; paging stopped to avoid a loop",
                        ));
                    }
                    Some(link) if !self.transport.is_graph_origin(&link) => {
                        self.resume = None;
                        self.pending_error = Some(off_origin());
                    }
                    // The link is kept in `resume`: following it is not
                    // unsafe, only more than a listing should take unasked.
                    Some(_) if self.pages_read >= self.transport.max_pages => {
                        self.pending_error = Some(Error::new(
                            ErrorKind::Paging,
                            format!(
                                "read {} pages and Graph sent a next link still; paging stopped \
                                 at the page cap (raise it with RequestOptions::max_pages, or \
                                 resume from the stream's next_link)",
                                self.pages_read
                            ),
                        ));
                    }
                    Some(_) if self.empty_in_a_row >= super::MAX_EMPTY_PAGES_IN_A_ROW => {
                        self.pending_error = Some(Error::new(
                            ErrorKind::Paging,
                            format!(
                                "Graph sent {} empty pages in a row, each with a new next link; \
                                 paging stopped to avoid an endless listing",
                                self.empty_in_a_row
                            ),
                        ));
                    }
                    Some(link) => self.start_fetch(link),
                }
                Poll::Ready(Some(Ok(page)))
            }
        }
    }
}

impl<T: DeserializeOwned + Send + 'static> Stream for PageStream<T> {
    type Item = Result<Page<T>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.poll_decoded(cx, |body, url, meta| {
            let page = Page::decode(body, url)?.with_meta(meta);
            let next_link = page.next_link().cloned();
            let items = page.items().len();
            Ok((page, next_link, items))
        })
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
///
/// Each page is decoded straight into one buffer that the stream keeps and
/// reuses for every page, so listing any number of items allocates the
/// page-sized list once, not once a page.
#[must_use = "streams do nothing unless polled"]
pub struct ItemStream<T> {
    pages: PageStream<T>,
    /// The items of the current page not yet yielded.
    buffer: VecDeque<T>,
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
            if let Some(item) = this.buffer.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            // The buffer is empty: the spent page's items are already freed,
            // and the next page is decoded into the same allocation.
            let buffer = &mut this.buffer;
            let polled = this.pages.poll_decoded(cx, |body, url, _meta| {
                match decode_into(body, url, buffer) {
                    // The buffer was empty: it holds this page's items.
                    Ok(links) => Ok(((), links.next_link, buffer.len())),
                    Err(e) => {
                        // No item of a malformed page is yielded.
                        buffer.clear();
                        Err(e)
                    }
                }
            });
            match polled {
                Poll::Pending => {
                    // No page was yielded: items in the buffer belong to a
                    // page the page stream dropped (cut short, or a first
                    // page to be asked again without `$top`).
                    buffer.clear();
                    return Poll::Pending;
                }
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(Some(Ok(()))) => {}
            }
        }
    }
}

impl<T> Unpin for PageStream<T> {}
impl<T> Unpin for ItemStream<T> {}
