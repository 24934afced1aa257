//! What applying a plan did: one row per action.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::plan_file::{ActionKind, PlanTarget};
use entra_access::models::{AccessPackageId, AssignmentId, AssignmentRequestId};

/// Columns of [`SyncReport::write_csv`] and [`SyncRow::csv_record`].
pub const SYNC_REPORT_COLUMNS: [&str; 7] = [
    "Package",
    "Target",
    "Action",
    "Outcome",
    "RequestId",
    "ErrorCode",
    "ErrorMessage",
];

/// How one action ended.
///
/// ```
/// use entra_access_ops::sync::SyncOutcome;
/// assert_eq!(SyncOutcome::AlreadyDone.to_string(), "alreadyDone");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum SyncOutcome {
    /// Graph accepted the request.
    Submitted,
    /// Nothing to do any more: the person already had the assignment or an
    /// open request, or the assignment was already gone.
    AlreadyDone,
    /// Graph refused or the call failed; see the error columns.
    Failed,
}

impl fmt::Display for SyncOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Submitted => "submitted",
            Self::AlreadyDone => "alreadyDone",
            Self::Failed => "failed",
        })
    }
}

/// One applied action; see [`SyncReport`].
///
/// ```no_run
/// # async fn demo(client: entra_access::Client, plan: entra_access_ops::sync::SyncPlan) -> Result<(), entra_access_ops::sync::SyncError> {
/// let report = entra_access_ops::sync::apply(&client, plan).run().await?;
/// for row in &report.rows {
///     println!("{} {} {} {:?}", row.outcome, row.action, row.target, row.request_id);
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SyncRow {
    /// The package.
    pub access_package: AccessPackageId,
    /// How the plan names it.
    pub package_label: String,
    /// Whom.
    pub target: PlanTarget,
    /// Add or remove.
    pub action: ActionKind,
    /// For a removal: the assignment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignment_id: Option<AssignmentId>,
    /// How it ended.
    pub outcome: SyncOutcome,
    /// The request Graph created (or the one found after a lost answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<AssignmentRequestId>,
    /// Graph's error code, for a failure (or why it was already done).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// The error message, for a failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    /// The HTTP status of the write's last answer (`201` when accepted,
    /// Graph's status for a refusal), when Graph answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// Graph's `request-id` of the write's last answer, for support tickets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub graph_request_id: Option<String>,
    /// The `client-request-id` the write was sent with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_request_id: Option<String>,
}

impl SyncRow {
    /// The row's cells in [`SYNC_REPORT_COLUMNS`] order (not neutralized
    /// against spreadsheet formulas; [`SyncReport::write_csv`] does that).
    ///
    /// ```
    /// use entra_access_ops::sync::{SyncReport, SYNC_REPORT_COLUMNS};
    /// let report = SyncReport::default();
    /// assert_eq!(SYNC_REPORT_COLUMNS.join(","), "Package,Target,Action,Outcome,RequestId,ErrorCode,ErrorMessage");
    /// assert!(report.rows.iter().all(|r| r.csv_record().len() == 7));
    /// ```
    pub fn csv_record(&self) -> [String; 7] {
        [
            self.package_label.clone(),
            self.target.to_string(),
            self.action.to_string(),
            self.outcome.to_string(),
            self.request_id
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            self.error_code.clone().unwrap_or_default(),
            self.error_message.clone().unwrap_or_default(),
        ]
    }
}

/// Counts of a report.
///
/// ```
/// use entra_access_ops::sync::SyncReport;
/// let t = SyncReport::default().totals();
/// assert_eq!((t.submitted, t.already_done, t.failed), (0, 0, 0));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncTotals {
    /// Submitted.
    pub submitted: usize,
    /// Already done.
    pub already_done: usize,
    /// Failed.
    pub failed: usize,
}

/// What [`Apply::run`](super::Apply::run) did: one row per action of the
/// plan, in plan order.
///
/// ```
/// use entra_access_ops::sync::SyncReport;
/// let empty = SyncReport::default();
/// assert!(empty.all_ok());
/// assert_eq!(empty.failures().count(), 0);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SyncReport {
    /// One per action.
    pub rows: Vec<SyncRow>,
    /// Whether the reviewed plan was stale and a new one was made and
    /// applied instead (only with
    /// [`replan_if_stale`](super::Apply::replan_if_stale)).
    pub replanned: bool,
}

impl SyncReport {
    /// Every action submitted or already done.
    pub fn all_ok(&self) -> bool {
        self.rows.iter().all(|r| r.outcome != SyncOutcome::Failed)
    }

    /// Counts per outcome.
    pub fn totals(&self) -> SyncTotals {
        let mut t = SyncTotals::default();
        for r in &self.rows {
            match r.outcome {
                SyncOutcome::Submitted => t.submitted += 1,
                SyncOutcome::AlreadyDone => t.already_done += 1,
                SyncOutcome::Failed => t.failed += 1,
            }
        }
        t
    }

    /// The failed rows.
    pub fn failures(&self) -> impl Iterator<Item = &SyncRow> {
        self.rows
            .iter()
            .filter(|r| r.outcome == SyncOutcome::Failed)
    }

    /// Writes the report as CSV with [`SYNC_REPORT_COLUMNS`]; cells that a
    /// spreadsheet would run as a formula get a leading `'` (see
    /// [`export`](crate::export)).
    ///
    /// ```
    /// let mut out = Vec::new();
    /// entra_access_ops::sync::SyncReport::default().write_csv(&mut out).unwrap();
    /// assert_eq!(String::from_utf8(out).unwrap(), "Package,Target,Action,Outcome,RequestId,ErrorCode,ErrorMessage\n");
    /// ```
    pub fn write_csv<W: std::io::Write>(
        &self,
        writer: W,
    ) -> Result<(), crate::export::ExportError> {
        use crate::export::{neutralize, ExportError};
        let mut csv = csv::Writer::from_writer(writer);
        csv.write_record(SYNC_REPORT_COLUMNS)?;
        for r in &self.rows {
            csv.write_record(r.csv_record().iter().map(|c| neutralize(c).into_owned()))?;
        }
        csv.flush().map_err(ExportError::Write)?;
        Ok(())
    }
}
