//! Held assignments whose schedule ends soon.

use futures::TryStreamExt;

use super::{positive, ReportScope, Reports, DEFAULT_CONCURRENCY};
use entra_access::error::{Error, ErrorKind, Result};
use entra_access::models::{
    AccessPackageId, AssignmentId, AssignmentPolicyId, AssignmentState, DateTime, ExpirationType,
    ObjectId, Schedule,
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
    /// When the schedule ends: its `endDateTime`, or for an `afterDuration`
    /// expiration with no `endDateTime`, its `startDateTime` plus its
    /// `duration` (`resources/expirationpattern.md`: access expires "after a
    /// specified duration relative to access being granted").
    pub end_date_time: DateTime,
    /// The policy it was assigned through, if Graph said.
    pub policy_id: Option<AssignmentPolicyId>,
}

/// What [`ExpiringReport::send`] found.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct Expiring {
    /// The held assignments that end within the window, sorted by end,
    /// then package name, then assignment id.
    pub rows: Vec<ExpiringRow>,
    /// How many held assignments of the scope have a schedule whose end
    /// cannot be told: neither an `endDateTime` nor a `duration` with a
    /// `startDateTime` to count it from, and not `noExpiration` (or no
    /// schedule at all). They may end within the window; they are not in
    /// [`rows`](Self::rows), and counted here so none is dropped silently.
    pub without_end: u64,
}

/// When a held assignment's schedule ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    At(DateTime),
    Never,
    Unknown,
}

/// The end of `schedule`: its `endDateTime`, else its start plus its
/// `duration`; `Never` for `noExpiration` without either.
fn end_of(schedule: Option<&Schedule>) -> End {
    let Some(expiration) = schedule.and_then(|s| s.expiration.as_ref()) else {
        return End::Unknown;
    };
    if let Some(end) = expiration.end_date_time {
        return End::At(end);
    }
    let start = schedule.and_then(|s| s.start_date_time);
    if let (Some(start), Some(duration)) = (start, expiration.duration.as_ref()) {
        return duration
            .to_chrono()
            .and_then(|d| start.checked_add_signed(d))
            .map_or(End::Unknown, End::At);
    }
    match expiration.kind {
        Some(ExpirationType::NoExpiration) if expiration.duration.is_none() => End::Never,
        _ => End::Unknown,
    }
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
    /// soonest first. The end is the schedule's `endDateTime`, or for an
    /// `afterDuration` expiration its start plus its duration; held
    /// assignments whose end cannot be told are counted in
    /// [`Expiring::without_end`]. Each package is listed on its own,
    /// filtered on the package and the held states, with targets and
    /// policies expanded.
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

    /// Runs the report: the rows sorted by end, then package name, then
    /// assignment id, and the count of held assignments whose end cannot
    /// be told.
    pub async fn send(self) -> Result<Expiring> {
        let (from, to) = self.window()?;
        let concurrency = positive(self.concurrency, "concurrency")?;
        let packages = self.reports.packages_of(&self.scope).await?;
        let mut items = self.reports.assignments_of(packages, concurrency, |list| {
            list.states(AssignmentState::HELD)
                .expand_target()
                .expand_policies()
        });
        let mut rows = Vec::new();
        let mut without_end = 0u64;
        while let Some(item) = items.try_next().await? {
            let a = &item.assignment;
            if !a.state.as_ref().is_some_and(AssignmentState::is_held) {
                continue;
            }
            let end = match end_of(a.schedule.as_ref()) {
                End::At(end) => end,
                End::Never => continue,
                End::Unknown => {
                    without_end += 1;
                    continue;
                }
            };
            if !(from <= end && end <= to) {
                continue;
            }
            rows.push(ExpiringRow {
                package_id: item.package_id.clone(),
                package_name: item.package_name.clone(),
                assignment_id: a.id.clone(),
                target_object_id: a
                    .target_object_id()
                    .map(ObjectId::to_string)
                    .unwrap_or_default(),
                target_principal_name: a.target.as_ref().and_then(|t| t.principal_name.clone()),
                target_email: a.target.as_ref().and_then(|t| t.email.clone()),
                end_date_time: end,
                policy_id: a.policy_id().cloned(),
            });
        }
        rows.sort_by(|a, b| {
            (a.end_date_time, &a.package_name, &a.assignment_id).cmp(&(
                b.end_date_time,
                &b.package_name,
                &b.assignment_id,
            ))
        });
        Ok(Expiring { rows, without_end })
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
    use entra_access::models::{Expiration, IsoDuration};

    fn at(text: &str) -> DateTime {
        entra_access::models::parse_datetime(text).unwrap_or_else(|e| unreachable!("{e}"))
    }

    #[test]
    fn the_end_is_the_end_date_else_the_start_plus_the_duration() {
        let start = at("2024-05-01T00:00:00Z");
        let by_date = Schedule::new(
            Some(start),
            Some(Expiration::at(at("2024-06-01T00:00:00Z"))),
        );
        assert_eq!(end_of(Some(&by_date)), End::At(at("2024-06-01T00:00:00Z")));
        let by_duration = Schedule::new(
            Some(start),
            Some(Expiration::after_duration(IsoDuration::days(30))),
        );
        assert_eq!(
            end_of(Some(&by_duration)),
            End::At(at("2024-05-31T00:00:00Z"))
        );
        assert_eq!(
            end_of(Some(&Schedule::new(Some(start), Some(Expiration::never())))),
            End::Never
        );
        // No start to count from, nothing at all, no schedule: unknown.
        let no_start = Schedule::starting_now_for(IsoDuration::days(30));
        assert_eq!(end_of(Some(&no_start)), End::Unknown);
        let nothing = Schedule::new(Some(start), Some(Expiration::default()));
        assert_eq!(end_of(Some(&nothing)), End::Unknown);
        assert_eq!(end_of(Some(&Schedule::default())), End::Unknown);
        assert_eq!(end_of(None), End::Unknown);
    }

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
