//! The `Filter` expression tree and its rendering.

use std::fmt;

use super::literal::write_quoted;
use super::{FilterError, Literal, Path};

/// A `$filter` expression.
///
/// Built only through the constructors below (the tree inside is private),
/// so every `Filter` renders to well-formed OData: values are always escaped
/// literals, property paths are always checked [`Path`]s, and `or` inside
/// `and` is parenthesized. The one exception is [`Filter::raw`], which is
/// inserted unchecked.
///
/// Render it with [`Display`](fmt::Display) or [`Filter::to_odata`]; the
/// text is not percent-encoded (see [`crate::odata::encode_component`]).
///
/// ```
/// use entra_access::models::AssignmentState;
/// use entra_access::odata::{Filter, Path};
///
/// let f = Filter::eq(Path::ACCESS_PACKAGE_ID, "a914")
///     .and(Filter::eq(Path::STATE, AssignmentState::Delivered)
///         .or(Filter::eq(Path::STATE, AssignmentState::Delivering)));
/// assert_eq!(
///     f.to_string(),
///     "accessPackage/id eq 'a914' and (state eq 'delivered' or state eq 'delivering')"
/// );
/// ```
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct Filter(Node);

#[derive(Debug, Clone, PartialEq)]
enum Node {
    /// The empty conjunction: matches everything.
    MatchAll,
    Compare {
        path: Path,
        op: CompareOp,
        value: Literal,
    },
    In {
        path: Path,
        values: Vec<Literal>,
    },
    Text {
        func: TextFn,
        path: Path,
        value: String,
        lowercase_path: bool,
    },
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
    Raw(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CompareOp {
    fn as_str(self) -> &'static str {
        match self {
            CompareOp::Eq => "eq",
            CompareOp::Ne => "ne",
            CompareOp::Lt => "lt",
            CompareOp::Le => "le",
            CompareOp::Gt => "gt",
            CompareOp::Ge => "ge",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TextFn {
    Contains,
    StartsWith,
    EndsWith,
}

impl TextFn {
    fn as_str(self) -> &'static str {
        match self {
            TextFn::Contains => "contains",
            TextFn::StartsWith => "startswith",
            TextFn::EndsWith => "endswith",
        }
    }
}

/// Where a node is written, which decides whether it needs parentheses.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Position {
    /// The whole expression, or inside `not(...)`.
    Top,
    /// An operand of `and`.
    InAnd,
    /// An operand of `or`.
    InOr,
}

impl Filter {
    fn compare(path: Path, op: CompareOp, value: impl Into<Literal>) -> Filter {
        Filter(Node::Compare {
            path,
            op,
            value: value.into(),
        })
    }

    /// `path eq value`.
    ///
    /// ```
    /// use entra_access::odata::{Filter, Path};
    /// assert_eq!(Filter::eq(Path::DISPLAY_NAME, "O'Brien").to_string(), "displayName eq 'O''Brien'");
    /// ```
    pub fn eq(path: Path, value: impl Into<Literal>) -> Filter {
        Filter::compare(path, CompareOp::Eq, value)
    }

    /// `path ne value`.
    ///
    /// ```
    /// use entra_access::odata::{Filter, Literal, Path};
    /// assert_eq!(Filter::ne(Path::DISPLAY_NAME, Literal::Null).to_string(), "displayName ne null");
    /// ```
    pub fn ne(path: Path, value: impl Into<Literal>) -> Filter {
        Filter::compare(path, CompareOp::Ne, value)
    }

    /// `path lt value`.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use entra_access::odata::{Filter, Path};
    /// let t = Utc.with_ymd_and_hms(2024, 1, 2, 12, 0, 0).unwrap();
    /// assert_eq!(Filter::lt(Path::CREATED_DATE_TIME, t).to_string(), "createdDateTime lt 2024-01-02T12:00:00Z");
    /// ```
    pub fn lt(path: Path, value: impl Into<Literal>) -> Filter {
        Filter::compare(path, CompareOp::Lt, value)
    }

    /// `path le value`.
    ///
    /// ```
    /// use entra_access::odata::{Filter, Path};
    /// let p = Path::parse("priority").unwrap();
    /// assert_eq!(Filter::le(p, 5).to_string(), "priority le 5");
    /// ```
    pub fn le(path: Path, value: impl Into<Literal>) -> Filter {
        Filter::compare(path, CompareOp::Le, value)
    }

    /// `path gt value`.
    ///
    /// ```
    /// use entra_access::odata::{Filter, Path};
    /// let p = Path::parse("score").unwrap();
    /// assert_eq!(Filter::gt(p, 1.5).to_string(), "score gt 1.5");
    /// ```
    pub fn gt(path: Path, value: impl Into<Literal>) -> Filter {
        Filter::compare(path, CompareOp::Gt, value)
    }

    /// `path ge value`.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use entra_access::odata::{Filter, Path};
    /// let t = Utc.with_ymd_and_hms(2024, 1, 2, 12, 0, 0).unwrap();
    /// assert_eq!(Filter::ge(Path::CREATED_DATE_TIME, t).to_string(), "createdDateTime ge 2024-01-02T12:00:00Z");
    /// ```
    pub fn ge(path: Path, value: impl Into<Literal>) -> Filter {
        Filter::compare(path, CompareOp::Ge, value)
    }

    /// `path in (v1,v2,…)`. An empty list is refused
    /// ([`FilterError::EmptyList`] naming `values`), since `in ()` matches
    /// nothing and Graph rejects it.
    ///
    /// Graph documents `in` in general; for entitlement-management
    /// properties only `eq` is documented, so the typed filters use `or`.
    ///
    /// ```
    /// use entra_access::odata::{Filter, Path};
    /// let f = Filter::in_(Path::ID, ["a", "b'c"]).unwrap();
    /// assert_eq!(f.to_string(), "id in ('a','b''c')");
    /// assert!(Filter::in_(Path::ID, Vec::<String>::new()).is_err());
    /// ```
    pub fn in_<V: Into<Literal>>(
        path: Path,
        values: impl IntoIterator<Item = V>,
    ) -> Result<Filter, FilterError> {
        let values: Vec<Literal> = values.into_iter().map(Into::into).collect();
        if values.is_empty() {
            return Err(FilterError::EmptyList { argument: "values" });
        }
        Ok(Filter(Node::In { path, values }))
    }

    fn text(func: TextFn, path: Path, value: String, lowercase_path: bool) -> Filter {
        Filter(Node::Text {
            func,
            path,
            value,
            lowercase_path,
        })
    }

    /// `contains(path,'value')` (case as the service compares it).
    ///
    /// ```
    /// use entra_access::odata::{Filter, Path};
    /// assert_eq!(Filter::contains(Path::DISPLAY_NAME, "Team").to_string(), "contains(displayName,'Team')");
    /// ```
    pub fn contains(path: Path, value: impl Into<String>) -> Filter {
        Filter::text(TextFn::Contains, path, value.into(), false)
    }

    /// `contains(tolower(path),'value')` with `value` lower-cased here: a
    /// case-insensitive substring match, as Graph's own examples write it.
    ///
    /// ```
    /// use entra_access::odata::{Filter, Path};
    /// assert_eq!(
    ///     Filter::contains_ci(Path::DISPLAY_NAME, "Team").to_string(),
    ///     "contains(tolower(displayName),'team')"
    /// );
    /// ```
    pub fn contains_ci(path: Path, value: impl AsRef<str>) -> Filter {
        Filter::text(TextFn::Contains, path, value.as_ref().to_lowercase(), true)
    }

    /// `startswith(path,'value')`.
    ///
    /// ```
    /// use entra_access::odata::{Filter, Path};
    /// assert_eq!(Filter::starts_with(Path::DISPLAY_NAME, "HR ").to_string(), "startswith(displayName,'HR ')");
    /// ```
    pub fn starts_with(path: Path, value: impl Into<String>) -> Filter {
        Filter::text(TextFn::StartsWith, path, value.into(), false)
    }

    /// `endswith(path,'value')`.
    ///
    /// ```
    /// use entra_access::odata::{Filter, Path};
    /// assert_eq!(Filter::ends_with(Path::DISPLAY_NAME, "(EU)").to_string(), "endswith(displayName,'(EU)')");
    /// ```
    pub fn ends_with(path: Path, value: impl Into<String>) -> Filter {
        Filter::text(TextFn::EndsWith, path, value.into(), false)
    }

    /// `self and other`. Nested `and`s are flattened; an `or` operand is
    /// parenthesized. [`Filter::match_all`] on either side drops out.
    ///
    /// ```
    /// use entra_access::odata::{Filter, Path};
    /// let f = Filter::eq(Path::STATE, "delivered").and(Filter::eq(Path::ACCESS_PACKAGE_ID, "x"));
    /// assert_eq!(f.to_string(), "state eq 'delivered' and accessPackage/id eq 'x'");
    /// ```
    pub fn and(self, other: impl Into<Filter>) -> Filter {
        let other = other.into();
        match (self.0, other.0) {
            (Node::MatchAll, n) | (n, Node::MatchAll) => Filter(n),
            (a, b) => {
                let mut items = Vec::new();
                for n in [a, b] {
                    match n {
                        Node::And(inner) => items.extend(inner),
                        n => items.push(n),
                    }
                }
                Filter(Node::And(items))
            }
        }
    }

    /// `self or other`. Nested `or`s are flattened. An `or` that becomes an
    /// operand of `and` is parenthesized when rendered.
    ///
    /// ```
    /// use entra_access::odata::{Filter, Path};
    /// let f = Filter::eq(Path::STATE, "a").or(Filter::eq(Path::STATE, "b"));
    /// assert_eq!(f.to_string(), "state eq 'a' or state eq 'b'");
    /// let g = Filter::eq(Path::ID, "x").and(f);
    /// assert_eq!(g.to_string(), "id eq 'x' and (state eq 'a' or state eq 'b')");
    /// ```
    pub fn or(self, other: impl Into<Filter>) -> Filter {
        let other = other.into();
        match (self.0, other.0) {
            (Node::MatchAll, _) | (_, Node::MatchAll) => Filter(Node::MatchAll),
            (a, b) => {
                let mut items = Vec::new();
                for n in [a, b] {
                    match n {
                        Node::Or(inner) => items.extend(inner),
                        n => items.push(n),
                    }
                }
                Filter(Node::Or(items))
            }
        }
    }

    /// `not(inner)`. Graph negates functions and lambdas this way (not with
    /// `ne`).
    ///
    /// ```
    /// use entra_access::odata::{Filter, Path};
    /// let f = Filter::not(Filter::starts_with(Path::DISPLAY_NAME, "Test"));
    /// assert_eq!(f.to_string(), "not(startswith(displayName,'Test'))");
    /// ```
    #[allow(clippy::should_implement_trait)]
    pub fn not(inner: impl Into<Filter>) -> Filter {
        Filter(Node::Not(Box::new(inner.into().0)))
    }

    /// All of `filters` joined with `and`. An empty list gives
    /// [`Filter::match_all`].
    ///
    /// ```
    /// use entra_access::odata::{Filter, Path};
    /// let f = Filter::all_of([
    ///     Filter::eq(Path::STATE, "delivered"),
    ///     Filter::eq(Path::TARGET_OBJECT_ID, "u1"),
    /// ]);
    /// assert_eq!(f.to_string(), "state eq 'delivered' and target/objectId eq 'u1'");
    /// assert!(Filter::all_of(Vec::<Filter>::new()).is_match_all());
    /// ```
    pub fn all_of<F: Into<Filter>>(filters: impl IntoIterator<Item = F>) -> Filter {
        filters
            .into_iter()
            .fold(Filter::match_all(), |acc, f| acc.and(f))
    }

    /// Any of `filters` joined with `or`. An empty list is refused
    /// ([`FilterError::EmptyList`] naming `filters`): it would match nothing.
    ///
    /// ```
    /// use entra_access::odata::{Filter, Path};
    /// let f = Filter::any_of(["a", "b"].map(|s| Filter::eq(Path::STATE, s))).unwrap();
    /// assert_eq!(f.to_string(), "state eq 'a' or state eq 'b'");
    /// assert!(Filter::any_of(Vec::<Filter>::new()).is_err());
    /// ```
    pub fn any_of<F: Into<Filter>>(
        filters: impl IntoIterator<Item = F>,
    ) -> Result<Filter, FilterError> {
        let mut iter = filters.into_iter();
        let first = iter.next().ok_or(FilterError::EmptyList {
            argument: "filters",
        })?;
        Ok(iter.fold(first.into(), |acc, f| acc.or(f)))
    }

    /// Inserts `expression` as written. **Unchecked**: nothing is escaped or
    /// validated, so never build it from untrusted input; quote values
    /// yourself (double every `'`). Use it for what the builder lacks, such
    /// as lambdas. When combined with other filters it is parenthesized.
    ///
    /// ```
    /// use entra_access::odata::{Filter, Path};
    /// let f = Filter::raw("assignments/any(a:a/state eq 'delivered')")
    ///     .and(Filter::eq(Path::ID, "x"));
    /// assert_eq!(f.to_string(), "(assignments/any(a:a/state eq 'delivered')) and id eq 'x'");
    /// ```
    pub fn raw(expression: impl Into<String>) -> Filter {
        Filter(Node::Raw(expression.into()))
    }

    /// The filter that matches everything: the identity of [`Filter::and`].
    /// Rendered alone it is `true`;
    /// [`QueryOptions`](crate::odata::QueryOptions) leaves `$filter` out
    /// instead of sending it.
    ///
    /// ```
    /// use entra_access::odata::{Filter, Path};
    /// assert_eq!(Filter::match_all().to_string(), "true");
    /// let f = Filter::match_all().and(Filter::eq(Path::ID, "x"));
    /// assert_eq!(f.to_string(), "id eq 'x'");
    /// ```
    pub fn match_all() -> Filter {
        Filter(Node::MatchAll)
    }

    /// Whether this is [`Filter::match_all`].
    pub fn is_match_all(&self) -> bool {
        matches!(self.0, Node::MatchAll)
    }

    /// The rendered expression, not percent-encoded. Same as `to_string()`.
    ///
    /// ```
    /// use entra_access::odata::{Filter, Path};
    /// assert_eq!(Filter::eq(Path::ID, "x").to_odata(), "id eq 'x'");
    /// ```
    pub fn to_odata(&self) -> String {
        self.to_string()
    }
}

fn write_node(f: &mut fmt::Formatter<'_>, node: &Node, pos: Position) -> fmt::Result {
    match node {
        Node::MatchAll => f.write_str("true"),
        Node::Compare { path, op, value } => write!(f, "{path} {} {value}", op.as_str()),
        Node::In { path, values } => {
            write!(f, "{path} in (")?;
            for (i, v) in values.iter().enumerate() {
                if i > 0 {
                    f.write_str(",")?;
                }
                write!(f, "{v}")?;
            }
            f.write_str(")")
        }
        Node::Text {
            func,
            path,
            value,
            lowercase_path,
        } => {
            write!(f, "{}(", func.as_str())?;
            if *lowercase_path {
                write!(f, "tolower({path})")?;
            } else {
                write!(f, "{path}")?;
            }
            f.write_str(",")?;
            write_quoted(f, value)?;
            f.write_str(")")
        }
        Node::And(items) => write_joined(f, items, " and ", Position::InAnd),
        Node::Or(items) if pos == Position::InAnd => {
            f.write_str("(")?;
            write_joined(f, items, " or ", Position::InOr)?;
            f.write_str(")")
        }
        Node::Or(items) => write_joined(f, items, " or ", Position::InOr),
        Node::Not(inner) => {
            f.write_str("not(")?;
            write_node(f, inner, Position::Top)?;
            f.write_str(")")
        }
        Node::Raw(text) if pos == Position::Top => f.write_str(text),
        Node::Raw(text) => write!(f, "({text})"),
    }
}

fn write_joined(
    f: &mut fmt::Formatter<'_>,
    items: &[Node],
    sep: &str,
    pos: Position,
) -> fmt::Result {
    for (i, n) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        write_node(f, n, pos)?;
    }
    Ok(())
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_node(f, &self.0, Position::Top)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eq(v: &str) -> Filter {
        Filter::eq(Path::STATE, v)
    }

    #[test]
    fn or_inside_and_is_parenthesized_and_and_inside_or_is_not() {
        let f = eq("a").or(eq("b")).and(eq("c"));
        assert_eq!(
            f.to_string(),
            "(state eq 'a' or state eq 'b') and state eq 'c'"
        );
        let g = eq("a").and(eq("b")).or(eq("c"));
        assert_eq!(
            g.to_string(),
            "state eq 'a' and state eq 'b' or state eq 'c'"
        );
        let h = eq("a").or(eq("b").and(eq("c").or(eq("d"))));
        assert_eq!(
            h.to_string(),
            "state eq 'a' or state eq 'b' and (state eq 'c' or state eq 'd')"
        );
    }

    #[test]
    fn nested_same_operators_flatten() {
        let f = eq("a").and(eq("b")).and(eq("c").and(eq("d")));
        assert_eq!(
            f.to_string(),
            "state eq 'a' and state eq 'b' and state eq 'c' and state eq 'd'"
        );
        let g = eq("a").or(eq("b").or(eq("c")));
        assert_eq!(
            g.to_string(),
            "state eq 'a' or state eq 'b' or state eq 'c'"
        );
    }

    #[test]
    fn not_wraps_any_expression() {
        let f = Filter::not(eq("a").or(eq("b"))).and(eq("c"));
        assert_eq!(
            f.to_string(),
            "not(state eq 'a' or state eq 'b') and state eq 'c'"
        );
        assert_eq!(Filter::not(Filter::raw("x")).to_string(), "not(x)");
    }

    #[test]
    fn match_all_is_identity_of_and_and_absorbs_or() {
        assert_eq!(eq("a").and(Filter::match_all()), eq("a"));
        assert!(eq("a").or(Filter::match_all()).is_match_all());
        assert_eq!(Filter::all_of([eq("a")]).to_string(), "state eq 'a'");
    }

    #[test]
    fn raw_is_parenthesized_only_when_combined() {
        assert_eq!(Filter::raw("a or b").to_string(), "a or b");
        assert_eq!(
            eq("x").or(Filter::raw("a and b")).to_string(),
            "state eq 'x' or (a and b)"
        );
    }

    #[test]
    fn injection_shaped_values_stay_one_literal() {
        let f = Filter::eq(Path::DISPLAY_NAME, "' or 1 eq 1 or '");
        assert_eq!(f.to_string(), "displayName eq ''' or 1 eq 1 or '''");
        let g = Filter::contains_ci(Path::DISPLAY_NAME, "O'BRIEN");
        assert_eq!(g.to_string(), "contains(tolower(displayName),'o''brien')");
    }
}
