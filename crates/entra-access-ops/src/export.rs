//! CSV export: assignments, streamed in constant memory (and, with the same
//! guard against formulas, [`Report::write_csv`](crate::Report::write_csv)).
//!
//! **CSV injection.** Spreadsheet programs run a cell that starts with `=`,
//! `+`, `-` or `@` (and some also tab or carriage return) as a formula. Graph
//! data such as display names is chosen by users, so every cell of these
//! exports that starts with one of those characters gets a leading `'`,
//! which spreadsheets show as text. A program that reads the CSV back must
//! strip it (`'=SUM(A1)` stood for `=SUM(A1)`). Quoting follows RFC 4180.
//!
//! ```
//! use entra_access::models::Assignment;
//! use entra_access_ops::export::assignments_csv;
//!
//! # block_on(async {
//! let a: Assignment = serde_json::from_str(r#"{"id":"a1","state":"delivered",
//!     "target":{"objectId":"u1","displayName":"=HYPERLINK(\"x\")"}}"#).unwrap();
//! let mut out = Vec::new();
//! let rows = assignments_csv(futures::stream::iter([Ok(a)]), &mut out).await.unwrap();
//! assert_eq!(rows, 1);
//! let text = String::from_utf8(out).unwrap();
//! assert!(text.starts_with("Id,State,TargetId,TargetObjectId,TargetDisplayName,"));
//! assert!(text.contains(r#"'=HYPERLINK(""x"")"#));
//! # });
//! # fn block_on(f: impl std::future::Future<Output = ()>) {
//! #     futures::executor::block_on(f)
//! # }
//! ```

use std::borrow::Cow;
use std::fmt;
use std::io::Write;

use futures::{Stream, StreamExt};

use entra_access::models::{format_datetime, Assignment, DateTime};

/// Columns of [`assignments_csv`], in order.
pub const ASSIGNMENT_COLUMNS: [&str; 13] = [
    "Id",
    "State",
    "TargetId",
    "TargetObjectId",
    "TargetDisplayName",
    "TargetPrincipalName",
    "TargetEmail",
    "AccessPackageId",
    "AssignmentPolicyId",
    "StartDateTime",
    "EndDateTime",
    "ExpiredDateTime",
    "Status",
];

/// Why an export stopped.
#[derive(Debug)]
#[non_exhaustive]
pub enum ExportError {
    /// Reading from Graph failed (the rows written so far are in the writer).
    Read(entra_access::Error),
    /// Writing the CSV failed.
    Write(std::io::Error),
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Read(e) => write!(f, "export stopped reading from Graph: {e}"),
            Self::Write(e) => write!(f, "export could not write the CSV: {e}"),
        }
    }
}

impl std::error::Error for ExportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Read(e) => Some(e),
            Self::Write(e) => Some(e),
        }
    }
}

impl From<csv::Error> for ExportError {
    fn from(e: csv::Error) -> Self {
        Self::Write(e.into())
    }
}

/// Prefixes `'` to a cell a spreadsheet would run as a formula.
///
/// ```
/// use entra_access_ops::export::neutralize;
/// assert_eq!(neutralize("=1+2"), "'=1+2");
/// assert_eq!(neutralize("@SUM(A1)"), "'@SUM(A1)");
/// assert_eq!(neutralize("Ada"), "Ada");
/// ```
pub fn neutralize(cell: &str) -> Cow<'_, str> {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

fn date(d: Option<&DateTime>) -> String {
    d.map(format_datetime).unwrap_or_default()
}

pub(crate) fn assignment_record(a: &Assignment) -> [String; 13] {
    let target = a.target.as_ref();
    let schedule = a.schedule.as_ref();
    let text = |s: Option<&str>| neutralize(s.unwrap_or_default()).into_owned();
    [
        text(Some(a.id.as_str())),
        text(a.state.as_ref().map(|s| s.as_str())),
        text(target.and_then(|t| t.id.as_deref())),
        text(a.target_object_id().map(|id| id.as_str())),
        text(target.and_then(|t| t.display_name.as_deref())),
        text(target.and_then(|t| t.principal_name.as_deref())),
        text(target.and_then(|t| t.email.as_deref())),
        text(a.package_id().map(|id| id.as_str())),
        text(a.policy_id().map(|id| id.as_str())),
        date(schedule.and_then(|s| s.start_date_time.as_ref())),
        date(
            schedule
                .and_then(|s| s.expiration.as_ref())
                .and_then(|e| e.end_date_time.as_ref()),
        ),
        date(a.expired_date_time.as_ref()),
        text(a.status.as_deref()),
    ]
}

/// Writes assignments as CSV, one row each after a header row, and returns
/// the number of rows. Memory stays constant: rows are written as the
/// stream yields them.
///
/// v1.0 assignments carry their target, package and policy only when
/// expanded: list with `.expand_target()` to fill the `Target*` columns,
/// and `.expand_access_package().expand_policies()` to fill
/// `AccessPackageId` and `AssignmentPolicyId` (otherwise left empty).
///
/// The writer is flushed at the end; wrap a file in a `BufWriter`.
/// Cells are guarded against CSV injection (see the [module docs](self)).
pub async fn assignments_csv<S, W>(stream: S, writer: W) -> Result<u64, ExportError>
where
    S: Stream<Item = entra_access::Result<Assignment>>,
    W: Write,
{
    let mut csv = csv::Writer::from_writer(writer);
    csv.write_record(ASSIGNMENT_COLUMNS)?;
    let mut rows = 0u64;
    let mut stream = std::pin::pin!(stream);
    while let Some(item) = stream.next().await {
        let a = item.map_err(ExportError::Read)?;
        csv.write_record(assignment_record(&a))?;
        rows += 1;
    }
    csv.flush().map_err(ExportError::Write)?;
    Ok(rows)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn only_formula_starters_are_guarded() {
        for bad in ["=x", "+x", "-x", "@x", "\tx", "\rx"] {
            assert_eq!(neutralize(bad), format!("'{bad}"));
        }
        for fine in ["", "x=1", "Ada Lovelace", "'quoted", "2024-05-01T00:00:00Z"] {
            assert_eq!(neutralize(fine), fine);
        }
    }
}
