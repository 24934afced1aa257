//! Audit evidence: each assignment joined with the request that created it.
//!
//! The request's `requestor` is Graph's field as Graph documents it: "the
//! subject who requested or, if a direct assignment, was assigned"
//! (`resources/accesspackageassignmentrequest.md`). For a `userAdd` it is
//! the person who asked (for themselves), for an `onBehalfAdd` the person
//! who asked for the target; for an `adminAdd` it is the assignee, not the
//! administrator or app that made the assignment. Who acted for an
//! `adminAdd` is recorded only in the directory audit log
//! (`GET /auditLogs/directoryAudits`, its `initiatedBy`), not in
//! entitlement management.

use std::collections::HashMap;

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};

use super::{ReportScope, Reports};
use entra_access::error::Result;
use entra_access::models::{
    AccessPackage, AccessPackageId, AssignmentId, AssignmentPolicyId, AssignmentRequest,
    AssignmentRequestId, DateTime, RequestType,
};

/// Columns of [`AuditRow::write_csv`], in order. The `Request…` columns
/// are those of the request that created the assignment (empty when Graph
/// no longer lists it); `RequestorObjectId` and `RequestorName` are Graph's
/// `requestor` (see [`AuditRequest::requestor_object_id`]): for an
/// `adminAdd` the assignee, not who made the assignment.
pub const AUDIT_COLUMNS: [&str; 17] = [
    "PackageId",
    "PackageName",
    "AssignmentId",
    "AssignmentState",
    "TargetObjectId",
    "TargetDisplayName",
    "TargetPrincipalName",
    "PolicyId",
    "PolicyName",
    "RequestId",
    "RequestType",
    "RequestState",
    "RequestorObjectId",
    "RequestorName",
    "Justification",
    "RequestCreatedDateTime",
    "RequestCompletedDateTime",
];

/// One assignment and, where Graph still has it, the request that created it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct AuditRow {
    /// The package.
    pub package_id: AccessPackageId,
    /// Its display name.
    pub package_name: String,
    /// The assignment.
    pub assignment_id: AssignmentId,
    /// Its state (`delivered`, `expired`…).
    pub assignment_state: Option<String>,
    /// Who holds it.
    pub target_object_id: Option<String>,
    /// The target's display name.
    pub target_display_name: Option<String>,
    /// The target's user principal name.
    pub target_principal_name: Option<String>,
    /// The policy it was assigned through.
    pub policy_id: Option<AssignmentPolicyId>,
    /// That policy's display name (from the package's policies).
    pub policy_name: Option<String>,
    /// The request that created it: the earliest request of an add type
    /// ([`RequestType::is_add`]: `adminAdd`, `userAdd`, `systemAdd` for an
    /// automatic assignment, `onBehalfAdd`) naming this assignment. `None`
    /// when Graph no longer lists one (requests are kept for a limited time
    /// after completion).
    pub request: Option<AuditRequest>,
}

/// The request side of an [`AuditRow`].
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct AuditRequest {
    /// Its id.
    pub id: AssignmentRequestId,
    /// Its type, as Graph sent it: `adminAdd`, `userAdd`, `systemAdd` or
    /// `onBehalfAdd`.
    pub request_type: Option<String>,
    /// Its state (`delivered`…).
    pub state: Option<String>,
    /// Object id of Graph's `requestor`: "the subject who requested or, if
    /// a direct assignment, was assigned". The person who asked for a
    /// `userAdd` (themselves) or an `onBehalfAdd` (for the target); the
    /// assignee for an `adminAdd`, never the administrator or app who made
    /// the assignment: that is only in the directory audit log
    /// (`GET /auditLogs/directoryAudits`, `initiatedBy`).
    pub requestor_object_id: Option<String>,
    /// Graph's `requestor` (see
    /// [`requestor_object_id`](Self::requestor_object_id)): display name,
    /// else principal name.
    pub requestor_name: Option<String>,
    /// The requestor's justification.
    pub justification: Option<String>,
    /// When it was created.
    pub created_date_time: Option<DateTime>,
    /// When it was completed.
    pub completed_date_time: Option<DateTime>,
}

impl AuditRequest {
    fn of(r: &AssignmentRequest) -> Self {
        let requestor = r.requestor.as_ref();
        Self {
            id: r.id.clone(),
            request_type: r.request_type.as_ref().map(|t| t.as_str().to_owned()),
            state: r.state.as_ref().map(|s| s.as_str().to_owned()),
            requestor_object_id: requestor
                .and_then(|s| s.object_id.as_ref())
                .map(ToString::to_string),
            requestor_name: requestor
                .and_then(|s| s.display_name.clone().or_else(|| s.principal_name.clone())),
            justification: r.justification.clone(),
            created_date_time: r.created_date_time,
            completed_date_time: r.completed_date_time,
        }
    }
}

/// Streams audit rows; see [`Reports::audit`].
#[derive(Debug, Clone)]
#[must_use = "a report does nothing until streamed"]
pub struct AuditReport {
    reports: Reports,
    scope: ReportScope,
}

impl Reports {
    /// One row per assignment of `scope`, joined with the request that
    /// created it (request type, Graph's `requestor`, justification,
    /// created and completed times) and its policy. An assignment counts as
    /// created by the earliest request of an add type
    /// ([`RequestType::is_add`]) naming it, so automatic (`systemAdd`) and
    /// on-behalf (`onBehalfAdd`) assignments are joined too. For an
    /// `adminAdd` Graph's `requestor` is the assignee; who acted is only in
    /// the directory audit log (see [`AuditRequest::requestor_object_id`]).
    ///
    /// Packages are processed one after the other: for each, its requests
    /// are listed (filtered on the package, with assignment and requestor
    /// expanded) into an index of one small summary per request, then its
    /// assignments are streamed and joined. Memory is bounded by the
    /// requests of one package, not by the whole report.
    pub fn audit(&self, scope: impl Into<ReportScope>) -> AuditReport {
        AuditReport {
            reports: self.clone(),
            scope: scope.into(),
        }
    }
}

impl AuditReport {
    /// Resolves the scope (errors such as an unknown catalog come back
    /// here, before any row), then streams the rows.
    pub async fn stream(self) -> Result<BoxStream<'static, Result<AuditRow>>> {
        let packages = self.reports.packages_of(&self.scope).await?;
        let reports = self.reports;
        Ok(stream::iter(packages)
            .then(move |package| {
                let reports = reports.clone();
                async move {
                    let index = creating_requests(&reports, &package.id).await?;
                    Ok::<_, entra_access::Error>(rows_of(&reports, package, index))
                }
            })
            .try_flatten()
            .boxed())
    }
}

/// For each assignment of the package, the earliest add request naming it.
async fn creating_requests(
    reports: &Reports,
    package: &AccessPackageId,
) -> Result<HashMap<AssignmentId, AuditRequest>> {
    let mut index: HashMap<AssignmentId, AuditRequest> = HashMap::new();
    let mut requests = reports
        .requests()
        .list()
        .access_package(package.clone())
        .expand_assignment()
        .expand_requestor()
        .stream();
    while let Some(r) = requests.try_next().await? {
        let is_add = r.request_type.as_ref().is_some_and(RequestType::is_add);
        let Some(assignment) = r.assignment.as_ref().map(|a| a.id.clone()) else {
            continue;
        };
        if !is_add || assignment.as_str().is_empty() {
            continue;
        }
        let summary = AuditRequest::of(&r);
        match index.get(&assignment) {
            Some(seen) if seen.created_date_time <= summary.created_date_time => {}
            _ => {
                index.insert(assignment, summary);
            }
        }
    }
    Ok(index)
}

fn rows_of(
    reports: &Reports,
    package: AccessPackage,
    mut index: HashMap<AssignmentId, AuditRequest>,
) -> BoxStream<'static, Result<AuditRow>> {
    let policy_names: HashMap<AssignmentPolicyId, String> = package
        .assignment_policies
        .iter()
        .flatten()
        .filter_map(|p| Some((p.id.clone(), p.display_name.clone()?)))
        .collect();
    let package_name = package.display_name.clone().unwrap_or_default();
    let package_id = package.id.clone();
    reports
        .assignments()
        .list()
        .access_package(package.id)
        .expand_target()
        .expand_policies()
        .stream()
        .map_ok(move |a| {
            let target = a.target.as_ref();
            let policy_id = a.policy_id().cloned();
            AuditRow {
                package_id: package_id.clone(),
                package_name: package_name.clone(),
                assignment_state: a.state.as_ref().map(|s| s.as_str().to_owned()),
                target_object_id: a.target_object_id().map(ToString::to_string),
                target_display_name: target.and_then(|t| t.display_name.clone()),
                target_principal_name: target.and_then(|t| t.principal_name.clone()),
                policy_name: policy_id
                    .as_ref()
                    .and_then(|p| policy_names.get(p).cloned()),
                policy_id,
                request: index.remove(&a.id),
                assignment_id: a.id,
            }
        })
        .boxed()
}

impl AuditRow {
    /// Writes rows as CSV with the header [`AUDIT_COLUMNS`], one row per
    /// item as the stream yields it (constant memory); returns the number
    /// of rows.
    pub async fn write_csv<S, W>(
        stream: S,
        writer: W,
    ) -> std::result::Result<u64, crate::export::ExportError>
    where
        S: futures::Stream<Item = Result<AuditRow>>,
        W: std::io::Write,
    {
        use crate::export::{neutralize, ExportError};
        use entra_access::models::format_datetime;
        let mut csv = csv::Writer::from_writer(writer);
        csv.write_record(AUDIT_COLUMNS)?;
        let mut rows = 0u64;
        let mut stream = std::pin::pin!(stream);
        while let Some(item) = stream.next().await {
            let r = item.map_err(ExportError::Read)?;
            let q = r.request.as_ref();
            let text = |s: Option<&str>| neutralize(s.unwrap_or_default()).into_owned();
            let date = |d: Option<&DateTime>| d.map(format_datetime).unwrap_or_default();
            let cells = [
                text(Some(r.package_id.as_str())),
                text(Some(&r.package_name)),
                text(Some(r.assignment_id.as_str())),
                text(r.assignment_state.as_deref()),
                text(r.target_object_id.as_deref()),
                text(r.target_display_name.as_deref()),
                text(r.target_principal_name.as_deref()),
                text(r.policy_id.as_ref().map(|p| p.as_str())),
                text(r.policy_name.as_deref()),
                text(q.map(|q| q.id.as_str())),
                text(q.and_then(|q| q.request_type.as_deref())),
                text(q.and_then(|q| q.state.as_deref())),
                text(q.and_then(|q| q.requestor_object_id.as_deref())),
                text(q.and_then(|q| q.requestor_name.as_deref())),
                text(q.and_then(|q| q.justification.as_deref())),
                date(q.and_then(|q| q.created_date_time.as_ref())),
                date(q.and_then(|q| q.completed_date_time.as_ref())),
            ];
            csv.write_record(cells)?;
            rows += 1;
        }
        csv.flush().map_err(ExportError::Write)?;
        Ok(rows)
    }
}
