//! Reading an answer's body chunk by chunk, stopping at a cap: Graph's
//! answers (the transport) and the token endpoint's (the auth providers).

use bytes::Bytes;

/// How much of a body was read.
#[derive(Debug)]
pub(crate) enum Body {
    /// The whole body.
    Whole(Bytes),
    /// The body was longer than the cap: its first bytes, at most the cap
    /// (none when `Content-Length` alone gave it away). The rest was never
    /// read: the connection is dropped with the response.
    Cut(Bytes),
}

/// The size a buffer starts with when the answer declares no length.
const FIRST_ALLOCATION: usize = 64 * 1024;

/// Reads `resp`'s body, at most `cap` bytes of it, never holding more than
/// `cap` bytes. A `Content-Length` above the cap ends the read before any
/// byte is read.
///
/// A `Content-Length` within the cap is allocated at once, exactly: one
/// allocation of the body's size, no copies. (Growing by doubling from 64 KiB
/// cost a page of 650 KB five allocations and four copies, left a 1 MiB
/// buffer per page, and the freed steps fragmented the allocator's heaps so
/// that peak memory grew with the number of pages read.) A body of unknown
/// length (chunked) grows by doubling, never past the cap.
pub(crate) async fn read_capped(
    mut resp: reqwest::Response,
    cap: usize,
) -> Result<Body, reqwest::Error> {
    let declared = resp.content_length();
    if declared.is_some_and(|n| n > cap as u64) {
        return Ok(Body::Cut(Bytes::new()));
    }
    let start = declared
        .map_or(FIRST_ALLOCATION, |n| usize::try_from(n).unwrap_or(cap))
        .min(cap);
    let mut buf: Vec<u8> = Vec::with_capacity(start);
    while let Some(chunk) = resp.chunk().await? {
        let room = cap - buf.len();
        let (take, cut) = if chunk.len() > room {
            (room, true)
        } else {
            (chunk.len(), false)
        };
        let needed = buf.len() + take;
        if needed > buf.capacity() {
            let grown = buf.capacity().saturating_mul(2).max(needed).min(cap);
            buf.reserve_exact(grown - buf.len());
        }
        buf.extend_from_slice(chunk.get(..take).unwrap_or_default());
        if cut {
            return Ok(Body::Cut(Bytes::from(buf)));
        }
    }
    Ok(Body::Whole(Bytes::from(buf)))
}
