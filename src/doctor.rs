//! The doctor: which permission, role or sign-in a job lacks, before the job
//! fails.
//!
//! [`Client::doctor`] reads the client's token (without verifying it, and
//! without ever printing it), compares its claims with the [permission
//! table](Capability::requirement), and sends at most one cheap read (a
//! one-item page) per capability where the token cannot answer alone;
//! never a write. The result is a [`Diagnosis`]: the token's facts and one
//! [`Verdict`] per capability, each with the fix in words. The table is
//! also written out in [`permissions`] (the crate's `docs/permissions.md`),
//! and [`hint`] turns a
//! refused call into one line naming what its job lacks.
//!
//! ```no_run
//! use entra_access::doctor::Capability;
//!
//! # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
//! let diagnosis = client
//!     .doctor()
//!     .need([Capability::List, Capability::Assign])
//!     .send()
//!     .await?;
//! for finding in diagnosis.findings() {
//!     match finding.verdict.fix() {
//!         None => println!("ok {}", finding.capability),
//!         Some(fix) => println!("missing {}: {} — {fix}", finding.capability, finding.verdict),
//!     }
//! }
//! # Ok(()) }
//! ```

mod hint;
mod judge;
#[doc = include_str!("../docs/permissions.md")]
pub mod permissions {}
mod probe;
mod table;
mod token;
mod verdict;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

pub use hint::hint;
pub use table::{Capability, DirectoryRole, Grant, Requirement, UnknownCapability};
pub use token::{TokenClaims, TokenFacts, TokenKind};
pub use verdict::{Finding, PermissionKind, Verdict};

use crate::auth::TokenProvider;
use crate::error::{Error, Result};
use crate::Client;
use judge::{Expect, Plan};
use probe::{Outcome, Probe};

/// The default time one probe may take.
const DEFAULT_PROBE_TIMEOUT: Duration = Duration::from_secs(15);

/// Configures a diagnosis; start one with [`Client::doctor`], end it with
/// [`send`](Doctor::send).
#[derive(Debug)]
#[must_use = "the doctor does nothing until sent"]
pub struct Doctor {
    client: Client,
    tokens: Arc<dyn TokenProvider>,
    need: Vec<Capability>,
    tenant: Option<String>,
    probe_timeout: Duration,
}

impl Doctor {
    pub(crate) fn new(client: Client, tokens: Arc<dyn TokenProvider>) -> Self {
        Self {
            client,
            tokens,
            need: Capability::ALL.to_vec(),
            tenant: None,
            probe_timeout: DEFAULT_PROBE_TIMEOUT,
        }
    }

    /// The capabilities to diagnose (default: every one), in the order the
    /// verdicts come back; repeats are dropped. An empty list is refused
    /// with `InvalidInput` when sent.
    pub fn need(mut self, capabilities: impl IntoIterator<Item = Capability>) -> Self {
        self.need.clear();
        for c in capabilities {
            if !self.need.contains(&c) {
                self.need.push(c);
            }
        }
        self
    }

    /// The tenant the token must be for (its `tid`); a token for another
    /// tenant gets [`Verdict::WrongAudienceOrTenant`]. Unset: any tenant.
    pub fn tenant(mut self, tenant_id: impl Into<String>) -> Self {
        self.tenant = Some(tenant_id.into());
        self
    }

    /// How long one probe may take (default 15 s); a probe that takes
    /// longer gives [`Verdict::Unknown`]. Probes are never retried.
    pub fn probe_timeout(mut self, timeout: Duration) -> Self {
        self.probe_timeout = timeout;
        self
    }

    /// Reads the token, sends the probes it needs (concurrently, each at
    /// most once) and returns the diagnosis. Fails only when there is no
    /// token to read (the token provider failed: [`ErrorKind::Auth`](crate::ErrorKind::Auth)) or
    /// the input is invalid (no capability, a zero timeout).
    pub async fn send(self) -> Result<Diagnosis> {
        if self.need.is_empty() {
            return Err(Error::invalid_input("need", "names no capability"));
        }
        if self.probe_timeout.is_zero() {
            return Err(Error::invalid_input("probe timeout", "must be positive"));
        }
        let token = self.tokens.token().await.map_err(Error::auth)?;
        let facts = token::read(token.secret.expose(), token.expires_at);
        drop(token);
        let expect = Expect {
            audience: self.client.base_url().origin().ascii_serialization(),
            tenant: self.tenant.clone(),
            now: SystemTime::now(),
        };
        if let Some(verdict) = judge::unusable(&facts, &expect) {
            let findings = self
                .need
                .iter()
                .map(|&capability| Finding {
                    capability,
                    verdict: verdict.clone(),
                })
                .collect();
            return Ok(Diagnosis {
                token: facts,
                findings,
                probes_sent: 0,
            });
        }
        let plans: Vec<(Capability, Plan)> = self
            .need
            .iter()
            .map(|&c| (c, judge::plan(c, &facts)))
            .collect();
        let mut probes: Vec<Probe> = Vec::new();
        for (_, plan) in &plans {
            if let Plan::Probe { probe, .. } = plan
                && !probes.contains(probe)
            {
                probes.push(*probe);
            }
        }
        let client = &self.client;
        let timeout = self.probe_timeout;
        let outcomes: HashMap<Probe, Outcome> = futures::future::join_all(
            probes
                .iter()
                .map(|&p| async move { (p, p.run(client, timeout).await) }),
        )
        .await
        .into_iter()
        .collect();
        let findings = plans
            .into_iter()
            .map(|(capability, plan)| {
                let outcome = match &plan {
                    Plan::Probe { probe, .. } => outcomes.get(probe),
                    Plan::Decided(_) => None,
                };
                Finding {
                    capability,
                    verdict: plan.verdict(outcome),
                }
            })
            .collect();
        Ok(Diagnosis {
            token: facts,
            findings,
            probes_sent: probes.len(),
        })
    }
}

/// What the doctor found: the token's facts and one verdict per capability.
/// Holds no secret.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Diagnosis {
    token: TokenFacts,
    findings: Vec<Finding>,
    probes_sent: usize,
}

impl Diagnosis {
    /// The token as far as it could be read.
    pub fn token(&self) -> &TokenFacts {
        &self.token
    }

    /// One finding per capability asked for, in that order.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// The verdict on `capability`, if it was asked for.
    pub fn verdict(&self, capability: Capability) -> Option<&Verdict> {
        self.findings
            .iter()
            .find(|f| f.capability == capability)
            .map(|f| &f.verdict)
    }

    /// Whether every capability asked for is [`Verdict::Ok`].
    pub fn all_ok(&self) -> bool {
        self.findings.iter().all(|f| f.verdict.is_ok())
    }

    /// How many distinct reads the doctor sent (at most one per capability;
    /// none when the token answered). A read Graph answers 401 is sent once
    /// more with a refreshed token, as every call of the client is.
    pub fn probes_sent(&self) -> usize {
        self.probes_sent
    }
}

impl Client {
    /// Diagnoses what this client's token lets it do: one verdict per
    /// capability (see [`doctor`](crate::doctor)), from the token's claims
    /// and at most one cheap read per capability; never a write.
    ///
    /// ```no_run
    /// use entra_access::doctor::Capability;
    /// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
    /// let diagnosis = client.doctor().need([Capability::Assign]).send().await?;
    /// println!("{}", diagnosis.verdict(Capability::Assign).map_or_else(String::new, |v| v.to_string()));
    /// # Ok(()) }
    /// ```
    pub fn doctor(&self) -> Doctor {
        Doctor::new(self.clone(), self.token_provider())
    }
}
