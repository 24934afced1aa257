//! Held assignments whose schedule ends soon.

use futures::TryStreamExt;

use super::{positive, ReportScope, Reports, DEFAULT_CONCURRENCY};
use entra_access::error::{Error, ErrorKind, Result};
use entra_access::models::{
    AccessPackageId, AssignmentId, AssignmentPolicyId, AssignmentState, DateTime, ObjectId,
};

/// Columns of [`ExpiringRow::write_csv`], in order.
pub const EXPIRING_COLUMNS: [&str; 8] = [
    "PackageId",
    "PackageName",
    "AssignmentId",
    "TargetObjectId",
    "TargetPrincipalName",
    "TargetEmail",
    "EndDateTime",
    "PolicyId",
];

/// One assignment that ends soon.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct ExpiringRow {
    /// The package.
    pub package_id: AccessPackageId,
    /// Its display name (empty when Graph gave none).
    pub package_name: String,
    /// The assignment.
    pub assignment_id: AssignmentId,
    /// Who holds it (empty when Graph gave no object id, e.g. an e-mail target).
    pub target_object_id: String,
    /// The target's user principal name, if any.
    pub target_principal_name: Option<String>,
    /// The target's e-mail, if any.
    pub target_email: Option<String>,
    /// When the schedule ends.
    pub end_date_time: DateTime,
    /// The policy it was assigned through, if Graph said.
    pub policy_id: Option<AssignmentPolicyId>,
}

/// Finds held assignments that end soon; see [`Reports::expiring`].
#[derive(Debug, Clone)]
#[must_use = "a report does nothing until sent"]
pub struct ExpiringReport {
    reports: Reports,
    scope: ReportScope,
    days: i64,
    now: Option<DateTime>,
    concurrency: usize,
}

impl Reports {
    /// Assignments of `scope` that are held (delivered, delivering or
    /// partially delivered) and whose schedule ends between now and
    /// [`within_days`](ExpiringReport::within_days) from now (default 30),
    /// soonest first. Each package is listed on its own, filtered on the
    /// package and the held states, with targets and policies expanded.
    pub fn expiring(&self, scope: impl Into<ReportScope>) -> ExpiringReport {
        ExpiringReport {
            reports: self.clone(),
            scope: scope.into(),
            days: 30,
            now: None,
            concurrency: DEFAULT_CONCURRENCY,
        }
    }
}

impl ExpiringReport {
    /// The window in days (default 30); 0 or less is refused when sent.
    pub fn within_days(mut self, days: i64) -> Self {
        self.days = days;
        self
    }

    /// The moment the window starts (default: the clock at send time).
    pub fn now(mut self, now: DateTime) -> Self {
        self.now = Some(now);
        self
    }

    /// How many packages are listed at once (default 4; at least 1).
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n;
        self
    }

    /// The window's end, or an `InvalidInput` error for a bad `days`.
    fn window(&self) -> Result<(DateTime, DateTime)> {
        let bad = || {
            Error::new(
                ErrorKind::InvalidInput,
                format!(
                    "days must be a whole number from 1 to 36500, not {}",
                    self.days
                ),
            )
        };
        if !(1..=36_500).contains(&self.days) {
            return Err(bad());
        }
        let now = self.now.unwrap_or_else(chrono::Utc::now);
        let end = now
            .checked_add_signed(chrono::Duration::days(self.days))
            .ok_or_else(bad)?;
        Ok((now, end))
    }

    /// Runs the report: rows sorted by end, then package name, then
    /// assignment id.
    pub async fn send(self) -> Result<Vec<ExpiringRow>> {
        let (from, to) = self.window()?;
        let concurrency = positive(self.concurrency, "concurrency")?;
        let packages = self.reports.packages_of(&self.scope).await?;
        let mut rows: Vec<ExpiringRow> = self
            .reports
            .assignments_of(packages, concurrency, |list| {
                list.states(AssignmentState::HELD)
                    .expand_target()
                    .expand_policies()
            })
            .try_filter_map(|item| async move {
                let a = &item.assignment;
                let end = a
                    .schedule
                    .as_ref()
                    .and_then(|s| s.expiration.as_ref())
                    .and_then(|e| e.end_date_time);
                let held = a.state.as_ref().is_some_and(AssignmentState::is_held);
                Ok(match end {
                    Some(end) if held && from <= end && end <= to => Some(ExpiringRow {
                        package_id: item.package_id.clone(),
                        package_name: item.package_name.clone(),
                        assignment_id: a.id.clone(),
                        target_object_id: a
                            .target_object_id()
                            .map(ObjectId::to_string)
                            .unwrap_or_default(),
                        target_principal_name: a
                            .target
                            .as_ref()
                            .and_then(|t| t.principal_name.clone()),
                        target_email: a.target.as_ref().and_then(|t| t.email.clone()),
                        end_date_time: end,
                        policy_id: a.policy_id().cloned(),
                    }),
                    _ => None,
                })
            })
            .try_collect()
            .await?;
        rows.sort_by(|a, b| {
            (a.end_date_time, &a.package_name, &a.assignment_id).cmp(&(
                b.end_date_time,
                &b.package_name,
                &b.assignment_id,
            ))
        });
        Ok(rows)
    }
}

impl ExpiringRow {
    /// Writes rows as CSV with the header [`EXPIRING_COLUMNS`].
    pub fn write_csv<W: std::io::Write>(
        rows: &[ExpiringRow],
        writer: W,
    ) -> std::result::Result<(), crate::export::ExportError> {
        use crate::export::{neutralize, ExportError};
        let mut csv = csv::Writer::from_writer(writer);
        csv.write_record(EXPIRING_COLUMNS)?;
        for r in rows {
            let cells = [
                r.package_id.to_string(),
                r.package_name.clone(),
                r.assignment_id.to_string(),
                r.target_object_id.clone(),
                r.target_principal_name.clone().unwrap_or_default(),
                r.target_email.clone().unwrap_or_default(),
                entra_access::models::format_datetime(&r.end_date_time),
                r.policy_id
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
            ];
            csv.write_record(cells.iter().map(|c| neutralize(c).into_owned()))?;
        }
        csv.flush().map_err(ExportError::Write)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(days: i64) -> ExpiringReport {
        let client = entra_access::Client::builder()
            .token_provider(entra_access::auth::StaticToken::new("t"))
            .build()
            .unwrap_or_else(|e| unreachable!("{e}"));
        crate::reports::Reports::new(&client)
            .expiring(ReportScope::AllPackages)
            .within_days(days)
    }

    #[test]
    fn days_must_be_positive_and_sane() {
        for bad in [0, -1, i64::MIN, 36_501] {
            let e = report(bad).window().unwrap_err();
            assert!(e.is_invalid_input(), "{e}");
            assert!(e.to_string().contains(&bad.to_string()), "{e}");
        }
        let now = chrono::Utc::now();
        let (from, to) = report(7)
            .now(now)
            .window()
            .unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(from, now);
        assert_eq!(to - from, chrono::Duration::days(7));
    }
}
