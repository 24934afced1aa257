//! The doctor on FakeGraph: one misconfiguration per test, each diagnosed
//! exactly, each within one request per capability and none of them a
//! write; the bad inputs (a token that is not a JWT, a JWT with unexpected
//! claims, a probe that times out) give `Unknown` with the reason; and
//! `docs/permissions.md` is the permission table as the crate holds it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use async_trait::async_trait;
use entra_access::auth::{AccessToken, AuthError, StaticToken, TokenProvider};
use entra_access::doctor::{Capability, Diagnosis, PermissionKind, TokenFacts, TokenKind, Verdict};
use entra_access::Client;
use entra_access_fake::{
    directory_roles, AccessPackageSeed, FakeGraph, Licence, TokenSpec, UserAccess, UserSeed,
};

use Capability::{Approve, Assign, Groups, Lifecycle, List, SelfService, Users};

/// What the fake received from the doctor: method and path of every Graph call.
fn graph_calls(fake: &FakeGraph) -> Vec<(String, String)> {
    fake.received()
        .into_iter()
        .filter(|r| r.path.starts_with("/v1.0/"))
        .map(|r| (r.method, r.path))
        .collect()
}

/// Diagnoses `need` with `client` and checks the doctor's manners: at most
/// one read per capability, every one a GET, as many as it says it sent.
async fn diagnose(fake: &FakeGraph, client: &Client, need: &[Capability]) -> Diagnosis {
    let before = graph_calls(fake).len();
    let d = client
        .doctor()
        .need(need.iter().copied())
        .send()
        .await
        .unwrap();
    let calls = graph_calls(fake).split_off(before);
    assert!(calls.len() <= need.len(), "{calls:?}");
    assert_eq!(calls.len(), d.probes_sent(), "{calls:?}");
    assert!(calls.iter().all(|(m, _)| m == "GET"), "a write: {calls:?}");
    assert_eq!(d.findings().len(), need.len());
    d
}

fn verdict(d: &Diagnosis, c: Capability) -> &Verdict {
    d.verdict(c)
        .unwrap_or_else(|| panic!("no verdict for {c}: {d:?}"))
}

fn missing(name: &str, kind: PermissionKind) -> Verdict {
    Verdict::MissingPermission {
        name: name.into(),
        kind,
    }
}

async fn fake_with_user() -> (FakeGraph, entra_access::models::ObjectId) {
    let fake = FakeGraph::builder().manual_progress().start().await;
    fake.add_access_package(AccessPackageSeed::new("Marketing"));
    let ada = fake.add_user(UserSeed::new("Ada Lovelace"));
    (fake, ada)
}

#[tokio::test]
async fn an_app_with_read_but_not_readwrite_misses_readwrite_for_assign() {
    let (fake, _) = fake_with_user().await;
    fake.set_application_permissions(["EntitlementManagement.Read.All"]);
    let d = diagnose(&fake, &fake.client().unwrap(), &[List, Assign]).await;
    assert_eq!(verdict(&d, List), &Verdict::Ok);
    assert_eq!(
        verdict(&d, Assign),
        &missing(
            "EntitlementManagement.ReadWrite.All",
            PermissionKind::Application
        )
    );
    // The token answered assign; list was confirmed with one read.
    assert_eq!(d.probes_sent(), 1);
    let claims = d.token().claims().unwrap();
    assert_eq!(claims.kind, TokenKind::Application);
    assert_eq!(claims.roles, ["EntitlementManagement.Read.All"]);
    assert_eq!(claims.tenant.as_deref(), Some(fake.tenant_id().as_str()));
    assert_eq!(claims.app_id.as_deref(), Some(fake.client_id().as_str()));
    let fix = verdict(&d, Assign).fix().unwrap();
    assert!(fix.contains("admin consent"), "{fix}");
}

#[tokio::test]
async fn no_group_member_permission() {
    let (fake, ada) = fake_with_user().await;
    fake.set_application_permissions(["EntitlementManagement.ReadWrite.All", "User.Read.All"]);
    let d = diagnose(&fake, &fake.client().unwrap(), &[Groups]).await;
    assert_eq!(
        verdict(&d, Groups),
        &missing("GroupMember.Read.All", PermissionKind::Application)
    );
    assert_eq!(d.probes_sent(), 0);

    fake.set_user_access(
        &ada,
        UserAccess::everything().scopes(["EntitlementManagement.ReadWrite.All"]),
    );
    let d = diagnose(&fake, &fake.delegated_client_for(&ada).unwrap(), &[Groups]).await;
    assert_eq!(
        verdict(&d, Groups),
        &missing("GroupMember.Read.All", PermissionKind::Delegated)
    );
}

#[tokio::test]
async fn no_user_read_permission() {
    let (fake, ada) = fake_with_user().await;
    fake.set_application_permissions([
        "EntitlementManagement.ReadWrite.All",
        "GroupMember.Read.All",
    ]);
    let d = diagnose(&fake, &fake.client().unwrap(), &[Users, Groups]).await;
    assert_eq!(
        verdict(&d, Users),
        &missing("User.Read.All", PermissionKind::Application)
    );
    assert_eq!(verdict(&d, Groups), &Verdict::Ok);

    fake.set_user_access(
        &ada,
        UserAccess::everything().scopes(["GroupMember.Read.All"]),
    );
    let d = diagnose(&fake, &fake.delegated_client_for(&ada).unwrap(), &[Users]).await;
    assert_eq!(
        verdict(&d, Users),
        &missing("User.ReadBasic.All", PermissionKind::Delegated)
    );
}

#[tokio::test]
async fn a_catalog_scoped_admin() {
    let (fake, ada) = fake_with_user().await;
    fake.set_catalog_scoped(true);
    fake.set_user_access(
        &ada,
        UserAccess::new()
            .scopes(["EntitlementManagement.ReadWrite.All"])
            .directory_roles([directory_roles::USER]),
    );
    let d = diagnose(
        &fake,
        &fake.delegated_client_for(&ada).unwrap(),
        &[List, Assign],
    )
    .await;
    for c in [List, Assign] {
        assert!(
            matches!(verdict(&d, c), Verdict::CatalogScopedOnly { tenant_wide } if tenant_wide.contains("Identity Governance Administrator") || tenant_wide.contains("Security Reader")),
            "{c}: {d:?}"
        );
    }
    // One read (the packages the catalogs hold) answered both.
    assert_eq!(d.probes_sent(), 1);
    let fix = verdict(&d, List).fix().unwrap();
    assert!(fix.contains("filter"), "{fix}");

    // An app holding a catalog role instead of the permission: the same.
    fake.set_application_permissions(Vec::<String>::new());
    let d = diagnose(&fake, &fake.client().unwrap(), &[List]).await;
    assert!(
        matches!(verdict(&d, List), Verdict::CatalogScopedOnly { tenant_wide } if tenant_wide.contains("EntitlementManagement.Read.All")),
        "{d:?}"
    );
}

#[tokio::test]
async fn an_application_token_asking_for_approve() {
    let (fake, _) = fake_with_user().await;
    let d = diagnose(&fake, &fake.client().unwrap(), &[Approve, SelfService]).await;
    assert_eq!(
        verdict(&d, Approve),
        &Verdict::NeedsSignedInUser {
            permission: "EntitlementManagement.ReadWrite.All".into()
        }
    );
    assert_eq!(
        verdict(&d, SelfService),
        &Verdict::NeedsSignedInUser {
            permission: "EntitlementMgmt-SubjectAccess.ReadWrite".into()
        }
    );
    assert_eq!(d.probes_sent(), 0);
    assert!(verdict(&d, Approve)
        .fix()
        .unwrap()
        .contains("--device-code"));
}

#[tokio::test]
async fn a_signed_in_user_without_the_directory_role() {
    let (fake, ada) = fake_with_user().await;
    fake.set_user_access(
        &ada,
        UserAccess::everything().directory_roles([directory_roles::USER]),
    );
    let d = diagnose(
        &fake,
        &fake.delegated_client_for(&ada).unwrap(),
        &[List, Assign, Lifecycle, Approve],
    )
    .await;
    assert_eq!(
        verdict(&d, Assign),
        &Verdict::MissingRole {
            role: "Identity Governance Administrator".into(),
            catalog_roles: vec![
                "Access package assignment manager".into(),
                "Access package manager".into(),
                "Catalog owner".into()
            ],
        }
    );
    assert!(
        matches!(verdict(&d, List), Verdict::MissingRole { role, catalog_roles } if role == "Security Reader" && catalog_roles[0] == "Catalog reader"),
        "{d:?}"
    );
    assert_eq!(
        verdict(&d, Lifecycle),
        &Verdict::MissingRole {
            role: "Lifecycle Workflows Administrator".into(),
            catalog_roles: vec![],
        }
    );
    // Approving needs no directory role.
    assert_eq!(verdict(&d, Approve), &Verdict::Ok);
    let claims = d.token().claims().unwrap();
    assert_eq!(claims.kind, TokenKind::Delegated);
    assert_eq!(
        claims.directory_roles.as_deref(),
        Some(&[directory_roles::USER.to_owned()][..])
    );
    // The packages read (refused) and the approvals read.
    assert_eq!(d.probes_sent(), 2);
}

#[tokio::test]
async fn a_token_for_another_audience_or_tenant() {
    let (fake, _) = fake_with_user().await;
    let client = fake
        .client_with(TokenSpec::app().audience("https://management.azure.com"))
        .unwrap();
    let d = diagnose(&fake, &client, &Capability::ALL).await;
    for f in d.findings() {
        assert_eq!(
            f.verdict,
            Verdict::WrongAudienceOrTenant {
                expected: fake.uri().to_owned(),
                found: "https://management.azure.com".into()
            },
            "{f:?}"
        );
    }
    assert_eq!(d.probes_sent(), 0);

    let elsewhere = fake
        .client_with(TokenSpec::app().tenant("contoso-id"))
        .unwrap();
    let d = elsewhere
        .doctor()
        .need([List])
        .tenant(fake.tenant_id())
        .send()
        .await
        .unwrap();
    assert_eq!(
        verdict(&d, List),
        &Verdict::WrongAudienceOrTenant {
            expected: format!("tenant {}", fake.tenant_id()),
            found: "tenant contoso-id".into()
        }
    );
    assert_eq!(d.probes_sent(), 0);
}

#[tokio::test]
async fn an_expired_token() {
    let (fake, ada) = fake_with_user().await;
    for client in [
        fake.client_with(TokenSpec::app().expired()).unwrap(),
        fake.client_with(TokenSpec::user(&ada).expired()).unwrap(),
    ] {
        let d = diagnose(&fake, &client, &[List, Approve]).await;
        for f in d.findings() {
            assert!(
                matches!(f.verdict, Verdict::Expired { at: Some(_) }),
                "{f:?}"
            );
        }
        assert_eq!(d.probes_sent(), 0);
    }
}

#[tokio::test]
async fn an_opaque_token_is_judged_by_the_probes_alone() {
    let (fake, _) = fake_with_user().await;
    let client = fake
        .client_with(
            TokenSpec::app()
                .application_permissions(["EntitlementManagement.Read.All", "GroupMember.Read.All"])
                .opaque(),
        )
        .unwrap();
    let d = diagnose(&fake, &client, &[List, Assign, Groups, Users]).await;
    assert!(matches!(d.token(), TokenFacts::Opaque { reason, .. } if reason.contains("not a JWT")));
    assert_eq!(verdict(&d, List), &Verdict::Ok);
    assert_eq!(verdict(&d, Groups), &Verdict::Ok);
    // Refused: Graph's code and request id, and why the doctor cannot say more.
    match verdict(&d, Users) {
        Verdict::Unknown {
            code,
            request_id,
            reason,
        } => {
            assert_eq!(code.as_deref(), Some("Authorization_RequestDenied"));
            assert!(request_id.is_some());
            assert!(reason.contains("User.Read.All"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    // No read shows a write permission: unknown, never a guess.
    assert!(
        matches!(verdict(&d, Assign), Verdict::Unknown { code: None, reason, .. } if reason.contains("not a JWT"))
    );
    assert_eq!(d.probes_sent(), 3);
}

#[tokio::test]
async fn a_tenant_without_the_licence_is_unknown_with_the_licence_named() {
    let (fake, _) = fake_with_user().await;
    fake.set_licence(Licence::EntraIdP2);
    let d = diagnose(&fake, &fake.client().unwrap(), &[List, Lifecycle, Groups]).await;
    assert_eq!(verdict(&d, List), &Verdict::Ok);
    assert_eq!(verdict(&d, Groups), &Verdict::Ok);
    match verdict(&d, Lifecycle) {
        Verdict::Unknown { code, reason, .. } => {
            assert_eq!(code.as_deref(), Some("accessDenied"));
            assert!(
                reason.contains("Microsoft Entra ID Governance licence"),
                "{reason}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn everything_is_ok_with_the_fakes_defaults() {
    let (fake, ada) = fake_with_user().await;
    let d = diagnose(
        &fake,
        &fake.delegated_client_for(&ada).unwrap(),
        &Capability::ALL,
    )
    .await;
    assert!(d.all_ok(), "{d:?}");
    // assign shares list's read.
    assert_eq!(d.probes_sent(), 6);
    let d = diagnose(
        &fake,
        &fake.client().unwrap(),
        &[List, Assign, Groups, Users, Lifecycle],
    )
    .await;
    assert!(d.all_ok(), "{d:?}");
}

#[tokio::test]
async fn a_refused_call_gets_a_hint_naming_the_missing_permission() {
    let (fake, ada) = fake_with_user().await;
    let pkg = fake.add_access_package(AccessPackageSeed::new("Sales"));
    let policy = fake.add_policy(entra_access_fake::PolicySeed::new("Direct", &pkg));
    fake.set_application_permissions(["EntitlementManagement.Read.All"]);
    let err = fake
        .client()
        .unwrap()
        .assignment_requests()
        .admin_add(pkg, policy, entra_access::api::Target::user(ada))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_forbidden(), "{err}");
    let hint = entra_access::doctor::hint(Assign, &err).unwrap();
    assert!(
        hint.contains("EntitlementManagement.ReadWrite.All"),
        "{hint}"
    );
    assert!(hint.contains("Identity Governance Administrator"), "{hint}");
    assert!(fake.assignment_requests().is_empty());
}

/// A provider that hands out whatever token it was given.
#[derive(Debug)]
struct Handing(String);

#[async_trait]
impl TokenProvider for Handing {
    async fn token(&self) -> Result<AccessToken, AuthError> {
        Ok(AccessToken::without_expiry(self.0.clone()))
    }
}

fn jwt(payload: &str) -> String {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;
    format!(
        "{}.{}.c2ln",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256"}"#),
        URL_SAFE_NO_PAD.encode(payload)
    )
}

#[tokio::test]
async fn bad_tokens_give_unknown_with_the_reason_never_ok() {
    let (fake, _) = fake_with_user().await;
    let cases = [
        ("not-a-jwt".to_owned(), "not a JWT"),
        ("a.b.c.d.e".to_owned(), "encrypted"),
        (
            jwt(r#"{"aud":"x","roles":"EntitlementManagement.ReadWrite.All"}"#),
            "`roles` is not a list of strings",
        ),
        (jwt(r#"{"aud":"x","exp":"later"}"#), "`exp` is not a number"),
        (jwt(r#"{"sub":"x"}"#), "no `aud` claim"),
    ];
    for (token, why) in cases {
        let client = fake
            .client_builder()
            .token_provider(Handing(token.clone()))
            .build()
            .unwrap();
        let before = graph_calls(&fake).len();
        let d = client.doctor().send().await.unwrap();
        let TokenFacts::Opaque { reason, .. } = d.token() else {
            panic!("{token}: {d:?}");
        };
        assert!(reason.contains(why), "{reason}");
        for f in d.findings() {
            // The fake does not know these tokens: every probe gets 401.
            match &f.verdict {
                Verdict::Unknown { reason, .. } => assert!(!reason.is_empty()),
                other => panic!("{token}: {}: {other:?}", f.capability),
            }
        }
        assert!(
            matches!(d.verdict(List), Some(Verdict::Unknown { code: Some(c), .. }) if c == "InvalidAuthenticationToken"),
            "{d:?}"
        );
        // Reads only: list, groups, users, approve; each tried once more
        // after the 401 with a refreshed token, as every call is.
        let calls = graph_calls(&fake).split_off(before);
        assert_eq!(d.probes_sent(), 4);
        assert_eq!(calls.len(), 2 * d.probes_sent(), "{calls:?}");
        assert!(calls.iter().all(|(m, _)| m == "GET"), "{calls:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn a_probe_that_times_out_gives_unknown() {
    let (fake, _) = fake_with_user().await;
    fake.set_latency(Some(Duration::from_secs(60)));
    let d = fake
        .client()
        .unwrap()
        .doctor()
        .need([List, Groups])
        .probe_timeout(Duration::from_secs(2))
        .send()
        .await
        .unwrap();
    for f in d.findings() {
        match &f.verdict {
            Verdict::Unknown {
                code: None, reason, ..
            } => {
                assert!(reason.contains("no answer within 2s"), "{reason}")
            }
            other => panic!("{}: {other:?}", f.capability),
        }
    }
    assert_eq!(d.probes_sent(), 2);
}

#[tokio::test]
async fn bad_input_is_refused_and_a_failing_provider_is_an_error() {
    let (fake, _) = fake_with_user().await;
    let client = fake.client().unwrap();
    let err = client.doctor().need([]).send().await.unwrap_err();
    assert!(err.is_invalid_input(), "{err}");
    let err = client
        .doctor()
        .probe_timeout(Duration::ZERO)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_invalid_input(), "{err}");

    #[derive(Debug)]
    struct Failing;
    #[async_trait]
    impl TokenProvider for Failing {
        async fn token(&self) -> Result<AccessToken, AuthError> {
            Err(AuthError::msg("vault is down"))
        }
    }
    let client = fake
        .client_builder()
        .token_provider(Failing)
        .build()
        .unwrap();
    let err = client.doctor().send().await.unwrap_err();
    assert!(err.is_auth(), "{err}");
    assert!(graph_calls(&fake).is_empty());
}

#[tokio::test]
async fn the_diagnosis_never_shows_the_token() {
    let (fake, _) = fake_with_user().await;
    let token = fake.token();
    let client = fake
        .client_builder()
        .token_provider(StaticToken::new(token.clone()))
        .build()
        .unwrap();
    let d = client.doctor().send().await.unwrap();
    let shown = format!("{d:?} {:?}", client.doctor());
    assert!(!shown.contains(&token));
    // Not even its signature or payload.
    for part in token.split('.') {
        assert!(!shown.contains(part), "{part}");
    }
}

/// The permission table as `docs/permissions.md` shows it, rendered from
/// the crate's table.
fn permission_table() -> String {
    let mut out = String::from(
        "| Capability | Graph calls | Application permission | Delegated permission | Directory role (delegated) | Catalog roles | Signed-in user | Licence | Sources |\n|---|---|---|---|---|---|---|---|---|\n",
    );
    // A `|` inside a table cell, even in a code span, must be escaped.
    let code = |s: &str| format!("`{}`", s.replace('|', "\\|"));
    let list = |items: Vec<String>| items.join("<br>");
    for c in Capability::ALL {
        let r = c.requirement();
        let grant = |least: &str, also: &[&str]| {
            let mut s = format!("**{}**", code(least));
            if !also.is_empty() {
                s.push_str(" (also ");
                s.push_str(&also.iter().map(|a| code(a)).collect::<Vec<_>>().join(", "));
                s.push(')');
            }
            s
        };
        let row = [
            code(c.as_str()),
            list(r.calls.iter().map(|x| code(x)).collect()),
            r.application
                .as_ref()
                .map_or("not supported".to_owned(), |g| grant(g.least, g.also)),
            grant(r.delegated.least, r.delegated.also),
            if r.directory_roles.is_empty() {
                "none".to_owned()
            } else {
                r.directory_roles
                    .iter()
                    .map(|d| d.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            },
            if r.catalog_roles.is_empty() {
                "—".to_owned()
            } else {
                r.catalog_roles.join(", ")
            },
            if r.signed_in_user { "**yes**" } else { "no" }.to_owned(),
            r.licence.to_owned(),
            list(r.sources.iter().map(|x| code(x)).collect()),
        ];
        out.push_str(&format!("| {} |\n", row.join(" | ")));
    }
    out.push_str("\n| Directory role | Template id (`wids`) |\n|---|---|\n");
    let mut seen = Vec::new();
    for c in Capability::ALL {
        for d in c.requirement().directory_roles {
            if !seen.contains(&d.name) {
                seen.push(d.name);
                out.push_str(&format!("| {} | `{}` |\n", d.name, d.template_id));
            }
        }
    }
    out
}

const START: &str =
    "<!-- permission-table:start (generated from src/doctor/table.rs by tests/it/doctor.rs) -->\n";
const END: &str = "<!-- permission-table:end -->";

#[test]
fn docs_permissions_md_is_the_crates_table() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/permissions.md");
    let doc = std::fs::read_to_string(path).unwrap();
    let table = permission_table();
    let (Some(a), Some(b)) = (doc.find(START), doc.find(END)) else {
        panic!("docs/permissions.md lacks the markers {START:?} and {END:?}");
    };
    let current = &doc[a + START.len()..b];
    if current != table {
        if std::env::var_os("ENTRA_ACCESS_BLESS").is_some() {
            let updated = format!("{}{START}{table}{}", &doc[..a], &doc[b..]);
            std::fs::write(path, updated).unwrap();
        } else {
            panic!(
                "docs/permissions.md is not the crate's permission table; run this test with ENTRA_ACCESS_BLESS=1 to rewrite it. Expected:\n{table}"
            );
        }
    }
}
