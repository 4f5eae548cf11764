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
    let mut all = vec![
        "-c".to_string(),
        script.to_string(),
        path.display().to_string(),
    ];
    all.extend(args.iter().map(|a| a.to_string()));
    all
}

/// A client that resets the connection mid-conversation: it sends a name,
/// then closes with the server's welcome unread, which sends a reset, so the
/// server has an error to report on its stderr. One unread byte is enough
/// for the reset: `peek` blocks until the first arrives (or the deadline,
/// which [`connect`] sets, passes) and leaves it unread.
fn reset(addr: SocketAddr) -> SocketAddr {
    let s = connect(addr);
    (&s).write_all(b"Michael").unwrap();
    let unread = s
        .peek(&mut [0; 8])
        .expect("the welcome within the deadline");
    assert!(unread > 0, "the server closed before its welcome");
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

/// Starts a server under [`with_dead_stderr`]; returns it with the
/// address it listens on.
fn server_with_dead_stderr(path: &Path, args: &[&str]) -> (Proc, SocketAddr) {
    let all = with_dead_stderr(path, args);
    Proc::server(
        Path::new("/bin/bash"),
        &all.iter().map(String::as_str).collect::<Vec<_>>(),
    )
}

/// A client that connects and leaves without a word (a port scan) is
/// reported on stderr; the one seat then goes to the next client. A server
/// that panicked on that line would take nobody.
#[test]
fn chat_servers_go_on_to_the_next_client_when_their_stderr_is_closed() {
    for (name, args, welcome, said, shown) in [
        (
            "chatroom_server",
            &["127.0.0.1:0"][..],
            &b"welcome to connect !"[..],
            &b"hi"[..],
            "b'hi'",
        ),
        (
            "tcp_chat_duplex",
            &["server", "127.0.0.1:0"],
            b"",
            b"hi\n",
            "hi",
        ),
    ] {
        let (server, addr) = server_with_dead_stderr(&example(name), args);
        drop(connect(addr));
        let mut s = connect(addr);
        expect_bytes(&mut s, welcome);
        s.write_all(said).unwrap();
        server.wait_stdout(&format!("收到客户端消息: {shown}\n"), 1);
    }
}

/// A stranger's datagram is reported on stderr and ignored; the chat with
/// the first client goes on.
#[test]
fn udp_chat_server_goes_on_past_a_stranger_when_its_stderr_is_closed() {
    let (mut server, addr) =
        server_with_dead_stderr(&program("udp-chat"), &["server", "127.0.0.1:0"]);
    let (client, stranger) = (udp_socket(), udp_socket());
    client.send_to(b"hello", addr).unwrap();
    server.wait_stdout("请输入:", 1);
    server.type_in("to you\n");
    assert_eq!(recv_from(&client, &mut [0; 64]).unwrap(), (6, addr));
    stranger.send_to(b"from a stranger", addr).unwrap();
    client.send_to(b"more", addr).unwrap();
    server.wait_stdout("收到客户端消息: more\n", 1);
}

/// Usage errors (exit 2), a server that is not there or an address in use
/// (exit 1), and end of input that says 88 on stderr (exit 0): each line
/// on stderr fails to be written, and the status stays the program's own.
#[test]
fn programs_end_with_their_own_status_when_their_stderr_is_closed() {
    let refused = unused_addr().to_string();
    let (udp, (_tcp, tcp_addr)) = (udp_socket(), listen()); // held: their ports are in use
    let (udp_in_use, tcp_in_use) = (udp.local_addr().unwrap().to_string(), tcp_addr.to_string());
    let udp_refused = unused_udp_addr().to_string();
    for (path, args, input, code) in [
        (program("http-fetch"), vec!["--bogus"], "", 2),
        (program("tcp-chat"), vec!["talk"], "", 2),
        (program("tcp-timestamp"), vec![], "", 2),
        (
            program("tcp-timestamp"),
            vec!["client", refused.as_str()],
            "",
            1,
        ),
        (program("tcp-hello-server"), vec!["127.0.0.1:99999"], "", 2),
        (program("udp-timestamp"), vec![], "", 2),
        (
            program("udp-timestamp"),
            vec!["client", udp_refused.as_str()],
            "hello\n",
            1,
        ),
        (
            program("udp-timestamp"),
            vec!["server", udp_in_use.as_str()],
            "",
            1,
        ),
        (program("udp-chat"), vec!["talk"], "", 2),
        (
            program("udp-chat"),
            vec!["client", udp_refused.as_str()],
            "hello\n",
            1,
        ),
        (
            program("udp-chat"),
            vec!["client", udp_refused.as_str()],
            "",
            0,
        ),
        (
            program("udp-chat"),
            vec!["server", udp_in_use.as_str()],
            "",
            1,
        ),
        (example("udp_chat_duplex"), vec!["talk"], "", 2),
        (example("chatroom_client"), vec!["--bogus"], "", 2),
        (example("chatroom_client"), vec![refused.as_str()], "", 1),
        (example("chatroom_server"), vec!["127.0.0.1:99999"], "", 2),
        (example("chatroom_server"), vec![tcp_in_use.as_str()], "", 1),
        (example("tcp_chat_duplex"), vec![], "", 2),
        (
            example("tcp_chat_duplex"),
            vec!["client", refused.as_str()],
            "",
            1,
        ),
    ] {
        let all = with_dead_stderr(&path, &args);
        let mut proc = Proc::start(
            Path::new("/bin/bash"),
            &all.iter().map(String::as_str).collect::<Vec<_>>(),
        );
        proc.type_in(input);
        proc.close_stdin();
        let exit = proc.wait_exit();
        assert_eq!(
            exit.code(),
            code,
            "{} {args:?} < {input:?}: {exit:?}",
            path.display()
        );
    }
}
