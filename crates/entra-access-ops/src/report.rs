//! What a run did: one row per item of the plan, totals, progress
//! snapshots, and the report as CSV.

use std::fmt;
use std::io::Write;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::execute::CallIds;
use crate::export::{neutralize, ExportError};
use crate::plan::{Action, PackagePlan, Plan, PlanItem, Reason, SkipReason};
use crate::Person;
use entra_access::error::Error;
use entra_access::models::{AccessPackageId, AssignmentId, AssignmentRequestId, RequestState};

/// Columns of [`Report::write_csv`], in order.
pub const REPORT_COLUMNS: [&str; 13] = [
    "Package",
    "AccessPackageId",
    "Person",
    "PrincipalName",
    "Action",
    "Outcome",
    "RequestId",
    "AssignmentId",
    "ErrorCode",
    "ErrorMessage",
    "HttpStatus",
    "GraphRequestId",
    "ClientRequestId",
];

/// How a row ended (JSON: `{"kind": "notDelivered", "detail": "denied"}`,
/// `{"kind": "submitted"}`; see [`Action`]).
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
    /// Followed, but still open when the following stopped: waiting for an
    /// approver (`pendingApproval`: a human decides, so it is not followed
    /// further), scheduled to start later, or still open when the
    /// [`delivery budget`](crate::Apply::delivery_budget) ran out.
    StillOpen(RequestState),
    /// The write turned out not to be needed when it was about to be (or
    /// was) sent: the person was back in the source before their removal
    /// ([`SkipReason::RejoinedSource`]), Graph said a request is already
    /// open or the person already holds the package, or the assignment to
    /// remove is already gone. Nothing was created twice.
    AlreadyDone(SkipReason),
    /// The request could not be made; see the row's error.
    Failed,
    /// The run was stopped ([`Run::stop`](crate::Run::stop)) before this
    /// write was sent: nothing was requested for the person (a write Graph
    /// had throttled and that was waiting to be tried again counts too:
    /// Graph does not process a throttled request). Run again to do it.
    NotStarted,
}

impl fmt::Display for Outcome {
    /// `Planned`, `Submitted`, `NotDelivered(denied)`, `AlreadyDone(rejoinedSource)`…
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Planned => f.write_str("Planned"),
            Self::Skipped => f.write_str("Skipped"),
            Self::Reported => f.write_str("Reported"),
            Self::Submitted => f.write_str("Submitted"),
            Self::Delivered => f.write_str("Delivered"),
            Self::NotDelivered(s) => write!(f, "NotDelivered({s})"),
            Self::StillOpen(s) => write!(f, "StillOpen({s})"),
            Self::AlreadyDone(r) => write!(f, "AlreadyDone({r})"),
            Self::Failed => f.write_str("Failed"),
            Self::NotStarted => f.write_str("NotStarted"),
        }
    }
}

/// One item of the plan in a [`Report`] (JSON: camelCase fields).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Row {
    /// The package.
    pub access_package: AccessPackageId,
    /// How the plan names the package.
    pub package_label: String,
    /// Whom.
    pub person: Person,
    /// The user principal name, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal_name: Option<String>,
    /// What was planned.
    pub action: Action,
    /// Why the person was in the plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// How it ended.
    pub outcome: Outcome,
    /// The request this run made (or found made after a lost answer), or
    /// the open request that made this a skip.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<AssignmentRequestId>,
    /// The assignment concerned, if any (removed, skipped or reported).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignment_id: Option<AssignmentId>,
    /// Graph's error code (or the error kind when Graph did not answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// What went wrong, in words (never contains a token).
    #[serde(default, skip_serializing_if = "Option::is_none")]
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

impl Row {
    pub(crate) fn from_plan(package: &PackagePlan, item: &PlanItem, dry_run: bool) -> Self {
        let outcome = match &item.action {
            Action::Skip(_) => Outcome::Skipped,
            Action::Report(_) => Outcome::Reported,
            _ if dry_run => Outcome::Planned,
            // Replaced once the write has run.
            _ => Outcome::NotStarted,
        };
        Self {
            access_package: package.spec.access_package.clone(),
            package_label: package.spec.label.clone(),
            person: item.person.clone(),
            principal_name: item.principal_name.clone(),
            action: item.action.clone(),
            reason: item.reason.clone(),
            outcome,
            request_id: item.request_id.clone(),
            assignment_id: item.assignment_id.clone(),
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

    /// The row's cells in [`REPORT_COLUMNS`] order (not neutralized against
    /// spreadsheet formulas; [`Report::write_csv`] does that).
    pub fn csv_record(&self) -> [String; 13] {
        let text = |s: Option<&str>| s.unwrap_or_default().to_owned();
        [
            self.package_label.clone(),
            self.access_package.to_string(),
            self.person.to_string(),
            text(self.principal_name.as_deref()),
            self.action.to_string(),
            self.outcome.to_string(),
            text(self.request_id.as_ref().map(|id| id.as_str())),
            text(self.assignment_id.as_ref().map(|id| id.as_str())),
            text(self.error_code.as_deref()),
            text(self.error_message.as_deref()),
            self.http_status.map(|s| s.to_string()).unwrap_or_default(),
            text(self.graph_request_id.as_deref()),
            text(self.client_request_id.as_deref()),
        ]
    }
}

/// Counts over a [`Plan`] or a [`Report`] (JSON: camelCase fields). A plan
/// fills `to_add`, `to_remove`, `skipped` and `reported`; a report every
/// count its rows reached (a dry run's planned writes are `to_add` and
/// `to_remove`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Totals {
    /// Adds planned (a plan, or a dry run).
    #[serde(default)]
    pub to_add: usize,
    /// Removals planned (a plan, or a dry run).
    #[serde(default)]
    pub to_remove: usize,
    /// People who need nothing (including members that are not users).
    pub skipped: usize,
    /// People reported for a human (partially delivered, delivery failed,
    /// an e-mail the policy cannot take).
    pub reported: usize,
    /// Add requests made (or found made after a lost answer).
    pub created: usize,
    /// Removal requests made.
    pub removed: usize,
    /// Writes found not needed when they were about to be made (see
    /// [`Outcome::AlreadyDone`]).
    #[serde(default)]
    pub already_done: usize,
    /// Writes that failed.
    pub failed: usize,
    /// Of the requests followed to the end, those delivered.
    pub delivered: usize,
    /// Of the requests followed to the end, those that ended otherwise.
    pub not_delivered: usize,
    /// Of the requests followed, those still open when following stopped
    /// (waiting for approval, scheduled, or past the budget).
    #[serde(default)]
    pub still_open: usize,
    /// Writes not sent because the run was stopped.
    #[serde(default)]
    pub not_started: usize,
}

impl Totals {
    pub(crate) fn of_plan(plan: &Plan) -> Self {
        let mut t = Self::default();
        for (_, item) in plan.items() {
            match item.action {
                Action::Add => t.to_add += 1,
                Action::Remove => t.to_remove += 1,
                Action::Skip(_) => t.skipped += 1,
                Action::Report(_) => t.reported += 1,
            }
        }
        t
    }

    pub(crate) fn of(rows: &[Row]) -> Self {
        let mut t = Self::default();
        for r in rows {
            let removal = r.action == Action::Remove;
            match r.outcome {
                Outcome::Planned if removal => t.to_remove += 1,
                Outcome::Planned => t.to_add += 1,
                Outcome::Skipped => t.skipped += 1,
                Outcome::Reported => t.reported += 1,
                Outcome::Failed => t.failed += 1,
                Outcome::NotStarted => t.not_started += 1,
                Outcome::AlreadyDone(_) => t.already_done += 1,
                Outcome::Submitted
                | Outcome::Delivered
                | Outcome::NotDelivered(_)
                | Outcome::StillOpen(_) => {
                    if removal {
                        t.removed += 1;
                    } else {
                        t.created += 1;
                    }
                    match r.outcome {
                        Outcome::Delivered => t.delivered += 1,
                        Outcome::NotDelivered(_) => t.not_delivered += 1,
                        Outcome::StillOpen(_) => t.still_open += 1,
                        _ => {}
                    }
                }
            }
        }
        t
    }
}

/// What a run did. Partial failure is data: a run returns a report
/// whenever its plan could be made or applied, and failed rows carry their
/// error.
///
/// JSON: camelCase fields; `elapsed` as `{"secs": …, "nanos": …}`; the
/// `totals` are written for readers and recomputed from the rows when a
/// report is read back.
///
/// ```no_run
/// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
/// let report = entra_access_ops::BulkAssign::group(&client, "pkg-1", "pol-1", "grp-1").run().await?;
/// let json = serde_json::to_string(&report).expect("reports serialize");
/// let back: entra_access_ops::Report = serde_json::from_str(&json).expect("and read back");
/// assert_eq!(back, report);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", from = "ReportWire")]
#[non_exhaustive]
pub struct Report {
    /// One row per item of the plan, in plan order.
    pub rows: Vec<Row>,
    /// Whether this was a dry run (nothing sent).
    pub dry_run: bool,
    /// How long the run took, planning (or the checks of a stored plan)
    /// included.
    pub elapsed: Duration,
    /// How many 429 answers this run's own calls got (other work on the
    /// same client is not counted).
    pub throttled: u64,
    /// Whether the reviewed plan was stale and a fresh, unreviewed plan
    /// was applied instead ([`Apply::replan_if_stale`](crate::Apply::replan_if_stale)).
    #[serde(default)]
    pub replanned: bool,
    totals: Totals,
}

/// A report as read from JSON: the totals follow from the rows.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReportWire {
    rows: Vec<Row>,
    #[serde(default)]
    dry_run: bool,
    #[serde(default)]
    elapsed: Duration,
    #[serde(default)]
    throttled: u64,
    #[serde(default)]
    replanned: bool,
}

impl From<ReportWire> for Report {
    fn from(w: ReportWire) -> Self {
        let mut report = Self::new(w.rows, w.dry_run, w.elapsed, w.throttled);
        report.replanned = w.replanned;
        report
    }
}

impl Report {
    pub(crate) fn new(rows: Vec<Row>, dry_run: bool, elapsed: Duration, throttled: u64) -> Self {
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
    pub fn failures(&self) -> impl Iterator<Item = &Row> {
        self.rows.iter().filter(|r| r.outcome == Outcome::Failed)
    }

    /// The first row of one person (an object id or an e-mail, ignoring
    /// case), if any.
    pub fn row(&self, person: &str) -> Option<&Row> {
        self.rows.iter().find(|r| r.person.is(person))
    }

    /// Whether every write succeeded (skips, reports and writes found
    /// already done do not count as failures; a write left
    /// [`NotStarted`](Outcome::NotStarted) by a stop does not succeed).
    pub fn is_success(&self) -> bool {
        self.totals.failed == 0 && self.totals.not_started == 0
    }

    /// The rows a stop left unsent ([`Outcome::NotStarted`]).
    pub fn not_started(&self) -> impl Iterator<Item = &Row> {
        self.rows
            .iter()
            .filter(|r| r.outcome == Outcome::NotStarted)
    }

    /// Writes the report as CSV: a header row ([`REPORT_COLUMNS`]:
    /// `Package,AccessPackageId,Person,PrincipalName,Action,Outcome,RequestId,AssignmentId,ErrorCode,ErrorMessage,HttpStatus,GraphRequestId,ClientRequestId`)
    /// and one row per item. Cells are guarded against CSV injection (see
    /// [`export`](crate::export)). The writer is flushed at the end; to
    /// replace a file only once the report is complete, write to a
    /// [`reports::OutputFile`](crate::reports::OutputFile).
    ///
    /// ```
    /// let mut out = Vec::new();
    /// entra_access_ops::Report::default().write_csv(&mut out).unwrap();
    /// assert_eq!(
    ///     String::from_utf8(out).unwrap(),
    ///     "Package,AccessPackageId,Person,PrincipalName,Action,Outcome,RequestId,AssignmentId,\
    ///      ErrorCode,ErrorMessage,HttpStatus,GraphRequestId,ClientRequestId\n"
    /// );
    /// ```
    pub fn write_csv<W: Write>(&self, writer: W) -> Result<(), ExportError> {
        let mut csv = csv::Writer::from_writer(writer);
        csv.write_record(REPORT_COLUMNS)?;
        for r in &self.rows {
            csv.write_record(r.csv_record().iter().map(|c| neutralize(c).into_owned()))?;
        }
        csv.flush().map_err(ExportError::Write)?;
        Ok(())
    }
}

impl Default for Report {
    /// No rows.
    fn default() -> Self {
        Self::new(Vec::new(), false, Duration::ZERO, 0)
    }
}

/// A snapshot of a run's progress, passed to the `on_progress` callback
/// after each write (and each followed request) completes (JSON: camelCase
/// fields).
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
    use crate::plan::{ReportReason, SkipReason};

    fn row(action: Action, outcome: Outcome) -> Row {
        Row {
            access_package: AccessPackageId::new("pkg"),
            package_label: "Marketing".into(),
            person: Person::user("u"),
            principal_name: None,
            action,
            reason: None,
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
            row(
                Action::Add,
                Outcome::StillOpen(RequestState::PendingApproval),
            ),
            row(Action::Remove, Outcome::Submitted),
            row(Action::Add, Outcome::Failed),
            row(
                Action::Remove,
                Outcome::AlreadyDone(SkipReason::RejoinedSource),
            ),
            row(Action::Skip(SkipReason::AlreadyDelivered), Outcome::Skipped),
            row(Action::Add, Outcome::Planned),
            row(Action::Remove, Outcome::Planned),
        ];
        let t = Totals::of(&rows);
        assert_eq!(
            (
                t.created,
                t.removed,
                t.failed,
                t.skipped,
                t.delivered,
                t.not_delivered,
                t.still_open,
                t.already_done,
                t.to_add,
                t.to_remove
            ),
            (4, 1, 1, 1, 1, 1, 1, 1, 1, 1)
        );
        assert_eq!(
            Outcome::NotDelivered(RequestState::Denied).to_string(),
            "NotDelivered(denied)"
        );
        assert_eq!(
            Outcome::AlreadyDone(SkipReason::RejoinedSource).to_string(),
            "AlreadyDone(rejoinedSource)"
        );
    }

    #[test]
    fn rows_a_stop_left_unsent_are_counted_and_keep_the_run_from_success() {
        let mut sent = row(Action::Add, Outcome::Submitted);
        sent.graph_request_id = Some("graph-1".into());
        sent.client_request_id = Some("client-1".into());
        sent.http_status = Some(201);
        let rows = vec![sent, row(Action::Add, Outcome::NotStarted)];
        let report = Report::new(rows, false, Duration::ZERO, 0);
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
        assert_eq!(serde_json::from_value::<Report>(json).unwrap(), report);

        // A row written with only the fields it needs still reads.
        let short = serde_json::json!({"accessPackage": "pkg", "packageLabel": "Marketing",
            "person": {"user": "u"}, "action": {"kind": "add"}, "outcome": {"kind": "submitted"}});
        let back: Row = serde_json::from_value(short).unwrap();
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
            row(
                Action::Remove,
                Outcome::AlreadyDone(SkipReason::RejoinedSource),
            ),
            row(
                Action::Report(ReportReason::UnknownState("new".into())),
                Outcome::Reported,
            ),
            failed,
        ];
        let report = Report::new(rows, false, Duration::from_millis(1500), 3);
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(
            json["rows"][0]["outcome"],
            serde_json::json!({"kind": "notDelivered", "detail": "denied"})
        );
        assert_eq!(
            json["rows"][1]["action"],
            serde_json::json!({"kind": "skip", "detail": {"kind": "notAUser", "detail": "group"}})
        );
        assert_eq!(
            json["rows"][2]["outcome"],
            serde_json::json!({"kind": "alreadyDone", "detail": {"kind": "rejoinedSource"}})
        );
        assert_eq!(json["rows"][4]["errorCode"], "TooManyRequests");
        assert_eq!(json["rows"][4]["assignmentId"], "a-1");
        assert_eq!(json["totals"]["notDelivered"], 1);
        assert_eq!(json["dryRun"], false);
        let back: Report = serde_json::from_value(json).unwrap();
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

    /// Issue 20, 10: the one CSV keeps what an auditor needs.
    #[test]
    fn the_csv_has_every_id_and_status() {
        let mut r = row(Action::Remove, Outcome::Submitted);
        r.assignment_id = Some(AssignmentId::new("as-1"));
        r.request_id = Some(AssignmentRequestId::new("rq-1"));
        r.http_status = Some(201);
        r.graph_request_id = Some("g-1".into());
        r.client_request_id = Some("c-1".into());
        let mut out = Vec::new();
        Report::new(vec![r], false, Duration::ZERO, 0)
            .write_csv(&mut out)
            .unwrap();
        let text = String::from_utf8(out).unwrap();
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some(REPORT_COLUMNS.join(",").as_str()));
        assert_eq!(
            lines.next(),
            Some("Marketing,pkg,u,,Remove,Submitted,rq-1,as-1,,,201,g-1,c-1")
        );
    }
}
