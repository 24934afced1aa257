//! What can go wrong in a sync: a bad file, a name that does not resolve, a
//! plan refused by its caps, a stale or foreign plan, or Graph itself.

use std::fmt;

use entra_access::models::AccessPackageId;

/// A desired-state file (or string) that cannot be used. Nothing was sent.
///
/// ```
/// use entra_access_ops::sync::{ConfigError, DesiredState};
///
/// let err = DesiredState::from_toml_str("[[package]]\nname = \"A\"\ncolour = \"red\"\n").unwrap_err();
/// assert!(matches!(err, ConfigError::Syntax { line: Some(3), .. }));
/// assert!(err.to_string().contains("colour"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The text is not valid TOML/JSON for the schema: an unknown key, a
    /// wrong type, a bad duration or date, a negative `max_removals`…
    #[error("{format} desired state{}: {message}", at(*line, *column))]
    Syntax {
        /// `TOML` or `JSON`.
        format: &'static str,
        /// 1-based line, when the parser knows it.
        line: Option<usize>,
        /// 1-based column, when the parser knows it.
        column: Option<usize>,
        /// What the parser said (with the field's path for JSON).
        message: String,
    },
    /// Two `[[package]]` entries name the same package (by name or by id).
    #[error(
        "package {name:?} is listed twice (entries {first} and {second}); merge them into one"
    )]
    DuplicatePackage {
        /// The name or id given twice.
        name: String,
        /// 1-based index of the first entry.
        first: usize,
        /// 1-based index of the second entry.
        second: usize,
    },
    /// An entry gives both `name` and `id`.
    #[error("package entry {index} ({name:?}) gives both `name` and `id`; keep one")]
    NameAndId {
        /// 1-based index of the entry.
        index: usize,
        /// The name it gives.
        name: String,
    },
    /// An entry gives neither `name` nor `id`.
    #[error("package entry {index} gives neither `name` nor `id`")]
    NoNameOrId {
        /// 1-based index of the entry.
        index: usize,
    },
    /// A value of an entry (or of `[defaults]`) is refused.
    #[error("{place}: `{field}` {problem}")]
    Invalid {
        /// `defaults`, or `package "Marketing Campaign"`.
        place: String,
        /// The key.
        field: &'static str,
        /// What is wrong and how to fix it.
        problem: String,
    },
    /// The file could not be read.
    #[error("could not read {path}: {message}")]
    Read {
        /// The path as given.
        path: String,
        /// The operating system's message.
        message: String,
    },
}

fn at(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!(" at line {l}, column {c}"),
        (Some(l), None) => format!(" at line {l}"),
        _ => String::new(),
    }
}

/// One package whose observed state moved since the plan was made; see
/// [`SyncError::StalePlan`].
///
/// ```
/// # fn show(e: entra_access_ops::sync::SyncError) {
/// if let entra_access_ops::sync::SyncError::StalePlan { changes } = &e {
///     for c in changes {
///         eprintln!("{} moved: {}", c.label, c.summary);
///     }
/// }
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct StaleChange {
    /// The package.
    pub access_package: AccessPackageId,
    /// How the plan names it.
    pub label: String,
    /// What differs, in words (`delivered 3 → 4; open requests 1 → 0`, or
    /// `same counts, other assignments or requests`).
    pub summary: String,
}

impl fmt::Display for StaleChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.label, self.summary)
    }
}

/// Why a sync could not plan or apply. Per-action failures while applying
/// are rows of the report, not this error.
///
/// ```
/// use entra_access_ops::sync::SyncError;
///
/// fn explain(e: &SyncError) -> &'static str {
///     match e {
///         SyncError::StalePlan { .. } => "plan again and review the new plan",
///         SyncError::TooManyRemovals { .. } => "raise max_removals or check the file",
///         _ => "see the message",
///     }
/// }
/// # let _ = explain;
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SyncError {
    /// The desired-state file is refused.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A package name matches no package.
    #[error("no access package is named {name:?}")]
    PackageNotFound {
        /// The name.
        name: String,
    },
    /// A package name matches several packages.
    #[error("{} access packages are named {name:?}: {}; name it by `id` instead", ids.len(), ids.join(", "))]
    AmbiguousPackage {
        /// The name.
        name: String,
        /// The ids of the packages with that name.
        ids: Vec<String>,
    },
    /// The policy cannot be chosen: none matches, several do, or the package
    /// has several and the file names none.
    #[error("{package}: {problem}")]
    Policy {
        /// How the file names the package.
        package: String,
        /// What is wrong, with the package's policies.
        problem: String,
    },
    /// A user principal name does not resolve to a user.
    #[error("{package}: user {user:?} does not exist in the directory")]
    UnknownUser {
        /// How the file names the package.
        package: String,
        /// The user principal name.
        user: String,
    },
    /// A listed group does not exist while removals are on: planning without
    /// its members would remove their assignments.
    #[error("{package}: group {group} does not exist; with removal = {removal} its members' assignments would be removed. Fix the id, or set removal = \"none\"")]
    MissingGroup {
        /// How the file names the package.
        package: String,
        /// The group id.
        group: String,
        /// The removal scope in force.
        removal: String,
    },
    /// Removals are on but nobody is desired: refused, so a group that
    /// comes back empty never removes everyone.
    #[error("{package}: the desired set is empty and removal = {removal}; that would remove every holder. List someone, or set removal = \"none\"")]
    EmptyDesiredSet {
        /// How the file names the package.
        package: String,
        /// The removal scope in force.
        removal: String,
    },
    /// The plan would remove more than the package's `max_removals`.
    #[error("{package}: the plan removes {planned} assignments, more than max_removals = {max}; nothing was written. Raise max_removals if this is intended")]
    TooManyRemovals {
        /// How the file names the package.
        package: String,
        /// Removals planned.
        planned: usize,
        /// The cap.
        max: usize,
    },
    /// The tenant moved since the plan was made; nothing was written.
    #[error("the plan is stale, nothing was written: {}. Plan again and review", changes.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    StalePlan {
        /// Every package that moved.
        changes: Vec<StaleChange>,
    },
    /// The plan file has another format version.
    #[error("the plan has format version {found}; this build applies version {expected} only. Plan again with this build")]
    PlanVersion {
        /// The version in the file.
        found: u64,
        /// The version this build writes and reads.
        expected: u32,
    },
    /// The plan was made against another Graph base URL.
    #[error("the plan was made against {planned}, not {client}; nothing was written")]
    PlanBaseUrl {
        /// Where the plan was made.
        planned: String,
        /// Where this client points.
        client: String,
    },
    /// The plan file is not a sync plan.
    #[error("not a sync plan: {message}")]
    PlanDecode {
        /// The decoder's message with the field's path.
        message: String,
    },
    /// Graph (or the transport) failed while reading.
    #[error(transparent)]
    Graph(#[from] entra_access::Error),
}

impl SyncError {
    /// Whether this error was raised before anything was sent to Graph:
    /// a refused file, plan file or argument.
    pub fn is_input(&self) -> bool {
        matches!(
            self,
            Self::Config(_)
                | Self::PlanVersion { .. }
                | Self::PlanBaseUrl { .. }
                | Self::PlanDecode { .. }
        )
    }
}
