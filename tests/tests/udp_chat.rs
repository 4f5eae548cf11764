//! udp-chat (the UDP chat of articles 000/002) and its duplex example as
//! processes on real sockets.

use std::net::{SocketAddr, UdpSocket};
use tests::*;

const PROMPT: &str = "请输入:";

fn server() -> (Proc, SocketAddr) {
    Proc::server(&program("udp-chat"), &["server", "127.0.0.1:0"])
}

fn client(addr: SocketAddr) -> Proc {
    Proc::program("udp-chat", &["client", &addr.to_string()])
}

/// Receives one datagram (bounded by the deadline) and returns it with its sender.
fn recv(socket: &UdpSocket) -> (Vec<u8>, SocketAddr) {
    let mut buf = [0; 2048];
    let (n, from) = socket.recv_from(&mut buf).expect("a datagram within the deadline");
    (buf[..n].to_vec(), from)
}

/// A UDP port where nothing is bound: one the OS just gave out, freed.
fn unused_udp_addr() -> SocketAddr {
    udp_socket().local_addr().unwrap()
}

#[test]
fn udp_chat_takes_turns_client_first_until_the_client_says_88() {
    let (server, client, addr) =
        run_pair("udp-chat", "hi there\n你好, 客户端\n", "hello\nhow are you?\n88\n");
    assert_eq!((server.code(), client.code()), (0, 0), "{server:?}\n{client:?}");
    assert_eq!(
        server.stdout,
        format!(
            "Listening on {addr}\n收到客户端消息: hello\n请输入:收到客户端消息: how are you?\n请输入:收到客户端消息: 88\n"
        )
    );
    assert_eq!(
        client.stdout,
        "请输入:收到服务端消息: hi there\n请输入:收到服务端消息: 你好, 客户端\n请输入:"
    );
    assert_eq!((server.stderr.as_str(), client.stderr.as_str()), ("", ""));
}

#[test]
fn udp_chat_88_from_the_server_ends_both() {
    let (server, client, addr) = run_pair("udp-chat", "88\nnever sent\n", "hello\nnever sent\n");
    assert_eq!((server.code(), client.code()), (0, 0), "{server:?}\n{client:?}");
    assert_eq!(server.stdout, format!("Listening on {addr}\n收到客户端消息: hello\n请输入:"));
    assert_eq!(client.stdout, "请输入:收到服务端消息: 88\n");
}

#[test]
fn udp_chat_end_of_input_on_either_side_says_88() {
    let (server, client, _) = run_pair("udp-chat", "answer\n", "hello\n");
    assert_eq!((server.code(), client.code()), (0, 0), "{server:?}\n{client:?}");
    assert!(server.stdout.ends_with("请输入:收到客户端消息: 88\n"), "{server:?}");
    assert_eq!(client.stderr, "udp-chat client: end of input, saying 88\n");

    let (server, client, _) = run_pair("udp-chat", "", "hello\nnever sent\n");
    assert_eq!((server.code(), client.code()), (0, 0), "{server:?}\n{client:?}");
    assert_eq!(server.stderr, "udp-chat server: end of input, saying 88\n");
    assert_eq!(client.stdout, "请输入:收到服务端消息: 88\n");
}

#[test]
fn udp_chat_server_answers_whoever_spoke_last_with_the_articles_bytes() {
    let (mut server, addr) = server();
    let (a, b) = (udp_socket(), udp_socket());
    a.send_to(b"hello", addr).unwrap();
    server.wait_stdout(PROMPT, 1);
    server.type_in("to a\n");
    assert_eq!(recv(&a), (b"to a".to_vec(), addr)); // no newline, from the server's port
    b.send_to(b"caf\xe9 from b", addr).unwrap();
    server.wait_stdout(PROMPT, 2);
    server.type_in("88\n");
    assert_eq!(recv(&b), (b"88".to_vec(), addr)); // to b, who spoke last; not to itself
    let exit = server.wait_exit();
    assert_eq!(exit.code(), 0, "{exit:?}");
    assert_eq!(
        exit.stdout,
        format!(
            "Listening on {addr}\n收到客户端消息: hello\n请输入:收到客户端消息: caf\u{fffd} from b\n请输入:"
        )
    );
    assert_eq!(exit.stderr, "");
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
    assert_eq!(exit.stdout, "请输入:请输入:请输入:收到服务端消息: \u{fffd}ok\n请输入:");
}

#[test]
fn udp_chat_client_without_a_server_says_so_instead_of_waiting() {
    let addr = unused_udp_addr().to_string();
    let exit = run_with_input("udp-chat", &["client", &addr], "hello\n");
    assert_one_line_error(
        &exit,
        1,
        "udp-chat client: no server at",
        &[&addr, "refused", "cargo run -p udp-chat -- server"],
    );
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
    let addr = taken.local_addr().unwrap().to_string();
    let exit = run_with_input("udp-chat", &["server", &addr], "");
    assert_one_line_error(&exit, 1, "udp-chat server: cannot bind", &[&addr, "address in use"]);
}

#[test]
fn udp_chat_usage() {
    let exit = run_with_input("udp-chat", &[], "");
    assert_eq!(exit.code(), 2);
    assert!(exit.stderr.starts_with("usage: udp-chat server [ADDR]"), "{exit:?}");
    let exit = run_with_input("udp-chat", &["-h"], "");
    assert_eq!(exit.code(), 0);
    assert!(exit.stdout.contains("127.0.0.1:9000"), "{exit:?}");
}

// The duplex example: both sides type at any time.

#[test]
fn udp_chat_duplex_bursts_from_both_sides_all_arrive_in_order() {
    let (mut server, addr) = Proc::server(&example("udp_chat_duplex"), &["server", "127.0.0.1:0"]);
    let mut client = Proc::example("udp_chat_duplex", &["client", &addr.to_string()]);
    // The server answers whoever spoke last, so the client speaks first.
    client.type_in("hello\n");
    server.wait_stdout("收到客户端消息: hello\n", 1);
    let from_client: Vec<String> = (0..200).map(|i| format!("client line {i}")).collect();
    let from_server: Vec<String> = (0..200).map(|i| format!("服务端 {i}")).collect();
    client.type_in(&(from_client.join("\n") + "\n"));
    server.type_in(&(from_server.join("\n") + "\n"));
    server.wait_stdout("收到客户端消息: client line 199\n", 1);
    client.wait_stdout("收到服务端消息: 服务端 199\n", 1);
    assert_eq!(received(&server.stdout(), "客户端")[1..], from_client);
    assert_eq!(received(&client.stdout(), "服务端"), from_server);

    client.close_stdin(); // end of input says 88, which ends both
    let (server, client) = (server.wait_exit(), client.wait_exit());
    assert_eq!((server.code(), client.code()), (0, 0), "{server:?}\n{client:?}");
    assert_eq!(received(&server.stdout, "客户端").last(), Some(&"88"));
}

#[test]
fn udp_chat_duplex_server_says_when_nobody_has_spoken_yet() {
    let (mut server, addr) = Proc::server(&example("udp_chat_duplex"), &["server", "127.0.0.1:0"]);
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
