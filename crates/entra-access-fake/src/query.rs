//! OData system query options of one request.

use super::reply::GraphErr;

/// The query options the fake reads. Names are matched with or without the
/// `$` prefix and ignoring case, as Graph does.
#[derive(Debug, Default, Clone)]
pub(crate) struct Query {
    pub filter: Option<String>,
    /// Lower-case names of the expanded navigation properties, in order, with
    /// any nested options (`assignment($expand=target)`) kept in `expand_nested`.
    pub expand: Vec<String>,
    pub expand_nested: Vec<(String, String)>,
    /// Selected properties as sent (empty = all).
    pub select: Vec<String>,
    pub top: Option<usize>,
    pub skiptoken: Option<String>,
    /// The system query options the fake does not read, as sent (for
    /// example `$orderby`, `$count`, `$skip`, `$search`): entitlement
    /// management refuses them (`documented::check_options`), the directory
    /// routes ignore them.
    pub others: Vec<String>,
    /// The raw (still percent-encoded) query string without `$skiptoken`,
    /// used to build next links and to tie skip tokens to their query.
    pub raw_without_skiptoken: String,
}

impl Query {
    /// Reads the options from a URL.
    pub(crate) fn from_url(url: &url::Url) -> Result<Self, GraphErr> {
        let mut q = Query::default();
        for (k, v) in url.query_pairs() {
            let key = k.trim_start_matches('$').to_ascii_lowercase();
            match key.as_str() {
                "filter" => q.filter = Some(v.into_owned()),
                "expand" => {
                    for item in split_top_level(&v) {
                        let item = item.trim();
                        if item.is_empty() {
                            continue;
                        }
                        let (name, nested) = match item.find('(') {
                            Some(i) => (&item[..i], item[i + 1..].trim_end_matches(')').to_owned()),
                            None => (item, String::new()),
                        };
                        let name = name.trim().to_ascii_lowercase();
                        q.expand_nested.push((name.clone(), nested));
                        q.expand.push(name);
                    }
                }
                "select" => {
                    q.select = v
                        .split(',')
                        .map(|s| s.trim().to_owned())
                        .filter(|s| !s.is_empty())
                        .collect();
                }
                "top" => {
                    let n: usize = v.trim().parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                        GraphErr::bad_request(format!(
                            "Invalid value '{v}' for $top: it must be a positive integer."
                        ))
                    })?;
                    q.top = Some(n);
                }
                "skiptoken" => q.skiptoken = Some(v.into_owned()),
                "orderby" | "count" | "skip" | "search" => q.others.push(k.into_owned()),
                _ if k.starts_with('$') => q.others.push(k.into_owned()),
                _ => {}
            }
        }
        q.raw_without_skiptoken = url
            .query()
            .unwrap_or("")
            .split('&')
            .filter(|p| !p.is_empty() && !is_skiptoken_pair(p))
            .collect::<Vec<_>>()
            .join("&");
        Ok(q)
    }

    /// A query that only expands `names` (lower case).
    pub(crate) fn expanding(names: &[&str]) -> Self {
        Query {
            expand: names.iter().map(|n| (*n).to_owned()).collect(),
            ..Query::default()
        }
    }

    /// Whether `$expand` names `name` (lower case).
    pub(crate) fn expands(&self, name: &str) -> bool {
        self.expand.iter().any(|e| e == name)
    }

    /// The nested options of an expanded property
    /// (`accessPackages($expand=assignmentPolicies;$select=id)`) read as a
    /// query of their own.
    pub(crate) fn nested_query(&self, name: &str) -> Result<Query, GraphErr> {
        let nested = self.nested(name).unwrap_or("").replace(';', "&");
        let url = url::Url::parse("http://nested/")
            .map(|mut u| {
                u.set_query(Some(&nested));
                u
            })
            .map_err(|_| GraphErr::bad_request(format!("Invalid nested options for '{name}'.")))?;
        Query::from_url(&url)
    }

    /// The nested options given for an expanded property, e.g. `$expand=target`.
    pub(crate) fn nested(&self, name: &str) -> Option<&str> {
        self.expand_nested
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Fails with 400 when `$expand` names something `allowed` does not list.
    pub(crate) fn check_expand(&self, type_name: &str, allowed: &[&str]) -> Result<(), GraphErr> {
        match self.expand.iter().find(|e| !allowed.contains(&e.as_str())) {
            Some(bad) => Err(GraphErr::bad_request(format!(
                "Parsing OData Select and Expand failed: Could not find a property named '{bad}' on type '{type_name}'."
            ))),
            None => Ok(()),
        }
    }
}

impl Query {
    /// Fails with 400 when `$select` names something `allowed` (lower case)
    /// does not list.
    pub(crate) fn check_select(&self, type_name: &str, allowed: &[&str]) -> Result<(), GraphErr> {
        match self
            .select
            .iter()
            .find(|s| !allowed.contains(&s.to_ascii_lowercase().as_str()))
        {
            Some(bad) => Err(GraphErr::bad_request(format!(
                "Parsing OData Select and Expand failed: Could not find a property named '{bad}' on type '{type_name}'."
            ))),
            None => Ok(()),
        }
    }
}

fn is_skiptoken_pair(p: &str) -> bool {
    let key = p.split('=').next().unwrap_or("").to_ascii_lowercase();
    matches!(key.as_str(), "$skiptoken" | "%24skiptoken" | "skiptoken")
}

/// Splits on commas that are not inside parentheses.
fn split_top_level(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

/// Keeps only `id`, `@odata.*` and the selected properties of an object
/// (and any expanded navigation properties, which `$select` does not remove).
pub(crate) fn apply_select(v: &mut serde_json::Value, q: &Query) {
    if q.select.is_empty() {
        return;
    }
    if let Some(obj) = v.as_object_mut() {
        obj.retain(|k, _| {
            k == "id"
                || k.starts_with("@odata")
                || q.select.iter().any(|s| s.eq_ignore_ascii_case(k))
                || q.expands(&k.to_ascii_lowercase())
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_options_and_drops_skiptoken_from_raw() {
        let url: url::Url = "http://x/v1.0/a?$filter=state%20eq%20'delivered'&$expand=target,accessPackage&$top=5&$skiptoken=abc"
            .parse()
            .unwrap();
        let q = Query::from_url(&url).unwrap();
        assert_eq!(q.filter.as_deref(), Some("state eq 'delivered'"));
        assert_eq!(q.expand, vec!["target", "accesspackage"]);
        assert_eq!(q.top, Some(5));
        assert_eq!(q.skiptoken.as_deref(), Some("abc"));
        assert!(q.others.is_empty());
        assert_eq!(
            q.raw_without_skiptoken,
            "$filter=state%20eq%20%27delivered%27&$expand=target,accessPackage&$top=5"
        );
    }

    #[test]
    fn options_the_fake_does_not_read_are_kept_by_name() {
        let url: url::Url =
            "http://x/a?$orderby=displayName&count=true&$skip=2&$search=%22a%22&$format=json&other=1"
                .parse()
                .unwrap();
        let q = Query::from_url(&url).unwrap();
        assert_eq!(
            q.others,
            vec!["$orderby", "count", "$skip", "$search", "$format"]
        );
    }

    #[test]
    fn nested_expand_and_bad_top() {
        let url: url::Url = "http://x/a?$expand=assignment($expand=target),requestor"
            .parse()
            .unwrap();
        let q = Query::from_url(&url).unwrap();
        assert_eq!(q.expand, vec!["assignment", "requestor"]);
        assert_eq!(q.nested("assignment"), Some("$expand=target"));
        let url: url::Url = "http://x/a?$expand=accessPackages($expand=catalog;$select=id)"
            .parse()
            .unwrap();
        let inner = Query::from_url(&url)
            .unwrap()
            .nested_query("accesspackages")
            .unwrap();
        assert_eq!(inner.expand, vec!["catalog"]);
        assert_eq!(inner.select, vec!["id"]);
        let url: url::Url = "http://x/a?$top=-1".parse().unwrap();
        assert_eq!(Query::from_url(&url).unwrap_err().status, 400);
    }
}
