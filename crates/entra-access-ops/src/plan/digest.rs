//! A plan's digest: SHA-256 (the `sha2` crate) over the JSON of its
//! content (format version, base URL, creation time, every package plan),
//! made at planning and compared when the plan is applied, so that a plan
//! changed after planning (a merge conflict resolved by hand, a tool that
//! appends an item) is told from the one that was reviewed.
//!
//! The JSON is `serde_json`'s compact form of the plan's own types: fields
//! in declaration order, maps sorted (`BTreeMap`), so the same content
//! always gives the same bytes, in every build that reads the format.

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{PackagePlan, Plan};
use entra_access::models::DateTime;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Content<'a> {
    format_version: u32,
    base_url: &'a str,
    created_at: &'a DateTime,
    packages: &'a [PackagePlan],
}

/// `sha256:` and the hex digest of the plan's content (its `digest` field
/// left out).
pub(super) fn of(plan: &Plan) -> String {
    let content = Content {
        format_version: plan.format_version,
        base_url: &plan.base_url,
        created_at: &plan.created_at,
        packages: &plan.packages,
    };
    // Streamed into the hash (a plan of 100,000 items is megabytes of
    // JSON). Plain data with string keys: serializing cannot fail.
    let mut hasher = Hashing(Sha256::new());
    let _ = serde_json::to_writer(&mut hasher, &content);
    let digest = hasher.0.finalize();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// An `io::Write` that feeds a SHA-256.
struct Hashing(Sha256);

impl std::io::Write for Hashing {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
