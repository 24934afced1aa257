//! `QueryOptions`: `$filter`, `$expand`, `$select`, `$orderby`, `$top`, `$count`.

use super::encode::encode_query;
use super::{Filter, QueryError};

/// The largest `$top` accepted (Graph's maximum page size for directory
/// resources; entitlement management documents none).
pub const MAX_TOP: u32 = 999;

/// Sort direction of one `$orderby` entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    /// Ascending (`asc`).
    #[default]
    Asc,
    /// Descending (`desc`).
    Desc,
}

/// OData system query options of one list or get request.
///
/// Plain data: the fields are public so the request layer and tests can
/// inspect them; the setters below consume and return `self`. Call
/// [`QueryOptions::validate`] before sending (the client does).
///
/// ```
/// use entra_access::models::{AccessPackageId, AssignmentState};
/// use entra_access::odata::{Filter, Path, QueryOptions};
///
/// let q = QueryOptions::new()
///     .filter(Filter::eq(Path::ACCESS_PACKAGE_ID, AccessPackageId::new("x"))
///         .and(Filter::eq(Path::STATE, AssignmentState::Delivered)))
///     .expand("target")
///     .top(100);
/// q.validate().unwrap();
/// assert_eq!(
///     q.to_query_string(),
///     "$filter=accessPackage/id%20eq%20'x'%20and%20state%20eq%20'delivered'&$expand=target&$top=100"
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
#[must_use]
pub struct QueryOptions {
    /// `$filter`; left out when `None` or [`Filter::match_all`].
    pub filter: Option<Filter>,
    /// `$expand` entries, joined with `,`.
    pub expand: Vec<String>,
    /// `$select` entries, joined with `,`.
    pub select: Vec<String>,
    /// `$orderby` entries (`property asc|desc`), joined with `,`.
    pub orderby: Vec<String>,
    /// `$top`: the page size asked for (1 to [`MAX_TOP`]).
    pub top: Option<u32>,
    /// `$count=true` when set.
    pub count: bool,
}

impl QueryOptions {
    /// No options.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `$filter`, replacing any filter set before.
    ///
    /// ```
    /// use entra_access::odata::{Filter, Path, QueryOptions};
    /// let q = QueryOptions::new().filter(Filter::eq(Path::ID, "a")).filter(Filter::eq(Path::ID, "b"));
    /// assert_eq!(q.to_pairs(), vec![("$filter".to_string(), "id eq 'b'".to_string())]);
    /// ```
    pub fn filter(mut self, filter: impl Into<Filter>) -> Self {
        self.filter = Some(filter.into());
        self
    }

    /// Adds `filter` to the current one with `and` (or sets it).
    ///
    /// ```
    /// use entra_access::odata::{Filter, Path, QueryOptions};
    /// let q = QueryOptions::new().and_filter(Filter::eq(Path::ID, "a")).and_filter(Filter::eq(Path::STATE, "b"));
    /// assert_eq!(q.to_pairs()[0].1, "id eq 'a' and state eq 'b'");
    /// ```
    pub fn and_filter(mut self, filter: impl Into<Filter>) -> Self {
        self.filter = Some(match self.filter.take() {
            Some(f) => f.and(filter),
            None => filter.into(),
        });
        self
    }

    /// Adds one `$expand` entry, such as `target` or `assignmentPolicies`.
    pub fn expand(mut self, navigation: impl Into<String>) -> Self {
        self.expand.push(navigation.into());
        self
    }

    /// Adds one `$select` entry, such as `id` or `displayName`.
    pub fn select(mut self, property: impl Into<String>) -> Self {
        self.select.push(property.into());
        self
    }

    /// Adds one `$orderby` entry: `property asc` or `property desc`.
    ///
    /// ```
    /// use entra_access::odata::{Order, QueryOptions};
    /// let q = QueryOptions::new().order_by("createdDateTime", Order::Desc);
    /// assert_eq!(q.to_query_string(), "$orderby=createdDateTime%20desc");
    /// ```
    pub fn order_by(mut self, property: impl Into<String>, order: Order) -> Self {
        let dir = match order {
            Order::Asc => "asc",
            Order::Desc => "desc",
        };
        self.orderby.push(format!("{} {dir}", property.into()));
        self
    }

    /// Sets `$top`. Stored as given; [`QueryOptions::validate`] refuses 0
    /// and values above [`MAX_TOP`].
    pub fn top(mut self, n: u32) -> Self {
        self.top = Some(n);
        self
    }

    /// Sets `$count=true` (or leaves it out when `false`).
    pub fn count(mut self, count: bool) -> Self {
        self.count = count;
        self
    }

    /// Checks the options before anything is sent: `top` must be 1 to
    /// [`MAX_TOP`], and no `select`, `expand` or `orderby` entry may be blank.
    ///
    /// ```
    /// use entra_access::odata::{QueryError, QueryOptions};
    /// assert!(QueryOptions::new().top(999).validate().is_ok());
    /// let err = QueryOptions::new().top(1000).validate().unwrap_err();
    /// assert_eq!(err, QueryError::TopOutOfRange { top: 1000, max: 999 });
    /// assert!(err.to_string().contains("`top`"));
    /// ```
    pub fn validate(&self) -> Result<(), QueryError> {
        if let Some(top) = self.top
            && (top == 0 || top > MAX_TOP)
        {
            return Err(QueryError::TopOutOfRange { top, max: MAX_TOP });
        }
        for (option, entries) in [
            ("select", &self.select),
            ("expand", &self.expand),
            ("orderby", &self.orderby),
        ] {
            if entries.iter().any(|e| e.trim().is_empty()) {
                return Err(QueryError::EmptyEntry { option });
            }
        }
        Ok(())
    }

    /// The options as `(name, value)` pairs, not encoded, in a stable order:
    /// `$filter`, `$expand`, `$select`, `$orderby`, `$top`, `$count`. Options
    /// not set are left out.
    pub fn to_pairs(&self) -> Vec<(String, String)> {
        let mut pairs = Vec::new();
        if let Some(f) = self.filter.as_ref().filter(|f| !f.is_match_all()) {
            pairs.push(("$filter".to_owned(), f.to_odata()));
        }
        for (name, entries) in [
            ("$expand", &self.expand),
            ("$select", &self.select),
            ("$orderby", &self.orderby),
        ] {
            if !entries.is_empty() {
                pairs.push((name.to_owned(), entries.join(",")));
            }
        }
        if let Some(top) = self.top {
            pairs.push(("$top".to_owned(), top.to_string()));
        }
        if self.count {
            pairs.push(("$count".to_owned(), "true".to_owned()));
        }
        pairs
    }

    /// [`QueryOptions::to_pairs`] percent-encoded with
    /// [`encode_query`](crate::odata::encode_query), without a leading `?`.
    /// Empty when no option is set.
    pub fn to_query_string(&self) -> String {
        encode_query(&self.to_pairs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::odata::Path;

    #[test]
    fn pairs_come_in_a_stable_order() {
        let q = QueryOptions::new()
            .count(true)
            .top(5)
            .order_by("displayName", Order::Asc)
            .select("id")
            .select("displayName")
            .expand("target")
            .expand("accessPackage")
            .filter(Filter::eq(Path::ID, "x"));
        let names: Vec<_> = q.to_pairs().into_iter().map(|(k, _)| k).collect();
        assert_eq!(
            names,
            ["$filter", "$expand", "$select", "$orderby", "$top", "$count"]
        );
        assert_eq!(
            q.to_query_string(),
            "$filter=id%20eq%20'x'&$expand=target,accessPackage&$select=id,displayName\
             &$orderby=displayName%20asc&$top=5&$count=true"
        );
    }

    #[test]
    fn match_all_filter_and_empty_options_are_left_out() {
        assert!(QueryOptions::new().to_pairs().is_empty());
        assert_eq!(QueryOptions::new().to_query_string(), "");
        let q = QueryOptions::new().filter(Filter::match_all());
        assert!(q.to_pairs().is_empty());
    }

    #[test]
    fn top_bounds() {
        for bad in [0, 1000, u32::MAX] {
            let err = QueryOptions::new().top(bad).validate().unwrap_err();
            assert_eq!(
                err,
                QueryError::TopOutOfRange {
                    top: bad,
                    max: MAX_TOP
                }
            );
            assert!(err.to_string().contains("`top`"), "{err}");
        }
        for ok in [1, 100, MAX_TOP] {
            assert!(QueryOptions::new().top(ok).validate().is_ok());
        }
    }

    #[test]
    fn blank_entries_are_refused_naming_the_option() {
        let err = QueryOptions::new().select(" ").validate().unwrap_err();
        assert_eq!(err, QueryError::EmptyEntry { option: "select" });
        assert!(err.to_string().contains("`select`"));
        let err = QueryOptions::new().expand("").validate().unwrap_err();
        assert_eq!(err, QueryError::EmptyEntry { option: "expand" });
    }
}
