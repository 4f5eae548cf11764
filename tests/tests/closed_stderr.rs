//! stderr that nobody reads any more (`2>&1 | head -1` once head has
//! exited): writing an error line there fails, and `eprintln!` would panic
//! on that. The servers must go on serving, and the other programs end with
//! their own exit status, not a panic's 101.

#![cfg(unix)]

use std::io::Write;
use std::net::SocketAddr;
use std::path::Path;
use tests::*;

/// Starts `path args` under bash with stderr a pipe whose reader has
/// already exited, so every write to stderr fails with a broken pipe.
fn with_dead_stderr(path: &Path, args: &[&str]) -> Vec<String> {
    let script = r#"exec 2> >(exec true); wait $!; exec "$0" "$@""#;
    let mut all = vec!["-c".to_string(), script.to_string(), path.display().to_string()];
    all.extend(args.iter().map(|a| a.to_string()));
    all
}

/// A client that resets the connection mid-conversation: it sends a name,
/// then closes with the server's welcome unread, which sends a reset, so the
/// server has an error to report on its stderr.
fn reset(addr: SocketAddr) -> SocketAddr {
    let s = connect(addr);
    (&s).write_all(b"Michael").unwrap();
    while s.peek(&mut [0; 8]).expect("the welcome within the deadline") < 8 {}
    s.local_addr().unwrap()
}

#[test]
fn hello_server_goes_on_serving_when_its_stderr_is_closed() {
    let args = with_dead_stderr(&program("tcp-hello-server"), &["127.0.0.1:0"]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (server, addr) = Proc::server(Path::new("/bin/bash"), &args);
    let resets: Vec<SocketAddr> = (0..3).map(|_| reset(addr)).collect();
    // Each connection's thread reports its error, then logs the close: a
    // thread that panicked on the error line would never log it.
    for client in resets {
        server.wait_stdout(&format!("Connection from {client} closed."), 1);
    }
    let mut s = connect(addr);
    expect_bytes(&mut s, b"Welcome!");
    s.write_all(b"Tracy").unwrap();
    expect_bytes(&mut s, b"Hello, Tracy!");
}

#[test]
fn programs_end_with_their_own_status_when_their_stderr_is_closed() {
    let refused = unused_addr().to_string();
    for (path, args, code) in [
        (program("http-fetch"), vec!["--bogus"], 2),
        (program("tcp-chat"), vec!["talk"], 2),
        (program("tcp-timestamp"), vec![], 2),
        (program("tcp-timestamp"), vec!["client", refused.as_str()], 1),
        (program("tcp-hello-server"), vec!["127.0.0.1:99999"], 2),
    ] {
        let all = with_dead_stderr(&path, &args);
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        let exit = Proc::start(Path::new("/bin/bash"), &all).wait_exit();
        assert_eq!(exit.code(), code, "{} {args:?}: {exit:?}", path.display());
    }
}
