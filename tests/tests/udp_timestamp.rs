//! udp-timestamp (article 004) as processes on real sockets.

use std::net::SocketAddr;
use tests::*;

fn server() -> (Proc, SocketAddr) {
    Proc::server(&program("udp-timestamp"), &["server", "127.0.0.1:0"])
}

fn client(addr: SocketAddr, input: &str) -> Exit {
    run_with_input("udp-timestamp", &["client", &addr.to_string()], input)
}

#[test]
fn udp_timestamp_server_returns_the_time_alone_to_each_sender() {
    let (server, addr) = server();
    let (one, two) = (udp_socket(), udp_socket());
    for (socket, text) in [(&one, "hello"), (&two, "世界"), (&one, "again")] {
        socket.send_to(text.as_bytes(), addr).unwrap();
        let mut buf = [0; 1024];
        let (n, from) = socket.recv_from(&mut buf).unwrap();
        assert_eq!(from, addr);
        let reply = std::str::from_utf8(&buf[..n]).unwrap();
        assert!(is_ctime(reply), "{reply:?} is not the time alone");
    }
    server.wait_stdout("waiting for message...", 4);
    let (one, two) = (one.local_addr().unwrap(), two.local_addr().unwrap());
    assert_eq!(
        server.stdout(),
        format!(
            "Listening on {addr}\nwaiting for message...\n\
             ...received from and returned to: {one}\nwaiting for message...\n\
             ...received from and returned to: {two}\nwaiting for message...\n\
             ...received from and returned to: {one}\nwaiting for message...\n"
        )
    );
}

#[test]
fn udp_timestamp_server_answers_odd_datagrams_too() {
    let (server, addr) = server();
    let socket = udp_socket();
    // Empty, not UTF-8, longer than its 1024-byte buffer: each still gets the time.
    for datagram in [&b""[..], b"\xff\xfe", &[b'x'; 4000]] {
        socket.send_to(datagram, addr).unwrap();
        let mut buf = [0; 1024];
        let (n, _) = socket.recv_from(&mut buf).unwrap();
        assert!(is_ctime(std::str::from_utf8(&buf[..n]).unwrap()));
    }
    assert_eq!(server.stderr(), "");
}

#[test]
fn udp_timestamp_client_prints_the_time_for_each_line_and_ends_on_an_empty_line() {
    let (_server, addr) = server();
    let exit = client(addr, "hello\n世界\n\nnot sent\n");
    assert_eq!(exit.code(), 0, "{exit:?}");
    let answers = between_prompts(&exit.stdout);
    assert_eq!(answers.len(), 2, "{exit:?}");
    assert!(answers.iter().all(|a| is_ctime(a)), "{answers:?}");
    assert_eq!(exit.stderr, "");
}

#[test]
fn udp_timestamp_client_sends_each_line_as_one_datagram_and_follows_the_replier() {
    let server = udp_socket();
    let mut client = Proc::program("udp-timestamp", &["client", &server.local_addr().unwrap().to_string()]);
    client.type_in("hello\n");
    let mut buf = [0; 1024];
    let (n, from) = server.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"hello");
    // As in the article (`data, ADDR = recvfrom`), the next line goes to
    // wherever the reply came from.
    let other = udp_socket();
    other.send_to(b"T1 \xff", from).unwrap();
    client.type_in("next\n");
    let (n, next_from) = other.recv_from(&mut buf).unwrap();
    assert_eq!((&buf[..n], next_from), (&b"next"[..], from));
    other.send_to(b"T2", from).unwrap();
    client.close_stdin();
    let exit = client.wait_exit();
    assert_eq!(exit.code(), 0, "{exit:?}");
    assert_eq!(exit.stdout, "> T1 \u{FFFD}\n> T2\n> ");
}

#[test]
fn udp_timestamp_client_with_no_server_gives_up_with_one_line() {
    let nobody = udp_socket(); // bound, so nothing else gets the port; never answers
    let addr = nobody.local_addr().unwrap();
    let exit = client(addr, "hello\n");
    assert_one_line_error(
        &exit,
        1,
        &format!("udp-timestamp client: no reply from {addr} within 3 s: "),
        &["is the server running?", "cargo run -p udp-timestamp -- server"],
    );
    assert_eq!(exit.stdout, "> ");
}

#[test]
fn udp_timestamp_client_ends_cleanly_at_end_of_input() {
    let (_server, addr) = server();
    let exit = client(addr, "hello");
    assert_eq!(exit.code(), 0, "{exit:?}");
    assert_eq!(between_prompts(&exit.stdout).len(), 1);
    assert_eq!(exit.stderr, "");
}

#[test]
fn udp_timestamp_server_on_an_address_in_use_says_so() {
    let taken = udp_socket();
    let addr = taken.local_addr().unwrap();
    let exit = Proc::program("udp-timestamp", &["server", &addr.to_string()]).wait_exit();
    assert_one_line_error(
        &exit,
        1,
        &format!("udp-timestamp server: cannot bind {addr}: "),
        &["address in use"],
    );
}

#[test]
fn udp_timestamp_without_a_role_prints_usage_and_exits_2() {
    let exit = Proc::program("udp-timestamp", &[]).wait_exit();
    assert_eq!(exit.code(), 2);
    assert!(exit.stderr.starts_with("usage: udp-timestamp server [ADDR]\n"), "{exit:?}");
    let help = Proc::program("udp-timestamp", &["-h"]).wait_exit();
    assert_eq!(help.code(), 0);
    assert!(help.stdout.contains("localhost:23135"), "{help:?}");
}
