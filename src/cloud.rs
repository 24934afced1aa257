//! National clouds: which Graph host and which sign-in authority to use.

/// A Microsoft cloud, naming its Graph host and its token authority.
///
/// Tokens are not interchangeable between clouds.
///
/// ```
/// use entra_access::Cloud;
///
/// assert_eq!(Cloud::Global.graph_origin(), "https://graph.microsoft.com");
/// assert_eq!(Cloud::UsGov.authority_host(), "https://login.microsoftonline.us");
/// assert_eq!(Cloud::China.graph_scope(), "https://microsoftgraph.chinacloudapi.cn/.default");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Cloud {
    /// The global service (also GCC "moderate" tenants).
    #[default]
    Global,
    /// US Government L4 (GCC High).
    UsGov,
    /// US Government L5 (DoD).
    UsGovDod,
    /// China, operated by 21Vianet.
    China,
}

impl Cloud {
    /// The Graph origin, such as `https://graph.microsoft.com`.
    pub fn graph_origin(self) -> &'static str {
        match self {
            Self::Global => "https://graph.microsoft.com",
            Self::UsGov => "https://graph.microsoft.us",
            Self::UsGovDod => "https://dod-graph.microsoft.us",
            Self::China => "https://microsoftgraph.chinacloudapi.cn",
        }
    }

    /// The sign-in authority host for client credentials.
    ///
    /// For China, Microsoft's material names two hosts; this returns
    /// `https://login.chinacloudapi.cn`. Set the authority host yourself if your
    /// tenant uses the other.
    pub fn authority_host(self) -> &'static str {
        match self {
            Self::Global => "https://login.microsoftonline.com",
            Self::UsGov | Self::UsGovDod => "https://login.microsoftonline.us",
            Self::China => "https://login.chinacloudapi.cn",
        }
    }

    /// The client-credentials scope for Graph in this cloud (`<origin>/.default`).
    pub fn graph_scope(self) -> String {
        format!("{}/.default", self.graph_origin())
    }
}
