//! The body parts the `adminAdd`, `adminUpdate` and `userAdd` builders
//! share: schedule, justification, answers, the policy to check them
//! against, and (for an administrator's request) the approval intent.

use serde_json::Value;

use super::answers::{resolve, PendingAnswer};
use super::schedule_plan::SchedulePlan;
use crate::error::{Error, Result};
use crate::models::{
    Answer, Assignment, AssignmentPolicy, AssignmentPolicyId, AssignmentRequest,
    AssignmentRequestParameters, QuestionId, RequestType,
};
use crate::request::ApiRequest;

use crate::api::common::EM;

/// The optional parts of a create request.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Draft {
    pub(crate) schedule: SchedulePlan,
    pub(crate) justification: Option<String>,
    pub(crate) answers: Vec<PendingAnswer>,
    pub(crate) policy: Option<Box<AssignmentPolicy>>,
    /// `parameters.bypassApproval` (administrators' requests only).
    pub(crate) bypass_approval: Option<bool>,
}

impl Draft {
    /// `answer(question, value)`: typed from the policy when sending.
    pub(crate) fn add_answer(&mut self, question: QuestionId, value: String) {
        self.answers
            .push(PendingAnswer::ByValue { question, value });
    }

    /// The policy given to check against, after checking it is the one the
    /// request goes through (`policy_id`); `None` when none was given.
    pub(crate) fn known_policy(
        &self,
        policy_id: &AssignmentPolicyId,
    ) -> Result<Option<&AssignmentPolicy>> {
        let Some(policy) = self.policy.as_deref() else {
            return Ok(None);
        };
        if !policy.id.as_str().is_empty() && policy.id != *policy_id {
            return Err(Error::invalid_input(
                "policy",
                format!(
                    "given to check the request against is {}, but the request goes through {policy_id}",
                    policy.id
                ),
            ));
        }
        Ok(Some(policy))
    }

    /// `answers(list)`: replaces every answer given before.
    pub(crate) fn replace_answers(&mut self, answers: Vec<Answer>) {
        self.answers = answers.into_iter().map(PendingAnswer::Ready).collect();
    }

    /// The POST request for `request_type` with `carrier`, after checking
    /// schedule and answers. `require_all` also demands every required
    /// question of a known policy be answered.
    pub(crate) fn post(
        &self,
        request_type: RequestType,
        carrier: Assignment,
        require_all: bool,
    ) -> Result<ApiRequest> {
        let mut body = AssignmentRequest::new(request_type, carrier);
        body.schedule = self.schedule.build()?;
        body.answers = resolve(&self.answers, self.policy.as_deref(), require_all)?;
        body.justification.clone_from(&self.justification);
        body.parameters = self
            .bypass_approval
            .map(AssignmentRequestParameters::bypassing_approval);
        let json: Value =
            serde_json::to_value(&body).map_err(|e| Error::invalid_input("request body", e))?;
        Ok(ApiRequest::post(format!("{EM}/assignmentRequests"), json))
    }
}

/// Generates the schedule, answer, policy and justification setters of a
/// builder that has a `draft: Draft` field. Every optional setting `x(v)`
/// has a `set_x(Option<_>)` beside it: `set_x(Some(v))` is `x(v)`,
/// `set_x(None)` clears it.
macro_rules! draft_setters {
    ($builder:ident) => {
        impl $builder {
            /// When access starts (`schedule.startDateTime`); leave unset for "now".
            pub fn starts_at(self, at: $crate::models::DateTime) -> Self {
                self.set_starts_at(Some(at))
            }

            /// Sets or clears (`None`: "now") the start; see
            /// [`starts_at`](Self::starts_at).
            pub fn set_starts_at(mut self, at: Option<$crate::models::DateTime>) -> Self {
                self.draft.schedule.set_start(at);
                self
            }

            /// When access ends (`expiration.type = afterDateTime`). Must be
            /// after the start; not together with [`duration`](Self::duration).
            pub fn ends_at(self, at: $crate::models::DateTime) -> Self {
                self.set_ends_at(Some(at))
            }

            /// Sets or clears the end; see [`ends_at`](Self::ends_at).
            pub fn set_ends_at(mut self, at: Option<$crate::models::DateTime>) -> Self {
                self.draft.schedule.set_end(at);
                self
            }

            /// How long access lasts (`expiration.type = afterDuration`); not
            /// together with [`ends_at`](Self::ends_at).
            pub fn duration(self, duration: $crate::models::IsoDuration) -> Self {
                self.set_duration(Some(duration))
            }

            /// Sets or clears the duration; see [`duration`](Self::duration).
            pub fn set_duration(mut self, duration: Option<$crate::models::IsoDuration>) -> Self {
                self.draft.schedule.set_duration(duration);
                self
            }

            /// Access never expires (`expiration.type = noExpiration`), if the
            /// policy allows it.
            pub fn no_expiration(mut self) -> Self {
                self.draft.schedule.no_expiration();
                self
            }

            /// A whole schedule, replacing what the schedule setters said before.
            pub fn schedule(self, schedule: $crate::models::Schedule) -> Self {
                self.set_schedule(Some(schedule))
            }

            /// Replaces the schedule with `schedule`, or with `None` clears
            /// everything the schedule setters said (the policy's default
            /// applies); see [`schedule`](Self::schedule).
            pub fn set_schedule(mut self, schedule: Option<$crate::models::Schedule>) -> Self {
                self.draft.schedule.replace_with(schedule);
                self
            }

            /// The justification shown to approvers and kept with the request.
            pub fn justification(self, text: impl Into<String>) -> Self {
                self.set_justification(Some(text.into()))
            }

            /// Sets or clears the justification; see
            /// [`justification`](Self::justification).
            pub fn set_justification(mut self, text: Option<String>) -> Self {
                self.draft.justification = text;
                self
            }

            /// Adds one answer to a question of the policy (appends; see
            /// [`answers`](Self::answers) to replace them all): free text, or
            /// for a multiple-choice question one of its choices (its
            /// `actualValue`, or its display text, which is sent as the
            /// `actualValue`).
            ///
            /// The question's type comes from the policy, so this needs
            /// [`policy`](Self::policy); without it, pass complete answers
            /// ([`Answer::text_input`](crate::models::Answer::text_input),
            /// [`Answer::choice`](crate::models::Answer::choice)) to
            /// [`answers`](Self::answers).
            pub fn answer(
                mut self,
                question_id: impl Into<$crate::models::QuestionId>,
                value: impl Into<String>,
            ) -> Self {
                self.draft.add_answer(question_id.into(), value.into());
                self
            }

            /// Sets the complete answers, **replacing** every answer given
            /// before (by [`answer`](Self::answer) or an earlier `answers`).
            /// Checked against the policy when it is known. An empty list
            /// clears the answers.
            pub fn answers(mut self, answers: Vec<$crate::models::Answer>) -> Self {
                self.draft.replace_answers(answers);
                self
            }

            /// The policy (as read, for example with
            /// [`AssignmentPolicies::get`](crate::api::AssignmentPolicies::get)),
            /// so the request is checked before sending: answers are typed
            /// and checked (unknown question ids, values that are not a
            /// choice and, on add, unanswered required questions are refused
            /// with `InvalidInput`), a `userAdd` also against what the policy
            /// lets a requestor do (see [`UserAdd`](crate::api::UserAdd)).
            /// A policy other than the one the request goes through is
            /// refused too.
            pub fn policy(self, policy: &$crate::models::AssignmentPolicy) -> Self {
                self.set_policy(Some(policy))
            }

            /// Sets or clears (`None`: answers go unchecked) the policy; see
            /// [`policy`](Self::policy).
            pub fn set_policy(mut self, policy: Option<&$crate::models::AssignmentPolicy>) -> Self {
                self.draft.policy = policy.map(|p| Box::new(p.clone()));
                self
            }
        }
    };
}
pub(crate) use draft_setters;

/// The approval intent setters of an administrator's request (`adminAdd`,
/// `adminUpdate`): `parameters.bypassApproval`. `$example` is the builder
/// call of the doc example.
macro_rules! approval_intent_setters {
    ($builder:ident, $example:literal) => {
        /// The approval intent of an administrator's request.
        impl $builder {
            /// Whether Graph is to bypass (`true`) or to apply (`false`) the
            /// approval the policy requires for this request
            /// (`parameters.bypassApproval`, v1.0
            /// `resources/accesspackageassignmentrequestparameters.md`). Left
            /// unset, nothing is sent and the policy decides: under a policy
            /// that requires approval, the request waits in `pendingApproval`
            /// for the approvers
            /// ([`AssignmentRequest::is_pending_approval`](crate::models::AssignmentRequest::is_pending_approval)).
            ///
            /// ```
            /// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
            #[doc = concat!("let req = client.assignment_requests()", $example)]
            ///     .bypass_approval(true)
            ///     .request()?;
            /// assert_eq!(req.body_json().unwrap()["parameters"], serde_json::json!({"bypassApproval": true}));
            /// # Ok::<(), entra_access::Error>(())
            /// ```
            pub fn bypass_approval(self, bypass: bool) -> Self {
                self.set_bypass_approval(Some(bypass))
            }

            /// Sets or clears (`None`: the policy decides, nothing is sent)
            /// the approval intent; see [`bypass_approval`](Self::bypass_approval).
            pub fn set_bypass_approval(mut self, bypass: Option<bool>) -> Self {
                self.draft.bypass_approval = bypass;
                self
            }
        }
    };
}
pub(crate) use approval_intent_setters;
