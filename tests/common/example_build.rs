//! The example programs as child processes: built once per test binary
//! (same profile, features and target directory as the test, so nothing is
//! compiled twice), then run with every credential variable removed.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Variables an example would read credentials or an origin from.
pub const CREDENTIAL_ENV: [&str; 7] = [
    "GRAPH_ACCESS_TOKEN",
    "AZURE_TENANT_ID",
    "AZURE_CLIENT_ID",
    "AZURE_CLIENT_SECRET",
    "AZURE_AUTHORITY_HOST",
    "GRAPH_BASE_URL",
    "GRAPH_TOKEN_FILE",
];

/// The features this test was built with, so the examples are built with
/// the same ones.
fn features() -> String {
    let all = [
        ("default", cfg!(feature = "default")),
        ("rustls", cfg!(feature = "rustls")),
        ("native-tls", cfg!(feature = "native-tls")),
        ("client-credentials", cfg!(feature = "client-credentials")),
        ("azure-identity", cfg!(feature = "azure-identity")),
        ("csv", cfg!(feature = "csv")),
        ("fake", cfg!(feature = "fake")),
    ];
    all.iter()
        .filter(|(_, on)| *on)
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(",")
}

/// `target/<profile>/examples`, after building every example once.
pub fn examples_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        // A test runs from target/<profile>/deps/.
        let exe = std::env::current_exe().expect("the test's own path");
        let deps = exe.parent().expect("target/<profile>/deps");
        let profile_dir = deps.parent().expect("target/<profile>").to_path_buf();
        let target_dir = profile_dir.parent().expect("target");
        let mut cargo = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        cargo
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["build", "--quiet", "--examples", "--no-default-features"])
            .args(["--features", &features()])
            .arg("--target-dir")
            .arg(target_dir);
        match profile_dir.file_name().and_then(|n| n.to_str()) {
            Some("debug") | None => {}
            Some("release") => {
                cargo.arg("--release");
            }
            Some(other) => {
                cargo.args(["--profile", other]);
            }
        }
        let status = cargo.status().expect("cargo runs");
        assert!(status.success(), "building the examples failed");
        profile_dir.join("examples")
    })
}

/// The built example `name`.
pub fn example(name: &str) -> PathBuf {
    examples_dir().join(name)
}
