//! Graph's entitlement-management data types.
//!
//! Pure serde types: no IO. Response structs are `#[non_exhaustive]`, every
//! optional Graph property is an `Option`, unknown properties are ignored,
//! arrays sent as `null` read as empty, and every enum keeps values it does
//! not know (see below). Polymorphic values ([`SubjectSet`],
//! [`Question`]) keep unknown subtypes as raw JSON. Relationship properties
//! (`target`, `accessPackage`, …) are `None` unless `$expand`ed.
//!
//! Date-times are [`DateTime`] (UTC; any number of fractional digits and any
//! offset accepted on input, `Z` on output); durations are [`IsoDuration`].
//!
//! Every type has one public path, `models::X`: the enums and the typed ids
//! are defined in private submodules and re-exported here.
//!
//! # Enums
//!
//! Graph sends enum members as camelCase strings and adds members over time
//! (`unknownFutureValue` marks where new ones start). Every enum here
//! ([`AssignmentState`], [`RequestState`], [`RequestType`], …) therefore has
//! an `Unknown(String)` variant: a value this crate does not know yet still
//! parses, and serializes back exactly as received.
//!
//! ```
//! use entra_access::models::AssignmentState;
//!
//! let s: AssignmentState = serde_json::from_str("\"delivered\"").unwrap();
//! assert_eq!(s, AssignmentState::Delivered);
//! let new: AssignmentState = serde_json::from_str("\"somethingNew\"").unwrap();
//! assert_eq!(new, AssignmentState::Unknown("somethingNew".into()));
//! assert_eq!(serde_json::to_string(&new).unwrap(), "\"somethingNew\"");
//! // Humans may type any case; only known members parse from text.
//! assert_eq!("Delivered".parse::<AssignmentState>().unwrap(), AssignmentState::Delivered);
//! assert!("deliverd".parse::<AssignmentState>().is_err());
//! ```

mod access_package;
mod answer;
mod approval;
mod approval_decision_stage;
mod approval_stage;
mod assignment;
mod assignment_policy;
mod assignment_request;
mod assignment_request_parameters;
mod callout;
mod catalog;
mod datetime;
mod directory_object;
mod duration;
pub(crate) mod enums;
pub(crate) mod ids;
mod policy_choice;
mod question;
mod request_subject;
mod schedule;
mod serde_util;
mod subject;
mod subject_set;
mod workflow;

pub use access_package::AccessPackage;
pub use answer::{Answer, AnsweredQuestion};
pub use approval::Approval;
pub use approval_decision_stage::{ApprovalDecisionStage, ApprovalReviewer};
pub use approval_stage::ApprovalStage;
pub use assignment::Assignment;
pub use assignment_policy::{
    ApprovalSettings, AssignmentPolicy, AutomaticRequestSettings, RequestorSettings,
};
pub use assignment_request::AssignmentRequest;
pub use assignment_request_parameters::AssignmentRequestParameters;
pub use callout::CustomExtensionCalloutInstance;
pub use catalog::Catalog;
pub use datetime::{format_datetime, parse_datetime, DateTime, DateTimeParseError};
pub use directory_object::{DirectoryObject, DirectoryObjectKind};
pub use duration::{DurationParseError, IsoDuration};
pub use enums::{
    AllowedTargetScope, ApproverInformationVisibility, AssignmentState, CalloutStatus,
    CatalogState, CatalogType, ConnectedOrganizationState, ExpirationType, RequestState,
    RequestType, SubjectLifecycle, SubjectType, UnknownEnumValue,
};
pub use ids::{
    AccessPackageId, ApprovalStageId, AssignmentId, AssignmentPolicyId, AssignmentRequestId,
    CatalogId, ConnectedOrganizationId, IdProblem, ObjectId, QuestionId, WorkflowId,
};
pub use question::{
    AnswerChoice, LocalizedText, MultipleChoiceQuestion, Question, TextInputQuestion,
};
pub use schedule::{Expiration, ExpirationPattern, Schedule};
pub use subject::{ConnectedOrganization, Subject};
pub use subject_set::{
    ConnectedOrganizationMembers, GroupMembers, RequestorManager, SingleUser, SubjectSet,
};
pub use workflow::{Task, TaskArgument, TaskDefinition, Workflow};
