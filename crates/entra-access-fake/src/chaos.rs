//! A seeded, probabilistic mix of faults over a whole run.

use super::faults::{FaultKind, Scope};

/// A seeded random mix of faults: every matching request draws at most one
/// [`FaultKind`] from the mix, with the given probabilities.
///
/// The draws come from a generator seeded with `seed`, one draw per matching
/// request in the order the fake receives them, so the same seed and the same
/// sequence of requests give the same faults. Explicit [`Fault`](super::Fault)
/// rules are checked first; the mix only applies to requests no rule decided.
/// Like a fault rule it applies to Graph requests (`/v1.0/…`) unless
/// narrowed with [`on_method`](Chaos::on_method) / [`on_path`](Chaos::on_path).
///
/// Probabilities are clamped to `0..=1`; once they add up to 1, later
/// entries never fire.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use std::time::Duration;
/// use entra_access_fake::{Chaos, FakeGraph, FaultKind};
///
/// let chaos = Chaos::new(42)
///     .with(0.10, FaultKind::Status {
///         status: 503,
///         code: "serviceNotAvailable".into(),
///         retry_after: None,
///     })
///     .with(0.05, FaultKind::Throttle { retry_after: Duration::from_secs(1) })
///     .with(0.02, FaultKind::Reset)
///     .with(0.02, FaultKind::Truncated)
///     .on_method("GET");
/// let fake = FakeGraph::builder().chaos(chaos).start().await;
/// # let _ = fake;
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct Chaos {
    seed: u64,
    mix: Vec<(f64, FaultKind)>,
    scope: Scope,
}

impl Chaos {
    /// An empty mix (no faults) drawing from a generator seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        Self {
            seed,
            mix: Vec::new(),
            scope: Scope::default(),
        }
    }

    /// Adds `kind`, fired for a share `probability` of the matching requests.
    pub fn with(mut self, probability: f64, kind: FaultKind) -> Self {
        let p = if probability.is_nan() {
            0.0
        } else {
            probability.clamp(0.0, 1.0)
        };
        self.mix.push((p, kind));
        self
    }

    /// Only requests with this HTTP method (e.g. `"GET"`), ignoring case.
    pub fn on_method(mut self, method: &str) -> Self {
        self.scope.method(method);
        self
    }

    /// Only requests whose path starts with `prefix`, ignoring case.
    pub fn on_path(mut self, prefix: &str) -> Self {
        self.scope.path(prefix);
        self
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The mix: each fault with its probability.
    pub fn mix(&self) -> &[(f64, FaultKind)] {
        &self.mix
    }
}

/// A mix with its generator.
#[derive(Debug)]
pub(crate) struct ChaosState {
    chaos: Chaos,
    rng: fastrand::Rng,
}

impl ChaosState {
    pub(crate) fn new(chaos: Chaos) -> Self {
        Self {
            rng: fastrand::Rng::with_seed(chaos.seed),
            chaos,
        }
    }

    /// Draws for one request: the fault, if any, and where a truncation cuts.
    pub(crate) fn draw(&mut self, method: &str, path: &str) -> Option<(FaultKind, f64)> {
        if !self.chaos.scope.applies(method, path) {
            return None;
        }
        let roll = self.rng.f64();
        let cut = self.rng.f64();
        let mut acc = 0.0;
        for (p, kind) in &self.chaos.mix {
            acc += p;
            if roll < acc {
                return Some((kind.clone(), cut));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: &str = "/v1.0/identityGovernance/entitlementManagement/assignments";

    fn mix(seed: u64) -> ChaosState {
        ChaosState::new(
            Chaos::new(seed)
                .with(0.2, FaultKind::Reset)
                .with(0.3, FaultKind::Truncated)
                .on_method("get"),
        )
    }

    fn run(state: &mut ChaosState, n: usize) -> Vec<Option<FaultKind>> {
        (0..n)
            .map(|_| state.draw("GET", P).map(|(k, _)| k))
            .collect()
    }

    #[test]
    fn same_seed_same_faults_and_shares_near_the_mix() {
        let a = run(&mut mix(7), 4000);
        assert_eq!(a, run(&mut mix(7), 4000));
        assert_ne!(a, run(&mut mix(8), 4000));
        let resets = a.iter().filter(|k| **k == Some(FaultKind::Reset)).count();
        let cuts = a
            .iter()
            .filter(|k| **k == Some(FaultKind::Truncated))
            .count();
        assert!((700..=900).contains(&resets), "{resets}");
        assert!((1050..=1350).contains(&cuts), "{cuts}");
    }

    #[test]
    fn out_of_scope_requests_draw_nothing() {
        let mut s = mix(1);
        for _ in 0..200 {
            assert!(s.draw("POST", P).is_none());
            assert!(s.draw("GET", "/t/oauth2/v2.0/token").is_none());
        }
    }

    #[test]
    fn probabilities_are_clamped() {
        let mut s = ChaosState::new(
            Chaos::new(3)
                .with(f64::NAN, FaultKind::Reset)
                .with(7.0, FaultKind::Truncated)
                .with(0.5, FaultKind::Reset),
        );
        assert!(run(&mut s, 100)
            .iter()
            .all(|k| *k == Some(FaultKind::Truncated)));
        let mut none = ChaosState::new(Chaos::new(3).with(-1.0, FaultKind::Reset));
        assert!(run(&mut none, 100).iter().all(Option::is_none));
    }
}
