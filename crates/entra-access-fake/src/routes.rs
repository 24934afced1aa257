//! The one wiremock responder: records the request, applies faults, checks
//! the token, then dispatches on method and path.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use wiremock::{Respond, ResponseTemplate};

use super::faults::{cut_body, FaultKind};
use super::ids::random_id;
use super::introspect::record;
use super::query::Query;
use super::reply::{Body, GraphErr, Reply, GRAPH_JSON};
use super::state::{lock, State};
use super::{
    approvals, device_code, directory, em_read, em_write, evolvable, lifecycle, permissions,
    scheduled, token, workflows,
};

/// State shared by the responder and the `FakeGraph` handle.
#[derive(Debug)]
pub(crate) struct Shared {
    /// The origin clients use, e.g. `http://127.0.0.1:41234`.
    pub uri: String,
    pub state: Mutex<State>,
}

/// Everything a route needs about the incoming request.
pub(crate) struct Ctx<'a> {
    pub uri: &'a str,
    pub method: &'a str,
    pub path: &'a str,
    /// Percent-decoded path segments after `/v1.0/`.
    pub segs: Vec<String>,
    pub query: Query,
    pub body: &'a [u8],
    pub now: Instant,
    /// Whom the bearer token stands for.
    pub principal: token::Principal,
    /// Whether the request sent `Prefer: include-unknown-enum-members`.
    pub prefers_late_members: bool,
}

impl Ctx<'_> {
    /// Absolute URL of the current path, without query.
    pub(crate) fn self_url(&self) -> String {
        format!("{}{}", self.uri, self.path)
    }

    /// `@odata.context` for a collection or entity under `/v1.0/`.
    pub(crate) fn context(&self, fragment: &str) -> String {
        format!("{}/v1.0/$metadata#{fragment}", self.uri)
    }

    /// Whether segment `i` equals `s`, ignoring ASCII case.
    pub(crate) fn seg_is(&self, i: usize, s: &str) -> bool {
        self.segs.get(i).is_some_and(|x| x.eq_ignore_ascii_case(s))
    }

    /// The request body as JSON, or 400 `BadRequest`.
    pub(crate) fn json_body(&self) -> Result<serde_json::Value, GraphErr> {
        serde_json::from_slice(self.body).map_err(|_| {
            GraphErr::bad_request(
                "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.",
            )
        })
    }
}

/// The wiremock responder behind every path of the fake.
#[derive(Debug, Clone)]
pub(crate) struct FakeResponder(pub Arc<Shared>);

impl Respond for FakeResponder {
    fn respond(&self, req: &wiremock::Request) -> ResponseTemplate {
        let request_id = random_id();
        let client_request_id = req
            .headers
            .get("client-request-id")
            .and_then(|v| v.to_str().ok())
            .map_or_else(random_id, str::to_owned);
        let now = Instant::now();
        let reply = {
            let mut st = lock(&self.0.state);
            scheduled::release(&mut st, now);
            lifecycle::tick(&mut st, now);
            let entry = record(req);
            st.log.push(entry);
            let (reply, injected) = handle(&self.0.uri, &mut st, req, now);
            if let Some(last) = st.log.last_mut() {
                last.status = if reply.status == super::faults::RESET_STATUS {
                    0
                } else {
                    reply.status
                };
                last.retry_after = reply
                    .headers
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case("Retry-After"))
                    .map(|(_, v)| v.clone());
                last.fault = injected;
                last.delay = reply.delay;
            }
            reply
        };
        reply.into_template(&request_id, &client_request_id)
    }
}

/// Serves one request through the faults; also returns the fault that
/// shaped the answer, if any.
fn handle(
    uri: &str,
    st: &mut State,
    req: &wiremock::Request,
    now: Instant,
) -> (Reply, Option<FaultKind>) {
    let method = req.method.as_str().to_ascii_uppercase();
    let path = req.url.path();
    let verdict = st.faults.check(&method, path, now);
    let mut injected = verdict.injected;
    let mut reply = match verdict.replace {
        Some(r) => r,
        None => serve(uri, st, req, &method, path, now),
    };
    if let Some(fraction) = verdict.truncate {
        match truncated(reply, fraction) {
            Ok(cut) => reply = cut,
            Err(whole) => {
                reply = whole;
                injected = None;
            }
        }
    }
    if verdict.delay.is_some() {
        reply.delay = verdict.delay;
    }
    (reply, injected)
}

/// A JSON success cut short; any other reply comes back unchanged as `Err`.
fn truncated(reply: Reply, fraction: f64) -> Result<Reply, Reply> {
    let Body::Json(v) = &reply.body else {
        return Err(reply);
    };
    if !(200..300).contains(&reply.status) {
        return Err(reply);
    }
    let bytes = cut_body(v.to_string().into_bytes(), fraction);
    Ok(Reply {
        body: Body::Raw(bytes, GRAPH_JSON),
        ..reply
    })
}

fn serve(
    uri: &str,
    st: &mut State,
    req: &wiremock::Request,
    method: &str,
    path: &str,
    now: Instant,
) -> Reply {
    if let Some(tenant) = token::token_path(path) {
        if method != "POST" {
            return GraphErr::new(
                405,
                "MethodNotAllowed",
                "The token endpoint only accepts POST.",
            )
            .into();
        }
        if device_code::handles(&req.body) {
            return device_code::poll(st, tenant, &req.body);
        }
        return token::issue(st, tenant, &req.headers, &req.body, now);
    }
    if let Some(tenant) = device_code::device_code_path(path) {
        if method != "POST" {
            return GraphErr::new(
                405,
                "MethodNotAllowed",
                "The device code endpoint only accepts POST.",
            )
            .into();
        }
        return device_code::issue_code(st, tenant, &req.body);
    }
    let Some(rest) = path.strip_prefix("/v1.0/") else {
        return GraphErr::bad_request(format!(
            "Invalid version or resource in '{path}'; the fake serves /v1.0/ only."
        ))
        .into();
    };
    let issued = match token::check_bearer(st, &req.headers, now) {
        Ok(t) => t,
        Err(e) => return e.into(),
    };
    let query = match Query::from_url(&req.url) {
        Ok(q) => q,
        Err(e) => return e.into(),
    };
    let segs: Vec<String> = rest
        .split('/')
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect();
    let ctx = Ctx {
        uri,
        method,
        path,
        segs,
        query,
        body: &req.body,
        now,
        principal: issued.principal.clone(),
        prefers_late_members: evolvable::prefers_late_members(&req.headers),
    };
    // Graph checks the caller's permissions, roles and the tenant's licence
    // before it looks at the resource.
    if let Err(e) = permissions::check(st, &ctx, &issued) {
        return e.into();
    }
    if let Err(e) = evolvable::check_request(&ctx) {
        return e.into();
    }
    match route(st, &ctx) {
        Ok(mut r) => {
            if let Body::Json(v) = &mut r.body {
                evolvable::render_answer(&ctx, v);
            }
            r
        }
        Err(e) => e.into(),
    }
}

fn route(st: &mut State, ctx: &Ctx<'_>) -> Result<Reply, GraphErr> {
    if ctx.seg_is(0, "identityGovernance") && ctx.seg_is(1, "entitlementManagement") {
        super::documented::check_options(&ctx.query)?;
        if let Some(reply) =
            super::catalogs::route(st, ctx).or_else(|| super::incompatible::route(st, ctx))
        {
            return reply;
        }
        let read = matches!(ctx.method, "GET");
        return match (
            ctx.segs.get(2).map(|s| s.to_ascii_lowercase()).as_deref(),
            ctx.segs.len(),
        ) {
            (
                Some(
                    "accesspackages" | "assignmentpolicies" | "assignments" | "assignmentrequests",
                ),
                3 | 4,
            ) if read => em_read::get(st, ctx),
            (Some("assignmentrequests" | "assignments"), _) => em_write::handle(st, ctx),
            (Some("accesspackageassignmentapprovals"), _) => approvals::handle(st, ctx),
            _ => Err(unknown_segment(ctx)),
        };
    }
    if ctx.seg_is(0, "identityGovernance")
        && ctx.seg_is(1, "lifecycleWorkflows")
        && ctx.seg_is(2, "workflows")
    {
        return workflows::handle(st, ctx);
    }
    if ctx.seg_is(0, "groups") || ctx.seg_is(0, "users") {
        return directory::handle(st, ctx);
    }
    Err(unknown_segment(ctx))
}

/// Graph's answer for a path it has no resource for.
pub(crate) fn unknown_segment(ctx: &Ctx<'_>) -> GraphErr {
    let seg = ctx.segs.last().map_or("", String::as_str);
    GraphErr::bad_request(format!(
        "Resource not found for the segment '{seg}' ({} {}).",
        ctx.method, ctx.path
    ))
}

/// 405 for a known path with the wrong method.
pub(crate) fn method_not_allowed(ctx: &Ctx<'_>) -> GraphErr {
    GraphErr::new(
        405,
        "Request_BadRequest",
        format!("The method {} is not allowed on {}.", ctx.method, ctx.path),
    )
}
