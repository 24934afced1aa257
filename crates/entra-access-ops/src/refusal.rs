//! Why a plan was not made or not applied: the one typed refusal of every
//! write workflow (a desired-state file that cannot be used, a name that
//! does not resolve, a plan past its limits, a stored plan that is stale,
//! foreign, edited or asks for what planning would not), always before
//! anything is written. It comes back inside an [`entra_access::Error`].

use std::fmt;

use crate::RemovalScope;
use entra_access::error::{Error, ErrorKind};
use entra_access::models::AccessPackageId;

/// One `[[package]]` entry of a desired-state file, as a refusal names it.
///
/// ```
/// use entra_access_ops::EntryRef;
/// let e = EntryRef { index: 2, line: Some(7), label: "Sales".into() };
/// assert_eq!(e.to_string(), "entry 2 (\"Sales\", line 7)");
/// let j = EntryRef { index: 1, line: None, label: "pkg-1".into() };
/// assert_eq!(j.to_string(), "entry 1 (\"pkg-1\", line unknown)");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryRef {
    /// 1-based position among the file's `[[package]]` entries.
    pub index: usize,
    /// 1-based line where the entry starts, when known (TOML; not JSON).
    pub line: Option<usize>,
    /// The entry's name or id, as written.
    pub label: String,
}

impl fmt::Display for EntryRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "entry {} ({:?}, line {line})", self.index, self.label),
            None => write!(f, "entry {} ({:?}, line unknown)", self.index, self.label),
        }
    }
}

/// One package whose observed state moved since the plan was made; see
/// [`Refusal::StalePlan`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct StaleChange {
    /// The package.
    pub access_package: AccessPackageId,
    /// How the plan names it.
    pub label: String,
    /// What differs, in words (`delivered assignments 3 → 4`, or `same
    /// counts, but other assignments or requests`; see
    /// [`Observed::describe_change`](crate::Observed::describe_change)).
    pub summary: String,
}

impl fmt::Display for StaleChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.label, self.summary)
    }
}

/// Why a plan was not made or not applied; nothing was written. It comes
/// back as the [`source`](std::error::Error::source) of an
/// [`entra_access::Error`] of kind
/// [`InvalidInput`](entra_access::ErrorKind::InvalidInput)
/// ([`Conflict`](entra_access::ErrorKind::Conflict) for a
/// [`StalePlan`](Self::StalePlan),
/// [`Ambiguous`](entra_access::ErrorKind::Ambiguous) for an
/// [`AmbiguousPackage`](Self::AmbiguousPackage)); get it with
/// [`Refusal::of`]. The error's message names what was refused (the item,
/// the package and the rule), says that nothing was written, and how to
/// allow it where that is possible.
///
/// ```no_run
/// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
/// use entra_access_ops::Refusal;
///
/// let run = entra_access_ops::BulkAssign::group(&client, "pkg-1", "pol-1", "grp-1")
///     .reconcile(true)
///     .run()
///     .await;
/// match run {
///     Ok(report) => println!("{} removed", report.totals().removed),
///     Err(e) => match Refusal::of(&e) {
///         Some(Refusal::TooManyRemovals { planned, cap, .. }) => {
///             eprintln!("{planned} removals planned, cap {cap}: review a dry run first");
///         }
///         _ => return Err(e),
///     },
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// The desired-state file could not be read.
    FileRead {
        /// The path as given.
        path: String,
        /// The operating system's message.
        message: String,
    },
    /// The desired-state text is not valid TOML/JSON for the schema: an
    /// unknown key, a wrong type, a bad duration or date, a negative
    /// `max_removals`…
    FileSyntax {
        /// `TOML` or `JSON`.
        format: &'static str,
        /// 1-based line, when the parser knows it.
        line: Option<usize>,
        /// 1-based column, when the parser knows it.
        column: Option<usize>,
        /// What the parser said (with the field's path for JSON).
        message: String,
    },
    /// A value of the file (of an entry, or of `[defaults]`) is refused.
    FileValue {
        /// `defaults`, or `package "Marketing Campaign"`.
        place: String,
        /// The key.
        field: &'static str,
        /// What is wrong and how to fix it.
        problem: String,
    },
    /// An entry gives both `name` and `id`.
    NameAndId {
        /// The entry.
        entry: EntryRef,
    },
    /// An entry gives neither `name` nor `id`.
    NoNameOrId {
        /// The entry.
        entry: EntryRef,
    },
    /// Two entries are the same package: by name (ignoring case), by id,
    /// or once resolved (one by name, one by id). Each would remove the
    /// other's people.
    DuplicatePackage {
        /// The package (its id once resolved, else the name or id given).
        package: String,
        /// The first entry.
        first: EntryRef,
        /// The second entry.
        second: EntryRef,
    },
    /// A package name matches no package.
    PackageNotFound {
        /// The name (or id).
        name: String,
    },
    /// A package name matches several packages.
    AmbiguousPackage {
        /// The name.
        name: String,
        /// The ids of the packages with that name.
        ids: Vec<String>,
    },
    /// The policy cannot be chosen: none matches, several do, or the
    /// package has several and none is named.
    Policy {
        /// How the file names the package.
        package: String,
        /// What is wrong, with the package's policies.
        problem: String,
    },
    /// A user principal name does not resolve to a user.
    UnknownUser {
        /// How the file names the package.
        package: String,
        /// The user principal name.
        user: String,
    },
    /// A listed group does not exist while removals are on: planning
    /// without its members would remove their assignments.
    MissingGroup {
        /// How the file names the package.
        package: String,
        /// The group id.
        group: String,
        /// The removal scope in force.
        removal: RemovalScope,
    },
    /// Removals are on but the source has nobody in it (an empty group, a
    /// list that parsed to nothing): every holder in scope would be
    /// removed. Allow it with
    /// [`allow_empty_source`](crate::BulkAssign::allow_empty_source).
    EmptySource {
        /// The package.
        package: String,
        /// The removal scope in force.
        removal: RemovalScope,
    },
    /// The plan removes more assignments than the package's cap
    /// ([`max_removals`](crate::BulkAssign::max_removals), default 50).
    TooManyRemovals {
        /// The package.
        package: String,
        /// Removals in the plan.
        planned: usize,
        /// The cap in force.
        cap: usize,
    },
    /// The plan removes more assignments than
    /// [`MAX_REMOVALS_CEILING`](crate::MAX_REMOVALS_CEILING), which no cap
    /// can raise.
    RemovalCeiling {
        /// The package.
        package: String,
        /// Removals in the plan.
        planned: usize,
        /// The ceiling.
        ceiling: usize,
    },
    /// The package would hold more assignments than the caller's cap
    /// ([`max_assignments`](crate::BulkAssign::max_assignments)).
    TooManyAssignments {
        /// The package.
        package: String,
        /// Assignments (not expired) the package would hold afterwards.
        after: usize,
        /// The cap in force.
        cap: usize,
    },
    /// The plan has another format version than this build's
    /// ([`PLAN_FORMAT_VERSION`](crate::PLAN_FORMAT_VERSION)).
    PlanVersion {
        /// The plan's version.
        found: u64,
        /// This build's.
        expected: u32,
    },
    /// The plan was made against another Graph base URL (another cloud,
    /// another fake) than the client applying it.
    PlanBaseUrl {
        /// Where the plan was made.
        planned: String,
        /// Where the client points.
        client: String,
    },
    /// The plan's items or settings changed after planning: its
    /// [`digest`](crate::Plan::digest) does not match. Apply an edited plan
    /// only on purpose, with [`allow_edited`](crate::Apply::allow_edited).
    EditedPlan {
        /// The digest the plan carries.
        found: String,
        /// The digest of its items and settings as they are.
        computed: String,
    },
    /// The tenant moved since the plan was made (see
    /// [`Apply`](crate::Apply)). Plan again and review, or apply with
    /// [`replan_if_stale`](crate::Apply::replan_if_stale).
    StalePlan {
        /// Every package that moved.
        changes: Vec<StaleChange>,
    },
    /// An item of a stored plan asks for what planning would not do (a
    /// removal of another package's or another person's assignment, of a
    /// person the source lists, under scope `none`; an add for someone not
    /// desired or already holding the package; two items for one write).
    ItemRefused {
        /// The package.
        package: String,
        /// Whom the item is for.
        person: String,
        /// What it asks for (`add`, `remove`).
        action: &'static str,
        /// The rule it breaks, in words.
        rule: String,
    },
}

impl Refusal {
    /// The refusal behind `error`, if it is one.
    pub fn of(error: &Error) -> Option<&Self> {
        std::error::Error::source(error).and_then(|s| s.downcast_ref::<Self>())
    }

    /// The error that carries this refusal: kind `Conflict` for a stale
    /// plan, `Ambiguous` for an ambiguous name, else `InvalidInput`; its
    /// message is [`explain`](Self::explain).
    pub(crate) fn into_error(self) -> Error {
        let kind = match self {
            Self::StalePlan { .. } => ErrorKind::Conflict,
            Self::AmbiguousPackage { .. } => ErrorKind::Ambiguous,
            _ => ErrorKind::InvalidInput,
        };
        Error::new(kind, self.explain()).with_source(self)
    }

    /// What was refused and how to allow it, in words (the message of the
    /// error it comes in).
    pub fn explain(&self) -> String {
        Explained(self).to_string()
    }
}

impl From<Refusal> for Error {
    fn from(r: Refusal) -> Self {
        r.into_error()
    }
}

impl fmt::Display for Refusal {
    /// A short tag (the error's message has the whole story; see
    /// [`explain`](Self::explain)).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FileRead { path, .. } => write!(f, "cannot read {path}"),
            Self::FileSyntax { format, .. } => write!(f, "{format} syntax"),
            Self::FileValue { place, field, .. } => write!(f, "{place}: bad `{field}`"),
            Self::NameAndId { entry } => write!(f, "{entry}: both name and id"),
            Self::NoNameOrId { entry } => write!(f, "{entry}: no name or id"),
            Self::DuplicatePackage { package, .. } => write!(f, "package {package} listed twice"),
            Self::PackageNotFound { name } => write!(f, "no package {name:?}"),
            Self::AmbiguousPackage { name, .. } => write!(f, "several packages {name:?}"),
            Self::Policy { package, .. } => write!(f, "{package}: policy"),
            Self::UnknownUser { package, user } => write!(f, "{package}: unknown user {user:?}"),
            Self::MissingGroup { package, group, .. } => {
                write!(f, "{package}: missing group {group}")
            }
            Self::EmptySource { package, .. } => write!(f, "{package}: empty source"),
            Self::TooManyRemovals {
                package,
                planned,
                cap,
            } => write!(f, "{package}: {planned} removals planned, cap {cap}"),
            Self::RemovalCeiling {
                package,
                planned,
                ceiling,
            } => write!(
                f,
                "{package}: {planned} removals planned, ceiling {ceiling}"
            ),
            Self::TooManyAssignments {
                package,
                after,
                cap,
            } => write!(f, "{package}: {after} assignments after the run, cap {cap}"),
            Self::PlanVersion { found, expected } => {
                write!(f, "plan format version {found}, expected {expected}")
            }
            Self::PlanBaseUrl { planned, client } => {
                write!(f, "plan made for {planned}, client is for {client}")
            }
            Self::EditedPlan { .. } => f.write_str("edited plan"),
            Self::StalePlan { changes } => write!(f, "stale plan ({} packages)", changes.len()),
            Self::ItemRefused {
                package,
                person,
                action,
                ..
            } => write!(f, "{package}: {action} of {person} refused"),
        }
    }
}

struct Explained<'a>(&'a Refusal);

const NOTHING: &str = "nothing was written";

fn at(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!(" at line {l}, column {c}"),
        (Some(l), None) => format!(" at line {l}"),
        _ => String::new(),
    }
}

impl fmt::Display for Explained<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Refusal::FileRead { path, message } => write!(
                f,
                "could not read the desired-state file {path}: {message}; {NOTHING}"
            ),
            Refusal::FileSyntax {
                format,
                line,
                column,
                message,
            } => write!(
                f,
                "{format} desired state{}: {message}; {NOTHING}. Fix the file",
                at(*line, *column)
            ),
            Refusal::FileValue {
                place,
                field,
                problem,
            } => write!(f, "{place}: `{field}` {problem}; {NOTHING}"),
            Refusal::NameAndId { entry } => write!(
                f,
                "package {entry} gives both `name` and `id`; {NOTHING}. Keep one"
            ),
            Refusal::NoNameOrId { entry } => write!(
                f,
                "package {entry} gives neither `name` nor `id`; {NOTHING}. Name the package"
            ),
            Refusal::DuplicatePackage {
                package,
                first,
                second,
            } => write!(
                f,
                "package {package} is listed twice, as {first} and as {second}: each entry \
                 would remove the other's people; {NOTHING}. Merge them into one entry"
            ),
            Refusal::PackageNotFound { name } => write!(
                f,
                "no access package is named {name:?}; {NOTHING}. Check the name, or name the \
                 package by `id`"
            ),
            Refusal::AmbiguousPackage { name, ids } => write!(
                f,
                "{} access packages are named {name:?}: {}; {NOTHING}. Name it by `id` instead",
                ids.len(),
                ids.join(", ")
            ),
            Refusal::Policy { package, problem } => {
                write!(f, "package {package:?} {problem}; {NOTHING}")
            }
            Refusal::UnknownUser { package, user } => write!(
                f,
                "package {package:?}: user {user:?} does not exist in the directory; {NOTHING}. \
                 Fix or remove the entry"
            ),
            Refusal::MissingGroup {
                package,
                group,
                removal,
            } => write!(
                f,
                "package {package:?}: group {group} does not exist; with removal = {removal} \
                 its members' assignments would be removed; {NOTHING}. Fix the id, or set \
                 removal = \"none\""
            ),
            Refusal::EmptySource { package, removal } => write!(
                f,
                "package {package:?}: the source has nobody in it and removal = {removal}, so \
                 every assignment in the removal scope would be removed; {NOTHING}. List \
                 someone or turn removals off; if removing everyone is what you want, allow it \
                 with .allow_empty_source(true) (--allow-empty-source in the example)"
            ),
            Refusal::TooManyRemovals {
                package,
                planned,
                cap,
            } => write!(
                f,
                "package {package:?}: the plan removes {planned} assignments, more than the cap \
                 of {cap} (max_removals); {NOTHING}. Review the plan (a dry run) and allow it \
                 with .max_removals({planned}) (max_removals = {planned} in a desired-state \
                 file, --max-removals {planned} in the example)"
            ),
            Refusal::RemovalCeiling {
                package,
                planned,
                ceiling,
            } => write!(
                f,
                "package {package:?}: the plan removes {planned} assignments, more than \
                 {ceiling}, the most one package plan may remove whatever its cap says; \
                 {NOTHING}. Remove them in several reviewed plans"
            ),
            Refusal::TooManyAssignments {
                package,
                after,
                cap,
            } => write!(
                f,
                "package {package:?}: the package would hold {after} assignments, more than the \
                 cap of {cap} set with max_assignments; {NOTHING}. Raise or drop the cap to \
                 allow it"
            ),
            Refusal::PlanVersion { found, expected } => write!(
                f,
                "plan refused: it has format version {found}, this build applies version \
                 {expected} only; {NOTHING}. Plan again with this build"
            ),
            Refusal::PlanBaseUrl { planned, client } => write!(
                f,
                "plan refused: it was made against {planned}, not {client}; {NOTHING}. Plan \
                 again with this client"
            ),
            Refusal::EditedPlan { found, computed } => write!(
                f,
                "plan refused: its items or settings were changed after planning (it carries \
                 digest {found}, its content has {computed}); {NOTHING}. Plan again and \
                 review; to apply an edited plan on purpose, opt in with .allow_edited() \
                 (--allow-edited in the example): every item is still checked"
            ),
            Refusal::StalePlan { changes } => write!(
                f,
                "the plan is stale, the tenant moved since it was made ({}); {NOTHING}. Plan \
                 again and review, or apply with .replan_if_stale()",
                changes
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            Refusal::ItemRefused {
                package,
                person,
                action,
                rule,
            } => write!(
                f,
                "plan refused: its {action} of {person} in package {package:?} {rule}; \
                 {NOTHING}. Plan again and review the new plan"
            ),
        }
    }
}

impl std::error::Error for Refusal {}
