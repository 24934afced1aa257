//! The bulk plan: what to do for each person, decided from current state
//! before anything is written, as data that can be reviewed, stored and
//! applied later ([`BulkPlan::apply`]).

mod action;
mod decide;
mod spec;

use serde::{Deserialize, Serialize};

pub use action::{Action, ReportReason, SkipReason};
pub use decide::plan_bulk;
pub use spec::BulkSpec;

use super::refusal::BulkRefusal;
use super::Observed;
use entra_access::error::{Error, ErrorKind, Result};
use entra_access::models::{AssignmentId, AssignmentRequestId, DateTime, ObjectId};

/// The bulk plan format this build writes and applies.
pub const BULK_PLAN_FORMAT_VERSION: u32 = 1;

/// One person in a [`BulkPlan`] (JSON: camelCase fields).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PlanItem {
    /// The person's directory object id.
    pub user_id: ObjectId,
    /// The user principal name, when the member listing or an existing
    /// assignment told it.
    pub user_principal_name: Option<String>,
    /// What to do.
    pub action: Action,
    /// The assignment concerned: the one to remove, or the one that made
    /// the person a skip or a report.
    pub assignment_id: Option<AssignmentId>,
    /// The open request that made the person a skip.
    pub request_id: Option<AssignmentRequestId>,
}

/// What a bulk run will do, person by person, decided from the group's
/// members, the package's assignments and its open requests: a reviewed
/// plan. It records where (the base URL) and when it was made, the
/// settings it was made from, and what it observed, so it can be stored,
/// reviewed and [applied](Self::apply) later, exactly as it is (JSON:
/// camelCase fields; see [`Action`] for the enums).
///
/// ```
/// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
/// let plan = entra_access_ops::BulkAssign::group(&client, "pkg-1", "pol-1", "grp-1").plan().await?;
/// let json = plan.to_json();
/// let back = entra_access_ops::BulkPlan::from_json(&json)?;
/// assert_eq!(back, plan);
/// let report = back.apply(&client).run().await?; // refused if the package moved
/// # let _ = report;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BulkPlan {
    /// [`BULK_PLAN_FORMAT_VERSION`] when written; another version is
    /// refused when read.
    #[serde(deserialize_with = "current_version")]
    pub format_version: u32,
    /// The Graph base URL the plan was made against
    /// ([`Client::base_url`](entra_access::Client::base_url)); applying it with a
    /// client for another one is refused.
    pub base_url: String,
    /// When the facts were read.
    pub created_at: DateTime,
    /// The settings it was made from: package, policy, source, removal
    /// scope, caps, and what each add sends. Applying needs nothing else.
    pub spec: BulkSpec,
    /// What was observed of the package's assignments and open requests:
    /// applying refuses the plan when this moved.
    pub observed: Observed,
    /// One item per person (members in listing order, then removals).
    pub items: Vec<PlanItem>,
    /// The package's assignments that are not expired, before the run.
    pub current_assignments: usize,
}

impl BulkPlan {
    /// How many assignments the package will have once every add and
    /// removal is delivered.
    pub fn assignments_after(&self) -> usize {
        (self.current_assignments + self.count(&Action::Add))
            .saturating_sub(self.count(&Action::Remove))
    }

    /// How many items have this action (compared by variant and reason).
    pub fn count(&self, action: &Action) -> usize {
        self.items.iter().filter(|i| &i.action == action).count()
    }

    /// The items that write (adds and removals).
    pub fn writes(&self) -> impl Iterator<Item = &PlanItem> {
        self.items.iter().filter(|i| i.action.is_write())
    }

    /// Whether the plan writes nothing.
    pub fn is_empty(&self) -> bool {
        self.writes().next().is_none()
    }

    /// Pretty JSON.
    pub fn to_json(&self) -> String {
        // Plain data with string keys: serializing cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Reads a plan written by [`to_json`](Self::to_json) (or `serde`). A
    /// plan of another format version is refused before its body is
    /// decoded: an `InvalidInput` error whose
    /// [`BulkRefusal`] is [`PlanVersion`](BulkRefusal::PlanVersion); a text
    /// that is not a bulk plan is a `Decode` error naming the field.
    ///
    /// ```
    /// use entra_access_ops::{BulkPlan, BulkRefusal};
    ///
    /// let err = BulkPlan::from_json(r#"{"formatVersion": 99}"#).unwrap_err();
    /// assert_eq!(
    ///     BulkRefusal::of(&err),
    ///     Some(&BulkRefusal::PlanVersion { found: 99, expected: 1 })
    /// );
    /// ```
    pub fn from_json(text: &str) -> Result<Self> {
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| Error::new(ErrorKind::Decode, format!("not a bulk plan: {e}")))?;
        match value
            .get("formatVersion")
            .and_then(serde_json::Value::as_u64)
        {
            Some(v) if v == u64::from(BULK_PLAN_FORMAT_VERSION) => {}
            Some(found) => {
                return Err(BulkRefusal::PlanVersion {
                    found,
                    expected: BULK_PLAN_FORMAT_VERSION,
                }
                .into_error())
            }
            None => {
                return Err(Error::new(
                    ErrorKind::Decode,
                    "not a bulk plan: no numeric `formatVersion` (a plan from an older build? \
                     plan again)",
                ))
            }
        }
        serde_path_to_error::deserialize(value).map_err(|e| {
            Error::new(
                ErrorKind::Decode,
                format!("not a bulk plan: {}: {}", e.path(), e.inner()),
            )
        })
    }

    /// The refusals that need no Graph call: another format version, or a
    /// client for another base URL.
    pub(crate) fn check_for(&self, client: &entra_access::Client) -> Result<()> {
        if self.format_version != BULK_PLAN_FORMAT_VERSION {
            return Err(BulkRefusal::PlanVersion {
                found: u64::from(self.format_version),
                expected: BULK_PLAN_FORMAT_VERSION,
            }
            .into_error());
        }
        let client = client.base_url().as_str();
        if self.base_url != client {
            return Err(BulkRefusal::PlanBaseUrl {
                planned: self.base_url.clone(),
                client: client.to_owned(),
            }
            .into_error());
        }
        self.spec.check()?;
        for item in self.writes() {
            item.user_id
                .check()
                .map_err(|p| crate::invalid_input(&format!("plan item '{}'", item.user_id), p))?;
            if item.action == Action::Remove {
                let id = item.assignment_id.as_ref().ok_or_else(|| {
                    crate::invalid_input(
                        &format!("removal of {}", item.user_id),
                        "names no assignment; was the plan edited?",
                    )
                })?;
                id.check()
                    .map_err(|p| crate::invalid_input(&format!("assignment id '{id}'"), p))?;
            }
        }
        Ok(())
    }
}

/// `formatVersion` must be this build's (a `serde` read of another one
/// fails instead of misreading it).
fn current_version<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<u32, D::Error> {
    let v = u32::deserialize(d)?;
    if v == BULK_PLAN_FORMAT_VERSION {
        Ok(v)
    } else {
        Err(serde::de::Error::custom(format!(
            "bulk plan format version {v}; this build reads version {BULK_PLAN_FORMAT_VERSION} only"
        )))
    }
}
