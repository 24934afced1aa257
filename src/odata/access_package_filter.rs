//! `AccessPackageFilter`: the filterable properties of `accessPackage`.

use super::{Filter, Path};

/// A filter for listing access packages, offering what Graph documents:
/// `displayName` with `eq` and `contains` (the latter case-insensitive via
/// `tolower`, as in Graph's own example). Conditions are joined with `and`.
///
/// ```
/// use entra_access::odata::{AccessPackageFilter, Filter};
///
/// let f: Filter = AccessPackageFilter::new().display_name_eq("Marketing Campaign").into();
/// assert_eq!(f.to_string(), "displayName eq 'Marketing Campaign'");
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[must_use]
pub struct AccessPackageFilter {
    filter: Option<Filter>,
}

impl AccessPackageFilter {
    /// An empty filter (matches every access package).
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

    /// `displayName eq '<name>'`.
    ///
    /// ```
    /// use entra_access::odata::AccessPackageFilter;
    /// let f = AccessPackageFilter::new().display_name_eq("Sales' EU");
    /// assert_eq!(f.to_string(), "displayName eq 'Sales'' EU'");
    /// ```
    pub fn display_name_eq(self, name: impl Into<String>) -> Self {
        self.push(Filter::eq(Path::DISPLAY_NAME, name.into()))
    }

    /// `contains(tolower(displayName),'<text lower-cased>')`: a
    /// case-insensitive substring match.
    ///
    /// ```
    /// use entra_access::odata::AccessPackageFilter;
    /// let f = AccessPackageFilter::new().display_name_contains("Team");
    /// assert_eq!(f.to_string(), "contains(tolower(displayName),'team')");
    /// ```
    pub fn display_name_contains(self, text: impl AsRef<str>) -> Self {
        self.push(Filter::contains_ci(Path::DISPLAY_NAME, text))
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

impl From<AccessPackageFilter> for Filter {
    /// The combined filter; [`Filter::match_all`] when empty.
    fn from(f: AccessPackageFilter) -> Filter {
        f.filter.unwrap_or_else(Filter::match_all)
    }
}

impl std::fmt::Display for AccessPackageFilter {
    /// The rendered `$filter` text; empty when no condition was added.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.filter {
            Some(filter) => filter.fmt(f),
            None => Ok(()),
        }
    }
}
