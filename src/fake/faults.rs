//! Injected failures: throttling, error statuses, latency, connection resets
//! and a requests-per-second limit.

use std::time::{Duration, Instant};

use super::reply::{GraphErr, Reply};

/// Status the responder uses internally to ask the connection front to reset
/// the connection instead of answering. Never reaches a client.
pub(crate) const RESET_STATUS: u16 = 599;

/// What an injected fault does to a matching request.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum FaultKind {
    /// 429 with `Retry-After` (whole seconds, rounded up) and code `TooManyRequests`.
    Throttle {
        /// Value of the `Retry-After` header.
        retry_after: Duration,
    },
    /// Any status with a Graph error envelope carrying `code`.
    Status {
        /// HTTP status, e.g. 503.
        status: u16,
        /// `error.code` in the envelope.
        code: String,
        /// Value of a `Retry-After` header, if any.
        retry_after: Option<Duration>,
    },
    /// The request is served normally, `delay` later.
    Latency {
        /// Added delay before the response is sent.
        delay: Duration,
    },
    /// The connection is closed (TCP reset) without any response.
    Reset,
}

/// One injected failure rule: what happens, how often, and to which requests.
///
/// By default a fault fires once and applies to every Graph request (paths
/// under `/v1.0/`, not the token endpoint). Narrow it with
/// [`on_method`](Fault::on_method) / [`on_path`](Fault::on_path); an explicit
/// path prefix can also target the token endpoint.
///
/// ```
/// use std::time::Duration;
/// use entra_access::fake::Fault;
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
    method: Option<String>,
    path_prefix: Option<String>,
}

impl Fault {
    fn new(kind: FaultKind) -> Self {
        Self {
            kind,
            remaining: Some(1),
            method: None,
            path_prefix: None,
        }
    }

    /// 429 `TooManyRequests` with `Retry-After`.
    pub fn throttle(retry_after: Duration) -> Self {
        Self::new(FaultKind::Throttle { retry_after })
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
        self.method = Some(method.to_ascii_uppercase());
        self
    }

    /// Only requests whose path starts with `prefix` (e.g.
    /// `"/v1.0/identityGovernance/entitlementManagement/assignments"`), ignoring case.
    #[must_use]
    pub fn on_path(mut self, prefix: &str) -> Self {
        self.path_prefix = Some(prefix.to_owned());
        self
    }

    /// What the fault does.
    pub fn kind(&self) -> &FaultKind {
        &self.kind
    }

    fn applies(&self, method: &str, path: &str) -> bool {
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

/// A token bucket answering 429 when requests come faster than `per_second`.
#[derive(Debug, Clone)]
struct Bucket {
    per_second: f64,
    capacity: f64,
    tokens: f64,
    last: Instant,
}

/// The active fault rules and rate limit.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    rules: Vec<Fault>,
    bucket: Option<Bucket>,
    /// Delay added to every Graph response.
    pub latency: Option<Duration>,
}

/// What the faults decided for one request.
#[derive(Debug, Default)]
pub(crate) struct Verdict {
    pub delay: Option<Duration>,
    /// Answer with this instead of serving the request.
    pub replace: Option<Reply>,
}

impl Faults {
    pub(crate) fn add(&mut self, f: Fault) {
        if f.remaining != Some(0) {
            self.rules.push(f);
        }
    }

    pub(crate) fn clear(&mut self) {
        self.rules.clear();
        self.bucket = None;
        self.latency = None;
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
    /// consuming one use of each rule that fired.
    pub(crate) fn check(&mut self, method: &str, path: &str, now: Instant) -> Verdict {
        let mut v = Verdict::default();
        if path.starts_with("/v1.0/") {
            v.delay = self.latency;
        }
        for rule in &mut self.rules {
            if !rule.applies(method, path) {
                continue;
            }
            let terminal = !matches!(rule.kind, FaultKind::Latency { .. });
            if terminal && v.replace.is_some() {
                continue;
            }
            match &rule.kind {
                FaultKind::Latency { delay } => {
                    v.delay = Some(v.delay.unwrap_or_default() + *delay);
                }
                FaultKind::Throttle { retry_after } => {
                    v.replace = Some(throttled(whole_seconds(*retry_after)).into());
                }
                FaultKind::Status {
                    status,
                    code,
                    retry_after,
                } => {
                    let mut e = GraphErr::new(*status, code, format!("Injected failure: {code}."));
                    e.retry_after = retry_after.map(whole_seconds);
                    v.replace = Some(e.into());
                }
                FaultKind::Reset => v.replace = Some(Reply::empty(RESET_STATUS)),
            }
            if let Some(n) = rule.remaining.as_mut() {
                *n = n.saturating_sub(1);
            }
        }
        self.rules.retain(|r| r.remaining != Some(0));
        if v.replace.is_none() && path.starts_with("/v1.0/") {
            if let Some(b) = self.bucket.as_mut() {
                let elapsed = now.saturating_duration_since(b.last).as_secs_f64();
                b.tokens = (b.tokens + elapsed * b.per_second).min(b.capacity);
                b.last = now;
                if b.tokens >= 1.0 {
                    b.tokens -= 1.0;
                } else {
                    let wait = ((1.0 - b.tokens) / b.per_second).ceil().max(1.0);
                    // `wait` is a small positive whole number here.
                    v.replace = Some(throttled(wait as u64).into());
                }
            }
        }
        v
    }
}

/// Seconds for a `Retry-After` header, rounded up.
fn whole_seconds(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

fn throttled(retry_after_secs: u64) -> GraphErr {
    let mut e = GraphErr::new(
        429,
        "TooManyRequests",
        "Too many requests. Retry after the number of seconds in the Retry-After header.",
    );
    e.retry_after = Some(retry_after_secs);
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: &str = "/v1.0/identityGovernance/entitlementManagement/assignments";

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
        let r = f.check("POST", P, now).replace.unwrap();
        assert_eq!(r.status, 429);
        assert!(r.headers.contains(&("Retry-After".into(), "2".into())));
        assert!(f.check("POST", P, now).replace.is_some());
        assert!(f.check("POST", P, now).replace.is_none());
    }

    #[test]
    fn status_fault_can_carry_retry_after() {
        let mut f = Faults::default();
        f.add(
            Fault::status(503, "serviceNotAvailable").with_retry_after(Duration::from_millis(200)),
        );
        let r = f.check("GET", P, Instant::now()).replace.unwrap();
        assert_eq!(r.status, 503);
        assert!(r.headers.contains(&("Retry-After".into(), "1".into())));
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
}
