//! Approvals of assignment requests
//! (`/identityGovernance/entitlementManagement/accessPackageAssignmentApprovals`):
//! list what waits for the signed-in user, read stages, approve or deny.
//!
//! Every call here is **delegated-only**: Graph's permission tables say
//! "Application: Not supported", so an app-only token gets 403
//! ([`Error::is_forbidden`]). Sign in as the approver, for example with
//! [`DeviceCode`](crate::auth::DeviceCode).

use std::sync::Arc;

use http::Method;
use serde_json::json;

use super::common::{checked, EM};
use super::{Get, List};
use crate::error::{Error, Result};
use crate::models::{
    Approval, ApprovalDecisionStage, ApprovalStage, ApprovalStageId, AssignmentRequestId,
};
use crate::request::ApiRequest;
use crate::transport::Transport;

/// An approver's decision on a stage: the `reviewResult` a decision sends
/// (`approvalstage-update.md`: `Approve` or `Deny`). The stage then reads
/// back `Approved` or `Denied`
/// ([`ApprovalDecisionStage::is_approved`], [`is_denied`](ApprovalDecisionStage::is_denied)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Decision {
    /// `Approve`.
    Approve,
    /// `Deny`.
    Deny,
}

impl Decision {
    /// The value sent: `Approve` or `Deny`.
    ///
    /// ```
    /// assert_eq!(entra_access::api::Decision::Deny.as_str(), "Deny");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Approve => "Approve",
            Self::Deny => "Deny",
        }
    }
}

/// Approvals of assignment requests; see [`Client::approvals`](crate::Client::approvals).
/// An approval's id is the id of the request it decides.
///
/// ```
/// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
/// let req = client.approvals().list_mine().request()?;
/// assert_eq!(
///     req.path(),
///     "identityGovernance/entitlementManagement/accessPackageAssignmentApprovals/filterByCurrentUser(on='approver')"
/// );
/// # Ok::<(), entra_access::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Approvals {
    transport: Arc<Transport>,
}

const APPROVALS: &str = "accessPackageAssignmentApprovals";

impl Approvals {
    pub(crate) fn new(transport: Arc<Transport>) -> Self {
        Self { transport }
    }

    /// The approvals the signed-in user is an approver of
    /// (`filterByCurrentUser(on='approver')`), one per request. Delegated only.
    ///
    /// ```no_run
    /// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
    /// for approval in client.approvals().list_mine().collect().await? {
    ///     println!("{}", approval.request_id());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_mine(&self) -> List<Approval> {
        List::new(
            Arc::clone(&self.transport),
            Ok(format!(
                "{EM}/{APPROVALS}/filterByCurrentUser(on='approver')"
            )),
        )
    }

    /// One approval with its stages (Graph's get returns them inline).
    /// Unknown id: 404 ([`Error::is_not_found`]). Delegated only.
    ///
    /// ```
    /// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
    /// let req = client.approvals().get("req-1").request()?;
    /// assert_eq!(req.path(), "identityGovernance/entitlementManagement/accessPackageAssignmentApprovals/req-1");
    /// assert!(client.approvals().get("a/b").request().unwrap_err().is_invalid_input());
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn get(&self, id: impl Into<AssignmentRequestId>) -> Get<Approval> {
        let id = id.into();
        let path = checked(&id, "approval id").map(|id| format!("{EM}/{APPROVALS}/{id}"));
        Get::new(Arc::clone(&self.transport), path)
    }

    /// The stages of an approval. Delegated only.
    ///
    /// ```
    /// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
    /// let req = client.approvals().stages("req-1").request()?;
    /// assert!(req.path().ends_with("/accessPackageAssignmentApprovals/req-1/stages"));
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn stages(&self, id: impl Into<AssignmentRequestId>) -> List<ApprovalDecisionStage> {
        let id = id.into();
        let path = checked(&id, "approval id").map(|id| format!("{EM}/{APPROVALS}/{id}/stages"));
        List::new(Arc::clone(&self.transport), path)
    }

    /// Approves stage `stage_id` of approval `id`. See [`DecideStage`].
    ///
    /// ```
    /// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
    /// let req = client.approvals().approve("req-1", "stage-1").justification("OK").request()?;
    /// assert_eq!(req.method(), &http::Method::PATCH);
    /// assert_eq!(
    ///     req.body_json().unwrap(),
    ///     &serde_json::json!({"reviewResult": "Approve", "justification": "OK"})
    /// );
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn approve(
        &self,
        id: impl Into<AssignmentRequestId>,
        stage_id: impl Into<ApprovalStageId>,
    ) -> DecideStage {
        DecideStage::new(
            Arc::clone(&self.transport),
            id.into(),
            Some(stage_id.into()),
            Decision::Approve,
        )
    }

    /// Denies stage `stage_id` of approval `id`. See [`DecideStage`].
    ///
    /// ```
    /// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
    /// let req = client.approvals().deny("req-1", "stage-1").request()?;
    /// assert_eq!(req.body_json().unwrap(), &serde_json::json!({"reviewResult": "Deny"}));
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn deny(
        &self,
        id: impl Into<AssignmentRequestId>,
        stage_id: impl Into<ApprovalStageId>,
    ) -> DecideStage {
        DecideStage::new(
            Arc::clone(&self.transport),
            id.into(),
            Some(stage_id.into()),
            Decision::Deny,
        )
    }

    /// Decides the stage of approval `id` that waits for the signed-in user:
    /// [`send`](DecideStage::send) first reads the stages, then patches the
    /// one [`is_pending_for_me`](ApprovalDecisionStage::is_pending_for_me)
    /// (assigned to the user, `InProgress`, `NotReviewed`). When none waits
    /// for the user (another approver's stage, a stage still
    /// `Initializing`, or all decided) nothing is patched and the error says
    /// so.
    ///
    /// ```
    /// use entra_access::api::Decision;
    /// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
    /// let decide = client.approvals().decide_mine("req-1", Decision::Approve).justification("OK");
    /// // Which stage is known only after reading the stages:
    /// assert!(decide.request().unwrap_err().is_invalid_input());
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn decide_mine(
        &self,
        id: impl Into<AssignmentRequestId>,
        decision: Decision,
    ) -> DecideStage {
        DecideStage::new(Arc::clone(&self.transport), id.into(), None, decision)
    }
}

/// Approve or deny one stage of an approval
/// (`PATCH …/accessPackageAssignmentApprovals/{id}/stages/{stageId}` with
/// `reviewResult` and `justification`; Graph answers 204). Delegated only.
///
/// Refused before sending ([`Error::is_invalid_input`]): an id with
/// characters that cannot go in a path; an empty or blank justification
/// (leave it out instead); no justification when
/// [`require_justification`](Self::require_justification) or the policy
/// stage given to [`policy_stage`](Self::policy_stage) asks for one. Graph
/// documents no maximum length for the justification, so none is enforced.
///
/// From Graph: 404 for an unknown approval or stage, 403 when the user is
/// not an approver of the stage (or the token is app-only), 409 when the
/// stage was already decided (see [`Error::status`]); a 400 when the stage
/// requires a justification and none was sent. Not retried.
#[derive(Clone, Debug)]
#[must_use = "a decision does nothing until sent"]
pub struct DecideStage {
    transport: Arc<Transport>,
    approval: AssignmentRequestId,
    stage: Option<ApprovalStageId>,
    decision: Decision,
    justification: Option<String>,
    justification_required: bool,
}

impl DecideStage {
    fn new(
        transport: Arc<Transport>,
        approval: AssignmentRequestId,
        stage: Option<ApprovalStageId>,
        decision: Decision,
    ) -> Self {
        Self {
            transport,
            approval,
            stage,
            decision,
            justification: None,
            justification_required: false,
        }
    }

    /// The approver's justification.
    ///
    /// ```
    /// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
    /// let blank = client.approvals().deny("r", "s").justification("  ").request();
    /// assert!(blank.unwrap_err().is_invalid_input());
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn justification(self, text: impl Into<String>) -> Self {
        self.set_justification(Some(text.into()))
    }

    /// Sets or clears (`None`) the justification; see
    /// [`justification`](Self::justification).
    pub fn set_justification(mut self, text: Option<String>) -> Self {
        self.justification = text;
        self
    }

    /// Refuses to send without a justification (the stage's policy sets
    /// `isApproverJustificationRequired`).
    ///
    /// ```
    /// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
    /// let err = client.approvals().approve("r", "s").require_justification().request().unwrap_err();
    /// assert!(err.is_invalid_input());
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn require_justification(mut self) -> Self {
        self.justification_required = true;
        self
    }

    /// Takes `isApproverJustificationRequired` from the policy's stage
    /// settings.
    ///
    /// ```
    /// use entra_access::models::ApprovalStage;
    /// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
    /// let settings: ApprovalStage =
    ///     serde_json::from_str(r#"{"isApproverJustificationRequired": true}"#).unwrap();
    /// let err = client.approvals().approve("r", "s").policy_stage(&settings).request().unwrap_err();
    /// assert!(err.is_invalid_input());
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn policy_stage(mut self, settings: &ApprovalStage) -> Self {
        if settings.is_approver_justification_required == Some(true) {
            self.justification_required = true;
        }
        self
    }

    /// The decision.
    ///
    /// ```
    /// use entra_access::api::Decision;
    /// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
    /// assert_eq!(client.approvals().deny("r", "s").decision(), Decision::Deny);
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn decision(&self) -> Decision {
        self.decision
    }

    /// The PATCH this builder sends (no IO), or the `InvalidInput` error
    /// that keeps it from being sent. For
    /// [`decide_mine`](Approvals::decide_mine) the stage is found only when
    /// sending, so this is an error there.
    ///
    /// ```
    /// # let client = entra_access::Client::builder().token_provider(entra_access::auth::StaticToken::new("t")).build()?;
    /// let req = client.approvals().deny("req-1", "stage-9").request()?;
    /// assert_eq!(
    ///     req.path(),
    ///     "identityGovernance/entitlementManagement/accessPackageAssignmentApprovals/req-1/stages/stage-9"
    /// );
    /// # Ok::<(), entra_access::Error>(())
    /// ```
    pub fn request(&self) -> Result<ApiRequest> {
        match &self.stage {
            Some(stage) => self.patch_for(stage),
            None => Err(Error::invalid_input(
                "stage id",
                "is found when sending (decide_mine reads the stages first)",
            )),
        }
    }

    fn patch_for(&self, stage: &ApprovalStageId) -> Result<ApiRequest> {
        let approval = checked(&self.approval, "approval id")?;
        let stage = checked(stage, "approval stage id")?;
        let mut body = json!({ "reviewResult": self.decision.as_str() });
        match &self.justification {
            Some(text) if text.trim().is_empty() => {
                return Err(Error::invalid_input(
                    "justification",
                    "is empty; give a reason or leave the justification out",
                ))
            }
            Some(text) => body["justification"] = json!(text),
            None if self.justification_required => {
                return Err(Error::invalid_input(
                    "justification",
                    "is required by this approval stage; set one with .justification(…)",
                ))
            }
            None => {}
        }
        Ok(ApiRequest::new(
            Method::PATCH,
            format!("{EM}/{APPROVALS}/{approval}/stages/{stage}"),
        )
        .body(body))
    }

    /// Sends the decision (once; a PATCH is not retried except on 429).
    /// For [`decide_mine`](Approvals::decide_mine), reads the stages first
    /// and returns the stage decided.
    ///
    /// ```no_run
    /// # async fn demo(client: entra_access::Client) -> entra_access::Result<()> {
    /// let stage = client.approvals().approve("req-1", "stage-1").justification("OK").send().await?;
    /// assert_eq!(stage, "stage-1");
    /// # Ok(()) }
    /// ```
    pub async fn send(self) -> Result<String> {
        let stage = match &self.stage {
            Some(stage) => stage.clone(),
            None => {
                // Check what can be checked before any IO.
                self.patch_for(&ApprovalStageId::new("pending"))?;
                let stages = Approvals::new(Arc::clone(&self.transport))
                    .stages(self.approval.clone())
                    .collect()
                    .await?;
                match stages.iter().find(|s| s.is_pending_for_me()) {
                    Some(s) => ApprovalStageId::new(s.id.clone()),
                    None => {
                        return Err(Error::invalid_input(
                            "approval id",
                            format!(
                                "{}: no stage waits for the signed-in user ({} stage(s): {})",
                                self.approval,
                                stages.len(),
                                describe(&stages)
                            ),
                        ))
                    }
                }
            }
        };
        let req = self.patch_for(&stage)?;
        self.transport.send(&req).await?;
        Ok(stage.into_inner())
    }
}

/// "stage-1 Completed/Approved (another approver's)…" for the error above.
fn describe(stages: &[ApprovalDecisionStage]) -> String {
    stages
        .iter()
        .map(|s| {
            format!(
                "{} {}/{}{}",
                s.id,
                s.status.as_deref().unwrap_or("?"),
                s.review_result.as_deref().unwrap_or("?"),
                if s.assigned_to_me == Some(true) {
                    ""
                } else {
                    " (another approver's)"
                }
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}
