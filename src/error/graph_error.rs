//! The error Graph sent, parsed from its envelope.

use std::fmt;
use std::time::Duration;

use serde::Deserialize;

use super::GraphErrorCode;

/// An error answer from Graph.
///
/// Built from the envelope `{"error": {"code", "message", "innerError": {...}}}`
/// (both `innerError` and `innererror` spellings), and also from bodies that
/// are not an envelope (then `code` is `Other("")` and [`body_excerpt`]
/// holds the start of the body, with anything that looks like a token removed).
///
/// [`body_excerpt`]: GraphError::body_excerpt
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct GraphError {
    /// HTTP status.
    pub status: u16,
    /// The top-level `code`.
    pub code: GraphErrorCode,
    /// The innermost `code` inside `innerError`, when Graph sent one.
    pub inner_code: Option<String>,
    /// The message (not stable: never branch on it).
    pub message: String,
    /// `request-id` (from the body or the response header).
    pub request_id: Option<String>,
    /// `client-request-id` (from the body or the response header).
    pub client_request_id: Option<String>,
    /// `innerError.date` as sent (Graph sends it without a zone).
    pub date: Option<String>,
    /// The `Retry-After` header, when present and parseable.
    pub retry_after: Option<Duration>,
    /// When the body was not a Graph envelope: its first characters, secrets removed.
    pub body_excerpt: Option<String>,
}

impl GraphError {
    /// A Graph error with a status, a code and a message; every other field
    /// empty (set them, they are public). For your own test doubles; wrap it
    /// with [`Error::from_graph`](crate::Error::from_graph).
    ///
    /// ```
    /// use std::time::Duration;
    /// use entra_access::error::{GraphError, GraphErrorCode};
    ///
    /// let mut throttled = GraphError::new(429, GraphErrorCode::Other("TooManyRequests".into()), "slow down");
    /// throttled.retry_after = Some(Duration::from_secs(5));
    /// throttled.request_id = Some("req-1".into());
    /// let e = entra_access::Error::from_graph(throttled);
    /// assert!(e.is_throttled() && e.is_retryable());
    /// assert_eq!(e.request_id(), Some("req-1"));
    /// ```
    pub fn new(status: u16, code: GraphErrorCode, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            inner_code: None,
            message: message.into(),
            request_id: None,
            client_request_id: None,
            date: None,
            retry_after: None,
            body_excerpt: None,
        }
    }

    /// The request id, the most useful thing to quote to Microsoft support.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// Removes every occurrence of `secret` (the token just sent) from the
    /// texts Graph sent back.
    pub(crate) fn redact(&mut self, secret: &str) {
        if secret.len() < 8 {
            return;
        }
        if self.message.contains(secret) {
            self.message = self.message.replace(secret, "***");
        }
        if let Some(ex) = &mut self.body_excerpt
            && ex.contains(secret)
        {
            *ex = ex.replace(secret, "***");
        }
    }

    /// Parses a Graph answer. `header` looks up a response header by name.
    pub(crate) fn from_parts(
        status: u16,
        body: &[u8],
        header: impl Fn(&str) -> Option<String>,
        retry_after: Option<Duration>,
    ) -> Self {
        let envelope = serde_json::from_slice::<Envelope>(body).ok();
        let mut err = Self {
            status,
            code: GraphErrorCode::Other(String::new()),
            inner_code: None,
            message: String::new(),
            request_id: None,
            client_request_id: None,
            date: None,
            retry_after,
            body_excerpt: None,
        };
        match envelope {
            Some(Envelope { error: Some(body) }) => {
                err.code = GraphErrorCode::parse(body.code.as_deref().unwrap_or_default());
                err.message = body.message.unwrap_or_default();
                let mut inner = body.inner_error.or(body.innererror).map(|b| *b);
                while let Some(i) = inner {
                    if err.request_id.is_none() {
                        err.request_id = i.request_id;
                    }
                    if err.client_request_id.is_none() {
                        err.client_request_id = i.client_request_id;
                    }
                    if err.date.is_none() {
                        err.date = i.date;
                    }
                    if i.code.is_some() {
                        err.inner_code = i.code;
                    }
                    inner = i.inner_error.or(i.innererror).map(|b| *b);
                }
            }
            _ => {
                err.body_excerpt = Some(redacted_excerpt(body));
                err.message = status_text(status).to_owned();
            }
        }
        if err.request_id.is_none() {
            err.request_id = header("request-id");
        }
        if err.client_request_id.is_none() {
            err.client_request_id = header("client-request-id");
        }
        err
    }
}

impl fmt::Display for GraphError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "graph answered {}", self.status)?;
        if !self.code.as_str().is_empty() {
            write!(f, " {}", self.code)?;
        }
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request-id {id})")?;
        }
        Ok(())
    }
}

#[derive(Deserialize)]
struct Envelope {
    error: Option<Body>,
}

#[derive(Deserialize)]
struct Body {
    code: Option<String>,
    message: Option<String>,
    #[serde(rename = "innerError")]
    inner_error: Option<Box<Inner>>,
    innererror: Option<Box<Inner>>,
}

#[derive(Deserialize)]
struct Inner {
    code: Option<String>,
    date: Option<String>,
    #[serde(rename = "request-id")]
    request_id: Option<String>,
    #[serde(rename = "client-request-id")]
    client_request_id: Option<String>,
    #[serde(rename = "innerError")]
    inner_error: Option<Box<Inner>>,
    innererror: Option<Box<Inner>>,
}

fn status_text(status: u16) -> &'static str {
    http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("unexpected status")
}

/// The first 300 characters of a body, white space folded, with every run
/// of token characters that looks like a secret (holds `eyJ`, the start of a
/// JWT, or is 32+ characters long and not a GUID) replaced by `***`, whatever
/// punctuation surrounds it, so no token leaks into an error.
pub(crate) fn redacted_excerpt(body: &[u8]) -> String {
    // Only the start of a large body can reach the excerpt.
    let head = body.get(..16 * 1024).unwrap_or(body);
    let text = String::from_utf8_lossy(head);
    let is_token_char =
        |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~' | '+' | '/' | '=');
    let mut out = String::new();
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.is_empty() {
            return;
        }
        let secret = run.contains("eyJ") || (run.len() >= 32 && !looks_like_guid(run));
        out.push_str(if secret { "***" } else { run.as_str() });
        run.clear();
    };
    for c in text.chars() {
        if is_token_char(c) {
            run.push(c);
            continue;
        }
        flush(&mut run, &mut out);
        if out.chars().count() >= 300 {
            break;
        }
        if c.is_whitespace() {
            if !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out.trim_end().chars().take(300).collect()
}

fn looks_like_guid(w: &str) -> bool {
    w.len() == 36 && w.chars().filter(|c| *c == '-').count() == 4
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_headers(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn parses_the_envelope_with_either_inner_spelling() {
        for key in ["innerError", "innererror"] {
            let body = format!(
                r#"{{"error":{{"code":"ResourceNotFound","message":"nope","{key}":{{"date":"2024-05-01T10:00:00","request-id":"r-1","client-request-id":"c-1"}}}}}}"#
            );
            let e = GraphError::from_parts(404, body.as_bytes(), no_headers, None);
            assert_eq!(e.code, GraphErrorCode::ResourceNotFound);
            assert_eq!(e.message, "nope");
            assert_eq!(e.request_id.as_deref(), Some("r-1"));
            assert_eq!(e.client_request_id.as_deref(), Some("c-1"));
            assert_eq!(e.date.as_deref(), Some("2024-05-01T10:00:00"));
            assert!(e.body_excerpt.is_none());
        }
    }

    #[test]
    fn nested_inner_codes_are_found() {
        let body = br#"{"error":{"code":"BadRequest","message":"m","innerError":{"code":"a","innerError":{"code":"invalidQueryOption","request-id":"deep"}}}}"#;
        let e = GraphError::from_parts(400, body, no_headers, None);
        assert_eq!(e.inner_code.as_deref(), Some("invalidQueryOption"));
        assert_eq!(e.request_id.as_deref(), Some("deep"));
    }

    #[test]
    fn non_envelope_bodies_still_make_an_error_without_secrets() {
        let body = b"<html>Bad gateway eyJ0eXAiOiJKV1QiLCJhbGciOi.abc.def and more</html>";
        let e = GraphError::from_parts(
            502,
            body,
            |h| (h == "request-id").then(|| "hdr".into()),
            None,
        );
        assert_eq!(e.status, 502);
        assert_eq!(e.message, "Bad Gateway");
        let excerpt = e.body_excerpt.unwrap();
        assert!(excerpt.contains("Bad gateway"), "{excerpt}");
        assert!(!excerpt.contains("eyJ0eXAi"), "{excerpt}");
        assert_eq!(e.request_id.as_deref(), Some("hdr"));
    }

    #[test]
    fn excerpt_is_bounded() {
        let body = "word ".repeat(1000);
        assert!(redacted_excerpt(body.as_bytes()).chars().count() <= 300);
        assert_eq!(redacted_excerpt(&[0xff, 0xfe]), "\u{fffd}\u{fffd}");
    }

    mod fuzz {
        use super::*;
        use proptest::prelude::*;

        /// A JWT-shaped access token: three base64url segments, the first
        /// starting `eyJ` like every JSON header.
        fn jwt() -> impl Strategy<Value = String> {
            "eyJ[A-Za-z0-9_-]{10,40}\\.[A-Za-z0-9_-]{10,60}\\.[A-Za-z0-9_-]{10,40}"
        }

        /// `s` as a JSON string literal.
        fn js(s: &str) -> String {
            serde_json::Value::String(s.to_owned()).to_string()
        }

        /// Builds an envelope whose `innerError` chain is `depth` deep.
        fn nested(depth: usize, code: &str, message: &str, request_id: &str) -> String {
            let (code, message) = (js(code), js(message));
            let mut inner = format!(r#"{{"code":"deepest","request-id":{}}}"#, js(request_id));
            for i in 0..depth {
                let key = if i % 2 == 0 {
                    "innerError"
                } else {
                    "innererror"
                };
                inner = format!(r#"{{"code":"level{i}","{key}":{inner}}}"#);
            }
            format!(r#"{{"error":{{"code":{code},"message":{message},"innerError":{inner}}}}}"#)
        }

        fn check_renders(e: &GraphError) -> Result<(), TestCaseError> {
            let prefix = format!("graph answered {}", e.status);
            prop_assert!(e.to_string().starts_with(&prefix));
            let _ = format!("{e:?}");
            if let Some(ex) = &e.body_excerpt {
                prop_assert!(ex.chars().count() <= 300);
            }
            Ok(())
        }

        proptest! {
            #[test]
            fn any_status_and_body_make_an_error(
                status in any::<u16>(),
                body in prop::collection::vec(any::<u8>(), 0..1024),
                header in proptest::option::of("\\PC{0,40}"),
            ) {
                let e = GraphError::from_parts(status, &body, |_| header.clone(), None);
                prop_assert_eq!(e.status, status);
                check_renders(&e)?;
            }

            #[test]
            fn envelopes_keep_code_message_and_the_innermost_ids(
                code in "[A-Za-z_]{1,24}",
                message in "\\PC{0,60}",
                request_id in "[a-f0-9-]{1,36}",
                depth in 0usize..40,
            ) {
                let body = nested(depth, &code, &message, &request_id);
                let e = GraphError::from_parts(400, body.as_bytes(), |_| Some("header-id".into()), None);
                prop_assert_eq!(&e.code, &GraphErrorCode::parse(&code));
                prop_assert_eq!(&e.message, &message);
                prop_assert_eq!(e.inner_code.as_deref(), Some("deepest"));
                prop_assert_eq!(e.request_id.as_deref(), Some(request_id.as_str()));
                prop_assert!(e.body_excerpt.is_none());
                check_renders(&e)?;
            }

            #[test]
            fn absurdly_deep_envelopes_are_errors_not_stack_overflows(depth in 100usize..3000) {
                let body = nested(depth, "BadRequest", "m", "r");
                let e = GraphError::from_parts(400, body.as_bytes(), |_| None, None);
                prop_assert_eq!(e.status, 400);
                check_renders(&e)?;
            }

            #[test]
            fn jwt_shaped_tokens_between_separators_never_reach_the_excerpt(
                before in "[^{}\"]{0,80}",
                token in jwt(),
                after in "\\PC{0,80}",
                sep in prop::sample::select(vec![" ", "\"", ",", "\n", "\t", "{", "}"]),
            ) {
                let body = format!("<html>{before} {sep}{token}{sep} {after}");
                let e = GraphError::from_parts(502, body.as_bytes(), |_| None, None);
                let excerpt = e.body_excerpt.unwrap_or_default();
                prop_assert!(!excerpt.contains(&token), "{}", excerpt);
            }

            /// A JWT glued to any punctuation (`(eyJ…)`, `[eyJ…]`, `'eyJ…'`,
            /// `<b>eyJ…</b>`, `token=eyJ…`) is still recognised and removed.
            #[test]
            fn jwt_shaped_tokens_wrapped_in_any_punctuation_never_reach_the_excerpt(
                token in jwt(),
                open in prop::sample::select(vec!["(", "[", "'", "<b>", "=", ":", "token="]),
                close in prop::sample::select(vec![")", "]", "'", "</b>", ";", ""]),
            ) {
                let body = format!("<html>access {open}{token}{close} denied</html>");
                let e = GraphError::from_parts(502, body.as_bytes(), |_| None, None);
                let excerpt = e.body_excerpt.unwrap_or_default();
                prop_assert!(!excerpt.contains(&token), "{}", excerpt);
            }

            #[test]
            fn redact_removes_the_sent_token_from_message_and_excerpt(
                token in "[A-Za-z0-9]{8,24}",
                before in "[a-z ]{0,40}",
                after in "[a-z ]{0,40}",
                envelope in any::<bool>(),
            ) {
                let text = format!("{before} {token} {after}");
                let body = if envelope {
                    format!(r#"{{"error":{{"code":"x","message":{}}}}}"#, js(&text))
                } else {
                    text
                };
                let mut e = GraphError::from_parts(403, body.as_bytes(), |_| None, None);
                e.redact(&token);
                prop_assert!(!e.message.contains(&token));
                prop_assert!(!e.body_excerpt.unwrap_or_default().contains(&token));
            }
        }
    }
}
