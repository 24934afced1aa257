//! Policy rules checked when a request is created: allowed target scope and
//! required answers.

use serde_json::Value;

use super::reply::GraphErr;
use super::state::{DirKind, DirObject, Policy, State};
use entra_access::models::AllowedTargetScope;

/// Who a new `adminAdd` request is for.
#[derive(Debug, Clone)]
pub(crate) enum Target {
    /// An existing user or service principal.
    Object(DirObject),
    /// Someone not (yet) in the directory, by e-mail address.
    Email(String),
}

fn is_guest(o: &DirObject) -> bool {
    o.user_type
        .as_deref()
        .is_some_and(|t| t.eq_ignore_ascii_case("guest"))
}

/// Whether the policy's `allowedTargetScope` admits the target.
///
/// `notSpecified` and unknown scopes admit everyone; `allMemberUsers` admits
/// non-guest users; `allDirectoryUsers` any user; `specificDirectoryUsers`
/// users listed as `singleUser` or reached (transitively) through a listed
/// `groupMembers` group; the service-principal scopes admit service
/// principals (the specific one only those listed); the external and
/// connected-organization scopes admit e-mail targets and guests.
pub(crate) fn allows(st: &State, policy: &Policy, target: &Target) -> bool {
    use AllowedTargetScope as S;
    let listed = |o: &DirObject| {
        policy.specific_users.contains(&o.id)
            || policy
                .specific_groups
                .iter()
                .any(|g| st.members(g.as_str(), true).contains(&o.id))
    };
    match (&policy.scope, target) {
        (S::NotSpecified | S::UnknownFutureValue | S::Unknown(_), _) => true,
        (S::AllMemberUsers, Target::Object(o)) => o.kind == DirKind::User && !is_guest(o),
        (S::AllDirectoryUsers, Target::Object(o)) => o.kind == DirKind::User,
        (S::SpecificDirectoryUsers, Target::Object(o)) => o.kind == DirKind::User && listed(o),
        (S::AllDirectoryServicePrincipals, Target::Object(o)) => {
            o.kind == DirKind::ServicePrincipal
        }
        (S::SpecificDirectoryServicePrincipals, Target::Object(o)) => {
            o.kind == DirKind::ServicePrincipal && listed(o)
        }
        (
            S::AllExternalUsers
            | S::AllConfiguredConnectedOrganizationUsers
            | S::SpecificConnectedOrganizationUsers,
            Target::Object(o),
        ) => o.kind == DirKind::User && is_guest(o),
        (
            S::AllExternalUsers
            | S::AllConfiguredConnectedOrganizationUsers
            | S::SpecificConnectedOrganizationUsers,
            Target::Email(_),
        ) => true,
        // The fake holds no agent identities.
        (S::AllDirectoryAgentIdentities, Target::Object(_)) => false,
        (_, Target::Email(_)) => false,
        // A scope added to the crate after this fake: nobody matches it.
        (_, Target::Object(_)) => false,
    }
}

/// Every required question of the policy must have an answer whose
/// `answeredQuestion.id` names it.
pub(crate) fn check_answers(policy: &Policy, body: &Value) -> Result<(), GraphErr> {
    let answered: Vec<&str> = body
        .get("answers")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.get("answeredQuestion")?.get("id")?.as_str())
                .collect()
        })
        .unwrap_or_default();
    match policy
        .questions
        .iter()
        .find(|q| q.required && !answered.contains(&q.id.as_str()))
    {
        Some(q) => Err(GraphErr::new(
            400,
            "MissingRequiredAnswers",
            format!(
                "The policy requires an answer to question '{}' ({}).",
                q.id, q.text
            ),
        )),
        None => Ok(()),
    }
}
