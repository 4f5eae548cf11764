//! tcp-chat (article 000) and its duplex example as processes on real sockets.

use std::io::Write;
use std::net::SocketAddr;
use std::process::Stdio;
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

// With stdin piped, no Enter is echoed: each prompt's line is ended by the
// program, so a prompt and the next message never share a line.

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
    let exit = server.wait_exit_0();
    assert_eq!(
        exit.stdout,
        format!(
            "Listening on {addr}\n客户端已连接: ('127.0.0.1', {})\n收到客户端消息: hello\n请输入:\n收到客户端消息: caf\u{fffd} \u{fffd}\n请输入:\n",
            peer.local_addr().unwrap().port()
        )
    );
}

const REFUSED: &str = "tcp-chat client: not sent: a line is at most 1024 bytes, what the peer reads at once; type less\n";

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
    let exit = client.wait_exit_0();
    // A trailing newline from the peer (nc sends one) is not shown twice.
    assert_eq!(
        exit.stdout,
        "请输入:\n请输入:\n请输入:\n收到服务端消息: \u{fffd}\u{fffd}ok\n请输入:\n"
    );
    assert_eq!(exit.stderr, REFUSED);
}

/// The rest of a refused line is skipped, never sent as a message of its
/// own: here a line of 64 MiB and 10 bytes, longer than any one read.
#[test]
fn tcp_chat_client_never_sends_the_tail_of_a_refused_line() {
    let (listener, addr) = listen();
    let mut client = client(addr);
    let mut peer = accept(&listener);
    client.type_in(&format!("{}tail-of-it\nhello\n", "x".repeat(64 << 20)));
    expect_bytes(&mut peer, b"hello");
    peer.write_all(b"88").unwrap();
    let exit = client.wait_exit_0();
    assert_eq!(exit.stderr, REFUSED);
}

#[test]
fn tcp_chat_server_ends_cleanly_when_the_client_is_killed() {
    let (mut server, addr) = server();
    let mut client = client(addr);
    client.type_in("hello\n");
    server.wait_stdout(PROMPT, 1);
    drop(client); // killed while the server's user is typing
    server.type_in("anyone there?\n");
    let exit = server.wait_exit_0();
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
    let exit = client.wait_exit_0();
    assert_eq!(exit.stdout, "请输入:\n");
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

/// A server that drops our SYNs: the connect gives up after 10 s, saying so.
#[cfg(target_os = "linux")]
#[test]
fn tcp_chat_client_gives_up_connecting_after_10_s() {
    let (_listener, _queued, addr) = silent_addr();
    let mut client = client(addr);
    client.close_stdin();
    let exit = client.wait_exit_after(std::time::Duration::from_secs(10));
    assert_one_line_error(
        &exit,
        1,
        &format!("tcp-chat client: cannot connect to {addr}: "),
        &["timed out", "no answer within 10 s"],
    );
    assert_eq!(exit.stdout, "");
}

/// The IP a name resolved to is named in the error.
#[test]
fn tcp_chat_client_names_the_ip_a_name_resolved_to() {
    let addr = unused_addr();
    let mut client = Proc::program(
        "tcp-chat",
        &["client", &format!("localhost:{}", addr.port())],
    );
    client.close_stdin();
    let exit = client.wait_exit();
    assert_one_line_error(
        &exit,
        1,
        &format!(
            "tcp-chat client: cannot connect to localhost:{} (",
            addr.port()
        ),
        &[&format!(":{})", addr.port()), "is the server running?"],
    );
}

/// A full disk under stdout ends the client with one line, exit 1.
#[cfg(target_os = "linux")]
#[test]
fn tcp_chat_client_with_stdout_on_a_full_disk_says_so() {
    let (listener, addr) = listen();
    let mut client = Proc::start_stdout_full(&program("tcp-chat"), &["client", &addr.to_string()]);
    let _peer = accept(&listener);
    client.type_in("hello\n");
    let exit = client.wait_exit();
    assert_eq!(
        (exit.code(), exit.stderr.as_str()),
        (
            1,
            "tcp-chat client: cannot use the console (stdin/stdout): No space left on device (os error 28)\n"
        ),
        "{exit:?}"
    );
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
    let exit = server.wait_exit_0();
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
    let exit = client.wait_exit_0();
    assert_eq!(
        exit.stdout,
        format!("{PROMPT}\n收到服务端消息: {HOSTILE_SHOWN}\n{PROMPT}\n")
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
    let exit = server.wait_exit_0();
    let port = peer.local_addr().unwrap().port();
    assert_eq!(
        exit.stdout,
        format!(
            "Listening on {addr}\n客户端已连接: ('127.0.0.1', {scan_port})\n客户端已连接: ('127.0.0.1', {port})\n收到客户端消息: hello\n{PROMPT}\n"
        )
    );
    assert_eq!(
        exit.stderr,
        format!(
            "tcp-chat server: client 127.0.0.1:{scan_port} left without a word, waiting for the next one\n"
        )
    );
}

/// A client that connects and says nothing (`nc` left open) is let go
/// after IDLE_SECS, and the next client gets the chat.
#[test]
fn tcp_chat_server_lets_a_silent_client_go_and_takes_the_next() {
    let args = ["server", "127.0.0.1:0"];
    let (mut server, addr) = Proc::server_with(&program("tcp-chat"), &args, &[("IDLE_SECS", "1")]);
    let mut silent = connect(addr);
    let silent_port = silent.local_addr().unwrap().port();
    let mut peer = connect(addr); // waits in the backlog meanwhile
    peer.write_all(b"hello").unwrap();
    server.wait_stdout(PROMPT, 1);
    expect_closed(&mut silent); // let go
    server.type_in("88\n");
    expect_bytes(&mut peer, b"88");
    let exit = server.wait_exit_0();
    assert_eq!(
        exit.stderr,
        format!(
            "tcp-chat server: client 127.0.0.1:{silent_port} said nothing for 1 s, waiting for the next one\n"
        )
    );
    assert!(
        exit.stdout.ends_with("收到客户端消息: hello\n请输入:\n"),
        "{exit:?}"
    );
}

#[cfg(unix)]
#[test]
fn tcp_chat_a_refusal_on_stderr_starts_a_line_of_its_own() {
    // What a person sees on one screen: stderr and stdout together (2>&1).
    let tcp_chat = program("tcp-chat");
    let (listener, addr) = listen();
    let script = r#"exec "$0" client "$1" 2>&1"#;
    let args = ["-c", script, tcp_chat.to_str().unwrap(), &addr.to_string()];
    let mut client = Proc::start(std::path::Path::new("/bin/sh"), &args);
    client.type_in(&format!("{}\nhello\n", "x".repeat(1025)));
    let mut peer = accept(&listener);
    expect_bytes(&mut peer, b"hello");
    drop(peer);
    let exit = client.wait_exit_0();
    assert_eq!(
        exit.stdout,
        format!(
            "请输入:\n{REFUSED}请输入:\ntcp-chat client: server {addr} closed the connection, the chat is over\n"
        )
    );
}

#[test]
fn tcp_chat_server_pauses_after_a_failed_accept() {
    assert_failed_accepts_pause(&program("tcp-chat"), &["server", "127.0.0.1:0"]);
}

#[cfg(unix)]
#[test]
fn tcp_chat_bad_usage_says_what_is_wrong_and_exits_2() {
    assert_two_role_bad_usages(&program("tcp-chat"), "cargo run -p tcp-chat --");
}

#[test]
fn tcp_chat_help_shows_the_usage_and_the_default() {
    for args in [
        &["--help"][..],
        &["server", "-h"],
        &["client", "127.0.0.1:1", "--help"],
    ] {
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
    let (server, _) = both_exit_0(server, client);
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
    let (_, client) = both_exit_0(server, client);
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
    let exit = client.wait_exit_0();
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
    let exit = client.wait_exit_0(); // ...and this peer never closes its own
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
    let exit = server.wait_exit_0();
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
    let exit = client.wait_exit_0();
    assert_eq!(exit.stdout, format!("收到服务端消息: {ESCAPES_SHOWN}\n"));
    assert_eq!(
        exit.stderr,
        format!("tcp_chat_duplex client: server {addr} closed the connection, the chat is over\n")
    );
}

#[cfg(unix)]
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

/// A line over 1024 bytes is refused and asked again, as in the other
/// chats, and its tail is never sent: the first line on the wire is the
/// next one typed.
#[test]
fn tcp_chat_duplex_refuses_a_line_over_1024_bytes_and_asks_again() {
    let (listener, addr) = listen();
    let mut client = Proc::example("tcp_chat_duplex", &["client", &addr.to_string()]);
    let mut peer = accept(&listener);
    client.type_in(&format!("{}tail-of-it\nhello\n", "x".repeat(64 << 10)));
    expect_bytes(&mut peer, b"hello\n");
    peer.write_all(b"88\n").unwrap();
    let exit = client.wait_exit_0();
    assert_eq!(
        exit.stderr,
        "tcp_chat_duplex client: not sent: a line is at most 1024 bytes, what the peer reads at once; type less\n"
    );
}

/// A failed accept (Windows and macOS report a client that reset in the
/// backlog so) loses that client, not the server.
#[test]
fn tcp_chat_duplex_server_pauses_after_a_failed_accept_and_accepts_again() {
    assert_failed_accepts_pause(&example("tcp_chat_duplex"), &["server", "127.0.0.1:0"]);
}

/// A server that drops our SYNs: the connect gives up after 10 s, saying so.
#[cfg(target_os = "linux")]
#[test]
fn tcp_chat_duplex_client_gives_up_connecting_after_10_s() {
    let (_listener, _queued, addr) = silent_addr();
    let client = Proc::example("tcp_chat_duplex", &["client", &addr.to_string()]);
    let exit = client.wait_exit_after(std::time::Duration::from_secs(10));
    assert_one_line_error(
        &exit,
        1,
        &format!("tcp_chat_duplex client: cannot connect to {addr}: "),
        &["timed out", "no answer within 10 s"],
    );
}

/// A full disk under stdout ends the client with one line, exit 1.
#[cfg(target_os = "linux")]
#[test]
fn tcp_chat_duplex_client_with_stdout_on_a_full_disk_says_so() {
    let (listener, addr) = listen();
    let client =
        Proc::start_stdout_full(&example("tcp_chat_duplex"), &["client", &addr.to_string()]);
    let mut peer = accept(&listener);
    peer.write_all(b"hi\n").unwrap();
    let exit = client.wait_exit();
    assert_eq!(
        (exit.code(), exit.stderr.as_str()),
        (
            1,
            "tcp_chat_duplex client: cannot use the console (stdin/stdout): No space left on device (os error 28)\n"
        ),
        "{exit:?}"
    );
}

/// Once the server has its one client it closes its listening socket: a
/// second client is refused at once, not left waiting in the backlog.
#[test]
fn tcp_chat_server_refuses_a_second_client_once_it_has_one() {
    let (server, addr) = server();
    let mut first = connect(addr);
    first.write_all(b"hello").unwrap();
    server.wait_stdout("收到客户端消息: hello\n", 1);
    let second = std::net::TcpStream::connect(addr).map(|_| ());
    let refused = second.map_err(|e| e.kind());
    assert_eq!(refused, Err(std::io::ErrorKind::ConnectionRefused));
}

/// A peer that reads nothing: once the socket's buffers are full, a send
/// takes nothing for 10 s and the side ends with one line, exit 1. (Before,
/// the keyboard thread waited in write_all for ever.)
#[test]
fn tcp_chat_duplex_client_leaves_a_peer_that_reads_nothing_after_10_s() {
    let (listener, addr) = listen();
    // 16 MiB of lines, more than the two sockets' buffers hold (4 MiB to
    // send, and what the peer's window takes), from a file: the client
    // stops reading its stdin when its sends block, and a pipe would block the test.
    let lines = std::env::temp_dir().join(format!("duplex-lines-{}", std::process::id()));
    let line = "x".repeat(1023) + "\n";
    std::fs::write(&lines, line.repeat(16 << 10)).unwrap();
    let stdin = Stdio::from(std::fs::File::open(&lines).unwrap());
    let args = ["client", &addr.to_string()];
    let client = Proc::start_stdin(&example("tcp_chat_duplex"), &args, stdin);
    let _ = std::fs::remove_file(&lines); // the client holds it open
    let _peer = accept(&listener); // never reads
    let exit = client.wait_exit_after(std::time::Duration::from_secs(10));
    assert_eq!(exit.code(), 1, "{exit:?}");
    assert_eq!(
        exit.stderr,
        format!(
            "tcp_chat_duplex client: server {addr} did not take what we sent within 10 s, the chat is over\n"
        )
    );
}

/// A stdin that cannot be read (a directory) is said in one line, exit 1,
/// as every keyboard reader does; no 88 is sent for it. (Before, it was
/// taken as end of input: 88, then exit 0.)
#[cfg(unix)]
#[test]
fn tcp_chat_duplex_client_says_so_when_stdin_cannot_be_read() {
    let (listener, addr) = listen();
    let stdin = Stdio::from(std::fs::File::open("/").unwrap());
    let args = ["client", &addr.to_string()];
    let client = Proc::start_stdin(&example("tcp_chat_duplex"), &args, stdin);
    let mut peer = accept(&listener);
    let exit = client.wait_exit();
    assert_eq!(
        (exit.code(), exit.stderr.as_str()),
        (
            1,
            "tcp_chat_duplex client: cannot use the console (stdin/stdout): Is a directory (os error 21)\n"
        ),
        "{exit:?}"
    );
    expect_closed(&mut peer);
}

/// Text a peer sent without its newline, just before it reset the
/// connection, is shown, then that the peer has gone. (Before, the read
/// that met the reset dropped it.)
#[test]
fn tcp_chat_duplex_client_shows_what_came_just_before_a_reset() {
    let (listener, addr) = listen();
    let mut client = Proc::example("tcp_chat_duplex", &["client", &addr.to_string()]);
    let mut peer = accept(&listener);
    peer.write_all(b"half a sent").unwrap();
    // Closing a socket with data it has not read sends a reset, not a FIN:
    // the client sends a line, which the peer sees arrive (peek) but never reads.
    client.type_in("unread\n");
    peer.set_read_timeout(Some(DEADLINE)).unwrap();
    peer.peek(&mut [0; 1]).unwrap();
    drop(peer);
    let exit = client.wait_exit_0();
    assert_eq!(exit.stdout, "收到服务端消息: half a sent\n");
    assert_eq!(
        exit.stderr,
        format!("tcp_chat_duplex client: server {addr} closed the connection, the chat is over\n")
    );
}
