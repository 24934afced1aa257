//! `AssignmentFilter`: the filterable properties of `accessPackageAssignment`.

use crate::models::{AccessPackageId, AssignmentPolicyId, AssignmentState, ObjectId};

use super::{Filter, Path};

/// A filter for listing assignments, offering only what Graph documents as
/// filterable: `accessPackage/id`, `assignmentPolicy/id`, `state` and
/// `target/objectId`. Conditions are joined with `and` in the order added.
///
/// Callers holding only catalog-scoped roles must filter on one access
/// package ([`AssignmentFilter::access_package`]).
///
/// ```
/// use entra_access::models::{AccessPackageId, AssignmentState, ObjectId};
/// use entra_access::odata::{AssignmentFilter, Filter};
///
/// let f: Filter = AssignmentFilter::new()
///     .access_package(&AccessPackageId::new("a914"))
///     .states([AssignmentState::Delivered, AssignmentState::Delivering])
///     .target_object_id(&ObjectId::new("8b2d"))
///     .into();
/// assert_eq!(
///     f.to_string(),
///     "accessPackage/id eq 'a914' and (state eq 'delivered' or state eq 'delivering') \
///      and target/objectId eq '8b2d'"
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[must_use]
pub struct AssignmentFilter {
    filter: Option<Filter>,
}

impl AssignmentFilter {
    /// An empty filter (matches every assignment).
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
    /// use entra_access::odata::AssignmentFilter;
    /// let f = AssignmentFilter::new().access_package(&AccessPackageId::new("a914"));
    /// assert_eq!(f.to_string(), "accessPackage/id eq 'a914'");
    /// ```
    pub fn access_package(self, id: impl Into<AccessPackageId>) -> Self {
        self.push(Filter::eq(Path::ACCESS_PACKAGE_ID, id.into()))
    }

    /// `assignmentPolicy/id eq '<id>'`.
    ///
    /// ```
    /// use entra_access::models::AssignmentPolicyId;
    /// use entra_access::odata::AssignmentFilter;
    /// let f = AssignmentFilter::new().assignment_policy(&AssignmentPolicyId::new("p1"));
    /// assert_eq!(f.to_string(), "assignmentPolicy/id eq 'p1'");
    /// ```
    pub fn assignment_policy(self, id: impl Into<AssignmentPolicyId>) -> Self {
        self.push(Filter::eq(Path::ASSIGNMENT_POLICY_ID, id.into()))
    }

    /// `state eq '<state>'` (camelCase member name).
    ///
    /// ```
    /// use entra_access::models::AssignmentState;
    /// use entra_access::odata::AssignmentFilter;
    /// let f = AssignmentFilter::new().state(AssignmentState::Delivered);
    /// assert_eq!(f.to_string(), "state eq 'delivered'");
    /// ```
    pub fn state(self, state: AssignmentState) -> Self {
        self.push(Filter::eq(Path::STATE, state))
    }

    /// Any of `states`: `(state eq 'a' or state eq 'b')` when combined with
    /// other conditions. One state is a plain `eq`; an empty list adds no
    /// condition (every state), which suits an optional command-line flag.
    ///
    /// ```
    /// use entra_access::models::AssignmentState;
    /// use entra_access::odata::AssignmentFilter;
    /// let f = AssignmentFilter::new().states([AssignmentState::Delivered, AssignmentState::Expired]);
    /// assert_eq!(f.to_string(), "state eq 'delivered' or state eq 'expired'");
    /// assert!(AssignmentFilter::new().states([]).is_empty());
    /// ```
    pub fn states(self, states: impl IntoIterator<Item = AssignmentState>) -> Self {
        match Filter::any_of(states.into_iter().map(|s| Filter::eq(Path::STATE, s))) {
            Ok(any) => self.push(any),
            Err(_) => self,
        }
    }

    /// `target/objectId eq '<id>'`: assignments of one user or service
    /// principal (its directory object id).
    ///
    /// ```
    /// use entra_access::models::ObjectId;
    /// use entra_access::odata::AssignmentFilter;
    /// let f = AssignmentFilter::new().target_object_id(&ObjectId::new("8b2d"));
    /// assert_eq!(f.to_string(), "target/objectId eq '8b2d'");
    /// ```
    pub fn target_object_id(self, id: impl Into<ObjectId>) -> Self {
        self.push(Filter::eq(Path::TARGET_OBJECT_ID, id.into()))
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

impl From<AssignmentFilter> for Filter {
    /// The combined filter; [`Filter::match_all`] when empty.
    fn from(f: AssignmentFilter) -> Filter {
        f.filter.unwrap_or_else(Filter::match_all)
    }
}

impl std::fmt::Display for AssignmentFilter {
    /// The rendered `$filter` text; empty when no condition was added.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.filter {
            Some(filter) => filter.fmt(f),
            None => Ok(()),
        }
    }
}
