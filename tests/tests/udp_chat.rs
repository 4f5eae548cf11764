//! udp-chat (the UDP chat of articles 000/002) and its duplex example as
//! processes on real sockets.

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::path::Path;
use tests::*;

const PROMPT: &str = "请输入:";

fn server() -> (Proc, SocketAddr) {
    Proc::server(&program("udp-chat"), &["server", "127.0.0.1:0"])
}

fn client(addr: SocketAddr) -> Proc {
    Proc::program("udp-chat", &["client", &addr.to_string()])
}

fn duplex_server() -> (Proc, SocketAddr) {
    Proc::server(&example("udp_chat_duplex"), &["server", "127.0.0.1:0"])
}

fn duplex_client(addr: SocketAddr) -> Proc {
    Proc::example("udp_chat_duplex", &["client", &addr.to_string()])
}

/// Receives one datagram (bounded by the deadline) and returns it with its sender.
fn recv(socket: &UdpSocket) -> (Vec<u8>, SocketAddr) {
    let mut buf = [0; 2048];
    let (n, from) = recv_from(socket, &mut buf).expect("a datagram within the deadline");
    (buf[..n].to_vec(), from)
}

/// Checks that nothing has reached `socket`. Called once the program has
/// sent its last datagram elsewhere: on loopback a datagram is in the
/// receiver's queue when `send` returns, so one sent earlier would be there.
fn assert_nothing_received(socket: &UdpSocket) {
    socket.set_nonblocking(true).unwrap();
    let got = recv_from(socket, &mut [0; 2048]);
    assert!(
        matches!(&got, Err(e) if e.kind() == io::ErrorKind::WouldBlock),
        "a stranger got {got:?}"
    );
}

/// A UDP port where nothing is bound: one the OS just gave out, freed.
fn unused_udp_addr() -> SocketAddr {
    udp_socket().local_addr().unwrap()
}

/// What a hostile peer sends: [`ESCAPES`], then tab (kept), a C1 control
/// (U+009B, a one-byte CSI to some terminals) and DEL.
fn hostile() -> Vec<u8> {
    [ESCAPES, "\t\u{9b}\x7f".as_bytes()].concat()
}

/// How [`hostile`] must appear on stdout.
fn hostile_shown() -> String {
    format!("{ESCAPES_SHOWN}\t\\u{{9b}}\\u{{7f}}")
}

#[test]
fn udp_chat_takes_turns_client_first_until_the_client_says_88() {
    assert_chat_takes_turns_until_the_client_says_88("udp-chat");
}

#[test]
fn udp_chat_88_from_the_server_ends_both() {
    assert_chat_88_from_the_server_ends_both("udp-chat");
}

/// End of input at `请输入:` says 88, on a line of its own: the prompt's
/// line is ended on stdout before the notice goes to stderr.
#[test]
fn udp_chat_end_of_input_on_either_side_says_88_after_ending_the_prompt_line() {
    assert_chat_end_of_input_at_the_client_says_88("udp-chat");
    assert_chat_end_of_input_at_the_server_says_88("udp-chat");
}

/// The chat is with the first client that speaks. (Before, the server
/// answered whoever spoke last, so any host that could reach the port
/// joined the chat, and a stranger's 88 ended it.)
#[test]
fn udp_chat_server_keeps_to_its_first_client_and_ignores_strangers() {
    let (mut server, addr) = server();
    let (client, stranger) = (udp_socket(), udp_socket());
    client.send_to(b"hello", addr).unwrap();
    server.wait_stdout(PROMPT, 1);
    server.type_in("to you\n");
    assert_eq!(recv(&client), (b"to you".to_vec(), addr)); // no newline, from the server's port
    stranger.send_to(b"caf\xe9 from a stranger", addr).unwrap();
    stranger.send_to(b"88", addr).unwrap(); // ends nothing
    client.send_to(b"more", addr).unwrap();
    server.wait_stdout("收到客户端消息: more\n", 1);
    server.type_in("88\n");
    assert_eq!(recv(&client), (b"88".to_vec(), addr));
    let exit = server.wait_exit();
    assert_eq!(exit.code(), 0, "{exit:?}");
    assert_eq!(
        exit.stdout,
        format!("Listening on {addr}\n收到客户端消息: hello\n请输入:收到客户端消息: more\n请输入:")
    );
    let stranger_addr = stranger.local_addr().unwrap();
    assert_eq!(
        exit.stderr,
        format!(
            "udp-chat server: ignoring {stranger_addr} and any other stranger: not this chat's client\n"
        )
    );
    assert_nothing_received(&stranger);
}

#[test]
fn udp_chat_client_speaks_the_articles_bytes_to_a_raw_server() {
    let peer = udp_socket();
    let addr = peer.local_addr().unwrap();
    let mut client = client(addr);
    // The empty line and the over-long line are asked again, not sent.
    client.type_in(&format!("\n{}\n你好\n", "x".repeat(1025)));
    let (data, from) = recv(&peer);
    assert_eq!(data, "你好".as_bytes());
    peer.send_to(b"\xffok", from).unwrap();
    client.wait_stdout("收到服务端消息", 1);
    client.type_in("88\n");
    assert_eq!(recv(&peer), (b"88".to_vec(), from));
    let exit = client.wait_exit();
    assert_eq!(exit.code(), 0, "{exit:?}");
    assert_eq!(
        exit.stdout,
        "请输入:请输入:请输入:收到服务端消息: \u{fffd}ok\n请输入:"
    );
}

/// Its socket is connected to the server: a stranger who finds the
/// client's port is not heard, and its 88 ends nothing.
#[test]
fn udp_chat_client_hears_its_server_only() {
    let (mut client, peer, client_addr) = client_beset_by_a_stranger(&program("udp-chat"));
    client.wait_stdout("收到服务端消息", 1);
    client.type_in("88\n");
    assert_eq!(recv(&peer), (b"88".to_vec(), client_addr));
    let exit = client.wait_exit();
    assert_eq!(exit.code(), 0, "{exit:?}");
    assert_eq!(exit.stdout, "请输入:收到服务端消息: the real one\n请输入:");
}

/// Starts the client at `path` with a raw server, `hi` typed; once the
/// client has spoken, a stranger sends it `I am your server` and `88`, then
/// the server sends `the real one`. Returns the client, the server's socket
/// and the client's address.
fn client_beset_by_a_stranger(path: &Path) -> (Proc, UdpSocket, SocketAddr) {
    let peer = udp_socket();
    let mut client = Proc::start(path, &["client", &peer.local_addr().unwrap().to_string()]);
    client.type_in("hi\n");
    let (_, client_addr) = recv(&peer);
    let stranger = udp_socket();
    stranger.send_to(b"I am your server", client_addr).unwrap();
    stranger.send_to(b"88", client_addr).unwrap();
    peer.send_to(b"the real one", client_addr).unwrap();
    (client, peer, client_addr)
}

/// Terminal escape sequences from the peer are shown, not obeyed.
#[test]
fn udp_chat_shows_escape_sequences_escaped_on_both_sides() {
    assert_escapes_shown("udp-chat", &program("udp-chat"));
}

/// Each role of `name` at `path` shows a hostile peer's text escaped.
fn assert_escapes_shown(name: &str, path: &Path) {
    let shown = hostile_shown();
    // The server, from a raw client.
    let (mut server, addr) = Proc::server(path, &["server", "127.0.0.1:0"]);
    let peer = udp_socket();
    peer.send_to(&hostile(), addr).unwrap();
    server.wait_stdout("收到客户端消息", 1);
    server.type_in("88\n");
    assert_eq!(recv(&peer).0, b"88");
    let exit = server.wait_exit();
    assert_eq!(
        exit.stdout,
        format!(
            "Listening on {addr}\n收到客户端消息: {shown}\n{}",
            prompt(name)
        )
    );

    // The client, from a raw server.
    let peer = udp_socket();
    let mut client = Proc::start(path, &["client", &peer.local_addr().unwrap().to_string()]);
    client.type_in("hi\n");
    let (_, client_addr) = recv(&peer);
    peer.send_to(&hostile(), client_addr).unwrap();
    client.wait_stdout("收到服务端消息", 1);
    client.type_in("88\n");
    assert_eq!(recv(&peer).0, b"88");
    let exit = client.wait_exit();
    assert_eq!(
        exit.stdout,
        format!("{0}收到服务端消息: {shown}\n{0}", prompt(name)),
        "{name}"
    );
}

/// The turn-taking chat prompts; the duplex example does not.
fn prompt(name: &str) -> &'static str {
    if name == "udp-chat" { PROMPT } else { "" }
}

#[test]
fn udp_chat_client_without_a_server_says_so_instead_of_waiting() {
    let (start, hint) = (
        "udp-chat client: no server at",
        "cargo run -p udp-chat -- server",
    );
    let exit = assert_no_server(
        &program("udp-chat"),
        &["client"],
        unused_udp_addr(),
        start,
        hint,
    );
    assert_eq!(exit.stdout, PROMPT);
}

#[test]
fn udp_chat_client_ends_cleanly_when_the_server_has_gone() {
    let (mut server, addr) = server();
    let mut client = client(addr);
    client.type_in("hello\n");
    server.wait_stdout(PROMPT, 1);
    server.type_in("hi\n");
    client.wait_stdout("收到服务端消息: hi\n", 1);
    drop(server); // killed while the client's user is typing
    client.type_in("still there?\n");
    let exit = client.wait_exit();
    assert_eq!(exit.code(), 0, "{exit:?}");
    assert_eq!(
        exit.stderr,
        format!("udp-chat client: server {addr} has gone (port unreachable), the chat is over\n")
    );
}

#[test]
fn udp_chat_server_on_an_address_in_use_says_so() {
    let taken = udp_socket();
    let addr = taken.local_addr().unwrap();
    assert_address_in_use(
        &program("udp-chat"),
        &["server"],
        addr,
        "udp-chat server: cannot bind",
    );
}

/// Bad usage is one line that says what is wrong, then the usage, exit 2:
/// never a panic (bytes that are not UTF-8), a name lookup (`--bogus`,
/// `:9000`) or exit 1. With no role at all, the line says how to start
/// both sides (issue 15).
#[test]
fn udp_chat_answers_bad_usage_with_what_is_wrong_and_the_usage() {
    assert_usage_errors("udp-chat", &program("udp-chat"), "cargo run -p udp-chat --");
}

/// Checks every kind of bad usage of `name` at `path`, which `run` starts,
/// and that -h or --help anywhere shows the usage with its defaults.
fn assert_usage_errors(name: &str, path: &Path, run: &str) {
    assert_two_role_bad_usages(path, run);
    for args in [
        &["--help"][..],
        &["server", "-h"],
        &["talk", "a", "b", "--help"],
    ] {
        assert_help(
            path,
            args,
            &format!("usage: {name} server [ADDR]"),
            &["127.0.0.1:9000"],
        );
    }
}

// The duplex example: both sides type at any time.

#[test]
fn udp_chat_duplex_bursts_from_both_sides_all_arrive_in_order() {
    let (server, addr) = duplex_server();
    let mut client = duplex_client(addr);
    // The server talks with the first client that speaks, so the client speaks first.
    client.type_in("hello\n");
    server.wait_stdout("收到客户端消息: hello\n", 1);
    assert_duplex_bursts_arrive_in_order(server, client, 1);
}

#[test]
fn udp_chat_duplex_server_says_when_nobody_has_spoken_yet() {
    let (mut server, addr) = duplex_server();
    server.type_in("anyone?\n");
    server.wait_stderr("no client has spoken yet, nobody to send to");
    let peer = udp_socket();
    peer.send_to(b"me", addr).unwrap();
    server.wait_stdout("收到客户端消息: me\n", 1);
    server.type_in("88\n");
    assert_eq!(recv(&peer), (b"88".to_vec(), addr));
    let exit = server.wait_exit();
    assert_eq!(exit.code(), 0, "{exit:?}");
}

/// As udp-chat's server: the first client that speaks is the only one.
#[test]
fn udp_chat_duplex_server_keeps_to_its_first_client_and_ignores_strangers() {
    let (mut server, addr) = duplex_server();
    let (client, stranger) = (udp_socket(), udp_socket());
    client.send_to(b"hello", addr).unwrap();
    server.wait_stdout("收到客户端消息: hello\n", 1);
    stranger.send_to(b"intruder", addr).unwrap();
    stranger.send_to(b"88", addr).unwrap(); // ends nothing
    client.send_to(b"again", addr).unwrap();
    server.wait_stdout("收到客户端消息: again\n", 1);
    server.type_in("to my client\n");
    assert_eq!(recv(&client), (b"to my client".to_vec(), addr));
    server.close_stdin();
    assert_eq!(recv(&client), (b"88".to_vec(), addr));
    let exit = server.wait_exit();
    assert_eq!(exit.code(), 0, "{exit:?}");
    assert_eq!(
        exit.stdout,
        format!("Listening on {addr}\n收到客户端消息: hello\n收到客户端消息: again\n")
    );
    let stranger_addr = stranger.local_addr().unwrap();
    assert_eq!(
        exit.stderr,
        format!(
            "udp_chat_duplex server: ignoring {stranger_addr} and any other stranger: not this chat's peer\n"
        )
    );
    assert_nothing_received(&stranger);
}

#[test]
fn udp_chat_duplex_client_hears_its_server_only() {
    let (client, peer, client_addr) = client_beset_by_a_stranger(&example("udp_chat_duplex"));
    client.wait_stdout("收到服务端消息: the real one\n", 1);
    peer.send_to(b"88", client_addr).unwrap();
    let exit = client.wait_exit();
    assert_eq!(exit.code(), 0, "{exit:?}");
    assert_eq!(
        exit.stdout,
        "收到服务端消息: the real one\n收到服务端消息: 88\n"
    );
}

/// UDP has no close to wait for: after its own 88 (here: end of input) a
/// side sends it and leaves at once, even if the peer never answers.
#[test]
fn udp_chat_duplex_leaves_after_its_own_88_though_the_peer_stays_silent() {
    // The server, with a raw client that never answers.
    let (mut server, addr) = duplex_server();
    let peer = udp_socket();
    peer.send_to(b"hello", addr).unwrap();
    server.wait_stdout("收到客户端消息: hello\n", 1);
    server.close_stdin();
    assert_eq!(recv(&peer), (b"88".to_vec(), addr));
    let exit = server.wait_exit();
    assert_eq!((exit.code(), exit.stderr.as_str()), (0, ""), "{exit:?}");

    // The client, with a raw server that never answers.
    let peer = udp_socket();
    let mut client = duplex_client(peer.local_addr().unwrap());
    client.type_in("anyone?\n");
    client.close_stdin();
    assert_eq!(recv(&peer).0, b"anyone?");
    assert_eq!(recv(&peer).0, b"88");
    let exit = client.wait_exit();
    assert_eq!((exit.code(), exit.stderr.as_str()), (0, ""), "{exit:?}");
}

/// A server that has gone is known by the "port unreachable" its port
/// sends back: the client says so in udp-chat's words, exit 0.
#[test]
fn udp_chat_duplex_client_ends_cleanly_when_the_server_has_gone() {
    let (mut server, addr) = duplex_server();
    let mut client = duplex_client(addr);
    client.type_in("hello\n");
    server.wait_stdout("收到客户端消息: hello\n", 1);
    server.type_in("hi\n");
    client.wait_stdout("收到服务端消息: hi\n", 1);
    drop(server);
    client.type_in("still there?\n");
    let exit = client.wait_exit();
    assert_eq!(exit.code(), 0, "{exit:?}");
    assert_eq!(
        exit.stderr,
        format!(
            "udp_chat_duplex client: server {addr} has gone (port unreachable), the chat is over\n"
        )
    );
}

#[test]
fn udp_chat_duplex_client_without_a_server_says_so() {
    let (path, addr) = (example("udp_chat_duplex"), unused_udp_addr());
    let hint = "cargo run -p udp-chat --example udp_chat_duplex -- server";
    let exit = assert_no_server(
        &path,
        &["client"],
        addr,
        "udp_chat_duplex client: no server at",
        hint,
    );
    assert_eq!(exit.stdout, "");
}

#[test]
fn udp_chat_duplex_shows_escape_sequences_escaped_on_both_sides() {
    assert_escapes_shown("udp_chat_duplex", &example("udp_chat_duplex"));
}

#[test]
fn udp_chat_duplex_answers_bad_usage_with_what_is_wrong_and_the_usage() {
    let run = "cargo run -p udp-chat --example udp_chat_duplex --";
    assert_usage_errors("udp_chat_duplex", &example("udp_chat_duplex"), run);
}
