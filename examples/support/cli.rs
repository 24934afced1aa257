//! Flags shared by the examples, and parsers for their values.

use entra_access::models::{parse_datetime, DateTime, IsoDuration};

/// `--package-id ID` or `--package-name NAME` (exactly one).
#[derive(clap::Args, Debug, Clone)]
#[group(required = true, multiple = false)]
pub struct PackageArg {
    /// The access package's id.
    #[arg(long, value_name = "ID")]
    pub package_id: Option<String>,
    /// The access package's exact display name, instead of its id (no match
    /// or several matches is an error).
    #[arg(long, value_name = "NAME")]
    pub package_name: Option<String>,
}

/// How the user named an access package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PackageRef {
    /// By id.
    Id(String),
    /// By exact display name.
    Name(String),
}

impl PackageArg {
    /// The package the flags name (clap guarantees exactly one is set).
    pub fn to_ref(&self) -> PackageRef {
        match (&self.package_id, &self.package_name) {
            (Some(id), _) => PackageRef::Id(id.clone()),
            (None, Some(name)) => PackageRef::Name(name.clone()),
            (None, None) => unreachable!("clap requires --package-id or --package-name"),
        }
    }
}

/// `--policy-id ID`, optional when the package has exactly one policy.
#[derive(clap::Args, Debug, Clone)]
pub struct PolicyArg {
    /// The assignment policy to assign through; may be left out when the
    /// package has exactly one policy.
    #[arg(long, value_name = "ID")]
    pub policy_id: Option<String>,
}

/// Parses an RFC 3339 date-time such as `2025-01-31T00:00:00Z`.
pub fn datetime(text: &str) -> Result<DateTime, String> {
    parse_datetime(text).map_err(|e| e.to_string())
}

/// Parses an ISO 8601 duration such as `P30D` or `PT12H`.
pub fn duration(text: &str) -> Result<IsoDuration, String> {
    IsoDuration::parse(text).map_err(|e| e.to_string())
}
