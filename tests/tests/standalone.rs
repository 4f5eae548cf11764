//! Every crate folder, copied alone out of the workspace, is a complete
//! cargo project: it builds offline (there are no dependencies to fetch)
//! and its binary runs. A manifest that inherits a field from the workspace
//! (`edition.workspace = true`) fails here.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

const MEMBERS: [&str; 7] = [
    "tcp-hello-server",
    "tcp-hello-client",
    "tcp-timestamp",
    "udp-timestamp",
    "tcp-chat",
    "udp-chat",
    "http-fetch",
];
/// Building seven small crates from nothing takes seconds; this is the
/// bound on a wedged cargo, not an expectation.
const BUILD_DEADLINE: Duration = Duration::from_secs(300);

/// Copies a folder, leaving out any `target/` a user may have built there.
fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let (name, path) = (entry.file_name(), entry.path());
        if entry.file_type().unwrap().is_dir() {
            if name != "target" {
                copy_tree(&path, &to.join(&name));
            }
        } else {
            fs::copy(&path, to.join(&name)).unwrap();
        }
    }
}

/// Runs `cmd` to its end within `deadline`; kills it and fails past that.
fn run(cmd: &mut Command, deadline: Duration) -> std::process::Output {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let until = Instant::now() + deadline;
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > until {
            let _ = child.kill();
            panic!("{cmd:?} did not finish within {deadline:?}");
        }
        thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn every_crate_copied_alone_builds_offline_and_runs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let scratch: PathBuf =
        std::env::temp_dir().join(format!("standalone-crates-{}", std::process::id()));
    let _ = fs::remove_dir_all(&scratch);
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    for member in MEMBERS {
        let copy = scratch.join(member);
        copy_tree(&root.join(member), &copy);
        let build = run(
            Command::new(&cargo)
                .args(["build", "--offline", "--quiet", "--bins", "--examples"])
                .current_dir(&copy)
                .env_remove("CARGO_TARGET_DIR")
                .env("CARGO_TARGET_DIR", scratch.join("target")),
            BUILD_DEADLINE,
        );
        assert!(
            build.status.success(),
            "{member}, copied alone, does not build:\n{}",
            String::from_utf8_lossy(&build.stderr)
        );
        let exe = scratch
            .join("target/debug")
            .join(member)
            .with_extension(std::env::consts::EXE_EXTENSION);
        let help = run(Command::new(&exe).arg("--help"), Duration::from_secs(10));
        let usage = String::from_utf8_lossy(&help.stdout);
        assert!(
            help.status.success() && usage.contains("usage:"),
            "{member} --help: {help:?}"
        );
    }
    let _ = fs::remove_dir_all(&scratch);
}
