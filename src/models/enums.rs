//! The Graph enumerations used by entitlement management, re-exported at
//! [`crate::models`] (see "Enums" there).

use std::fmt;

/// Returned by `FromStr` on an enum when the text names no known member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownEnumValue {
    /// The enum's name, such as `AssignmentState`.
    pub enum_name: &'static str,
    /// The text that did not match.
    pub value: String,
    /// The members that would have matched.
    pub expected: &'static [&'static str],
}

impl fmt::Display for UnknownEnumValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is not a known {} (expected one of: {})",
            self.value,
            self.enum_name,
            self.expected.join(", ")
        )
    }
}

impl std::error::Error for UnknownEnumValue {}

macro_rules! graph_enum {
    (
        $(#[$doc:meta])*
        $name:ident {
            $( $(#[$vdoc:meta])* $variant:ident => $wire:literal ),+ $(,)?
        }
    ) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, Debug)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vdoc])* $variant, )+
            /// A member this crate does not know, kept exactly as Graph sent it.
            Unknown(String),
        }

        impl $name {
            /// The wire spellings of the known members, in Graph's order.
            pub const KNOWN: &'static [&'static str] = &[$($wire),+];

            /// The member as Graph spells it on the wire (camelCase).
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )+
                    Self::Unknown(s) => s.as_str(),
                }
            }

            /// Maps a wire value exactly; anything else becomes `Unknown`.
            pub fn from_wire(s: &str) -> Self {
                match s {
                    $( $wire => Self::$variant, )+
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = UnknownEnumValue;

            /// Parses a known member, ignoring ASCII case (`Delivered` and
            /// `delivered` both work). Unknown text is an error, so a typo in
            /// a command-line flag is never silently accepted.
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $( if s.eq_ignore_ascii_case($wire) { return Ok(Self::$variant); } )+
                Err(UnknownEnumValue {
                    enum_name: stringify!($name),
                    value: s.to_owned(),
                    expected: Self::KNOWN,
                })
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Visitor;
                impl serde::de::Visitor<'_> for Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str(concat!("a ", stringify!($name), " string"))
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<$name, E> {
                        Ok($name::from_wire(v))
                    }
                }
                deserializer.deserialize_str(Visitor)
            }
        }
    };
}

graph_enum!(
    /// `accessPackageAssignmentState`: where an assignment stands.
    AssignmentState {
        /// Being delivered.
        Delivering => "delivering",
        /// Some resources were delivered, some failed.
        PartiallyDelivered => "partiallyDelivered",
        /// The target holds the access.
        Delivered => "delivered",
        /// The assignment ended.
        Expired => "expired",
        /// Delivery failed.
        DeliveryFailed => "deliveryFailed",
        /// Graph's marker for members added later.
        UnknownFutureValue => "unknownFutureValue",
    }
);

impl AssignmentState {
    /// The states in which the target holds the access package: delivered,
    /// delivering, partially delivered. The crate's one definition: bulk
    /// and sync planning, the re-check after a lost answer, idempotent
    /// sends and the reports all use it, so a person partially delivered
    /// is never sent a second add.
    ///
    /// ```
    /// use entra_access::models::AssignmentState;
    /// assert!(AssignmentState::PartiallyDelivered.is_held());
    /// assert!(!AssignmentState::DeliveryFailed.is_held());
    /// assert!(!AssignmentState::HELD.contains(&AssignmentState::Expired));
    /// ```
    pub const HELD: [AssignmentState; 3] =
        [Self::Delivered, Self::Delivering, Self::PartiallyDelivered];

    /// Whether the target holds the package (one of [`Self::HELD`]).
    pub fn is_held(&self) -> bool {
        Self::HELD.contains(self)
    }
}

graph_enum!(
    /// `accessPackageRequestState`: where an assignment request stands.
    RequestState {
        /// Accepted, not yet processed.
        Submitted => "submitted",
        /// Waiting for an approver.
        PendingApproval => "pendingApproval",
        /// Being delivered.
        Delivering => "delivering",
        /// Delivered (final).
        Delivered => "delivered",
        /// Delivery failed (final).
        DeliveryFailed => "deliveryFailed",
        /// Denied by an approver (final).
        Denied => "denied",
        /// Waiting for its start date.
        Scheduled => "scheduled",
        /// Canceled (final).
        Canceled => "canceled",
        /// Partly delivered (final).
        PartiallyDelivered => "partiallyDelivered",
        /// Graph's marker for members added later.
        UnknownFutureValue => "unknownFutureValue",
    }
);

impl RequestState {
    /// Whether Graph will not move the request any further: delivered,
    /// delivery failed, denied, canceled or partially delivered.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            Self::Delivered
                | Self::DeliveryFailed
                | Self::Denied
                | Self::Canceled
                | Self::PartiallyDelivered
        )
    }

    /// The states of a request Graph is still working on: submitted,
    /// pending approval, delivering or scheduled. Graph refuses a second
    /// request for a person while one of these is open.
    ///
    /// ```
    /// use entra_access::models::RequestState;
    /// assert!(RequestState::OPEN.contains(&RequestState::Scheduled));
    /// assert!(!RequestState::Denied.is_open());
    /// ```
    pub const OPEN: [RequestState; 4] = [
        Self::Submitted,
        Self::PendingApproval,
        Self::Delivering,
        Self::Scheduled,
    ];

    /// Whether the request is still being worked on (one of [`Self::OPEN`]).
    pub fn is_open(&self) -> bool {
        Self::OPEN.contains(self)
    }
}

graph_enum!(
    /// `accessPackageRequestType`: what a request asks for. `admin*` types are
    /// direct assignments by an administrator or application.
    RequestType {
        /// Not specified.
        NotSpecified => "notSpecified",
        /// The target asks for access.
        UserAdd => "userAdd",
        /// The target asks to change (extend) access.
        UserUpdate => "userUpdate",
        /// The target gives up access.
        UserRemove => "userRemove",
        /// An administrator assigns directly.
        AdminAdd => "adminAdd",
        /// An administrator changes an assignment.
        AdminUpdate => "adminUpdate",
        /// An administrator removes an assignment.
        AdminRemove => "adminRemove",
        /// Created by the service (auto-assignment).
        SystemAdd => "systemAdd",
        /// Changed by the service.
        SystemUpdate => "systemUpdate",
        /// Removed by the service (expiry, leaving scope).
        SystemRemove => "systemRemove",
        /// Documented by Graph as not supported.
        OnBehalfAdd => "onBehalfAdd",
        /// Graph's marker for members added later.
        UnknownFutureValue => "unknownFutureValue",
        /// An approver removed the assignment (added after `unknownFutureValue`).
        ApproverRemove => "approverRemove",
    }
);

impl RequestType {
    /// Whether a request of this type asks for an assignment to be
    /// created: `adminAdd`, `userAdd`, `systemAdd`, `onBehalfAdd`.
    ///
    /// ```
    /// use entra_access::models::RequestType;
    /// assert!(RequestType::SystemAdd.is_add());
    /// assert!(!RequestType::AdminUpdate.is_add());
    /// ```
    pub fn is_add(&self) -> bool {
        matches!(
            self,
            Self::AdminAdd | Self::UserAdd | Self::SystemAdd | Self::OnBehalfAdd
        )
    }

    /// Whether a request of this type asks to take access away
    /// (`userRemove`, `adminRemove`, `systemRemove`).
    pub fn is_removal(&self) -> bool {
        matches!(
            self,
            Self::AdminRemove | Self::UserRemove | Self::SystemRemove
        )
    }

    /// Whether a request whose type is `request_type` blocks a second add:
    /// an add, or a request of unknown type (it may be one).
    pub fn may_add(request_type: Option<&RequestType>) -> bool {
        request_type.is_none_or(RequestType::is_add)
    }
}

graph_enum!(
    /// `expirationPatternType`: how an assignment ends.
    ExpirationType {
        /// Not specified (the policy decides).
        NotSpecified => "notSpecified",
        /// Never expires.
        NoExpiration => "noExpiration",
        /// Ends at `endDateTime`.
        AfterDateTime => "afterDateTime",
        /// Ends after `duration`.
        AfterDuration => "afterDuration",
    }
);

graph_enum!(
    /// `allowedTargetScope`: who may be assigned through a policy.
    AllowedTargetScope {
        /// Not specified.
        NotSpecified => "notSpecified",
        /// Listed directory users only.
        SpecificDirectoryUsers => "specificDirectoryUsers",
        /// Users of listed connected organizations.
        SpecificConnectedOrganizationUsers => "specificConnectedOrganizationUsers",
        /// Listed service principals.
        SpecificDirectoryServicePrincipals => "specificDirectoryServicePrincipals",
        /// All member users (not guests).
        AllMemberUsers => "allMemberUsers",
        /// All users in the directory, guests included.
        AllDirectoryUsers => "allDirectoryUsers",
        /// All service principals.
        AllDirectoryServicePrincipals => "allDirectoryServicePrincipals",
        /// Users of any configured connected organization.
        AllConfiguredConnectedOrganizationUsers => "allConfiguredConnectedOrganizationUsers",
        /// Any external user, even one not yet in the directory.
        AllExternalUsers => "allExternalUsers",
        /// All agent identities in the directory.
        AllDirectoryAgentIdentities => "allDirectoryAgentIdentities",
        /// Graph's marker for members added later.
        UnknownFutureValue => "unknownFutureValue",
    }
);

graph_enum!(
    /// `accessPackageSubjectType`: what kind of principal a subject is.
    SubjectType {
        /// Not specified.
        NotSpecified => "notSpecified",
        /// A user.
        User => "user",
        /// A service principal.
        ServicePrincipal => "servicePrincipal",
        /// Graph's marker for members added later.
        UnknownFutureValue => "unknownFutureValue",
    }
);

graph_enum!(
    /// `accessPackageSubjectLifecycle`: whether entitlement management
    /// governs a subject's lifecycle (for external users: blocking and
    /// deleting them when their last assignment ends).
    SubjectLifecycle {
        /// Not defined.
        NotDefined => "notDefined",
        /// Not governed.
        NotGoverned => "notGoverned",
        /// Governed.
        Governed => "governed",
        /// Graph's marker for members added later.
        UnknownFutureValue => "unknownFutureValue",
    }
);

graph_enum!(
    /// `approverInformationVisibility`: whether requestors see who approves
    /// a stage.
    ApproverInformationVisibility {
        /// The tenant default.
        Default => "default",
        /// Approvers are not shown.
        NotVisible => "notVisible",
        /// Approvers are shown.
        Visible => "visible",
        /// Graph's marker for members added later.
        UnknownFutureValue => "unknownFutureValue",
    }
);

graph_enum!(
    /// `customExtensionCalloutInstanceStatus`: how a custom-extension (Logic
    /// App) call went.
    CalloutStatus {
        /// The call was sent.
        CalloutSent => "calloutSent",
        /// The extension called back.
        CallbackReceived => "callbackReceived",
        /// The call failed.
        CalloutFailed => "calloutFailed",
        /// The extension did not call back in time.
        CallbackTimedOut => "callbackTimedOut",
        /// Waiting for the extension to call back.
        WaitingForCallback => "waitingForCallback",
        /// Graph's marker for members added later.
        UnknownFutureValue => "unknownFutureValue",
    }
);

graph_enum!(
    /// `accessPackageCatalogType`: who manages a catalog.
    CatalogType {
        /// Created and managed by users.
        UserManaged => "userManaged",
        /// The tenant's default catalog.
        ServiceDefault => "serviceDefault",
        /// Managed by a service.
        ServiceManaged => "serviceManaged",
        /// Graph's marker for members added later.
        UnknownFutureValue => "unknownFutureValue",
    }
);

graph_enum!(
    /// `accessPackageCatalogState`: whether a catalog's packages can be requested.
    CatalogState {
        /// Not published.
        Unpublished => "unpublished",
        /// Published.
        Published => "published",
        /// Graph's marker for members added later.
        UnknownFutureValue => "unknownFutureValue",
    }
);

graph_enum!(
    /// `connectedOrganizationState`: whether a connected organization is set up.
    ConnectedOrganizationState {
        /// Configured by an administrator.
        Configured => "configured",
        /// Proposed automatically (a user from it requested access).
        Proposed => "proposed",
        /// Graph's marker for members added later.
        UnknownFutureValue => "unknownFutureValue",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_members_round_trip_unchanged() {
        for wire in RequestState::KNOWN {
            let v: RequestState = serde_json::from_str(&format!("\"{wire}\"")).unwrap();
            assert!(!matches!(v, RequestState::Unknown(_)), "{wire}");
            assert_eq!(serde_json::to_string(&v).unwrap(), format!("\"{wire}\""));
        }
    }

    #[test]
    fn unknown_values_are_kept_verbatim() {
        let v: AllowedTargetScope = serde_json::from_str("\"Delivered\"").unwrap();
        assert_eq!(v, AllowedTargetScope::Unknown("Delivered".into()));
        assert_eq!(serde_json::to_string(&v).unwrap(), "\"Delivered\"");
    }

    #[test]
    fn from_str_ignores_case_and_names_the_choices() {
        assert_eq!(
            "DELIVERYFAILED".parse::<RequestState>().unwrap(),
            RequestState::DeliveryFailed
        );
        let err = "nope".parse::<SubjectType>().unwrap_err();
        assert!(err.to_string().contains("servicePrincipal"), "{err}");
    }

    #[test]
    fn final_states() {
        assert!(RequestState::Denied.is_final());
        assert!(!RequestState::Submitted.is_final());
        assert!(RequestState::Scheduled.is_open());
        assert!(!RequestState::Unknown("x".into()).is_final());
    }
}
