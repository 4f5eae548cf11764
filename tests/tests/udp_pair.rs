//! Article 002's UDP pair (examples `udp_server` and `udp_client` of
//! udp-chat) as processes on real sockets: the article's bytes, and its
//! prints of bytes and `(data, address)` tuples as Python prints them.

use std::net::{SocketAddr, UdpSocket};
use std::process::Stdio;
use std::time::Duration;
use tests::*;

const PROMPT: &str = "请输入:\n";

fn server() -> (Proc, SocketAddr) {
    Proc::server(&example("udp_server"), &["127.0.0.1:0"])
}

fn client(addr: SocketAddr) -> Proc {
    Proc::example("udp_client", &[&addr.to_string()])
}

/// Receives one datagram (bounded by the deadline) with its sender.
fn recv(socket: &UdpSocket) -> (Vec<u8>, SocketAddr) {
    let mut buf = [0; 65536];
    let (n, from) = recv_from(socket, &mut buf).expect("a datagram within the deadline");
    (buf[..n].to_vec(), from)
}

/// A raw peer plays the client: says `hell0`, gets the article's answer.
fn greeted_server() -> (Proc, SocketAddr, UdpSocket) {
    let (server, addr) = server();
    let peer = udp_socket();
    peer.send_to(b"hell0", addr).unwrap();
    assert_eq!(recv(&peer), (b"send a message to you".to_vec(), addr));
    server.wait_stdout(PROMPT, 1);
    (server, addr, peer)
}

/// A raw peer plays the server: gets `hell0`, answers as the article's
/// server does; returns it with the client's address.
fn greeted_client() -> (Proc, UdpSocket, SocketAddr) {
    let peer = udp_socket();
    let client = client(peer.local_addr().unwrap());
    let (hello, from) = recv(&peer);
    assert_eq!(hello, b"hell0");
    peer.send_to(b"send a message to you", from).unwrap();
    client.wait_stdout(PROMPT, 1);
    (client, peer, from)
}

#[test]
fn udp_pair_talks_as_the_python_pair_does() {
    let (mut server, addr) = server();
    let mut client = client(addr);
    server.wait_stdout(PROMPT, 1);
    client.wait_stdout(PROMPT, 1);
    server.type_in("hi client\n");
    client.type_in("hi server\n");
    server.wait_stdout("收到客户端的数据", 1);
    client.wait_stdout("收到服务端的数据", 1);
    server.close_stdin();
    client.close_stdin();
    let (server, client) = both_exit_0(server, client);
    // The server names the client's address twice, the same each time.
    let client_addr = server.stdout.lines().nth(1).unwrap();
    let client_addr = client_addr
        .strip_prefix("收到来自客户端消息: (b'hell0', ")
        .unwrap();
    let client_addr = client_addr.strip_suffix(')').unwrap();
    assert!(client_addr.starts_with("('127.0.0.1', "), "{server:?}");
    assert_eq!(
        server.stdout,
        format!(
            "Listening on {addr}\n收到来自客户端消息: (b'hell0', {client_addr})\n{PROMPT}\
             收到客户端的数据: (b'hi server', {client_addr})\n{PROMPT}"
        )
    );
    assert_eq!(
        client.stdout,
        format!(
            "b'send a message to you'\n{PROMPT}收到服务端的数据: (b'hi client', {})\n{PROMPT}",
            python_tuple(addr)
        )
    );
    assert_eq!((server.stderr.as_str(), client.stderr.as_str()), ("", ""));
}

#[test]
fn udp_server_prints_bytes_and_address_as_python_does() {
    let (mut server, addr, peer) = greeted_server();
    let me = python_tuple(peer.local_addr().unwrap());
    server.type_in("你好\n");
    assert_eq!(recv(&peer), ("你好".as_bytes().to_vec(), addr));
    // Escapes, a quote, non-ASCII bytes and a backslash, as Python's repr shows them.
    peer.send_to(b"\x1b[2J\x1b]0;pwned\x07it's \xe4\xbd\xa0\\\t\r\n", addr)
        .unwrap();
    server.wait_stdout(PROMPT, 2);
    server.type_in("again\n");
    assert_eq!(recv(&peer).0, b"again");
    peer.send_to(b"say \"hi\" it's", addr).unwrap();
    server.wait_stdout(PROMPT, 3);
    server.close_stdin();
    let exit = server.wait_exit();
    assert_eq!(
        exit.stdout,
        format!(
            "Listening on {addr}\n收到来自客户端消息: (b'hell0', {me})\n{PROMPT}\
             收到客户端的数据: (b\"\\x1b[2J\\x1b]0;pwned\\x07it's \\xe4\\xbd\\xa0\\\\\\t\\r\\n\", {me})\n{PROMPT}\
             收到客户端的数据: (b'say \"hi\" it\\'s', {me})\n{PROMPT}"
        )
    );
    assert_eq!((exit.code(), exit.stderr.as_str()), (0, ""));
}

#[test]
fn udp_server_replies_to_its_client_and_ignores_strangers() {
    let (mut server, addr, peer) = greeted_server();
    let stranger = udp_socket();
    stranger.send_to(b"88 from a stranger", addr).unwrap();
    server.type_in("to my client\n");
    assert_eq!(recv(&peer), (b"to my client".to_vec(), addr));
    server.wait_stderr("not our client");
    peer.send_to(b"answer", addr).unwrap();
    stranger.send_to(b"again", addr).unwrap();
    server.wait_stdout(PROMPT, 2);
    server.close_stdin();
    let exit = server.wait_exit();
    assert!(!exit.stdout.contains("stranger"), "{exit:?}");
    assert!(
        exit.stdout.contains("收到客户端的数据: (b'answer', "),
        "{exit:?}"
    );
    let who = stranger.local_addr().unwrap();
    assert_eq!(
        exit.stderr,
        format!("udp_server: ignoring {who} and any other stranger: not our client\n")
    );
    assert_eq!(exit.code(), 0);
}

#[test]
fn udp_client_sends_the_articles_bytes_and_prints_the_answers() {
    let (mut client, peer, from) = greeted_client();
    client.type_in("hi\n");
    assert_eq!(recv(&peer), (b"hi".to_vec(), from));
    peer.send_to(b"\x1b[31mred", from).unwrap();
    client.wait_stdout(PROMPT, 2);
    client.close_stdin();
    let exit = client.wait_exit();
    let server = python_tuple(peer.local_addr().unwrap());
    assert_eq!(
        exit.stdout,
        format!(
            "b'send a message to you'\n{PROMPT}收到服务端的数据: (b'\\x1b[31mred', {server})\n{PROMPT}"
        )
    );
    assert_eq!((exit.code(), exit.stderr.as_str()), (0, ""));
}

#[test]
fn udp_pair_refuses_a_line_longer_than_the_peer_reads_and_never_sends_its_tail() {
    let (mut client, peer, from) = greeted_client();
    client.type_in(&format!(
        "{}TAIL-OF-A-REFUSED-LINE\nok\n",
        "x".repeat(70_000)
    ));
    assert_eq!(recv(&peer), (b"ok".to_vec(), from));
    client.wait_stderr("not sent");
    let (mut server, addr, raw) = greeted_server();
    server.type_in(&format!("{}TAIL\n{}\n", "y".repeat(1025), "z".repeat(1024)));
    assert_eq!(recv(&raw), ("z".repeat(1024).into_bytes(), addr));
    server.wait_stderr("not sent: a line is at most 1024 bytes");
}

#[test]
fn udp_client_without_a_server_says_so() {
    let nobody = unused_udp_addr();
    let mut client = client(nobody);
    client.close_stdin();
    let exit = client.wait_exit();
    assert_one_line_error(
        &exit,
        1,
        &format!("udp_client: no answer from {nobody}: "),
        &["is the server running?"],
    );
}

#[test]
fn udp_client_gives_up_on_a_silent_server() {
    let silent = udp_socket();
    let client = client(silent.local_addr().unwrap());
    let exit = client.wait_exit_after(Duration::from_secs(10));
    assert_one_line_error(
        &exit,
        1,
        "udp_client: no answer from ",
        &["no answer in time"],
    );
}

#[test]
fn udp_client_gives_up_when_the_server_never_answers_a_line() {
    let peer = udp_socket();
    let server = peer.local_addr().unwrap().to_string();
    let args = [std::ffi::OsStr::new(&server)];
    let env = [("IDLE_SECS", "1")];
    let mut client = Proc::start_with(&example("udp_client"), &args, &env, Stdio::piped());
    let (_, from) = recv(&peer);
    peer.send_to(b"send a message to you", from).unwrap();
    client.type_in("anyone?\n");
    assert_eq!(recv(&peer).0, b"anyone?");
    let exit = client.wait_exit();
    assert_one_line_error(
        &exit,
        1,
        "udp_client: no answer from ",
        &["no answer in time"],
    );
}

#[test]
fn udp_client_ignores_datagrams_from_anyone_but_its_server() {
    let (mut client, peer, from) = greeted_client();
    udp_socket().send_to(b"from a stranger", from).unwrap();
    client.type_in("hi\n");
    recv(&peer);
    peer.send_to(b"from the server", from).unwrap();
    client.wait_stdout(PROMPT, 2);
    client.close_stdin();
    let exit = client.wait_exit();
    assert!(!exit.stdout.contains("stranger"), "{exit:?}");
    assert!(exit.stdout.contains("(b'from the server', "), "{exit:?}");
}

#[cfg(target_os = "linux")]
#[test]
fn udp_client_with_a_full_stdout_says_so() {
    let peer = udp_socket();
    let mut client = Proc::start_stdout_full(
        &example("udp_client"),
        &[&peer.local_addr().unwrap().to_string()],
    );
    let (_, from) = recv(&peer);
    peer.send_to(b"send a message to you", from).unwrap();
    client.close_stdin();
    let exit = client.wait_exit();
    assert_one_line_error(
        &exit,
        1,
        "udp_client: cannot use the console (stdin/stdout): ",
        &["No space left on device"],
    );
}

#[test]
fn udp_pair_answers_help_and_bad_usage() {
    for name in ["udp_server", "udp_client"] {
        let path = example(name);
        assert_help(
            &path,
            &["--help"],
            &format!("usage: {name} [ADDR]"),
            &["127.0.0.1:9000"],
        );
        assert_bad_addrs(&path, &[]);
        assert_bad_usage(&path, &["--bogus"], "unknown option `--bogus`");
        assert_bad_usage(&path, &["127.0.0.1:1", "x"], "unexpected argument `x`");
    }
}

#[test]
fn udp_server_on_a_busy_address_says_so() {
    let busy = UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = busy.local_addr().unwrap().to_string();
    let exit = Proc::example("udp_server", &[&addr]).wait_exit();
    assert_one_line_error(
        &exit,
        1,
        &format!("udp_server: cannot bind {addr}: "),
        &["pass another ADDR"],
    );
}
