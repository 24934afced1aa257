//! The `$filter` subset the fake understands.
//!
//! Grammar (keywords and property names are case-insensitive):
//!
//! ```text
//! expr    := and ( "or" and )*
//! and     := unary ( "and" unary )*
//! unary   := "not" unary | "(" expr ")" | call | compare
//! compare := path ( "eq" | "ne" | "gt" | "ge" | "lt" | "le" ) literal
//!          | path "in" "(" literal ( "," literal )* ")"
//! call    := ( "contains" | "startswith" | "endswith" ) "(" arg "," 'text' ")"
//! arg     := path | "tolower(" path ")"
//! literal := 'text with '' doubled' | null | true | false | bare word (GUID, date-time, number)
//! ```
//!
//! Comparisons with `eq`/`ne` ignore case (Graph matches enum literals such as
//! `'Delivered'` and ids that way); `contains`, `startswith` and `endswith` are
//! case-sensitive unless the property is wrapped in `tolower(...)`.

use serde_json::Value;

use super::reply::GraphErr;

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

/// A string function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Func {
    Contains,
    StartsWith,
    EndsWith,
}

/// A literal on the right of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Lit {
    Str(String),
    Null,
    Bool(bool),
    /// An unquoted GUID, number or date-time.
    Bare(String),
}

/// A parsed filter.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Cmp {
        path: String,
        op: Op,
        lit: Lit,
    },
    In {
        path: String,
        lits: Vec<Lit>,
    },
    Call {
        func: Func,
        path: String,
        lower: bool,
        text: String,
    },
}

/// Which operators the docs allow on one filterable property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ops {
    /// `eq` only (the docs' "Supports `$filter` (`eq`)").
    Eq,
    /// `eq` and `contains` (with or without `tolower`).
    EqContains,
    /// `eq`, `ne`, `gt`, `ge`, `lt`, `le` (date-times).
    Compare,
}

impl Ops {
    fn allows_cmp(self, op: Op) -> bool {
        match self {
            Ops::Eq | Ops::EqContains => op == Op::Eq,
            Ops::Compare => true,
        }
    }

    fn allows_call(self, func: Func) -> bool {
        self == Ops::EqContains && func == Func::Contains
    }
}

/// Which properties a resource lets callers filter on, and how.
#[derive(Debug)]
pub(crate) struct FilterSpec {
    /// Graph type name used in error messages.
    pub type_name: &'static str,
    /// Lower-case property paths and their operators.
    pub props: &'static [(&'static str, Ops)],
}

impl FilterSpec {
    fn ops(&self, path: &str) -> Option<Ops> {
        let lower = path.to_ascii_lowercase();
        self.props
            .iter()
            .find(|(p, _)| *p == lower)
            .map(|(_, ops)| *ops)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Str(String),
    Open,
    Close,
    Comma,
}

fn tokenize(s: &str) -> Result<Vec<Tok>, String> {
    let mut out = Vec::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        match c {
            c if c.is_whitespace() => i += 1,
            '(' => {
                out.push(Tok::Open);
                i += 1;
            }
            ')' => {
                out.push(Tok::Close);
                i += 1;
            }
            ',' => {
                out.push(Tok::Comma);
                i += 1;
            }
            '\'' => {
                let mut text = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err("unterminated string literal".into()),
                        Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                            text.push('\'');
                            i += 2;
                        }
                        Some('\'') => {
                            i += 1;
                            break;
                        }
                        Some(&ch) => {
                            text.push(ch);
                            i += 1;
                        }
                    }
                }
                out.push(Tok::Str(text));
            }
            _ => {
                let start = i;
                while let Some(&ch) = chars.get(i) {
                    if ch.is_whitespace() || matches!(ch, '(' | ')' | ',' | '\'') {
                        break;
                    }
                    i += 1;
                }
                out.push(Tok::Word(chars[start..i].iter().collect()));
            }
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn keyword(&self, kw: &str) -> bool {
        matches!(self.peek(), Some(Tok::Word(w)) if w.eq_ignore_ascii_case(kw))
    }

    fn expect(&mut self, want: &Tok, what: &str) -> Result<(), String> {
        match self.next() {
            Some(t) if &t == want => Ok(()),
            other => Err(format!(
                "expected {what}, found {}",
                describe(other.as_ref())
            )),
        }
    }

    fn or_expr(&mut self) -> Result<Expr, String> {
        let mut left = self.and_expr()?;
        while self.keyword("or") {
            self.pos += 1;
            let right = self.and_expr()?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and_expr(&mut self) -> Result<Expr, String> {
        let mut left = self.unary()?;
        while self.keyword("and") {
            self.pos += 1;
            let right = self.unary()?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, String> {
        if self.keyword("not") {
            self.pos += 1;
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        if self.peek() == Some(&Tok::Open) {
            self.pos += 1;
            let e = self.or_expr()?;
            self.expect(&Tok::Close, "')'")?;
            return Ok(e);
        }
        let word = match self.next() {
            Some(Tok::Word(w)) => w,
            other => {
                return Err(format!(
                    "expected a property, found {}",
                    describe(other.as_ref())
                ))
            }
        };
        let func = match word.to_ascii_lowercase().as_str() {
            "contains" => Some(Func::Contains),
            "startswith" => Some(Func::StartsWith),
            "endswith" => Some(Func::EndsWith),
            _ => None,
        };
        if let Some(func) = func
            && self.peek() == Some(&Tok::Open)
        {
            return self.call(func);
        }
        if self.peek() == Some(&Tok::Open) {
            return Err(format!("unsupported function '{word}'"));
        }
        if self.keyword("in") {
            self.pos += 1;
            self.expect(&Tok::Open, "'('")?;
            let mut lits = vec![self.literal()?];
            while self.peek() == Some(&Tok::Comma) {
                self.pos += 1;
                lits.push(self.literal()?);
            }
            self.expect(&Tok::Close, "')'")?;
            return Ok(Expr::In { path: word, lits });
        }
        let op = match self.next() {
            Some(Tok::Word(o)) => match o.to_ascii_lowercase().as_str() {
                "eq" => Op::Eq,
                "ne" => Op::Ne,
                "gt" => Op::Gt,
                "ge" => Op::Ge,
                "lt" => Op::Lt,
                "le" => Op::Le,
                _ => return Err(format!("unsupported operator '{o}'")),
            },
            other => {
                return Err(format!(
                    "expected an operator after '{word}', found {}",
                    describe(other.as_ref())
                ))
            }
        };
        let lit = self.literal()?;
        Ok(Expr::Cmp {
            path: word,
            op,
            lit,
        })
    }

    fn literal(&mut self) -> Result<Lit, String> {
        match self.next() {
            Some(Tok::Str(s)) => Ok(Lit::Str(s)),
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("null") => Ok(Lit::Null),
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("true") => Ok(Lit::Bool(true)),
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("false") => Ok(Lit::Bool(false)),
            Some(Tok::Word(w)) if !is_keyword(&w) => Ok(Lit::Bare(w)),
            other => Err(format!(
                "expected a literal, found {}",
                describe(other.as_ref())
            )),
        }
    }

    fn call(&mut self, func: Func) -> Result<Expr, String> {
        self.expect(&Tok::Open, "'('")?;
        let (path, lower) = match self.next() {
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("tolower") => {
                self.expect(&Tok::Open, "'('")?;
                let p = match self.next() {
                    Some(Tok::Word(p)) => p,
                    other => {
                        return Err(format!(
                            "expected a property, found {}",
                            describe(other.as_ref())
                        ))
                    }
                };
                self.expect(&Tok::Close, "')'")?;
                (p, true)
            }
            Some(Tok::Word(w)) => (w, false),
            other => {
                return Err(format!(
                    "expected a property, found {}",
                    describe(other.as_ref())
                ))
            }
        };
        self.expect(&Tok::Comma, "','")?;
        let text = match self.next() {
            Some(Tok::Str(s)) => s,
            other => {
                return Err(format!(
                    "expected a string literal, found {}",
                    describe(other.as_ref())
                ))
            }
        };
        self.expect(&Tok::Close, "')'")?;
        Ok(Expr::Call {
            func,
            path,
            lower,
            text,
        })
    }
}

fn is_keyword(w: &str) -> bool {
    ["and", "or", "not", "in", "eq", "ne", "gt", "ge", "lt", "le"]
        .iter()
        .any(|k| w.eq_ignore_ascii_case(k))
}

fn describe(t: Option<&Tok>) -> String {
    match t {
        None => "the end of the filter".into(),
        Some(Tok::Word(w)) => format!("'{w}'"),
        Some(Tok::Str(s)) => format!("the string '{s}'"),
        Some(Tok::Open) => "'('".into(),
        Some(Tok::Close) => "')'".into(),
        Some(Tok::Comma) => "','".into(),
    }
}

/// Parses a `$filter` value and checks its properties against `spec`.
pub(crate) fn parse(input: &str, spec: &FilterSpec) -> Result<Expr, GraphErr> {
    let invalid = |why: String| GraphErr::bad_request(format!("Invalid filter clause: {why}."));
    let toks = tokenize(input).map_err(invalid)?;
    let mut p = Parser { toks, pos: 0 };
    let e = p.or_expr().map_err(invalid)?;
    if let Some(t) = p.peek() {
        return Err(invalid(format!("unexpected {}", describe(Some(t)))));
    }
    check(&e, spec)?;
    Ok(e)
}

fn check(e: &Expr, spec: &FilterSpec) -> Result<(), GraphErr> {
    let (path, allowed) = match e {
        Expr::And(a, b) | Expr::Or(a, b) => {
            check(a, spec)?;
            return check(b, spec);
        }
        Expr::Not(a) => return check(a, spec),
        Expr::Cmp { path, op, .. } => (path, spec.ops(path).map(|o| o.allows_cmp(*op))),
        // `in` is not among the documented operators of any EM property.
        Expr::In { path, .. } => (path, spec.ops(path).map(|_| false)),
        Expr::Call { path, func, .. } => (path, spec.ops(path).map(|o| o.allows_call(*func))),
    };
    match allowed {
        Some(true) => Ok(()),
        Some(false) => Err(GraphErr::bad_request(format!(
            "Invalid filter clause: the operator used on '{path}' is not supported for type '{}'; the documented form is {}.",
            spec.type_name,
            documented_form(spec.ops(path)),
        ))),
        None => Err(GraphErr::bad_request(format!(
            "Invalid filter clause: Could not find a property named '{path}' on type '{}'.",
            spec.type_name
        ))),
    }
}

fn documented_form(ops: Option<Ops>) -> &'static str {
    match ops {
        Some(Ops::Eq) | None => "'eq'",
        Some(Ops::EqContains) => "'eq' or 'contains'",
        Some(Ops::Compare) => "'eq', 'ne', 'gt', 'ge', 'lt' or 'le'",
    }
}

impl Expr {
    /// Whether the item matches; `field` returns the value of a lower-case path.
    pub(crate) fn matches(&self, field: &dyn Fn(&str) -> Value) -> bool {
        match self {
            Expr::And(a, b) => a.matches(field) && b.matches(field),
            Expr::Or(a, b) => a.matches(field) || b.matches(field),
            Expr::Not(a) => !a.matches(field),
            Expr::Cmp { path, op, lit } => compare(&field(&path.to_ascii_lowercase()), *op, lit),
            Expr::In { path, lits } => {
                let v = field(&path.to_ascii_lowercase());
                lits.iter().any(|l| compare(&v, Op::Eq, l))
            }
            Expr::Call {
                func,
                path,
                lower,
                text,
            } => {
                let v = field(&path.to_ascii_lowercase());
                let Some(s) = v.as_str() else { return false };
                let s = if *lower {
                    s.to_lowercase()
                } else {
                    s.to_owned()
                };
                match func {
                    Func::Contains => s.contains(text.as_str()),
                    Func::StartsWith => s.starts_with(text.as_str()),
                    Func::EndsWith => s.ends_with(text.as_str()),
                }
            }
        }
    }

    /// The filter with every test of `path` left out (`None`: nothing is
    /// left, every item matches); what a server that drops that part of
    /// the filter would evaluate.
    pub(crate) fn without(self, path: &str) -> Option<Expr> {
        match self {
            Expr::And(a, b) => match (a.without(path), b.without(path)) {
                (Some(a), Some(b)) => Some(Expr::And(Box::new(a), Box::new(b))),
                (one, None) | (None, one) => one,
            },
            Expr::Or(a, b) => match (a.without(path), b.without(path)) {
                (Some(a), Some(b)) => Some(Expr::Or(Box::new(a), Box::new(b))),
                _ => None,
            },
            Expr::Not(a) => a.without(path).map(|a| Expr::Not(Box::new(a))),
            Expr::Cmp { path: p, .. } | Expr::In { path: p, .. } | Expr::Call { path: p, .. }
                if p.eq_ignore_ascii_case(path) =>
            {
                None
            }
            other => Some(other),
        }
    }

    /// The value of an `eq` comparison on `path` that every match must satisfy
    /// (the comparison itself, or one side of a top-level `and`).
    pub(crate) fn required_eq(&self, path: &str) -> Option<String> {
        match self {
            Expr::Cmp {
                path: p,
                op: Op::Eq,
                lit: Lit::Str(v) | Lit::Bare(v),
            } if p.eq_ignore_ascii_case(path) => Some(v.clone()),
            Expr::And(a, b) => a.required_eq(path).or_else(|| b.required_eq(path)),
            _ => None,
        }
    }
}

fn compare(v: &Value, op: Op, lit: &Lit) -> bool {
    let equal = match (v, lit) {
        (Value::Null, Lit::Null) => true,
        (_, Lit::Null) | (Value::Null, _) => false,
        (Value::Bool(b), Lit::Bool(l)) => b == l,
        (Value::String(s), Lit::Str(l) | Lit::Bare(l)) => {
            if matches!(op, Op::Eq | Op::Ne) {
                s.to_lowercase() == l.to_lowercase()
            } else {
                return ordered(s, l, op);
            }
        }
        (Value::Number(n), Lit::Bare(l)) => n.to_string() == *l,
        _ => false,
    };
    match op {
        Op::Eq => equal,
        Op::Ne => !equal,
        _ => false,
    }
}

/// `gt`/`ge`/`lt`/`le` on date-times (when both sides parse) or text.
fn ordered(s: &str, l: &str, op: Op) -> bool {
    let ord = match (
        chrono::DateTime::parse_from_rfc3339(s),
        chrono::DateTime::parse_from_rfc3339(l),
    ) {
        (Ok(a), Ok(b)) => a.cmp(&b),
        _ => s.cmp(l),
    };
    match op {
        Op::Gt => ord.is_gt(),
        Op::Ge => ord.is_ge(),
        Op::Lt => ord.is_lt(),
        Op::Le => ord.is_le(),
        Op::Eq | Op::Ne => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SPEC: FilterSpec = FilterSpec {
        type_name: "microsoft.graph.accessPackageAssignment",
        props: &[
            ("state", Ops::Eq),
            ("accesspackage/id", Ops::Eq),
            ("target/objectid", Ops::Eq),
            ("displayname", Ops::EqContains),
            ("createddatetime", Ops::Compare),
        ],
    };

    fn item(state: &str, pkg: &str, name: &str) -> impl Fn(&str) -> Value {
        let (state, pkg, name) = (state.to_owned(), pkg.to_owned(), name.to_owned());
        move |p: &str| match p {
            "state" => json!(state),
            "accesspackage/id" => json!(pkg),
            "displayname" => json!(name),
            "createddatetime" => json!("2024-05-01T10:00:00Z"),
            _ => Value::Null,
        }
    }

    #[test]
    fn and_with_parenthesized_or() {
        let e = parse(
            "accessPackage/id eq 'p1' and (state eq 'delivered' or state eq 'Delivering')",
            &SPEC,
        )
        .unwrap();
        assert!(e.matches(&item("delivered", "p1", "x")));
        assert!(e.matches(&item("delivering", "p1", "x")));
        assert!(!e.matches(&item("expired", "p1", "x")));
        assert!(!e.matches(&item("delivered", "p2", "x")));
        assert_eq!(e.required_eq("accessPackage/id").as_deref(), Some("p1"));
    }

    #[test]
    fn or_at_top_level_has_no_required_eq() {
        let e = parse("accessPackage/id eq 'p1' or state eq 'expired'", &SPEC).unwrap();
        assert_eq!(e.required_eq("accesspackage/id"), None);
    }

    #[test]
    fn doubled_quotes_and_contains() {
        let e = parse("displayName eq 'Let''s go'", &SPEC).unwrap();
        assert!(e.matches(&item("x", "p", "Let's go")));
        let c = parse("contains(displayName,'Team')", &SPEC).unwrap();
        assert!(c.matches(&item("x", "p", "Sales Team")));
        assert!(!c.matches(&item("x", "p", "sales team")));
        let l = parse("contains(tolower(displayName), 'team')", &SPEC).unwrap();
        assert!(l.matches(&item("x", "p", "Sales TEAM")));
    }

    #[test]
    fn undocumented_operators_are_refused() {
        for bad in [
            "state in ('delivered', 'Delivering')",
            "state ne 'expired'",
            "startswith(displayName,'Sa')",
            "contains(state,'del')",
            "accessPackage/id gt 'a'",
        ] {
            let err = parse(bad, &SPEC).unwrap_err();
            assert_eq!(
                (err.status, err.code.as_str()),
                (400, "BadRequest"),
                "{bad}"
            );
            assert!(
                err.message.starts_with("Invalid filter clause"),
                "{}",
                err.message
            );
        }
        assert_eq!(parse("state in ()", &SPEC).unwrap_err().status, 400);
        assert!(parse("createdDateTime ne 2024-01-01T00:00:00Z", &SPEC).is_ok());
    }

    #[test]
    fn date_comparison_and_not() {
        let e = parse("createdDateTime ge 2024-01-01T00:00:00Z", &SPEC).unwrap();
        assert!(e.matches(&item("x", "p", "n")));
        let e = parse("createdDateTime lt 2024-01-01T00:00:00Z", &SPEC).unwrap();
        assert!(!e.matches(&item("x", "p", "n")));
        let n = parse("not (state eq 'expired')", &SPEC).unwrap();
        assert!(n.matches(&item("delivered", "p", "n")));
        let any = parse("state eq 'delivered' or state eq 'Delivering'", &SPEC).unwrap();
        assert!(any.matches(&item("delivering", "p", "n")));
        assert!(!any.matches(&item("expired", "p", "n")));
    }

    #[test]
    fn errors_are_bad_request() {
        for bad in [
            "assignmentState eq 'Delivered'",
            "state eq",
            "state eq 'x",
            "(state eq 'x'",
            "state has 'x'",
            "any(x)",
            "state eq 'a' state eq 'b'",
        ] {
            let err = parse(bad, &SPEC).unwrap_err();
            assert_eq!(
                (err.status, err.code.as_str()),
                (400, "BadRequest"),
                "{bad}"
            );
        }
        let err = parse("assignmentState eq 'Delivered'", &SPEC).unwrap_err();
        assert!(err.message.contains("assignmentState"), "{}", err.message);
    }
}
