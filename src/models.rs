//! Graph's entitlement-management data types.
//!
//! Pure serde types: no IO. Response structs are `#[non_exhaustive]`, every
//! optional Graph property is an `Option`, unknown properties are ignored, and
//! every enum keeps values it does not know (see [`enums`]).

pub mod enums;
pub mod ids;

pub use enums::{
    AllowedTargetScope, AssignmentState, CalloutStatus, ExpirationType, RequestState, RequestType,
    SubjectType, UnknownEnumValue,
};
pub use ids::{
    AccessPackageId, AssignmentId, AssignmentPolicyId, AssignmentRequestId, CatalogId,
    ConnectedOrganizationId, IdProblem, ObjectId, QuestionId, WorkflowId,
};
