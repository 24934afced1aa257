//! Percent-encoding of query keys and values (RFC 3986).

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Bytes encoded in a query component: everything but the unreserved
/// characters (`A-Z a-z 0-9 - . _ ~`) and `$ ' ( ) , / : @ ! *`, which Graph
/// reads literally and which keep a logged URL readable.
const QUERY_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'$')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b',')
    .remove(b'/')
    .remove(b':')
    .remove(b'@')
    .remove(b'!')
    .remove(b'*');

/// Percent-encodes one query key or value.
///
/// Kept as is: `A-Z a-z 0-9 - . _ ~` and `$ ' ( ) , / : @ ! *`. Everything
/// else is encoded as UTF-8 bytes: space → `%20` (never `+`), `+` → `%2B`
/// (Graph reads a bare `+` as a space, which would break `a+b@x.com` and
/// `+02:00`), and `& # % = ? ;` so a value can never end the parameter.
///
/// ```
/// use entra_access::odata::encode_component;
///
/// assert_eq!(encode_component("state eq 'delivered'"), "state%20eq%20'delivered'");
/// assert_eq!(encode_component("a+b@x.com"), "a%2Bb@x.com");
/// assert_eq!(encode_component("x&y=z#?%"), "x%26y%3Dz%23%3F%25");
/// assert_eq!(encode_component("Zoë"), "Zo%C3%AB");
/// ```
pub fn encode_component(s: &str) -> String {
    utf8_percent_encode(s, QUERY_COMPONENT).to_string()
}

/// Joins `pairs` into a query string `k1=v1&k2=v2`, each key and value
/// encoded with [`encode_component`] (so `$filter` keeps its `$`). No
/// leading `?`.
///
/// ```
/// use entra_access::odata::encode_query;
///
/// let q = encode_query(&[("$filter", "id eq 'x'"), ("$top", "5")]);
/// assert_eq!(q, "$filter=id%20eq%20'x'&$top=5");
/// ```
pub fn encode_query<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> String {
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(&encode_component(k.as_ref()));
        out.push('=');
        out.push_str(&encode_component(v.as_ref()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_ascii_byte_is_kept_or_encoded_as_specified() {
        let kept = "ABCXYZabcxyz0189-._~$'(),/:@!*";
        assert_eq!(encode_component(kept), kept);
        for c in [
            ' ', '+', '&', '#', '%', '=', '?', ';', '"', '<', '>', '[', ']', '\\', '^', '`', '{',
            '|', '}', '\n', '\u{7f}',
        ] {
            let enc = encode_component(&c.to_string());
            assert_eq!(enc, format!("%{:02X}", c as u32), "{c:?}");
        }
    }

    #[test]
    fn non_ascii_is_utf8_bytes() {
        assert_eq!(encode_component("日"), "%E6%97%A5");
        assert_eq!(encode_component("😀"), "%F0%9F%98%80");
    }

    #[test]
    fn empty_query_is_empty() {
        assert_eq!(encode_query::<&str, &str>(&[]), "");
        assert_eq!(encode_query(&[("a b", "")]), "a%20b=");
    }
}
