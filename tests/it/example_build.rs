//! The example programs as child processes: built once per test binary
//! (same profile, features and target directory as the test, so nothing is
//! compiled twice), then run with every credential variable removed.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
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

/// What one run of an example did.
pub struct Run {
    /// The exit code (`None` when ended by a signal).
    pub code: Option<i32>,
    /// What it printed on stdout.
    pub stdout: String,
    /// What it printed on stderr.
    pub stderr: String,
}

impl Run {
    /// The stdout lines.
    pub fn lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }

    /// Exit code 0, or a panic showing what the example said.
    pub fn ok(self) -> Self {
        assert_eq!(self.code, Some(0), "{self}");
        self
    }

    /// Exit code `code`, and (for our own errors, code 1) exactly one
    /// `error:` line on stderr.
    pub fn fails(self, code: i32) -> Self {
        assert_eq!(self.code, Some(code), "{self}");
        let errors: Vec<&str> = self
            .stderr
            .lines()
            .filter(|l| l.starts_with("error:"))
            .collect();
        assert_eq!(errors.len(), 1, "one error line expected: {self}");
        self
    }

    /// The first `error:` line on stderr, or "".
    pub fn error_line(&self) -> &str {
        self.stderr
            .lines()
            .find(|l| l.starts_with("error:"))
            .unwrap_or("")
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {:?}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Runs example `example` with `args` and no credentials in its environment.
pub fn run(example: &str, args: &[&str]) -> Run {
    let mut cmd = Command::new(examples_dir().join(example));
    cmd.args(args);
    for var in CREDENTIAL_ENV {
        cmd.env_remove(var);
    }
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("usable");
    Run {
        code: status.code(),
        stdout: String::from_utf8(stdout).expect("usable"),
        stderr: String::from_utf8(stderr).expect("usable"),
    }
}

/// A path in a scratch directory of this test process.
pub fn temp_file(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("entra-access-examples-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("usable");
    dir.join(name)
}
