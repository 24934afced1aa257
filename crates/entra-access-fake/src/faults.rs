//! Injected failures: throttling, error statuses, latency, connection resets,
//! truncated bodies and a requests-per-second limit.

use std::time::{Duration, Instant, SystemTime};

use super::chaos::{Chaos, ChaosState};
use super::reply::{GraphErr, Reply};

/// Status the responder uses internally to ask the connection front to reset
/// the connection instead of answering. Never reaches a client.
pub(crate) const RESET_STATUS: u16 = 599;

/// Where an explicit [`Fault`] rule cuts a body it truncates (half of it).
const RULE_CUT: f64 = 0.5;

/// What an injected fault does to a matching request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FaultKind {
    /// 429 with `Retry-After` (whole seconds, rounded up) and code `TooManyRequests`.
    Throttle {
        /// Value of the `Retry-After` header.
        retry_after: Duration,
    },
    /// 429 `TooManyRequests` with `Retry-After` as an HTTP date: now plus
    /// `retry_after`, rounded up to the next whole second.
    ThrottleUntil {
        /// How far in the future the date lies (at least).
        retry_after: Duration,
    },
    /// Any status with a Graph error envelope carrying `code`.
    Status {
        /// HTTP status, e.g. 503.
        status: u16,
        /// `error.code` in the envelope.
        code: String,
        /// Value of a `Retry-After` header (whole seconds, rounded up), if any.
        retry_after: Option<Duration>,
    },
    /// The request is served normally, `delay` later.
    Latency {
        /// Added delay before the response is sent.
        delay: Duration,
    },
    /// The connection is closed (TCP reset) without any response.
    Reset,
    /// The request is served normally (writes take effect), but a JSON
    /// success body is cut short: the client gets the success status, a
    /// `Content-Length` matching the cut body, and invalid JSON. Answers
    /// without a JSON body (errors, 204) are sent unchanged.
    Truncated,
}

/// Which requests a fault rule or a [`Chaos`] mix applies to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Scope {
    method: Option<String>,
    path_prefix: Option<String>,
}

impl Scope {
    pub(crate) fn method(&mut self, method: &str) {
        self.method = Some(method.to_ascii_uppercase());
    }

    pub(crate) fn path(&mut self, prefix: &str) {
        self.path_prefix = Some(prefix.to_owned());
    }

    /// Graph requests (paths under `/v1.0/`) unless a path prefix says otherwise.
    pub(crate) fn applies(&self, method: &str, path: &str) -> bool {
        let path_ok = match &self.path_prefix {
            Some(p) => path
                .to_ascii_lowercase()
                .starts_with(&p.to_ascii_lowercase()),
            None => path.starts_with("/v1.0/"),
        };
        let method_ok = self.method.as_deref().is_none_or(|m| m == method);
        path_ok && method_ok
    }
}

/// One injected failure rule: what happens, how often, and to which requests.
///
/// By default a fault fires once and applies to every Graph request (paths
/// under `/v1.0/`, not the token endpoint). Narrow it with
/// [`on_method`](Fault::on_method) / [`on_path`](Fault::on_path); an explicit
/// path prefix can also target the token endpoint. For a seeded random mix
/// of faults over a whole run, see [`Chaos`].
///
/// ```
/// use std::time::Duration;
/// use entra_access_fake::Fault;
///
/// let f = Fault::throttle(Duration::from_secs(2))
///     .times(3)
///     .on_method("POST")
///     .on_path("/v1.0/identityGovernance/entitlementManagement/assignmentRequests");
/// # let _ = f;
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Fault {
    kind: FaultKind,
    /// `None` = forever.
    remaining: Option<u32>,
    scope: Scope,
}

impl Fault {
    fn new(kind: FaultKind) -> Self {
        Self {
            kind,
            remaining: Some(1),
            scope: Scope::default(),
        }
    }

    /// 429 `TooManyRequests` with `Retry-After` in seconds.
    pub fn throttle(retry_after: Duration) -> Self {
        Self::new(FaultKind::Throttle { retry_after })
    }

    /// 429 `TooManyRequests` with `Retry-After` as an HTTP date at least
    /// `retry_after` from now.
    pub fn throttle_until(retry_after: Duration) -> Self {
        Self::new(FaultKind::ThrottleUntil { retry_after })
    }

    /// `status` with a Graph error envelope whose code is `code`.
    pub fn status(status: u16, code: &str) -> Self {
        Self::new(FaultKind::Status {
            status,
            code: code.to_owned(),
            retry_after: None,
        })
    }

    /// Adds a `Retry-After` header (whole seconds, rounded up) to a
    /// [`status`](Self::status) fault, e.g. a 503 that asks to come back later.
    #[must_use]
    pub fn with_retry_after(mut self, after: Duration) -> Self {
        if let FaultKind::Status { retry_after, .. } = &mut self.kind {
            *retry_after = Some(after);
        }
        self
    }

    /// Adds `delay` before the (otherwise normal) response.
    pub fn latency(delay: Duration) -> Self {
        Self::new(FaultKind::Latency { delay })
    }

    /// Resets the connection instead of answering.
    pub fn reset() -> Self {
        Self::new(FaultKind::Reset)
    }

    /// Serves the request but cuts its JSON body in half (see [`FaultKind::Truncated`]).
    pub fn truncated() -> Self {
        Self::new(FaultKind::Truncated)
    }

    /// Fires for the next `n` matching requests (default 1).
    #[must_use]
    pub fn times(mut self, n: u32) -> Self {
        self.remaining = Some(n);
        self
    }

    /// Fires for every matching request until cleared.
    #[must_use]
    pub fn always(mut self) -> Self {
        self.remaining = None;
        self
    }

    /// Only requests with this HTTP method (e.g. `"POST"`), ignoring case.
    #[must_use]
    pub fn on_method(mut self, method: &str) -> Self {
        self.scope.method(method);
        self
    }

    /// Only requests whose path starts with `prefix` (e.g.
    /// `"/v1.0/identityGovernance/entitlementManagement/assignments"`), ignoring case.
    #[must_use]
    pub fn on_path(mut self, prefix: &str) -> Self {
        self.scope.path(prefix);
        self
    }

    /// What the fault does.
    pub fn kind(&self) -> &FaultKind {
        &self.kind
    }
}

/// A token bucket answering 429 when requests come faster than `per_second`.
#[derive(Debug, Clone)]
struct Bucket {
    per_second: f64,
    capacity: f64,
    tokens: f64,
    last: Instant,
}

/// The active fault rules, chaos mix and rate limit.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    rules: Vec<Fault>,
    chaos: Option<ChaosState>,
    bucket: Option<Bucket>,
    /// Delay added to every Graph response.
    pub latency: Option<Duration>,
    /// Lists of assignments ignore their `target/objectId` filter (see
    /// [`FakeGraph::ignore_target_filter`](super::FakeGraph::ignore_target_filter)).
    pub ignore_target_filter: bool,
    /// How long a request created from now on stays out of request lists
    /// (see [`FakeGraph::set_request_listing_lag`](super::FakeGraph::set_request_listing_lag)).
    pub request_listing_lag: Option<Duration>,
}

/// What the faults decided for one request.
#[derive(Debug, Default)]
pub(crate) struct Verdict {
    pub delay: Option<Duration>,
    /// Answer with this instead of serving the request.
    pub replace: Option<Reply>,
    /// Serve the request, then cut a JSON success body to this fraction.
    pub truncate: Option<f64>,
    /// The fault that decided the answer (for the received-requests log).
    pub injected: Option<FaultKind>,
}

impl Verdict {
    fn decided(&self) -> bool {
        self.replace.is_some() || self.truncate.is_some()
    }

    /// Applies one fault. `cut` is where a truncation cuts, `wall` the
    /// wall-clock time for `Retry-After` dates.
    fn apply(&mut self, kind: &FaultKind, cut: f64, wall: SystemTime) {
        match kind {
            FaultKind::Latency { delay } => {
                self.delay = Some(self.delay.unwrap_or_default() + *delay);
                if self.injected.is_none() {
                    self.injected = Some(kind.clone());
                }
                return;
            }
            FaultKind::Throttle { retry_after } => {
                self.replace = Some(throttled(RetryAfter::Seconds(whole_seconds_up(
                    *retry_after,
                ))));
            }
            FaultKind::ThrottleUntil { retry_after } => {
                self.replace = Some(throttled(RetryAfter::Date(date_after(wall, *retry_after))));
            }
            FaultKind::Status {
                status,
                code,
                retry_after,
            } => {
                let mut e = GraphErr::new(*status, code, format!("Injected failure: {code}."));
                e.retry_after = retry_after.map(whole_seconds_up);
                self.replace = Some(e.into());
            }
            FaultKind::Reset => self.replace = Some(Reply::empty(RESET_STATUS)),
            FaultKind::Truncated => self.truncate = Some(cut),
        }
        self.injected = Some(kind.clone());
    }
}

impl Faults {
    pub(crate) fn add(&mut self, f: Fault) {
        if f.remaining != Some(0) {
            self.rules.push(f);
        }
    }

    /// Replaces the chaos mix (`None` removes it).
    pub(crate) fn set_chaos(&mut self, chaos: Option<Chaos>) {
        self.chaos = chaos.map(ChaosState::new);
    }

    pub(crate) fn clear(&mut self) {
        self.rules.clear();
        self.chaos = None;
        self.bucket = None;
        self.latency = None;
        self.ignore_target_filter = false;
        self.request_listing_lag = None;
    }

    /// Limits Graph requests to `per_second` (bursts up to one second's worth).
    pub(crate) fn set_rate_limit(&mut self, per_second: Option<f64>, now: Instant) {
        self.bucket = per_second.filter(|r| r.is_finite() && *r > 0.0).map(|r| {
            let capacity = r.ceil().max(1.0);
            Bucket {
                per_second: r,
                capacity,
                tokens: capacity,
                last: now,
            }
        });
    }

    /// Applies latency and the first terminal fault matching the request,
    /// consuming one use of each rule that fired; then, if no rule decided
    /// the answer, the chaos mix; then the rate limit.
    pub(crate) fn check(&mut self, method: &str, path: &str, now: Instant) -> Verdict {
        let wall = SystemTime::now();
        let mut v = Verdict::default();
        if path.starts_with("/v1.0/") {
            v.delay = self.latency;
        }
        for rule in &mut self.rules {
            if !rule.scope.applies(method, path) {
                continue;
            }
            let terminal = !matches!(rule.kind, FaultKind::Latency { .. });
            if terminal && v.decided() {
                continue;
            }
            v.apply(&rule.kind, RULE_CUT, wall);
            if let Some(n) = rule.remaining.as_mut() {
                *n = n.saturating_sub(1);
            }
        }
        self.rules.retain(|r| r.remaining != Some(0));
        if !v.decided()
            && let Some(chaos) = self.chaos.as_mut()
            && let Some((kind, cut)) = chaos.draw(method, path)
        {
            v.apply(&kind, cut, wall);
        }
        if !v.decided()
            && path.starts_with("/v1.0/")
            && let Some(b) = self.bucket.as_mut()
        {
            let elapsed = now.saturating_duration_since(b.last).as_secs_f64();
            b.tokens = (b.tokens + elapsed * b.per_second).min(b.capacity);
            b.last = now;
            if b.tokens >= 1.0 {
                b.tokens -= 1.0;
            } else {
                let wait = ((1.0 - b.tokens) / b.per_second).ceil().max(1.0);
                // `wait` is a small positive whole number here.
                v.replace = Some(throttled(RetryAfter::Seconds(wait as u64)));
            }
        }
        v
    }
}

/// How a 429 says when to come back.
enum RetryAfter {
    Seconds(u64),
    Date(String),
}

fn throttled(retry_after: RetryAfter) -> Reply {
    let mut e = GraphErr::new(
        429,
        "TooManyRequests",
        "Too many requests. Retry after the time in the Retry-After header.",
    );
    match retry_after {
        RetryAfter::Seconds(s) => {
            e.retry_after = Some(s);
            e.into()
        }
        RetryAfter::Date(d) => Reply::from(e).with_header("Retry-After", d),
    }
}

fn whole_seconds_up(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

/// `wall + d` as an HTTP date, rounded up to the next whole second so the
/// date is never earlier than `wall + d`.
pub(crate) fn date_after(wall: SystemTime, d: Duration) -> String {
    let at = wall + d;
    let since = at
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = whole_seconds_up(since);
    httpdate::fmt_http_date(SystemTime::UNIX_EPOCH + Duration::from_secs(secs))
}

/// Cuts a body to `fraction` of its length: at least one byte shorter than
/// the whole, so a JSON document is never complete.
pub(crate) fn cut_body(mut body: Vec<u8>, fraction: f64) -> Vec<u8> {
    let len = body.len();
    if len == 0 {
        return body;
    }
    let at = ((len as f64) * fraction.clamp(0.0, 1.0)) as usize;
    body.truncate(at.min(len - 1));
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: &str = "/v1.0/identityGovernance/entitlementManagement/assignments";

    fn header<'a>(r: &'a Reply, name: &str) -> Option<&'a str> {
        r.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn fires_exactly_n_times_and_only_where_scoped() {
        let mut f = Faults::default();
        let now = Instant::now();
        f.add(
            Fault::throttle(Duration::from_millis(1500))
                .times(2)
                .on_method("post"),
        );
        assert!(f.check("GET", P, now).replace.is_none());
        let v = f.check("POST", P, now);
        let r = v.replace.unwrap();
        assert_eq!(r.status, 429);
        assert_eq!(header(&r, "Retry-After"), Some("2"));
        assert_eq!(
            v.injected,
            Some(FaultKind::Throttle {
                retry_after: Duration::from_millis(1500)
            })
        );
        assert!(f.check("POST", P, now).replace.is_some());
        assert!(f.check("POST", P, now).replace.is_none());
    }

    #[test]
    fn token_endpoint_is_exempt_unless_targeted() {
        let mut f = Faults::default();
        let now = Instant::now();
        f.add(Fault::status(503, "serviceNotAvailable").always());
        assert!(f
            .check("POST", "/t/oauth2/v2.0/token", now)
            .replace
            .is_none());
        assert_eq!(f.check("GET", P, now).replace.unwrap().status, 503);
        f.clear();
        f.add(Fault::reset().on_path("/t/oauth2"));
        assert_eq!(
            f.check("POST", "/t/oauth2/v2.0/token", now)
                .replace
                .unwrap()
                .status,
            RESET_STATUS
        );
    }

    #[test]
    fn rate_limit_refills() {
        let mut f = Faults::default();
        let t0 = Instant::now();
        f.set_rate_limit(Some(2.0), t0);
        assert!(f.check("GET", P, t0).replace.is_none());
        assert!(f.check("GET", P, t0).replace.is_none());
        let r = f.check("GET", P, t0).replace.unwrap();
        assert_eq!(r.status, 429);
        assert!(f
            .check("GET", P, t0 + Duration::from_millis(600))
            .replace
            .is_none());
    }

    #[test]
    fn latency_adds_up_without_replacing() {
        let mut f = Faults {
            latency: Some(Duration::from_millis(5)),
            ..Faults::default()
        };
        f.add(Fault::latency(Duration::from_millis(10)));
        let v = f.check("GET", P, Instant::now());
        assert!(v.replace.is_none());
        assert_eq!(v.delay, Some(Duration::from_millis(15)));
    }

    #[test]
    fn throttle_until_sends_a_date_never_earlier_than_asked() {
        let mut f = Faults::default();
        f.add(Fault::throttle_until(Duration::from_millis(1200)));
        let before = SystemTime::now();
        let r = f.check("GET", P, Instant::now()).replace.unwrap();
        assert_eq!(r.status, 429);
        let date = httpdate::parse_http_date(header(&r, "Retry-After").unwrap()).unwrap();
        assert!(date >= before + Duration::from_millis(1200));
        assert!(date <= SystemTime::now() + Duration::from_millis(2200));
    }

    #[test]
    fn status_fault_can_carry_retry_after() {
        let mut f = Faults::default();
        let now = Instant::now();
        f.add(
            Fault::status(503, "serviceNotAvailable").with_retry_after(Duration::from_millis(200)),
        );
        f.add(Fault::status(503, "serviceNotAvailable"));
        let r = f.check("GET", P, now).replace.unwrap();
        assert_eq!((r.status, header(&r, "Retry-After")), (503, Some("1")));
        let r = f.check("GET", P, now).replace.unwrap();
        assert_eq!((r.status, header(&r, "Retry-After")), (503, None));
        assert!(f.check("GET", P, now).replace.is_none());
    }

    #[test]
    fn truncation_serves_the_request_and_cuts_the_body() {
        let mut f = Faults::default();
        f.add(Fault::truncated().on_method("GET"));
        let v = f.check("GET", P, Instant::now());
        assert!(v.replace.is_none());
        assert_eq!(v.truncate, Some(RULE_CUT));
        assert_eq!(v.injected, Some(FaultKind::Truncated));
        let body = br#"{"value":[1,2,3]}"#.to_vec();
        for fraction in [0.0, 0.3, 0.5, 0.99, 1.0] {
            let cut = cut_body(body.clone(), fraction);
            assert!(cut.len() < body.len(), "{fraction}");
            assert!(body.starts_with(&cut));
            let e = serde_json::from_slice::<serde_json::Value>(&cut).unwrap_err();
            assert!(e.is_eof(), "{fraction}: {e}");
        }
        assert!(cut_body(Vec::new(), 0.5).is_empty());
    }
}
