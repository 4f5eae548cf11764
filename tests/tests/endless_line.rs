//! A careless user's stdin: one endless line (`< /dev/zero`). Every program
//! that reads lines from the keyboard reads at most 64 MiB of a line at a
//! time, refuses what is too long, and so keeps its memory small instead
//! of growing until the allocator gives up and aborts the program.

#![cfg(target_os = "linux")]

use std::fs::{self, File};
use std::io::Write;
use std::net::{SocketAddr, UdpSocket};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use tests::*;

/// A field of /proc/PID/`file` (`rchar:` in io, `VmHWM:` in status), as a
/// number (bytes for io, KiB for status).
fn proc_field(pid: u32, file: &str, field: &str) -> u64 {
    let text = fs::read_to_string(format!("/proc/{pid}/{file}")).unwrap_or_default();
    let value = text
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .unwrap_or("0");
    value
        .split_whitespace()
        .next()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Runs `path args` with /dev/zero as stdin until it has read 1 GiB of it,
/// then checks that its peak memory stayed under 256 MiB; a program that
/// gives up on the line by itself must do so with an exit code, not abort.
fn assert_bounded_on_an_endless_line(path: PathBuf, args: &[&str]) {
    let mut child: Child = Command::new(&path)
        .args(args)
        .stdin(File::open("/dev/zero").unwrap())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    let exited =
        || fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| s.contains(") Z "));
    let done = eventually(|| exited() || proc_field(pid, "io", "rchar:") >= 1 << 30);
    let peak_kib = proc_field(pid, "status", "VmHWM:");
    let gave_up = exited();
    let _ = child.kill();
    let status = child.wait().unwrap();
    let name = format!("{} {args:?}", path.display());
    assert!(
        done,
        "{name} neither read 1 GiB of stdin nor ended within the deadline"
    );
    if gave_up {
        assert!(
            status.code().is_some_and(|c| c <= 2),
            "{name} ended by {status} on an endless line"
        );
    } else {
        assert!(
            peak_kib < 256 << 10,
            "{name}: peak memory {peak_kib} KiB on an endless line"
        );
    }
}

#[test]
fn programs_that_read_the_keyboard_keep_little_memory_on_an_endless_line() {
    let (listener, addr) = listen();
    let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
    let udp_addr: SocketAddr = udp.local_addr().unwrap();
    let (tcp, udp_addr) = (addr.to_string(), udp_addr.to_string());
    for (path, args) in [
        (program("tcp-timestamp"), ["client", tcp.as_str()]),
        (program("udp-timestamp"), ["client", udp_addr.as_str()]),
        (program("tcp-chat"), ["client", tcp.as_str()]),
        (program("udp-chat"), ["client", udp_addr.as_str()]),
    ] {
        assert_bounded_on_an_endless_line(path, &args);
    }
    // The chat room client reads the server's welcome before it asks for a
    // line: a thread greets every connection, as the chat room server does,
    // and keeps it open, for as long as this test binary runs.
    std::thread::spawn(move || {
        let greeted: Vec<_> = listener
            .incoming()
            .flatten()
            .map(|mut s| s.write_all(b"welcome to connect !"))
            .collect();
        drop(greeted);
    });
    assert_bounded_on_an_endless_line(example("chatroom_client"), &[&tcp]);
}
