//! tcp-chat (article 000) and its duplex example as processes on real sockets.

use std::io::Write;
use std::net::SocketAddr;
use std::path::Path;
use tests::*;

const PROMPT: &str = "请输入:";

fn server() -> (Proc, SocketAddr) {
    Proc::server(&program("tcp-chat"), &["server", "127.0.0.1:0"])
}

fn client(addr: SocketAddr) -> Proc {
    Proc::program("tcp-chat", &["client", &addr.to_string()])
}

/// The server's stdout after its first two lines (`Listening on`, `客户端已连接`).
fn after_connect(stdout: &str) -> &str {
    let mut lines = stdout.splitn(3, '\n');
    assert!(
        lines
            .next()
            .is_some_and(|l| l.starts_with("Listening on 127.0.0.1:")),
        "{stdout:?}"
    );
    assert!(
        lines
            .next()
            .is_some_and(|l| l.starts_with("客户端已连接: ('127.0.0.1', ")),
        "{stdout:?}"
    );
    lines.next().unwrap_or_default()
}

#[test]
fn tcp_chat_takes_turns_client_first_until_the_client_says_88() {
    assert_chat_takes_turns_until_the_client_says_88("tcp-chat");
}

#[test]
fn tcp_chat_88_from_the_server_ends_both() {
    assert_chat_88_from_the_server_ends_both("tcp-chat");
}

#[test]
fn tcp_chat_end_of_input_at_the_client_says_88() {
    assert_chat_end_of_input_at_the_client_says_88("tcp-chat");
}

#[test]
fn tcp_chat_end_of_input_at_the_server_says_88() {
    assert_chat_end_of_input_at_the_server_says_88("tcp-chat");
}

#[test]
fn tcp_chat_server_speaks_the_articles_bytes_to_a_raw_client() {
    let (mut server, addr) = server();
    let mut peer = connect(addr);
    peer.write_all(b"hello").unwrap();
    server.wait_stdout(PROMPT, 1);
    server.type_in("answer\n");
    expect_bytes(&mut peer, b"answer"); // no newline on the wire, as in Python
    peer.write_all(b"caf\xe9 \xff").unwrap();
    server.wait_stdout(PROMPT, 2);
    server.type_in("88\n");
    expect_bytes(&mut peer, b"88");
    expect_closed(&mut peer);
    let exit = server.wait_exit();
    assert_eq!(exit.code(), 0, "{exit:?}");
    assert_eq!(
        exit.stdout,
        format!(
            "Listening on {addr}\n客户端已连接: ('127.0.0.1', {})\n收到客户端消息: hello\n请输入:收到客户端消息: caf\u{fffd} \u{fffd}\n请输入:",
            peer.local_addr().unwrap().port()
        )
    );
}

#[test]
fn tcp_chat_client_speaks_the_articles_bytes_to_a_raw_server() {
    let (listener, addr) = listen();
    let mut client = client(addr);
    // An empty line and a line longer than the peer's recv(1024) are asked
    // again, not sent: the first bytes on the wire are the next line's.
    client.type_in(&format!("\n{}\n你好\n", "x".repeat(1025)));
    let mut peer = accept(&listener);
    expect_bytes(&mut peer, "你好".as_bytes());
    peer.write_all(b"\xfe\xffok\n").unwrap();
    client.wait_stdout("收到服务端消息", 1);
    client.type_in("88\n");
    expect_bytes(&mut peer, b"88");
    expect_closed(&mut peer);
    let exit = client.wait_exit();
    assert_eq!(exit.code(), 0, "{exit:?}");
    // A trailing newline from the peer (nc sends one) is not shown twice.
    // The refusal on stderr ends the prompt's line first.
    assert_eq!(
        exit.stdout,
        "请输入:请输入:\n请输入:收到服务端消息: \u{fffd}\u{fffd}ok\n请输入:"
    );
    assert_eq!(
        exit.stderr,
        "tcp-chat client: 1025 bytes is too long, the peer reads at most 1024: type less\n"
    );
}

#[test]
fn tcp_chat_server_ends_cleanly_when_the_client_is_killed() {
    let (mut server, addr) = server();
    let mut client = client(addr);
    client.type_in("hello\n");
    server.wait_stdout(PROMPT, 1);
    drop(client); // killed while the server's user is typing
    server.type_in("anyone there?\n");
    let exit = server.wait_exit();
    assert_eq!(exit.code(), 0, "{exit:?}");
    assert!(
        exit.stderr
            .starts_with("tcp-chat server: client 127.0.0.1:"),
        "{exit:?}"
    );
    assert!(
        exit.stderr
            .ends_with(" closed the connection, the chat is over\n"),
        "{exit:?}"
    );
}

#[test]
fn tcp_chat_client_ends_cleanly_when_the_server_is_killed() {
    let (server, addr) = server();
    let mut client = client(addr);
    client.type_in("hello\n");
    server.wait_stdout(PROMPT, 1);
    drop(server); // killed while the client waits for its answer
    let exit = client.wait_exit();
    assert_eq!(exit.code(), 0, "{exit:?}");
    assert_eq!(exit.stdout, "请输入:\n"); // the line on stderr does not share the prompt's line
    assert_eq!(
        exit.stderr,
        format!("tcp-chat client: server {addr} closed the connection, the chat is over\n")
    );
}

#[test]
fn tcp_chat_client_without_a_server_says_start_it_first() {
    let (start, hint) = (
        "tcp-chat client: cannot connect to",
        "cargo run -p tcp-chat -- server",
    );
    let exit = assert_no_server(
        &program("tcp-chat"),
        &["client"],
        unused_addr(),
        start,
        hint,
    );
    assert_eq!(exit.stdout, "");
}

#[test]
fn tcp_chat_server_on_an_address_in_use_says_so() {
    let (_listener, addr) = listen();
    assert_address_in_use(
        &program("tcp-chat"),
        &["server"],
        addr,
        "tcp-chat server: cannot listen on",
    );
}

#[test]
fn tcp_chat_server_shows_escape_sequences_escaped() {
    let (mut server, addr) = server();
    let mut peer = connect(addr);
    peer.write_all(HOSTILE).unwrap();
    server.wait_stdout(PROMPT, 1);
    drop(peer);
    server.type_in("anyone there?\n");
    let exit = server.wait_exit();
    assert_eq!(exit.code(), 0, "{exit:?}");
    // The prompt's line is ended before `... closed the connection ...` on stderr.
    assert_eq!(
        after_connect(&exit.stdout),
        format!("收到客户端消息: {HOSTILE_SHOWN}\n{PROMPT}\n")
    );
}

#[test]
fn tcp_chat_client_shows_escape_sequences_escaped() {
    let (listener, addr) = listen();
    let mut client = client(addr);
    client.type_in("hello\n");
    let mut peer = accept(&listener);
    expect_bytes(&mut peer, b"hello");
    peer.write_all(HOSTILE).unwrap();
    client.wait_stdout(PROMPT, 2);
    client.type_in("88\n");
    expect_bytes(&mut peer, b"88");
    let exit = client.wait_exit();
    assert_eq!(exit.code(), 0, "{exit:?}");
    assert_eq!(
        exit.stdout,
        format!("{PROMPT}收到服务端消息: {HOSTILE_SHOWN}\n{PROMPT}")
    );
}

#[test]
fn tcp_chat_server_waits_for_the_next_client_when_one_leaves_without_a_word() {
    let (mut server, addr) = server();
    let scan_port = connect_and_leave(&server, addr).port();
    let mut peer = connect(addr);
    peer.write_all(b"hello").unwrap();
    server.wait_stdout(PROMPT, 1);
    server.type_in("88\n");
    expect_bytes(&mut peer, b"88");
    expect_closed(&mut peer);
    let exit = server.wait_exit();
    assert_eq!(exit.code(), 0, "{exit:?}");
    let port = peer.local_addr().unwrap().port();
    assert_eq!(
        exit.stdout,
        format!(
            "Listening on {addr}\n客户端已连接: ('127.0.0.1', {scan_port})\n客户端已连接: ('127.0.0.1', {port})\n收到客户端消息: hello\n{PROMPT}"
        )
    );
    assert_eq!(
        exit.stderr,
        format!(
            "tcp-chat server: client 127.0.0.1:{scan_port} left without a word, waiting for the next one\n"
        )
    );
}

#[test]
fn tcp_chat_lines_on_stderr_after_an_unanswered_prompt_start_a_line_of_their_own() {
    // What a person sees on one screen: stderr and stdout together (2>&1).
    let tcp_chat = program("tcp-chat");
    let sh = |script: &str, args: &[&str]| {
        let args = [&["-c", script, tcp_chat.to_str().unwrap()], args].concat();
        Proc::start(Path::new("/bin/sh"), &args)
    };
    // A keyboard that cannot be read: stdin is a directory.
    let server = sh(r#"exec "$0" server 127.0.0.1:0 < / 2>&1"#, &[]);
    let addr = server
        .wait_line(0)
        .rsplit(' ')
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap();
    let mut peer = connect(addr);
    peer.write_all(b"hello").unwrap();
    let exit = server.wait_exit();
    assert_eq!(exit.code(), 1, "{exit:?}");
    assert_eq!(
        after_connect(&exit.stdout),
        "收到客户端消息: hello\n请输入:\n\
         tcp-chat server: cannot use the console (stdin/stdout): Is a directory (os error 21)\n"
    );
    // A line too long for the peer's recv(1024); then the server goes away.
    let (listener, addr) = listen();
    let mut client = sh(r#"exec "$0" client "$1" 2>&1"#, &[&addr.to_string()]);
    client.type_in(&format!("{}\nhello\n", "x".repeat(1025)));
    let mut peer = accept(&listener);
    expect_bytes(&mut peer, b"hello");
    drop(peer);
    let exit = client.wait_exit();
    assert_eq!(exit.code(), 0, "{exit:?}");
    assert_eq!(
        exit.stdout,
        format!(
            "请输入:\ntcp-chat client: 1025 bytes is too long, the peer reads at most 1024: type less\n\
             请输入:\ntcp-chat client: server {addr} closed the connection, the chat is over\n"
        )
    );
}

#[test]
fn tcp_chat_server_pauses_after_a_failed_accept() {
    assert_failed_accepts_pause(&program("tcp-chat"), &["server", "127.0.0.1:0"]);
}

#[test]
fn tcp_chat_bad_usage_says_what_is_wrong_and_exits_2() {
    assert_two_role_bad_usages(&program("tcp-chat"), "cargo run -p tcp-chat --");
}

#[test]
fn tcp_chat_help_anywhere_shows_the_usage_and_the_default() {
    for args in [&["--help"][..], &["server", "-h"], &["--bogus", "--help"]] {
        assert_help(
            &program("tcp-chat"),
            args,
            "usage: tcp-chat server [ADDR]",
            &["127.0.0.1:6666"],
        );
    }
}

// The duplex example: both sides type at any time.

fn duplex_pair() -> (Proc, Proc) {
    let (server, addr) = Proc::server(&example("tcp_chat_duplex"), &["server", "127.0.0.1:0"]);
    let client = Proc::example("tcp_chat_duplex", &["client", &addr.to_string()]);
    server.wait_stdout("客户端已连接: ", 1);
    (server, client)
}

#[test]
fn tcp_chat_duplex_bursts_from_both_sides_all_arrive_in_order() {
    let (server, client) = duplex_pair();
    assert_duplex_bursts_arrive_in_order(server, client, 0);
}

/// A port scan (connect, close at once) does not take the duplex server's
/// only seat: it says so and the real client that comes next gets the chat.
#[test]
fn tcp_chat_duplex_server_waits_for_the_next_client_when_one_leaves_at_once() {
    let (mut server, addr) = Proc::server(&example("tcp_chat_duplex"), &["server", "127.0.0.1:0"]);
    let scan_addr = connect_and_leave(&server, addr);
    server.wait_stderr(&format!(
        "tcp_chat_duplex server: client {scan_addr} left without a word, waiting for the next one\n"
    ));
    let mut client = Proc::example("tcp_chat_duplex", &["client", &addr.to_string()]);
    server.wait_stdout("客户端已连接: ", 2);
    client.type_in("still here\n88\n");
    server.wait_stdout("收到客户端消息: 88\n", 1);
    server.close_stdin();
    let (server, client) = (server.wait_exit(), client.wait_exit());
    assert_eq!(
        (server.code(), client.code()),
        (0, 0),
        "{server:?}\n{client:?}"
    );
    assert!(
        server
            .stdout
            .ends_with("收到客户端消息: still here\n收到客户端消息: 88\n"),
        "{server:?}"
    );
}

#[test]
fn tcp_chat_duplex_88_from_the_server_ends_both() {
    let (mut server, client) = duplex_pair();
    server.type_in("bye for now\n88\n");
    let (server, client) = (server.wait_exit(), client.wait_exit());
    assert_eq!(
        (server.code(), client.code()),
        (0, 0),
        "{server:?}\n{client:?}"
    );
    assert_eq!(
        client.stdout,
        "收到服务端消息: bye for now\n收到服务端消息: 88\n"
    );
}

#[test]
fn tcp_chat_duplex_ends_each_message_with_a_newline_on_the_wire() {
    let (listener, addr) = listen();
    let mut client = Proc::example("tcp_chat_duplex", &["client", &addr.to_string()]);
    let mut peer = accept(&listener);
    client.type_in("one\ntwo\n");
    expect_bytes(&mut peer, b"one\ntwo\n");
    peer.write_all(b"thr").unwrap();
    peer.write_all(b"ee\n88\n").unwrap();
    let exit = client.wait_exit();
    assert_eq!(exit.code(), 0, "{exit:?}");
    assert_eq!(exit.stdout, "收到服务端消息: three\n收到服务端消息: 88\n");
}

#[test]
fn tcp_chat_duplex_leaves_a_peer_that_never_closes_a_few_seconds_after_its_88() {
    let (listener, addr) = listen();
    let mut client = Proc::example("tcp_chat_duplex", &["client", &addr.to_string()]);
    let mut peer = accept(&listener);
    client.close_stdin(); // end of input says 88
    expect_bytes(&mut peer, b"88\n");
    expect_closed(&mut peer); // the client's sending half is shut down...
    let exit = client.wait_exit(); // ...and this peer never closes its own
    assert_eq!(exit.code(), 0, "{exit:?}");
    assert_eq!(exit.stdout, "");
    assert_eq!(
        exit.stderr,
        format!(
            "tcp_chat_duplex client: server {addr} did not close within 3 s of our 88, leaving\n"
        )
    );
}

#[test]
fn tcp_chat_duplex_server_shows_escapes_and_says_when_the_client_leaves_without_88() {
    let (server, addr) = Proc::server(&example("tcp_chat_duplex"), &["server", "127.0.0.1:0"]);
    let mut peer = connect(addr);
    let port = peer.local_addr().unwrap().port();
    peer.write_all(&[HOSTILE, b"\n"].concat()).unwrap();
    server.wait_stdout("收到客户端消息", 1);
    drop(peer);
    let exit = server.wait_exit();
    assert_eq!(exit.code(), 0, "{exit:?}");
    assert_eq!(
        exit.stdout,
        format!(
            "Listening on {addr}\n客户端已连接: ('127.0.0.1', {port})\n收到客户端消息: {HOSTILE_SHOWN}\n"
        )
    );
    assert_eq!(
        exit.stderr,
        format!(
            "tcp_chat_duplex server: client 127.0.0.1:{port} closed the connection, the chat is over\n"
        )
    );
}

#[test]
fn tcp_chat_duplex_client_shows_escapes_and_says_when_the_server_leaves_without_88() {
    let (listener, addr) = listen();
    let client = Proc::example("tcp_chat_duplex", &["client", &addr.to_string()]);
    let mut peer = accept(&listener);
    peer.write_all(&[ESCAPES, b"\n"].concat()).unwrap();
    client.wait_stdout("收到服务端消息", 1);
    drop(peer);
    let exit = client.wait_exit();
    assert_eq!(exit.code(), 0, "{exit:?}");
    assert_eq!(exit.stdout, format!("收到服务端消息: {ESCAPES_SHOWN}\n"));
    assert_eq!(
        exit.stderr,
        format!("tcp_chat_duplex client: server {addr} closed the connection, the chat is over\n")
    );
}

#[test]
fn tcp_chat_duplex_bad_usage_says_what_is_wrong_and_exits_2() {
    let tcp_chat_duplex = example("tcp_chat_duplex");
    assert_two_role_bad_usages(
        &tcp_chat_duplex,
        "cargo run -p tcp-chat --example tcp_chat_duplex --",
    );
    let start = "usage: tcp_chat_duplex server [ADDR]";
    assert_help(
        &tcp_chat_duplex,
        &["client", "--help"],
        start,
        &["127.0.0.1:6666"],
    );
}
