//! Server-side paging with opaque skip tokens.

use serde_json::{json, Value};

use super::query::Query;
use super::reply::GraphErr;

/// Cuts one page out of `items` and wraps it in a Graph collection.
///
/// `self_url` is the absolute URL of the collection without a query. The page
/// size is `page_size`, or `$top` when that is smaller. When more items
/// follow, `@odata.nextLink` repeats the original query options and adds a
/// `$skiptoken` tied to them.
///
/// With `top_is_total`, `$top` is read as a total, as some Graph lists do:
/// the answer is the first `$top` items in one page, with no next link.
pub(crate) fn page(
    items: Vec<Value>,
    q: &Query,
    self_url: &str,
    context: &str,
    page_size: usize,
    top_is_total: bool,
) -> Result<Value, GraphErr> {
    if let (true, Some(top)) = (top_is_total, q.top) {
        let value: Vec<Value> = items.into_iter().take(top).collect();
        return Ok(json!({ "@odata.context": context, "value": value }));
    }
    let size = q.top.map_or(page_size, |t| t.min(page_size)).max(1);
    let hash = query_hash(&q.raw_without_skiptoken);
    let offset = match &q.skiptoken {
        Some(t) => decode(t, hash)?,
        None => 0,
    };
    let total = items.len();
    let value: Vec<Value> = items.into_iter().skip(offset).take(size).collect();
    let mut body = json!({ "@odata.context": context, "value": value });
    let next = offset.saturating_add(size);
    if next < total {
        let token = encode(next, hash);
        let link = if q.raw_without_skiptoken.is_empty() {
            format!("{self_url}?$skiptoken={token}")
        } else {
            format!("{self_url}?{}&$skiptoken={token}", q.raw_without_skiptoken)
        };
        if let Some(obj) = body.as_object_mut() {
            obj.insert("@odata.nextLink".into(), Value::String(link));
        }
    }
    Ok(body)
}

/// FNV-1a over the query options, so a token only works with its own query.
fn query_hash(s: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in s.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

const MASK: u64 = 0x5A17_C0DE_9E37_79B9;

fn encode(offset: usize, hash: u32) -> String {
    format!("X{hash:08x}{:016x}", (offset as u64) ^ MASK)
}

fn decode(token: &str, hash: u32) -> Result<usize, GraphErr> {
    let bad = || {
        GraphErr::bad_request(
            "The $skiptoken is invalid or was issued for a different query; use @odata.nextLink verbatim.",
        )
    };
    let rest = token.strip_prefix('X').ok_or_else(bad)?;
    if rest.len() != 24 || !rest.is_ascii() {
        return Err(bad());
    }
    let (h, o) = rest.split_at(8);
    let h = u32::from_str_radix(h, 16).map_err(|_| bad())?;
    let o = u64::from_str_radix(o, 16).map_err(|_| bad())?;
    if h != hash {
        return Err(bad());
    }
    usize::try_from(o ^ MASK).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(url: &str) -> Query {
        Query::from_url(&url.parse().unwrap()).unwrap()
    }

    #[test]
    fn pages_cover_every_item_once() {
        let items: Vec<Value> = (0..7).map(|i| json!({ "id": i })).collect();
        let mut url = "http://h/v1.0/x?$filter=a%20eq%20'b'".to_owned();
        let mut seen = Vec::new();
        loop {
            let body = page(items.clone(), &q(&url), "http://h/v1.0/x", "ctx", 3, false).unwrap();
            seen.extend(
                body["value"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v["id"].as_i64().unwrap()),
            );
            match body["@odata.nextLink"].as_str() {
                Some(next) => {
                    assert!(
                        next.starts_with("http://h/v1.0/x?$filter=a%20eq%20%27b%27&$skiptoken="),
                        "{next}"
                    );
                    url = next.to_owned();
                }
                None => break,
            }
        }
        assert_eq!(seen, (0..7).collect::<Vec<_>>());
    }

    #[test]
    fn top_as_a_total_answers_one_page_without_a_next_link() {
        let items: Vec<Value> = (0..7).map(|i| json!({ "id": i })).collect();
        let body = page(
            items.clone(),
            &q("http://h/x?$top=5"),
            "http://h/x",
            "c",
            2,
            true,
        )
        .unwrap();
        assert_eq!(body["value"].as_array().unwrap().len(), 5);
        assert!(body.get("@odata.nextLink").is_none());
        let body = page(items, &q("http://h/x"), "http://h/x", "c", 2, true).unwrap();
        assert_eq!(body["value"].as_array().unwrap().len(), 2);
        assert!(body.get("@odata.nextLink").is_some());
    }

    #[test]
    fn top_smaller_than_page_size_wins_and_token_is_bound_to_query() {
        let items: Vec<Value> = (0..5).map(|i| json!({ "id": i })).collect();
        let body = page(
            items.clone(),
            &q("http://h/x?$top=2"),
            "http://h/x",
            "c",
            100,
            false,
        )
        .unwrap();
        assert_eq!(body["value"].as_array().unwrap().len(), 2);
        let next = body["@odata.nextLink"].as_str().unwrap();
        let token = next.split("$skiptoken=").nth(1).unwrap();
        let other = format!("http://h/x?$top=3&$skiptoken={token}");
        assert_eq!(
            page(items.clone(), &q(&other), "http://h/x", "c", 100, false)
                .unwrap_err()
                .status,
            400
        );
        let garbage = "http://h/x?$skiptoken=nope";
        assert_eq!(
            page(items, &q(garbage), "http://h/x", "c", 100, false)
                .unwrap_err()
                .status,
            400
        );
    }
}
