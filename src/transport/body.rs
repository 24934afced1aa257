//! Reading an answer's body chunk by chunk, stopping at a cap.

use bytes::{Bytes, BytesMut};

/// How much of a body was read.
#[derive(Debug)]
pub(crate) enum Body {
    /// The whole body.
    Whole(Bytes),
    /// The body was longer than the cap: its first `cap` bytes. The rest was
    /// never read (the connection is dropped with the response).
    Cut(Bytes),
}

/// The size a buffer starts with before the body proves larger.
const FIRST_ALLOCATION: usize = 64 * 1024;

/// Reads `resp`'s body, at most `cap` bytes of it. A `Content-Length` above
/// the cap ends the read before any byte is read.
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
        .min(cap)
        .min(FIRST_ALLOCATION);
    let mut buf = BytesMut::with_capacity(start);
    while let Some(chunk) = resp.chunk().await? {
        let room = cap - buf.len();
        if chunk.len() > room {
            buf.extend_from_slice(chunk.get(..room).unwrap_or_default());
            return Ok(Body::Cut(buf.freeze()));
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(Body::Whole(buf.freeze()))
}
