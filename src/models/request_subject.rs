//! Who an assignment request concerns: the one place that decides it.

use super::{AssignmentRequest, ObjectId, RequestType, Subject};

impl AssignmentRequest {
    /// The person this request concerns: the target of its assignment when
    /// the assignment names one, else — for `adminAdd`, `adminUpdate`,
    /// `adminRemove` and `userAdd` requests — its `requestor`, which Graph
    /// documents as "the subject who requested or, if a direct assignment,
    /// was assigned". An open request may carry no assignment yet, so list
    /// requests with `$expand=assignment($expand=target),requestor` to see
    /// both.
    ///
    /// ```
    /// use entra_access::models::AssignmentRequest;
    ///
    /// // An open adminAdd whose assignment does not exist yet.
    /// let r: AssignmentRequest = serde_json::from_str(r#"{
    ///     "id": "r1", "requestType": "adminAdd", "state": "submitted",
    ///     "assignment": null,
    ///     "requestor": {"objectId": "user-1", "subjectType": "user"}
    /// }"#).unwrap();
    /// assert_eq!(r.subject_object_id().unwrap(), "user-1");
    ///
    /// // A system request's requestor is not the person concerned.
    /// let s: AssignmentRequest = serde_json::from_str(r#"{
    ///     "id": "r2", "requestType": "systemRemove",
    ///     "requestor": {"objectId": "someone-else"}
    /// }"#).unwrap();
    /// assert!(s.subject_object_id().is_none());
    /// ```
    pub fn subject_object_id(&self) -> Option<&ObjectId> {
        self.assignment
            .as_ref()
            .and_then(|a| a.target_object_id())
            .or_else(|| self.subject().and_then(|s| s.object_id.as_ref()))
    }

    /// The subject this request concerns, as far as the answer shows it:
    /// the assignment's expanded `target`, else the `requestor` of the
    /// request types where the requestor is the person assigned (see
    /// [`subject_object_id`](Self::subject_object_id)). Use it to compare
    /// e-mail addresses of people not yet in the directory.
    pub fn subject(&self) -> Option<&Subject> {
        if let Some(target) = self.assignment.as_ref().and_then(|a| a.target.as_ref()) {
            return Some(target);
        }
        if self.requestor_is_subject() {
            self.requestor.as_ref()
        } else {
            None
        }
    }

    /// Whether the requestor is the person concerned, by request type.
    fn requestor_is_subject(&self) -> bool {
        matches!(
            self.request_type,
            Some(
                RequestType::AdminAdd
                    | RequestType::AdminUpdate
                    | RequestType::AdminRemove
                    | RequestType::UserAdd
            )
        )
    }

    /// Whether the request asks to give access (`userAdd`, `adminAdd`,
    /// `systemAdd`, `onBehalfAdd`). A request with no type is counted as
    /// one: an open request of unknown type still blocks a second add.
    ///
    /// ```
    /// use entra_access::models::{Assignment, AssignmentRequest, RequestType};
    ///
    /// let add = AssignmentRequest::new(RequestType::AdminAdd, Assignment::existing("a1"));
    /// let remove = AssignmentRequest::new(RequestType::AdminRemove, Assignment::existing("a1"));
    /// assert!(add.is_add() && !add.is_removal());
    /// assert!(remove.is_removal() && !remove.is_add());
    /// ```
    pub fn is_add(&self) -> bool {
        RequestType::may_add(self.request_type.as_ref())
    }

    /// Whether the request asks to take access away (`userRemove`,
    /// `adminRemove`, `systemRemove`).
    pub fn is_removal(&self) -> bool {
        self.request_type
            .as_ref()
            .is_some_and(RequestType::is_removal)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::models::Assignment;

    fn request(json: serde_json::Value) -> AssignmentRequest {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn the_assignment_target_wins_over_the_requestor() {
        let r = request(serde_json::json!({
            "id": "r", "requestType": "adminAdd",
            "assignment": {"id": "a", "target": {"objectId": "target"}},
            "requestor": {"objectId": "requestor"}
        }));
        assert_eq!(r.subject_object_id().unwrap(), "target");
    }

    #[test]
    fn the_requestor_counts_only_for_the_documented_types() {
        for (t, expected) in [
            ("adminAdd", true),
            ("adminUpdate", true),
            ("adminRemove", true),
            ("userAdd", true),
            ("userRemove", false),
            ("systemAdd", false),
            ("systemRemove", false),
            ("onBehalfAdd", false),
        ] {
            let r = request(serde_json::json!({
                "id": "r", "requestType": t, "requestor": {"objectId": "p"}
            }));
            assert_eq!(r.subject_object_id().is_some(), expected, "{t}");
        }
        let untyped = request(serde_json::json!({"id": "r", "requestor": {"objectId": "p"}}));
        assert!(untyped.subject_object_id().is_none());
    }

    #[test]
    fn a_create_carrier_names_its_target() {
        let r = AssignmentRequest::new(
            RequestType::AdminAdd,
            Assignment::for_target("u1", "pol", "pkg"),
        );
        assert_eq!(r.subject_object_id().unwrap(), "u1");
    }
}
