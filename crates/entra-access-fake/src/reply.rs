//! What a route answers, before the per-response ids are attached.

use std::time::Duration;

use serde_json::{json, Value};
use wiremock::ResponseTemplate;

/// The content type Graph puts on JSON answers.
pub(crate) const GRAPH_JSON: &str =
    "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

/// A Graph error: HTTP status, `error.code` and `error.message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GraphErr {
    pub status: u16,
    pub code: String,
    pub message: String,
    /// Seconds for a `Retry-After` header (429 and 503 only).
    pub retry_after: Option<u64>,
}

impl GraphErr {
    pub(crate) fn new(status: u16, code: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            code: code.to_owned(),
            message: message.into(),
            retry_after: None,
        }
    }

    /// 400 `BadRequest`.
    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "BadRequest", message)
    }

    /// 404 `ResourceNotFound` for an entitlement-management object.
    pub(crate) fn not_found(kind: &str, id: &str) -> Self {
        Self::new(
            404,
            "ResourceNotFound",
            format!("{kind} with id '{id}' was not found."),
        )
    }

    /// 404 `Request_ResourceNotFound` for a directory object (users, groups).
    pub(crate) fn directory_not_found(id: &str) -> Self {
        Self::new(
            404,
            "Request_ResourceNotFound",
            format!(
                "Resource '{id}' does not exist or one of its queried reference-property objects are not present."
            ),
        )
    }
}

/// The body of a reply.
#[derive(Debug, Clone)]
pub(crate) enum Body {
    Empty,
    Json(Value),
    /// A Graph error envelope, rendered with the response's ids.
    GraphError {
        code: String,
        message: String,
    },
    /// Raw bytes with their content type (token endpoint errors use JSON too,
    /// but this keeps room for other shapes).
    Raw(Vec<u8>, &'static str),
}

/// A route's answer.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    pub status: u16,
    pub body: Body,
    pub headers: Vec<(String, String)>,
    pub delay: Option<Duration>,
}

impl Reply {
    pub(crate) fn json(status: u16, body: Value) -> Self {
        Self {
            status,
            body: Body::Json(body),
            headers: Vec::new(),
            delay: None,
        }
    }

    pub(crate) fn empty(status: u16) -> Self {
        Self {
            status,
            body: Body::Empty,
            headers: Vec::new(),
            delay: None,
        }
    }

    pub(crate) fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    /// Turns the reply into a wiremock response with Graph's id headers.
    pub(crate) fn into_template(
        self,
        request_id: &str,
        client_request_id: &str,
    ) -> ResponseTemplate {
        let mut t = ResponseTemplate::new(self.status);
        match self.body {
            Body::Empty => {}
            Body::Json(v) => {
                t = t.set_body_raw(v.to_string().into_bytes(), GRAPH_JSON);
            }
            Body::GraphError { code, message } => {
                let v = envelope(&code, &message, request_id, client_request_id);
                t = t.set_body_raw(v.to_string().into_bytes(), GRAPH_JSON);
            }
            Body::Raw(bytes, mime) => {
                t = t.set_body_raw(bytes, mime);
            }
        }
        t = t
            .insert_header("request-id", request_id)
            .insert_header("client-request-id", client_request_id);
        for (k, v) in self.headers {
            t = t.append_header(k.as_str(), v.as_str());
        }
        if let Some(d) = self.delay {
            t = t.set_delay(d);
        }
        t
    }
}

impl From<GraphErr> for Reply {
    fn from(e: GraphErr) -> Self {
        let mut r = Reply {
            status: e.status,
            body: Body::GraphError {
                code: e.code,
                message: e.message,
            },
            headers: Vec::new(),
            delay: None,
        };
        if let Some(s) = e.retry_after {
            r = r.with_header("Retry-After", s.to_string());
        }
        if e.status == 401 {
            r = r.with_header("WWW-Authenticate", "Bearer");
        }
        r
    }
}

/// Graph's error envelope.
pub(crate) fn envelope(
    code: &str,
    message: &str,
    request_id: &str,
    client_request_id: &str,
) -> Value {
    json!({
        "error": {
            "code": code,
            "message": message,
            "innerError": {
                "date": chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S").to_string(),
                "request-id": request_id,
                "client-request-id": client_request_id,
            }
        }
    })
}

/// Now, formatted as Graph formats date-times.
pub(crate) fn now_string() -> String {
    chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}
