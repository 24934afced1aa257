//! What a bulk run did: one row per person, totals, progress snapshots.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::execute::CallIds;
use super::plan::{Action, PlanItem};
use entra_access::error::Error;
use entra_access::models::{AssignmentId, AssignmentRequestId, ObjectId, RequestState};

/// How a person's row ended (JSON: `{"kind": "notDelivered", "detail":
/// "denied"}`, `{"kind": "submitted"}`; see [`Action`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "detail", rename_all = "camelCase")]
#[non_exhaustive]
pub enum Outcome {
    /// Dry run: the action would be taken; nothing was sent.
    Planned,
    /// Nothing needed doing (see the row's [`Action::Skip`] reason).
    Skipped,
    /// Needs a human (see the row's [`Action::Report`] reason); nothing sent.
    Reported,
    /// The request was accepted by Graph (or found already made, after a
    /// write whose answer was lost). Delivery is asynchronous.
    Submitted,
    /// Followed to the end (`wait_for_delivery`): the request was delivered.
    Delivered,
    /// Followed to the end: the request ended in another final state
    /// (denied, canceled, delivery failed, partially delivered).
    NotDelivered(RequestState),
    /// The request could not be made; see the row's error.
    Failed,
    /// The run was stopped ([`BulkRun::stop`](super::BulkRun::stop))
    /// before this write was sent: nothing was requested for the person
    /// (a write Graph had throttled and that was waiting to be tried again
    /// counts too: Graph does not process a throttled request). Run again
    /// to do it.
    NotStarted,
}

impl fmt::Display for Outcome {
    /// `Planned`, `Submitted`, `NotDelivered(denied)`…
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Planned => f.write_str("Planned"),
            Self::Skipped => f.write_str("Skipped"),
            Self::Reported => f.write_str("Reported"),
            Self::Submitted => f.write_str("Submitted"),
            Self::Delivered => f.write_str("Delivered"),
            Self::NotDelivered(s) => write!(f, "NotDelivered({s})"),
            Self::Failed => f.write_str("Failed"),
            Self::NotStarted => f.write_str("NotStarted"),
        }
    }
}

/// One person in a [`BulkReport`] (JSON: camelCase fields).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ReportRow {
    /// The person's directory object id.
    pub user_id: ObjectId,
    /// The user principal name, when known.
    pub user_principal_name: Option<String>,
    /// What was planned.
    pub action: Action,
    /// How it ended.
    pub outcome: Outcome,
    /// The request made (or the open request that made this a skip).
    pub request_id: Option<AssignmentRequestId>,
    /// The assignment concerned, if any (removed, skipped or reported).
    pub assignment_id: Option<AssignmentId>,
    /// Graph's error code (or the error kind when Graph did not answer).
    pub error_code: Option<String>,
    /// What went wrong, in words (never contains a token).
    pub error_message: Option<String>,
    /// Graph's `request-id` of the write's last answer (what Microsoft
    /// support asks for), when Graph answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub graph_request_id: Option<String>,
    /// The `client-request-id` the write was sent with (one per row, kept
    /// across the tries of a throttled write).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_request_id: Option<String>,
    /// The HTTP status of the write's last answer: `201` for an accepted
    /// request, Graph's status for a refusal (`403`, `404`…); absent when
    /// nothing came back (a reset connection, a timeout).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
}

impl ReportRow {
    pub(crate) fn from_plan(item: PlanItem, dry_run: bool) -> Self {
        let outcome = match &item.action {
            Action::Skip(_) => Outcome::Skipped,
            Action::Report(_) => Outcome::Reported,
            _ if dry_run => Outcome::Planned,
            // Replaced once the write has run.
            _ => Outcome::NotStarted,
        };
        Self {
            user_id: item.user_id,
            user_principal_name: item.user_principal_name,
            action: item.action,
            outcome,
            request_id: item.request_id,
            assignment_id: item.assignment_id,
            error_code: None,
            error_message: None,
            graph_request_id: None,
            client_request_id: None,
            http_status: None,
        }
    }

    /// Records the ids and status of the write's last answer.
    pub(crate) fn set_call(&mut self, call: &CallIds) {
        self.graph_request_id.clone_from(&call.graph_request_id);
        self.client_request_id.clone_from(&call.client_request_id);
        self.http_status = call.http_status;
    }

    pub(crate) fn set_error(&mut self, err: &Error) {
        self.error_code = Some(match err.code() {
            Some(code) => code.to_string(),
            None => format!("{:?}", err.kind()),
        });
        self.error_message = Some(err.to_string());
    }
}

/// Counts over a [`BulkReport`] (JSON: camelCase fields).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Totals {
    /// Dry run: adds and removals that would be requested.
    pub planned: usize,
    /// Add requests made (or found made after a lost answer).
    pub created: usize,
    /// Removal requests made.
    pub removed: usize,
    /// People who needed nothing (including non-users).
    pub skipped: usize,
    /// Writes that failed.
    pub failed: usize,
    /// People reported for a human (partially delivered, delivery failed).
    pub reported: usize,
    /// Of the requests followed to the end, those delivered.
    pub delivered: usize,
    /// Of the requests followed to the end, those that ended otherwise.
    pub not_delivered: usize,
    /// Writes not sent because the run was stopped.
    #[serde(default)]
    pub not_started: usize,
}

impl Totals {
    pub(crate) fn of(rows: &[ReportRow]) -> Self {
        let mut t = Self::default();
        for r in rows {
            match r.outcome {
                Outcome::Planned => t.planned += 1,
                Outcome::Skipped => t.skipped += 1,
                Outcome::Reported => t.reported += 1,
                Outcome::Failed => t.failed += 1,
                Outcome::NotStarted => t.not_started += 1,
                Outcome::Submitted | Outcome::Delivered | Outcome::NotDelivered(_) => {
                    if r.action == Action::Remove {
                        t.removed += 1;
                    } else {
                        t.created += 1;
                    }
                    match r.outcome {
                        Outcome::Delivered => t.delivered += 1,
                        Outcome::NotDelivered(_) => t.not_delivered += 1,
                        _ => {}
                    }
                }
            }
        }
        t
    }
}

/// What a bulk run did. Partial failure is data: the run returns a report
/// whenever the plan could be read, and failed rows carry their error.
///
/// JSON: camelCase fields; `elapsed` as `{"secs": …, "nanos": …}`; the
/// `totals` are written for readers and recomputed from the rows when a
/// report is read back.
///
/// ```
/// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
/// let report = entra_access_ops::BulkAssign::group(&client, "pkg-1", "pol-1", "grp-1").run().await?;
/// let json = serde_json::to_string(&report).expect("reports serialize");
/// let back: entra_access_ops::BulkReport = serde_json::from_str(&json).expect("and read back");
/// assert_eq!(back, report);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", from = "ReportWire")]
#[non_exhaustive]
pub struct BulkReport {
    /// One row per person, in plan order.
    pub rows: Vec<ReportRow>,
    /// Whether this was a dry run (nothing sent).
    pub dry_run: bool,
    /// How long the run took, planning included.
    pub elapsed: Duration,
    /// How many 429 answers this run's own calls got (other work on the
    /// same client is not counted).
    pub throttled: u64,
    /// Whether the reviewed plan was stale and a fresh, unreviewed plan
    /// was applied instead ([`BulkApply::replan_if_stale`](super::BulkApply::replan_if_stale)).
    #[serde(default)]
    pub replanned: bool,
    totals: Totals,
}

/// A report as read from JSON: the totals follow from the rows.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReportWire {
    rows: Vec<ReportRow>,
    #[serde(default)]
    dry_run: bool,
    #[serde(default)]
    elapsed: Duration,
    #[serde(default)]
    throttled: u64,
    #[serde(default)]
    replanned: bool,
}

impl From<ReportWire> for BulkReport {
    fn from(w: ReportWire) -> Self {
        let mut report = Self::new(w.rows, w.dry_run, w.elapsed, w.throttled);
        report.replanned = w.replanned;
        report
    }
}

impl BulkReport {
    pub(crate) fn new(
        rows: Vec<ReportRow>,
        dry_run: bool,
        elapsed: Duration,
        throttled: u64,
    ) -> Self {
        let totals = Totals::of(&rows);
        Self {
            rows,
            dry_run,
            elapsed,
            throttled,
            replanned: false,
            totals,
        }
    }

    /// Counts by outcome.
    pub fn totals(&self) -> Totals {
        self.totals
    }

    /// The rows whose write failed.
    pub fn failures(&self) -> impl Iterator<Item = &ReportRow> {
        self.rows.iter().filter(|r| r.outcome == Outcome::Failed)
    }

    /// The row of one person, if any.
    pub fn row(&self, user_id: &str) -> Option<&ReportRow> {
        self.rows.iter().find(|r| r.user_id.as_str() == user_id)
    }

    /// Whether every write succeeded (skips and reports do not count as
    /// failures; a write left [`NotStarted`](Outcome::NotStarted) by a stop
    /// does not succeed).
    pub fn is_success(&self) -> bool {
        self.totals.failed == 0 && self.totals.not_started == 0
    }

    /// The rows a stop left unsent ([`Outcome::NotStarted`]).
    pub fn not_started(&self) -> impl Iterator<Item = &ReportRow> {
        self.rows
            .iter()
            .filter(|r| r.outcome == Outcome::NotStarted)
    }
}

/// A snapshot passed to the `on_progress` callback after each write (and
/// each followed request) completes (JSON: camelCase fields).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Progress {
    /// Writes to make in this run.
    pub total: usize,
    /// Writes finished (successfully or not).
    pub done: usize,
    /// Add requests made so far.
    pub created: usize,
    /// Removal requests made so far.
    pub removed: usize,
    /// Writes failed so far.
    pub failed: usize,
    /// Requests followed to a final state so far (`wait_for_delivery`).
    pub finalized: usize,
    /// How many writes may run at once right now (adaptive).
    pub concurrency: usize,
    /// 429 answers this run's calls have had so far (not the client's lifetime count).
    pub throttled: u64,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::plan::SkipReason;

    fn row(action: Action, outcome: Outcome) -> ReportRow {
        ReportRow {
            user_id: ObjectId::new("u"),
            user_principal_name: None,
            action,
            outcome,
            request_id: None,
            assignment_id: None,
            error_code: None,
            error_message: None,
            graph_request_id: None,
            client_request_id: None,
            http_status: None,
        }
    }

    #[test]
    fn totals_count_by_outcome_and_action() {
        let rows = vec![
            row(Action::Add, Outcome::Submitted),
            row(Action::Add, Outcome::Delivered),
            row(Action::Add, Outcome::NotDelivered(RequestState::Denied)),
            row(Action::Remove, Outcome::Submitted),
            row(Action::Add, Outcome::Failed),
            row(Action::Skip(SkipReason::AlreadyDelivered), Outcome::Skipped),
        ];
        let t = Totals::of(&rows);
        assert_eq!(
            (
                t.created,
                t.removed,
                t.failed,
                t.skipped,
                t.delivered,
                t.not_delivered
            ),
            (3, 1, 1, 1, 1, 1)
        );
        assert_eq!(
            Outcome::NotDelivered(RequestState::Denied).to_string(),
            "NotDelivered(denied)"
        );
    }

    #[test]
    fn rows_a_stop_left_unsent_are_counted_and_keep_the_run_from_success() {
        let mut sent = row(Action::Add, Outcome::Submitted);
        sent.graph_request_id = Some("graph-1".into());
        sent.client_request_id = Some("client-1".into());
        sent.http_status = Some(201);
        let rows = vec![sent, row(Action::Add, Outcome::NotStarted)];
        let report = BulkReport::new(rows, false, Duration::ZERO, 0);
        let t = report.totals();
        assert_eq!((t.created, t.not_started, t.failed), (1, 1, 0));
        assert!(!report.is_success());
        assert_eq!(report.not_started().count(), 1);
        assert_eq!(Outcome::NotStarted.to_string(), "NotStarted");

        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(
            json["rows"][1]["outcome"],
            serde_json::json!({"kind": "notStarted"})
        );
        assert_eq!(json["rows"][0]["graphRequestId"], "graph-1");
        assert_eq!(json["rows"][0]["clientRequestId"], "client-1");
        assert_eq!(json["rows"][0]["httpStatus"], 201);
        assert_eq!(json["totals"]["notStarted"], 1);
        assert_eq!(serde_json::from_value::<BulkReport>(json).unwrap(), report);

        // A row written before these fields existed still reads.
        let old = serde_json::json!({"userId": "u", "userPrincipalName": null,
            "action": {"kind": "add"}, "outcome": {"kind": "submitted"},
            "requestId": null, "assignmentId": null, "errorCode": null, "errorMessage": null});
        let back: ReportRow = serde_json::from_value(old).unwrap();
        assert_eq!(back, row(Action::Add, Outcome::Submitted));
    }

    #[test]
    fn a_report_round_trips_through_json_with_stable_names() {
        let mut failed = row(Action::Remove, Outcome::Failed);
        failed.error_code = Some("TooManyRequests".into());
        failed.assignment_id = Some(AssignmentId::new("a-1"));
        let rows = vec![
            row(Action::Add, Outcome::NotDelivered(RequestState::Denied)),
            row(
                Action::Skip(SkipReason::NotAUser("group".into())),
                Outcome::Skipped,
            ),
            row(Action::Skip(SkipReason::RejoinedSource), Outcome::Skipped),
            row(
                Action::Report(crate::ReportReason::UnknownState("new".into())),
                Outcome::Reported,
            ),
            failed,
        ];
        let report = BulkReport::new(rows, false, Duration::from_millis(1500), 3);
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(
            json["rows"][0]["outcome"],
            serde_json::json!({"kind": "notDelivered", "detail": "denied"})
        );
        assert_eq!(
            json["rows"][1]["action"],
            serde_json::json!({"kind": "skip", "detail": {"kind": "notAUser", "detail": "group"}})
        );
        assert_eq!(json["rows"][4]["errorCode"], "TooManyRequests");
        assert_eq!(json["rows"][4]["assignmentId"], "a-1");
        assert_eq!(json["totals"]["notDelivered"], 1);
        assert_eq!(json["dryRun"], false);
        let back: BulkReport = serde_json::from_value(json).unwrap();
        assert_eq!(back, report);
        assert_eq!(back.totals(), report.totals());

        let progress = Progress {
            total: 3,
            done: 1,
            ..Progress::default()
        };
        let p = serde_json::to_value(progress).unwrap();
        assert_eq!(p["total"], 3);
        assert_eq!(serde_json::from_value::<Progress>(p).unwrap(), progress);
    }
}
