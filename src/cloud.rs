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

    /// Every cloud.
    pub const ALL: [Self; 4] = [Self::Global, Self::UsGov, Self::UsGovDod, Self::China];

    /// The cloud whose Graph host is `url`'s host (`https` only), if any.
    ///
    /// ```
    /// use entra_access::Cloud;
    ///
    /// let us = url::Url::parse("https://graph.microsoft.us/v1.0/").unwrap();
    /// assert_eq!(Cloud::of_graph_url(&us), Some(Cloud::UsGov));
    /// let local = url::Url::parse("http://127.0.0.1:8080").unwrap();
    /// assert_eq!(Cloud::of_graph_url(&local), None);
    /// ```
    pub fn of_graph_url(url: &url::Url) -> Option<Self> {
        let host = url.host_str()?;
        Self::ALL.into_iter().find(|cloud| {
            url.scheme() == "https"
                && cloud
                    .graph_origin()
                    .strip_prefix("https://")
                    .is_some_and(|h| h.eq_ignore_ascii_case(host))
        })
    }
}
