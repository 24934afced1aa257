//! Graph error codes.

use std::fmt;

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident => $wire:literal ),+ $(,)?) => {
        /// The `code` of a Graph error envelope.
        ///
        /// Graph's code space is open and its casing varies between services,
        /// so known codes are matched ignoring ASCII case and everything else
        /// is kept verbatim in [`Other`](GraphErrorCode::Other). Branch on the
        /// code and the HTTP status, never on the message.
        ///
        /// ```
        /// use entra_access::error::GraphErrorCode;
        ///
        /// assert_eq!(GraphErrorCode::parse("itemNotFound"), GraphErrorCode::ItemNotFound);
        /// assert_eq!(GraphErrorCode::parse("Request_ResourceNotFound"), GraphErrorCode::RequestResourceNotFound);
        /// assert_eq!(GraphErrorCode::parse("SomethingNew").as_str(), "SomethingNew");
        /// ```
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum GraphErrorCode {
            $( $(#[$doc])* $variant, )+
            /// A code this crate does not name, kept as sent.
            Other(String),
        }

        impl GraphErrorCode {
            /// Maps a code as sent by Graph.
            pub fn parse(code: &str) -> Self {
                $( if code.eq_ignore_ascii_case($wire) { return Self::$variant; } )+
                Self::Other(code.to_owned())
            }

            /// The code's canonical spelling.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )+
                    Self::Other(s) => s,
                }
            }
        }
    };
}

codes! {
    /// `accessDenied`: the caller lacks permission.
    AccessDenied => "accessDenied",
    /// `activityLimitReached`.
    ActivityLimitReached => "activityLimitReached",
    /// `generalException`: an unspecified server error.
    GeneralException => "generalException",
    /// `invalidRange`.
    InvalidRange => "invalidRange",
    /// `invalidRequest`: the request is malformed.
    InvalidRequest => "invalidRequest",
    /// `itemNotFound`.
    ItemNotFound => "itemNotFound",
    /// `notAllowed`.
    NotAllowed => "notAllowed",
    /// `notSupported`.
    NotSupported => "notSupported",
    /// `serviceNotAvailable`.
    ServiceNotAvailable => "serviceNotAvailable",
    /// `quotaLimitReached`.
    QuotaLimitReached => "quotaLimitReached",
    /// `unauthenticated`.
    Unauthenticated => "unauthenticated",
    /// `InvalidAuthenticationToken`: missing, expired or bad token.
    InvalidAuthenticationToken => "InvalidAuthenticationToken",
    /// `Authorization_RequestDenied`: the directory refused the call.
    AuthorizationRequestDenied => "Authorization_RequestDenied",
    /// `Request_BadRequest`.
    RequestBadRequest => "Request_BadRequest",
    /// `Request_ResourceNotFound`: a directory object does not exist.
    RequestResourceNotFound => "Request_ResourceNotFound",
    /// `ResourceNotFound`.
    ResourceNotFound => "ResourceNotFound",
    /// `BadRequest`.
    BadRequest => "BadRequest",
    /// `TooManyRequests` (or `throttledRequest`): throttled.
    TooManyRequests => "TooManyRequests",
    /// `invalidQueryOption`: a `$filter`/`$expand`… the service refuses.
    InvalidQueryOption => "invalidQueryOption",
}

impl fmt::Display for GraphErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
