//! `RequestFilter`: the filterable properties of `accessPackageAssignmentRequest`.

use chrono::{DateTime, Utc};

use crate::models::{AccessPackageId, RequestState};

use super::{Filter, Path};

/// A filter for listing assignment requests, offering only what Graph
/// documents as filterable: `accessPackage/id`, `state` and
/// `createdDateTime`. Conditions are joined with `and` in the order added.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use entra_access::models::{AccessPackageId, RequestState};
/// use entra_access::odata::{Filter, RequestFilter};
///
/// let since = Utc.with_ymd_and_hms(2024, 1, 2, 12, 0, 0).unwrap();
/// let f: Filter = RequestFilter::new()
///     .access_package(&AccessPackageId::new("a914"))
///     .state(RequestState::PendingApproval)
///     .created_after(since)
///     .into();
/// assert_eq!(
///     f.to_string(),
///     "accessPackage/id eq 'a914' and state eq 'pendingApproval' \
///      and createdDateTime ge 2024-01-02T12:00:00Z"
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[must_use]
pub struct RequestFilter {
    filter: Option<Filter>,
}

impl RequestFilter {
    /// An empty filter (matches every request).
    pub fn new() -> Self {
        Self::default()
    }

    fn push(mut self, condition: Filter) -> Self {
        self.filter = Some(match self.filter.take() {
            Some(f) => f.and(condition),
            None => condition,
        });
        self
    }

    /// `accessPackage/id eq '<id>'`.
    ///
    /// ```
    /// use entra_access::models::AccessPackageId;
    /// use entra_access::odata::RequestFilter;
    /// let f = RequestFilter::new().access_package(&AccessPackageId::new("a914"));
    /// assert_eq!(f.to_string(), "accessPackage/id eq 'a914'");
    /// ```
    pub fn access_package(self, id: impl Into<AccessPackageId>) -> Self {
        self.push(Filter::eq(Path::ACCESS_PACKAGE_ID, id.into()))
    }

    /// `state eq '<state>'` (camelCase member name).
    ///
    /// ```
    /// use entra_access::models::RequestState;
    /// use entra_access::odata::RequestFilter;
    /// let f = RequestFilter::new().state(RequestState::Delivered);
    /// assert_eq!(f.to_string(), "state eq 'delivered'");
    /// ```
    pub fn state(self, state: RequestState) -> Self {
        self.push(Filter::eq(Path::STATE, state))
    }

    /// Any of `states`, joined with `or` (parenthesized when combined). An
    /// empty list adds no condition.
    ///
    /// ```
    /// use entra_access::models::RequestState;
    /// use entra_access::odata::RequestFilter;
    /// let f = RequestFilter::new()
    ///     .states([RequestState::Submitted, RequestState::PendingApproval])
    ///     .state(RequestState::Delivered);
    /// assert_eq!(
    ///     f.to_string(),
    ///     "(state eq 'submitted' or state eq 'pendingApproval') and state eq 'delivered'"
    /// );
    /// ```
    pub fn states(self, states: impl IntoIterator<Item = RequestState>) -> Self {
        match Filter::any_of(states.into_iter().map(|s| Filter::eq(Path::STATE, s))) {
            Ok(any) => self.push(any),
            Err(_) => self,
        }
    }

    /// `createdDateTime ge <time>`: created at or after `time`.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use entra_access::odata::RequestFilter;
    /// let t = Utc.with_ymd_and_hms(2024, 1, 2, 12, 0, 0).unwrap();
    /// let f = RequestFilter::new().created_after(t);
    /// assert_eq!(f.to_string(), "createdDateTime ge 2024-01-02T12:00:00Z");
    /// ```
    pub fn created_after(self, time: DateTime<Utc>) -> Self {
        self.push(Filter::ge(Path::CREATED_DATE_TIME, time))
    }

    /// `createdDateTime lt <time>`: created strictly before `time`.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use entra_access::odata::RequestFilter;
    /// let t = Utc.with_ymd_and_hms(2024, 1, 2, 12, 0, 0).unwrap();
    /// let f = RequestFilter::new().created_before(t);
    /// assert_eq!(f.to_string(), "createdDateTime lt 2024-01-02T12:00:00Z");
    /// ```
    pub fn created_before(self, time: DateTime<Utc>) -> Self {
        self.push(Filter::lt(Path::CREATED_DATE_TIME, time))
    }

    /// Whether no condition was added.
    pub fn is_empty(&self) -> bool {
        self.filter.is_none()
    }

    /// The combined filter, or `None` when no condition was added.
    pub fn into_filter(self) -> Option<Filter> {
        self.filter
    }
}

impl From<RequestFilter> for Filter {
    /// The combined filter; [`Filter::match_all`] when empty.
    fn from(f: RequestFilter) -> Filter {
        f.filter.unwrap_or_else(Filter::match_all)
    }
}

impl std::fmt::Display for RequestFilter {
    /// The rendered `$filter` text; empty when no condition was added.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.filter {
            Some(filter) => filter.fmt(f),
            None => Ok(()),
        }
    }
}
