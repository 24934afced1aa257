//! When an assignment starts and ends.

use serde::{Deserialize, Serialize};

use super::{DateTime, ExpirationType, IsoDuration};

/// `entitlementManagementSchedule`: the start and expiration of an
/// assignment or request.
///
/// ```
/// use entra_access::models::{Expiration, IsoDuration, Schedule};
///
/// let s = Schedule::starting_now_for(IsoDuration::days(30));
/// let json = serde_json::to_value(&s).unwrap();
/// assert_eq!(json["expiration"]["type"], "afterDuration");
/// assert_eq!(json["expiration"]["duration"], "P30D");
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Schedule {
    /// When access starts; `None` means "now" on a request.
    #[serde(
        default,
        with = "super::datetime::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub start_date_time: Option<DateTime>,
    /// When access ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration: Option<Expiration>,
    /// `patternedRecurrence`, used only by access-review schedules; kept raw.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<serde_json::Value>,
}

impl Schedule {
    /// A schedule with the given start and expiration.
    pub fn new(start_date_time: Option<DateTime>, expiration: Option<Expiration>) -> Self {
        Self {
            start_date_time,
            expiration,
            recurrence: None,
        }
    }

    /// Starts now (no start date sent) and lasts `duration`.
    pub fn starting_now_for(duration: IsoDuration) -> Self {
        Self::new(None, Some(Expiration::after_duration(duration)))
    }
}

/// `expirationPattern`: how an assignment ends.
///
/// Graph sends all fields `null` with `type: notSpecified` when a request
/// has no schedule of its own.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Expiration {
    /// Which of the other fields applies.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<ExpirationType>,
    /// The end, with [`ExpirationType::AfterDateTime`].
    #[serde(
        default,
        with = "super::datetime::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub end_date_time: Option<DateTime>,
    /// The length, with [`ExpirationType::AfterDuration`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<IsoDuration>,
}

/// The policy-side name of [`Expiration`] (`expirationPattern`).
pub type ExpirationPattern = Expiration;

impl Expiration {
    /// Never expires.
    pub fn never() -> Self {
        Self {
            kind: Some(ExpirationType::NoExpiration),
            ..Self::default()
        }
    }

    /// Ends at `end`.
    pub fn at(end: DateTime) -> Self {
        Self {
            kind: Some(ExpirationType::AfterDateTime),
            end_date_time: Some(end),
            duration: None,
        }
    }

    /// Ends `duration` after the start.
    pub fn after_duration(duration: IsoDuration) -> Self {
        Self {
            kind: Some(ExpirationType::AfterDuration),
            end_date_time: None,
            duration: Some(duration),
        }
    }
}
